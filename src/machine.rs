//! The machine-readable face of the binary, for programs that drive it (the Python package):
//! errors as one JSON line on stderr (`--error-format json`) and progress as JSON lines
//! (`--progress json`).
//!
//! An error line is `{"error": "input" | "run", "message": …, "problems": […]}`; each problem has
//! `file`, `line`, `column` (1-based), `key` (the key path, or the flag), `message` and `help`,
//! each `null` where it does not apply. Bad input (exit code 2) lists every located problem of
//! the file; a failed run (exit code 1) has its message and no problems.

use serde_json::{Value, json};

use crate::syntax::error::InputError;

/// How errors are written to stderr.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ErrorFormat {
    /// Rendered for people, with the offending lines.
    #[default]
    Human,
    /// One JSON object on one line.
    Json,
}

/// The JSON line of bad input described by `d`.
pub fn input_error(d: &(dyn miette::Diagnostic + Send + Sync + 'static)) -> String {
    let as_error: &(dyn std::error::Error + 'static) = d;
    let problems = match as_error.downcast_ref::<InputError>() {
        Some(e) => problems(e),
        None => vec![problem(None, None, None, d.to_string(), help(d))],
    };
    json!({"error": "input", "message": d.to_string(), "problems": problems}).to_string()
}

/// The JSON line of a failed run.
pub fn run_error(message: &str) -> String {
    json!({"error": "run", "message": message, "problems": []}).to_string()
}

fn help(d: &dyn miette::Diagnostic) -> Option<String> {
    d.help().map(|h| h.to_string())
}

fn problem(
    file: Option<String>,
    place: Option<(usize, usize)>,
    key: Option<String>,
    message: String,
    help: Option<String>,
) -> Value {
    json!({
        "file": file,
        "line": place.map(|p| p.0),
        "column": place.map(|p| p.1),
        "key": key,
        "message": message,
        "help": help,
    })
}

/// Every problem of `e`, located.
fn problems(e: &InputError) -> Vec<Value> {
    match e {
        InputError::Read { path, reason } => vec![problem(
            Some(path.display().to_string()),
            None,
            None,
            reason.clone(),
            None,
        )],
        InputError::Invalid(located) => located
            .problems
            .iter()
            .map(|p| {
                let key = p.problem.path.to_string();
                problem(
                    Some(p.file.clone()),
                    p.line_col,
                    (!key.is_empty()).then_some(key),
                    p.problem.message.clone(),
                    p.problem.help.clone(),
                )
            })
            .collect(),
        InputError::At { place, message } => {
            let (file, at) = split_place(place);
            vec![problem(Some(file), at, None, message.clone(), None)]
        }
        InputError::Flag { flag, message } => {
            vec![problem(
                None,
                None,
                Some(flag.clone()),
                message.clone(),
                None,
            )]
        }
    }
}

/// `file:line:column` split into the file and the place, when it has one.
fn split_place(place: &str) -> (String, Option<(usize, usize)>) {
    let mut parts = place.rsplitn(3, ':');
    let (col, line, file) = (parts.next(), parts.next(), parts.next());
    match (
        file,
        line.and_then(|l| l.parse().ok()),
        col.and_then(|c| c.parse().ok()),
    ) {
        (Some(f), Some(l), Some(c)) => (f.to_string(), Some((l, c))),
        _ => (place.to_string(), None),
    }
}

#[cfg(test)]
mod tests {
    use super::split_place;

    #[test]
    fn places_split_into_file_line_and_column() {
        assert_eq!(
            split_place("a/b.json:3:14"),
            ("a/b.json".into(), Some((3, 14)))
        );
        assert_eq!(split_place("c:/x.json:3:14").1, Some((3, 14)));
        assert_eq!(split_place("nowhere"), ("nowhere".into(), None));
    }
}
