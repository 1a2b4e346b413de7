//! Faults against what can be computed by hand.

use lamas::sim;

use crate::support::{assert_proportion, metric, scenario};

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

/// Six honest agents of skill 1, one-subtask tasks, redundancy 1, `first` consensus.
const SURE: &str = r#"
seed = 9
[[population]]
name = "workers"
count = 6
skill = 1.0
[tasks]
arrival_rate = 1.0
subtasks = 1
deadline = 20
[assignment]
redundancy = 1
[consensus]
rule = "first"
"#;

#[test]
fn a_byzantine_takeover_turns_every_answer_wrong_from_its_tick() {
    // Skill 1 and full effort: every answer is right until tick 50, when every agent is taken
    // over and answers (truth + 1) mod K. Answers worked before tick 50 still arrive at 50.
    let text = format!(
        "ticks = 100\n{SURE}\n[[faults.event]]\ntick = 50\nkind = \"byzantine\"\ntarget = 1\n"
    );
    let out = sim::run(&scenario(&text), 9);
    let (done, ok) = (&out.series.tasks_completed, &out.series.tasks_succeeded);
    assert_eq!(done[..50], ok[..50]);
    assert!(done[..50].iter().sum::<u64>() > 30);
    assert!(done[52..].iter().sum::<u64>() > 30);
    assert_eq!(ok[52..].iter().sum::<u64>(), 0);
    assert_eq!(metric(&out, "share_final_byzantine"), 1.0);
    assert_eq!(metric(&out, "faults_fired"), 1.0);
}

#[test]
fn random_takeovers_reach_one_minus_survival_of_the_population() {
    // An agent not yet byzantine is taken over with probability b each tick: after t ticks a
    // share 1 - (1 - b)^t is byzantine (b = 0.01, t = 100: 0.634), binomial over 1000 agents.
    let text = r#"
ticks = 100
seed = 10
[[population]]
name = "workers"
count = 1000
[tasks]
arrival_rate = 0.1
[faults]
byzantine_probability = 0.01
"#;
    let out = sim::run(&scenario(text), 10);
    let p = 1.0 - 0.99f64.powi(100);
    assert_proportion(
        "byzantine share",
        metric(&out, "share_final_byzantine") * 1000.0,
        1000.0,
        p,
        4.5,
    );
    assert_eq!(
        metric(&out, "faults_fired"),
        metric(&out, "share_final_byzantine") * 1000.0
    );
}

#[test]
fn a_loss_burst_multiplies_the_delivery_probabilities() {
    // A burst of loss q on every link, with base loss p and no retries: each transmission gets
    // through with probability (1 - p)(1 - q). A task of one subtask succeeds when its
    // assignment and its answer both do: ((1 - p)(1 - q))² = (0.8 · 0.5)² = 0.16.
    let text = format!(
        "ticks = 3000\n{SURE}\n[messages]\nloss = 0.2\nretries = 0\n\
         [[faults.event]]\ntick = 0\nkind = \"loss_burst\"\nloss = 0.5\nduration = 5000\n"
    );
    let out = sim::run(&scenario(&text), 9);
    let done = metric(&out, "tasks_completed");
    let ok = metric(&out, "task_success_rate") * done;
    assert_proportion("tasks through a burst", ok, done, 0.16, 4.5);
}

#[test]
fn a_total_loss_burst_stops_every_answer_sent_during_it() {
    // Loss 1 from tick 20 for 10 ticks, no retries: every message sent in ticks 20..30 is lost,
    // so no task succeeds between the last answer sent before the burst (arriving at tick 20)
    // and the first sent after it (sent at 30 at the earliest, arriving at 31).
    let text = format!(
        "ticks = 60\n{SURE}\n[messages]\nretries = 0\n\
         [[faults.event]]\ntick = 20\nkind = \"loss_burst\"\nloss = 1.0\nduration = 10\n"
    );
    let out = sim::run(&scenario(&text), 9);
    let ok = &out.series.tasks_succeeded;
    assert!(ok[..21].iter().sum::<u64>() > 10);
    assert_eq!(ok[21..31].iter().sum::<u64>(), 0);
    assert!(ok[31..].iter().sum::<u64>() > 10);
}

#[test]
fn random_delays_add_their_mean_to_every_hop() {
    // A star task of one subtask under `first` crosses two links (assignment, answer), each of
    // latency 1 and delayed by L = 5 more ticks with probability q = 0.3: mean latency
    // 2 (1 + qL) = 5, with a standard deviation of L·sqrt(2q(1 - q)) ≈ 3.2 per task.
    let text =
        format!("ticks = 2000\n{SURE}\n[faults]\ndelay_probability = 0.3\nextra_latency = 5\n");
    let out = sim::run(&scenario(&text), 9);
    let n = metric(&out, "tasks_completed");
    let latency = metric(&out, "mean_latency_ticks");
    assert!((latency - 5.0).abs() < 4.5 * 3.24 / n.sqrt(), "{latency}");
}

#[test]
fn heterogeneous_links_lose_by_their_own_drawn_loss() {
    // Each agent's link draws an extra loss ℓ ~ uniform(0, 0.4) once. A one-subtask task given
    // to a uniformly random agent, without retries, succeeds when its assignment and its answer
    // both get through: E[(1 - ℓ)²] = ∫₀^0.4 (1 - x)² dx / 0.4 = (1 - 0.6³) / 1.2 = 0.6533.
    // 400 agents (the sample mean of (1 - ℓ)² has a standard error near 0.009) and about 3000
    // tasks (binomial standard error near 0.009): within 0.05.
    let text = r#"
ticks = 1000
seed = 12
[[population]]
name = "workers"
count = 400
skill = 1.0
[tasks]
arrival_rate = 3.0
subtasks = 1
deadline = 20
[assignment]
policy = "random"
[consensus]
rule = "first"
[messages]
retries = 0
[faults]
link_loss = "uniform(0, 0.4)"
"#;
    let out = sim::run(&scenario(text), 12);
    let rate = metric(&out, "task_success_rate");
    assert!((rate - 0.784 / 1.2).abs() < 0.05, "{rate}");
}
