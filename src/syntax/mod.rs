//! The ground floor of every input lamas reads: bounded reading of files ([`input`]), the
//! located input error with its key paths and rendering ([`error`], [`snippet`]), and the
//! `name(args)` syntax of the registries with suggestion by edit distance ([`spec`]).
//!
//! Everything that reads input imports from here — the registries (`credit`, `privacy`,
//! `rules`, `strategy`, `dist`, `bank`), the file formats (scenarios, experiments, games, item
//! banks, cassettes) — and this module imports nothing of lamas, so no lower floor depends on
//! the scenario layer above it.

pub mod error;
pub mod input;
pub mod key_path;
pub mod param;
pub mod snippet;
pub mod spec;

pub use error::{InputError, KeyPath, LineProblem, Problem};

/// A number as a message shows it: in full up to 10⁹ in size, else in scientific notation
/// (`1e308`, not 309 digits).
pub fn short(x: f64) -> String {
    if x.is_finite() && x != 0.0 && !(1e-6..1e9).contains(&x.abs()) {
        format!("{x:e}")
    } else {
        format!("{x}")
    }
}
