//! Topologies: their message patterns and latencies counted exactly, and what a crashed
//! orchestrator or a partition does to each.

use lamas::sim::{self, Simulation, resources::Params};

use crate::support::{metric, scenario};

/// 16 honest agents of skill 1 with room for many subtasks, one-subtask tasks, redundancy 2,
/// `majority` (which waits for both answers), lossless links of latency 1.
fn team(topology: &str) -> String {
    format!(
        r#"
ticks = 100
seed = 4
[[population]]
name = "workers"
count = 16
skill = 1.0
capacity = 100
[tasks]
arrival_rate = 0.5
subtasks = 1
deadline = 30
[topology]
kind = "{topology}"
[assignment]
redundancy = 2
[consensus]
rule = "majority"
[messages]
latency = 1
loss = 0.0
"#
    )
}

#[test]
fn each_topology_sends_the_messages_of_its_pattern_and_takes_its_hops() {
    // Per subtask with r = 2 workers and no loss:
    // - star: r assignments + r answers = 2r = 4 messages; one link each way: latency 2;
    // - hierarchical(b) over n = 16 workers: d = ⌈log_b 16⌉ levels, every message crosses d
    //   links: 2rd messages and latency 2d (d = 2 for b = 4, d = 4 for b = 2);
    // - decentralized(f): f announcements + f bids (every reached peer is up with room) + r
    //   awards + r answers to r recipients each = 2f + r + r² (f = 6: 18); an assignment crosses
    //   three links (announcement, bid, award) and an answer one: latency 4.
    // Arrivals stop after 100 ticks and the run goes on until every task is done, so messages
    // per arrived task are exact.
    for (topology, messages, latency) in [
        ("star", 4.0, 2.0),
        ("hierarchical(4)", 8.0, 4.0),
        ("hierarchical(2)", 16.0, 8.0),
        ("decentralized(6)", 18.0, 4.0),
    ] {
        let sc = scenario(&team(topology));
        let mut sim = Simulation::new(&sc, 4);
        for _ in 0..100 {
            sim.step();
        }
        sim.world.resource_mut::<Params>().0.tasks.arrival_rate = 0.0;
        for _ in 0..10 {
            sim.step();
        }
        let out = sim.finish();
        let arrived = metric(&out, "tasks_arrived");
        assert!(arrived > 30.0);
        assert_eq!(metric(&out, "tasks_completed"), arrived, "{topology}");
        assert_eq!(metric(&out, "task_success_rate"), 1.0, "{topology}");
        assert_eq!(metric(&out, "messages_per_task"), messages, "{topology}");
        assert_eq!(metric(&out, "mean_latency_ticks"), latency, "{topology}");
    }
}

/// 12 honest agents of skill 1, a task per tick on average, an orchestrator crash at tick 40
/// with failover after 15 ticks.
fn crash_at_40(topology: &str) -> String {
    format!(
        r#"
ticks = 100
seed = 6
[[population]]
name = "workers"
count = 12
skill = 1.0
capacity = 2
[tasks]
arrival_rate = 1.0
subtasks = 2
deadline = 10
[topology]
kind = "{topology}"
failover_ticks = 15
[assignment]
redundancy = 1
[[faults.event]]
tick = 40
kind = "orchestrator_crash"
"#
    )
}

#[test]
fn an_orchestrator_crash_halts_a_star_until_failover_but_not_a_decentralized_team() {
    // The root is down from the start of tick 40 to the start of tick 55 (failover 15): nothing
    // is assigned, answers reaching it are lost, nothing is resolved, so no task completes in
    // ticks 40..55. Then the new orchestrator resolves what is past its deadline and work
    // resumes. A decentralized team has no orchestrator: it completes tasks throughout.
    let star = sim::run(&scenario(&crash_at_40("star")), 6);
    let done = &star.series.tasks_completed;
    assert!(done[..40].iter().sum::<u64>() > 20);
    assert_eq!(
        done[40..55].iter().sum::<u64>(),
        0,
        "star completes nothing while down"
    );
    assert!(
        done[56..70].iter().sum::<u64>() > 5,
        "star resumes after failover"
    );
    assert!(star.series.tasks_succeeded[60..].iter().sum::<u64>() > 20);
    assert_eq!(metric(&star, "orchestrator_down_ticks"), 15.0);
    assert_eq!(metric(&star, "failovers"), 1.0);
    assert_eq!(metric(&star, "faults_fired"), 1.0);
    assert!(star.series.agents_reachable[40..55].iter().all(|&r| r == 0));
    assert!(star.series.agents_reachable[55..].iter().all(|&r| r == 12));

    let peers = sim::run(&scenario(&crash_at_40("decentralized(6)")), 6);
    let done = &peers.series.tasks_completed;
    let during = done[40..55].iter().sum::<u64>();
    let before = done[25..40].iter().sum::<u64>();
    assert!(during >= 10 && during * 2 >= before, "{during} vs {before}");
    assert_eq!(
        peers.series.tasks_succeeded[40..55].iter().sum::<u64>(),
        during
    );
    assert_eq!(metric(&peers, "orchestrator_down_ticks"), 0.0);
    assert_eq!(metric(&peers, "faults_fired"), 1.0);
    assert!(peers.series.agents_reachable.iter().all(|&r| r == 12));
}

#[test]
fn a_crashed_tree_cuts_off_every_worker_until_failover() {
    // hierarchical(4) over 16 workers: 4 sub-orchestrators under the root, 5 coordinators in
    // all; `target = 1` crashes every one of them at tick 10 for 5 ticks.
    let text = format!(
        "{}\n[[faults.event]]\ntick = 10\nkind = \"orchestrator_crash\"\ntarget = 1\n",
        team("hierarchical(4)")
    )
    .replace(
        "kind = \"hierarchical(4)\"",
        "kind = \"hierarchical(4)\"\nfailover_ticks = 5",
    );
    let out = sim::run(&scenario(&text), 1);
    let reach = &out.series.agents_reachable;
    for (t, &r) in reach.iter().enumerate() {
        assert_eq!(r, if (10..15).contains(&t) { 0 } else { 16 }, "tick {t}");
    }
    assert_eq!(metric(&out, "failovers"), 5.0);
}

#[test]
fn random_coordinator_crashes_leave_each_worker_reachable_with_the_product_of_its_path() {
    // Each up coordinator crashes with probability c per tick and is replaced F ticks later: up
    // spells last (1 - c)/c ticks on average and down spells F, so each is down a share
    // π = cF / (cF + 1 - c) of the ticks (c = 0.02, F = 10: π = 0.1695). In hierarchical(4)
    // over 16 workers a worker is reachable when its sub-orchestrator and the root are both up,
    // independently: availability (1 - π)² = 0.6898. About 850 crash cycles of the root: the
    // share it is down has a standard error near 0.005.
    let text = r#"
ticks = 50000
seed = 8
[[population]]
name = "workers"
count = 16
[tasks]
arrival_rate = 0.05
[topology]
kind = "hierarchical(4)"
failover_ticks = 10
[faults]
orchestrator_crash_probability = 0.02
"#;
    let out = sim::run(&scenario(text), 8);
    let pi = 0.2 / (0.2 + 0.98);
    let down = metric(&out, "orchestrator_down_ticks") / 50000.0;
    assert!((down - pi).abs() < 0.02, "root down {down} vs {pi}");
    let availability = metric(&out, "availability");
    assert!(
        (availability - (1.0 - pi) * (1.0 - pi)).abs() < 0.02,
        "availability {availability}"
    );
    // Every crash is followed by exactly one failover (but for those still pending at the end).
    let crashes = metric(&out, "faults_fired");
    let failovers = metric(&out, "failovers");
    assert!(crashes - failovers >= 0.0 && crashes - failovers <= 5.0);
}

#[test]
fn a_partition_halves_the_available_workers_until_heal() {
    // 20 workers; at tick 10 half of them are cut off, at 30 everyone is healed. The cut-off
    // agents stay up but cannot be reached: agents_reachable is 20, then 10, then 20 again.
    // The team is saturated (20 one-subtask tasks a tick, a backlog that never expires; a worker
    // of capacity 1 takes a subtask every other tick: assigned at t, worked and released at
    // t + 1, free again at t + 2), so over windows of an even number of ticks the tasks
    // succeeding per tick fall from 10 to 5 while the partition lasts.
    let text = r#"
ticks = 50
seed = 5
[[population]]
name = "workers"
count = 20
skill = 1.0
[tasks]
arrival_rate = 20
subtasks = 1
deadline = 100
[assignment]
redundancy = 1
[consensus]
rule = "first"
[faults]
event = [
  { tick = 10, kind = "partition", target = 0.5 },
  { tick = 30, kind = "heal" },
]
"#;
    let out = sim::run(&scenario(text), 5);
    for (t, (&r, &u)) in out
        .series
        .agents_reachable
        .iter()
        .zip(&out.series.agents_up)
        .enumerate()
    {
        assert_eq!(u, 20, "tick {t}: partitioned agents stay up");
        assert_eq!(r, if (10..30).contains(&t) { 10 } else { 20 }, "tick {t}");
    }
    let ok = &out.series.tasks_succeeded;
    let rate = |a: usize, b: usize| ok[a..b].iter().sum::<u64>() as f64 / (b - a) as f64;
    assert_eq!(rate(2, 10), 10.0, "before");
    assert_eq!(rate(12, 30), 5.0, "during");
    assert_eq!(rate(32, 50), 10.0, "after");
    assert_eq!(metric(&out, "faults_fired"), 2.0);
}
