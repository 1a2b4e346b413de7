//! Institutions against what they must do by construction: each task is worked and credited in
//! the institution it went to, at that institution's fee; tasks go to institutions in proportion
//! to their members; the logit choice moves agents as often as its probabilities say (uniformly
//! at β = 0, less with inertia), and everyone to the better-paid institution at a large β; a
//! payoff-maximising model (the fake endpoint's `Mover`) moves through the same code path as a
//! real model.

use lamas::sim;

use crate::fake_model::{Behaviour, Decider, FakeModel};
use crate::support::{metric, scenario};

/// Honest workers who are always right (skill 1, difficulty 0) on one-part tasks worth 10 at no
/// effort cost, `a` in institution `a` (fee 0) and `b` in `b` (fee `fee_b`), choosing by
/// `choice`.
fn two_institutions(a: u32, b: u32, fee_b: f64, choice: &str, ticks: u32) -> sim::RunOutput {
    let text = format!(
        r#"
ticks = {ticks}
seed = 8
[[population]]
name = "in-a"
count = {a}
skill = 1.0
effort_cost = 0
capacity = 100
institution = "a"
[[population]]
name = "in-b"
count = {b}
skill = 1.0
effort_cost = 0
capacity = 100
institution = "b"
[tasks]
arrival_rate = 2.0
subtasks = 1
reward = 10
difficulty = 0
value_rule = "additive"
[assignment]
policy = "random"
[[institution]]
name = "a"
mechanism = "equal"
fee = 0
[[institution]]
name = "b"
mechanism = "shapley"
fee = {fee_b}
[choice]
{choice}
"#
    );
    sim::run(&scenario(&text), 8)
}

#[test]
fn each_task_is_paid_in_its_institution_at_its_fee_and_tasks_follow_members() {
    let ticks = 2000;
    let out = two_institutions(3, 1, 0.5, "every = 1000000", ticks);
    let m = |name: &str| metric(&out, name);
    // Every task of b pays its one member 10 · (1 − 0.5): its earnings are a whole number of 5s;
    // a's three members earn whole 10s between them.
    let b_paid = m("payoff_rate_institution_b") * f64::from(ticks);
    let a_paid = m("payoff_rate_institution_a") * 3.0 * f64::from(ticks);
    assert!(
        b_paid > 0.0 && (b_paid / 5.0 - (b_paid / 5.0).round()).abs() < 1e-6,
        "{b_paid}"
    );
    assert!(
        (a_paid / 10.0 - (a_paid / 10.0).round()).abs() < 1e-6,
        "{a_paid}"
    );
    // Tasks go in proportion to members: a gets 3/4 of λ T = 4000 tasks, b 1/4 (binomial:
    // 1000 ± 27.4 for b), so b's member earns half what each of a's does, per tick.
    let b_tasks = b_paid / 5.0;
    assert!(
        (b_tasks - 1000.0).abs() < 4.0 * 27.4,
        "{b_tasks} tasks went to b"
    );
    let ratio = m("payoff_rate_institution_b") / m("payoff_rate_institution_a");
    assert!((ratio - 0.5).abs() < 0.06, "{ratio}");
    assert_eq!(m("institution_switches"), 0.0);
    assert_eq!(m("share_final_institution_a"), 0.75);
    assert_eq!(m("share_mean_institution_b"), 0.25);
}

#[test]
fn at_beta_zero_agents_pick_uniformly_and_inertia_keeps_them() {
    // 20 agents, 100 rounds: each agent-round moves with probability 1/2 (a uniform pick
    // among two), or (1 − q)/2 with inertia q: Binomial(2000, p) moves.
    for (inertia, p) in [(0.0, 0.5f64), (0.5, 0.25)] {
        let choice = format!("every = 10\nbeta = 0\ninertia = {inertia}");
        let out = two_institutions(10, 10, 0.5, &choice, 1000);
        let moves = metric(&out, "institution_switches");
        let (mean, sd) = (2000.0 * p, (2000.0 * p * (1.0 - p)).sqrt());
        assert!(
            (moves - mean).abs() < 4.0 * sd,
            "inertia {inertia}: {moves} moves, expected {mean} ± {sd}"
        );
        let share = metric(&out, "share_mean_institution_a");
        assert!((share - 0.5).abs() < 0.05, "{share}");
    }
}

#[test]
fn at_a_large_beta_everyone_moves_to_the_better_paid_and_stays() {
    // b keeps 90% of every task: after the first round its 10 members move to a, and an empty
    // institution (rate 0) never draws anyone back.
    let out = two_institutions(10, 10, 0.9, "every = 10\nbeta = 1000", 300);
    assert_eq!(metric(&out, "share_final_institution_a"), 1.0);
    assert_eq!(metric(&out, "institution_switches"), 10.0);
    let share = out
        .series
        .extra
        .iter()
        .find(|(n, _)| n == "share_institution_a")
        .unwrap();
    assert_eq!(share.1[9], 1.0);
    assert_eq!(share.1[8], 0.5);
}

#[test]
fn a_model_that_maximises_moves_everyone_to_the_better_paid_institution() {
    let fake = FakeModel::start(Behaviour::Decide(Decider::Mover));
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        r#"ticks = 60
seed = 5
[[population]]
name = "rich"
count = 5
skill = 1.0
effort_cost = 0.1
policy = "decider"
decide_every = 20
institution = "rich"
[[population]]
name = "poor"
count = 5
skill = 1.0
effort_cost = 0.1
policy = "decider"
decide_every = 20
institution = "poor"
[tasks]
arrival_rate = 1.0
subtasks = 2
reward = 10
difficulty = 0
value_rule = "additive"
[assignment]
policy = "random"
[[institution]]
name = "rich"
fee = 0
[[institution]]
name = "poor"
fee = 0.9
[llm]
cassette = "move.cassette.jsonl"
[[llm.profile]]
name = "decider"
base_url = "{}"
model = "fake"
concurrency = 4
"#,
        fake.url
    );
    let file = dir.path().join("move.toml");
    std::fs::write(&file, text).unwrap();
    let run = |mode: &str, out: &str| crate::decisions::run(&file, &dir.path().join(out), mode);
    let m = run("record", "recorded");
    assert_eq!(m["share_final_institution_rich"], 1.0);
    assert_eq!(m["institution_switches"], 5.0);
    assert_eq!(m["decision_fallbacks"], 0.0);
    assert_eq!(m["decided_work_share"], 1.0);
    // Every request carried the teams in its schema, and the replay is the same run.
    let cassette = std::fs::read_to_string(dir.path().join("move.cassette.jsonl")).unwrap();
    let teams = serde_json::json!({"enum": ["rich", "poor"]});
    let mut calls = 0;
    for line in cassette.lines() {
        let entry: serde_json::Value = serde_json::from_str(line).unwrap();
        let schema = &entry["request"]["response_format"]["json_schema"]["schema"];
        let branches = schema["anyOf"].as_array().unwrap();
        assert_eq!(branches.len(), 3);
        for branch in branches {
            assert_eq!(branch["properties"]["team"], teams, "{line}");
        }
        calls += 1;
    }
    assert!(calls >= 10, "{calls} decision calls");
    assert_eq!(run("replay", "replayed"), m);
}

/// A sweep whose cells list the institutions in either order keeps every run's time series,
/// its columns aligned by name (`share_institution_a` is institution `a`'s share in every row).
#[test]
fn time_series_of_cells_that_list_institutions_in_another_order_stack_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let base = r#"ticks = 30
seed = 4
[[population]]
name = "in-a"
count = 6
institution = "a"
[[population]]
name = "in-b"
count = 2
institution = "b"
[[institution]]
name = "a"
mechanism = "equal"
[[institution]]
name = "b"
mechanism = "shapley"
[choice]
every = 1000
"#;
    std::fs::write(dir.path().join("base.toml"), base).unwrap();
    let experiment = r#"id = "order"
scenario = "base.toml"
replicates = 1
timeseries = true
[[zip]]
"institution[0].name" = ["a", "b"]
"institution[1].name" = ["b", "a"]
"#;
    let file = dir.path().join("experiment.toml");
    std::fs::write(&file, experiment).unwrap();
    let out = dir.path().join("out");
    crate::support::ok(&[
        "sweep",
        file.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    let ts = std::fs::File::open(out.join("order/timeseries.parquet")).unwrap();
    use polars::prelude::*;
    let df = ParquetReader::new(ts).finish().unwrap();
    assert_eq!(df.height(), 60);
    // Nobody moves (no choice round falls in the run): `a` holds 6 of 8 agents in every row.
    let a = df.column("share_institution_a").unwrap().f64().unwrap();
    assert!((0..a.len()).all(|i| a.get(i) == Some(0.75)), "{df}");
}
