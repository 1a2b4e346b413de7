//! Private aggregation tasks against the distributions of their mechanisms, budget accounting,
//! and the message counts of the protocols.

use lamas::privacy::gaussian::analytic_sigma;
use lamas::sim::{self, Simulation, resources::Params};

use crate::support::{assert_proportion, metric, scenario};

/// `k` data holders among 20 agents, every task private, values uniform on [0, 10] (inside the
/// clipping bound, so clipping never biases), lossless links of latency 1.
fn private(k: u32, mechanism: &str, tolerance: f64, extra: &str) -> String {
    format!(
        r#"
ticks = 2000
seed = 21
[[population]]
name = "holders"
count = 20
capacity = 4
[tasks]
arrival_rate = 1.0
deadline = 30
[privacy]
participants = {k}
values = "uniform(0, 10)"
tolerance = {tolerance}
mechanism = "{mechanism}"
{extra}
"#
    )
}

#[test]
fn laplace_sums_succeed_with_the_closed_form_probability() {
    // b = Δ/ε = 10/1 = 10. One participant: P(|Z| ≤ t) = 1 - e^{-t/b}; two:
    // P(|Z1 + Z2| ≤ t) = 1 - (1 + t/(2b)) e^{-t/b} (the density of a sum of two Laplaces is
    // (1 + |s|/b) e^{-|s|/b} / 4b). t = 15: 0.7769 and 0.6095.
    let b: f64 = 10.0;
    let t: f64 = 15.0;
    for (k, p) in [
        (1, 1.0 - (-t / b).exp()),
        (2, 1.0 - (1.0 + t / (2.0 * b)) * (-t / b).exp()),
    ] {
        let out = sim::run(&scenario(&private(k, "laplace(1, 10)", t, "")), 21);
        let n = metric(&out, "private_tasks");
        assert!(n > 1500.0);
        let hits = metric(&out, "private_success_rate") * n;
        assert_proportion(&format!("laplace, {k} participants"), hits, n, p, 4.5);
    }
    // One participant: the mean absolute error is b (|Z| is exponential with mean b).
    let out = sim::run(&scenario(&private(1, "laplace(1, 10)", t, "")), 22);
    let n = metric(&out, "private_tasks");
    let mae = metric(&out, "privacy_error_mean");
    assert!((mae - b).abs() < 4.5 * b / n.sqrt(), "{mae}");
    assert_eq!(metric(&out, "values_exposed"), 0.0);
}

#[test]
fn gaussian_noise_has_the_calibrated_sigma() {
    // One participant: |Z| with Z ~ N(0, σ²) has mean σ √(2/π) and sd σ √(1 - 2/π).
    let sigma = analytic_sigma(1.0, 1e-5, 10.0);
    let out = sim::run(&scenario(&private(1, "gaussian(1, 1e-5, 10)", 1.0, "")), 23);
    let n = metric(&out, "private_tasks");
    let mae = metric(&out, "privacy_error_mean");
    let expect = sigma * (2.0 / std::f64::consts::PI).sqrt();
    let se = sigma * (1.0 - 2.0 / std::f64::consts::PI).sqrt() / n.sqrt();
    assert!((mae - expect).abs() < 4.5 * se, "{mae} vs {expect}");
}

#[test]
fn an_agent_stops_sharing_exactly_when_its_budget_would_be_exceeded() {
    // Five agents, every task needs all five, ε = 1 per release, budget 3 by sequential
    // composition: each agent releases exactly 3 times (spending 3·1 = 3) and refuses from its
    // fourth task on. With an enormous tolerance a task succeeds while it gets a report, so
    // exactly the first three tasks succeed and every later one fails; refusals are 5 per later
    // task.
    let text = r#"
ticks = 60
seed = 24
[[population]]
name = "holders"
count = 5
[tasks]
arrival_rate = 0.3
deadline = 30
[privacy]
participants = 5
tolerance = 1e9
mechanism = "laplace(1, 10)"
budget = 3
"#;
    let out = sim::run(&scenario(text), 24);
    let tasks = metric(&out, "private_tasks");
    assert!(tasks > 6.0);
    assert_eq!(metric(&out, "epsilon_spent_max"), 3.0);
    assert_eq!(metric(&out, "epsilon_spent_mean"), 3.0);
    assert_eq!(metric(&out, "private_success_rate") * tasks, 3.0);
    assert_eq!(metric(&out, "privacy_refusals"), 5.0 * (tasks - 3.0));
    // Ten releases of 0.1 fit a budget of 1 exactly.
    let tenth = text
        .replace("laplace(1, 10)", "laplace(0.1, 10)")
        .replace("budget = 3", "budget = 1");
    let out = sim::run(&scenario(&tenth), 24);
    assert_eq!(
        metric(&out, "private_success_rate") * metric(&out, "private_tasks"),
        10.0
    );
    assert!((metric(&out, "epsilon_spent_max") - 1.0).abs() < 1e-12);
}

#[test]
fn secure_aggregation_is_exact_exposes_nothing_and_sends_the_protocols_messages() {
    // k = 4 participants, lossless links. Per task: the k assignments and k reports of the
    // topology plus the protocol: star 2k + (2k² + 2k) = 48; hierarchical(2) over 8 agents
    // (d = 3): 2kd + d(2k² + 2k) = 144; decentralized(4): announcements f, bids f, awards k,
    // reports k, and 2k(k - 1) peer-to-peer = 4 + 4 + 4 + 4 + 24 = 40. Arrivals stop after
    // 200 ticks and the run goes on until every task is done.
    for (topology, count, messages) in [
        ("star", 20, 48.0),
        ("hierarchical(2)", 8, 144.0),
        ("decentralized(4)", 20, 40.0),
    ] {
        let topology_table = format!("[topology]\nkind = \"{topology}\"");
        let text = private(4, "secure_aggregation", 1e-9, &topology_table)
            .replace("count = 20", &format!("count = {count}"))
            .replace("capacity = 4", "capacity = 50")
            .replace("arrival_rate = 1.0", "arrival_rate = 0.3");
        let mut run = Simulation::new(&scenario(&text), 25);
        for _ in 0..200 {
            run.step();
        }
        run.world.resource_mut::<Params>().0.tasks.arrival_rate = 0.0;
        for _ in 0..40 {
            run.step();
        }
        let out = run.finish();
        assert_eq!(metric(&out, "private_success_rate"), 1.0, "{topology}");
        assert!(metric(&out, "privacy_error_mean") < 1e-9, "{topology}");
        assert_eq!(metric(&out, "values_exposed"), 0.0, "{topology}");
        assert_eq!(metric(&out, "messages_per_task"), messages, "{topology}");
    }
}

#[test]
fn without_privacy_every_value_is_exposed_and_the_sum_is_exact() {
    let out = sim::run(&scenario(&private(3, "none", 1e-9, "")), 26);
    let n = metric(&out, "private_tasks");
    assert_eq!(metric(&out, "private_success_rate"), 1.0);
    assert_eq!(metric(&out, "values_exposed"), 3.0 * n);
    assert_eq!(metric(&out, "epsilon_spent_mean"), 0.0);
}

#[test]
fn private_tasks_mix_with_ordinary_ones_by_their_share() {
    let out = sim::run(&scenario(&private(3, "none", 1.0, "share = 0.3")), 27);
    let n = metric(&out, "tasks_completed");
    assert_proportion("private share", metric(&out, "private_tasks"), n, 0.3, 4.5);
}

#[test]
fn table_keys_fill_the_parameters_a_call_leaves_out() {
    // `mechanism = "laplace"` with `epsilon` and `bound` keys is `laplace(epsilon, bound)`; a
    // parameter written in the call wins over the key.
    let call = scenario(&private(3, "laplace(2, 10)", 1.0, ""));
    let keys = scenario(&private(3, "laplace", 1.0, "epsilon = 2\nbound = 10"));
    let mixed = scenario(&private(3, "laplace(2)", 1.0, "epsilon = 7\nbound = 10"));
    assert_eq!(
        call.privacy.as_ref().unwrap().mechanism,
        keys.privacy.as_ref().unwrap().mechanism
    );
    assert_eq!(
        call.privacy.as_ref().unwrap().mechanism,
        mixed.privacy.as_ref().unwrap().mechanism
    );
}
