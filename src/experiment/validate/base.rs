//! The base scenario: read relative to the experiment (its own problems reported in its own
//! file), the fixed overrides applied and checked, and any set of values tried on it as a
//! scenario, the problems of each placed at the experiment key that set it.

use std::path::{Path, PathBuf};

use super::super::grid;
use super::Entry;
use crate::scenario::overrides::set_value;
use crate::scenario::{self, InputError, KeyPath, Problem, Scenario};
use crate::syntax::input::{MAX_TOML, read_text};

/// At most this many invalid cells are reported.
pub(super) const MAX_BAD_CELLS: usize = 3;

/// The base scenario with the fixed overrides applied: its path, text, TOML document (to which
/// each cell's values are applied) and validated scenario.
pub(super) struct Base {
    pub(super) path: std::path::PathBuf,
    pub(super) text: String,
    pub(super) doc: toml::Table,
    pub(super) scenario: Scenario,
}

/// Why the base scenario cannot be used: problems placed in the experiment, or in the scenario
/// file itself.
pub(super) enum BaseError {
    Here(Vec<Problem>),
    There(InputError),
}

impl From<InputError> for BaseError {
    fn from(e: InputError) -> Self {
        BaseError::There(e)
    }
}

impl Base {
    /// Reads the base scenario `name` (relative to the experiment at `path`), bounded in size;
    /// its own problems are reported in its own file, those of the fixed overrides at them.
    pub(super) fn read(path: &Path, name: &str, sets: &[Entry]) -> Result<Base, BaseError> {
        let root = KeyPath::root();
        let scenario_path = relative_to(path, name);
        let text = read_text(&scenario_path, MAX_TOML).map_err(|e| match e {
            InputError::Read { path: p, reason } => BaseError::Here(vec![
                Problem::new(
                    root.key("scenario"),
                    format!("cannot read `{}`: {reason}", p.display()),
                )
                .help("the path is relative to the experiment file's folder"),
            ]),
            other => BaseError::There(other),
        })?;
        scenario::from_str(&text, &scenario_path, &[])?;
        let mut doc: toml::Table =
            toml::from_str(&text).map_err(|e| InputError::syntax(&scenario_path, &text, &e))?;
        let (mut labels, mut applied, mut c) = (Vec::new(), Vec::new(), Vec::new());
        for (at, key, value) in sets {
            match set_value(&mut doc, key, value.clone()) {
                Ok(sp) => {
                    labels.push((at.to_string(), at.clone()));
                    applied.push((sp, at.to_string()));
                }
                Err(msg) => c.push(Problem::new(at.clone(), msg)),
            }
        }
        if !c.is_empty() {
            return Err(BaseError::Here(c));
        }
        let set_table = sets.first().map_or(root, |s| parent(&s.0));
        let scenario = scenario::from_doc(doc.clone(), &text, &scenario_path, &applied)
            .map_err(|e| BaseError::Here(relocate(e, &labels, &set_table, "")))?;
        Ok(Base {
            path: scenario_path,
            text,
            doc,
            scenario,
        })
    }
}

/// What setting values on the base scenario gave: a key that cannot be set there (problems at
/// the values), or a scenario that is invalid with them (its problems placed at the values).
pub(super) enum Tried {
    Valid,
    Unset(Vec<Problem>),
    Invalid(Vec<Problem>),
}

/// How the invalid cells of a sweep are reported: each at `at`, named by `name`, the first
/// [`MAX_BAD_CELLS`] of them, then how many more there are, at `more_at`.
pub(super) struct BadCells<'a> {
    pub at: KeyPath,
    pub more_at: KeyPath,
    /// What a cell is called in the count: `cells`, `samples`.
    pub noun: &'static str,
    pub name: &'a dyn Fn(&grid::Cell) -> String,
}

impl Base {
    /// The base scenario with `values` (place, key path, value) set on it, checked.
    pub(super) fn try_values(&self, values: &[(KeyPath, &str, toml::Value)]) -> Tried {
        let mut doc = self.doc.clone();
        let (mut labels, mut applied, mut unset) = (Vec::new(), Vec::new(), Vec::new());
        for (at, key, value) in values {
            match set_value(&mut doc, key, value.clone()) {
                Err(msg) => unset.push(Problem::new(at.clone(), msg)),
                Ok(sp) => {
                    labels.push((at.to_string(), at.clone()));
                    applied.push((sp, at.to_string()));
                }
            }
        }
        if !unset.is_empty() || labels.is_empty() {
            return Tried::Unset(unset);
        }
        match scenario::from_doc(doc, &self.text, &self.path, &applied) {
            Ok(_) => Tried::Valid,
            Err(e) => Tried::Invalid(relocate(e, &labels, &labels[0].1, "")),
        }
    }

    /// The scenario of every cell, `values(cell)` (key path, value) set on the base; a cell
    /// invalid with its values is reported as `bad` says.
    pub(super) fn cell_scenarios(
        &self,
        c: &mut Vec<Problem>,
        cells: &[grid::Cell],
        values: impl Fn(&grid::Cell) -> Vec<(String, toml::Value)>,
        bad: &BadCells<'_>,
    ) -> Vec<Scenario> {
        let mut scenarios = Vec::with_capacity(cells.len());
        let mut invalid = 0;
        for cell in cells {
            let mut doc = self.doc.clone();
            for (key, value) in values(cell) {
                let _ = set_value(&mut doc, &key, value);
            }
            match scenario::from_doc(doc, &self.text, &self.path, &[]) {
                Ok(sc) => scenarios.push(sc),
                Err(e) => {
                    invalid += 1;
                    if invalid <= MAX_BAD_CELLS {
                        let context = format!("in {}: ", (bad.name)(cell));
                        c.extend(relocate(e, &[], &bad.at, &context));
                    }
                }
            }
        }
        if invalid > MAX_BAD_CELLS {
            c.push(Problem::new(
                bad.more_at.clone(),
                format!(
                    "… and {} more invalid {}",
                    invalid - MAX_BAD_CELLS,
                    bad.noun
                ),
            ));
        }
        scenarios
    }
}

/// The path of a file named in an experiment, relative to the experiment's folder.
pub(super) fn relative_to(experiment: &Path, file: &str) -> PathBuf {
    let p = Path::new(file);
    if p.is_absolute() {
        return p.to_path_buf();
    }
    experiment
        .parent()
        .map_or_else(|| p.to_path_buf(), |d| d.join(p))
}

/// The path one level up.
pub(super) fn parent(p: &KeyPath) -> KeyPath {
    KeyPath(p.0[..p.0.len().saturating_sub(1)].to_vec())
}

/// Problems of a scenario built with experiment overrides, placed in the experiment file: a
/// problem with an overridden key goes to the override that set it (its `label`), any other to
/// `fallback`, prefixed by `context` and naming the scenario key.
pub(super) fn relocate(
    e: InputError,
    labels: &[(String, KeyPath)],
    fallback: &KeyPath,
    context: &str,
) -> Vec<Problem> {
    match e {
        InputError::Invalid(located) => located
            .problems
            .into_iter()
            .map(|placed| {
                let at = placed
                    .from_flag
                    .as_ref()
                    .and_then(|f| labels.iter().find(|(l, _)| l == f))
                    .map_or_else(|| fallback.clone(), |(_, p)| p.clone());
                let mut p = Problem::new(
                    at,
                    format!(
                        "{context}scenario key `{}`: {}",
                        placed.problem.path, placed.problem.message
                    ),
                );
                p.help = placed.problem.help;
                p
            })
            .collect(),
        other => vec![Problem::new(fallback.clone(), format!("{context}{other}"))],
    }
}
