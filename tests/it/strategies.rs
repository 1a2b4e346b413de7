//! The free-riding strategies against what theory says they can and cannot get away with. Each
//! test gives its reasoning; runs use fixed seeds and are deterministic.

use lamas::sim;

use crate::support::{metric, scenario};

/// One honest worker (skill 0.8, the best, so it is assigned first and works first) and one
/// copycat share every subtask (redundancy 2, majority); no message loss; effort is free, so
/// payoffs are credits.
fn honest_and_copycat(mechanism: &str, observation: &str) -> sim::RunOutput {
    let text = format!(
        r#"
ticks = 400
seed = 5
[[population]]
name = "honest"
count = 1
strategy = "honest"
skill = 0.8
effort_cost = 0.0
capacity = 8
[[population]]
name = "copycats"
count = 1
strategy = "copycat"
skill = 0.3
capacity = 8
[tasks]
arrival_rate = 1.0
subtasks = 2
domains = 1
answers = 4
reward = 10.0
value_rule = "additive"
deadline = 8
[assignment]
policy = "best_skill"
redundancy = 2
[messages]
loss = 0.0
[credit]
mechanism = "{mechanism}"
observation = "{observation}"
"#
    );
    sim::run(&scenario(&text), 5)
}

#[test]
fn a_copycat_fools_consensus_but_earns_nothing_under_ground_truth_loo() {
    // The copycat always submits the honest worker's answer. Judged by consensus, an answer is
    // correct when it agrees with the kept label, so the copycat is "correct" exactly when the
    // honest worker is, and a quality-proportional split pays them alike. Under ground truth,
    // leave-one-out pays a worker v(N) - v(N \ i): without the copycat, the honest answer alone
    // still decides the vote, so the copycat's marginal contribution, and its credit, is 0.
    let fooled = honest_and_copycat("proportional_quality", "consensus");
    let (copy, honest) = (
        metric(&fooled, "payoff_mean_copycat"),
        metric(&fooled, "payoff_mean_honest"),
    );
    assert!(copy > 0.0);
    assert!(
        (copy - honest).abs() < 1e-9 * honest,
        "copycat {copy} vs honest {honest}"
    );
    let caught = honest_and_copycat("loo", "ground_truth");
    assert_eq!(metric(&caught, "payoff_mean_copycat"), 0.0);
    assert!(metric(&caught, "tasks_completed") > 300.0);
}

fn honest_and_misreporters(mechanism: &str) -> f64 {
    // Ten honest workers and ten misreporters claiming three times their (full) effort, all of
    // skill 0.8 and effort cost 0.2, routed at random, one to a subtask (so that no tie between
    // two answers is broken by agent id, which would favour the group listed first).
    let text = format!(
        r#"
ticks = 2000
seed = 9
[[population]]
name = "honest"
count = 10
strategy = "honest"
skill = 0.8
effort_cost = 0.2
capacity = 2
[[population]]
name = "inflaters"
count = 10
strategy = "misreporter(3)"
skill = 0.8
effort_cost = 0.2
capacity = 2
[tasks]
arrival_rate = 2.0
subtasks = 3
domains = 1
answers = 4
reward = 10.0
value_rule = "additive"
deadline = 8
[assignment]
policy = "random"
redundancy = 1
[credit]
mechanism = "{mechanism}"
"#
    );
    metric(&sim::run(&scenario(&text), 9), "freerider_payoff_ratio")
}

#[test]
fn a_misreporter_gains_only_under_proportional_claim() {
    // A misreporter works and answers exactly like an honest worker; only its claim differs.
    // Mechanisms that ignore claims pay both alike (the payoff ratio is 1 up to sampling noise
    // over ~12,000 subtasks); `proportional_claim` pays claims, three times the honest one, so a
    // misreporter sharing a task with an honest worker takes 3/5 or 3/7 of it instead of 1/3.
    let claim = honest_and_misreporters("proportional_claim");
    assert!(claim > 1.3, "proportional_claim: {claim}");
    for m in ["equal", "proportional_quality", "loo", "shapley"] {
        let r = honest_and_misreporters(m);
        assert!((0.9..1.1).contains(&r), "{m}: {r}");
    }
}

fn byzantine_majority(rule: &str) -> sim::RunOutput {
    // One honest worker that is always right (skill 1, difficulty 0) and two byzantine workers
    // on every subtask (three agents, redundancy 3).
    let text = format!(
        r#"
ticks = 200
seed = 3
[[population]]
name = "honest"
count = 1
strategy = "honest"
skill = 1.0
capacity = 20
[[population]]
name = "poisoners"
count = 2
strategy = "byzantine"
skill = 1.0
capacity = 20
[tasks]
arrival_rate = 1.0
subtasks = 2
domains = 1
answers = 4
value_rule = "additive"
deadline = 8
[assignment]
policy = "random"
redundancy = 3
[messages]
loss = 0.0
[consensus]
rule = "{rule}"
"#
    );
    sim::run(&scenario(&text), 3)
}

#[test]
fn byzantine_majorities_defeat_majority_but_not_verified() {
    // The two byzantine workers give the same wrong answer, so it has two votes against one:
    // `majority` keeps it on every subtask. `verified` checks answers and keeps a correct one, and
    // the honest worker's answer is always correct.
    let majority = byzantine_majority("majority");
    assert_eq!(metric(&majority, "subtask_accuracy"), 0.0);
    let verified = byzantine_majority("verified");
    assert_eq!(metric(&verified, "subtask_accuracy"), 1.0);
    assert!(metric(&verified, "tasks_completed") > 150.0);
}

fn sybil_take(mechanism: &str) -> f64 {
    // Eight honest workers and one owner of four identities (one works, three shirk), all of
    // skill 0.8 with free effort (payoffs are credits), one worker per subtask, tasks of four
    // subtasks with additive value; K = 100 answers, so a guess is almost never right.
    let text = format!(
        r#"
ticks = 1500
seed = 21
[[population]]
name = "honest"
count = 8
strategy = "honest"
skill = 0.8
effort_cost = 0.0
capacity = 2
[[population]]
name = "sybils"
count = 1
strategy = "sybil(4)"
skill = 0.8
effort_cost = 0.0
capacity = 2
[tasks]
arrival_rate = 1.5
subtasks = 4
domains = 1
answers = 100
reward = 10.0
value_rule = "additive"
deadline = 8
[assignment]
policy = "random"
redundancy = 1
[credit]
mechanism = "{mechanism}"
"#
    );
    let out = sim::run(&scenario(&text), 21);
    assert_eq!(metric(&out, "agents_final"), 12.0);
    assert!((metric(&out, "share_final_sybil") - 4.0 / 12.0).abs() < 1e-12);
    metric(&out, "payoff_mean_sybil") / metric(&out, "payoff_mean_honest")
}

#[test]
fn a_sybil_multiplies_its_take_under_equal_but_not_under_loo_or_shapley() {
    // Routing is blind to owners, so each of the sybil's four identities is given about as many
    // subtasks as an honest worker. `equal` pays every participant of a task the same share, so
    // the owner collects about four honest workers' credit (a little less than 4: the tasks its
    // shirking identities take part in are worth less, and it shares that loss). In an additive
    // task leave-one-out and Shapley pay each identity its own subtask's value: the lead earns
    // what an honest worker earns, the shirkers (right 1 time in 100) next to nothing, so the
    // owner's take stays near one honest worker's.
    let equal = sybil_take("equal");
    assert!(equal > 3.0, "equal: {equal}");
    for m in ["loo", "shapley"] {
        let r = sybil_take(m);
        assert!((0.85..1.25).contains(&r), "{m}: {r}");
    }
}

#[test]
fn colluders_vote_together() {
    // Every subtask goes to all three agents: one honest worker who is always right and two
    // colluders of skill 0.5. The first colluder to work solves (right with probability 0.5) and
    // the second copies it, so the colluders always agree and outvote the honest worker: a
    // subtask is right exactly when the first colluder is, with probability 0.5. Had they voted
    // independently, the honest answer would win unless both colluders agreed on the same wrong
    // answer (probability 0.25 / 3), and accuracy would be about 0.92.
    let text = r#"
ticks = 300
seed = 8
[[population]]
name = "honest"
count = 1
strategy = "honest"
skill = 1.0
capacity = 20
[[population]]
name = "ring"
count = 2
strategy = "colluder(1)"
skill = 0.5
capacity = 20
[tasks]
arrival_rate = 1.0
subtasks = 2
domains = 1
answers = 4
value_rule = "additive"
deadline = 8
[assignment]
policy = "random"
redundancy = 3
[messages]
loss = 0.0
"#;
    let out = sim::run(&scenario(text), 8);
    let n = metric(&out, "tasks_completed") * 2.0;
    crate::support::assert_proportion(
        "colluding majority",
        metric(&out, "subtask_accuracy") * n,
        n,
        0.5,
        4.5,
    );
}

fn ring_in_peer_review(mechanism: &str) -> f64 {
    // Six honest workers and six colluders, all of skill 0.8, one worker per subtask (so that
    // colluders never share a subtask and work exactly like honest workers), three subtasks per
    // task.
    let text = format!(
        r#"
ticks = 1500
seed = 13
[[population]]
name = "honest"
count = 6
strategy = "honest"
skill = 0.8
effort_cost = 0.0
capacity = 2
[[population]]
name = "ring"
count = 6
strategy = "colluder(7)"
skill = 0.8
effort_cost = 0.0
capacity = 2
[tasks]
arrival_rate = 1.5
subtasks = 3
domains = 1
answers = 4
reward = 10.0
value_rule = "additive"
deadline = 8
[assignment]
policy = "random"
redundancy = 1
[credit]
mechanism = "{mechanism}"
"#
    );
    metric(&sim::run(&scenario(&text), 13), "freerider_payoff_ratio")
}

#[test]
fn colluders_gain_by_rating_each_other_up_in_peer_review_only() {
    // In `peer_review` each participant is paid in proportion to the mean rating the others give
    // it. Honest raters score a peer by how often its answers were kept; colluders give their
    // ring 1 and everyone else 0. A colluder sharing a task with another colluder gets a 1 from
    // it whatever it did, and an honest worker sharing a task with a colluder gets a 0, so the
    // ring takes more than its share. Shapley under ground truth ignores ratings: colluders who
    // work like honest workers are paid like them (ratio 1 up to noise).
    let review = ring_in_peer_review("peer_review");
    assert!(review > 1.2, "peer_review: {review}");
    let shapley = ring_in_peer_review("shapley");
    assert!((0.9..1.1).contains(&shapley), "shapley: {shapley}");
}

fn with_traffic(extra: &str) -> sim::RunOutput {
    let text =
        std::fs::read_to_string(crate::support::root().join("scenarios/quickstart.toml")).unwrap();
    let mut overrides = vec!["credit.mechanism=shapley".to_string()];
    overrides.extend(extra.split_whitespace().map(str::to_string));
    let sc = lamas::scenario::from_str(&text, std::path::Path::new("q.toml"), &overrides).unwrap();
    sim::run(&sc, 42)
}

#[test]
fn traffic_revenue_is_booked_and_shared_by_the_stated_rule() {
    // Traffic revenue changes nobody's behaviour here (no adaptation), so the same seed gives the
    // same run with and without it. The platform earns T = 2 per finished task; with a share of
    // 0.5, half of it goes to the task's participants. Welfare rises by T per task, the platform's
    // revenue by T/2 per task, and the agents' payoffs by the other half. Split by credit under
    // Shapley with ground truth, shirkers (whose guesses are worth almost nothing) get almost
    // none of it; split equally they get their head-count share.
    let base = with_traffic("");
    let eq = with_traffic("economy.traffic_revenue=2 economy.traffic_share=0.5");
    let by_credit = with_traffic(
        "economy.traffic_revenue=2 economy.traffic_share=0.5 economy.traffic_rule=credit",
    );
    let tasks = metric(&eq, "traffic_revenue") / 2.0;
    assert!(tasks > 100.0 && tasks.fract() == 0.0);
    assert_eq!(
        metric(&eq, "tasks_completed"),
        metric(&base, "tasks_completed")
    );
    let close = |a: f64, b: f64| (a - b).abs() < 1e-6 * b.abs().max(1.0);
    for out in [&eq, &by_credit] {
        assert!(close(metric(out, "traffic_paid"), tasks));
        assert!(close(
            metric(out, "welfare"),
            metric(&base, "welfare") + 2.0 * tasks
        ));
        assert!(close(
            metric(out, "platform_revenue"),
            metric(&base, "platform_revenue") + tasks
        ));
    }
    // 15 honest agents and 5 shirkers: an equal split gives a shirker as much traffic revenue as
    // an honest agent (they take part as often). A credit split moves it toward the honest: only
    // tasks in which nobody was paid anything positive (failed tasks whose Shapley values are
    // all zero) are still split equally. Measured: +9.7 per shirker and +9.5 per honest agent
    // split equally; +4.6 and +11.2 split by credit.
    let shirker_gain = |out: &sim::RunOutput| {
        metric(out, "payoff_mean_shirker") - metric(&base, "payoff_mean_shirker")
    };
    let honest_gain = |out: &sim::RunOutput| {
        metric(out, "payoff_mean_honest") - metric(&base, "payoff_mean_honest")
    };
    assert!((shirker_gain(&eq) - honest_gain(&eq)).abs() < 0.1 * honest_gain(&eq));
    assert!(shirker_gain(&by_credit) < 0.6 * shirker_gain(&eq));
    assert!(honest_gain(&by_credit) > honest_gain(&eq));
}

#[test]
fn reputation_weighted_consensus_learns_to_outvote_byzantine_majorities() {
    // The coordinator's reputation of an agent is an exponentially weighted mean of its
    // observed correctness (rate 0.1, judged by ground truth). The honest worker is always
    // right, so its reputation tends to 1; the poisoners are always wrong, so theirs tends to 0.
    // Once 1 > 2 × (a poisoner's reputation), a reputation-weighted vote keeps the honest answer
    // that a plain majority never keeps: after the first few dozen subtasks, every subtask is
    // right.
    let majority = byzantine_majority("majority");
    let weighted = byzantine_majority("reputation_weighted");
    assert_eq!(metric(&majority, "subtask_accuracy"), 0.0);
    let accuracy = metric(&weighted, "subtask_accuracy");
    assert!(accuracy > 0.9, "reputation_weighted: {accuracy}");
}
