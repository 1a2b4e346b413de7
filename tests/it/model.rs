//! The model against what can be computed by hand. Each test states its formula. Runs use fixed
//! seeds, so they are deterministic; the tolerances (4.5 standard errors) are what a correct
//! model passes for any seed with overwhelming probability, and what a wrong formula fails.

use lamas::sim::{self, Simulation, schedule};

use crate::support::{assert_proportion, metric, scenario};

/// A star team of 60 honest workers with the given skill and room for 4 subtasks each: ample
/// capacity, so every subtask gets its `r` workers at once; difficulty 0; a deadline of 8 ticks,
/// so that only the last few ticks' tasks are still open when the run ends. `extra` is appended
/// inside `[tasks]` and may open further tables.
fn team(skill: f64, extra: &str) -> String {
    format!(
        r#"
ticks = 400
seed = 11
[[population]]
name = "workers"
count = 60
strategy = "honest"
skill = {skill}
capacity = 4
[tasks]
arrival_rate = 4.0
subtasks = 3
domains = 2
answers = 4
deadline = 8
{extra}
"#
    )
}

#[test]
fn subtask_succeeds_with_probability_skill_and_task_with_skill_to_the_m() {
    // Honest worker, skill s, difficulty 0, redundancy 1, no loss: competence c = 1 * s * 1 = s,
    // so a subtask is correct with probability s; under `all`, a task of m = 3 independent
    // subtasks succeeds with probability s^3.
    let s = 0.8;
    let out = sim::run(&scenario(&team(s, "")), 11);
    let subtasks = metric(&out, "tasks_completed") * 3.0;
    assert!(subtasks > 3000.0, "too few subtasks: {subtasks}");
    assert_proportion(
        "subtask accuracy",
        metric(&out, "subtask_accuracy") * subtasks,
        subtasks,
        s,
        4.5,
    );
    let tasks = metric(&out, "tasks_completed");
    assert_proportion(
        "task success",
        metric(&out, "tasks_succeeded"),
        tasks,
        s.powi(3),
        4.5,
    );
}

#[test]
fn shirkers_are_right_one_time_in_k() {
    // A shirker guesses uniformly among K = 4 answers: correct with probability 1/4.
    let text = team(0.9, "").replace("strategy = \"honest\"", "strategy = \"shirker\"");
    let out = sim::run(&scenario(&text), 3);
    let n = metric(&out, "tasks_completed") * 3.0;
    assert_proportion(
        "shirker accuracy",
        metric(&out, "subtask_accuracy") * n,
        n,
        0.25,
        4.5,
    );
    // They pay no effort.
    assert_eq!(metric(&out, "effort_costs"), 0.0);
}

#[test]
fn partial_effort_scales_competence() {
    // partial(0.5) with skill 0.8 and difficulty 0.5: c = 0.5 * 0.8 * (1 - 0.5) = 0.2.
    let text = team(0.8, "difficulty = 0.5")
        .replace("strategy = \"honest\"", "strategy = \"partial(0.5)\"");
    let out = sim::run(&scenario(&text), 5);
    let n = metric(&out, "tasks_completed") * 3.0;
    assert_proportion(
        "partial accuracy",
        metric(&out, "subtask_accuracy") * n,
        n,
        0.2,
        4.5,
    );
    // Each subtask costs effort_cost * e = 0.5.
    // (Subtasks still open at the end were worked too: allow 2%.)
    assert!((metric(&out, "effort_costs") / (0.5 * n) - 1.0).abs() < 0.02);
}

#[test]
fn lost_messages_are_retried() {
    // Each transmission is lost with probability p and retried n times: a message gets through
    // with probability q = 1 - p^(n+1). A subtask (skill 1) is correct iff its assignment and its
    // answer both get through: q^2. Transmissions per message: sum_{k=0}^{n} p^k =
    // (1 - p^(n+1)) / (1 - p); answers are sent only for delivered assignments.
    let (p, n) = (0.5f64, 1);
    let extra = format!("[messages]\nloss = {p}\nretries = {n}\ntimeout = 2\nlatency = 1");
    let out = sim::run(&scenario(&team(1.0, &extra)), 9);
    let q = 1.0 - p.powi(n + 1);
    let subtasks = metric(&out, "tasks_completed") * 3.0;
    assert_proportion(
        "delivered both ways",
        metric(&out, "subtask_accuracy") * subtasks,
        subtasks,
        q * q,
        4.5,
    );
    let per_message = (1.0 - p.powi(n + 1)) / (1.0 - p);
    // Over every subtask that arrived (the last ticks' answers are partly unsent: allow 3%).
    let arrived = metric(&out, "tasks_arrived") * 3.0;
    let expected = arrived * per_message * (1.0 + q);
    let got = metric(&out, "messages_total");
    assert!(
        (got - expected).abs() < 0.03 * expected,
        "messages {got}, expected about {expected}"
    );
}

#[test]
fn transient_delivery_faults_fail_tasks_with_probability_one_minus_p_to_the_r_to_the_m() {
    // Each worked answer is lost before delivery with probability p, independently. With honest
    // workers of skill 1 (always right), r workers per subtask and `first` consensus, a subtask
    // succeeds iff at least one of its r answers arrives: 1 - p^r; a task of m = 3 subtasks under
    // `all` succeeds with probability (1 - p^r)^m. Every lost answer is one fault, counted once
    // in the run's total and once in its tick's row of the time series.
    let (p, r, m) = (0.3f64, 2, 3);
    let extra = format!(
        "value_rule = \"all\"\n[assignment]\nredundancy = {r}\n[consensus]\nrule = \"first\"\n\
         [messages]\nloss = 0.0\n[faults]\ndrop_probability = {p}"
    );
    let out = sim::run(&scenario(&team(1.0, &extra)), 17);
    let tasks = metric(&out, "tasks_completed");
    assert_proportion(
        "task success under transient faults",
        metric(&out, "task_success_rate") * tasks,
        tasks,
        (1.0 - p.powi(r)).powi(m),
        4.5,
    );
    let fired = metric(&out, "faults_fired");
    assert!(fired > 0.0);
    assert_eq!(out.series.faults.iter().sum::<u64>() as f64, fired);
    // Answers worked: r per subtask of every task that arrived and was assigned (about all of
    // them); each is lost with probability p.
    let worked = metric(&out, "tasks_arrived") * 3.0 * f64::from(r);
    assert!((fired / worked - p).abs() < 0.02, "{} of {worked}", fired);
}

#[test]
fn value_rules_follow_their_formulas() {
    let s: f64 = 0.7;
    // additive: E[value] = R * s per task (R = 10).
    let out = sim::run(&scenario(&team(s, "value_rule = \"additive\"")), 21);
    let tasks = metric(&out, "tasks_completed");
    let mean_value = metric(&out, "value_created") / tasks;
    let se = 10.0 * (s * (1.0 - s) / 3.0 / tasks).sqrt();
    assert!(
        (mean_value - 10.0 * s).abs() < 4.5 * se,
        "additive: {mean_value} vs {}",
        10.0 * s
    );
    // threshold(2) of 3: P = 3 s^2 (1 - s) + s^3.
    let out = sim::run(&scenario(&team(s, "value_rule = \"threshold(2)\"")), 22);
    let p = 3.0 * s * s * (1.0 - s) + s.powi(3);
    assert_proportion(
        "threshold(2)",
        metric(&out, "tasks_succeeded"),
        metric(&out, "tasks_completed"),
        p,
        4.5,
    );
}

#[test]
fn majority_of_three_is_condorcet() {
    // K = 2, r = 3 independent workers correct with probability q: the majority is right with
    // probability q^3 + 3 q^2 (1 - q).
    let q: f64 = 0.7;
    let text = team(q, "[assignment]\nredundancy = 3\npolicy = \"random\"")
        .replace("answers = 4", "answers = 2");
    let out = sim::run(&scenario(&text), 4);
    let n = metric(&out, "tasks_completed") * 3.0;
    let p = q.powi(3) + 3.0 * q * q * (1.0 - q);
    assert_proportion(
        "majority of 3",
        metric(&out, "subtask_accuracy") * n,
        n,
        p,
        4.5,
    );
}

#[test]
fn verified_keeps_a_correct_answer_if_any() {
    // r = 3 workers of skill s: `verified` finds a correct answer with probability 1 - (1-s)^3,
    // and checks 1 answer when the first is right, 2 when only the second..., 3 otherwise:
    // E[checks] = s + 2 (1-s) s + 3 (1-s)^2.
    let s: f64 = 0.5;
    let text = team(
        s,
        "[assignment]\nredundancy = 3\npolicy = \"random\"\n[consensus]\nrule = \"verified\"\naudit_cost = 1.0",
    );
    let out = sim::run(&scenario(&text), 8);
    let n = metric(&out, "tasks_completed") * 3.0;
    assert_proportion(
        "verified",
        metric(&out, "subtask_accuracy") * n,
        n,
        1.0 - (1.0 - s).powi(3),
        4.5,
    );
    let checks = s + 2.0 * (1.0 - s) * s + 3.0 * (1.0 - s).powi(2);
    let per = metric(&out, "audit_costs") / n;
    assert!(
        (per - checks).abs() < 0.05,
        "checks per subtask {per}, expected {checks}"
    );
}

#[test]
fn equal_credit_is_budget_balanced_and_pays_shirkers_more() {
    // Under `equal` with ground truth, every task's value is split: credit paid = value (1 - fee),
    // and the platform keeps value * fee. Shirkers receive the same shares and pay no effort.
    let out = sim::run(
        &scenario(
            &std::fs::read_to_string(crate::support::root().join("scenarios/quickstart.toml"))
                .unwrap(),
        ),
        42,
    );
    let value = metric(&out, "value_created");
    assert!((metric(&out, "credit_paid") - 0.9 * value).abs() < 1e-6 * value);
    assert!((metric(&out, "platform_revenue") - 0.1 * value).abs() < 1e-6 * value);
    assert!(metric(&out, "budget_imbalance") < 1e-12);
    assert!(metric(&out, "payoff_mean_shirker") > metric(&out, "payoff_mean_honest"));
    assert!(metric(&out, "freerider_payoff_ratio") > 1.0);
}

#[test]
fn loo_credit_starves_shirkers() {
    // Leave-one-out pays an agent only when removing its answers changes the task's value. Under
    // majority of three, a shirker's guess (right 1 time in 4) is almost never what tips the vote,
    // while an honest answer often is, so shirkers are paid far less than honest workers. The
    // value LOO cannot allocate (Σx = 0) stays with the platform, so paid + unallocated is still
    // the distributable value.
    let text =
        std::fs::read_to_string(crate::support::root().join("scenarios/quickstart.toml")).unwrap();
    let sc = lamas::scenario::from_str(
        &text,
        std::path::Path::new("q.toml"),
        &["credit.mechanism=loo".into()],
    )
    .unwrap();
    let out = sim::run(&sc, 42);
    let value = metric(&out, "value_created");
    let paid = metric(&out, "credit_paid") + metric(&out, "credit_unallocated");
    assert!((paid - 0.9 * value).abs() < 1e-6 * value);
    assert!(
        metric(&out, "freerider_payoff_ratio") < 0.5,
        "{}",
        metric(&out, "freerider_payoff_ratio")
    );
}

#[test]
fn audit_interpolates_between_consensus_and_ground_truth() {
    // audit(1) checks every answer: it is ground truth. audit(0) checks none: it is consensus.
    // (Bernoulli(1) and Bernoulli(0) draw nothing, so the runs are identical, not just close.)
    let text =
        std::fs::read_to_string(crate::support::root().join("scenarios/quickstart.toml")).unwrap();
    let run = |obs: &str| {
        let sets = [
            "credit.mechanism=shapley".to_string(),
            format!("credit.observation={obs}"),
        ];
        let sc = lamas::scenario::from_str(&text, std::path::Path::new("q.toml"), &sets).unwrap();
        format!("{:?}", sim::run(&sc, 42).metrics)
    };
    assert_eq!(run("audit(1)"), run("ground_truth"));
    assert_eq!(run("audit(0)"), run("consensus"));
    assert_ne!(run("consensus"), run("ground_truth"));
}

#[test]
fn single_agent_sends_no_messages() {
    let text = std::fs::read_to_string(crate::support::root().join("scenarios/single-agent.toml"))
        .unwrap();
    let out = sim::run(&scenario(&text), 1);
    assert_eq!(metric(&out, "messages_total"), 0.0);
    assert!(metric(&out, "tasks_completed") > 0.0);
}

#[test]
fn every_policy_runs_and_serves_tasks() {
    for policy in ["best_skill", "reputation", "random", "round_robin"] {
        let text =
            team(0.8, "") + &format!("[assignment]\npolicy = \"{policy}\"\nredundancy = 2\n");
        let out = sim::run(&scenario(&text), 2);
        let done = metric(&out, "tasks_completed");
        assert!(
            done > 0.9 * metric(&out, "tasks_arrived") - 60.0,
            "{policy}: {done}"
        );
    }
}

#[test]
fn best_skill_prefers_the_skilled() {
    // Two groups, skill 1.0 and 0.2, and plenty of both: best_skill gives every subtask to a
    // skill-1 worker (accuracy 1), random mixes them.
    let text = |policy: &str| {
        format!(
            "ticks = 100\n[[population]]\nname = \"good\"\ncount = 30\nskill = 1.0\n[[population]]\nname = \"bad\"\ncount = 30\nskill = 0.2\n[tasks]\narrival_rate = 2\n[assignment]\npolicy = \"{policy}\"\n"
        )
    };
    let best = sim::run(&scenario(&text("best_skill")), 1);
    assert_eq!(metric(&best, "subtask_accuracy"), 1.0);
    let random = sim::run(&scenario(&text("random")), 1);
    assert!(metric(&random, "subtask_accuracy") < 0.8);
}

#[test]
fn learning_raises_skill_toward_one() {
    // With alpha > 0 honest workers' accuracy rises over the run: s_d += alpha (1 - s_d).
    let text = team(0.3, "") + "[experience]\nlearning_rate = 0.2\n";
    let out = sim::run(&scenario(&text), 6);
    let without = sim::run(&scenario(&team(0.3, "")), 6);
    assert!(metric(&out, "subtask_accuracy") > metric(&without, "subtask_accuracy") + 0.2);
}

#[test]
fn every_booking_is_released_exactly_once() {
    // A worker's load counts the subtasks it holds: assignments sent and neither answered, nor
    // known lost, nor released by resolution. At any tick, the sum of loads equals the number of
    // slots in state `Sent` on the board, and no load exceeds its capacity. Loss, short deadlines
    // and `first` exercise every path (lost assignments, late answers, early resolution).
    use lamas::sim::agents::{Agent, Loads};
    use lamas::sim::tasks::{Board, SlotState};
    let extra = "[messages]\nloss = 0.3\nretries = 1\n[assignment]\nredundancy = 3\npolicy = \"random\"\n[consensus]\nrule = \"first\"";
    let sc = scenario(&team(0.7, extra).replace("deadline = 8", "deadline = 3"));
    let mut sim = Simulation::new(&sc, 13);
    for _ in 0..200 {
        sim.step();
        let world = &mut sim.world;
        let (mut held, mut over) = (0u64, 0);
        let loads = world.resource::<Loads>().0.clone();
        for agent in world.query::<&Agent>().iter(world) {
            let load = loads[agent.id as usize];
            held += u64::from(load);
            over += usize::from(load > agent.capacity);
        }
        let sent: u64 = world
            .resource::<Board>()
            .tasks()
            .flat_map(|t| &t.subtasks)
            .flat_map(|s| &s.slots)
            .filter(|sl| sl.state == SlotState::Sent)
            .count() as u64;
        assert_eq!(held, sent, "tick {}", sim.tick());
        assert_eq!(over, 0);
    }
}

#[test]
fn schedule_has_no_ambiguities() {
    // Every pair of systems is ordered (the phases are chained), so no two systems can ever run in
    // an order that changes results.
    let sc = scenario(&team(0.8, ""));
    let mut sim = Simulation::with_schedule(&sc, 1, schedule(true));
    sim.check_schedule().expect("no ambiguity");
    for _ in 0..5 {
        sim.step();
    }
}

#[test]
fn majority_under_correlated_errors_follows_the_lure_formula() {
    // K = 4, r = 3 workers correct with probability q; a wrong worker picks the subtask's lure
    // with probability ρ, else one of the 3 wrong labels uniformly (the lure among them). Two
    // wrong answers coincide with probability c = (ρ + (1-ρ)/3)^2 + 2 ((1-ρ)/3)^2. The plurality
    // is right when 2 or 3 are right, or when 1 is and the other two differ (a three-way tie,
    // won by the right one with probability 1/3 by symmetry):
    //   P = q^3 + 3 q^2 (1-q) + 3 q (1-q)^2 (1-c) / 3.
    let q: f64 = 0.4;
    for (rho, seed) in [(0.5f64, 21), (1.0, 22)] {
        let c = (rho + (1.0 - rho) / 3.0).powi(2) + 2.0 * ((1.0 - rho) / 3.0).powi(2);
        let p = q.powi(3) + 3.0 * q * q * (1.0 - q) + q * (1.0 - q).powi(2) * (1.0 - c);
        let text = team(q, "[assignment]\nredundancy = 3\npolicy = \"random\"")
            .replace("capacity = 4", &format!("capacity = 4\nlure = {rho}"));
        let out = sim::run(&scenario(&text), seed);
        let n = metric(&out, "tasks_completed") * 3.0;
        assert_proportion(
            &format!("majority of 3, lure {rho}"),
            metric(&out, "subtask_accuracy") * n,
            n,
            p,
            4.5,
        );
    }
}

#[test]
fn a_shared_difficulty_correlates_workers_on_an_item() {
    // Two honest workers of skill 1 on a subtask of difficulty δ ~ uniform(0, 1) are each right
    // with probability 1 - δ, the same δ for both: `verified` finds a right answer with
    // probability 1 - E[δ^2] = 2/3, where independent items would give 1 - (1/2)^2 = 3/4.
    let text = team(
        1.0,
        "difficulty = \"uniform(0, 1)\"\n[assignment]\nredundancy = 2\npolicy = \"random\"\n[consensus]\nrule = \"verified\"",
    );
    let out = sim::run(&scenario(&text), 23);
    let n = metric(&out, "tasks_completed") * 3.0;
    assert_proportion(
        "verified of 2 on shared difficulty",
        metric(&out, "subtask_accuracy") * n,
        n,
        2.0 / 3.0,
        4.5,
    );
}

#[test]
fn majority_with_shared_answers_follows_its_formula() {
    // K = 4, r = 3 workers of one group correct with probability q, lure ρ, each taking the
    // group's shared answer with probability κ. With j ~ Binomial(3, κ) sharers: j ≥ 2 sharers
    // agree and outvote the third, so the plurality is right with probability q; with j ≤ 1 the
    // three answers are independent draws, right with P₃ = q³ + 3q²(1−q) + q(1−q)²(1−c) (the lure
    // formula above). So P = (κ³ + 3κ²(1−κ)) q + (3κ(1−κ)² + (1−κ)³) P₃.
    // With q = 0.6 and ρ = 0.2, P₃ = 0.709 and P = 0.655 at κ = 0.5, 0.6 at κ = 1 (the test's
    // tolerance is 0.03).
    let (q, rho): (f64, f64) = (0.6, 0.2);
    let c = (rho + (1.0 - rho) / 3.0).powi(2) + 2.0 * ((1.0 - rho) / 3.0).powi(2);
    let p3 = q.powi(3) + 3.0 * q * q * (1.0 - q) + q * (1.0 - q).powi(2) * (1.0 - c);
    for (kappa, seed) in [(0.5f64, 31), (1.0, 32)] {
        let two = kappa.powi(3) + 3.0 * kappa * kappa * (1.0 - kappa);
        let p = two * q + (1.0 - two) * p3;
        let text = team(q, "[assignment]\nredundancy = 3\npolicy = \"random\"").replace(
            "capacity = 4",
            &format!("capacity = 4\nlure = {rho}\nshared = {kappa}"),
        );
        let out = sim::run(&scenario(&text), seed);
        let n = metric(&out, "tasks_completed") * 3.0;
        assert_proportion(
            &format!("majority of 3, shared {kappa}"),
            metric(&out, "subtask_accuracy") * n,
            n,
            p,
            4.5,
        );
    }
}

#[test]
fn two_workers_with_shared_answers_are_both_wrong_as_the_formula_says() {
    // Two workers of one group, correct with probability q, sharing with probability κ: both are
    // wrong with probability κ²(1−q) + (1−κ²)(1−q)², so `verified` (right when either is) is
    // right with probability 1 − that: 0.722, against 0.84 for independent workers.
    let (q, kappa): (f64, f64) = (0.6, 0.7);
    let both_wrong = kappa * kappa * (1.0 - q) + (1.0 - kappa * kappa) * (1.0 - q).powi(2);
    let text = team(
        q,
        "[assignment]\nredundancy = 2\npolicy = \"random\"\n[consensus]\nrule = \"verified\"",
    )
    .replace("capacity = 4", &format!("capacity = 4\nshared = {kappa}"));
    let out = sim::run(&scenario(&text), 33);
    let n = metric(&out, "tasks_completed") * 3.0;
    assert_proportion(
        "verified of 2, shared 0.7",
        metric(&out, "subtask_accuracy") * n,
        n,
        1.0 - both_wrong,
        4.5,
    );
}

#[test]
fn shared_answers_of_zero_are_the_independent_model_draw_for_draw() {
    // `shared = 0` draws nothing: the run is the one without the key, bit for bit.
    let base = team(0.7, "[assignment]\nredundancy = 3");
    let zero = base.replace("capacity = 4", "capacity = 4\nshared = 0");
    let run = |text: &str| format!("{:?}", sim::run(&scenario(text), 5).metrics);
    assert_eq!(run(&base), run(&zero));
    let some = base.replace("capacity = 4", "capacity = 4\nshared = 0.5");
    assert_ne!(run(&base), run(&some), "shared answers change the run");
}

#[test]
fn a_lure_of_zero_is_the_independent_model_draw_for_draw() {
    // `lure = 0` draws nothing: the run is the one without the key, bit for bit (compared as
    // text, where NaN equals NaN).
    let base = team(0.7, "[assignment]\nredundancy = 3");
    let zero = base.replace("capacity = 4", "capacity = 4\nlure = 0");
    let run = |text: &str| format!("{:?}", sim::run(&scenario(text), 5).metrics);
    assert_eq!(run(&base), run(&zero));
    let some = base.replace("capacity = 4", "capacity = 4\nlure = 0.5");
    assert_ne!(run(&base), run(&some), "a lure changes the run");
}

#[test]
fn a_logistic_accuracy_curve_falls_as_its_formula_says() {
    // `accuracy = "logistic(4)"`, skill 0.8, difficulty 0.5: competence σ(logit 0.8 − 4 · 0.5)
    // = 4 e^-2 / (1 + 4 e^-2) ≈ 0.351 (the linear curve would give 0.4).
    let text = team(0.8, "difficulty = 0.5")
        .replace("capacity = 4", "capacity = 4\naccuracy = \"logistic(4)\"");
    let out = sim::run(&scenario(&text), 24);
    let n = metric(&out, "tasks_completed") * 3.0;
    let c = 4.0 * (-2.0f64).exp() / (1.0 + 4.0 * (-2.0f64).exp());
    assert_proportion(
        "logistic competence",
        metric(&out, "subtask_accuracy") * n,
        n,
        c,
        4.5,
    );
}

/// `∫ f(z) φ(z) dz` over the standard normal, by the trapezoid rule on [−10, 10] in steps of
/// 0.005 (for smooth bounded integrands the rule converges faster than any power of the step:
/// the error is far below the tests' tolerances).
fn normal_expectation(f: impl Fn(f64) -> f64) -> f64 {
    let (n, h) = (4_000, 5e-3);
    (0..=n)
        .map(|i| {
            let z = -10.0 + i as f64 * h;
            let w = if i == 0 || i == n { 0.5 } else { 1.0 };
            w * f(z) * (-z * z / 2.0).exp()
        })
        .sum::<f64>()
        * h
        / (2.0 * std::f64::consts::PI).sqrt()
}

fn sigma(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// Two agents, one per group, both on every subtask (redundancy 2, `verified`: right when either
/// is), their groups' keys `a` and `b` added.
fn pair(a: &str, b: &str) -> String {
    format!(
        r#"
ticks = 400
seed = 5
[tasks]
arrival_rate = 4.0
subtasks = 3
domains = 1
answers = 4
deadline = 8
[assignment]
redundancy = 2
[consensus]
rule = "verified"
[[population]]
name = "a"
count = 1
skill = 0.6
capacity = 200
accuracy = "logistic(0)"
{a}
[[population]]
name = "b"
count = 1
skill = 0.7
capacity = 200
accuracy = "logistic(0)"
{b}
"#
    )
}

#[test]
fn latent_item_effects_make_two_groups_wrong_together_as_the_integral_says() {
    // Right with probability σ(logit s + λ z + μ w) given the item's effects, the two agents are
    // both wrong with probability E[(1 − σ(a + ·))(1 − σ(b + ·))]: over one shared normal when
    // they load on the common effect z or on the effect w of one model, and the product of the
    // two expectations when their models differ (independent w's).
    let (a, b) = ((0.6f64 / 0.4).ln(), (0.7f64 / 0.3).ln());
    let shared = |la: f64, lb: f64| {
        normal_expectation(|z| (1.0 - sigma(a + la * z)) * (1.0 - sigma(b + lb * z)))
    };
    let apart = |la: f64, lb: f64| {
        normal_expectation(|z| 1.0 - sigma(a + la * z))
            * normal_expectation(|z| 1.0 - sigma(b + lb * z))
    };
    let cases = [
        (
            "item_loading = 1.5",
            "item_loading = 1.0",
            shared(1.5, 1.0),
            41,
        ),
        (
            "model = \"m\"\nmodel_loading = 1.5",
            "model = \"m\"\nmodel_loading = 1.0",
            shared(1.5, 1.0),
            42,
        ),
        (
            "model = \"m\"\nmodel_loading = 1.5",
            "model = \"n\"\nmodel_loading = 1.0",
            apart(1.5, 1.0),
            43,
        ),
        (
            "item_loading = 1.0\nmodel = \"m\"\nmodel_loading = 1.0",
            "item_loading = 1.0\nmodel = \"n\"\nmodel_loading = 1.0",
            normal_expectation(|z| {
                normal_expectation(|w| 1.0 - sigma(a + z + w))
                    * normal_expectation(|w| 1.0 - sigma(b + z + w))
            }),
            44,
        ),
    ];
    assert!(
        shared(1.5, 1.0) > apart(1.5, 1.0) + 0.03,
        "the cases differ"
    );
    for (ka, kb, both_wrong, seed) in cases {
        let out = sim::run(&scenario(&pair(ka, kb)), seed);
        let n = metric(&out, "tasks_completed") * 3.0;
        assert!(n > 4000.0, "{n}");
        assert_proportion(
            &format!("verified of two, {ka} / {kb}"),
            metric(&out, "subtask_accuracy") * n,
            n,
            1.0 - both_wrong,
            4.5,
        );
    }
}

#[test]
fn loadings_of_zero_are_the_model_without_them_draw_for_draw() {
    let run = |a: &str, b: &str| format!("{:?}", sim::run(&scenario(&pair(a, b)), 7).metrics);
    let base = run("", "");
    assert_eq!(
        base,
        run(
            "item_loading = 0\nmodel = \"m\"\nmodel_loading = 0",
            "item_loading = 0"
        )
    );
    assert_ne!(
        base,
        run("item_loading = 1", ""),
        "a loading changes the run"
    );
}
