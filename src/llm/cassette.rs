//! Cassettes: every model call of a scenario, recorded once and replayed bit for bit.
//!
//! A cassette is a JSONL file with one call per line:
//!
//! ```text
//! {"key":"<64 hex>","request":{...the canonical request...},"reply":{"text":"...",
//!  "prompt_tokens":45,"completion_tokens":12,"latency_ms":251.3,"finish_reason":"stop"}}
//! ```
//!
//! The key is the request's hash ([`super::request`]); loading checks it against the request,
//! so a hand-edited line cannot pass for another call. A call is appended as one `write` of one
//! whole line to a file opened for appending, then synced, so a cassette is valid after
//! `kill -9` at any moment: at worst its last line is cut short, and a line with no final newline
//! is ignored on loading (and cut off before the next append). Any other bad line makes the
//! cassette invalid (exit 2, with its line and column). While a cassette is being recorded,
//! lamas holds an exclusive lock on it, so two processes never record into one. After a
//! recording that finished, [`Cassette::compact`] rewrites it sorted by key (atomically), so that
//! a committed cassette does not depend on the order in which replies came back.
//!
//! **Parts.** A cassette of more than [`PART_BYTES`] is compacted into one *part* per model beside
//! it, `<name>.<model>.jsonl` for a cassette `<name>.jsonl` (the model's name in lower case, other
//! characters than letters, digits, `.` and `-` as `-`), each sorted by key, and the cassette file
//! itself is left empty: it receives the next recording, which the next compaction moves to the
//! parts. A call always lands in its model's part, so a recording's diff stays in the files of the
//! models it called. Loading reads the cassette and every part of it; a call found in two files
//! must have one reply.

use crate::syntax::input::{MAX_LINES, read_text};
use std::collections::{BTreeMap, BTreeSet};
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Condvar, Mutex};

use serde::{Deserialize, Serialize};

use super::request::ChatRequest;
use crate::syntax::{InputError, KeyPath, LineProblem, Problem};

/// What a model answered to one call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reply {
    /// The reply's text (the first choice's message content).
    pub text: String,
    /// Tokens of the prompt, from the endpoint's `usage`.
    pub prompt_tokens: u64,
    /// Tokens of the reply, from `usage`.
    pub completion_tokens: u64,
    /// Wall time of the call when it was recorded, milliseconds.
    pub latency_ms: f64,
    /// Why the reply ended (`stop`, `length`, ...), as the endpoint said.
    #[serde(default)]
    pub finish_reason: String,
}

/// The outcome of [`Cassette::try_claim`].
#[derive(Debug, Clone, PartialEq)]
pub enum Claim {
    /// The call is recorded: its reply.
    Recorded(Reply),
    /// The caller is to make the call.
    Mine,
    /// Another run is making it now.
    Busy,
}

/// A cassette whose compacted text would be larger than this many bytes is written as one part
/// per model.
pub const PART_BYTES: usize = 3 << 20;

/// One line of a cassette.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Record {
    key: String,
    request: ChatRequest,
    reply: Reply,
}

/// A cassette in memory, and its file when recording.
#[derive(Debug)]
pub struct Cassette {
    path: PathBuf,
    calls: Mutex<BTreeMap<String, (ChatRequest, Reply)>>,
    writer: Option<Mutex<File>>,
    /// Keys being called now, so that runs recording at once make each call once.
    in_flight: Mutex<BTreeSet<String>>,
    settled: Condvar,
}

impl Cassette {
    /// Loads the cassette at `path` for replaying: it must exist and be valid.
    pub fn replay(path: &Path) -> Result<Cassette, InputError> {
        let text = read_text(path, MAX_LINES).map_err(|e| match e {
            InputError::Read { path, reason } => InputError::Read {
                path,
                reason: format!(
                    "{reason}; a cassette is made by recording: run the scenario with `--llm record` against a model endpoint"
                ),
            },
            other => other,
        })?;
        let (calls, _) = parse(path, &text)?;
        let calls = with_parts(path, calls)?;
        Ok(Cassette::new(path, calls, None))
    }

    /// Checks the cassette at `path` without keeping or locking it: it must exist when
    /// `must_exist`, and be valid if it does.
    pub fn check(path: &Path, must_exist: bool) -> Result<(), InputError> {
        if !must_exist && !path.exists() {
            return Ok(());
        }
        Cassette::replay(path).map(|_| ())
    }

    /// Opens the cassette at `path` for recording (created if missing), locked against other
    /// processes; a last line cut short by a crash is removed.
    pub fn record(path: &Path) -> Result<Cassette, InputError> {
        let read_err = |e: std::io::Error| InputError::Read {
            path: path.to_path_buf(),
            reason: e.to_string(),
        };
        let file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(path)
            .map_err(read_err)?;
        if file.try_lock().is_err() {
            return Err(InputError::Read {
                path: path.to_path_buf(),
                reason:
                    "another lamas process is recording into this cassette; wait for it to finish"
                        .into(),
            });
        }
        let text = read_text(path, MAX_LINES)?;
        let (calls, whole) = parse(path, &text)?;
        if whole < text.len() {
            file.set_len(whole as u64).map_err(read_err)?;
        }
        let calls = with_parts(path, calls)?;
        Ok(Cassette::new(path, calls, Some(file)))
    }

    fn new(path: &Path, calls: Calls, writer: Option<File>) -> Cassette {
        Cassette {
            path: path.to_path_buf(),
            calls: Mutex::new(calls),
            writer: writer.map(Mutex::new),
            in_flight: Mutex::new(BTreeSet::new()),
            settled: Condvar::new(),
        }
    }

    /// The recorded reply to `key`, waiting if another run is calling it now; `None` when the
    /// caller is to make the call: it then holds the key until it [`Cassette::append`]s the
    /// reply or [`Cassette::release`]s the key. So runs that record at once make each call
    /// once and all use the same reply.
    pub fn claim(&self, key: &str) -> Option<Reply> {
        let mut busy = self.in_flight.lock().unwrap_or_else(|p| p.into_inner());
        loop {
            if let Some(r) = self.get(key) {
                return Some(r);
            }
            if busy.insert(key.to_string()) {
                return None;
            }
            busy = self.settled.wait(busy).unwrap_or_else(|p| p.into_inner());
        }
    }

    /// Claims `key` without waiting: its reply if recorded, [`Claim::Mine`] if the caller is now
    /// to make the call (it holds the key until it appends the reply or releases the key), or
    /// [`Claim::Busy`] if another run is calling it now.
    pub fn try_claim(&self, key: &str) -> Claim {
        let mut busy = self.in_flight.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(r) = self.get(key) {
            return Claim::Recorded(r);
        }
        if busy.insert(key.to_string()) {
            Claim::Mine
        } else {
            Claim::Busy
        }
    }

    /// Gives up a claimed key (its call failed).
    pub fn release(&self, key: &str) {
        let mut busy = self.in_flight.lock().unwrap_or_else(|p| p.into_inner());
        busy.remove(key);
        self.settled.notify_all();
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Its files: the cassette file, then its parts by name.
    pub fn files(&self) -> Vec<PathBuf> {
        std::iter::once(self.path.clone())
            .chain(parts(&self.path))
            .collect()
    }

    /// The recorded reply to the call with `key`.
    pub fn get(&self, key: &str) -> Option<Reply> {
        let calls = self.calls.lock().unwrap_or_else(|p| p.into_inner());
        calls.get(key).map(|(_, r)| r.clone())
    }

    /// Number of calls held.
    pub fn len(&self) -> usize {
        self.calls.lock().unwrap_or_else(|p| p.into_inner()).len()
    }

    /// Whether it holds no call.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Records a call: appends its line (one write, then a sync), keeps it in memory, and
    /// releases its key.
    pub fn append(&self, request: &ChatRequest, reply: &Reply) -> std::io::Result<()> {
        let key = request.key();
        let line = record_line(&key, request, reply);
        if let Some(w) = &self.writer {
            let mut f = w.lock().unwrap_or_else(|p| p.into_inner());
            f.write_all(line.as_bytes())?;
            f.sync_data()?;
        }
        self.calls
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(key.clone(), (request.clone(), reply.clone()));
        self.release(&key);
        Ok(())
    }

    /// Rewrites the cassette with its calls sorted by key — in one file, or, past
    /// [`PART_BYTES`] or when it has parts already, in one part per model with the cassette
    /// file left empty. Each file is written to a temporary file, synced and renamed over its
    /// place; the cassette file last, so a crash leaves every call in some file. Only while
    /// recording (the lock is held throughout).
    pub fn compact(&self) -> std::io::Result<()> {
        self.compact_at(PART_BYTES)
    }

    /// [`Cassette::compact`] with parts past `limit` bytes.
    fn compact_at(&self, limit: usize) -> std::io::Result<()> {
        let Some(w) = &self.writer else {
            return Ok(());
        };
        let _held = w.lock().unwrap_or_else(|p| p.into_inner());
        let calls = self.calls.lock().unwrap_or_else(|p| p.into_inner());
        let mut by_part: BTreeMap<PathBuf, String> = BTreeMap::new();
        let mut all = String::new();
        for (key, (request, reply)) in calls.iter() {
            let line = record_line(key, request, reply);
            all.push_str(&line);
            by_part
                .entry(part_path(&self.path, &request.model))
                .or_default()
                .push_str(&line);
        }
        let existing = parts(&self.path);
        if all.len() <= limit && existing.is_empty() {
            return write_atomically(&self.path, &all);
        }
        for (part, text) in &by_part {
            write_atomically(part, text)?;
        }
        for stale in existing.iter().filter(|p| !by_part.contains_key(*p)) {
            std::fs::remove_file(stale)?;
        }
        write_atomically(&self.path, "")
    }
}

/// Writes `text` to a temporary file beside `path`, syncs it and renames it over `path`.
fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    let tmp = path.with_extension("jsonl.tmp");
    let mut f = File::create(&tmp)?;
    f.write_all(text.as_bytes())?;
    f.sync_all()?;
    std::fs::rename(&tmp, path)
}

/// The part of the cassette at `path` that holds the calls of `model`.
fn part_path(path: &Path, model: &str) -> PathBuf {
    let slug: String = model
        .to_lowercase()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect();
    path.with_file_name(format!("{}.{slug}.jsonl", stem(path)))
}

/// The cassette's file name without `.jsonl`.
fn stem(path: &Path) -> String {
    let name = path
        .file_name()
        .map_or(String::new(), |n| n.to_string_lossy().into_owned());
    name.strip_suffix(".jsonl").unwrap_or(&name).to_string()
}

/// The parts beside the cassette at `path`, by name.
fn parts(path: &Path) -> Vec<PathBuf> {
    let prefix = format!("{}.", stem(path));
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut found: Vec<PathBuf> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(&prefix) && n.ends_with(".jsonl") && n.len() > prefix.len() + 6)
        .map(|n| path.with_file_name(n))
        .collect();
    found.sort();
    found
}

/// `calls` (of the cassette file at `path`) with the calls of its parts; a call in two files
/// must have one reply.
fn with_parts(path: &Path, mut calls: Calls) -> Result<Calls, InputError> {
    for part in parts(path) {
        let text = read_text(&part, MAX_LINES)?;
        let (more, _) = parse(&part, &text)?;
        for (key, (request, reply)) in more {
            if let Some((_, earlier)) = calls.get(&key)
                && *earlier != reply
            {
                return Err(InputError::Read {
                    path: part.clone(),
                    reason: format!(
                        "the call {key} is recorded with another reply in {} or another part; keep one of the two lines",
                        path.display()
                    ),
                });
            }
            calls.insert(key, (request, reply));
        }
    }
    Ok(calls)
}

fn record_line(key: &str, request: &ChatRequest, reply: &Reply) -> String {
    let record = Record {
        key: key.to_string(),
        request: request.clone(),
        reply: reply.clone(),
    };
    let mut line = serde_json::to_string(&record).unwrap_or_default();
    line.push('\n');
    line
}

type Calls = BTreeMap<String, (ChatRequest, Reply)>;

/// The calls of a cassette's text, and the length of its whole lines (a last line with no
/// newline, cut short by a crash, is left out).
fn parse(path: &Path, text: &str) -> Result<(Calls, usize), InputError> {
    let whole = text.rfind('\n').map_or(0, |i| i + 1);
    let mut calls = Calls::new();
    let mut first_line: BTreeMap<String, usize> = BTreeMap::new();
    let mut problems = Vec::new();
    for (n, line) in text[..whole].lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let at = KeyPath::root().index(n);
        let problem = |column: usize, p: Problem| LineProblem {
            line: n + 1,
            column,
            problem: p,
        };
        let record: Record = match serde_json::from_str(line) {
            Ok(r) => r,
            Err(e) => {
                problems.push(problem(
                    e.column().max(1),
                    Problem::new(at, format!("not a cassette record: {}", crate::syntax::error::json_message(&e)))
                        .help("a cassette line is {\"key\": ..., \"request\": {...}, \"reply\": {...}}; record the calls again with `--llm record` rather than editing them"),
                ));
                continue;
            }
        };
        let key = record.request.key();
        if key != record.key {
            problems.push(problem(
                line.find("\"key\"").map_or(1, |i| i + 1),
                Problem::new(
                    at.key("key"),
                    format!("the key does not match the request (its hash is {key}): the line was edited"),
                )
                .help("remove the line and record the call again with `--llm record`"),
            ));
            continue;
        }
        if let Some((_, earlier)) = calls.get(&key)
            && *earlier != record.reply
        {
            problems.push(problem(
                1,
                Problem::new(
                    at.key("reply"),
                    format!(
                        "the call of line {} is recorded again with another reply",
                        first_line[&key] + 1
                    ),
                )
                .help("keep one of the two lines"),
            ));
            continue;
        }
        first_line.entry(key.clone()).or_insert(n);
        calls.insert(key, (record.request, record.reply));
    }
    if problems.is_empty() {
        Ok((calls, whole))
    } else {
        Err(InputError::in_lines(path, text, problems))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::llm::request::Message;

    fn req(q: &str) -> ChatRequest {
        ChatRequest {
            model: "m".into(),
            messages: vec![Message {
                role: "user".into(),
                content: q.into(),
            }],
            temperature: 0.0,
            seed: 1,
            max_tokens: 8,
            response_format: None,
        }
    }

    fn reply(t: &str) -> Reply {
        Reply {
            text: t.into(),
            prompt_tokens: 10,
            completion_tokens: 2,
            latency_ms: 12.5,
            finish_reason: "stop".into(),
        }
    }

    #[test]
    fn records_replays_and_survives_a_torn_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.jsonl");
        {
            let c = Cassette::record(&path).unwrap();
            c.append(&req("b"), &reply("2")).unwrap();
            c.append(&req("a"), &reply("1")).unwrap();
        }
        // A crash in the middle of a write leaves a line with no newline.
        let mut f = OpenOptions::new().append(true).open(&path).unwrap();
        f.write_all(b"{\"key\":\"ab").unwrap();
        drop(f);
        let c = Cassette::replay(&path).unwrap();
        assert_eq!(c.len(), 2);
        assert_eq!(c.get(&req("a").key()).unwrap().text, "1");
        // Recording again cuts the torn line off, and compaction sorts by key.
        let c = Cassette::record(&path).unwrap();
        c.append(&req("c"), &reply("3")).unwrap();
        c.compact().unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let keys: Vec<String> = text
            .lines()
            .map(|l| serde_json::from_str::<Record>(l).unwrap().key)
            .collect();
        let mut sorted = keys.clone();
        sorted.sort();
        assert_eq!((keys.len(), &keys), (3, &sorted));
    }

    fn req_of(model: &str, q: &str) -> ChatRequest {
        ChatRequest {
            model: model.into(),
            ..req(q)
        }
    }

    /// Past the size limit, compaction writes one sorted part per model and empties the
    /// cassette file; loading reads them all; the next recording goes to the cassette file and
    /// the next compaction moves it to its model's part; a part whose call has another reply
    /// than the cassette's is refused, naming the part.
    #[test]
    fn a_large_cassette_is_compacted_into_one_part_per_model() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.cassette.jsonl");
        let small = dir.path().join("c.cassette.small-model.jsonl");
        let big = dir.path().join("c.cassette.big-model-q4.jsonl");
        {
            let c = Cassette::record(&path).unwrap();
            c.append(&req_of("Small-Model", "b"), &reply("2")).unwrap();
            c.append(&req_of("Big_Model-Q4", "a"), &reply("1")).unwrap();
            c.append(&req_of("Small-Model", "a"), &reply("3")).unwrap();
            c.compact_at(10).unwrap();
        }
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "");
        let lines = |p: &Path| std::fs::read_to_string(p).unwrap().lines().count();
        assert_eq!((lines(&small), lines(&big)), (2, 1));
        let c = Cassette::replay(&path).unwrap();
        assert_eq!(c.len(), 3);
        assert_eq!(c.get(&req_of("Small-Model", "a").key()).unwrap().text, "3");
        // A new recording lands in the cassette file; compaction moves it to its part.
        {
            let c = Cassette::record(&path).unwrap();
            assert_eq!(c.len(), 3);
            c.append(&req_of("Big_Model-Q4", "c"), &reply("4")).unwrap();
            assert_eq!(lines(&path), 1);
            c.compact_at(usize::MAX).unwrap();
        }
        assert_eq!((lines(&path), lines(&small), lines(&big)), (0, 2, 2));
        // The same call with another reply in the cassette file and a part: refused.
        std::fs::write(
            &path,
            record_line(
                &req_of("Small-Model", "a").key(),
                &req_of("Small-Model", "a"),
                &reply("9"),
            ),
        )
        .unwrap();
        let err = Cassette::replay(&path).unwrap_err().to_string();
        assert!(
            err.contains("small-model") && err.contains("another reply"),
            "{err}"
        );
    }

    #[test]
    fn a_second_recorder_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.jsonl");
        let _first = Cassette::record(&path).unwrap();
        let e = Cassette::record(&path).unwrap_err().to_string();
        assert!(e.contains("another lamas process"), "{e}");
    }

    #[test]
    fn edited_and_broken_lines_are_placed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.jsonl");
        let good = record_line(&req("a").key(), &req("a"), &reply("1"));
        let edited = good.replace("\"a\"", "\"z\"");
        let again = record_line(&req("a").key(), &req("a"), &reply("9"));
        std::fs::write(&path, format!("{good}{edited}not json\n{again}")).unwrap();
        let InputError::Invalid(l) = Cassette::replay(&path).unwrap_err() else {
            panic!()
        };
        let shown: Vec<String> = l.problems.iter().map(ToString::to_string).collect();
        assert_eq!(shown.len(), 3, "{shown:#?}");
        assert!(
            shown[0].contains(":2:") && shown[0].contains("[1].key"),
            "{}",
            shown[0]
        );
        assert!(shown[1].contains(":3:"), "{}", shown[1]);
        assert!(
            shown[2].contains("[3].reply") && shown[2].contains("line 1"),
            "{}",
            shown[2]
        );
        let missing = Cassette::replay(&dir.path().join("none.jsonl")).unwrap_err();
        assert!(missing.to_string().contains("--llm record"), "{missing}");
    }
}
