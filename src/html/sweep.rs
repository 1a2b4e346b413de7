//! The data of a sweep's report: the experiment's question, axes and facts, every cell's swept
//! values and summary statistics (mean and 95% interval of each metric, see [`stat`]), the plots the
//! experiment asks for (drawn by the page from the cells, so the reader can change the metric and
//! the key to colour by), strategy shares over time, the sensitivity indices of a design, the
//! failed runs with their errors, and the manifest.

use std::path::Path;

use serde_json::{Value, json};

use super::field;
use crate::design::range::Range;
use crate::experiment::{ParamValue, Plan, PlotKind, TIMINGS};
use crate::plot::data::{Stat, Summaries};
use crate::plot::sensitivity;
use crate::plot::shares::Shares;

/// The report data of the sweep in `dir`, described by `plan`, with its `manifest`.
pub fn data(dir: &Path, plan: &Plan, manifest: &Value) -> Result<Value, String> {
    let summaries = Summaries::read(dir)?;
    let keys = plan.keys();
    let metrics: Vec<&str> = plan
        .metrics
        .iter()
        .map(String::as_str)
        .chain(TIMINGS)
        .collect();
    let cells: Vec<Value> = plan
        .cells
        .iter()
        .map(|c| {
            let params: Vec<Value> = keys
                .iter()
                .map(|k| c.get(k).map_or(Value::Null, param))
                .collect();
            let stats: Vec<Value> = metrics
                .iter()
                .map(|m| summaries.get(c.index, m).map_or(Value::Null, stat))
                .collect();
            json!({ "cell": c.index, "params": params, "stats": stats })
        })
        .collect();
    Ok(json!({
        "kind": "sweep",
        "title": plan.title,
        "id": plan.id,
        "question": question(Path::new(&plan.file)),
        "facts": facts(plan, manifest),
        "keys": keys.iter().map(|k| key(plan, k)).collect::<Vec<_>>(),
        "metrics": metrics,
        "cells": cells,
        "plots": plots(dir, plan)?,
        "sensitivity": indices(dir, plan)?,
        "failed": failed(plan, manifest),
        "missing": manifest.get("missing").and_then(Value::as_array).map_or(0, Vec::len),
        "manifest": serde_json::to_string_pretty(&trimmed(manifest)).unwrap_or_default(),
    }))
}

/// A cell's statistic: `[mean, half-width]` when its interval is symmetric (t intervals are),
/// the half-width to five significant digits, else `[mean, lower, upper]`. This keeps the
/// report of a design of thousands of cells small.
fn stat(s: Stat) -> Value {
    let half = (s.hi - s.lo) / 2.0;
    let scale = s.mean.abs().max(half.abs()).max(f64::MIN_POSITIVE);
    if ((s.mean - s.lo) - half).abs() <= 1e-9 * scale {
        let half: f64 = format!("{half:.4e}").parse().unwrap_or(half);
        json!([s.mean, half])
    } else {
        json!([s.mean, s.lo, s.hi])
    }
}

/// A swept value as JSON: a number or a string.
fn param(v: &ParamValue) -> Value {
    match v {
        ParamValue::Int(i) => json!(i),
        ParamValue::Float(f) => json!(f),
        ParamValue::Bool(b) => json!(b.to_string()),
        ParamValue::Str(s) => json!(s),
    }
}

/// A swept key: its values along its axis (none for a design's factor), whether it is
/// numeric, its range when it is a factor, and the number of its axis.
fn key(plan: &Plan, k: &str) -> Value {
    let values: Option<Vec<Value>> = plan
        .axis_of(k)
        .map(|(a, i)| a.values[i].iter().map(param).collect());
    let numeric = plan
        .cells
        .iter()
        .filter_map(|c| c.get(k))
        .all(|v| v.as_f64().is_some());
    let range = plan
        .design
        .iter()
        .flat_map(|d| &d.factors)
        .find(|f| f.key == k)
        .and_then(|f| f.range.as_ref())
        .map(written);
    // Keys zipped on one axis share its number; each factor of a design is its own axis.
    let axis = plan
        .axes
        .iter()
        .position(|a| a.keys.iter().any(|q| q == k))
        .or_else(|| {
            let factors = plan.design.iter().flat_map(|d| &d.factors);
            factors
                .clone()
                .position(|f| f.key == k)
                .map(|i| plan.axes.len() + i)
        });
    json!({ "key": k, "values": values, "numeric": numeric, "range": range, "axis": axis })
}

/// A factor's range as an experiment file writes it.
fn written(r: &Range) -> String {
    match r {
        Range::Uniform { low, high } => format!("uniform({low}, {high})"),
        Range::LogUniform { low, high } => format!("log_uniform({low}, {high})"),
        Range::Int { low, high } => format!("int({low}, {high})"),
        Range::Choice { values } => {
            let v: Vec<String> = values.iter().map(ToString::to_string).collect();
            format!("one of {}", v.join(", "))
        }
    }
}

/// A unit enum's name as experiment files write it (its serde name: `common`, `sobol`).
fn written_name<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(String::from))
        .unwrap_or_default()
}

/// The experiment's question: the comment at the top of its file (`#:` lines left out), or
/// nothing when the file cannot be read.
pub fn question(file: &Path) -> String {
    let Ok(text) = std::fs::read_to_string(file) else {
        return String::new();
    };
    text.lines()
        .skip_while(|l| l.starts_with("#:"))
        .take_while(|l| l.starts_with('#'))
        .map(|l| l.trim_start_matches('#').trim())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The sweep in a few (label, value) pairs.
fn facts(plan: &Plan, m: &Value) -> Vec<(String, String)> {
    let text = |k: &str| field(m, k);
    let mut f = vec![
        ("experiment".into(), plan.file.clone()),
        ("scenario".into(), plan.scenario_file.clone()),
        (
            "runs".into(),
            format!(
                "{} cells × {} replicates = {} ({} finished, {} failed)",
                plan.cells.len(),
                plan.replicates,
                plan.cells.len() * plan.replicates as usize,
                text("runs_finished").unwrap_or_default(),
                text("runs_failed").unwrap_or_default()
            ),
        ),
        (
            "seed".into(),
            format!("{} ({} seeds)", plan.seed, written_name(&plan.seeds)),
        ),
    ];
    if let Some(d) = &plan.design {
        f.push((
            "design".into(),
            format!("{}, {} factors", written_name(&d.kind), d.factors.len()),
        ));
    }
    if let Some(w) = m.get("wall_seconds").and_then(Value::as_f64) {
        f.push((
            "wall time".into(),
            format!("{} s", crate::report::digits::sig4(w)),
        ));
    }
    for k in ["lamas_version", "git_revision"] {
        if let Some(v) = text(k) {
            f.push((k.replace('_', " "), v));
        }
    }
    f
}

/// The experiment's plots: what to draw from the cells, or, for strategy shares, the curves.
fn plots(dir: &Path, plan: &Plan) -> Result<Vec<Value>, String> {
    let has_series = dir.join("timeseries.parquet").is_file();
    plan.plots
        .iter()
        .map(|spec| {
            let mut v = json!({
                "name": spec.name, "kind": spec.kind.name(), "title": spec.title,
                "metric": spec.metric, "x": spec.x, "y": spec.y, "series": spec.series,
                "filter": spec.filter.iter().map(|(k, v)| json!([k, param(v)])).collect::<Vec<_>>(),
                "x_label": spec.x_label, "y_label": spec.y_label,
                "log_x": spec.log_x, "log_y": spec.log_y,
            });
            if spec.kind == PlotKind::Shares {
                v["curves"] = if has_series {
                    let shares = Shares::new(dir, plan, spec)
                        .map_err(|e| format!("plot `{}`: {e}", spec.name))?;
                    shares
                        .curves()
                        .map(|(name, points)| json!({ "name": name, "points": points }))
                        .collect()
                } else {
                    Value::Null
                };
            }
            Ok(v)
        })
        .collect()
}

/// The sensitivity indices drawn for the design, by metric: (parameter, index, estimate, lo, hi).
fn indices(dir: &Path, plan: &Plan) -> Result<Value, String> {
    let Some(design) = plan.design.as_ref().filter(|_| plan.has_indices()) else {
        return Ok(Value::Null);
    };
    let drawn = sensitivity::drawn(design.kind);
    let rows = sensitivity::rows(dir)?;
    let rows: Vec<Value> = rows
        .iter()
        .filter(|r| drawn.iter().any(|(i, _)| *i == r.index))
        .map(|r| {
            let (e, lo, hi) = r.stat.map_or((None, None, None), |s| {
                (Some(s.mean), Some(s.lo), Some(s.hi))
            });
            json!([r.metric, r.parameter, r.index, e, lo, hi])
        })
        .collect();
    Ok(json!({
        "indices": drawn.iter().map(|(i, label)| json!([i, label])).collect::<Vec<_>>(),
        "rows": rows,
    }))
}

/// The failed runs: cell, its swept values, replicate, seed and error.
fn failed(plan: &Plan, m: &Value) -> Vec<Value> {
    let Some(list) = m.get("failed").and_then(Value::as_array) else {
        return Vec::new();
    };
    list.iter()
        .map(|f| {
            let cell = f.get("cell").and_then(Value::as_u64).unwrap_or(0);
            let params = plan
                .cells
                .get(cell as usize)
                .map(|c| c.describe())
                .unwrap_or_default();
            json!({
                "cell": cell, "params": params, "replicate": f.get("replicate"),
                "seed": f.get("seed").map(|s| s.to_string()), "error": f.get("error"),
            })
        })
        .collect()
}

/// The manifest without its list of cells (their values are in the report's table; their seeds
/// stay in `manifest.json`), which can run to megabytes for a design.
fn trimmed(m: &Value) -> Value {
    let mut m = m.clone();
    if let Some(o) = m.as_object_mut()
        && let Some(cells) = o.remove("cells")
    {
        let n = cells.as_array().map_or(0, Vec::len);
        o.insert(
            "cells".into(),
            json!(format!(
                "{n} cells: their values are in the summary table, their seeds in manifest.json"
            )),
        );
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_symmetric_interval_is_written_as_its_half_width() {
        let s = Stat {
            mean: 11.766_9,
            lo: 11.766_9 - 24.046_123,
            hi: 11.766_9 + 24.046_123,
        };
        assert_eq!(stat(s), json!([11.766_9, 24.046]));
        let skew = Stat {
            mean: 1.0,
            lo: 0.5,
            hi: 2.0,
        };
        assert_eq!(stat(skew), json!([1.0, 0.5, 2.0]));
    }

    #[test]
    fn the_question_is_the_comment_at_the_top_of_the_experiment() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("e.toml");
        std::fs::write(
            &f,
            "#:schema x.json\n# Does it pay?\n# Under faults.\ntitle = \"t\"\n# not this\n",
        )
        .unwrap();
        assert_eq!(question(&f), "Does it pay? Under faults.");
        assert_eq!(question(&dir.path().join("missing.toml")), "");
    }
}
