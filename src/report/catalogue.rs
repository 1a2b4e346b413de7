//! What each metric of a run means, which group it belongs to, and whether a scenario uses it.
//!
//! The terminal summary of `lamas run` and the HTML report show the metrics by group (tasks,
//! messages, credit and fairness, payoffs by strategy, population, faults, privacy, economy,
//! language models), and only the groups and rows the scenario uses: a scenario without a
//! `[faults]` section has no fault rows, one without `[privacy]` no privacy rows, a strategy no
//! owner plays no payoff row. Whether a scenario uses a feature is read from the scenario as
//! resolved (the `resolved` of the run's manifest), so a report of a finished run decides as the
//! run did. The definitions themselves are in [`super::metrics`].

use serde_json::Value;

use crate::sim::metrics::Metrics;
use crate::strategy::STRATEGIES;

/// The groups of metrics, in the order they are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    /// Tasks, their success, latency, value and welfare.
    Tasks,
    /// Messages and bytes.
    Messages,
    /// What the credit mechanism paid and how fair it was.
    Credit,
    /// Payoffs and shares per strategy.
    Payoffs,
    /// Entry, exit and retention.
    Population,
    /// Crashes, failovers, availability.
    Faults,
    /// Private tasks and ε.
    Privacy,
    /// The platform's revenue and the costs.
    Economy,
    /// Model-backed workers.
    Models,
    /// Metrics this catalogue does not know.
    Other,
}

impl Group {
    /// Every group, in order.
    pub const ALL: [Group; 10] = [
        Group::Tasks,
        Group::Messages,
        Group::Credit,
        Group::Payoffs,
        Group::Population,
        Group::Faults,
        Group::Privacy,
        Group::Economy,
        Group::Models,
        Group::Other,
    ];

    /// The group's heading.
    pub fn title(self) -> &'static str {
        match self {
            Group::Tasks => "tasks",
            Group::Messages => "messages",
            Group::Credit => "credit and fairness",
            Group::Payoffs => "payoffs by strategy",
            Group::Population => "population",
            Group::Faults => "faults",
            Group::Privacy => "privacy",
            Group::Economy => "economy",
            Group::Models => "language models",
            Group::Other => "other",
        }
    }
}

/// What a metric needs of the scenario to be worth showing.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Need {
    Always,
    /// A `[faults]` section.
    Faults,
    /// A `[privacy]` section.
    Privacy,
    /// Traffic revenue above zero.
    Traffic,
    /// Audits: an audit cost, or answers judged by `audit(p)`.
    Audit,
    /// An `[adaptation]` section.
    Adaptation,
    /// Model-backed workers.
    Models,
    /// Strategies that change during the run: `[adaptation]` or `policy` groups.
    Conduct,
    /// Institutions (`[[institution]]`).
    Institutions,
    /// Model-backed agents that may leave (`[decisions] can_leave`).
    Leaving,
    /// The model judge (`[consensus] rule = "judge"`).
    Judge,
    /// Prompt injection (`[injection]`).
    Injection,
}

use Group as G;
use Need as N;

/// Every metric of a run but the per-strategy ones: name, group, need, meaning.
#[rustfmt::skip]
const ENTRIES: &[(&str, Group, Need, &str)] = &[
    ("tasks_arrived", G::Tasks, N::Always, "tasks that arrived"),
    ("tasks_completed", G::Tasks, N::Always, "tasks finished (succeeded or not) by their deadline"),
    ("tasks_succeeded", G::Tasks, N::Always, "tasks whose value rule was met"),
    ("task_success_rate", G::Tasks, N::Always, "tasks succeeded / tasks completed"),
    ("subtask_accuracy", G::Tasks, N::Always, "subtasks resolved correct / subtasks resolved"),
    ("mean_latency_ticks", G::Tasks, N::Always, "mean ticks from a task's arrival to its end"),
    ("value_created", G::Tasks, N::Always, "value of the tasks that succeeded"),
    ("welfare", G::Tasks, N::Always, "value + traffic revenue − effort, participation and audit costs"),
    ("messages_total", G::Messages, N::Always, "messages sent, retries and privacy protocols included"),
    ("bytes_total", G::Messages, N::Always, "bytes those messages carried"),
    ("messages_per_task", G::Messages, N::Always, "messages / tasks arrived"),
    ("credit_paid", G::Credit, N::Always, "credit paid to agents"),
    ("credit_unallocated", G::Credit, N::Always, "credit the mechanism left unpaid (kept by the platform)"),
    ("budget_imbalance", G::Credit, N::Always, "mean |Σ shares − v(N)| / v(N) over tasks with value"),
    ("credit_truth_corr", G::Credit, N::Always, "rank correlation of credit paid with true (Shapley) contribution"),
    ("credit_truth_mae", G::Credit, N::Always, "mean |credit paid − true contribution| per agent"),
    ("credit_task_error", G::Credit, N::Always, "mean L1 distance of a task's allocation from its Shapley values, relative to its value"),
    ("gini_payoff", G::Credit, N::Always, "Gini coefficient of the owners' payoffs"),
    ("freerider_payoff_ratio", G::Credit, N::Always, "mean payoff of non-honest owners / mean payoff of honest agents"),
    ("freerider_payoff_gap", G::Credit, N::Always, "mean payoff of non-honest owners − mean payoff of honest agents"),
    ("credit_sampled_share", G::Credit, N::Always, "share of credited tasks whose allocation was sampled"),
    ("credit_evaluations", G::Credit, N::Always, "coalition values computed by the mechanism and the truth"),
    ("credit_failures", G::Credit, N::Always, "tasks the mechanism could not credit"),
    ("effort_mean_final", G::Payoffs, N::Always, "mean effort per subtask of the final agents (1 honest, 0 shirker)"),
    ("agents_final", G::Payoffs, N::Always, "agents present at the end"),
    ("payoff_rate_work", G::Payoffs, N::Conduct, "mean payoff per tick of an agent while it worked"),
    ("payoff_rate_shirk", G::Payoffs, N::Conduct, "mean payoff per tick of an agent while it shirked"),
    ("payoff_rate_copy", G::Payoffs, N::Conduct, "mean payoff per tick of an agent while it copied"),
    ("work_ticks_share", G::Payoffs, N::Conduct, "share of the agent-ticks played working"),
    ("share_final_institution", G::Population, N::Institutions, "share of the present agents in it at the end"),
    ("share_mean_institution", G::Population, N::Institutions, "mean over ticks of its share of the present agents"),
    ("payoff_rate_institution", G::Population, N::Institutions, "what an agent earned per tick in it"),
    ("institution_switches", G::Population, N::Institutions, "moves of agents between institutions"),
    ("retention_rate", G::Population, N::Adaptation, "share of the initial agents still present"),
    ("agents_entered", G::Population, N::Adaptation, "agents that entered during the run"),
    ("agents_left", G::Population, N::Adaptation, "agents that left during the run"),
    ("faults_fired", G::Faults, N::Faults, "faults that fired"),
    ("orchestrator_down_ticks", G::Faults, N::Faults, "ticks that began with the root coordinator down"),
    ("failovers", G::Faults, N::Faults, "coordinators replaced after a crash"),
    ("availability", G::Faults, N::Faults, "mean share of present agents reachable at the end of a tick"),
    ("private_tasks", G::Privacy, N::Privacy, "private tasks resolved"),
    ("private_success_rate", G::Privacy, N::Privacy, "share of private aggregates within tolerance"),
    ("privacy_error_mean", G::Privacy, N::Privacy, "mean |aggregate − true aggregate|"),
    ("epsilon_spent_mean", G::Privacy, N::Privacy, "ε spent per agent, mean"),
    ("epsilon_spent_max", G::Privacy, N::Privacy, "ε spent by the agent that spent most"),
    ("values_exposed", G::Privacy, N::Privacy, "private values the coordinator saw in the clear"),
    ("privacy_refusals", G::Privacy, N::Privacy, "participants that shared nothing, their budget spent"),
    ("privacy_messages", G::Privacy, N::Privacy, "extra messages of the privacy protocols"),
    ("privacy_compute_seconds", G::Privacy, N::Privacy, "modelled compute of the privacy protocols, seconds"),
    ("platform_revenue", G::Economy, N::Always, "fees + unallocated credit + traffic kept − audit costs"),
    ("effort_costs", G::Economy, N::Always, "what agents spent on effort"),
    ("participation_costs", G::Economy, N::Always, "what agents spent to take part"),
    ("audit_costs", G::Economy, N::Audit, "what audits cost the platform"),
    ("traffic_revenue", G::Economy, N::Traffic, "traffic revenue the tasks brought"),
    ("traffic_paid", G::Economy, N::Traffic, "traffic revenue passed on to agents"),
    ("llm_answers", G::Models, N::Models, "answers workers got from their models"),
    ("llm_accuracy", G::Models, N::Models, "share of those answers that were right"),
    ("llm_unparseable", G::Models, N::Models, "replies that could not be read as an answer"),
    ("llm_prompt_tokens", G::Models, N::Models, "prompt tokens"),
    ("llm_completion_tokens", G::Models, N::Models, "completion tokens"),
    ("llm_cost", G::Models, N::Models, "token cost"),
    ("llm_latency_mean_ms", G::Models, N::Models, "mean recorded latency of a call, ms"),
    ("decisions", G::Models, N::Models, "decisions asked of model-backed policies"),
    ("decision_fallbacks", G::Models, N::Models, "decisions whose reply was unusable (the strategy was kept)"),
    ("decided_work_share", G::Models, N::Models, "share of usable decisions to work (at any effort)"),
    ("decided_shirk_share", G::Models, N::Models, "share of usable decisions to shirk"),
    ("decided_copy_share", G::Models, N::Models, "share of usable decisions to copy"),
    ("judge_calls", G::Models, N::Judge, "subtasks whose answers disagreed, sent to the model judge"),
    ("judge_fallbacks", G::Models, N::Judge, "judge replies that were unusable (the majority was kept)"),
    ("judge_first_pick_share", G::Models, N::Judge, "share of the judge's picks that were the answer shown first"),
    ("judge_cost", G::Models, N::Judge, "the judge's token cost (a platform cost, in audit costs)"),
    ("injections", G::Models, N::Injection, "judge calls shown an injected (byzantine) answer among others"),
    ("injections_adopted", G::Models, N::Injection, "of those, the judge's picks of the injected answer"),
    ("injection_success_rate", G::Models, N::Injection, "injections adopted / injections: the attack success rate"),
    ("decided_leave_share", G::Models, N::Leaving, "share of usable decisions to leave for good"),
    ("decision_prompt_tokens", G::Models, N::Models, "prompt tokens of the decisions"),
    ("decision_completion_tokens", G::Models, N::Models, "reply tokens of the decisions"),
    ("decision_cost", G::Models, N::Models, "token cost of the decisions (an effort cost)"),
];

/// What the catalogue knows of a metric's name.
#[derive(Clone, Copy)]
enum Known {
    /// The entry at this position of [`ENTRIES`].
    Entry(usize),
    /// `payoff_mean_<s>` (`payoff`) or `share_final_<s>`, s the strategy at this position of
    /// [`STRATEGIES`].
    Strategy { payoff: bool, strategy: usize },
    /// `llm_<stat>[<profile>]`: the entry at this position of [`ENTRIES`], for one profile.
    Profile(usize),
    /// `<stat>_<name>` of an institution: the entry at this position of [`ENTRIES`] and where
    /// the name starts.
    Institution(usize, usize),
    /// A name the catalogue does not know.
    Unknown,
}

fn known(name: &str) -> Known {
    if let Some(i) = ENTRIES.iter().position(|e| e.0 == name) {
        return Known::Entry(i);
    }
    if let Some(entry) = profile_stat(name) {
        return Known::Profile(entry);
    }
    for stat in INSTITUTION_STATS {
        if let Some(rest) = name.strip_prefix(stat).and_then(|r| r.strip_prefix('_'))
            && !rest.is_empty()
            && let Some(i) = ENTRIES.iter().position(|e| e.0 == stat)
        {
            return Known::Institution(i, name.len() - rest.len());
        }
    }
    let strategy = |prefix: &str| {
        let s = name.strip_prefix(prefix)?;
        STRATEGIES.iter().position(|d| d.name == s)
    };
    match (strategy("payoff_mean_"), strategy("share_final_")) {
        (Some(strategy), _) => Known::Strategy {
            payoff: true,
            strategy,
        },
        (_, Some(strategy)) => Known::Strategy {
            payoff: false,
            strategy,
        },
        _ => Known::Unknown,
    }
}

/// The per-institution metrics, `<stat>_<name>`.
const INSTITUTION_STATS: [&str; 3] = [
    "share_final_institution",
    "share_mean_institution",
    "payoff_rate_institution",
];

/// The entry of a per-profile model metric `llm_<stat>[<profile>]`.
fn profile_stat(name: &str) -> Option<usize> {
    let (stat, rest) = name.split_once('[')?;
    let profile = rest.strip_suffix(']')?;
    if profile.is_empty() || !crate::sim::metrics::LLM_STATS.contains(&stat) {
        return None;
    }
    ENTRIES.iter().position(|e| e.0 == stat)
}

/// The profile of a per-profile model metric.
fn profile_of(name: &str) -> &str {
    name.split_once('[')
        .map_or("", |(_, r)| r.trim_end_matches(']'))
}

/// A metric's group and meaning; per-strategy metrics are `payoff_mean_<s>` and
/// `share_final_<s>`; a name the catalogue does not know is in [`Group::Other`].
pub fn describe(name: &str) -> (Group, String) {
    describe_known(known(name), name)
}

fn describe_known(k: Known, name: &str) -> (Group, String) {
    match k {
        Known::Entry(i) => (ENTRIES[i].1, ENTRIES[i].3.to_string()),
        Known::Profile(i) => (
            G::Models,
            format!("{}, profile `{}`", ENTRIES[i].3, profile_of(name)),
        ),
        Known::Institution(i, at) => (
            ENTRIES[i].1,
            format!("{}, institution `{}`", ENTRIES[i].3, &name[at..]),
        ),
        Known::Strategy { payoff, strategy } => {
            let s = STRATEGIES[strategy].name;
            let meaning = if payoff {
                format!("mean payoff (credit − costs) of owners playing `{s}`")
            } else {
                format!("share of `{s}` in the final population")
            };
            (G::Payoffs, meaning)
        }
        Known::Unknown => (G::Other, String::new()),
    }
}

/// One metric as shown.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// Its name.
    pub name: String,
    /// Its value.
    pub value: f64,
    /// What it means.
    pub meaning: String,
}

/// The metrics of a run by group, in [`Group::ALL`]'s order and the catalogue's within a group:
/// only those the scenario `resolved` uses, unless `all`; groups left empty are left out.
pub fn grouped(metrics: &Metrics, resolved: &Value, all: bool) -> Vec<(Group, Vec<Row>)> {
    let mut shown: Vec<(usize, Group, Row)> = metrics
        .0
        .iter()
        .map(|(name, value)| (known(name), name, value))
        .filter(|(k, name, _)| all || used(*k, name, metrics, resolved))
        .map(|(k, name, value)| {
            let (group, meaning) = describe_known(k, name);
            let row = Row {
                name: name.clone(),
                value: *value,
                meaning,
            };
            (rank(k), group, row)
        })
        .collect();
    shown.sort_by_key(|(rank, _, _)| *rank);
    Group::ALL
        .iter()
        .map(|&g| {
            let rows: Vec<Row> = shown
                .iter()
                .filter(|(_, group, _)| *group == g)
                .map(|(_, _, row)| row.clone())
                .collect();
            (g, rows)
        })
        .filter(|(_, rows)| !rows.is_empty())
        .collect()
}

/// Where a metric comes in its group: the catalogue's order, then payoffs and shares by
/// strategy in the registry's order, then names the catalogue does not know (so a summary read
/// back from `summary.json`, whose keys are sorted, is shown in the same order as the run's).
fn rank(k: Known) -> usize {
    match k {
        Known::Entry(i) => i,
        Known::Strategy {
            payoff: true,
            strategy,
        } => ENTRIES.len() + strategy,
        Known::Strategy {
            payoff: false,
            strategy,
        } => ENTRIES.len() + STRATEGIES.len() + strategy,
        Known::Profile(_) => ENTRIES.len() + 2 * STRATEGIES.len(),
        Known::Institution(i, _) => i,
        Known::Unknown => ENTRIES.len() + 2 * STRATEGIES.len() + 1,
    }
}

/// Whether the scenario `resolved` uses a metric: its entry's need is met, or, per strategy,
/// some owner plays the strategy or some final agent has it; per profile, the profile answered.
fn used(k: Known, name: &str, metrics: &Metrics, resolved: &Value) -> bool {
    match k {
        Known::Entry(i) => needs_met(ENTRIES[i].2, resolved),
        Known::Strategy { strategy, .. } => {
            let s = STRATEGIES[strategy].name;
            let played = metrics
                .get(&format!("payoff_mean_{s}"))
                .is_some_and(f64::is_finite);
            let present = metrics
                .get(&format!("share_final_{s}"))
                .is_some_and(|v| v > 0.0);
            played || present
        }
        Known::Profile(_) => {
            let answers = format!("llm_answers[{}]", profile_of(name));
            needs_met(Need::Models, resolved) && metrics.get(&answers).is_some_and(|v| v > 0.0)
        }
        Known::Institution(i, _) => needs_met(ENTRIES[i].2, resolved),
        Known::Unknown => true,
    }
}

fn needs_met(need: Need, r: &Value) -> bool {
    let present = |key: &str| r.get(key).is_some_and(|v| !v.is_null());
    let number = |a: &str, b: &str| r.pointer(&format!("/{a}/{b}")).and_then(Value::as_f64);
    match need {
        Need::Always => true,
        Need::Faults => present("faults"),
        Need::Privacy => present("privacy"),
        Need::Adaptation => present("adaptation"),
        Need::Models => present("llm"),
        Need::Conduct => present("adaptation") || present("decisions"),
        Need::Institutions => present("institution"),
        Need::Injection => present("injection"),
        Need::Judge => r.pointer("/consensus/rule") == Some(&Value::from("judge")),
        Need::Leaving => r.pointer("/decisions/can_leave") == Some(&Value::Bool(true)),
        Need::Traffic => number("economy", "traffic_revenue").is_some_and(|v| v > 0.0),
        Need::Audit => {
            number("consensus", "audit_cost").is_some_and(|v| v > 0.0)
                || r.pointer("/credit/observation")
                    .and_then(Value::as_str)
                    .is_some_and(|o| o.starts_with("audit"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn metrics(names: &[(&str, f64)]) -> Metrics {
        let mut m = Metrics::default();
        for (n, v) in names {
            m.push(*n, *v);
        }
        m
    }

    #[test]
    fn only_the_groups_a_scenario_uses_unless_all() {
        let m = metrics(&[
            ("tasks_arrived", 3.0),
            ("faults_fired", 0.0),
            ("epsilon_spent_mean", 0.0),
            ("payoff_mean_honest", 2.0),
            ("payoff_mean_sybil", f64::NAN),
            ("share_final_sybil", 0.0),
            ("traffic_revenue", 0.0),
            ("platform_revenue", 1.0),
        ]);
        let plain = serde_json::json!({"economy": {"traffic_revenue": 0.0}});
        let shown: Vec<String> = grouped(&m, &plain, false)
            .into_iter()
            .flat_map(|(_, rows)| rows.into_iter().map(|r| r.name))
            .collect();
        assert_eq!(
            shown,
            ["tasks_arrived", "payoff_mean_honest", "platform_revenue"]
        );
        let with = serde_json::json!({"faults": {"crash": 0.1}, "privacy": {"epsilon": 1.0},
            "economy": {"traffic_revenue": 2.0}});
        let groups: Vec<Group> = grouped(&m, &with, false).iter().map(|g| g.0).collect();
        assert_eq!(
            groups,
            [G::Tasks, G::Payoffs, G::Faults, G::Privacy, G::Economy]
        );
        let every: usize = grouped(&m, &plain, true).iter().map(|g| g.1.len()).sum();
        assert_eq!(every, 8);
    }

    #[test]
    fn per_profile_model_metrics_are_models_rows_shown_when_the_profile_answered() {
        let (group, meaning) = describe("llm_accuracy[qwen-15b]");
        assert_eq!(group, G::Models);
        assert_eq!(
            meaning,
            "share of those answers that were right, profile `qwen-15b`"
        );
        for other in [
            "llm_accuracy[]",
            "llm_accuracy[x",
            "payoff_mean[x]",
            "llm_foo[x]",
        ] {
            assert_eq!(describe(other).0, G::Other, "{other}");
        }
        let m = metrics(&[
            ("llm_answers", 3.0),
            ("llm_answers[a]", 3.0),
            ("llm_accuracy[a]", 1.0),
            ("llm_answers[b]", 0.0),
            ("llm_accuracy[b]", f64::NAN),
        ]);
        let with = serde_json::json!({"llm": {"cassette": "c.jsonl"}});
        let shown: Vec<String> = grouped(&m, &with, false)
            .into_iter()
            .flat_map(|(_, rows)| rows.into_iter().map(|r| r.name))
            .collect();
        assert_eq!(shown, ["llm_answers", "llm_answers[a]", "llm_accuracy[a]"]);
    }

    #[test]
    fn every_metric_of_a_run_is_catalogued() {
        for file in ["quickstart", "privacy", "resilience", "market"] {
            let path = format!("scenarios/{file}.toml");
            let sc =
                crate::scenario::load(std::path::Path::new(&path), &["ticks=5".into()]).unwrap();
            let out = crate::sim::run(&sc, 1);
            for (name, _) in &out.metrics.0 {
                assert_ne!(describe(name).0, G::Other, "{name} is not catalogued");
            }
        }
    }
}
