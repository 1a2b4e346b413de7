//! Validation of experiment files: every problem is placed in the experiment file.
//!
//! Problems found in the base scenario file itself are reported in that file. Problems caused by
//! the experiment's overrides are reported at the override that caused them: a `set` entry, an
//! axis value (each value is tried alone on the base scenario), or, for a combination of values
//! that is invalid only together, the axes table, naming the cell.
//!
//! [`experiment`] is a short list of calls, one per section, each in its own file with its
//! helpers: [`header`] (id, title, replicates, seeds), [`overrides`] (`set`), [`sweeps`]
//! (`axes`, `[[zip]]`, and the grid's cells), [`check`], [`base`] (the base scenario, and values
//! tried on it), [`sampled`] (a `[design]`), [`metrics`] and [`plots`].

mod base;
mod check;
mod header;
mod metrics;
mod overrides;
mod plots;
mod sampled;
mod sweeps;

use std::path::Path;

use super::grid::{self, Axis, ParamValue};
use super::raw::RawExperiment;
use super::{Experiment, Plan};
use crate::scenario::{InputError, KeyPath, Problem, Scenario};
use crate::syntax::error::problem_from_serde;
use base::{Base, BaseError};

/// A flattened entry of a table of key paths: where it is in the experiment file, the scenario
/// key path it names, and its value.
pub(super) type Entry = (KeyPath, String, toml::Value);

/// The experiment in `text` (read from `path`; its `[quick]` version with `quick`), checked: the
/// problems of its own keys first, then those of the base scenario, of each axis value or design
/// point, of each cell, and of its metrics and plots, each stage reported whole before the next.
pub(super) fn experiment(text: &str, path: &Path, quick: bool) -> Result<Experiment, InputError> {
    let doc: toml::Table = toml::from_str(text).map_err(|e| InputError::syntax(path, text, &e))?;
    let raw: RawExperiment = serde_path_to_error::deserialize(toml::Value::Table(doc))
        .map_err(|e| InputError::located(path, text, vec![problem_from_serde(&e)], &[]))?;
    let bad = |problems: Vec<Problem>| InputError::located(path, text, problems, &[]);
    let mut c: Vec<Problem> = Vec::new();
    let head = header::header(&mut c, &raw, path);
    let sets = overrides::overrides(&mut c, &raw, quick);
    let drafts = sweeps::sweeps(&mut c, &raw, &sets);
    if raw.design.is_some() && !drafts.is_empty() {
        c.push(
            Problem::new(KeyPath::root().key("design"), "an experiment has either a design or axes (`axes`, `[[zip]]`), not both")
                .help("move the swept keys into `[design.parameters]` (a list of values is a categorical factor), or remove `[design]`"),
        );
    }
    let axes: Vec<Axis> = drafts.iter().map(|d| d.axis.clone()).collect();
    let check = check::check(&mut c, &raw);
    if !c.is_empty() {
        return Err(bad(c));
    }
    let base = Base::read(path, &head.scenario, &sets).map_err(|e| match e {
        BaseError::Here(problems) => bad(problems),
        BaseError::There(e) => e,
    })?;
    for d in &drafts {
        c.extend(sweeps::axis_values(d, &base));
    }
    let most = head.replicates.max(head.quick_replicates.unwrap_or(0));
    let seed = raw.seed.unwrap_or(1);
    let context = sampled::Context {
        path,
        base: &base,
        sets: &sets,
        seed,
        quick,
        replicates: most,
    };
    let (design, cells, scenarios) = match sampled::sampled(&mut c, &raw, &context) {
        Some(s) => (Some(s.design), s.cells, s.scenarios),
        None if raw.design.is_some() => return Err(bad(c)),
        None => {
            c.extend(sweeps::too_large(&axes, most));
            if !c.is_empty() {
                return Err(bad(c));
            }
            let cells = grid::cells(&axes);
            let scenarios = sweeps::cell_scenarios(&mut c, &cells, &drafts, &base);
            (None, cells, scenarios)
        }
    };
    if !c.is_empty() {
        return Err(bad(c));
    }
    let timeseries = raw.timeseries.unwrap_or(false);
    let metrics = metrics::metrics(&mut c, &raw, &base.scenario, &check);
    let plots = plots::plots(&mut c, &raw, &axes, &metrics, timeseries, &head.title);
    if !c.is_empty() {
        return Err(bad(c));
    }
    let plan = Plan {
        id: head.id,
        title: head.title,
        quick,
        file: path.display().to_string(),
        file_hash: crate::manifest::sha256_hex(text.as_bytes()),
        scenario_file: base.path.display().to_string(),
        scenario_hash: base.scenario.hash(),
        seed,
        seeds: head.seeds,
        replicates: if quick {
            head.quick_replicates.unwrap_or(head.replicates)
        } else {
            head.replicates
        },
        set: sets
            .iter()
            .map(|(_, k, v)| (k.clone(), ParamValue::from_toml(v)))
            .collect(),
        axes,
        cell_hashes: scenarios.iter().map(Scenario::hash).collect(),
        design,
        cells,
        metrics,
        timeseries,
        plots,
        check,
    };
    Ok(Experiment { plan, scenarios })
}

#[cfg(test)]
mod tests {
    use super::overrides::flatten;
    use super::sweeps::draft;
    use crate::scenario::KeyPath;

    #[test]
    fn dotted_nested_and_quoted_keys_flatten_to_the_same_path() {
        let t: toml::Table =
            toml::from_str("a.b = 1\n\"c.d\" = 2\n[e]\nf = [3]\n[e.g]\nh = \"x\"\n").unwrap();
        let mut out = Vec::new();
        flatten(&t, &KeyPath::root().key("set"), "", &mut out);
        let keys: Vec<(String, String)> = out
            .iter()
            .map(|(at, k, _)| (at.to_string(), k.clone()))
            .collect();
        assert_eq!(
            keys,
            [
                ("set.a.b".to_string(), "a.b".to_string()),
                ("set.\"c.d\"".to_string(), "c.d".to_string()),
                ("set.e.f".to_string(), "e.f".to_string()),
                ("set.e.g.h".to_string(), "e.g.h".to_string()),
            ]
        );
        // Arrays are leaves: an axis keeps its list of values.
        assert_eq!(out[2].2, toml::Value::Array(vec![toml::Value::Integer(3)]));
    }

    #[test]
    fn axis_values_must_be_distinct_lists() {
        let mut c = Vec::new();
        let at = KeyPath::root().key("axes").key("x");
        let list =
            |vs: Vec<toml::Value>| vec![(at.clone(), "x".to_string(), toml::Value::Array(vs))];
        assert!(draft(&mut c, list(vec![1.into(), 2.into()])).is_some());
        // 1 and 1.0 are the same value.
        assert!(draft(&mut c, list(vec![1.into(), 1.0.into()])).is_none());
        assert!(draft(&mut c, list(vec![])).is_none());
        assert!(draft(&mut c, vec![(at.clone(), "x".into(), 3.into())]).is_none());
        assert_eq!(c.len(), 3);
        assert!(c[0].message.contains("repeated"));
    }
}
