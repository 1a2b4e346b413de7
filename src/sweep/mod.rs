//! `lamas sweep` and `lamas merge`: every (cell, replicate) of an experiment run in parallel,
//! each finished run persisted at once, and the tables, plots and manifest built from what is
//! on disk.
//!
//! Runs execute on a rayon pool of `--jobs` threads, one single-threaded world per run. A run's
//! result depends only on its scenario and seed ([`crate::experiment::grid::run_seed`]), and the
//! tables are built from the records sorted by run, so they are bit-identical whatever the
//! number of threads, the order of completion, the shards, or interruptions. A panic inside a
//! run is caught and recorded as a failed run; the sweep goes on. Cells with model-backed
//! workers are answered by the [`Models`] the command opened for them ([`Options::models`]):
//! one cassette per file, shared by the runs, so a replayed sweep is as pure as any other.

pub mod manifest;
pub mod store;
pub mod tables;

use std::cell::RefCell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use rayon::prelude::*;
use serde_json::json;

use crate::experiment::{Experiment, Plan, RunId, Shard, TIMINGS, grid};
use crate::llm::Models;
use crate::progress::Progress;
use crate::table::{csv_bytes, parquet_bytes, prepare_dir, write_all, write_atomic};
use store::{RunRecord, Status};
use tables::series_frame;

/// How to sweep.
#[derive(Debug, Clone)]
pub struct Options {
    /// Worker threads.
    pub jobs: usize,
    /// Keep the finished runs already in the results folder and run only the others.
    pub resume: bool,
    /// The slice of the runs to do.
    pub shard: Shard,
    /// The experiment's results folder (e.g. `results/<id>`).
    pub dir: PathBuf,
    /// No progress report.
    pub quiet: bool,
    /// The models that answer each cell's model-backed workers (by cell index; empty, or
    /// `None` for a cell, when it has none).
    pub models: Vec<Option<Arc<Models>>>,
}

/// What a sweep or merge did.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The results folder.
    pub dir: PathBuf,
    /// Runs in the sweep (or shard).
    pub planned: usize,
    /// Runs executed now.
    pub ran: usize,
    /// Runs found finished on disk and kept.
    pub kept: usize,
    /// Runs that failed.
    pub failed: Vec<RunRecord>,
    /// Runs of the plan with no record (merge of incomplete shards).
    pub missing: Vec<RunId>,
    /// Wall time, seconds.
    pub wall_seconds: f64,
}

/// Why a sweep could not be done.
#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    /// Bad input: the results folder holds another sweep, a folder is not a sweep's (exit 2).
    #[error("{0}")]
    Input(String),
    /// Writing or reading results failed (exit 1).
    #[error("{0}")]
    Io(String),
}

/// The files a sweep writes beside `runs/` and `plots/`.
pub const OUTPUTS: [&str; 7] = [
    "runs.parquet",
    "summary.csv",
    "summary.parquet",
    "timings.csv",
    "timeseries.parquet",
    "sensitivity.csv",
    "manifest.json",
];

/// The results folder of `plan` under `out` (`out/<id>`, or `out/<id>/quick`).
pub fn results_dir(out: &Path, plan: &Plan) -> PathBuf {
    let dir = out.join(&plan.id);
    if plan.quick { dir.join("quick") } else { dir }
}

thread_local! {
    /// The message of the last panic on this thread (set by the sweep's panic hook).
    static PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Runs the sweep of `exp` described by `opts`, then writes its tables, plots and manifest.
pub fn sweep(exp: &Experiment, opts: &Options) -> Result<Outcome, SweepError> {
    let started = Instant::now();
    let plan = &exp.plan;
    let dir = &opts.dir;
    prepare_dir(dir).map_err(|e| SweepError::Input(e.to_string()))?;
    let runs_dir = store::runs_dir(dir);
    let planned = grid::runs(plan.cells.len(), plan.replicates, opts.shard);

    // Start over, or check that what is on disk is this sweep's.
    let on_disk = store::read_plan(dir).map_err(SweepError::Input)?;
    let kept_records = kept_or_cleared(on_disk.as_ref(), plan, opts, &planned)?;
    std::fs::create_dir_all(&runs_dir)
        .map_err(|e| SweepError::Io(format!("cannot create `{}`: {e}", runs_dir.display())))?;
    store::clean_temps(dir);
    let plan_bytes = serde_json::to_vec_pretty(plan).unwrap_or_default();
    write_atomic(&store::plan_path(dir), &plan_bytes)
        .map_err(|e| SweepError::Io(format!("cannot write the plan: {e}")))?;

    let todo: Vec<RunId> = planned
        .iter()
        .copied()
        .filter(|r| kept_records.binary_search_by_key(r, |k| k.run).is_err())
        .collect();
    let jobs = opts.jobs.max(1);
    if !opts.quiet {
        announce(plan, opts, planned.len(), todo.len(), kept_records.len());
    }
    run_all(exp, opts, &todo, &runs_dir)?;
    compact_cassettes(&opts.models)?;

    let records: Vec<RunRecord> = store::read_records(&runs_dir)
        .map_err(SweepError::Io)?
        .into_iter()
        .filter(|r| planned.binary_search(&r.run).is_ok())
        .collect();
    let missing = missing_runs(&planned, &records);
    let mut outcome = Outcome {
        dir: dir.clone(),
        planned: planned.len(),
        ran: todo.len(),
        kept: kept_records.len(),
        failed: records
            .iter()
            .filter(|r| r.status == Status::Failed)
            .cloned()
            .collect(),
        missing,
        wall_seconds: 0.0,
    };
    outcome.wall_seconds = started.elapsed().as_secs_f64();
    let extra = json!({
        "kind": "sweep",
        "shard": (opts.shard != Shard::ALL).then(|| opts.shard.to_string()),
        "threads": jobs,
        "resumed": opts.resume && on_disk.is_some(),
        "llm": llm_manifest(&opts.models),
    });
    finish(dir, plan, &records, &outcome, extra)?;
    Ok(outcome)
}

/// The records a resumed sweep keeps (this sweep's finished runs on disk), after checking that
/// the folder holds this sweep; when starting over, none, and this shard's runs (or, for a whole
/// sweep, every run and table) are removed first.
fn kept_or_cleared(
    on_disk: Option<&Plan>,
    plan: &Plan,
    opts: &Options,
    planned: &[RunId],
) -> Result<Vec<RunRecord>, SweepError> {
    let (dir, runs_dir) = (&opts.dir, store::runs_dir(&opts.dir));
    let mut kept_records: Vec<RunRecord> = Vec::new();
    match (on_disk, opts.resume) {
        (Some(old), true) if old.fingerprint() != plan.fingerprint() => {
            return Err(SweepError::Input(format!(
                "`{}` holds results of a different sweep (its experiment, scenario or lamas \
                 version differ), so they cannot be resumed; sweep into another --out folder, \
                 or drop --resume to start over",
                dir.display()
            )));
        }
        (Some(_), true) => {
            kept_records = store::read_records(&runs_dir)
                .map_err(SweepError::Io)?
                .into_iter()
                .filter(|r| r.status == Status::Ok && planned.binary_search(&r.run).is_ok())
                .collect();
        }
        _ => {
            // Only this shard's runs are removed, so shards may share a folder; a whole sweep
            // also removes the tables of the previous one, so that none can be taken for its.
            if opts.shard == Shard::ALL {
                let _ = std::fs::remove_dir_all(&runs_dir);
                for f in OUTPUTS {
                    let _ = std::fs::remove_file(dir.join(f));
                }
                let _ = std::fs::remove_dir_all(dir.join("plots"));
            } else {
                for run in planned {
                    let _ = std::fs::remove_file(store::record_path(&runs_dir, *run));
                    let _ = std::fs::remove_file(store::series_path(&runs_dir, *run));
                }
            }
        }
    }
    Ok(kept_records)
}

/// The line that says what the sweep will do.
fn announce(plan: &Plan, opts: &Options, planned: usize, todo: usize, kept: usize) {
    let jobs = opts.jobs.max(1);
    println!(
        "lamas sweep `{}`: {} cells × {} replicates{}; {} runs to do ({} kept) on {} thread{}",
        plan.id,
        plan.cells.len(),
        plan.replicates,
        if opts.shard == Shard::ALL {
            String::new()
        } else {
            format!(", shard {} ({planned} runs)", opts.shard)
        },
        todo,
        kept,
        jobs,
        if jobs == 1 { "" } else { "s" },
    );
}

/// Runs `todo` on a pool of `opts.jobs` threads, each run's panic caught and recorded, with a
/// progress bar; stops taking runs at the first record that cannot be written.
fn run_all(
    exp: &Experiment,
    opts: &Options,
    todo: &[RunId],
    runs_dir: &Path,
) -> Result<(), SweepError> {
    let plan = &exp.plan;
    let jobs = opts.jobs.max(1);
    let progress = (!opts.quiet).then(|| Progress::new(todo.len() as u64, "runs", &plan.id));
    let io_error: Mutex<Option<String>> = Mutex::new(None);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .build()
        .map_err(|e| SweepError::Io(format!("cannot start {jobs} threads: {e}")))?;
    let previous_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|info| {
        let message = info.to_string();
        PANIC.with(|p| *p.borrow_mut() = Some(message));
    }));
    pool.install(|| {
        todo.par_iter().for_each(|&run| {
            if io_error.lock().map(|e| e.is_some()).unwrap_or(true) {
                return;
            }
            let models = opts.models.get(run.cell as usize).cloned().flatten();
            let result = execute(exp, run, runs_dir, models);
            if let Err(e) = result
                && let Ok(mut slot) = io_error.lock()
            {
                slot.get_or_insert(e);
            }
            if let Some(p) = &progress {
                p.inc();
            }
        });
    });
    std::panic::set_hook(previous_hook);
    if let Some(p) = &progress {
        p.finish();
    }
    if let Some(e) = io_error.into_inner().ok().flatten() {
        return Err(SweepError::Io(e));
    }
    Ok(())
}

/// Executes one run and persists its record (and series); Err only if the files cannot be
/// written. A run that panics, or stops at model calls it cannot answer, is a failed run.
fn execute(
    exp: &Experiment,
    run: RunId,
    runs_dir: &Path,
    models: Option<Arc<Models>>,
) -> Result<(), String> {
    let plan = &exp.plan;
    let seed = plan.seed_of(run);
    let scenario = &exp.scenarios[run.cell as usize];
    let started = Instant::now();
    PANIC.with(|p| p.borrow_mut().take());
    let result = catch_unwind(AssertUnwindSafe(|| {
        crate::sim::try_run(scenario, seed, models)
    }));
    let wall_seconds = started.elapsed().as_secs_f64();
    let record = match result {
        Ok(Err(stop)) => RunRecord {
            run,
            seed,
            status: Status::Failed,
            error: Some(stop.to_string()),
            metrics: Default::default(),
            wall_seconds,
            credit_seconds: 0.0,
            tasks_credited: 0,
        },
        Ok(Ok(output)) => {
            if plan.timeseries {
                let bytes = series_frame(&output.series)
                    .and_then(|mut df| parquet_bytes(&mut df))
                    .map_err(|e| format!("run {}: encoding its time series: {e}", run.stem()))?;
                write_atomic(&store::series_path(runs_dir, run), &bytes)
                    .map_err(|e| format!("run {}: writing its time series: {e}", run.stem()))?;
            }
            RunRecord {
                run,
                seed,
                status: Status::Ok,
                error: None,
                metrics: output
                    .metrics
                    .0
                    .iter()
                    .map(|(k, v)| (k.clone(), v.is_finite().then_some(*v)))
                    .collect(),
                wall_seconds,
                credit_seconds: output.credit_seconds,
                tasks_credited: output.tasks_credited,
            }
        }
        Err(payload) => {
            let message = PANIC.with(|p| p.borrow_mut().take()).unwrap_or_else(|| {
                payload
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| payload.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "an internal error".into())
            });
            RunRecord {
                run,
                seed,
                status: Status::Failed,
                error: Some(message),
                metrics: Default::default(),
                wall_seconds,
                credit_seconds: 0.0,
                tasks_credited: 0,
            }
        }
    };
    store::write_record(runs_dir, &record)
        .map_err(|e| format!("run {}: writing its record: {e}", run.stem()))
}

/// Sorts the cassettes that were recorded into (each once), so that the manifest hashes what
/// stays on disk.
fn compact_cassettes(models: &[Option<Arc<Models>>]) -> Result<(), SweepError> {
    let mut done = std::collections::BTreeSet::new();
    for m in models.iter().flatten() {
        if m.mode() != crate::llm::Mode::Record {
            continue;
        }
        if let Some(c) = m.cassette()
            && done.insert(c.path().to_path_buf())
        {
            c.compact().map_err(|e| {
                SweepError::Io(format!("sorting the cassette {}: {e}", c.path().display()))
            })?;
        }
    }
    Ok(())
}

/// The mode and cassettes (each once) that answered the model calls, if any cell has models.
fn llm_manifest(models: &[Option<Arc<Models>>]) -> Option<Vec<crate::manifest::LlmManifest>> {
    let mut seen = std::collections::BTreeSet::new();
    let list: Vec<_> = models
        .iter()
        .flatten()
        .filter(|m| seen.insert(m.cassette().map(|c| c.path().to_path_buf())))
        .map(|m| crate::manifest::LlmManifest::new(m))
        .collect();
    (!list.is_empty()).then_some(list)
}

/// The runs of `planned` without a record.
fn missing_runs(planned: &[RunId], records: &[RunRecord]) -> Vec<RunId> {
    planned
        .iter()
        .copied()
        .filter(|r| records.binary_search_by_key(r, |k| k.run).is_err())
        .collect()
}

/// Builds and writes the tables, plots and manifest of `records` into `dir`.
fn finish(
    dir: &Path,
    plan: &Plan,
    records: &[RunRecord],
    outcome: &Outcome,
    extra: serde_json::Value,
) -> Result<(), SweepError> {
    let io = |what: &str| {
        let what = what.to_string();
        move |e: polars::prelude::PolarsError| SweepError::Io(format!("building {what}: {e}"))
    };
    let mut runs = tables::runs_frame(plan, records).map_err(io("runs.parquet"))?;
    let metric_names: Vec<&str> = plan.metrics.iter().map(String::as_str).collect();
    let mut summary =
        tables::summary_frame(plan, &runs, &metric_names).map_err(io("the summary"))?;
    let timings = tables::timings_frame(plan, records).map_err(io("the timings"))?;
    let mut timing_summary =
        tables::summary_frame(plan, &timings, &TIMINGS).map_err(io("the timings"))?;
    let mut files: Vec<(&str, Vec<u8>)> = vec![
        (
            "runs.parquet",
            parquet_bytes(&mut runs).map_err(io("runs.parquet"))?,
        ),
        (
            "summary.csv",
            csv_bytes(&mut summary).map_err(io("summary.csv"))?,
        ),
        (
            "summary.parquet",
            parquet_bytes(&mut summary).map_err(io("summary.parquet"))?,
        ),
        (
            "timings.csv",
            csv_bytes(&mut timing_summary).map_err(io("timings.csv"))?,
        ),
    ];
    if let Some(mut sensitivity) =
        tables::sensitivity_frame(plan, records).map_err(io("sensitivity.csv"))?
    {
        files.push((
            "sensitivity.csv",
            csv_bytes(&mut sensitivity).map_err(io("sensitivity.csv"))?,
        ));
    }
    if plan.timeseries {
        let mut ts = tables::timeseries_frame(&store::runs_dir(dir), records)
            .map_err(io("timeseries.parquet"))?;
        files.push((
            "timeseries.parquet",
            parquet_bytes(&mut ts).map_err(io("timeseries.parquet"))?,
        ));
    }
    write_all(dir, &files).map_err(|e| SweepError::Io(e.to_string()))?;
    let plots = crate::plot::draw_all(dir, plan).map_err(SweepError::Io)?;
    let mut names: Vec<String> = files.iter().map(|(n, _)| n.to_string()).collect();
    names.extend(plots.iter().map(|p| format!("plots/{p}")));
    let manifest = manifest::sweep_manifest(plan, records, outcome, extra, names);
    write_atomic(
        &dir.join("manifest.json"),
        &crate::table::json_bytes(&manifest),
    )
    .map_err(|e| SweepError::Io(format!("cannot write manifest.json: {e}")))
}

/// Joins the results of the shards in `dirs` (each a results folder written by `lamas sweep
/// --shard`) into `out`: the runs are copied, and tables, plots and manifest built as by a
/// single sweep.
pub fn merge(dirs: &[PathBuf], out: &Path) -> Result<Outcome, SweepError> {
    let started = Instant::now();
    let mut plan: Option<Plan> = None;
    let mut sources = Vec::new();
    let mut records: Vec<RunRecord> = Vec::new();
    for d in dirs {
        let p = store::read_plan(d)
            .map_err(SweepError::Input)?
            .ok_or_else(|| {
                SweepError::Input(format!(
                    "`{}` is not the results folder of a sweep (it has no runs/plan.json)",
                    d.display()
                ))
            })?;
        if let Some(first) = &plan {
            if first.fingerprint() != p.fingerprint() {
                return Err(SweepError::Input(format!(
                    "`{}` holds results of a different sweep than `{}` (experiment, scenario or \
                     lamas version differ)",
                    d.display(),
                    dirs[0].display()
                )));
            }
        } else {
            plan = Some(p);
        }
        let same = |a: &Path, b: &Path| match (a.canonicalize(), b.canonicalize()) {
            (Ok(x), Ok(y)) => x == y,
            _ => false,
        };
        if same(d, out) {
            return Err(SweepError::Input(format!(
                "the merged results would overwrite the shard in `{}`; choose another --out",
                d.display()
            )));
        }
        sources.push(shard_source(d));
        for r in store::read_records(&store::runs_dir(d)).map_err(SweepError::Io)? {
            records.push(r);
        }
    }
    let Some(plan) = plan else {
        return Err(SweepError::Input(
            "name at least one results folder to merge".into(),
        ));
    };
    // One record per run: a finished one wins over a failed one, then the first folder's.
    records.sort_by_key(|r| (r.run, r.status != Status::Ok));
    records.dedup_by_key(|r| r.run);
    prepare_dir(out).map_err(|e| SweepError::Input(e.to_string()))?;
    let runs_dir = store::runs_dir(out);
    let _ = std::fs::remove_dir_all(&runs_dir);
    std::fs::create_dir_all(&runs_dir)
        .map_err(|e| SweepError::Io(format!("cannot create `{}`: {e}", runs_dir.display())))?;
    let plan_bytes = serde_json::to_vec_pretty(&plan).unwrap_or_default();
    write_atomic(&store::plan_path(out), &plan_bytes)
        .map_err(|e| SweepError::Io(format!("cannot write the plan: {e}")))?;
    copy_runs(dirs, &plan, &records, &runs_dir)?;
    let planned = grid::runs(plan.cells.len(), plan.replicates, Shard::ALL);
    let outcome = Outcome {
        dir: out.to_path_buf(),
        planned: planned.len(),
        ran: 0,
        kept: records.len(),
        failed: records
            .iter()
            .filter(|r| r.status == Status::Failed)
            .cloned()
            .collect(),
        missing: missing_runs(&planned, &records),
        wall_seconds: started.elapsed().as_secs_f64(),
    };
    let extra = json!({ "kind": "merge", "shard": null, "merged_from": sources });
    finish(out, &plan, &records, &outcome, extra)?;
    Ok(outcome)
}

/// What the merge's manifest records of a shard: its folder, and its manifest's shard, threads,
/// machine and wall time.
fn shard_source(d: &Path) -> serde_json::Value {
    let manifest = std::fs::read_to_string(d.join("manifest.json"))
        .ok()
        .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok());
    json!({
        "dir": d.display().to_string(),
        "shard": manifest.as_ref().and_then(|m| m.get("shard").cloned()),
        "threads": manifest.as_ref().and_then(|m| m.get("threads").cloned()),
        "machine": manifest.as_ref().and_then(|m| m.get("machine").cloned()),
        "wall_seconds": manifest.as_ref().and_then(|m| m.get("wall_seconds").cloned()),
    })
}

/// Copies each run's record (and, when the plan keeps them, its series from the first shard that
/// has it) into the merged `runs_dir`.
fn copy_runs(
    dirs: &[PathBuf],
    plan: &Plan,
    records: &[RunRecord],
    runs_dir: &Path,
) -> Result<(), SweepError> {
    for r in records {
        store::write_record(runs_dir, r)
            .map_err(|e| SweepError::Io(format!("cannot copy run {}: {e}", r.run.stem())))?;
        if plan.timeseries && r.status == Status::Ok {
            let from = dirs
                .iter()
                .map(|d| store::series_path(&store::runs_dir(d), r.run))
                .find(|p| p.exists())
                .ok_or_else(|| {
                    SweepError::Io(format!(
                        "the time series of run {} is missing",
                        r.run.stem()
                    ))
                })?;
            let bytes = std::fs::read(&from)
                .map_err(|e| SweepError::Io(format!("cannot read `{}`: {e}", from.display())))?;
            write_atomic(&store::series_path(runs_dir, r.run), &bytes)
                .map_err(|e| SweepError::Io(format!("cannot copy `{}`: {e}", from.display())))?;
        }
    }
    Ok(())
}
