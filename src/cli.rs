//! The command line: `lamas run`, `sweep`, `merge`, `plot`, `reproduce`, `calibrate`, `credit`,
//! `validate`, `schema` — parsed here and dispatched to the command rooms (`run_cmd`,
//! `experiment_cmd`, `calibrate_cmd`, `credit_cmd`).
//!
//! Exit codes: 0 success, 1 a run failed, 2 bad input (a file, a flag, a value, an output folder
//! that cannot be written). Bad input is reported once, as a compiler-style message with the
//! file, line, column and key path, and nothing is written.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::command::{Failure, Format, render};
use crate::llm::Mode;
use crate::scenario;

/// lamas: a simulation testbed for LLM-based multi-agent systems.
#[derive(Debug, Parser)]
#[command(name = "lamas", version, about, long_about = None)]
pub struct Cli {
    /// The command.
    #[command(subcommand)]
    pub command: Command,
    /// Memory a run (or a sweep's runs at once, or a credit mechanism) may need, e.g. `64G` or
    /// `512M`; one estimated to need more is refused before it starts (default: a quarter of the
    /// memory this process may use).
    #[arg(long, global = true, value_name = "SIZE", value_parser = crate::scenario::cost::parse_size)]
    pub max_memory: Option<u64>,
    /// How errors are written to stderr: `human` (the offending lines) or `json` (one line with
    /// every problem's file, line, column, key, message and help; for programs).
    #[arg(long, global = true, value_enum, default_value_t = crate::machine::ErrorFormat::Human)]
    pub error_format: crate::machine::ErrorFormat,
    /// How progress is shown: `auto` (a bar on a terminal, plain lines otherwise), `json` (JSON
    /// lines on stderr, for programs) or `none`.
    #[arg(long, global = true, value_enum, default_value_t = crate::progress::Mode::Auto)]
    pub progress: crate::progress::Mode,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run one scenario; print its metrics; write timeseries.parquet, summary.json, manifest.json.
    Run {
        /// The scenario file (TOML).
        scenario: PathBuf,
        /// Override a scenario key by its dotted path, e.g. `--set tasks.arrival_rate=2`
        /// or `--set population.shirkers.count=5` (repeatable).
        #[arg(long = "set", value_name = "KEY=VALUE")]
        set: Vec<String>,
        /// Seed of the run (default: the scenario's `seed`).
        #[arg(long)]
        seed: Option<u64>,
        /// Output folder (default: `runs/<scenario name>-s<seed>`).
        #[arg(long)]
        out: Option<PathBuf>,
        /// How model-backed workers' calls are answered: `replay` from the scenario's cassette
        /// (a missing call is an error), `record` (calls the cassette lacks go to the endpoints
        /// and are added to it), `live` (every call to the endpoints, nothing recorded).
        #[arg(long, value_enum, default_value_t = Mode::Replay, value_name = "MODE")]
        llm: Mode,
        /// Also write report.html: the metrics, the time series as charts, the scenario and the
        /// manifest, in one page that opens offline.
        #[arg(long)]
        report: bool,
        /// Print every metric, not only those of the features the scenario uses.
        #[arg(long)]
        all: bool,
    },
    /// Sweep an experiment: every cell of its grid × its replicates, in parallel; write
    /// runs.parquet, summary.csv/.parquet, timings.csv, manifest.json and plots/.
    Sweep {
        /// The experiment file (TOML), e.g. `experiments/credit-vs-freeriders/experiment.toml`.
        experiment: PathBuf,
        /// Worker threads (default: the machine's cores).
        #[arg(long)]
        jobs: Option<usize>,
        /// Keep the runs already finished in the results folder; run only the others.
        #[arg(long)]
        resume: bool,
        /// Run only the I-th of N interleaved slices of the runs (0 ≤ I < N), e.g. `--shard
        /// $SLURM_ARRAY_TASK_ID/4`; join the slices with `lamas merge`.
        #[arg(long, value_name = "I/N")]
        shard: Option<String>,
        /// Parent of the results folder (default `results`; results go to `OUT/<id>`).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Sweep the experiment's smaller `[quick]` version (into `OUT/<id>/quick`).
        #[arg(long)]
        quick: bool,
        /// How model-backed workers' calls are answered: `replay` (the default), `record`,
        /// `live`, as for `lamas run`.
        #[arg(long, value_enum, default_value_t = Mode::Replay, value_name = "MODE")]
        llm: Mode,
        /// Also write report.html: the plots as interactive charts, the summary table, the
        /// sensitivity indices, failed runs and the manifest, in one page that opens offline.
        #[arg(long)]
        report: bool,
    },
    /// Join the results folders of the shards of one sweep into the tables of a single sweep.
    Merge {
        /// The shards' results folders (each written by `lamas sweep --shard`).
        #[arg(required = true)]
        dirs: Vec<PathBuf>,
        /// Parent of the merged results folder (default `results`).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Redraw the plots of a finished sweep.
    Plot {
        /// The sweep's results folder, e.g. `results/credit-vs-freeriders`.
        results: PathBuf,
        /// Take the plots from this experiment file (it must describe the same sweep).
        #[arg(long)]
        experiment: Option<PathBuf>,
    },
    /// Re-run canonical experiments into `results/`; `--check` compares with the committed
    /// summaries instead.
    Reproduce {
        /// Experiment ids (folders of `experiments/`).
        ids: Vec<String>,
        /// Every experiment.
        #[arg(long)]
        all: bool,
        /// Recompute into a temporary folder and compare each summary metric with the committed
        /// `results/<id>/summary.csv` within the experiment's tolerances.
        #[arg(long)]
        check: bool,
        /// The experiments' smaller `[quick]` versions (committed in `results/<id>/quick/`).
        #[arg(long)]
        quick: bool,
        /// Worker threads (default: the machine's cores).
        #[arg(long)]
        jobs: Option<usize>,
        /// The folder of experiments.
        #[arg(long, default_value = "experiments")]
        experiments: PathBuf,
        /// The folder of results.
        #[arg(long, default_value = "results")]
        results: PathBuf,
        /// Also write each experiment's report.html beside its results (not with --check).
        #[arg(long)]
        report: bool,
    },
    /// Write report.html for the results folder of a run or sweep: one page that opens offline,
    /// with the charts, tables and manifest.
    Report {
        /// The results folder, e.g. `runs/quickstart-s42` or `results/credit-vs-freeriders`.
        dir: PathBuf,
        /// A sweep's experiment file, when its folder has no runs/plan.json and its manifest's
        /// file cannot be found from here (it must describe the same sweep).
        #[arg(long)]
        experiment: Option<PathBuf>,
    },
    /// Check a scenario or experiment file and report every problem in it.
    Validate {
        /// The scenario or experiment file (TOML).
        file: PathBuf,
        /// Overrides to check along with a scenario file.
        #[arg(long = "set", value_name = "KEY=VALUE")]
        set: Vec<String>,
        /// The mode the scenario's model calls would run in: its cassette must exist and be
        /// valid to `replay` (the default), be valid if it exists to `record`.
        #[arg(long, value_enum, default_value_t = Mode::Replay, value_name = "MODE")]
        llm: Mode,
    },
    /// Print the JSON Schema of scenario or experiment files (for editors).
    Schema {
        /// Which files.
        #[arg(value_enum, default_value_t = SchemaKind::Scenario)]
        kind: SchemaKind,
    },
    /// Fit the simulated workers that behave like the scenario's model profiles: ask each
    /// profile a sample of the bank (replayed from the cassette, or live within a budget); write
    /// calibration.csv (parameters with 95% intervals, goodness of fit), fragment.toml (the
    /// calibrated groups) and manifest.json.
    Calibrate {
        /// The scenario file (TOML), with a [bank] and [[llm.profile]]s.
        scenario: PathBuf,
        /// Override a scenario key by its dotted path (repeatable).
        #[arg(long = "set", value_name = "KEY=VALUE")]
        set: Vec<String>,
        /// How the calls are answered: `replay` from the scenario's cassette (offline; a missing
        /// call is refused before anything runs), `record` (calls the cassette lacks go to the
        /// endpoints and are added to it), `live` (every call to the endpoints).
        #[arg(long, value_enum, default_value_t = Mode::Replay, value_name = "MODE")]
        llm: Mode,
        /// Items sampled from the bank.
        #[arg(long, default_value_t = 100)]
        items: usize,
        /// Workers asking each item per profile (two are needed for ρ and the correlation).
        #[arg(long, default_value_t = 2)]
        replicas: u32,
        /// Most calls sent to the endpoints when recording or live; a calibration that needs
        /// more is refused before any call.
        #[arg(long, default_value_t = 1000)]
        budget: u64,
        /// A profile to calibrate (repeatable; default: every profile).
        #[arg(long = "profile", value_name = "NAME")]
        profiles: Vec<String>,
        /// Seed of the sample of items (default: the scenario's `seed`).
        #[arg(long)]
        seed: Option<u64>,
        /// Output folder (default: `runs/<scenario name>-calibration`).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Also fit latent item effects the profiles share (a common one and one per model, with
        /// the models' loadings), so that the calibrated groups err on the same items as the
        /// profiles did.
        #[arg(long)]
        latent: bool,
    },
    /// Allocations of a cooperative game (a TOML or JSON game file) by each credit mechanism.
    Credit {
        /// The game file: `kind` = `table`, `weighted_voting`, `airport` or `bankruptcy`.
        game: PathBuf,
        /// A mechanism to compute (repeatable; default: every one that applies to the game).
        #[arg(long = "mechanism", value_name = "M")]
        mechanisms: Vec<String>,
        /// Permutations sampled by `shapley_mc`.
        #[arg(long, default_value_t = 1000)]
        samples: u32,
        /// Seed of the sampling mechanisms.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Most steps a mechanism may take (e.g. `1e12`); one estimated to need more is refused
        /// before it starts. A step is about 1 ns on one core.
        #[arg(long, value_name = "STEPS", default_value_t = crate::credit_cmd::DEFAULT_MAX_WORK, value_parser = parse_steps)]
        max_work: f64,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
}

/// A positive number of steps, e.g. `1e12` or `5000000000`.
fn parse_steps(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(x) if x.is_finite() && x >= 1.0 => Ok(x),
        _ => Err(format!(
            "expected a number of steps of at least 1, such as 1e12, found `{text}`"
        )),
    }
}

/// The files `lamas schema` describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SchemaKind {
    /// Scenario files.
    Scenario,
    /// Experiment files.
    Experiment,
}

/// Entry point of the binary.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    if let Some(bytes) = cli.max_memory {
        scenario::cost::set_budget(bytes);
    }
    crate::progress::set_mode(cli.progress);
    let json = cli.error_format == crate::machine::ErrorFormat::Json;
    match execute(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Input(d)) if json => {
            eprintln!("{}", crate::machine::input_error(d.as_ref()));
            ExitCode::from(2)
        }
        Err(Failure::Input(d)) => {
            eprint!("{}", render(d.as_ref()));
            ExitCode::from(2)
        }
        Err(Failure::Run(msg)) if json => {
            eprintln!("{}", crate::machine::run_error(&msg));
            ExitCode::from(1)
        }
        Err(Failure::Run(msg)) => {
            eprintln!("error: {msg}");
            ExitCode::from(1)
        }
    }
}

/// Runs one command.
pub fn execute(command: Command) -> Result<(), Failure> {
    match command {
        Command::Schema { kind } => {
            let schema = match kind {
                SchemaKind::Scenario => scenario::json_schema(),
                SchemaKind::Experiment => crate::experiment::json_schema(),
            };
            println!(
                "{}",
                serde_json::to_string_pretty(&schema).unwrap_or_default()
            );
            Ok(())
        }
        Command::Validate { file, set, llm } => crate::validate_cmd::validate(&file, &set, llm),
        Command::Credit {
            game,
            mechanisms,
            samples,
            seed,
            max_work,
            format,
        } => crate::credit_cmd::run(&game, &mechanisms, samples, seed, max_work, format),
        Command::Sweep {
            experiment,
            jobs,
            resume,
            shard,
            out,
            quick,
            llm,
            report,
        } => crate::experiment_cmd::sweep(crate::experiment_cmd::SweepArgs {
            file: &experiment,
            jobs,
            resume,
            shard: shard.as_deref(),
            out,
            quick,
            mode: llm,
            report,
        }),
        Command::Report { dir, experiment } => {
            let path = crate::experiment_cmd::write_report(&dir, experiment.as_deref())?;
            println!("wrote {}", path.display());
            Ok(())
        }
        Command::Merge { dirs, out } => crate::experiment_cmd::merge(&dirs, out),
        Command::Plot {
            results,
            experiment,
        } => crate::experiment_cmd::plot(&results, experiment.as_deref()),
        Command::Reproduce {
            ids,
            all,
            check,
            quick,
            jobs,
            experiments,
            results,
            report,
        } => crate::experiment_cmd::reproduce(
            &crate::experiment_cmd::Reproduce {
                ids: &ids,
                all,
                check,
                quick,
                jobs,
                report,
            },
            &experiments,
            &results,
        ),
        Command::Run {
            scenario: file,
            set,
            seed,
            out,
            llm,
            report,
            all,
        } => crate::run_cmd::run(
            &file,
            &set,
            seed,
            out,
            llm,
            crate::run_cmd::Shown { report, all },
        ),
        Command::Calibrate {
            scenario,
            set,
            llm,
            items,
            replicas,
            budget,
            profiles,
            seed,
            out,
            latent,
        } => crate::calibrate_cmd::calibrate(&crate::calibrate_cmd::Args {
            file: scenario,
            set,
            mode: llm,
            items,
            replicas,
            budget,
            profiles,
            seed,
            out,
            latent,
        }),
    }
}
