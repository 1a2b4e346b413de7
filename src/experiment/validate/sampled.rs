//! The cells of an experiment whose parameter space is a design (`[design]`): its kind, size and
//! factors checked (each range's ends, or each choice, tried alone on the base scenario), its
//! points drawn or read, and each point made a cell with a validated scenario; every problem is
//! placed in the experiment file.

use std::path::Path;

use super::Entry;
use super::base::{BadCells, Base, Tried, relative_to};
use super::overrides::{flatten, seed_problem};
use super::sweeps::{MAX_CELLS, MAX_RUNS};
use crate::design::{self, Design, Factor, Kind, Range, samples};
use crate::experiment::grid::{Cell, ParamValue};
use crate::experiment::raw::{RawDesign, RawExperiment};
use crate::scenario::{KeyPath, Problem, Scenario};
use crate::syntax::spec::suggest;

/// A design with its cells and their scenarios.
pub(super) struct Sampled {
    pub design: Design,
    pub cells: Vec<Cell>,
    pub scenarios: Vec<Scenario>,
}

/// What the design is checked against: the experiment file, its base scenario and fixed
/// overrides, its seed, whether this is the quick version, and the most replicates of a cell.
pub(super) struct Context<'a> {
    pub path: &'a Path,
    pub base: &'a Base,
    pub sets: &'a [Entry],
    pub seed: u64,
    pub quick: bool,
    pub replicates: u32,
}

/// Where the design is in the experiment file.
fn at() -> KeyPath {
    KeyPath::root().key("design")
}

/// The design of `raw` (which has one), or `None` with its problems in `c`.
pub(super) fn sampled(c: &mut Vec<Problem>, raw: &RawExperiment, cx: &Context) -> Option<Sampled> {
    let rd = raw.design.as_ref()?;
    let before = c.len();
    let kind = kind(c, rd)?;
    let (samples, samples_at) = samples_of(c, raw, rd, kind, cx.quick);
    let levels = levels(c, rd, kind);
    let bootstrap = bootstrap(c, rd);
    let (factors, rows) = match kind {
        Kind::File => from_file(c, rd, cx)?,
        _ => (ranges(c, rd, cx), None),
    };
    if c.len() > before {
        return None;
    }
    let design = Design {
        kind,
        samples: rows.as_ref().map_or(samples, Vec::len),
        factors,
        levels,
        bootstrap,
        seed: cx.seed,
        file: rd.file.clone(),
    };
    if let Err(why) = design::check_size(kind, design.samples, design.k(), levels) {
        c.push(Problem::new(samples_at.clone(), why));
        return None;
    }
    if let Some(p) = too_many(&design, cx.replicates, &samples_at) {
        c.push(p);
        return None;
    }
    let values = rows.unwrap_or_else(|| design.values());
    let cells = cells(&design, values);
    let scenarios = scenarios(c, &cells, cx.base, kind);
    (c.len() == before).then_some(Sampled {
        design,
        cells,
        scenarios,
    })
}

fn kind(c: &mut Vec<Problem>, rd: &RawDesign) -> Option<Kind> {
    let names = Kind::ALL.map(|(n, _)| n);
    let Some(name) = rd.kind.as_deref() else {
        c.push(Problem::new(at(), "missing key `kind`").help(format!(
            "one of {}",
            names.map(|n| format!("`{n}`")).join(", ")
        )));
        return None;
    };
    let found = Kind::ALL.iter().find(|(n, _)| *n == name).map(|(_, k)| *k);
    if found.is_none() {
        let hint = suggest(name, names)
            .map(|s| format!("did you mean `{s}`? "))
            .unwrap_or_default();
        c.push(
            Problem::new(at().key("kind"), format!("unknown design kind `{name}`")).help(format!(
                "{hint}expected one of {}",
                names.map(|n| format!("`{n}`")).join(", ")
            )),
        );
    }
    found
}

/// The number of samples (the quick version's when it sets one) and where it is written.
fn samples_of(
    c: &mut Vec<Problem>,
    raw: &RawExperiment,
    rd: &RawDesign,
    kind: Kind,
    quick: bool,
) -> (usize, KeyPath) {
    let quick_samples = raw.quick.as_ref().and_then(|q| q.samples);
    let (value, place) = match (quick, quick_samples) {
        (true, Some(n)) => (Some(n), KeyPath::root().key("quick").key("samples")),
        _ => (rd.samples, at().key("samples")),
    };
    if kind == Kind::File {
        if rd.samples.is_some() || quick_samples.is_some() {
            c.push(
                Problem::new(
                    place.clone(),
                    "a `file` design has as many samples as its file has rows",
                )
                .help("remove `samples`"),
            );
        }
        return (0, at().key("file"));
    }
    match value {
        Some(n) if (1..=1_000_000).contains(&n) => (n as usize, place),
        Some(n) => {
            c.push(Problem::new(
                place.clone(),
                format!("expected a count from 1 to 1000000, found {n}"),
            ));
            (0, place)
        }
        None => {
            let what = match kind {
                Kind::Sobol => "the base sample size N, a power of two (e.g. `samples = 256`)",
                Kind::Morris => "the number of trajectories (e.g. `samples = 20`)",
                _ => "the number of points (e.g. `samples = 200`)",
            };
            c.push(Problem::new(at(), "missing key `samples`").help(format!("give {what}")));
            (0, place)
        }
    }
}

fn levels(c: &mut Vec<Problem>, rd: &RawDesign, kind: Kind) -> u32 {
    match (rd.levels, kind) {
        (None, _) => design::LEVELS,
        (Some(p), Kind::Morris) if (2..=64).contains(&p) && p % 2 == 0 => p as u32,
        (Some(p), Kind::Morris) => {
            c.push(Problem::new(
                at().key("levels"),
                format!("expected an even number of levels from 2 to 64, found {p}"),
            ));
            design::LEVELS
        }
        (Some(_), _) => {
            c.push(
                Problem::new(
                    at().key("levels"),
                    "`levels` is a setting of `morris` designs",
                )
                .help("remove it"),
            );
            design::LEVELS
        }
    }
}

fn bootstrap(c: &mut Vec<Problem>, rd: &RawDesign) -> u32 {
    match rd.bootstrap {
        None => design::BOOTSTRAP,
        Some(b) if (100..=100_000).contains(&b) => b as u32,
        Some(b) => {
            c.push(Problem::new(
                at().key("bootstrap"),
                format!("expected from 100 to 100000 bootstrap resamples, found {b}"),
            ));
            design::BOOTSTRAP
        }
    }
}

/// The factors of a generated design, each range parsed and tried on the base scenario.
fn ranges(c: &mut Vec<Problem>, rd: &RawDesign, cx: &Context) -> Vec<Factor> {
    let mut entries: Vec<Entry> = Vec::new();
    if let Some(t) = &rd.parameters {
        flatten(t, &at().key("parameters"), "", &mut entries);
    }
    if rd.file.is_some() {
        c.push(
            Problem::new(
                at().key("file"),
                "only a `file` design reads its samples from a file",
            )
            .help("remove `file`, or set `kind = \"file\"`"),
        );
    }
    if entries.is_empty() {
        c.push(
            Problem::new(at(), "a design needs `[design.parameters]`: the keys it varies, with their ranges")
                .help("e.g. `\"faults.crash_probability\" = \"uniform(0, 0.1)\"`, `\"credit.mechanism\" = [\"equal\", \"shapley\"]`"),
        );
    }
    let mut factors = Vec::new();
    for (place, key, value) in entries {
        let Some(range) = range(c, &place, &key, &value) else {
            continue;
        };
        varied_key(c, &place, &key, cx.sets);
        c.extend(alone(cx.base, &key, &place, &range));
        factors.push(Factor {
            key,
            range: Some(range),
        });
    }
    factors
}

/// The range written for `key`: a call or a list of scalar choices.
fn range(c: &mut Vec<Problem>, place: &KeyPath, key: &str, value: &toml::Value) -> Option<Range> {
    let parsed = match value {
        toml::Value::String(text) => Range::parse(text).map_err(|e| {
            Problem::new(place.clone(), format!("`{key}`: {e}"))
                .help("write a range as `uniform(a, b)`, `log_uniform(a, b)` or `int(a, b)`, or a list of choices")
        }),
        toml::Value::Array(list) => {
            let nested = list.iter().any(|v| v.is_array() || v.is_table() || v.is_datetime());
            if nested {
                Err(Problem::new(place.clone(), format!("`{key}`: choices must be strings, numbers or booleans")))
            } else {
                Range::choice(list.iter().map(ParamValue::from_toml).collect())
                    .map_err(|e| Problem::new(place.clone(), format!("`{key}`: {e}")))
            }
        }
        other => Err(Problem::new(
            place.clone(),
            format!("`{key}`: expected a range (a string such as \"uniform(0, 1)\") or a list of choices, found a {}", other.type_str()),
        )
        .help(format!("write `\"{key}\" = \"uniform(a, b)\"`, or `\"{key}\" = [{other}]` for a single choice"))),
    };
    parsed.map_err(|p| c.push(p)).ok()
}

/// Problems of a varied key that is the seed or also fixed by `set`.
fn varied_key(c: &mut Vec<Problem>, place: &KeyPath, key: &str, sets: &[Entry]) {
    if key == "seed" {
        c.push(seed_problem(place.clone()));
    }
    if sets.iter().any(|(_, s, _)| s == key) {
        c.push(
            Problem::new(
                place.clone(),
                format!("`{key}` is both fixed by `set` and varied by the design"),
            )
            .help("remove it from `set`"),
        );
    }
}

/// The problems of each end of `range` (each choice) tried alone on the base scenario, each
/// reported once; a number refused where the scenario wants a string gets a hint that the key
/// is categorical.
pub(super) fn alone(base: &Base, key: &str, place: &KeyPath, range: &Range) -> Vec<Problem> {
    let mut out: Vec<Problem> = Vec::new();
    for value in range.extremes() {
        let problems = match base.try_values(&[(place.clone(), key, toml_of(&value))]) {
            Tried::Valid => continue,
            Tried::Unset(problems) => {
                out.extend(problems);
                break;
            }
            Tried::Invalid(problems) => problems,
        };
        let before = out.len();
        for mut p in problems {
            if !range.is_categorical() && p.message.contains("expected a string") {
                p.help = Some(format!(
                    "`{key}` is categorical: list its choices, e.g. `\"{key}\" = [\"a\", \"b\"]`, instead of a range"
                ));
            }
            if !out.iter().any(|q| q.message == p.message) {
                out.push(p);
            }
        }
        if out.len() > before {
            break; // one failing value says it; the other end would say it again
        }
    }
    out
}

/// The factors of a design, and its rows of values when they are given (a `file` design).
type Given = (Vec<Factor>, Option<Vec<Vec<ParamValue>>>);

/// The factors and rows of a `file` design; each column's first value is tried on the base
/// scenario so that an unknown key is reported once, at `file`.
fn from_file(c: &mut Vec<Problem>, rd: &RawDesign, cx: &Context) -> Option<Given> {
    let place = at().key("file");
    if rd.parameters.is_some() {
        c.push(
            Problem::new(at().key("parameters"), "a `file` design takes its keys from its file's columns")
                .help("remove `[design.parameters]`, or use `kind = \"lhs\"`, `\"sobol\"` or `\"morris\"`"),
        );
    }
    let Some(name) = &rd.file else {
        c.push(
            Problem::new(at(), "missing key `file`")
                .help("name the CSV or parquet file of samples, relative to this file"),
        );
        return None;
    };
    let path = relative_to(cx.path, name);
    let read = samples::read(&path, MAX_CELLS as usize).map_err(|e| {
        Problem::new(place.clone(), e)
            .help("one row per sample, one column per scenario key path, with a header row")
    });
    let samples = read.map_err(|p| c.push(p)).ok()?;
    for (i, key) in samples.columns.iter().enumerate() {
        varied_key(c, &place, key, cx.sets);
        let first = Range::Choice {
            values: vec![samples.rows[0][i].clone()],
        };
        for mut p in alone(cx.base, key, &place, &first) {
            p.message = format!("column `{key}`, sample 1: {}", p.message);
            c.push(p);
        }
    }
    let factors = samples
        .columns
        .iter()
        .map(|k| Factor {
            key: k.clone(),
            range: None,
        })
        .collect();
    Some((factors, Some(samples.rows)))
}

/// Why the design has too many points or runs, counted before any cell is made.
fn too_many(design: &Design, replicates: u32, place: &KeyPath) -> Option<Problem> {
    let points = design.points() as u64;
    if points > MAX_CELLS {
        return Some(
            Problem::new(
                place.clone(),
                format!("the design has {points} points, more than the {MAX_CELLS} cells an experiment may have"),
            )
            .help("use fewer samples, or fewer keys"),
        );
    }
    let runs = points * u64::from(replicates);
    (runs > MAX_RUNS).then(|| {
        Problem::new(
            place.clone(),
            format!("{points} points × {replicates} replicates = {runs} runs, more than the {MAX_RUNS} an experiment may have"),
        )
        .help("use fewer replicates or fewer samples")
    })
}

/// One cell per point, in design order.
pub(super) fn cells(design: &Design, values: Vec<Vec<ParamValue>>) -> Vec<Cell> {
    values
        .into_iter()
        .enumerate()
        .map(|(i, row)| Cell {
            index: i as u32,
            params: design
                .factors
                .iter()
                .map(|f| f.key.clone())
                .zip(row)
                .collect(),
            position: Vec::new(),
        })
        .collect()
}

/// The scenario of every cell; a point whose values are invalid together is reported at the
/// design, naming the sample (the first [`super::base::MAX_BAD_CELLS`], then a count).
pub(super) fn scenarios(
    c: &mut Vec<Problem>,
    cells: &[Cell],
    base: &Base,
    kind: Kind,
) -> Vec<Scenario> {
    let place = if kind == Kind::File {
        at().key("file")
    } else {
        at().key("parameters")
    };
    let values = |cell: &Cell| {
        let params = cell.params.iter();
        params.map(|(key, v)| (key.clone(), toml_of(v))).collect()
    };
    let name = |cell: &Cell| format!("sample {} ({})", cell.index + 1, cell.describe());
    let bad = BadCells {
        at: place.clone(),
        more_at: place,
        noun: "samples",
        name: &name,
    };
    base.cell_scenarios(c, cells, values, &bad)
}

/// A value as TOML, to set in a scenario document.
fn toml_of(v: &ParamValue) -> toml::Value {
    match v {
        ParamValue::Bool(b) => toml::Value::Boolean(*b),
        ParamValue::Int(i) => toml::Value::Integer(*i),
        ParamValue::Float(f) => toml::Value::Float(*f),
        ParamValue::Str(s) => toml::Value::String(s.clone()),
    }
}
