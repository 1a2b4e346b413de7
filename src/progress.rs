//! Progress of long work: an indicatif bar (count, rate, ETA) when stderr is a terminal, plain
//! lines every 10 seconds otherwise (logs of batch jobs), and a last line at the end of work
//! that lasted long enough to print one. With `--progress json` (programs driving the binary),
//! JSON lines instead: `{"progress": {"label", "unit", "done", "total"}}`, at most every 100 ms,
//! and always the first and the last.

use std::io::IsTerminal;
use std::sync::{Mutex, OnceLock};
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

static MODE: OnceLock<Mode> = OnceLock::new();

/// Sets how progress is shown, for the whole process (`--progress`); the first call wins.
pub fn set_mode(mode: Mode) {
    let _ = MODE.set(mode);
}

fn mode() -> Mode {
    MODE.get().copied().unwrap_or_default()
}

/// A progress report that any thread may advance.
pub struct Progress {
    bar: Option<ProgressBar>,
    lines: Option<Mutex<Lines>>,
    label: String,
    unit: &'static str,
    total: u64,
}

/// Progress written as lines (plain or JSON): the count and when the last line was printed.
struct Lines {
    json: bool,
    done: u64,
    printed: bool,
    started: Instant,
    last: Instant,
}

impl Lines {
    /// Whether a line is due at `now`: JSON lines at most every [`JSON_EVERY`] and always the
    /// last; plain lines every [`PLAIN_EVERY`], and the last only if one was printed before.
    fn due(&self, now: Instant, total: u64) -> bool {
        let every = if self.json { JSON_EVERY } else { PLAIN_EVERY };
        let last = self.done == total && (self.json || self.printed);
        now.duration_since(self.last) >= every || last
    }
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
        let lines = (mode == Mode::Json || (mode == Mode::Auto && !terminal)).then(|| {
            Mutex::new(Lines {
                json: mode == Mode::Json,
                done: 0,
                printed: false,
                started: now,
                last: now,
            })
        });
        let progress = Progress {
            bar,
            lines,
            label: label.to_string(),
            unit,
            total,
        };
        if mode == Mode::Json {
            progress.json_line(0);
        }
        progress
    }

    /// The JSON progress line of `done` items.
    fn json_line(&self, done: u64) {
        let line = serde_json::json!({"progress": {
            "label": self.label, "unit": self.unit, "done": done, "total": self.total,
        }});
        eprintln!("{line}");
    }

    /// The plain progress line of `p`'s count at `now`.
    fn plain_line(&self, p: &Lines, now: Instant) {
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

    /// One more item done.
    pub fn inc(&self) {
        if let Some(bar) = &self.bar {
            bar.inc(1);
        }
        if let Some(lines) = &self.lines
            && let Ok(mut p) = lines.lock()
        {
            p.done += 1;
            let now = Instant::now();
            if p.due(now, self.total) {
                p.last = now;
                p.printed = true;
                if p.json {
                    self.json_line(p.done);
                } else {
                    self.plain_line(&p, now);
                }
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
