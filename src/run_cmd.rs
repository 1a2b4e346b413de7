//! `lamas run`: one run of a scenario, written to a folder (time series, summary, manifest), and
//! the checks it shares with `lamas validate`: the memory budget and the cassette a scenario's
//! model calls would use.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use crate::command::{Failure, Message, cassette_problem};
use crate::llm::{Mode, Models, Stop};
use crate::manifest::{LlmManifest, RunManifest};
use crate::progress::Progress;
use crate::scenario::{self, InputError};
use crate::sim;
use crate::sweep::tables::series_frame;
use crate::table::{json_bytes, parquet_bytes, prepare_dir, write_all};

/// What `lamas run` shows beside its files: a report, every metric.
pub struct Shown {
    /// Write report.html.
    pub report: bool,
    /// Print every metric.
    pub all: bool,
}

/// `lamas run`: one run of `file` (with the overrides `set`) at `seed` (default: the
/// scenario's), its time series, summary and manifest written to `out`.
pub fn run(
    file: &Path,
    set: &[String],
    seed: Option<u64>,
    out: Option<PathBuf>,
    mode: Mode,
    shown: Shown,
) -> Result<(), Failure> {
    let sc = scenario::load(file, set)?;
    check_memory(&sc, file, set)?;
    let models = open_models(&sc, file, set, mode)?;
    let seed = seed.unwrap_or(sc.seed);
    let out = out.unwrap_or_else(|| PathBuf::from("runs").join(format!("{}-s{seed}", sc.name)));
    let existed = out.exists();
    prepare_dir(&out).map_err(|e| Failure::Input(Box::new(Message(e.to_string()))))?;

    let started = Instant::now();
    let output = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        simulate(&sc, seed, models.clone())
    }))
    .map_err(|_| {
        Failure::Run(format!(
            "the run of `{}` with seed {seed} failed (an internal error)",
            file.display()
        ))
    })?;
    let output = output.map_err(|stop| {
        if !existed {
            let _ = std::fs::remove_dir(&out); // only if still empty
        }
        stopped(&stop, file, set, seed)
    })?;
    let wall = started.elapsed().as_secs_f64();
    if let Some(c) = models.as_ref().and_then(|m| m.cassette())
        && mode == Mode::Record
    {
        c.compact().map_err(|e| {
            Failure::Run(format!("sorting the cassette {}: {e}", c.path().display()))
        })?;
    }

    let mut df = series_frame(&output.series)
        .map_err(|e| Failure::Run(format!("building the time series: {e}")))?;
    let parquet = parquet_bytes(&mut df)
        .map_err(|e| Failure::Run(format!("encoding timeseries.parquet: {e}")))?;
    let mut manifest = RunManifest::new(
        &sc,
        &file.display().to_string(),
        set,
        seed,
        wall,
        output.credit_seconds,
    );
    manifest.llm = models.as_deref().map(LlmManifest::new);
    write_all(
        &out,
        &[
            ("timeseries.parquet", parquet),
            ("summary.json", json_bytes(&output.metrics)),
            ("manifest.json", json_bytes(&manifest)),
        ],
    )
    .map_err(|e| Failure::Run(e.to_string()))?;

    println!(
        "lamas run: `{}`, seed {seed}, {} ticks, {} agents, {} s\n",
        sc.name,
        sc.ticks,
        sc.population(),
        crate::report::digits::sig4(wall)
    );
    print!(
        "{}",
        crate::report::terminal::summary(&output.metrics, &sc.resolved, shown.all)
    );
    println!(
        "\nwrote {}/{{timeseries.parquet, summary.json, manifest.json}}",
        out.display()
    );
    if shown.report {
        let path = crate::experiment_cmd::report_of(&out)?;
        println!("report: {}", path.display());
    } else {
        println!(
            "report: `lamas report {}` (or `--report`) writes report.html",
            out.display()
        );
    }
    Ok(())
}

/// Runs the simulation tick by tick, reporting progress on stderr ([`Progress`]).
fn simulate(
    sc: &scenario::Scenario,
    seed: u64,
    models: Option<Arc<Models>>,
) -> Result<sim::RunOutput, sim::RunStop> {
    let progress = Progress::new(u64::from(sc.ticks), "ticks", &sc.name);
    let mut simulation = match models {
        Some(m) => sim::Simulation::with_models(sc, seed, m),
        None => sim::Simulation::new(sc, seed),
    };
    while simulation.tick() < sc.ticks {
        simulation.try_step()?;
        progress.inc();
    }
    progress.finish();
    simulation.try_finish()
}

/// Refuses a scenario whose run needs more memory than the budget
/// ([`scenario::cost::over_budget`]), placed in its file.
pub fn check_memory(sc: &scenario::Scenario, file: &Path, set: &[String]) -> Result<(), Failure> {
    match scenario::cost::over_budget(sc, scenario::cost::budget(), 1) {
        Some(problem) => Err(scenario::problem_in(file, set, problem).into()),
        None => Ok(()),
    }
}

/// The models of a scenario with model-backed groups, opened in `mode` (the cassette read or
/// locked, the API keys read); `None` for a scenario without them. A cassette that cannot be
/// read is reported at the scenario's `llm.cassette` key.
pub fn open_models(
    sc: &scenario::Scenario,
    file: &Path,
    set: &[String],
    mode: Mode,
) -> Result<Option<Arc<Models>>, Failure> {
    match &sc.llm {
        Some(setup) if sc.model_backed() => Models::open(setup, mode)
            .map(Some)
            .map_err(|e| cassette_problem(e, file, set).into()),
        _ => Ok(None),
    }
}

/// Checks, without opening it for recording, the cassette a scenario's calls would use in
/// `mode`: replaying needs it to exist and be valid; recording needs it valid if it exists.
pub fn check_cassette(
    sc: &scenario::Scenario,
    file: &Path,
    set: &[String],
    mode: Mode,
) -> Result<(), Failure> {
    match &sc.llm {
        Some(setup) if mode != Mode::Live && sc.model_backed() => {
            crate::llm::Cassette::check(&setup.cassette, mode == Mode::Replay)
                .map_err(|e| cassette_problem(e, file, set).into())
        }
        _ => Ok(()),
    }
}

/// [`check_cassette`] for a cell of the experiment `file`: a cassette that cannot be read is
/// named with the experiment.
pub fn check_experiment_cassette(
    sc: &scenario::Scenario,
    file: &Path,
    mode: Mode,
) -> Result<(), Failure> {
    match &sc.llm {
        Some(setup) if mode != Mode::Live && sc.model_backed() => crate::llm::Cassette::check(
            &setup.cassette,
            mode == Mode::Replay,
        )
        .map_err(|e| match e {
            InputError::Read { path, reason } => Failure::Input(Box::new(Message(format!(
                "{}: the scenario's cassette {} cannot be used: {reason}; record it with \
                     `lamas sweep {} --llm record`",
                file.display(),
                path.display(),
                file.display()
            )))),
            other => other.into(),
        }),
        _ => Ok(()),
    }
}

/// The failure of a run that stopped: a call missing from the cassette is bad input (exit 2,
/// with the command that records it); an endpoint that failed is a failed run (exit 1).
fn stopped(stop: &sim::RunStop, file: &Path, set: &[String], seed: u64) -> Failure {
    match stop.stop.as_ref() {
        Stop::Missing { .. } => {
            let mut cmd = format!("lamas run {}", file.display());
            for s in set {
                cmd.push_str(&format!(" --set '{s}'"));
            }
            Failure::Input(Box::new(Message(format!(
                "{}: {stop}; the run stops at the first tick with a missing call, so later ticks may need more. \
                 Record the missing calls against the model endpoints with:\n  {cmd} --seed {seed} --llm record",
                file.display()
            ))))
        }
        _ => Failure::Run(format!("{}: {stop}", file.display())),
    }
}
