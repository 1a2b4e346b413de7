//! What the commands share: how they fail ([`Failure`]: bad input, exit code 2, or a failed
//! run, exit code 1), plain messages as diagnostics, the rendering of a diagnostic, the output
//! formats of tables, and a cassette problem placed in its scenario. `cli` parses the command
//! line and dispatches to the `*_cmd` modules; they and `cli` import this module, never each
//! other's internals.

use std::io::IsTerminal;
use std::path::Path;

use miette::{GraphicalReportHandler, GraphicalTheme};

use crate::scenario;
use crate::syntax::InputError;

/// Output formats of `lamas credit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// An aligned table, for people.
    Table,
    /// One JSON object.
    Json,
    /// One row per player, one column per mechanism.
    Csv,
}

/// Why a command did not succeed.
#[derive(Debug)]
pub enum Failure {
    /// Bad input: exit code 2.
    Input(Box<dyn miette::Diagnostic + Send + Sync>),
    /// A run or check failed: exit code 1.
    Run(String),
}

impl From<InputError> for Failure {
    fn from(e: InputError) -> Self {
        Failure::Input(Box::new(e))
    }
}

/// Wraps a plain message as a diagnostic.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("{0}")]
#[diagnostic(code(lamas::bad_input))]
pub struct Message(pub String);

/// Renders a diagnostic as text (colour only on a terminal).
pub fn render(d: &dyn miette::Diagnostic) -> String {
    let theme = if std::io::stderr().is_terminal() {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let mut out = String::new();
    if GraphicalReportHandler::new_themed(theme)
        .with_wrap_lines(false)
        .render_report(&mut out, d)
        .is_err()
    {
        out = format!("error: {d}\n");
    }
    out
}

/// A cassette that cannot be read, placed at the scenario's `llm.cassette` key; other errors
/// (a cassette's bad lines, placed in the cassette) as they are.
pub fn cassette_problem(e: InputError, file: &Path, set: &[String]) -> InputError {
    match e {
        InputError::Read { path, reason } => scenario::problem_in(
            file,
            set,
            scenario::Problem::new(
                scenario::KeyPath::root().key("llm").key("cassette"),
                format!("cannot use the cassette {}: {reason}", path.display()),
            )
            .help("record it against the model endpoints with `--llm record`, or name another file in llm.cassette"),
        ),
        other => other,
    }
}
