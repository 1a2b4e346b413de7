//! The yardstick agrees with lamas: the plain Rust loop of `benches/yardstick/handloop.rs`
//! (the same rules, written without an ECS) and lamas, on the yardstick's own scenario
//! (`benches/yardstick/team.toml`), give the same statistics over seeds. Their random streams
//! differ (ChaCha8 keyed by SHA-256 in lamas, by FNV in the loop), so the runs agree in
//! distribution, not draw for draw: each statistic's mean over seeds must be within four
//! standard errors, which a loop that dropped or changed a rule (a cost, a learning step, a
//! message) would miss by far.

use lamas::scenario;
use lamas::sim;

use crate::support::{metric, root};

/// The plain loop itself, compiled into this test (its binary is the crate's example).
#[allow(dead_code)]
#[path = "../../benches/yardstick/handloop.rs"]
mod handloop;

const AGENTS: usize = 200;
const TICKS: u32 = 300;
const SEEDS: u64 = 32;
const STATS: [&str; 6] = [
    "task_success_rate",
    "tasks_completed",
    "messages_per_task",
    "subtask_accuracy",
    "mean_latency_ticks",
    "payoff_mean_honest",
];

/// The loop's statistics for one seed, from its own `run` (the same function its binary calls).
fn loop_run(seed: u64) -> Vec<f64> {
    let (_, metrics) = handloop::run(AGENTS, TICKS, seed);
    STATS
        .iter()
        .map(|s| {
            metrics
                .iter()
                .find(|(name, _)| name == s)
                .map(|&(_, v)| v)
                .unwrap_or_else(|| panic!("the loop reports no {s}"))
        })
        .collect()
}

/// lamas's statistics for one seed, on the yardstick's scenario with the same team.
fn lamas_run(seed: u64) -> Vec<f64> {
    let path = root().join("benches/yardstick/team.toml");
    let sets = [
        format!("population[0].count={AGENTS}"),
        format!("tasks.arrival_rate={}", AGENTS as f64 / 20.0),
        format!("ticks={TICKS}"),
    ];
    let sc = scenario::load(&path, &sets).unwrap_or_else(|e| panic!("{e}"));
    let out = sim::run(&sc, seed);
    STATS.iter().map(|s| metric(&out, s)).collect()
}

fn mean_sd(xs: &[f64]) -> (f64, f64) {
    let n = xs.len() as f64;
    let m = xs.iter().sum::<f64>() / n;
    let v = xs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1.0);
    (m, v.sqrt())
}

#[test]
fn the_plain_loop_gives_lamas_statistics() {
    let lamas: Vec<Vec<f64>> = (1..=SEEDS).map(lamas_run).collect();
    let hand: Vec<Vec<f64>> = (1..=SEEDS).map(loop_run).collect();
    for (i, stat) in STATS.iter().enumerate() {
        let (lm, ls) = mean_sd(&lamas.iter().map(|r| r[i]).collect::<Vec<_>>());
        let (hm, hs) = mean_sd(&hand.iter().map(|r| r[i]).collect::<Vec<_>>());
        let se = ((ls * ls + hs * hs) / SEEDS as f64).sqrt();
        let z = if se > 0.0 { (hm - lm) / se } else { 0.0 };
        assert!(
            (hm - lm).abs() <= 4.0 * se && (se > 0.0 || hm == lm),
            "{stat}: lamas {lm} ± {ls}, loop {hm} ± {hs} (z = {z:.1})"
        );
    }
}
