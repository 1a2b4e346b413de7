//! Progress of long work: an indicatif bar (count, rate, ETA) when stderr is a terminal, plain
//! lines every 10 seconds otherwise (logs of batch jobs), and a last line at the end of work
//! that lasted long enough to print one. With `--progress json` (programs driving the binary),
//! JSON lines instead: `{"progress": {"label", "unit", "done", "total"}}`, at most every 100 ms,
//! and always the first and the last.

use std::io::IsTerminal;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Seconds between two plain progress lines.
const PLAIN_EVERY: Duration = Duration::from_secs(10);
/// Time between two JSON progress lines.
const JSON_EVERY: Duration = Duration::from_millis(100);

/// How progress is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Mode {
    /// A bar on a terminal, plain lines otherwise.
    #[default]
    Auto,
    /// JSON lines on stderr.
    Json,
    /// Nothing.
    None,
}

static MODE: AtomicU8 = AtomicU8::new(0);

/// Sets how progress is shown, for the whole process (`--progress`).
pub fn set_mode(mode: Mode) {
    MODE.store(mode as u8, Ordering::Relaxed);
}

fn mode() -> Mode {
    match MODE.load(Ordering::Relaxed) {
        1 => Mode::Json,
        2 => Mode::None,
        _ => Mode::Auto,
    }
}

/// A progress report that any thread may advance.
pub struct Progress {
    bar: Option<ProgressBar>,
    plain: Option<Mutex<Plain>>,
    json: Option<Mutex<Plain>>,
    label: String,
    unit: &'static str,
    total: u64,
}

struct Plain {
    done: u64,
    printed: bool,
    started: Instant,
    last: Instant,
}

impl Progress {
    /// A report of `total` items of `unit` (e.g. `runs`), prefixed by `label`.
    pub fn new(total: u64, unit: &'static str, label: &str) -> Self {
        let mode = mode();
        let terminal = mode == Mode::Auto && std::io::stderr().is_terminal();
        let bar = terminal.then(|| {
            let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
            let template =
                format!("{{msg}} [{{bar:30}}] {{pos}}/{{len}} {unit}, {{per_sec}}, eta {{eta}}");
            bar.set_style(
                ProgressStyle::with_template(&template)
                    .unwrap_or_else(|_| ProgressStyle::default_bar())
                    .progress_chars("=> "),
            );
            bar.set_message(label.to_string());
            bar
        });
        let now = Instant::now();
        let counter = || {
            Mutex::new(Plain {
                done: 0,
                printed: false,
                started: now,
                last: now,
            })
        };
        let plain = (mode == Mode::Auto && !terminal).then(counter);
        let json = (mode == Mode::Json).then(counter);
        let progress = Progress {
            bar,
            plain,
            json,
            label: label.to_string(),
            unit,
            total,
        };
        progress.json_line(0);
        progress
    }

    /// The JSON progress line of `done` items.
    fn json_line(&self, done: u64) {
        if self.json.is_some() {
            let line = serde_json::json!({"progress": {
                "label": self.label, "unit": self.unit, "done": done, "total": self.total,
            }});
            eprintln!("{line}");
        }
    }

    /// One more item done.
    pub fn inc(&self) {
        if let Some(bar) = &self.bar {
            bar.inc(1);
        }
        if let Some(json) = &self.json
            && let Ok(mut p) = json.lock()
        {
            p.done += 1;
            let now = Instant::now();
            if now.duration_since(p.last) >= JSON_EVERY || p.done == self.total {
                p.last = now;
                self.json_line(p.done);
            }
        }
        if let Some(plain) = &self.plain
            && let Ok(mut p) = plain.lock()
        {
            p.done += 1;
            let now = Instant::now();
            let last = p.done == self.total && p.printed;
            if now.duration_since(p.last) >= PLAIN_EVERY || last {
                p.last = now;
                p.printed = true;
                let secs = now.duration_since(p.started).as_secs_f64().max(1e-9);
                let rate = p.done as f64 / secs;
                let eta = (self.total - p.done) as f64 / rate.max(1e-9);
                eprintln!(
                    "{}: {}/{} {} ({:.0}%), {:.2} {}/s, eta {:.0} s",
                    self.label,
                    p.done,
                    self.total,
                    self.unit,
                    100.0 * p.done as f64 / self.total.max(1) as f64,
                    rate,
                    self.unit,
                    eta
                );
            }
        }
    }

    /// Clears the bar.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
