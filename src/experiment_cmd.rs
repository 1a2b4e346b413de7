//! The experiment commands: `lamas sweep`, `lamas merge`, `lamas plot` and `lamas reproduce`.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::command::{Failure, Message};
use crate::experiment::{self, Experiment, Plan, Shard};
use crate::llm::{Mode, Models};
use crate::sweep::{self, Options, Outcome, SweepError, store};

impl From<SweepError> for Failure {
    fn from(e: SweepError) -> Self {
        match e {
            SweepError::Input(m) => Failure::Input(Box::new(Message(m))),
            SweepError::Io(m) => Failure::Run(m),
        }
    }
}

fn input(message: impl Into<String>) -> Failure {
    Failure::Input(Box::new(Message(message.into())))
}

/// The default number of worker threads: the machine's.
pub fn default_jobs() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Refuses an experiment one of whose cells needs more memory than the budget when `jobs` runs
/// go at once (at most as many as the experiment has runs), naming the cell.
pub fn check_memory(exp: &experiment::Experiment, file: &Path, jobs: usize) -> Result<(), Failure> {
    let runs = exp.plan.cells.len() * exp.plan.replicates as usize;
    let at_once = jobs.min(runs).max(1);
    for (i, sc) in exp.scenarios.iter().enumerate() {
        if let Some(p) =
            crate::scenario::cost::over_budget(sc, crate::scenario::cost::budget(), at_once)
        {
            let cell = exp
                .plan
                .cells
                .get(i)
                .map(|c| c.describe())
                .unwrap_or_default();
            return Err(input(format!(
                "{}: cell {i} ({cell}): {}: {}; {}",
                file.display(),
                p.path,
                p.message,
                p.help.unwrap_or_default()
            )));
        }
    }
    Ok(())
}

/// What `lamas sweep` is asked to do.
pub struct SweepArgs<'a> {
    /// The experiment file.
    pub file: &'a Path,
    /// Worker threads.
    pub jobs: Option<usize>,
    /// Keep the runs already finished.
    pub resume: bool,
    /// `I/N`: the slice of the runs to do.
    pub shard: Option<&'a str>,
    /// Parent of the results folder.
    pub out: Option<PathBuf>,
    /// The experiment's quick version.
    pub quick: bool,
    /// How model calls are answered.
    pub mode: Mode,
    /// Write report.html.
    pub report: bool,
}

/// `lamas sweep`.
pub fn sweep(args: SweepArgs<'_>) -> Result<(), Failure> {
    let SweepArgs {
        file,
        jobs,
        resume,
        shard,
        out,
        quick,
        mode,
        report: write,
    } = args;
    let shard = match shard {
        Some(s) => Shard::parse(s).map_err(|m| input(format!("invalid `--shard {s}`: {m}")))?,
        None => Shard::ALL,
    };
    if jobs == Some(0) {
        return Err(input(
            "invalid `--jobs 0`: at least one worker thread is needed",
        ));
    }
    let exp = experiment::load(file, quick)?;
    check_memory(&exp, file, jobs.unwrap_or_else(default_jobs))?;
    let dir = sweep::results_dir(&out.unwrap_or_else(|| PathBuf::from("results")), &exp.plan);
    let models = cell_models(&exp, file, mode)?;
    let opts = Options {
        jobs: jobs.unwrap_or_else(default_jobs),
        resume,
        shard,
        dir,
        quiet: false,
        models,
    };
    let outcome = sweep::sweep(&exp, &opts)?;
    let written = if write {
        Some(report_of(&outcome.dir)?)
    } else {
        None
    };
    let result = report(&outcome, &exp.plan);
    if let Some(path) = written {
        println!("report: {}", path.display());
    }
    result
}

/// `lamas report`: writes `dir/report.html`; a folder that cannot be read is bad input.
pub fn write_report(dir: &Path, experiment: Option<&Path>) -> Result<PathBuf, Failure> {
    crate::html::write(dir, experiment).map_err(|e| match e {
        crate::html::ReportError::Input(m) => input(m),
        crate::html::ReportError::Write(m) => Failure::Run(m),
    })
}

/// The `--report` of `run`, `sweep` and `reproduce`: writes the report of results this process
/// has just written, so any failure is the run's (exit 1), never the input's.
pub fn report_of(dir: &Path) -> Result<PathBuf, Failure> {
    crate::html::write(dir, None).map_err(|e| match e {
        crate::html::ReportError::Input(m) | crate::html::ReportError::Write(m) => {
            Failure::Run(format!("writing report.html: {m}"))
        }
    })
}

/// The models of each cell of `exp` with model-backed workers, opened in `mode`, one cassette
/// per file. A cassette that cannot be read is reported at the experiment's scenario.
fn cell_models(
    exp: &Experiment,
    file: &Path,
    mode: Mode,
) -> Result<Vec<Option<Arc<Models>>>, Failure> {
    let mut open = std::collections::BTreeMap::new();
    exp.scenarios
        .iter()
        .map(|sc| match &sc.llm {
            Some(setup) if sc.model_backed() => Models::open_shared(setup, mode, &mut open)
                .map(Some)
                .map_err(|e| match e {
                    crate::scenario::InputError::Read { path, reason } => input(format!(
                        "{}: the scenario's cassette {} cannot be used: {reason}",
                        file.display(),
                        path.display()
                    )),
                    other => other.into(),
                }),
            _ => Ok(None),
        })
        .collect()
}

/// Prints what a sweep or merge wrote; Err when runs failed or are missing.
fn report(o: &Outcome, plan: &experiment::Plan) -> Result<(), Failure> {
    let finished = o.planned - o.failed.len() - o.missing.len();
    println!(
        "{} of {} runs finished ({} run now, {} kept) in {:.2} s",
        finished, o.planned, o.ran, o.kept, o.wall_seconds
    );
    let mut files = vec![
        "runs.parquet",
        "summary.csv",
        "summary.parquet",
        "timings.csv",
    ];
    if plan.timeseries {
        files.push("timeseries.parquet");
    }
    let indexed = plan.has_indices();
    if indexed {
        files.push("sensitivity.csv");
    }
    files.push("manifest.json");
    let plots = if plan.plots.is_empty() && !indexed {
        ""
    } else {
        ", plots/"
    };
    println!("wrote {}/{{{}}}{plots}", o.dir.display(), files.join(", "));
    let mut problems = Vec::new();
    if !o.failed.is_empty() {
        for r in o.failed.iter().take(5) {
            eprintln!(
                "failed: run {} (seed {}): {}",
                r.run.stem(),
                r.seed,
                r.error.as_deref().unwrap_or("unknown error")
            );
        }
        problems.push(format!("{} run(s) failed", o.failed.len()));
    }
    if !o.missing.is_empty() {
        problems.push(format!("{} run(s) are missing", o.missing.len()));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Failure::Run(format!(
            "{}; they are listed in {}/manifest.json (`--resume` runs them again)",
            problems.join(" and "),
            o.dir.display()
        )))
    }
}

/// `lamas merge`.
pub fn merge(dirs: &[PathBuf], out: Option<PathBuf>) -> Result<(), Failure> {
    let first = dirs
        .first()
        .ok_or_else(|| input("name the results folders of the shards to merge"))?;
    let plan = store::read_plan(first).map_err(input)?.ok_or_else(|| {
        input(format!(
            "`{}` is not the results folder of a sweep (it has no runs/plan.json)",
            first.display()
        ))
    })?;
    let dir = sweep::results_dir(&out.unwrap_or_else(|| PathBuf::from("results")), &plan);
    let outcome = sweep::merge(dirs, &dir)?;
    report(&outcome, &plan)
}

/// `lamas plot`.
pub fn plot(dir: &Path, experiment_file: Option<&Path>) -> Result<(), Failure> {
    let mut plan = store::read_plan(dir).map_err(input)?.ok_or_else(|| {
        input(format!(
            "`{}` is not the results folder of a sweep (it has no runs/plan.json)",
            dir.display()
        ))
    })?;
    if let Some(file) = experiment_file {
        let exp = experiment::load(file, plan.quick)?;
        if exp.plan.fingerprint() != plan.fingerprint() {
            return Err(input(format!(
                "`{}` describes another sweep than the one in `{}`; only its plots may differ",
                file.display(),
                dir.display()
            )));
        }
        plan.plots = exp.plan.plots;
    }
    let files = crate::plot::draw_all(dir, &plan).map_err(Failure::Run)?;
    if files.is_empty() {
        println!("the experiment asks for no plots");
        return Ok(());
    }
    println!("wrote {} files to {}/plots/", files.len(), dir.display());
    Ok(())
}

/// The ids of the experiments in `root` (folders with an `experiment.toml`), sorted.
fn experiment_ids(root: &Path) -> Vec<String> {
    let mut ids: Vec<String> = std::fs::read_dir(root)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.path().join("experiment.toml").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    ids.sort();
    ids
}

/// What `lamas reproduce` is asked to do.
pub struct Reproduce<'a> {
    /// The experiments named.
    pub ids: &'a [String],
    /// Every experiment.
    pub all: bool,
    /// Compare with the committed summaries instead of writing results.
    pub check: bool,
    /// The quick versions.
    pub quick: bool,
    /// Worker threads.
    pub jobs: Option<usize>,
    /// Write each experiment's report.html.
    pub report: bool,
}

/// `lamas reproduce`.
pub fn reproduce(r: &Reproduce<'_>, root: &Path, results: &Path) -> Result<(), Failure> {
    let Reproduce {
        ids,
        all,
        check,
        quick,
        jobs,
        report: write,
    } = *r;
    if check && write {
        return Err(input(
            "--report writes reports beside the results, which --check does not write; use one",
        ));
    }
    let chosen = chosen_ids(root, ids, all)?;
    // Validate everything before running anything.
    let mut experiments = Vec::new();
    for id in &chosen {
        experiments.push(experiment::load(
            &root.join(id).join("experiment.toml"),
            quick,
        )?);
    }
    let jobs = jobs.unwrap_or_else(default_jobs);
    for (id, exp) in chosen.iter().zip(&experiments) {
        check_memory(exp, &root.join(id).join("experiment.toml"), jobs)?;
    }
    let mut failures = Vec::new();
    for exp in &experiments {
        let committed = sweep::results_dir(results, &exp.plan);
        let dir = if check {
            std::env::temp_dir().join(format!(
                "lamas-check-{}-{}{}",
                std::process::id(),
                exp.plan.id,
                if quick { "-quick" } else { "" }
            ))
        } else {
            committed.clone()
        };
        let opts = Options {
            jobs,
            resume: false,
            shard: Shard::ALL,
            dir: dir.clone(),
            quiet: false,
            models: cell_models(exp, &root.join(&exp.plan.id), Mode::Replay)?,
        };
        let outcome = sweep::sweep(exp, &opts);
        let result = outcome
            .map_err(Failure::from)
            .and_then(|o| report(&o, &exp.plan));
        if let Err(e) = result {
            if check {
                let _ = std::fs::remove_dir_all(&dir);
            }
            return Err(e);
        }
        if !check {
            if write {
                println!("report: {}", report_of(&dir)?.display());
            }
            continue;
        }
        if let Err(e) = check_against(&exp.plan, &committed, &dir, quick) {
            failures.push(e);
        }
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(Failure::Run(format!(
            "check failed: {}",
            failures.join("; ")
        )))
    }
}

/// The experiments `reproduce` runs: all of `root`'s with `all`, else `ids`, each one known.
fn chosen_ids(root: &Path, ids: &[String], all: bool) -> Result<Vec<String>, Failure> {
    let known = experiment_ids(root);
    if known.is_empty() {
        return Err(input(format!(
            "no experiments in `{}` (run lamas from the repository's root, or pass --experiments)",
            root.display()
        )));
    }
    Ok(if all {
        known.clone()
    } else if ids.is_empty() {
        return Err(input(format!(
            "name the experiments to reproduce, or use --all; experiments: {}",
            known.join(", ")
        )));
    } else {
        for id in ids {
            if !known.contains(id) {
                let hint = crate::syntax::spec::suggest(id, known.iter().map(String::as_str))
                    .map(|s| format!("; did you mean `{s}`?"))
                    .unwrap_or_default();
                return Err(input(format!(
                    "unknown experiment `{id}`{hint} (experiments: {})",
                    known.join(", ")
                )));
            }
        }
        ids.to_vec()
    })
}

/// `--check` of one experiment: its summary recomputed in `dir` against the committed one (the
/// folder removed after); the verdict printed, and Err naming the experiment if they differ.
fn check_against(plan: &Plan, committed: &Path, dir: &Path, quick: bool) -> Result<(), String> {
    let committed_summary = committed.join("summary.csv");
    let verdict = if committed_summary.is_file() {
        crate::reproduce::compare(plan, &committed_summary, &dir.join("summary.csv"))
    } else {
        Err(format!(
            "there is no committed summary at `{}`; run `lamas reproduce {}{}` and commit it",
            committed_summary.display(),
            plan.id,
            if quick { " --quick" } else { "" }
        ))
    };
    let _ = std::fs::remove_dir_all(dir);
    match verdict {
        Ok(diffs) if diffs.is_empty() => {
            println!(
                "check `{}`: every summary metric matches {} within the stated tolerances",
                plan.id,
                committed_summary.display()
            );
            Ok(())
        }
        Ok(diffs) => {
            eprintln!(
                "check `{}`: {} difference(s) from {}:",
                plan.id,
                diffs.len(),
                committed_summary.display()
            );
            for d in &diffs {
                eprintln!("  {d}");
            }
            Err(format!("`{}` differs in {} place(s)", plan.id, diffs.len()))
        }
        Err(e) => Err(format!("`{}`: {e}", plan.id)),
    }
}
