//! `lamas calibrate SCENARIO`: the simulated workers that behave like the scenario's model
//! profiles, fitted with intervals.
//!
//! It asks each profile (all, or those named by `--profile`) a sample of the scenario's bank
//! ([`crate::calibrate::plan`]) and fits the answers ([`crate::calibrate::profile`]). The calls
//! are answered as a run's are (`--llm`): `replay` (the default) reads them from the scenario's
//! cassette, offline, and refuses before asking anything if one is missing; `record` and `live`
//! ask the endpoints, and refuse before spending anything if the calls the cassette lacks exceed
//! `--budget`. It writes `calibration.csv` (every parameter with its 95% interval and the
//! goodness of fit), `fragment.toml` (the calibrated groups) and `manifest.json` into the output
//! folder, atomically, and prints a summary. Answers that cannot be fitted (a source answered
//! all right or all wrong, no variation of difficulty) are bad input: the message says why and
//! asks for more items; the calls already recorded stay in the cassette.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use crate::calibrate::fit::Estimate;
use crate::calibrate::plan::Plan;
use crate::calibrate::profile::{Answer, ProfileFit, answers};
use crate::calibrate::{fragment, table, together};
use crate::command::{Failure, Message};
use crate::llm::{Cassette, LlmSetup, Mode, Models, Reply};
use crate::manifest::{CalibrationManifest, LlmManifest};
use crate::progress::Progress;
use crate::scenario::{self, InputError, Scenario};
use crate::table::{json_bytes, prepare_dir, write_all};

/// What `lamas calibrate` was asked.
#[derive(Debug, Clone)]
pub struct Args {
    /// The scenario file.
    pub file: PathBuf,
    /// `--set` overrides.
    pub set: Vec<String>,
    /// How calls are answered.
    pub mode: Mode,
    /// Items sampled from the bank.
    pub items: usize,
    /// Workers asking each item per profile.
    pub replicas: u32,
    /// Most calls sent to the endpoints (record, live).
    pub budget: u64,
    /// The profiles to calibrate (empty: all).
    pub profiles: Vec<String>,
    /// Seed of the sample (default: the scenario's).
    pub seed: Option<u64>,
    /// Output folder.
    pub out: Option<PathBuf>,
    /// Fit latent item effects shared across profiles (`--latent`).
    pub latent: bool,
}

fn flag(flag: &str, message: impl Into<String>) -> Failure {
    InputError::Flag {
        flag: flag.to_string(),
        message: message.into(),
    }
    .into()
}

/// Most calls a calibration plans (profiles × items × replicas), so that its requests fit in
/// memory.
pub const MAX_CALLS: usize = 1_000_000;

/// Runs `lamas calibrate`.
pub fn calibrate(a: &Args) -> Result<(), Failure> {
    let sc = scenario::load(&a.file, &a.set)?;
    let setup = requirements(&sc, &a.file)?;
    let profiles = chosen(setup, &a.profiles)?;
    check_shape(a, profiles.len())?;
    let seed = a.seed.unwrap_or(sc.seed);
    let bank = sc
        .bank
        .as_ref()
        .ok_or_else(|| flag("SCENARIO", "no [bank]"))?;
    let plan = Plan::new(
        bank,
        sc.tasks.answers,
        setup,
        &profiles,
        (a.items, a.replicas),
        seed,
    );
    let open = || {
        Models::open(setup, a.mode)
            .map_err(|e| crate::command::cassette_problem(e, &a.file, &a.set))
    };
    // Replaying loads the cassette once, for the check and the answers; recording checks the
    // budget before the cassette is opened (and created) for writing.
    let replaying = if a.mode == Mode::Replay {
        Some(open()?)
    } else {
        None
    };
    affordable(
        &plan,
        setup,
        a,
        seed,
        replaying.as_ref().and_then(|m| m.cassette()),
    )?;
    let models = match replaying {
        Some(m) => m,
        None => open()?,
    };
    let out = a
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("runs").join(format!("{}-calibration", sc.name)));
    let existed = out.exists();
    prepare_dir(&out).map_err(|e| Failure::Input(Box::new(Message(e.to_string()))))?;
    let started = Instant::now();
    let (fits, rows) = answer_and_fit(&sc, a, &plan, &models, seed).inspect_err(|_| {
        if !existed {
            let _ = std::fs::remove_dir(&out); // only if still empty
        }
    })?;
    let wall = started.elapsed().as_secs_f64();
    write(&sc, a, (&plan, &fits, &rows), (&models, seed, wall), &out)?;
    print_summary(&sc, a, &plan, &fits, &out, wall);
    Ok(())
}

/// Refuses item and replica counts out of range, and plans too large to hold.
fn check_shape(a: &Args, profiles: usize) -> Result<(), Failure> {
    if !(1..=100_000).contains(&a.items) {
        return Err(flag(
            "--items",
            format!("expected 1 to 100000 items, found {}", a.items),
        ));
    }
    if !(1..=16).contains(&a.replicas) {
        return Err(flag(
            "--replicas",
            format!("expected 1 to 16 replicas, found {}", a.replicas),
        ));
    }
    let calls = profiles * a.items * a.replicas as usize;
    if calls > MAX_CALLS {
        return Err(flag(
            "--items",
            format!(
                "{profiles} profile{} × {} items × {} replicas is {calls} calls, more than the {MAX_CALLS} a calibration holds; \
                 ask at most {} items",
                if profiles == 1 { "" } else { "s" },
                a.items,
                a.replicas,
                MAX_CALLS / (profiles * a.replicas as usize)
            ),
        ));
    }
    Ok(())
}

/// Answers the plan's calls (recording: then sorts the cassette) and fits every profile.
fn answer_and_fit(
    sc: &Scenario,
    a: &Args,
    plan: &Plan,
    models: &Arc<Models>,
    seed: u64,
) -> Result<Fitted, Failure> {
    let replies = ask(plan, models, &sc.name)
        .map_err(|e| Failure::Run(format!("{}: {e}", a.file.display())))?;
    if let Some(c) = models.cassette()
        && a.mode == Mode::Record
    {
        c.compact().map_err(|e| {
            Failure::Run(format!("sorting the cassette {}: {e}", c.path().display()))
        })?;
    }
    let setup = sc
        .llm
        .as_ref()
        .ok_or_else(|| flag("SCENARIO", "no [llm]"))?;
    fit_all(sc, plan, &replies, (setup, seed, a.latent))
}

/// The scenario's models, or why it cannot be calibrated.
fn requirements<'a>(sc: &'a Scenario, file: &Path) -> Result<&'a LlmSetup, Failure> {
    let problem = |key: &str, message: &str, help: &str| -> Failure {
        scenario::problem_in(
            file,
            &[],
            scenario::Problem::new(scenario::KeyPath::root().key(key), message.to_string())
                .help(help.to_string()),
        )
        .into()
    };
    if sc.bank.is_none() {
        return Err(problem(
            "bank",
            "calibration asks the profiles the bank's items, and the scenario has no [bank]",
            "add a [bank] with the item families the profiles should answer, e.g. families = [\"addition(2)\"]",
        ));
    }
    match &sc.llm {
        Some(setup) if !setup.profiles.is_empty() => Ok(setup),
        _ => Err(problem(
            "llm",
            "calibration needs model profiles, and the scenario has no [[llm.profile]]",
            "add an [llm] table with a cassette and at least one [[llm.profile]]",
        )),
    }
}

/// Indices of the profiles named (all when none is).
fn chosen(setup: &LlmSetup, names: &[String]) -> Result<Vec<usize>, Failure> {
    if names.is_empty() {
        return Ok((0..setup.profiles.len()).collect());
    }
    let known: Vec<&str> = setup.profiles.iter().map(|p| p.name.as_str()).collect();
    let mut out = Vec::new();
    for n in names {
        let Some(i) = known.iter().position(|k| k == n) else {
            let hint = crate::syntax::spec::suggest(n, known.iter().copied())
                .map(|s| format!("did you mean `{s}`? "))
                .unwrap_or_default();
            return Err(flag(
                &format!("--profile {n}"),
                format!(
                    "no profile `{n}` in the scenario; {hint}profiles: {}",
                    known.join(", ")
                ),
            ));
        };
        if !out.contains(&i) {
            out.push(i);
        }
    }
    Ok(out)
}

/// Refuses, before any call (and before a recording opens the cassette), a replay with calls
/// missing from the cassette and a recording or live calibration whose calls exceed the budget.
fn affordable(
    plan: &Plan,
    setup: &LlmSetup,
    a: &Args,
    seed: u64,
    loaded: Option<&Cassette>,
) -> Result<(), Failure> {
    let mut keys: Vec<String> = plan.calls.iter().map(|c| c.request.key()).collect();
    keys.sort_unstable();
    keys.dedup();
    let read;
    let cassette: Option<&Cassette> = match (a.mode, loaded) {
        (_, Some(c)) => Some(c),
        (Mode::Live, _) => None,
        (Mode::Record, _) if !setup.cassette.exists() => None,
        _ => {
            read = Cassette::replay(&setup.cassette)
                .map_err(|e| crate::command::cassette_problem(e, &a.file, &a.set))?;
            Some(&read)
        }
    };
    let new = keys
        .iter()
        .filter(|k| cassette.is_none_or(|c| c.get(k).is_none()))
        .count();
    let shape = format!(
        "{} profile{} × {} items × {} replicas = {} calls, {} distinct",
        plan.profiles.len(),
        if plan.profiles.len() == 1 { "" } else { "s" },
        plan.probes.len(),
        plan.replicas,
        plan.calls.len(),
        keys.len()
    );
    match a.mode {
        Mode::Replay if new > 0 => Err(Failure::Input(Box::new(Message(format!(
            "{}: {new} of the calibration's {} distinct calls are not in the cassette ({shape}); \
             record them with:\n  {} --llm record --budget {new}",
            a.file.display(),
            keys.len(),
            command(a, seed)
        ))))),
        Mode::Record | Mode::Live if new as u64 > a.budget => {
            let per_item = (keys.len() as f64 / plan.probes.len() as f64).max(1.0);
            let fits = ((a.budget as f64 / per_item).floor() as usize).max(1);
            Err(flag(
                "--budget",
                format!(
                    "the calibration needs {new} calls to the endpoints ({shape}), over the budget of {}; \
                     raise --budget to {new}, or ask fewer items (--items {fits} fits the budget)",
                    a.budget
                ),
            ))
        }
        _ => Ok(()),
    }
}

/// The command line that repeats this calibration (without `--llm`).
fn command(a: &Args, seed: u64) -> String {
    let mut cmd = format!(
        "lamas calibrate {} --items {} --replicas {} --seed {seed}",
        a.file.display(),
        a.items,
        a.replicas
    );
    for s in &a.set {
        cmd.push_str(&format!(" --set '{s}'"));
    }
    for p in &a.profiles {
        cmd.push_str(&format!(" --profile {p}"));
    }
    cmd
}

/// The replies to the plan's calls, aligned with them, asked 8 items at a time with progress.
fn ask(plan: &Plan, models: &Arc<Models>, name: &str) -> Result<Vec<Reply>, crate::llm::Stop> {
    let chunk = 8 * plan.replicas as usize;
    let progress = Progress::new(
        plan.calls.len() as u64,
        "calls",
        &format!("calibrate {name}"),
    );
    let mut replies = Vec::with_capacity(plan.calls.len());
    for calls in plan.calls.chunks(chunk) {
        replies.extend(models.answer(calls)?);
        for _ in calls {
            progress.inc();
        }
    }
    progress.finish();
    Ok(replies)
}

type Fitted = (Vec<ProfileFit>, Vec<table::Row>);

/// Every profile's fit, and the table's rows (profiles, then pairs of profiles).
fn fit_all(
    sc: &Scenario,
    plan: &Plan,
    replies: &[Reply],
    (setup, seed, latent): (&LlmSetup, u64, bool),
) -> Result<Fitted, Failure> {
    let k = sc.tasks.answers;
    let answered: Vec<Vec<Vec<Answer>>> = (0..plan.profiles.len())
        .map(|i| answers(plan, replies, i))
        .collect();
    let (fits, pairings) = together::fit_all(plan, &answered, &setup.profiles, (k, seed, latent))
        .map_err(|e| Failure::Input(Box::new(Message(e))))?;
    let mut rows: Vec<table::Row> = fits.iter().flat_map(table::profile_rows).collect();
    rows.extend(pairings.iter().flat_map(table::pairing_rows));
    Ok((fits, rows))
}

/// Writes the table, the fragment and the manifest, atomically.
fn write(
    sc: &Scenario,
    a: &Args,
    (plan, fits, rows): (&Plan, &[ProfileFit], &[table::Row]),
    (models, seed, wall): (&Models, u64, f64),
    out: &Path,
) -> Result<(), Failure> {
    let llm = LlmManifest::new(models);
    let header = format!(
        "Simulated workers calibrated on `{}` by lamas {} ({}):\n  {}\n\
         {} answers per profile, replayed or recorded from {} ({}). Intervals are 95%.\n\
         The fit assumes the scenario's [bank] and tasks.answers = {}.",
        sc.name,
        crate::manifest::VERSION,
        crate::manifest::GIT_REVISION,
        command(a, seed),
        plan.probes.len() * plan.replicas as usize,
        llm.cassette.as_deref().unwrap_or("the endpoints"),
        models.mode().name(),
        sc.tasks.answers
    );
    let manifest = CalibrationManifest::new(
        sc,
        &a.file.display().to_string(),
        &a.set,
        seed,
        (
            plan.probes.len(),
            plan.replicas,
            plan.calls.len(),
            plan.distinct(),
        ),
        fits.iter().map(|f| f.profile.clone()).collect(),
        wall,
        llm,
    );
    write_all(
        out,
        &[
            ("calibration.csv", table::csv(rows).into_bytes()),
            (
                "fragment.toml",
                fragment::fragment(sc, fits, &plan.profiles, &header).into_bytes(),
            ),
            ("manifest.json", json_bytes(&manifest)),
        ],
    )
    .map_err(|e| Failure::Run(e.to_string()))
}

fn show(e: &Estimate) -> String {
    if e.lo.is_finite() {
        format!("{:.3} [{:.3}, {:.3}]", e.value, e.lo, e.hi)
    } else if e.value.is_finite() {
        format!("{:.3}", e.value)
    } else {
        "-".into()
    }
}

fn print_summary(sc: &Scenario, a: &Args, plan: &Plan, fits: &[ProfileFit], out: &Path, wall: f64) {
    println!(
        "lamas calibrate: `{}`, {} profiles × {} items × {} replicas ({} calls, {} distinct), {}, {:.2} s",
        sc.name,
        fits.len(),
        plan.probes.len(),
        plan.replicas,
        plan.calls.len(),
        plan.distinct(),
        a.mode.name(),
        wall
    );
    for f in fits {
        let skills: Vec<String> = f
            .sources
            .iter()
            .zip(&f.skill)
            .map(|(d, s)| format!("domain {d} {}", show(s)))
            .collect();
        println!("\n{} ({} answers)", f.profile, f.answers);
        println!("  accuracy     {}", show(&f.accuracy));
        println!("  skill        {}", skills.join(", "));
        println!("  slope        {}", show(&f.slope));
        println!("  shared κ     {}", show(&f.shared));
        println!(
            "  lure ρ       {}  ({} pairs of wrong answers)",
            show(&f.lure),
            f.coincidence.1
        );
        println!(
            "  correlation  {}  (the calibrated worker predicts {:.3})",
            show(&f.correlation.0),
            f.correlation_predicted
        );
        println!(
            "  tokens       {} prompt, {} reply; latency {} ms",
            show(&f.prompt_tokens.mean),
            show(&f.completion_tokens.mean),
            show(&f.latency_ms.mean)
        );
    }
    println!(
        "\nwrote {}/{{calibration.csv, fragment.toml, manifest.json}}",
        out.display()
    );
}
