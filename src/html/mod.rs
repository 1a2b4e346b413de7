//! `report.html`: one self-contained page per run or sweep, to look at rather than read.
//!
//! [`write`] reads a results folder — a run's (`summary.json`, `timeseries.parquet`,
//! `manifest.json`) or a sweep's (`summary.parquet`, `timings.csv`, `sensitivity.csv`,
//! `manifest.json`, the plan) — and writes `report.html` beside its files, atomically. The data
//! of a run is gathered by [`run`], of a sweep by [`sweep`]; [`page`] inlines the data, the style
//! sheet and the script into one file that fetches nothing. The page draws the charts (hover for
//! values and intervals, drag to zoom, double-click to reset, a metric and a key to colour by for
//! a sweep's plots), sorts the tables, and follows the reader's light or dark setting.

pub mod page;
pub mod run;
pub mod sweep;

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::experiment::Plan;

/// Why a report could not be written.
#[derive(Debug)]
pub enum ReportError {
    /// The folder is not the results folder of a run or sweep, or its files cannot be read.
    Input(String),
    /// The report could not be written.
    Write(String),
}

/// Writes `dir/report.html` for the run or sweep whose results are in `dir`; a sweep's plan is
/// read from `dir/runs/plan.json`, or else from `experiment` or the experiment file its manifest
/// names (which must describe the same sweep). Returns the report's path.
pub fn write(dir: &Path, experiment: Option<&Path>) -> Result<PathBuf, ReportError> {
    let input = ReportError::Input;
    let manifest_path = dir.join("manifest.json");
    let text = std::fs::read_to_string(&manifest_path).map_err(|_| {
        input(format!(
            "`{}` is not the results folder of a run or sweep: it has no manifest.json \
             (give the folder `lamas run` or `lamas sweep` wrote)",
            dir.display()
        ))
    })?;
    let manifest: Value = serde_json::from_str(&text).map_err(|e| {
        input(format!(
            "`{}` is not a manifest written by lamas: {e}",
            manifest_path.display()
        ))
    })?;
    let (title, data) = match manifest.get("kind").and_then(Value::as_str) {
        Some("run") => {
            let data = run::data(dir, &manifest).map_err(|e| input(in_dir(dir, e)))?;
            (
                format!("lamas run: {}", data["title"].as_str().unwrap_or_default()),
                data,
            )
        }
        Some("sweep" | "merge") => {
            let plan = plan(dir, &manifest, experiment)?;
            let data = sweep::data(dir, &plan, &manifest).map_err(|e| input(in_dir(dir, e)))?;
            (format!("lamas sweep: {}", plan.title), data)
        }
        other => {
            return Err(input(format!(
                "`{}` has kind {}, not `run`, `sweep` or `merge`",
                manifest_path.display(),
                other.map_or("(none)".into(), |k| format!("`{k}`"))
            )));
        }
    };
    let path = dir.join("report.html");
    crate::table::write_atomic(&path, page::page(&title, &data).as_bytes())
        .map_err(|e| ReportError::Write(format!("cannot write `{}`: {e}", path.display())))?;
    Ok(path)
}

/// A manifest's value at `key` as text (a string without its quotes).
fn field(m: &Value, key: &str) -> Option<String> {
    m.get(key).map(|v| match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    })
}

fn in_dir(dir: &Path, e: String) -> String {
    format!("`{}`: {e}", dir.display())
}

/// The plan of the sweep in `dir`: `runs/plan.json`, or the experiment file given or named by
/// the manifest, loaded and checked against the manifest's fingerprint.
fn plan(dir: &Path, manifest: &Value, experiment: Option<&Path>) -> Result<Plan, ReportError> {
    let input = ReportError::Input;
    if experiment.is_none()
        && let Some(plan) = crate::sweep::store::read_plan(dir).map_err(input)?
    {
        return Ok(plan);
    }
    let named = manifest.pointer("/experiment/file").and_then(Value::as_str);
    let Some(file) = experiment
        .map(Path::to_path_buf)
        .or(named.map(PathBuf::from))
    else {
        return Err(input(format!(
            "`{}` has no runs/plan.json and its manifest names no experiment file; give it with \
             --experiment FILE",
            dir.display()
        )));
    };
    let quick = manifest
        .pointer("/experiment/quick")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let exp = crate::experiment::load(&file, quick).map_err(|e| {
        input(format!(
            "`{}` has no runs/plan.json, and its experiment `{}` cannot be read ({e}); run from \
             the folder the sweep ran from, or give the experiment with --experiment FILE",
            dir.display(),
            file.display()
        ))
    })?;
    let fingerprint = manifest.get("fingerprint").and_then(Value::as_str);
    if fingerprint != Some(exp.plan.fingerprint().as_str()) {
        return Err(input(format!(
            "`{}` describes another sweep than the one in `{}` (their fingerprints differ)",
            file.display(),
            dir.display()
        )));
    }
    Ok(exp.plan)
}
