//! A user's own items: a JSONL file, one item per line, or a parquet file, one item per row, so
//! that any benchmark a researcher holds can serve as subtasks.
//!
//! Each line is an object with `prompt` (the question, required), `answer` (a string or a number,
//! required), `options` (a list of 2 to 26 option texts: the item is then lettered, shown as
//! `A) ...` lines after the prompt, and `answer` is the right option's letter or its text),
//! `format` (`number` or `text` for items without options; default `number` when the answer is
//! a number, else `text`) and `difficulty` (δ in [0, 1), default 0). Blank lines are skipped.
//! Every problem is reported with its line, column and key; unknown keys are refused. A parquet
//! file has the same columns (`prompt` and `answer` required; `answer` a string or a number,
//! `options` a list of strings, `format` a string, `difficulty` a number; nulls mean absent);
//! its problems name the row and column.

use std::path::Path;

use serde::Deserialize;

use super::parse::canonical;
use super::{Format, Item, letter, render_options};
use crate::syntax::{InputError, KeyPath, LineProblem, Problem};

/// One line as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawItem {
    prompt: String,
    answer: serde_json::Value,
    #[serde(default)]
    options: Option<Vec<String>>,
    #[serde(default)]
    format: Option<String>,
    #[serde(default)]
    difficulty: Option<f64>,
}

/// Reads the items of the JSONL (or, by its extension, parquet) file at `path`. Fails with every
/// problem placed in the file.
pub fn load(path: &Path) -> Result<Vec<Item>, InputError> {
    let read_error = |reason: String| InputError::Read {
        path: path.to_path_buf(),
        reason,
    };
    if path.extension().is_some_and(|e| e == "parquet") {
        let rows = super::parquet::rows(path).map_err(read_error)?;
        return items_of_rows(path, rows);
    }
    let text = crate::syntax::input::read_text(path, crate::syntax::input::MAX_LINES)?;
    parse_items(path, &text)
}

/// Items from the rows of a parquet file (each row a JSON object of its non-null columns).
fn items_of_rows(path: &Path, rows: Vec<serde_json::Value>) -> Result<Vec<Item>, InputError> {
    let mut items = Vec::new();
    let mut problems = Vec::new();
    for (n, row) in rows.into_iter().enumerate() {
        let at = KeyPath::root().index(n);
        match serde_json::from_value::<RawItem>(row) {
            Ok(raw) => match item(raw) {
                Ok(it) => items.push(it),
                Err((key, msg)) => problems.push(Problem::new(at.key(key), msg)),
            },
            Err(e) => problems.push(Problem::new(
                at,
                format!(
                    "not a valid item: {}",
                    crate::syntax::error::json_message(&e)
                ),
            )),
        }
    }
    if items.is_empty() && problems.is_empty() {
        problems.push(Problem::new(KeyPath::root(), "the file holds no items"));
    }
    if problems.is_empty() {
        Ok(items)
    } else {
        Err(InputError::unplaced(path, problems))
    }
}

/// Reads items from `text`, the content of `path`.
pub fn parse_items(path: &Path, text: &str) -> Result<Vec<Item>, InputError> {
    let mut items = Vec::new();
    let mut problems = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let at = KeyPath::root().index(n);
        let raw: RawItem = match serde_json::from_str(line) {
            Ok(r) => r,
            Err(e) => {
                problems.push(LineProblem {
                    line: n + 1,
                    column: e.column().max(1),
                    problem: Problem::new(at, format!("not a valid item: {}", crate::syntax::error::json_message(&e))).help(
                        "write one JSON object per line: {\"prompt\": \"...\", \"answer\": \"...\"}, with optional \"options\", \"format\", \"difficulty\"",
                    ),
                });
                continue;
            }
        };
        match item(raw) {
            Ok(it) => items.push(it),
            Err((key, msg)) => problems.push(LineProblem {
                line: n + 1,
                column: line.find(&format!("\"{key}\"")).map_or(1, |i| i + 1),
                problem: Problem::new(at.key(key), msg),
            }),
        }
    }
    if items.is_empty() && problems.is_empty() {
        problems.push(LineProblem {
            line: 1,
            column: 1,
            problem: Problem::new(KeyPath::root(), "the file holds no items")
                .help("write one JSON object per line with a `prompt` and an `answer`"),
        });
    }
    if problems.is_empty() {
        Ok(items)
    } else {
        Err(InputError::in_lines(path, text, problems))
    }
}

/// Checks one item; on failure, the key at fault and why.
fn item(raw: RawItem) -> Result<Item, (&'static str, String)> {
    let difficulty = raw.difficulty.unwrap_or(0.0);
    if !(0.0..1.0).contains(&difficulty) {
        return Err((
            "difficulty",
            format!("expected a number in [0, 1), found {difficulty}"),
        ));
    }
    if raw.prompt.trim().is_empty() {
        return Err(("prompt", "the prompt is empty".into()));
    }
    let answer = match &raw.answer {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Number(n) => n.to_string(),
        other => {
            return Err((
                "answer",
                format!("expected a string or a number, found {other}"),
            ));
        }
    };
    if let Some(options) = raw.options {
        return lettered(
            raw.prompt,
            options,
            &answer,
            raw.format.as_deref(),
            difficulty,
        );
    }
    let format = match raw.format.as_deref() {
        None if canonical(&Format::Number, &answer).is_some() => Format::Number,
        None | Some("text") => Format::Text,
        Some("number") => Format::Number,
        Some(f) => {
            return Err((
                "format",
                format!(
                    "expected `number` or `text` (or `options` for a lettered item), found `{f}`"
                ),
            ));
        }
    };
    let Some(answer) = canonical(&format, &answer) else {
        return Err((
            "answer",
            format!(
                "`{answer}` is not a {}",
                if format == Format::Number {
                    "number"
                } else {
                    "non-empty text"
                }
            ),
        ));
    };
    Ok(Item {
        prompt: raw.prompt,
        format,
        answer,
        options: Vec::new(),
        difficulty,
    })
}

fn lettered(
    prompt: String,
    options: Vec<String>,
    answer: &str,
    format: Option<&str>,
    difficulty: f64,
) -> Result<Item, (&'static str, String)> {
    if let Some(f) = format.filter(|f| *f != "choice") {
        return Err((
            "format",
            format!("an item with `options` is lettered (`choice`), found `{f}`"),
        ));
    }
    if !(2..=26).contains(&options.len()) {
        return Err((
            "options",
            format!("expected 2 to 26 options, found {}", options.len()),
        ));
    }
    let right = options
        .iter()
        .position(|o| o == answer)
        .or_else(|| (0..options.len()).find(|&i| letter(i) == answer));
    let Some(right) = right else {
        return Err((
            "answer",
            format!(
                "`{answer}` is neither an option nor the letter of one (A to {})",
                letter(options.len() - 1)
            ),
        ));
    };
    Ok(Item {
        prompt: format!("{prompt}\n{}", render_options(&options)),
        format: Format::Choice,
        answer: letter(right),
        options,
        difficulty,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_items_of_each_kind() {
        let text = r#"{"prompt": "2+2?", "answer": 4, "difficulty": 0.2}
{"prompt": "Capital of France?", "answer": "Paris"}

{"prompt": "Pick", "options": ["x", "y", "z"], "answer": "z"}
{"prompt": "Pick", "options": ["x", "y"], "answer": "A"}
"#;
        let items = parse_items(Path::new("i.jsonl"), text).unwrap();
        assert_eq!(items.len(), 4);
        assert_eq!(
            (items[0].format.clone(), items[0].answer.as_str()),
            (Format::Number, "4")
        );
        assert_eq!(
            (items[1].format.clone(), items[1].answer.as_str()),
            (Format::Text, "paris")
        );
        assert_eq!(items[2].answer, "C");
        assert!(items[2].prompt.ends_with("C) z"));
        assert_eq!(items[3].answer, "A");
    }

    #[test]
    fn reads_a_parquet_file_and_names_bad_rows() {
        use polars::prelude::*;
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, answers: &[&str]| {
            let options: ListChunked = [None, Some(Series::new("".into(), &["3", "5", "8"])), None]
                .into_iter()
                .collect();
            let mut df = DataFrame::new(
                3,
                vec![
                    Column::new(
                        "prompt".into(),
                        &["2+2?", "Pick the even one", "Capital of France?"],
                    ),
                    Column::new("answer".into(), answers),
                    options.into_series().with_name("options".into()).into(),
                    Column::new("difficulty".into(), &[Some(0.25), None, Some(0.5)]),
                ],
            )
            .unwrap();
            let path = dir.path().join(name);
            let f = std::fs::File::create(&path).unwrap();
            ParquetWriter::new(f).finish(&mut df).unwrap();
            path
        };
        let items = load(&write("good.parquet", &["4", "8", "Paris"])).unwrap();
        assert_eq!(items.len(), 3);
        assert_eq!(
            (items[0].format.clone(), items[0].difficulty),
            (Format::Number, 0.25)
        );
        assert_eq!(
            (items[1].format.clone(), items[1].answer.as_str()),
            (Format::Choice, "C")
        );
        assert_eq!(items[2].answer, "paris");
        let e = load(&write("bad.parquet", &["4", "9", "Paris"])).unwrap_err();
        let InputError::Invalid(l) = e else { panic!() };
        let shown: Vec<String> = l.problems.iter().map(ToString::to_string).collect();
        assert_eq!(shown.len(), 1, "{shown:?}");
        assert!(
            shown[0].contains("bad.parquet: [1].answer") && shown[0].contains("neither an option"),
            "{}",
            shown[0]
        );
    }

    #[test]
    fn every_problem_is_placed() {
        let text = "{\"prompt\": \"a\"}\n{\"prompt\": \"b\", \"answer\": \"q\", \"options\": [\"x\", \"y\"]}\nnot json\n{\"prompt\": \"c\", \"answer\": 1, \"difficulty\": 1.5}\n";
        let e = parse_items(Path::new("i.jsonl"), text).unwrap_err();
        let InputError::Invalid(l) = e else { panic!() };
        let shown: Vec<String> = l.problems.iter().map(ToString::to_string).collect();
        assert_eq!(shown.len(), 4, "{shown:#?}");
        assert!(
            shown[0].starts_with("i.jsonl:1:") && shown[0].contains("answer"),
            "{}",
            shown[0]
        );
        assert!(
            shown[1].starts_with("i.jsonl:2:") && shown[1].contains("[1].answer"),
            "{}",
            shown[1]
        );
        assert!(shown[2].starts_with("i.jsonl:3:"), "{}", shown[2]);
        assert!(
            shown[3].contains("[3].difficulty") && shown[3].contains("[0, 1)"),
            "{}",
            shown[3]
        );
    }
}
