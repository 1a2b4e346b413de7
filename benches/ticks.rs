//! Ticks per second of a star team of 1,000, 10,000 and 100,000 agents, memory per agent, and the cost
//! of each topology's message pattern for a team of 1,000.
//!
//! The team works at steady state: `N / 20` tasks arrive per tick, each of 3 subtasks with one
//! worker, so about 15% of the agents are given a subtask every tick and every agent pays its
//! participation cost, learns or decays, and is recorded. Criterion reports time per tick and
//! throughput in agent-steps (agents x ticks) per second. Memory per agent is the heap held by a
//! freshly built world, counted by a global allocator, divided by N (printed, not timed).

#![allow(unsafe_code)] // the counting allocator below

use std::alloc::{GlobalAlloc, Layout, System};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use lamas::scenario;
use lamas::sim::Simulation;

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards to the system allocator and only counts bytes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        LIVE.fetch_add(l.size(), Ordering::Relaxed);
        unsafe { System.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        LIVE.fetch_sub(l.size(), Ordering::Relaxed);
        unsafe { System.dealloc(p, l) }
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

fn team(n: u32) -> scenario::Scenario {
    team_in(n, "star")
}

fn team_in(n: u32, topology: &str) -> scenario::Scenario {
    let text = format!(
        r#"
ticks = 1000000
[[population]]
name = "workers"
count = {n}
strategy = "honest"
skill = "uniform(0.5, 1.0)"
participation_cost = 0.01
[tasks]
arrival_rate = {rate}
subtasks = 3
domains = 4
deadline = 10
[topology]
kind = "{topology}"
[assignment]
policy = "best_skill"
redundancy = 1
[experience]
learning_rate = 0.01
skill_decay = 0.01
"#,
        rate = f64::from(n) / 20.0
    );
    scenario::from_str(&text, Path::new("bench.toml"), &[]).expect("valid bench scenario")
}

fn star_team(c: &mut Criterion) {
    let mut g = c.benchmark_group("star_team_tick");
    g.sample_size(10);
    for n in [1_000u32, 10_000, 100_000] {
        let sc = team(n);
        let before = LIVE.load(Ordering::Relaxed);
        let mut sim = Simulation::new(&sc, 1);
        let bytes = LIVE.load(Ordering::Relaxed) - before;
        eprintln!(
            "star team of {n}: {:.0} bytes per agent in a new world",
            bytes as f64 / f64::from(n)
        );
        for _ in 0..20 {
            sim.step(); // reach steady state before measuring
        }
        g.throughput(Throughput::Elements(u64::from(n)));
        g.bench_with_input(BenchmarkId::from_parameter(n), &n, |b, _| {
            b.iter(|| sim.step())
        });
    }
    g.finish();
}

/// The same team of 1,000 in each topology: the hierarchy relays over 5 levels of 4, the
/// decentralized team announces every subtask to 8 peers who bid.
fn topologies(c: &mut Criterion) {
    let mut g = c.benchmark_group("topology_tick");
    g.sample_size(10);
    for topology in ["star", "hierarchical(4)", "decentralized(8)"] {
        let mut sim = Simulation::new(&team_in(1_000, topology), 1);
        for _ in 0..20 {
            sim.step();
        }
        g.throughput(Throughput::Elements(1_000));
        g.bench_function(topology, |b| b.iter(|| sim.step()));
    }
    g.finish();
}

criterion_group!(benches, star_team, topologies);
criterion_main!(benches);
