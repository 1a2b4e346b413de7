//! Faults against what can be computed by hand.

use lamas::sim;

use crate::support::scenario;

#[test]
fn scheduled_events_fire_exactly_at_their_tick_and_are_recorded_once() {
    // Ten agents; at tick 10 half of them crash, at 20 everybody recovers, at 30 group `b` (ids
    // 6..10) crashes, at 40 agents 6 and 7 recover. Events fire at the start of their tick, so
    // the tick's row (written at its end) already shows them, and each counts once.
    let text = r#"
ticks = 50
seed = 2
[[population]]
name = "a"
count = 6
[[population]]
name = "b"
count = 4
[faults]
event = [
  { tick = 10, kind = "crash", target = 0.5 },
  { tick = 20, kind = "recover", target = 1 },
  { tick = 40, kind = "recover", target = [6, 7] },
  { tick = 30, kind = "crash", target = "b" },
]
"#;
    let out = sim::run(&scenario(text), 2);
    let up = &out.series.agents_up;
    let expect = |t: usize| match t {
        0..=9 | 20..=29 => 10,
        10..=19 => 5,
        30..=39 => 6,
        _ => 8,
    };
    for (t, &u) in up.iter().enumerate() {
        assert_eq!(u, expect(t), "agents up at tick {t}");
    }
    let fired: Vec<usize> = (0..50).filter(|&t| out.series.faults[t] > 0).collect();
    assert_eq!(fired, vec![10, 20, 30, 40]);
    assert!(out.series.faults.iter().all(|&f| f <= 1));
    assert_eq!(out.metrics.get("faults_fired"), Some(4.0));
}

#[test]
fn random_crashes_and_repairs_keep_the_stationary_share_up() {
    // Each tick an up agent crashes with probability c and a down agent is repaired with
    // probability 1/M: a two-state Markov chain whose stationary probability of being up is
    // (1/M) / (c + 1/M) = 1 / (1 + c M). With c = 0.02 and M = 10 that is 5/6 of 60 agents.
    // The chain mixes in about 1 / (c + 1/M) = 8 ticks, so 350 ticks × 60 agents give some 2,600
    // nearly independent observations: the mean share is within 0.03 of 5/6.
    let text = r#"
ticks = 400
seed = 3
[[population]]
name = "workers"
count = 60
capacity = 4
[faults]
crash_probability = 0.02
mean_repair_ticks = 10
"#;
    let out = sim::run(&scenario(text), 3);
    let after: Vec<f64> = out.series.agents_up[50..]
        .iter()
        .map(|&u| f64::from(u) / 60.0)
        .collect();
    let share = after.iter().sum::<f64>() / after.len() as f64;
    assert!((share - 5.0 / 6.0).abs() < 0.03, "share up {share}");
    // Crashes: c per up agent-tick.
    let up_ticks: f64 = out.series.agents_up.iter().map(|&u| f64::from(u)).sum();
    let crashes = out.metrics.get("faults_fired").unwrap_or(0.0);
    assert!(
        (crashes / up_ticks - 0.02).abs() < 0.003,
        "{crashes} crashes in {up_ticks}"
    );
}
