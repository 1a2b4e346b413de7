//! The adaptation phase against evolutionary game theory: who takes over a population that
//! imitates the better-paid.

use lamas::sim;

use crate::support::{metric, scenario};

/// Twenty agents (15 honest, 5 shirkers) of skill 0.7 to 1, effort cost 0.5 per subtask,
/// three workers per subtask with a majority vote, tasks worth 20; every 50 ticks each agent
/// compares its profit with a random other's and imitates it by the Fermi rule (beta = 1).
/// Rounds of 50 ticks (about 22 subtasks per agent) let the systematic payoff difference
/// dominate the luck of being routed more or fewer subtasks; with 10-tick rounds drift decides
/// (the same shirker advantage then lost to chance in this seed). Checked by hand over seeds 1 to
/// 6: the outcome is the same for every seed.
fn evolve(mechanism: &str) -> sim::RunOutput {
    evolving(mechanism, 3000, 50)
}

/// The population of [`evolve`] over `ticks`, revising every `every` ticks.
fn evolving(mechanism: &str, ticks: u32, every: u32) -> sim::RunOutput {
    let text = format!(
        r#"
ticks = {ticks}
seed = 4
[[population]]
name = "honest"
count = 15
strategy = "honest"
skill = "uniform(0.7, 1.0)"
effort_cost = 0.5
capacity = 2
[[population]]
name = "shirkers"
count = 5
strategy = "shirker"
skill = "uniform(0.7, 1.0)"
effort_cost = 0.5
capacity = 2
[tasks]
arrival_rate = 1.0
subtasks = 3
domains = 4
answers = 4
reward = 20.0
deadline = 8
[assignment]
policy = "random"
redundancy = 3
[credit]
mechanism = "{mechanism}"
observation = "ground_truth"
[adaptation]
every = {every}
beta = 1.0
"#
    );
    sim::run(&scenario(&text), 4)
}

#[test]
fn shirkers_take_over_under_equal_and_die_out_under_loo_and_shapley() {
    // Under `equal`, a shirker in a task gets the same share as an honest worker and saves the
    // effort cost, so in every round a shirker's profit exceeds an honest worker's by about the
    // effort it saved: imitation (the Fermi rule favours the higher profit) spreads shirking,
    // and with no mutation the all-shirker population is absorbing (the replicator dynamics of a
    // public-goods game). Under `loo` and `shapley` with ground truth, a guess is rarely pivotal
    // and its Shapley value is small, while honest answers are paid more than their effort cost
    // (the reward of 20 covers it), so honest profits are higher and honesty takes over.
    let equal = evolve("equal");
    let s = metric(&equal, "share_final_shirker");
    assert!(s > 0.9, "equal: shirkers end with share {s}");
    for m in ["loo", "shapley"] {
        let out = evolve(m);
        let s = metric(&out, "share_final_shirker");
        assert!(s < 0.1, "{m}: shirkers end with share {s}");
    }
}

#[test]
fn without_adaptation_shares_do_not_change() {
    // A population without an [adaptation] table keeps its 10% of shirkers.
    let text = r#"
ticks = 200
seed = 4
[[population]]
name = "honest"
count = 18
[[population]]
name = "shirkers"
count = 2
strategy = "shirker"
"#;
    let out = sim::run(&scenario(text), 4);
    assert_eq!(metric(&out, "share_final_shirker"), 0.1);
}

/// Thirty-two agents in thirds at efforts 0, 0.5 and 1, skill 0.9, effort cost 1 per subtask,
/// one worker per subtask, `m` subtasks per task worth 6 each (additive), `equal` credit; every
/// 50 ticks the Fermi rule with beta = 1 and 2% mutation among the three effort levels.
fn team_effort(m: u32) -> f64 {
    let text = format!(
        r#"
ticks = 4000
seed = 6
[[population]]
name = "lazy"
count = 11
strategy = "partial(0)"
skill = 0.9
[[population]]
name = "half"
count = 11
strategy = "partial(0.5)"
skill = 0.9
[[population]]
name = "full"
count = 10
strategy = "honest"
skill = 0.9
[tasks]
arrival_rate = {rate}
subtasks = {m}
domains = 1
answers = 4
reward = {reward}
value_rule = "additive"
deadline = 10
[assignment]
policy = "random"
redundancy = 1
[credit]
mechanism = "equal"
[adaptation]
every = 50
beta = 1.0
mu = 0.02
"#,
        rate = 8.0 / f64::from(m),
        reward = 6.0 * f64::from(m),
    );
    let out = sim::run(&scenario(&text), 6);
    metric(&out, "effort_mean_final")
}

#[test]
fn under_equal_credit_effort_falls_as_the_team_grows() {
    // Team production with an equal split: raising my effort by de raises my subtask's chance of
    // being right by s·de (s = 0.9), worth 6·s·de to the task, of which I get 1/m; it costs me
    // 1·de. Effort pays while 5.4 / m > 1, i.e. for teams of 2 and 4, and not for 8 or 16: the
    // free-rider effect of team production (Holmström 1982). Imitation drives the population
    // toward the profitable effort level, so the final mean effort falls with m. (Measured: 1, 1,
    // 0, 0 with this seed; over seeds 1 to 3, 0.94–1, 0.77–0.95, 0, 0.)
    let efforts: Vec<f64> = [2, 4, 8, 16].into_iter().map(team_effort).collect();
    assert!(efforts[0] > 0.6, "{efforts:?}");
    assert!(efforts[3] < 0.4, "{efforts:?}");
    assert!(
        efforts[0] > efforts[2] && efforts[1] > efforts[3],
        "{efforts:?}"
    );
}

/// The evolution scenario's population with free effort but a participation cost, Shapley
/// credit, and `extra` in the [adaptation] table (rounds of 50 ticks).
fn exit_entry(extra: &str, ticks: u32) -> lamas::scenario::Scenario {
    scenario(&format!(
        r#"
ticks = {ticks}
seed = 4
[[population]]
name = "honest"
count = 15
skill = "uniform(0.7, 1.0)"
effort_cost = 0.5
participation_cost = 0.1
capacity = 2
[[population]]
name = "shirkers"
count = 5
strategy = "shirker"
skill = "uniform(0.7, 1.0)"
effort_cost = 0.5
participation_cost = 0.1
capacity = 2
[tasks]
arrival_rate = 1.0
subtasks = 3
domains = 4
reward = 20.0
deadline = 8
[assignment]
policy = "random"
redundancy = 3
[credit]
mechanism = "shapley"
[adaptation]
every = 50
{extra}
"#
    ))
}

#[test]
fn exactly_the_agents_below_the_threshold_leave() {
    // The exit rule at the first round (end of tick 49): an adaptive agent leaves iff its profit
    // since the start is below the threshold. Payoffs up to then do not depend on the rule, so a
    // run without it tells which agents must leave; the run with it must remove exactly those.
    use lamas::sim::Simulation;
    use lamas::sim::agents::{Agent, Member, Wallet};
    use lamas::sim::credit::Fairness;
    let mut free = Simulation::new(&exit_entry("", 50), 4);
    let mut strict = Simulation::new(&exit_entry("exit_threshold = 0.0", 50), 4);
    for _ in 0..50 {
        free.step();
        strict.step();
    }
    let credit = free.world.resource::<Fairness>().0.clone();
    let mut q = free.world.query::<(&Agent, &Wallet)>();
    let mut losers: Vec<u32> = q
        .iter(&free.world)
        .filter(|(a, w)| w.payoff(credit[a.id as usize].credit) < 0.0)
        .map(|(a, _)| a.id)
        .collect();
    losers.sort_unstable();
    let mut q = strict.world.query::<(&Agent, &Member)>();
    let mut left: Vec<u32> = q
        .iter(&strict.world)
        .filter(|(_, m)| m.left == Some(49))
        .map(|(a, _)| a.id)
        .collect();
    left.sort_unstable();
    assert_eq!(left, losers);
    // The rule is not vacuous here: some agents lose money in the first round (it includes the
    // warm-up, when few tasks have finished yet), most do not.
    assert!(!losers.is_empty() && losers.len() < 10, "{losers:?}");
}

#[test]
fn entrants_arrive_at_the_stated_rate() {
    // Two entrants per round on average (Poisson), all honest, over 60 rounds: their number is
    // Poisson with mean 120 (sd 11). With nobody leaving, the final population is 20 plus them.
    let sc = exit_entry(
        "entry_rate = 2.0\nentry_strategies = [\"honest\"]\nentry_group = \"honest\"",
        3000,
    );
    let out = sim::run(&sc, 4);
    let entered = metric(&out, "agents_entered");
    assert!(
        (entered - 120.0).abs() <= 4.5 * 120f64.sqrt(),
        "entered: {entered}"
    );
    assert_eq!(metric(&out, "agents_left"), 0.0);
    assert_eq!(metric(&out, "agents_final"), 20.0 + entered);
    assert_eq!(metric(&out, "retention_rate"), 1.0);
    // Entrants are honest, so the shirkers' share is diluted (and imitation removes them).
    assert!(metric(&out, "share_final_shirker") < 5.0 / 20.0);
}

#[test]
fn payoff_rates_are_each_strategys_payoff_per_tick_when_nobody_switches() {
    // With no round, every agent plays its first strategy for all 600 ticks: the payoff per
    // tick while working is the honest agents' mean payoff over 600, and so for shirking.
    let out = evolving("equal", 600, 10_000);
    let m = |name: &str| metric(&out, name);
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * b.abs().max(1.0);
    assert!(close(
        m("payoff_rate_work"),
        m("payoff_mean_honest") / 600.0
    ));
    assert!(close(
        m("payoff_rate_shirk"),
        m("payoff_mean_shirker") / 600.0
    ));
    assert!(m("payoff_rate_copy").is_nan());
    assert_eq!(m("work_ticks_share"), 0.75);
    let work = out.series.extra.iter().find(|(n, _)| n == "work_share");
    assert!(work.is_some_and(|(_, xs)| xs.len() == 600 && xs.iter().all(|&x| x == 0.75)));
}

#[test]
fn payoff_rates_add_up_to_everyones_payoff_when_agents_switch() {
    // Summed over the ticks, each agent's payoff changes telescope to its final payoff, however
    // often it switched: rate_work · work ticks + rate_shirk · shirk ticks = Σ payoffs.
    let out = evolving("equal", 600, 50);
    let m = |name: &str| metric(&out, name);
    let ticks = 20.0 * 600.0;
    let work = m("work_ticks_share") * ticks;
    let booked = m("payoff_rate_work") * work + m("payoff_rate_shirk") * (ticks - work);
    // The owners of a strategy nobody plays at the end have no mean: they add nothing.
    let owned = |s: &str| {
        let share = m(&format!("share_final_{s}"));
        if share > 0.0 {
            m(&format!("payoff_mean_{s}")) * share * 20.0
        } else {
            0.0
        }
    };
    let finals = owned("honest") + owned("shirker");
    assert!(m("work_ticks_share") > 0.0 && m("work_ticks_share") < 1.0);
    assert!(
        (booked - finals).abs() < 1e-6 * finals.abs().max(1.0),
        "{booked} vs {finals}"
    );
    let effort = out.series.extra.iter().find(|(n, _)| n == "effort_mean");
    assert!(effort.is_some_and(|(_, xs)| xs.len() == 600));
}
