//! Model-backed policies through the same code path as a real model, against the fake endpoint
//! ([`crate::fake_model::Decider`]): a payoff-maximiser that shirks exactly when the observation
//! shows shirking paid more must make contribution collapse under equal split and hold under
//! Shapley; one that always works must show no effect of the mechanism; malformed replies take
//! the fallback and are counted; a recorded run replays bit for bit offline, and a decision
//! missing from the cassette is refused with exit code 2.

use std::path::{Path, PathBuf};

use crate::fake_model::{Behaviour, Decider, FakeModel};
use crate::support::lamas;

/// Two groups of 10 decided by the fake's profile, one starting honest and one shirking, on
/// tasks of 6 parts assigned at random, additive value (each correct part pays 30/6 less the
/// fee): under Shapley a part's credit is its own value (0.9 · 4.5 against an effort cost of 1:
/// working pays), under equal split a sixth of it (shirking pays; measured with the scripted
/// strategies over 200 ticks: shirkers 211 against workers 150 under equal split, 99 against
/// 261 under Shapley).
fn scenario(dir: &Path, url: &str, mechanism: &str) -> PathBuf {
    let text = format!(
        r#"{}[decisions]
framing = "self_interested"
[llm]
cassette = "decide.cassette.jsonl"
[[llm.profile]]
name = "decider"
base_url = "{url}"
model = "fake"
concurrency = 4
"#,
        team("decider", mechanism, 120)
    );
    let path = dir.join(format!("decide-{mechanism}.toml"));
    std::fs::write(&path, text).unwrap();
    path
}

/// The two groups of [`scenario`], decided by `policy`, over `ticks` ticks, without
/// `[decisions]` and `[llm]`.
fn team(policy: &str, mechanism: &str, ticks: u32) -> String {
    format!(
        r#"ticks = {ticks}
seed = 5
[[population]]
name = "starts-working"
count = 10
skill = 0.9
policy = "{policy}"
decide_every = 20
[[population]]
name = "starts-shirking"
count = 10
strategy = "shirker"
skill = 0.9
policy = "{policy}"
decide_every = 20
[tasks]
arrival_rate = 1.5
subtasks = 6
reward = 30
value_rule = "additive"
[assignment]
policy = "random"
[credit]
mechanism = "{mechanism}"
"#
    )
}

/// Runs `file` in `mode` (`record`, `replay`) and returns its summary's metrics.
pub fn run(file: &Path, out: &Path, mode: &str) -> serde_json::Value {
    run_setting(file, out, mode, &[])
}

/// [`run`] with the `--set` overrides `sets`.
pub fn run_setting(file: &Path, out: &Path, mode: &str, sets: &[&str]) -> serde_json::Value {
    let mut args = vec!["run", file.to_str().unwrap(), "--llm", mode];
    for s in sets {
        args.extend(["--set", s]);
    }
    args.extend(["--out", out.to_str().unwrap()]);
    let o = lamas(&args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap()
}

/// The requests of the cassette file `path`, in its order.
pub fn requests(path: &Path) -> Vec<serde_json::Value> {
    (std::fs::read_to_string(path).unwrap().lines())
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["request"].take())
        .collect()
}

/// Asserts that the runs written to `a` and `b` have byte-identical tables.
pub fn assert_same_tables(a: &Path, b: &Path) {
    for f in ["summary.json", "timeseries.parquet"] {
        assert_eq!(
            std::fs::read(a.join(f)).unwrap(),
            std::fs::read(b.join(f)).unwrap(),
            "{f}"
        );
    }
}

fn share_working(m: &serde_json::Value) -> f64 {
    m["decided_work_share"].as_f64().unwrap()
}

#[test]
fn a_payoff_maximiser_free_rides_under_equal_split_and_works_under_shapley() {
    let dir = tempfile::tempdir().unwrap();
    let fake = FakeModel::start(Behaviour::Decide(Decider::Maximiser));
    let equal = run(
        &scenario(dir.path(), &fake.url, "equal"),
        &dir.path().join("e"),
        "record",
    );
    let shapley = run(
        &scenario(dir.path(), &fake.url, "shapley"),
        &dir.path().join("s"),
        "record",
    );
    // 5 decision points (ticks 20, 40, ..., 100) × 20 agents.
    assert_eq!(equal["decisions"], 100.0);
    assert_eq!(equal["decision_fallbacks"], 0.0);
    assert!(share_working(&equal) < 0.2, "equal: {equal}");
    assert!(share_working(&shapley) > 0.8, "shapley: {shapley}");
    assert!(equal["task_success_rate"].as_f64() < shapley["task_success_rate"].as_f64());
}

#[test]
fn a_model_that_always_works_shows_no_effect_of_the_mechanism() {
    let dir = tempfile::tempdir().unwrap();
    let fake = FakeModel::start(Behaviour::Decide(Decider::AlwaysWork));
    for mechanism in ["equal", "shapley"] {
        let out = dir.path().join(mechanism);
        let m = run(&scenario(dir.path(), &fake.url, mechanism), &out, "record");
        assert_eq!(m["decided_work_share"], 1.0, "{mechanism}");
    }
}

#[test]
fn unusable_replies_take_the_fallback_and_are_counted() {
    let dir = tempfile::tempdir().unwrap();
    let fake = FakeModel::start(Behaviour::Decide(Decider::Malformed));
    let m = run(
        &scenario(dir.path(), &fake.url, "equal"),
        &dir.path().join("o"),
        "record",
    );
    assert_eq!(m["decisions"], 100.0);
    assert_eq!(m["decision_fallbacks"], 100.0);
    // Nobody changed strategy: half the agents shirk to the end.
    assert!(m["decided_work_share"].is_null());
    assert_eq!(m["share_final_shirker"], 0.5);
    assert_eq!(m["share_final_honest"], 0.5);
}

#[test]
fn decisions_replay_bit_for_bit_and_a_missing_one_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let file = {
        let fake = FakeModel::start(Behaviour::Decide(Decider::Maximiser));
        let file = scenario(dir.path(), &fake.url, "equal");
        run(&file, &dir.path().join("rec"), "record");
        file
    };
    // The endpoint is gone: replay reads the cassette only.
    run(&file, &dir.path().join("rep"), "replay");
    assert_same_tables(&dir.path().join("rec"), &dir.path().join("rep"));
    let shapley = scenario(dir.path(), "http://127.0.0.1:9/v1", "shapley");
    let o = lamas(&[
        "run",
        shapley.to_str().unwrap(),
        "--out",
        dir.path().join("missing").to_str().unwrap(),
    ]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// Runs the scenario of [`scenario`] under equal split against `fake`, recording, with `sets`.
fn run_with(dir: &Path, fake: &FakeModel, sets: &[&str]) -> serde_json::Value {
    let file = scenario(dir, &fake.url, "equal");
    run_setting(&file, &dir.join("out"), "record", sets)
}

/// With `can_leave`, a model that answers `leave` whenever it shirked takes the ten starting
/// shirkers out at the first decision point (tick 20), for good: they are never asked again
/// (20 + 4 × 10 decisions) and the rest work. Without it, the same replies are unusable (the
/// shirkers keep shirking), and the requests never mention leaving.
#[test]
fn agents_that_decide_to_leave_leave_for_good_and_only_where_offered() {
    let fake = FakeModel::start(Behaviour::Decide(Decider::Quitter));
    let (on, off) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let m = run_with(on.path(), &fake, &["decisions.can_leave=true"]);
    assert_eq!(m["decisions"], 60.0);
    assert_eq!(m["decision_fallbacks"], 0.0);
    assert_eq!(m["agents_left"], 10.0);
    assert_eq!(m["decided_leave_share"], 10.0 / 60.0);
    assert_eq!(m["decided_work_share"], 50.0 / 60.0);
    assert_eq!(m["share_final_honest"], 1.0);
    let asked = requests(&on.path().join("decide.cassette.jsonl"));
    let decisions: Vec<String> = (asked.iter().map(|r| r.to_string()))
        .filter(|r| r.contains("response_format"))
        .collect();
    assert!(!decisions.is_empty());
    for r in &decisions {
        assert!(r.contains("Or leave the team for good"), "{r}");
        assert!(r.contains(r#""action":{"const":"leave"}"#), "{r}");
    }

    let m = run_with(off.path(), &fake, &[]);
    assert_eq!(m["decisions"], 100.0);
    assert_eq!(m["decision_fallbacks"], 50.0);
    assert_eq!(m["agents_left"], 0.0);
    assert!(m.get("decided_leave_share").is_none());
    assert_eq!(m["share_final_shirker"], 0.5);
    let asked = requests(&off.path().join("decide.cassette.jsonl"));
    let asked: Vec<String> = asked.iter().map(|r| r.to_string()).collect();
    assert!(asked.iter().any(|r| r.contains("response_format")));
    assert!(asked.iter().all(|r| !r.contains("leave")));
}

/// The bundled `llm-deciders` scenario replays offline in every variant its cassette holds:
/// three models × three framings × equal and Shapley credit, at its own seed.
#[test]
fn every_recorded_variant_of_the_bundled_deciders_replays_offline() {
    let dir = tempfile::tempdir().unwrap();
    for model in ["smollm2", "qwen-05b", "qwen-15b"] {
        for framing in ["self_interested", "neutral", "team_minded"] {
            for mechanism in ["equal", "shapley"] {
                let out = dir.path().join(format!("{model}-{framing}-{mechanism}"));
                let o = lamas(&[
                    "run",
                    "scenarios/llm-deciders.toml",
                    "--set",
                    &format!("population[0].policy={model}"),
                    "--set",
                    &format!("population[1].policy={model}"),
                    "--set",
                    &format!("decisions.framing={framing}"),
                    "--set",
                    &format!("credit.mechanism={mechanism}"),
                    "--out",
                    out.to_str().unwrap(),
                ]);
                assert!(
                    o.status.success(),
                    "{model} {framing} {mechanism}: {}",
                    String::from_utf8_lossy(&o.stderr)
                );
                let m: serde_json::Value =
                    serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap())
                        .unwrap();
                assert_eq!(m["decisions"], 40.0, "{model} {framing} {mechanism}");
            }
        }
    }
}

/// Every deciding agent pays its call's tokens at the profile's prices, as effort cost: with a
/// model whose decisions ignore what it is shown, the run with prices differs from the run
/// without by exactly the decisions' cost.
#[test]
fn decisions_cost_their_tokens_as_effort() {
    let dir = tempfile::tempdir().unwrap();
    let fake = FakeModel::start(Behaviour::Decide(Decider::AlwaysWork));
    let file = scenario(dir.path(), &fake.url, "equal");
    let free = run(&file, &dir.path().join("free"), "record");
    let priced = run_setting(
        &file,
        &dir.path().join("priced"),
        "record",
        &[
            "llm.profile[0].cost_per_input_token=0.01",
            "llm.profile[0].cost_per_output_token=0.1",
        ],
    );
    let f = |m: &serde_json::Value, k: &str| m[k].as_f64().unwrap();
    let cost = 0.01 * f(&priced, "decision_prompt_tokens")
        + 0.1 * f(&priced, "decision_completion_tokens");
    assert!(f(&priced, "decision_prompt_tokens") > 0.0);
    assert_eq!(f(&free, "decision_cost"), 0.0);
    assert!((f(&priced, "decision_cost") - cost).abs() < 1e-9);
    let extra = f(&priced, "effort_costs") - f(&free, "effort_costs");
    assert!((extra - cost).abs() < 1e-6, "{extra} against {cost}");
}

/// The scenario of [`scenario`] with its agents decided by the simulated decider `rule`
/// instead of a model, and no `[llm]`.
fn simulated(rule: &str, mechanism: &str) -> lamas::sim::RunOutput {
    let text = team(rule, mechanism, 400);
    lamas::sim::run(&crate::support::scenario(&text), 5)
}

#[test]
fn a_logit_decider_that_ignores_payoffs_works_at_its_rate_whatever_the_mechanism() {
    // b = 0: each of the 20 agents works with probability σ(1) = 0.731 at each of 19 decision
    // points, whatever it is shown: Binomial(380, 0.731), sd 0.0228 as a share.
    let p = 1.0 / (1.0 + (-1.0f64).exp());
    for mechanism in ["equal", "shapley"] {
        let out = simulated("logit(1, 0, 0.5)", mechanism);
        let m = |k: &str| crate::support::metric(&out, k);
        assert_eq!(m("decisions"), 380.0);
        assert!(
            (m("decided_work_share") - p).abs() < 4.0 * 0.0228,
            "{mechanism}: {}",
            m("decided_work_share")
        );
        assert_eq!(m("decision_fallbacks"), 0.0);
        // No model answered or decided: the run needs no [llm].
        assert!(out.metrics.get("llm_answers").is_none());
        assert_eq!(m("decision_prompt_tokens"), 0.0);
    }
}

#[test]
fn a_logit_decider_with_a_steep_negative_slope_free_rides_exactly_where_shirking_pays() {
    // b = −50: a payoff-maximiser (differences of 0.1 per round decide); shirking pays under
    // equal split and working under Shapley in this scenario (see `scenario`). Once everyone
    // shirks nobody is shown what working earns (d unknown, taken as 0): half then work again
    // (σ(0)), and so half shirk again once everyone works; so under equal split about a quarter
    // of the decisions work, under Shapley about three quarters.
    let equal = simulated("logit(0, -50)", "equal");
    let shapley = simulated("logit(0, -50)", "shapley");
    let work = |o: &lamas::sim::RunOutput| crate::support::metric(o, "decided_work_share");
    assert!(work(&equal) < 0.35, "{}", work(&equal));
    assert!(work(&shapley) > 0.7, "{}", work(&shapley));
    assert!(work(&shapley) - work(&equal) > 0.4);
    // Deterministic: the same scenario and seed give the same metrics (NaNs included).
    let again = simulated("logit(0, -50)", "equal");
    assert_eq!(
        format!("{:?}", again.metrics),
        format!("{:?}", equal.metrics)
    );
}
