//! Errors in input files: where (file, line, column, key path), what was expected, a suggestion.
//!
//! Loading and validation report [`Problem`]s against a [`KeyPath`]; [`InputError`] gathers all
//! the problems of one file and finds each one's place in the source text by walking the spanned
//! TOML document along the key path ([`span_of`]). A problem whose key was set on the command
//! line (`--set`) names the flag instead of a place in the file. The whole error renders as a
//! compiler-style message through miette.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use miette::{Diagnostic, LabeledSpan, SourceCode};

pub use super::key_path::KeyPath;
use super::key_path::Seg;
use super::snippet::Snippet;
use super::spec::suggest;
use toml::de::{DeTable, DeValue};

/// One thing wrong with an input, before it is placed in the source text.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// Where the offending value is (or, for a missing key, the table that lacks it).
    pub path: KeyPath,
    /// What is wrong, as a sentence.
    pub message: String,
    /// What to do about it, if there is something better to say than the message.
    pub help: Option<String>,
    /// Point at the key rather than its value (unknown keys).
    pub at_key: bool,
}

impl Problem {
    /// A problem at `path`.
    pub fn new(path: KeyPath, message: impl Into<String>) -> Self {
        Problem {
            path,
            message: message.into(),
            help: None,
            at_key: false,
        }
    }

    /// Adds a suggestion.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

/// Bad input: a file that cannot be read or parsed, or whose values are invalid. The binary
/// prints it and exits with code 2.
#[derive(Debug)]
pub enum InputError {
    /// A file could not be read (missing, unreadable, not UTF-8).
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// The file was read; these things are wrong with it.
    Invalid(Box<Located>),
    /// A problem at a known place of a file that has no spanned document (JSON).
    At {
        /// `file:line:column`.
        place: String,
        /// The key path and what is wrong.
        message: String,
    },
    /// A command-line value is wrong (outside any file).
    Flag {
        /// The flag as written, e.g. `--set ticks=x`.
        flag: String,
        /// What is wrong.
        message: String,
    },
}

/// The problems of one file, each placed in its source.
#[derive(Debug)]
pub struct Located {
    /// The file.
    pub path: PathBuf,
    /// One placed diagnostic per problem.
    pub problems: Vec<PlacedProblem>,
}

/// A [`Problem`] with its place in a source file.
#[derive(Debug)]
pub struct PlacedProblem {
    /// The problem.
    pub problem: Problem,
    /// The file, as named in messages.
    pub file: String,
    /// The lines around the offending text, when the key is in the file.
    pub snippet: Option<Snippet>,
    /// The 1-based line and column of the offending text's start.
    pub line_col: Option<(usize, usize)>,
    /// The `--set` flag that supplied the value, when it came from the command line.
    pub from_flag: Option<String>,
}

impl PlacedProblem {
    /// `problem` at the byte span `span` of `text` (the file `file`), if any.
    fn at(problem: Problem, file: &str, text: &str, span: Option<Range<usize>>) -> Self {
        PlacedProblem {
            problem,
            file: file.to_string(),
            line_col: span.as_ref().map(|s| line_col(text, s.start)),
            snippet: span.map(|s| Snippet::new(file, text, s)),
            from_flag: None,
        }
    }
}

/// At most this many problems are shown for one key (indices of lists counted as one key,
/// `population[*].name`), and at most [`MAX_LINE_PROBLEMS`] in all; one more problem counts the
/// rest, so that a file with thousands of bad elements is reported in linear time and bounded
/// length.
pub const MAX_PER_KEY: usize = 5;

/// `path` with every list index replaced by `*`.
fn generic(path: &KeyPath) -> String {
    let mut out = String::new();
    let mut in_index = false;
    for ch in path.to_string().chars() {
        match ch {
            '[' => {
                in_index = true;
                out.push_str("[*]");
            }
            ']' => in_index = false,
            c if !in_index => out.push(c),
            _ => {}
        }
    }
    out
}

/// The problems to show (at most [`MAX_PER_KEY`] per generic key and [`MAX_LINE_PROBLEMS`] in
/// all, in order), and a sentence counting the others, if any.
pub fn bounded(problems: Vec<Problem>) -> (Vec<Problem>, Option<String>) {
    let mut per_key: Vec<(String, usize)> = Vec::new();
    let (mut shown, mut hidden) = (Vec::new(), 0usize);
    for p in problems {
        let key = generic(&p.path);
        let i = match per_key.iter().position(|(k, _)| *k == key) {
            Some(i) => i,
            None => {
                per_key.push((key, 0));
                per_key.len() - 1
            }
        };
        per_key[i].1 += 1;
        if per_key[i].1 <= MAX_PER_KEY && shown.len() < MAX_LINE_PROBLEMS {
            shown.push(p);
        } else {
            hidden += 1;
        }
    }
    let note = (hidden > 0).then(|| {
        let busiest: Vec<String> = per_key
            .iter()
            .filter(|(_, n)| *n > MAX_PER_KEY)
            .take(5)
            .map(|(k, n)| format!("{n} at {k}"))
            .collect();
        let which = if busiest.is_empty() {
            String::new()
        } else {
            format!(" ({})", busiest.join(", "))
        };
        format!("{hidden} more problems were not shown{which}; fix these first")
    });
    (shown, note)
}

impl InputError {
    /// Places `problems` in `text` (the content of `path`), using `overridden` to say which key
    /// paths came from `--set` flags rather than the file.
    pub fn located(
        path: &Path,
        text: &str,
        problems: Vec<Problem>,
        overridden: &[(KeyPath, String)],
    ) -> Self {
        let file = path.display().to_string();
        let doc = DeTable::parse(text).ok();
        let (problems, note) = bounded(problems);
        let mut placed: Vec<PlacedProblem> = problems
            .into_iter()
            .map(|problem| {
                let from_flag = overridden
                    .iter()
                    .find(|(p, _)| problem.path.starts_with(p))
                    .map(|(_, flag)| flag.clone());
                let span = match (&from_flag, &doc) {
                    (None, Some(d)) => {
                        span_of(d.get_ref(), &problem.path, problem.at_key).or(Some(0..0))
                    }
                    (None, None) => Some(0..0),
                    (Some(_), _) => None,
                };
                let mut p = PlacedProblem::at(problem, &file, text, span);
                p.from_flag = from_flag;
                p
            })
            .collect();
        if let Some(note) = note {
            placed.push(PlacedProblem::at(
                Problem::new(KeyPath::root(), note),
                &file,
                text,
                None,
            ));
        }
        InputError::Invalid(Box::new(Located {
            path: path.to_path_buf(),
            problems: placed,
        }))
    }

    /// A syntax error reported by the TOML parser, with its span (the start of the file when it
    /// gives none).
    pub fn syntax(path: &Path, text: &str, err: &toml::de::Error) -> Self {
        let message = format!("TOML syntax error: {}", err.message().trim());
        let span = err.span().unwrap_or(0..0);
        InputError::Invalid(Box::new(Located {
            path: path.to_path_buf(),
            problems: vec![PlacedProblem::at(
                Problem::new(KeyPath::root(), message),
                &path.display().to_string(),
                text,
                Some(span),
            )],
        }))
    }
}

/// A problem at a line and column of a file that is not TOML (a JSONL file of items, a
/// cassette): 1-based `line` and `column` (in characters), and the problem, whose key path names
/// the record and key (`[4].answer` for line 5's `answer`).
#[derive(Debug, Clone)]
pub struct LineProblem {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// What is wrong.
    pub problem: Problem,
}

impl InputError {
    /// Problems of a file that has no text to point into (a parquet file): each is shown with
    /// the file and its key path (`[row].column`).
    pub fn unplaced(path: &Path, mut problems: Vec<Problem>) -> Self {
        let file = path.display().to_string();
        let extra = problems.len().saturating_sub(MAX_LINE_PROBLEMS);
        problems.truncate(MAX_LINE_PROBLEMS);
        if extra > 0 {
            problems.push(Problem::new(
                KeyPath::root(),
                format!("{extra} more problems like these were not shown"),
            ));
        }
        let placed = problems
            .into_iter()
            .map(|problem| PlacedProblem::at(problem, &file, "", None))
            .collect();
        InputError::Invalid(Box::new(Located {
            path: path.to_path_buf(),
            problems: placed,
        }))
    }
}

/// A JSON parser's message without its "at line L column C" (the place is given separately).
pub fn json_message(e: &serde_json::Error) -> String {
    let m = e.to_string();
    match m.rfind(" at line ") {
        Some(i) => m[..i].to_string(),
        None => m,
    }
}

/// At most this many problems of a line-oriented file are shown; a last one counts the rest.
pub const MAX_LINE_PROBLEMS: usize = 20;

impl InputError {
    /// The problems of the line-oriented file `path` (its content `text`), each placed at its
    /// line and column; beyond [`MAX_LINE_PROBLEMS`], one more problem says how many were left
    /// out.
    pub fn in_lines(path: &Path, text: &str, mut problems: Vec<LineProblem>) -> Self {
        let file = path.display().to_string();
        let extra = problems.len().saturating_sub(MAX_LINE_PROBLEMS);
        problems.truncate(MAX_LINE_PROBLEMS);
        let starts: Vec<usize> = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        let mut placed: Vec<PlacedProblem> = problems
            .into_iter()
            .map(|p| {
                let line_start = starts.get(p.line.saturating_sub(1)).copied();
                let span = line_start.map(|s| {
                    let line = &text[s..];
                    let end = line.find('\n').unwrap_or(line.len());
                    let col = line[..end]
                        .char_indices()
                        .nth(p.column.saturating_sub(1))
                        .map_or(end, |(i, _)| i);
                    s + col..s + end.max(col)
                });
                let mut placed = PlacedProblem::at(p.problem, &file, text, span);
                placed.line_col = Some((p.line, p.column));
                placed
            })
            .collect();
        if extra > 0 {
            placed.push(PlacedProblem::at(
                Problem::new(
                    KeyPath::root(),
                    format!("{extra} more problems like these were not shown"),
                ),
                &file,
                text,
                None,
            ));
        }
        InputError::Invalid(Box::new(Located {
            path: path.to_path_buf(),
            problems: placed,
        }))
    }
}

/// 1-based line and column (in characters) of byte `offset` in `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// The byte span of the value at `path` in a parsed document (of its key when `at_key`); for a
/// path that does not exist, the span of its nearest existing ancestor.
pub fn span_of(doc: &DeTable<'_>, path: &KeyPath, at_key: bool) -> Option<Range<usize>> {
    let mut table = doc;
    let mut array: Option<&toml::de::DeArray<'_>> = None;
    let mut best: Option<Range<usize>> = None;
    for (i, seg) in path.0.iter().enumerate() {
        let last = i + 1 == path.0.len();
        let found: Option<(Range<usize>, Range<usize>, &DeValue<'_>)> = match (seg, array) {
            (Seg::Key(k), None) => table
                .iter()
                .find(|(key, _)| key.get_ref().as_ref() == k.as_str())
                .map(|(key, v)| (key.span(), v.span(), v.get_ref())),
            (Seg::Index(n), Some(a)) => a.get(*n).map(|v| (v.span(), v.span(), v.get_ref())),
            _ => None,
        };
        let Some((key_span, value_span, value)) = found else {
            break;
        };
        best = Some(if last && at_key { key_span } else { value_span });
        match value {
            DeValue::Table(t) => {
                table = t;
                array = None;
            }
            DeValue::Array(a) => array = Some(a),
            _ => {
                if !last {
                    break;
                }
            }
        }
    }
    best
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InputError::Read { path, reason } => {
                write!(f, "cannot read `{}`: {reason}", path.display())
            }
            InputError::Flag { flag, message } => write!(f, "invalid `{flag}`: {message}"),
            InputError::At { place, message } => {
                write!(f, "{place}: {}", clip(message, MAX_MESSAGE))
            }
            InputError::Invalid(l) => {
                let n = l.problems.len();
                write!(
                    f,
                    "`{}` is not valid: {n} problem{}",
                    l.path.display(),
                    if n == 1 { "" } else { "s" }
                )
            }
        }
    }
}

impl std::error::Error for InputError {}

impl Diagnostic for InputError {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new("lamas::bad_input"))
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        match self {
            InputError::Invalid(l) => {
                Some(Box::new(l.problems.iter().map(|p| p as &dyn Diagnostic)))
            }
            _ => None,
        }
    }
}

impl fmt::Display for PlacedProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let file = &self.file;
        let path = clip(&self.problem.path.to_string(), MAX_PATH).into_owned();
        let message = clip(&self.problem.message, MAX_MESSAGE);
        match (&self.from_flag, self.line_col) {
            (Some(flag), _) => write!(f, "{file}: {path}: {message} (set by `{flag}`)"),
            (None, Some((l, c))) => write!(f, "{file}:{l}:{c}: {path}: {message}"),
            (None, None) => write!(f, "{file}: {path}: {message}"),
        }
    }
}

/// Most characters of a message shown; the rest of a longer one (a key of 70,000 characters
/// quoted in it) is cut in the middle.
pub const MAX_MESSAGE: usize = 1_000;
/// Most characters of a key path shown.
pub const MAX_PATH: usize = 200;

/// `text` cut in the middle to at most `max` characters (`…` marks the cut), so that a report
/// stays short whatever the input.
pub fn clip(text: &str, max: usize) -> std::borrow::Cow<'_, str> {
    let n = text.chars().count();
    if n <= max {
        return std::borrow::Cow::Borrowed(text);
    }
    let head: String = text.chars().take(max / 2).collect();
    let tail: String = text.chars().skip(n - (max - max / 2 - 1)).collect();
    std::borrow::Cow::Owned(format!("{head}…{tail}"))
}

impl std::error::Error for PlacedProblem {}

impl Diagnostic for PlacedProblem {
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.problem
            .help
            .as_ref()
            .map(|h| Box::new(clip(h, MAX_MESSAGE)) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.snippet.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let span = self.snippet.as_ref()?.label();
        let path = clip(&self.problem.path.to_string(), MAX_PATH).into_owned();
        let label = LabeledSpan::new(Some(path), span.start, span.len());
        Some(Box::new(std::iter::once(label)))
    }
}

/// A [`Problem`] from a deserialisation error, with the key path serde_path_to_error tracked and,
/// for unknown keys, the nearest valid key.
pub fn problem_from_serde(e: &serde_path_to_error::Error<toml::de::Error>) -> Problem {
    let mut path = KeyPath::root();
    for seg in e.path().iter() {
        match seg {
            serde_path_to_error::Segment::Seq { index } => path.0.push(Seg::Index(*index)),
            serde_path_to_error::Segment::Map { key } => path.0.push(Seg::Key(key.clone())),
            serde_path_to_error::Segment::Enum { variant } => {
                path.0.push(Seg::Key(variant.clone()))
            }
            serde_path_to_error::Segment::Unknown => {}
        }
    }
    let message = e.inner().message().trim().to_string();
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let unknown = rest.split('`').next().unwrap_or_default().to_string();
        let expected: Vec<&str> = rest
            .split('`')
            .skip(1)
            .collect::<Vec<_>>()
            .chunks(2)
            .filter_map(|c| c.get(1).copied())
            .collect();
        if path.0.last() != Some(&Seg::Key(unknown.clone())) {
            path.0.push(Seg::Key(unknown.clone()));
        }
        let mut p = Problem::new(path, format!("unknown key `{unknown}`"));
        p.at_key = true;
        let list: Vec<String> = expected.iter().map(|k| format!("`{k}`")).collect();
        let help = match suggest(&unknown, expected.iter().copied()) {
            Some(s) => format!("did you mean `{s}`? (valid keys here: {})", list.join(", ")),
            None => format!("valid keys here: {}", list.join(", ")),
        };
        return p.help(help);
    }
    let message = message.replace("invalid type: ", "wrong type: found ");
    Problem::new(path, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_paths_display_like_code() {
        let p = KeyPath::root().key("population").index(2).key("count");
        assert_eq!(p.to_string(), "population[2].count");
        assert!(p.starts_with(&KeyPath::root().key("population")));
        let q = KeyPath::root().key("axes").key("credit.mechanism").index(1);
        assert_eq!(q.to_string(), "axes.\"credit.mechanism\"[1]");
    }

    #[test]
    fn spans_follow_key_paths() {
        let text = "ticks = 5\n[[population]]\nname = \"a\"\ncount = -3\n";
        let doc = DeTable::parse(text).unwrap();
        let p = KeyPath::root().key("population").index(0).key("count");
        let span = span_of(doc.get_ref(), &p, false).unwrap();
        assert_eq!(&text[span.clone()], "-3");
        assert_eq!(line_col(text, span.start), (4, 9));
        let key = span_of(doc.get_ref(), &p, true).unwrap();
        assert_eq!(&text[key], "count");
        // A missing key falls back to its table.
        let missing = KeyPath::root().key("population").index(0).key("strategy");
        assert!(span_of(doc.get_ref(), &missing, false).is_some());
    }
}
