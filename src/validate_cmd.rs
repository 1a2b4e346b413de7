//! `lamas validate`: checks a scenario or an experiment file — everything a run or a sweep of it
//! would check before starting, the memory budget and the cassette included — and says what it
//! describes, writing nothing.

use std::path::Path;

use crate::command::{Failure, Message};
use crate::llm::Mode;
use crate::run_cmd::{check_cassette, check_experiment_cassette, check_memory};
use crate::scenario;

/// Validates `file`: an experiment (with no `--set`), or a scenario with the overrides `set`;
/// the cassette as `llm` would use it.
pub fn validate(file: &Path, set: &[String], llm: Mode) -> Result<(), Failure> {
    if crate::experiment::is_experiment(file) {
        experiment_file(file, set, llm)
    } else {
        scenario_file(file, set, llm)
    }
}

fn experiment_file(file: &Path, set: &[String], llm: Mode) -> Result<(), Failure> {
    if !set.is_empty() {
        return Err(Failure::Input(Box::new(Message(
            "--set applies to scenario files; an experiment sets keys with `set`".into(),
        ))));
    }
    let exp = crate::experiment::load(file, false)?;
    let quick = crate::experiment::load(file, true)?;
    crate::experiment_cmd::check_memory(&exp, file, 1)?;
    for sc in &exp.scenarios {
        check_experiment_cassette(sc, file, llm)?;
    }
    let p = &exp.plan;
    println!(
        "{}: valid experiment `{}` ({} cells × {} replicates = {} runs; quick: {} runs; \
         {} metrics, {} plots)",
        file.display(),
        p.id,
        p.cells.len(),
        p.replicates,
        p.cells.len() * p.replicates as usize,
        quick.plan.cells.len() * quick.plan.replicates as usize,
        p.metrics.len(),
        p.plots.len()
    );
    Ok(())
}

fn scenario_file(file: &Path, set: &[String], llm: Mode) -> Result<(), Failure> {
    let sc = scenario::load(file, set)?;
    check_memory(&sc, file, set)?;
    check_cassette(&sc, file, set, llm)?;
    println!(
        "{}: valid scenario `{}` ({} agents in {} group{}, {} ticks)",
        file.display(),
        sc.name,
        sc.population(),
        sc.groups.len(),
        if sc.groups.len() == 1 { "" } else { "s" },
        sc.ticks
    );
    Ok(())
}
