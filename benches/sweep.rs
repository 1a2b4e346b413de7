//! The sweep runner: parallel efficiency and per-run overhead.
//!
//! - `sweep64/jobs1` and `sweep64/jobs2`: a sweep of 64 runs of the quick-start team for 300 ticks
//!   (the `credit-vs-freeriders` experiment's runs, about 8 ms each) on 1 and 2 worker threads,
//!   from planning to the tables and manifest; their ratio is the parallel speed-up.
//! - `sweep64/direct`: the same 64 simulations called one after another, with no runner at all.
//! - `overhead64/jobs1`: a sweep of 64 one-tick runs of the tiny scenario, whose simulations cost
//!   almost nothing: the runner's cost per run (the record written, synced and renamed, the
//!   progress, the share of the tables, manifest and plan) is this time divided by 64.

use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use lamas::experiment::{self, Experiment, Shard};
use lamas::sweep::{self, Options};

fn load(file: &str) -> Experiment {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(file);
    match experiment::load(&path, false) {
        Ok(e) => e,
        Err(e) => panic!("{}", lamas::command::render(&e)),
    }
}

fn sweep_once(exp: &Experiment, jobs: usize) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let opts = Options {
        jobs,
        resume: false,
        shard: Shard::ALL,
        dir: dir.path().join(&exp.plan.id),
        quiet: true,
        models: Vec::new(),
    };
    let outcome = sweep::sweep(exp, &opts).expect("the sweep runs");
    assert!(outcome.failed.is_empty());
}

fn sweeps(c: &mut Criterion) {
    let exp = load("benches/data/sweep64.toml");
    assert_eq!(exp.plan.cells.len() * exp.plan.replicates as usize, 64);
    let mut g = c.benchmark_group("sweep64");
    g.sample_size(10);
    g.bench_function("jobs1", |b| b.iter(|| sweep_once(&exp, 1)));
    g.bench_function("jobs2", |b| b.iter(|| sweep_once(&exp, 2)));
    g.bench_function("direct", |b| {
        b.iter(|| {
            for run in experiment::grid::runs(exp.plan.cells.len(), exp.plan.replicates, Shard::ALL)
            {
                let sc = &exp.scenarios[run.cell as usize];
                std::hint::black_box(lamas::sim::run(sc, exp.plan.seed_of(run)));
            }
        })
    });
    g.finish();

    let tiny = load("benches/data/overhead64.toml");
    let mut g = c.benchmark_group("overhead64");
    g.sample_size(10);
    g.bench_function("jobs1", |b| b.iter(|| sweep_once(&tiny, 1)));
    g.finish();
}

criterion_group!(benches, sweeps);
criterion_main!(benches);
