//! The swept keys (`axes`, `[[zip]]`): one axis per key or zip table, its value lists distinct
//! and of one length, each value tried alone on the base scenario, the grid's size bounded, and
//! each cell's scenario validated, a problem of a combination placed at the axes naming the cell.

use super::super::grid::{self, Axis, ParamValue};
use super::super::raw::RawExperiment;
use super::Entry;
use super::base::{BadCells, Base, Tried, parent};
use super::overrides::{flatten, seed_problem};
use crate::scenario::{KeyPath, Problem, Scenario};

/// The swept keys: one draft per `axes` key and per `[[zip]]` table; a key swept twice, fixed
/// and swept, or the seed swept is a problem.
pub(super) fn sweeps(c: &mut Vec<Problem>, raw: &RawExperiment, sets: &[Entry]) -> Vec<Draft> {
    let root = KeyPath::root();
    let mut drafts: Vec<Draft> = Vec::new();
    if let Some(t) = &raw.axes {
        let mut entries = Vec::new();
        flatten(t, &root.key("axes"), "", &mut entries);
        for e in entries {
            drafts.extend(draft(c, vec![e]));
        }
    }
    for (i, t) in raw.zip.iter().flatten().enumerate() {
        let zp = root.key("zip").index(i);
        let mut entries = Vec::new();
        flatten(t, &zp, "", &mut entries);
        if entries.is_empty() {
            c.push(
                Problem::new(zp, "an empty `[[zip]]` table")
                    .help("list key paths with value lists of one common length"),
            );
            continue;
        }
        let lens: Vec<String> = entries
            .iter()
            .map(|(_, k, v)| format!("{k}: {}", v.as_array().map_or(1, Vec::len)))
            .collect();
        let first = entries[0].2.as_array().map_or(1, Vec::len);
        if entries
            .iter()
            .any(|(_, _, v)| v.as_array().map_or(1, Vec::len) != first)
        {
            c.push(
                Problem::new(
                    zp,
                    format!(
                        "zipped value lists must have one length; found {}",
                        lens.join(", ")
                    ),
                )
                .help(
                    "value i of every key goes into the same cell: give every key as many values",
                ),
            );
            continue;
        }
        drafts.extend(draft(c, entries));
    }
    let mut seen: Vec<&str> = Vec::new();
    for d in &drafts {
        for (k, p) in d.axis.keys.iter().zip(&d.lists) {
            let p = p.clone();
            if k == "seed" {
                c.push(seed_problem(p.clone()));
            }
            if seen.contains(&k.as_str()) {
                c.push(Problem::new(p.clone(), format!("`{k}` is swept twice")));
            }
            if sets.iter().any(|(_, s, _)| s == k) {
                c.push(
                    Problem::new(p, format!("`{k}` is both fixed by `set` and swept"))
                        .help("remove it from `set`"),
                );
            }
            seen.push(k);
        }
    }

    drafts
}

/// An axis being validated: the axis, the file path of each key's value list, and the TOML
/// values of each key (applied to the scenario as they are written).
pub(super) struct Draft {
    pub(super) axis: Axis,
    pub(super) lists: Vec<KeyPath>,
    pub(super) raw: Vec<Vec<toml::Value>>,
}

/// An axis from flattened entries whose values are lists.
pub(super) fn draft(c: &mut Vec<Problem>, entries: Vec<Entry>) -> Option<Draft> {
    let mut d = Draft {
        axis: Axis {
            keys: Vec::new(),
            values: Vec::new(),
        },
        lists: Vec::new(),
        raw: Vec::new(),
    };
    let mut ok = true;
    for (at, key, v) in entries {
        let toml::Value::Array(list) = v else {
            c.push(
                Problem::new(
                    at,
                    format!(
                        "expected a list of values for `{key}`, found a {}",
                        v.type_str()
                    ),
                )
                .help(format!(
                    "write `{key} = [{v}]` to sweep a single value, or move it to `set`"
                )),
            );
            ok = false;
            continue;
        };
        if list.is_empty() {
            c.push(
                Problem::new(at, format!("`{key}` has no values")).help("give at least one value"),
            );
            ok = false;
            continue;
        }
        let values: Vec<ParamValue> = list.iter().map(ParamValue::from_toml).collect();
        d.axis.keys.push(key);
        d.axis.values.push(values);
        d.lists.push(at);
        d.raw.push(list);
    }
    // Positions must be distinct: the values of a single key, the value tuples of zipped keys
    // (whose keys may repeat a value, e.g. a count shared by several strategies).
    if ok {
        for i in 0..d.axis.len() {
            let same = |j: usize| d.axis.values.iter().all(|vs| vs[j].same(&vs[i]));
            if (0..i).any(same) {
                let (at, what) = if d.axis.keys.len() == 1 {
                    let v = d.axis.values[0][i].canonical();
                    let key = &d.axis.keys[0];
                    (
                        d.lists[0].index(i),
                        format!("value {v} of `{key}` is repeated"),
                    )
                } else {
                    let tuple: Vec<String> =
                        d.axis.values.iter().map(|vs| vs[i].canonical()).collect();
                    (
                        parent(&d.lists[0]),
                        format!(
                            "zipped values ({}) at position {i} are repeated",
                            tuple.join(", ")
                        ),
                    )
                };
                c.push(Problem::new(at, what));
                ok = false;
            }
        }
    }
    ok.then_some(d)
}

/// The most cells an experiment's axes may span: each cell is a validated scenario held in
/// memory (a few kilobytes), so 10,000 of them stay well under 100 MB.
pub const MAX_CELLS: u64 = 10_000;

/// The most runs (cells × replicates) of an experiment: each leaves a record on disk and a row
/// in the tables.
pub const MAX_RUNS: u64 = 1_000_000;

/// Why the grid is too large to build, counted before any cell is made: more than
/// [`MAX_CELLS`] cells or [`MAX_RUNS`] runs.
pub(super) fn too_large(axes: &[Axis], replicates: u32) -> Option<Problem> {
    let sizes: Vec<String> = axes.iter().map(|a| a.len().to_string()).collect();
    let cells = axes
        .iter()
        .try_fold(1u64, |n, a| n.checked_mul(a.len() as u64))
        .unwrap_or(u64::MAX);
    let runs = cells.saturating_mul(u64::from(replicates));
    let at = KeyPath::root().key("axes");
    if cells > MAX_CELLS {
        return Some(
            Problem::new(
                at,
                format!(
                    "the axes span {} = {cells} cells, more than the {MAX_CELLS} an experiment may have",
                    sizes.join(" × ")
                ),
            )
            .help("use fewer values per axis, zip axes that vary together ([[zip]]), or split the experiment"),
        );
    }
    (runs > MAX_RUNS).then(|| {
        Problem::new(
            at,
            format!("{cells} cells × {replicates} replicates = {runs} runs, more than the {MAX_RUNS} an experiment may have"),
        )
        .help("use fewer replicates or fewer cells")
    })
}

/// The problems of each value of a swept key tried alone on the base scenario (the values of
/// zipped keys together, position by position); a problem every value shares (an unknown key)
/// is reported once, at the first.
pub(super) fn axis_values(d: &Draft, base: &Base) -> Vec<Problem> {
    let mut c: Vec<Problem> = Vec::new();
    let mut said: Vec<String> = Vec::new();
    let positions = d.raw.first().map_or(0, Vec::len);
    for i in 0..positions {
        let values: Vec<(KeyPath, &str, toml::Value)> = (d.axis.keys.iter().enumerate())
            .map(|(k, key)| (d.lists[k].index(i), key.as_str(), d.raw[k][i].clone()))
            .collect();
        match base.try_values(&values) {
            Tried::Valid => {}
            Tried::Unset(problems) => c.extend(problems),
            Tried::Invalid(problems) => {
                for p in problems {
                    if !said.contains(&p.message) {
                        said.push(p.message.clone());
                        c.push(p);
                    }
                }
            }
        }
    }
    c
}

/// The scenario of every cell; a combination of values invalid only together is reported at
/// the axes table, naming the cell (the first [`MAX_BAD_CELLS`], then a count).
pub(super) fn cell_scenarios(
    c: &mut Vec<Problem>,
    cells: &[grid::Cell],
    drafts: &[Draft],
    base: &Base,
) -> Vec<Scenario> {
    let table = drafts
        .first()
        .and_then(|d| d.lists.first())
        .map_or(KeyPath::root(), |p| {
            KeyPath(p.0.iter().take(1).cloned().collect())
        });
    let values = |cell: &grid::Cell| {
        let mut v = Vec::new();
        for (d, &pos) in drafts.iter().zip(&cell.position) {
            for (key, values) in d.axis.keys.iter().zip(&d.raw) {
                v.push((key.clone(), values[pos].clone()));
            }
        }
        v
    };
    let name = |cell: &grid::Cell| format!("cell {} ({})", cell.index, cell.describe());
    let bad = BadCells {
        at: table,
        more_at: KeyPath::root().key("axes"),
        noun: "cells",
        name: &name,
    };
    base.cell_scenarios(c, cells, values, &bad)
}
