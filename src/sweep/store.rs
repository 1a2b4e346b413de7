//! The per-run files of a sweep, in `<results>/runs/`: `plan.json` (what the sweep computes),
//! one `<run>.json` record per finished run (`c000003-r0001.json`) and, when the experiment
//! keeps time series, `<run>.series.parquet` written before the record.
//!
//! Every file is written under a temporary name, synced and renamed, so a killed sweep leaves
//! only whole files; a record's existence means its run is finished. Records hold metrics as
//! JSON numbers, which serde_json (with `float_roundtrip`) reads back bit-exactly; undefined
//! metrics (NaN) are `null`.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::experiment::{Plan, RunId};
use crate::table::write_atomic;

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// It finished.
    Ok,
    /// It failed (an internal error); the sweep went on.
    Failed,
}

/// The record of one finished run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunRecord {
    /// Which run.
    #[serde(flatten)]
    pub run: RunId,
    /// Its seed.
    pub seed: u64,
    /// How it ended.
    pub status: Status,
    /// The error of a failed run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Metrics by name (`None` for undefined ones).
    #[serde(default)]
    pub metrics: BTreeMap<String, Option<f64>>,
    /// Wall time of the run, seconds (a measurement).
    pub wall_seconds: f64,
    /// Wall time of the credit mechanism, seconds (a measurement).
    pub credit_seconds: f64,
    /// Tasks whose credit was allocated.
    pub tasks_credited: u64,
}

impl RunRecord {
    /// A metric's value (NaN when undefined or absent).
    pub fn metric(&self, name: &str) -> Option<f64> {
        self.metrics.get(name).copied().flatten()
    }

    /// A timing measurement by name (see [`crate::experiment::TIMINGS`]).
    pub fn timing(&self, name: &str) -> Option<f64> {
        match name {
            "wall_seconds" => Some(self.wall_seconds),
            "credit_seconds" => Some(self.credit_seconds),
            "credit_us_per_task" => (self.tasks_credited > 0)
                .then(|| 1e6 * self.credit_seconds / self.tasks_credited as f64),
            _ => None,
        }
    }
}

/// The folder of per-run files.
pub fn runs_dir(results: &Path) -> PathBuf {
    results.join("runs")
}

/// The plan file.
pub fn plan_path(results: &Path) -> PathBuf {
    runs_dir(results).join("plan.json")
}

/// The record file of a run.
pub fn record_path(runs: &Path, run: RunId) -> PathBuf {
    runs.join(format!("{}.json", run.stem()))
}

/// The time-series file of a run.
pub fn series_path(runs: &Path, run: RunId) -> PathBuf {
    runs.join(format!("{}.series.parquet", run.stem()))
}

/// Writes a run's record.
pub fn write_record(runs: &Path, record: &RunRecord) -> std::io::Result<()> {
    let bytes = serde_json::to_vec(record).map_err(std::io::Error::other)?;
    write_atomic(&record_path(runs, record.run), &bytes)
}

/// Reads the plan of the sweep in `results`, if there is one.
pub fn read_plan(results: &Path) -> Result<Option<Plan>, String> {
    let path = plan_path(results);
    let text = match fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("cannot read `{}`: {e}", path.display())),
    };
    serde_json::from_str(&text)
        .map(Some)
        .map_err(|e| format!("`{}` is not a plan written by lamas: {e}", path.display()))
}

/// Removes the temporary files a killed sweep left in its results folder `dir`: in it, in its
/// runs and in its plots (those of a process still running, e.g. another shard, are kept).
pub fn clean_temps(dir: &Path) {
    for d in [dir.to_path_buf(), runs_dir(dir), dir.join("plots")] {
        crate::table::remove_stale_temps(&d);
    }
}

/// Reads every run record in `runs`, sorted by run.
pub fn read_records(runs: &Path) -> Result<Vec<RunRecord>, String> {
    let mut out = Vec::new();
    let entries = match fs::read_dir(runs) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
        Err(e) => return Err(format!("cannot read `{}`: {e}", runs.display())),
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.starts_with('c') || !name.ends_with(".json") || name.contains(".tmp-") {
            continue;
        }
        let text = fs::read_to_string(&path)
            .map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
        let record: RunRecord = serde_json::from_str(&text)
            .map_err(|e| format!("`{}` is not a run record: {e}", path.display()))?;
        out.push(record);
    }
    out.sort_by_key(|r| r.run);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};

    #[test]
    fn records_round_trip_every_float_bit_exactly() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        let mut metrics = BTreeMap::new();
        for i in 0..2000 {
            let x = f64::from_bits(rng.next_u64());
            metrics.insert(format!("m{i}"), x.is_finite().then_some(x));
        }
        metrics.insert("tiny".into(), Some(f64::MIN_POSITIVE / 3.0));
        metrics.insert("third".into(), Some(1.0 / 3.0));
        let r = RunRecord {
            run: RunId {
                cell: 3,
                replicate: 1,
            },
            seed: u64::MAX,
            status: Status::Ok,
            error: None,
            metrics,
            wall_seconds: 0.1,
            credit_seconds: 0.01,
            tasks_credited: 5,
        };
        let back: RunRecord = serde_json::from_slice(&serde_json::to_vec(&r).unwrap()).unwrap();
        for (k, v) in &r.metrics {
            assert_eq!(
                v.map(f64::to_bits),
                back.metrics[k].map(f64::to_bits),
                "{k}"
            );
        }
        assert_eq!(back, r);
    }
}
