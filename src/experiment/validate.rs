//! Validation of experiment files: every problem is placed in the experiment file.
//!
//! Problems found in the base scenario file itself are reported in that file. Problems caused by
//! the experiment's overrides are reported at the override that caused them: a `set` entry, an
//! axis value (each value is tried alone on the base scenario), or, for a combination of values
//! that is invalid only together, the axes table, naming the cell.

mod sampled;

use std::path::Path;

use super::grid::{self, Axis, ParamValue, SeedScheme};
use super::raw::{RawExperiment, RawPlot};
use super::{Check, Experiment, Plan, PlotKind, PlotSpec, TIMINGS, default_id, relative_to};
use crate::scenario::overrides::set_value;
use crate::scenario::{self, InputError, KeyPath, Problem, Scenario};
use crate::syntax::error::problem_from_serde;
use crate::syntax::input::{MAX_TOML, read_text};
use crate::syntax::spec::suggest;

/// A flattened entry of a table of key paths: where it is in the experiment file, the scenario
/// key path it names, and its value.
type Entry = (KeyPath, String, toml::Value);

/// At most this many invalid cells are reported.
const MAX_BAD_CELLS: usize = 3;

pub(super) fn experiment(text: &str, path: &Path, quick: bool) -> Result<Experiment, InputError> {
    let doc: toml::Table = toml::from_str(text).map_err(|e| InputError::syntax(path, text, &e))?;
    let raw: RawExperiment = serde_path_to_error::deserialize(toml::Value::Table(doc))
        .map_err(|e| InputError::located(path, text, vec![problem_from_serde(&e)], &[]))?;
    let bad = |problems: Vec<Problem>| InputError::located(path, text, problems, &[]);
    let mut c: Vec<Problem> = Vec::new();
    let head = header(&mut c, &raw, path);
    let sets = overrides(&mut c, &raw, quick);
    let drafts = sweeps(&mut c, &raw, &sets);
    if raw.design.is_some() && !drafts.is_empty() {
        c.push(
            Problem::new(KeyPath::root().key("design"), "an experiment has either a design or axes (`axes`, `[[zip]]`), not both")
                .help("move the swept keys into `[design.parameters]` (a list of values is a categorical factor), or remove `[design]`"),
        );
    }
    let axes: Vec<Axis> = drafts.iter().map(|d| d.axis.clone()).collect();
    let check = check(&mut c, &raw);
    if !c.is_empty() {
        return Err(bad(c));
    }
    let base = Base::read(path, &head.scenario, &sets).map_err(|e| match e {
        BaseError::Here(problems) => bad(problems),
        BaseError::There(e) => e,
    })?;
    for d in &drafts {
        c.extend(axis_values(d, &base));
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
            c.extend(too_large(&axes, most));
            if !c.is_empty() {
                return Err(bad(c));
            }
            let cells = grid::cells(&axes);
            let scenarios = cell_scenarios(&mut c, &cells, &drafts, &base);
            (None, cells, scenarios)
        }
    };
    if !c.is_empty() {
        return Err(bad(c));
    }
    let timeseries = raw.timeseries.unwrap_or(false);
    let metrics = metrics(&mut c, &raw, &base.scenario, &check);
    let plots = plots(&mut c, &raw, &axes, &metrics, timeseries, &head.title);
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

/// The experiment's own keys: its id and title, the base scenario's name, replicates and seeds.
struct Header {
    id: String,
    title: String,
    scenario: String,
    replicates: u32,
    quick_replicates: Option<u32>,
    seeds: SeedScheme,
}

fn header(c: &mut Vec<Problem>, raw: &RawExperiment, path: &Path) -> Header {
    let root = KeyPath::root();
    let id = raw.id.clone().unwrap_or_else(|| default_id(path));
    if id.is_empty()
        || !id
            .chars()
            .all(|ch| ch.is_ascii_alphanumeric() || ch == '_' || ch == '-')
    {
        c.push(Problem::new(
            root.key("id"),
            format!(
                "experiment id `{id}` must be non-empty and use only letters, digits, `_` and `-`"
            ),
        ));
    }
    let title = raw.title.clone().unwrap_or_else(|| id.clone());
    let scenario = match &raw.scenario {
        Some(s) => s.clone(),
        None => {
            c.push(
                Problem::new(root.clone(), "missing key `scenario`")
                    .help("name the base scenario file, e.g. `scenario = \"../../scenarios/quickstart.toml\"`"),
            );
            String::new()
        }
    };
    let replicates = count(c, root.key("replicates"), raw.replicates, 1);
    let quick_replicates = raw.quick.as_ref().map(|q| {
        count(
            c,
            root.key("quick").key("replicates"),
            q.replicates,
            replicates,
        )
    });
    let seeds = match raw.seeds.as_deref() {
        None | Some("independent") => SeedScheme::Independent,
        Some("common") => SeedScheme::Common,
        Some(other) => {
            let hint = suggest(other, ["independent", "common"])
                .map(|s| format!("did you mean `{s}`? "))
                .unwrap_or_default();
            c.push(
                Problem::new(root.key("seeds"), format!("unknown seed scheme `{other}`"))
                    .help(format!("{hint}expected `independent` or `common`")),
            );
            SeedScheme::Independent
        }
    };

    Header {
        id,
        title,
        scenario,
        replicates,
        quick_replicates,
        seeds,
    }
}

/// The fixed overrides (`set`), then, for `--quick`, the quick version's.
fn overrides(c: &mut Vec<Problem>, raw: &RawExperiment, quick: bool) -> Vec<Entry> {
    let root = KeyPath::root();
    let mut sets: Vec<Entry> = Vec::new();
    if let Some(t) = &raw.set {
        flatten(t, &root.key("set"), "", &mut sets);
    }
    if quick && let Some(t) = raw.quick.as_ref().and_then(|q| q.set.as_ref()) {
        flatten(t, &root.key("quick").key("set"), "", &mut sets);
    }
    for (at, key, _) in &sets {
        if key == "seed" {
            c.push(seed_problem(at.clone()));
        }
    }

    sets
}

/// The swept keys: one draft per `axes` key and per `[[zip]]` table; a key swept twice, fixed
/// and swept, or the seed swept is a problem.
fn sweeps(c: &mut Vec<Problem>, raw: &RawExperiment, sets: &[Entry]) -> Vec<Draft> {
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

/// The tolerances of `reproduce --check`.
fn check(c: &mut Vec<Problem>, raw: &RawExperiment) -> Check {
    let root = KeyPath::root();
    let mut check = Check {
        abs: Check::DEFAULT,
        rel: Check::DEFAULT,
        metrics: Default::default(),
    };
    if let Some(ch) = &raw.check {
        let cp = root.key("check");
        check.abs = tolerance(c, cp.key("abs"), ch.abs, Check::DEFAULT);
        check.rel = tolerance(c, cp.key("rel"), ch.rel, Check::DEFAULT);
        for (m, t) in &ch.metrics {
            let mp = cp.key("metrics").key(m);
            let abs = tolerance(c, mp.key("abs"), t.abs, check.abs);
            let rel = tolerance(c, mp.key("rel"), t.rel, check.rel);
            check.metrics.insert(m.clone(), (abs, rel));
        }
    }
    check
}

/// The base scenario with the fixed overrides applied: its path, text, TOML document (to which
/// each cell's values are applied) and validated scenario.
struct Base {
    path: std::path::PathBuf,
    text: String,
    doc: toml::Table,
    scenario: Scenario,
}

/// Why the base scenario cannot be used: problems placed in the experiment, or in the scenario
/// file itself.
enum BaseError {
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
    fn read(path: &Path, name: &str, sets: &[Entry]) -> Result<Base, BaseError> {
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

/// The problems of each value of a swept key tried alone on the base scenario (the values of
/// zipped keys together, position by position); a problem every value shares (an unknown key)
/// is reported once, at the first.
fn axis_values(d: &Draft, base: &Base) -> Vec<Problem> {
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
fn cell_scenarios(
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

/// The metrics the experiment summarises (all a run of `base` reports, by default), each named
/// once; the tolerances of `check` must name some of them.
fn metrics(
    c: &mut Vec<Problem>,
    raw: &RawExperiment,
    base: &Scenario,
    check: &Check,
) -> Vec<String> {
    let root = KeyPath::root();
    let all_metrics = crate::sim::metric_names(base);
    let metrics = match &raw.metrics {
        None => all_metrics.clone(),
        Some(list) => {
            let mut out: Vec<String> = Vec::new();
            for (i, m) in list.iter().enumerate() {
                let at = root.key("metrics").index(i);
                if !all_metrics.contains(m) {
                    c.push(unknown_metric(at, m, &all_metrics));
                } else if out.contains(m) {
                    c.push(Problem::new(at, format!("`{m}` is listed twice")));
                } else {
                    out.push(m.clone());
                }
            }
            out
        }
    };
    for m in check.metrics.keys() {
        if !metrics.contains(m) {
            c.push(unknown_metric(
                root.key("check").key("metrics").key(m),
                m,
                &metrics,
            ));
        }
    }
    metrics
}

/// The `[[plot]]`s, each valid for the axes and metrics, with distinct names.
fn plots(
    c: &mut Vec<Problem>,
    raw: &RawExperiment,
    axes: &[Axis],
    metrics: &[String],
    timeseries: bool,
    title: &str,
) -> Vec<PlotSpec> {
    let mut plots: Vec<PlotSpec> = Vec::new();
    for (i, p) in raw.plot.iter().enumerate() {
        let at = KeyPath::root().key("plot").index(i);
        if let Some(spec) = plot(c, p, &at, axes, metrics, timeseries, title) {
            if plots.iter().any(|q| q.name == spec.name) {
                c.push(
                    Problem::new(at.clone(), format!("two plots are named `{}`", spec.name))
                        .help("give one of them another `name`"),
                );
            }
            plots.push(spec);
        }
    }
    plots
}

/// Appends the leaves of a table of key paths to `out`: `a.b = 1` and `[a] b = 1` both give
/// the key path `a.b`, and so does the quoted key `"a.b" = 1`.
fn flatten(t: &toml::Table, at: &KeyPath, prefix: &str, out: &mut Vec<Entry>) {
    for (k, v) in t {
        let p = at.key(k);
        let key = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        match v {
            toml::Value::Table(sub) => flatten(sub, &p, &key, out),
            _ => out.push((p, key, v.clone())),
        }
    }
}

/// An axis being validated: the axis, the file path of each key's value list, and the TOML
/// values of each key (applied to the scenario as they are written).
struct Draft {
    axis: Axis,
    lists: Vec<KeyPath>,
    raw: Vec<Vec<toml::Value>>,
}

/// An axis from flattened entries whose values are lists.
fn draft(c: &mut Vec<Problem>, entries: Vec<Entry>) -> Option<Draft> {
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

/// The path one level up.
fn parent(p: &KeyPath) -> KeyPath {
    KeyPath(p.0[..p.0.len().saturating_sub(1)].to_vec())
}

/// Problems of a scenario built with experiment overrides, placed in the experiment file: a
/// problem with an overridden key goes to the override that set it (its `label`), any other to
/// `fallback`, prefixed by `context` and naming the scenario key.
fn relocate(
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

/// The most cells an experiment's axes may span: each cell is a validated scenario held in
/// memory (a few kilobytes), so 10,000 of them stay well under 100 MB.
pub const MAX_CELLS: u64 = 10_000;
/// The most runs (cells × replicates) of an experiment: each leaves a record on disk and a row
/// in the tables.
pub const MAX_RUNS: u64 = 1_000_000;

/// Why the grid is too large to build, counted before any cell is made: more than
/// [`MAX_CELLS`] cells or [`MAX_RUNS`] runs.
fn too_large(axes: &[Axis], replicates: u32) -> Option<Problem> {
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

fn count(c: &mut Vec<Problem>, at: KeyPath, v: Option<i64>, default: u32) -> u32 {
    match v {
        None => default,
        Some(n) if (1..=1_000_000).contains(&n) => n as u32,
        Some(n) => {
            c.push(Problem::new(
                at,
                format!("expected a count from 1 to 1000000, found {n}"),
            ));
            default
        }
    }
}

fn tolerance(c: &mut Vec<Problem>, at: KeyPath, v: Option<f64>, default: f64) -> f64 {
    match v {
        None => default,
        Some(x) if x >= 0.0 && x.is_finite() => x,
        Some(x) => {
            c.push(Problem::new(
                at,
                format!("expected a tolerance ≥ 0, found {x}"),
            ));
            default
        }
    }
}

fn seed_problem(at: KeyPath) -> Problem {
    Problem::new(at, "the scenario's `seed` cannot be set by an experiment").help(
        "each run's seed is derived from the experiment's own `seed`, the cell and the replicate; \
         set the top-level `seed` of the experiment instead",
    )
}

fn unknown_metric(at: KeyPath, m: &str, known: &[String]) -> Problem {
    let hint = suggest(m, known.iter().map(String::as_str))
        .map(|s| format!("did you mean `{s}`? "))
        .unwrap_or_default();
    Problem::new(at, format!("unknown metric `{m}`"))
        .help(format!("{hint}metrics: {}", known.join(", ")))
}

/// Validates one `[[plot]]`.
fn plot(
    c: &mut Vec<Problem>,
    p: &RawPlot,
    at: &KeyPath,
    axes: &[Axis],
    metrics: &[String],
    timeseries: bool,
    title: &str,
) -> Option<PlotSpec> {
    let before = c.len();
    let kind = plot_kind(c, p, at)?;
    let x = swept_key(c, at, axes, "x", &p.x);
    let y = swept_key(c, at, axes, "y", &p.y);
    let series = swept_key(c, at, axes, "series", &p.series);
    plot_fields(c, p, at, kind, metrics, timeseries);
    let filter = plot_filter(c, p, at, axes);
    if c.len() > before {
        return None;
    }
    every_axis_shown(c, at, axes, [&x, &y, &series], &filter);
    let log_x = p.log_x.unwrap_or(false);
    if log_x && let Some(k) = &x {
        log_axis(c, at, axes, k);
    }
    let name = plot_name(c, p, at, kind);
    if c.len() > before {
        return None;
    }
    let metric_label = p.metric.clone().unwrap_or_else(|| "share of agents".into());
    Some(PlotSpec {
        kind,
        name,
        title: p
            .title
            .clone()
            .unwrap_or_else(|| format!("{title}: {}", metric_label.replace('_', " "))),
        x_label: p
            .x_label
            .clone()
            .or_else(|| x.clone())
            .unwrap_or_else(|| "tick".into()),
        y_label: p
            .y_label
            .clone()
            .or_else(|| y.clone())
            .unwrap_or(metric_label),
        metric: p.metric.clone(),
        x,
        y,
        series,
        filter,
        log_x,
        log_y: p.log_y.unwrap_or(false),
    })
}

/// The plot's `kind`, one of [`PlotKind::ALL`].
fn plot_kind(c: &mut Vec<Problem>, p: &RawPlot, at: &KeyPath) -> Option<PlotKind> {
    let names: Vec<&str> = PlotKind::ALL.iter().map(|(n, _)| *n).collect();
    match p.kind.as_deref() {
        None => {
            c.push(
                Problem::new(at.clone(), "missing key `kind`")
                    .help(format!("one of {}", names.join(", "))),
            );
            None
        }
        Some(k) => match PlotKind::ALL.iter().find(|(n, _)| *n == k) {
            Some((_, kind)) => Some(*kind),
            None => {
                let hint = suggest(k, names.iter().copied())
                    .map(|s| format!("did you mean `{s}`? "))
                    .unwrap_or_default();
                c.push(
                    Problem::new(at.key("kind"), format!("unknown plot kind `{k}`"))
                        .help(format!("{hint}kinds: {}", names.join(", "))),
                );
                None
            }
        },
    }
}

/// The axis holding swept key `k`.
fn axis_of(axes: &[Axis], k: &str) -> Option<usize> {
    axes.iter().position(|a| a.keys.iter().any(|x| x == k))
}

/// The plot's `field` (`x`, `y`, `series`), which must name a swept key.
fn swept_key(
    c: &mut Vec<Problem>,
    at: &KeyPath,
    axes: &[Axis],
    field: &str,
    v: &Option<String>,
) -> Option<String> {
    let k = v.as_ref()?;
    if axis_of(axes, k).is_some() {
        return Some(k.clone());
    }
    let keys: Vec<&str> = axes
        .iter()
        .flat_map(|a| a.keys.iter().map(String::as_str))
        .collect();
    let hint = suggest(k, keys.iter().copied())
        .map(|s| format!("did you mean `{s}`? "))
        .unwrap_or_default();
    let list = if keys.is_empty() {
        "(none)".to_string()
    } else {
        keys.join(", ")
    };
    c.push(
        Problem::new(at.key(field), format!("`{k}` is not a swept key"))
            .help(format!("{hint}swept keys: {list}")),
    );
    None
}

/// The fields each kind needs or refuses, its metric, and the time series `shares` needs.
fn plot_fields(
    c: &mut Vec<Problem>,
    p: &RawPlot,
    at: &KeyPath,
    kind: PlotKind,
    metrics: &[String],
    timeseries: bool,
) {
    let need = |c: &mut Vec<Problem>, field: &str, present: bool, wanted: bool| {
        if wanted && !present {
            c.push(Problem::new(
                at.clone(),
                format!("a `{}` plot needs `{field}`", kind.name()),
            ));
        } else if !wanted && present {
            c.push(Problem::new(
                at.key(field),
                format!("`{field}` does not apply to `{}` plots", kind.name()),
            ));
        }
    };
    let charted = kind != PlotKind::Shares;
    need(c, "metric", p.metric.is_some(), charted);
    need(c, "x", p.x.is_some(), charted);
    if kind == PlotKind::Heatmap {
        need(c, "y", p.y.is_some(), true);
    } else if p.y.is_some() {
        need(c, "y", true, false);
    }
    if matches!(kind, PlotKind::Heatmap | PlotKind::Shares) && p.series.is_some() {
        need(c, "series", true, false);
    }
    if let Some(m) = &p.metric
        && !metrics.contains(m)
        && !TIMINGS.contains(&m.as_str())
    {
        let mut known: Vec<String> = metrics.to_vec();
        known.extend(TIMINGS.iter().map(|s| s.to_string()));
        c.push(unknown_metric(at.key("metric"), m, &known));
    }
    if kind == PlotKind::Shares && !timeseries {
        c.push(
            Problem::new(at.key("kind"), "a `shares` plot needs the time series")
                .help("add `timeseries = true` to the experiment"),
        );
    }
}

/// The plot's `where`: values of swept keys that hold the other axes fixed.
fn plot_filter(
    c: &mut Vec<Problem>,
    p: &RawPlot,
    at: &KeyPath,
    axes: &[Axis],
) -> Vec<(String, ParamValue)> {
    let mut filter = Vec::new();
    if let Some(t) = &p.filter {
        let mut entries = Vec::new();
        flatten(t, &at.key("where"), "", &mut entries);
        for (wp, k, v) in entries {
            let Some(a) = axis_of(axes, &k) else {
                c.push(Problem::new(wp, format!("`{k}` is not a swept key")));
                continue;
            };
            let axis = &axes[a];
            let ki = axis.keys.iter().position(|x| *x == k).unwrap_or(0);
            let value = ParamValue::from_toml(&v);
            if !axis.values[ki].iter().any(|w| w.same(&value)) {
                let list: Vec<String> = axis.values[ki].iter().map(ParamValue::canonical).collect();
                c.push(
                    Problem::new(wp, format!("{} is not a value of `{k}`", value.canonical()))
                        .help(format!("values: {}", list.join(", "))),
                );
                continue;
            }
            filter.push((k, value));
        }
    }
    filter
}

/// Every axis with more than one value must be drawn (as `x`, `y` or `series`, each a different
/// axis) or held fixed by `where`.
fn every_axis_shown(
    c: &mut Vec<Problem>,
    at: &KeyPath,
    axes: &[Axis],
    drawn: [&Option<String>; 3],
    filter: &[(String, ParamValue)],
) {
    let mut shown: Vec<usize> = drawn
        .into_iter()
        .flatten()
        .filter_map(|k| axis_of(axes, k))
        .collect();
    let count = shown.len();
    shown.sort_unstable();
    shown.dedup();
    if shown.len() < count {
        c.push(Problem::new(
            at.clone(),
            "`x`, `y` and `series` must be different axes",
        ));
    }
    for (a, axis) in axes.iter().enumerate() {
        let pinned = filter.iter().any(|(k, _)| axis.keys.contains(k));
        if axis.len() > 1 && !pinned && !shown.contains(&a) {
            c.push(
                Problem::new(
                    at.clone(),
                    format!(
                        "axis `{}` has {} values but the plot neither draws nor fixes it",
                        axis.keys[0],
                        axis.len()
                    ),
                )
                .help(format!(
                    "use it as `series`, or fix it with `where = {{ \"{}\" = ... }}`",
                    axis.keys[0]
                )),
            );
        }
    }
}

/// A logarithmic `x` axis needs positive values of its key `k`.
fn log_axis(c: &mut Vec<Problem>, at: &KeyPath, axes: &[Axis], k: &str) {
    let Some(a) = axis_of(axes, k) else {
        return;
    };
    let ki = axes[a].keys.iter().position(|w| w == k).unwrap_or(0);
    if !axes[a].values[ki]
        .iter()
        .all(|v| v.as_f64().is_some_and(|f| f > 0.0))
    {
        c.push(Problem::new(
            at.key("log_x"),
            format!("a logarithmic axis needs positive numbers, and `{k}` has others"),
        ));
    }
}

/// The plot's file name: `name`, or the kind and metric.
fn plot_name(c: &mut Vec<Problem>, p: &RawPlot, at: &KeyPath, kind: PlotKind) -> String {
    let name = p.name.clone().unwrap_or_else(|| match &p.metric {
        Some(m) => format!("{}-{m}", kind.name()),
        None => kind.name().to_string(),
    });
    if name.is_empty()
        || !name
            .chars()
            .all(|ch| ch.is_ascii_alphanumeric() || "_-.".contains(ch))
    {
        c.push(Problem::new(
            at.key("name"),
            format!("plot name `{name}` must use only letters, digits, `_`, `-` and `.`"),
        ));
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;

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
