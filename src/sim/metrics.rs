//! The metrics of a run (design section 7), computed from the world when the run is over.
//!
//! Definitions (every ratio with a zero denominator is NaN, written `null` in JSON):
//! - `task_success_rate` = tasks succeeded / tasks completed;
//! - `subtask_accuracy` = subtasks resolved correct / subtasks resolved;
//! - `mean_latency_ticks` = mean over completed tasks of (finish tick - arrival tick);
//! - `messages_per_task` = messages / tasks arrived;
//! - `welfare` = value created + traffic revenue - effort costs - participation costs - audit
//!   costs (transfers between agents and platform cancel out);
//! - `platform_revenue` = fees + unallocated credit + traffic revenue - traffic revenue passed on
//!   - audit costs; `traffic_revenue` and `traffic_paid` are those two amounts;
//! - `payoff_mean_<s>` = mean over owners of strategy s of (credit - costs), where an owner is an
//!   agent, or a `sybil(k)` owner with the sum over its k identities;
//! - `share_final_<s>` = share of strategy s in the final population of agents (identities
//!   present at the end: agents that left are not counted);
//! - `agents_final` = agents present at the end; `retention_rate` = share of the initial agents
//!   still present; `agents_entered`, `agents_left` = entrants and leavers over the run;
//! - `freerider_payoff_ratio` = mean payoff of owners not playing `honest` / mean payoff of
//!   `honest` agents; `freerider_payoff_gap` = their difference (defined when the ratio's
//!   denominator is 0 or crosses it, so fit for variance-based sensitivity analysis);
//! - `effort_mean_final` = mean over the final agents of the effort their strategy puts into a
//!   subtask (1 for `honest`, e for `partial(e)`, 0 for `shirker`, ...);
//! - `gini_payoff` = Gini coefficient of the owners' payoffs, `Σ_i Σ_j |x_i - x_j| / (2 n² mean)`
//!   (NaN unless the mean payoff is positive);
//! - `budget_imbalance` = mean over tasks with `v(N) > 0` of `|Σ raw shares - v(N)| / v(N)`;
//! - `credit_truth_corr` = Spearman rank correlation, over the agents that took part in a
//!   finished task, between the credit each was paid and its true contribution (the sum of its
//!   ground-truth Shapley values); ties get their average rank;
//! - `credit_truth_mae` = mean over the same agents of |credit paid - true contribution|;
//! - `credit_task_error` = mean over paid tasks with distributable value D > 0 of
//!   `Σ_i |paid_i - φ_i| / D`, the L1 distance, per task and relative to its value, between the
//!   allocation and the task's true Shapley values (0 for exact Shapley under ground truth);
//! - `faults_fired` = faults that fired over the run (per tick in the time series);
//! - `private_tasks`, `private_success_rate` = private tasks resolved, and the share whose
//!   aggregate was within tolerance; `privacy_error_mean` = mean over private tasks with a report
//!   of |aggregate - true aggregate|; `epsilon_spent_mean`, `epsilon_spent_max` = ε spent per
//!   agent (mean over every agent of the run, and the largest); `values_exposed` = private values
//!   the coordinator saw in the clear; `privacy_refusals` = participants that shared nothing,
//!   their budget spent; `privacy_messages`, `privacy_compute_seconds` = the protocols' extra
//!   messages (also in `messages_total`) and modelled compute;
//! - `orchestrator_down_ticks` = ticks that began with the root coordinator down; `failovers` =
//!   coordinators replaced after a crash;
//! - `availability` = mean over ticks of the share of present agents that were reachable (up,
//!   not cut off, every coordinator on their path up) at the end of the tick;
//! - `credit_sampled_share` = share of credited tasks whose allocation was sampled;
//! - `credit_evaluations` = coalition values computed by the mechanism and the truth;
//! - with model-backed groups only: `llm_answers` = answers workers got from their models (one
//!   per worker and subtask, even when identical requests were one call), `llm_accuracy` = the
//!   share of them that were right, `llm_unparseable` = replies that could not be read as an
//!   answer (counted wrong), `llm_prompt_tokens`, `llm_completion_tokens` = their tokens (from
//!   the endpoint's `usage`), `llm_cost` = their token cost, `llm_latency_mean_ms` = their mean
//!   recorded latency; and the same per model profile, `llm_<stat>[<profile>]`
//!   (`llm_accuracy[careful]`), for every profile of the scenario.
//! - where strategies change during a run (`[adaptation]` or `policy` groups): `payoff_rate_work`,
//!   `payoff_rate_shirk`, `payoff_rate_copy` = the payoff an agent earned per tick while it
//!   played a strategy of that class (the sum over present agents and ticks of the tick's payoff
//!   change, by the class played in the tick, over the agent-ticks of the class), and
//!   `work_ticks_share` = the share of agent-ticks played working ([`super::conduct`]);
//! - with institutions: `share_final_institution_<name>` = the share of the present agents in
//!   it at the end; `share_mean_institution_<name>` = the mean over ticks of its share at the end
//!   of each; `payoff_rate_institution_<name>` = what an agent earned per tick in it (booked as
//!   `payoff_rate_<class>`); `institution_switches` = moves from one institution to another;
//! - under the `judge` consensus rule only: `judge_calls` = subtasks whose answers disagreed and
//!   went to the judge, `judge_fallbacks` = its unusable replies (the majority was kept),
//!   `judge_first_pick_share` = the share of its usable picks that were the answer shown first
//!   (about 1/n for a judge indifferent to position; 1 for one that always picks the first),
//!   `judge_cost` = its token cost (a platform cost, also in `audit_costs`);
//! - with `policy` groups only: `decisions` = decisions asked of their models,
//!   `decision_fallbacks` = those whose reply was unusable (the agent kept its strategy), and
//!   `decided_work_share`, `decided_shirk_share`, `decided_copy_share` = the shares of the usable
//!   ones that chose to work (at any effort), shirk and copy (and, where `can_leave`,
//!   `decided_leave_share` to leave; the four shares then sum to 1); `decision_prompt_tokens`,
//!   `decision_completion_tokens`, `decision_cost` = their tokens and token cost (paid by the
//!   deciding agents as effort cost).

use bevy_ecs::prelude::*;
use serde::ser::{Serialize, SerializeMap, Serializer};

use crate::sim::agents::{Agent, Member, Wallet};
use crate::sim::credit::Fairness;
use crate::sim::private::PrivacyAccounts;
use crate::sim::resources::{Clock, Ledger, LlmTally};
use crate::strategy::STRATEGIES;

/// Named metric values in a fixed order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Metrics(pub Vec<(String, f64)>);

impl Metrics {
    /// Adds a metric (a negative zero as 0: no output of lamas says `-0`).
    pub fn push(&mut self, name: impl Into<String>, value: f64) {
        self.0.push((name.into(), value + 0.0));
    }

    /// The value of a metric by name.
    pub fn get(&self, name: &str) -> Option<f64> {
        self.0.iter().find(|(n, _)| n == name).map(|(_, v)| *v)
    }
}

impl Serialize for Metrics {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            if v.is_finite() {
                m.serialize_entry(k, v)?;
            } else {
                m.serialize_entry(k, &Option::<f64>::None)?;
            }
        }
        m.end()
    }
}

/// Ranks of `xs` (1-based), ties sharing their average rank.
pub fn ranks(xs: &[f64]) -> Vec<f64> {
    let mut idx: Vec<usize> = (0..xs.len()).collect();
    idx.sort_by(|&a, &b| xs[a].total_cmp(&xs[b]));
    let mut r = vec![0.0; xs.len()];
    let mut i = 0;
    while i < idx.len() {
        let mut j = i;
        while j + 1 < idx.len() && xs[idx[j + 1]] == xs[idx[i]] {
            j += 1;
        }
        let avg = (i + j) as f64 / 2.0 + 1.0;
        for &k in &idx[i..=j] {
            r[k] = avg;
        }
        i = j + 1;
    }
    r
}

/// Pearson correlation (NaN when either side is constant or there are fewer than 2 points).
pub fn pearson(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len() as f64;
    if a.len() < 2 {
        return f64::NAN;
    }
    let (ma, mb) = (a.iter().sum::<f64>() / n, b.iter().sum::<f64>() / n);
    let (mut sab, mut saa, mut sbb) = (0.0, 0.0, 0.0);
    for (x, y) in a.iter().zip(b) {
        sab += (x - ma) * (y - mb);
        saa += (x - ma) * (x - ma);
        sbb += (y - mb) * (y - mb);
    }
    if saa == 0.0 || sbb == 0.0 {
        f64::NAN
    } else {
        sab / (saa * sbb).sqrt()
    }
}

/// Spearman rank correlation: Pearson on average ranks.
pub fn spearman(a: &[f64], b: &[f64]) -> f64 {
    pearson(&ranks(a), &ranks(b))
}

fn ratio(a: f64, b: f64) -> f64 {
    if b == 0.0 { f64::NAN } else { a / b }
}

/// Gini coefficient of `xs` (NaN for an empty list or a non-positive mean).
pub fn gini(xs: &[f64]) -> f64 {
    let n = xs.len();
    let mean = xs.iter().sum::<f64>() / n as f64;
    if n == 0 || mean.is_nan() || mean <= 0.0 {
        return f64::NAN;
    }
    let mut v = xs.to_vec();
    v.sort_by(f64::total_cmp);
    // Σ_i Σ_j |x_i - x_j| = 2 Σ_i (2i - n + 1) x_(i) over the sorted values (0-based i).
    let s: f64 = v
        .iter()
        .enumerate()
        .map(|(i, x)| (2.0 * i as f64 - n as f64 + 1.0) * x)
        .sum();
    s / (n as f64 * n as f64 * mean)
}

/// The metrics of the run in `world`.
pub fn summarise(world: &mut World) -> Metrics {
    let l = world.resource::<Ledger>().clone();
    let ticks = world.resource::<Clock>().tick;
    let census = Census::of(world);
    let members = institution_members(world);
    let mut m = Metrics::default();
    push_tasks(&mut m, &l);
    push_privacy(&mut m, &l, world);
    push_faults_and_costs(&mut m, &l, ticks);
    push_credit(&mut m, &l, world.resource::<Fairness>());
    census.push(&mut m);
    let sc = &world.resource::<crate::sim::resources::Params>().0;
    if sc.tracks_conduct() {
        push_conduct(&mut m, world.resource::<super::conduct::Conduct>());
    }
    if !sc.institutions.is_empty() {
        push_institutions(&mut m, sc, world.resource(), &members, &l);
    }
    if sc.consensus.rule == crate::rules::consensus::ConsensusRule::Judge {
        push_judge(&mut m, &l, sc.injection.is_some());
    }
    if sc.decides() {
        push_decisions(
            &mut m,
            &l,
            sc.decisions.as_ref().is_some_and(|d| d.can_leave),
        );
    }
    if sc.groups.iter().any(crate::scenario::Group::model_backed) {
        let profiles = sc.llm.as_ref().map_or(&[][..], |s| &s.profiles[..]);
        push_llm(&mut m, &l, profiles);
    }
    m
}

/// The population at the end of a run: head counts and shares of the present agents, and the
/// payoffs of owners (a `sybil(k)` owner once, with the sum over its identities), including the
/// agents that left (what they earned is final).
struct Census {
    present: usize,
    effort_final: f64,
    initial: usize,
    retained: usize,
    entered: usize,
    left: usize,
    /// Present agents per strategy.
    count: Vec<usize>,
    /// Every owner's payoff.
    payoffs: Vec<f64>,
    /// Owners and their payoffs per strategy.
    owners: Vec<usize>,
    sum: Vec<f64>,
    /// Honest owners and the others: how many, and their payoffs.
    honest: (usize, f64),
    others: (usize, f64),
}

impl Census {
    fn of(world: &mut World) -> Census {
        let fairness = world.resource::<Fairness>().0.clone();
        let mut q = world.query::<(&Agent, &Wallet, &Member)>();
        let k = STRATEGIES.len();
        // Shares count agents; payoffs count owners (a `sybil(k)` owner once, with the sum over its
        // identities; every other agent is its own owner).
        let rows: Vec<(u32, u32, usize, bool, f64)> = q
            .iter(world)
            .map(|(a, w, _)| {
                let i = a.strategy.index();
                (
                    a.id,
                    a.owner,
                    i,
                    a.strategy.behaviour().is_honest(),
                    w.payoff(fairness[a.id as usize].credit),
                )
            })
            .collect();
        // Shares, efforts and head counts are of the present population; payoffs include the agents
        // that left (what they earned is final).
        let (mut present, mut effort_final) = (0usize, 0.0);
        let (mut initial, mut retained, mut entered, mut left) = (0usize, 0usize, 0usize, 0usize);
        let mut count = vec![0usize; k];
        for (a, _, m) in q.iter(world) {
            if m.joined == 0 {
                initial += 1;
                retained += usize::from(m.present());
            } else {
                entered += 1;
            }
            if !m.present() {
                left += 1;
                continue;
            }
            present += 1;
            effort_final += a.strategy.behaviour().work().effort;
            count[a.strategy.index()] += 1;
        }
        let mut owner_payoff = vec![0.0; rows.len()];
        for &(_, owner, _, _, p) in &rows {
            owner_payoff[owner as usize] += p;
        }
        let mut payoffs = Vec::new();
        let (mut owners, mut sum) = (vec![0usize; k], vec![0.0; k]);
        let (mut honest_n, mut honest_sum, mut other_n, mut other_sum) = (0usize, 0.0, 0usize, 0.0);
        for &(id, owner, i, honest, _) in &rows {
            if id != owner {
                continue;
            }
            let p = owner_payoff[id as usize];
            payoffs.push(p);
            owners[i] += 1;
            sum[i] += p;
            if honest {
                honest_n += 1;
                honest_sum += p;
            } else {
                other_n += 1;
                other_sum += p;
            }
        }
        Census {
            present,
            effort_final,
            initial,
            retained,
            entered,
            left,
            count,
            payoffs,
            owners,
            sum,
            honest: (honest_n, honest_sum),
            others: (other_n, other_sum),
        }
    }

    /// Payoffs and shares per strategy, the free-riders' ratio, inequality and head counts.
    fn push(&self, m: &mut Metrics) {
        for (i, def) in STRATEGIES.iter().enumerate() {
            m.push(
                format!("payoff_mean_{}", def.name),
                ratio(self.sum[i], self.owners[i] as f64),
            );
        }
        for (i, def) in STRATEGIES.iter().enumerate() {
            m.push(
                format!("share_final_{}", def.name),
                ratio(self.count[i] as f64, self.present as f64),
            );
        }
        m.push(
            "freerider_payoff_ratio",
            ratio(
                ratio(self.others.1, self.others.0 as f64),
                ratio(self.honest.1, self.honest.0 as f64),
            ),
        );
        m.push(
            "freerider_payoff_gap",
            ratio(self.others.1, self.others.0 as f64) - ratio(self.honest.1, self.honest.0 as f64),
        );
        m.push("gini_payoff", gini(&self.payoffs));
        m.push(
            "effort_mean_final",
            ratio(self.effort_final, self.present as f64),
        );
        m.push("agents_final", self.present as f64);
        m.push(
            "retention_rate",
            ratio(self.retained as f64, self.initial as f64),
        );
        m.push("agents_entered", self.entered as f64);
        m.push("agents_left", self.left as f64);
    }
}

/// What agents earned per tick while they worked, shirked and copied, and the share of
/// agent-ticks spent working ([`super::conduct`]).
fn push_conduct(m: &mut Metrics, c: &super::conduct::Conduct) {
    for (i, (_, name)) in super::conduct::CLASSES.iter().enumerate() {
        m.push(
            format!("payoff_rate_{name}"),
            ratio(c.payoff[i], c.ticks[i] as f64),
        );
    }
    let all: u64 = c.ticks.iter().sum();
    m.push("work_ticks_share", ratio(c.ticks[0] as f64, all as f64));
}

/// Present agents per institution at the end (by index; as many as the highest index seen).
fn institution_members(world: &mut World) -> Vec<u64> {
    let mut end: Vec<u64> = Vec::new();
    let mut q = world.query::<&Member>();
    for member in q.iter(world).filter(|m| m.present()) {
        let k = member.institution as usize;
        if end.len() <= k {
            end.resize(k + 1, 0);
        }
        end[k] += 1;
    }
    end
}

/// Per institution: the share of the present agents in it at the end and over the run, and
/// what an agent earned per tick in it; and how often agents moved.
fn push_institutions(
    m: &mut Metrics,
    sc: &crate::scenario::Scenario,
    c: &super::conduct::Conduct,
    end: &[u64],
    l: &Ledger,
) {
    let present: u64 = end.iter().sum();
    for (i, inst) in sc.institutions.iter().enumerate() {
        let (payoff, ticks, shares) = c.institutions.get(i).copied().unwrap_or_default();
        let name = &inst.name;
        let at_end = end.get(i).copied().unwrap_or(0);
        m.push(
            format!("share_final_institution_{name}"),
            ratio(at_end as f64, present as f64),
        );
        m.push(
            format!("share_mean_institution_{name}"),
            ratio(shares, c.recorded as f64),
        );
        m.push(
            format!("payoff_rate_institution_{name}"),
            ratio(payoff, ticks as f64),
        );
    }
    m.push("institution_switches", l.institution_switches as f64);
}

/// Tasks, messages, value, welfare and the platform's revenue.
fn push_tasks(m: &mut Metrics, l: &Ledger) {
    m.push("tasks_arrived", l.tasks_arrived as f64);
    m.push("tasks_completed", l.tasks_completed as f64);
    m.push("tasks_succeeded", l.tasks_succeeded as f64);
    m.push(
        "task_success_rate",
        ratio(l.tasks_succeeded as f64, l.tasks_completed as f64),
    );
    m.push(
        "subtask_accuracy",
        ratio(l.subtasks_correct as f64, l.subtasks_resolved as f64),
    );
    m.push(
        "mean_latency_ticks",
        ratio(l.latency_sum as f64, l.tasks_completed as f64),
    );
    m.push("messages_total", l.messages as f64);
    m.push("bytes_total", l.bytes as f64);
    m.push(
        "messages_per_task",
        ratio(l.messages as f64, l.tasks_arrived as f64),
    );
    m.push("value_created", l.value_created);
    m.push(
        "welfare",
        l.value_created + l.traffic_revenue
            - l.effort_costs
            - l.participation_costs
            - l.audit_costs,
    );
    m.push(
        "platform_revenue",
        l.platform_fees + l.credit_unallocated + l.traffic_revenue - l.traffic_paid - l.audit_costs,
    );
    m.push("faults_fired", l.faults_fired as f64);
}

/// Private tasks and the ε spent per agent of the initial and entered population (0 for agents
/// that never shared).
fn push_privacy(m: &mut Metrics, l: &Ledger, world: &World) {
    // ε spent per agent of the initial and entered population (0 for agents that never shared).
    let (epsilon_spent_mean, epsilon_spent_max) = {
        let spent = &world.resource::<PrivacyAccounts>().epsilon;
        let n = world
            .resource::<crate::sim::agents::Roster>()
            .entities
            .len();
        let total: f64 = spent.iter().sum();
        let max = spent.iter().copied().fold(0.0, f64::max);
        (ratio(total, n as f64), max)
    };
    m.push("private_tasks", l.private_tasks as f64);
    m.push(
        "private_success_rate",
        ratio(l.private_succeeded as f64, l.private_tasks as f64),
    );
    m.push(
        "privacy_error_mean",
        ratio(l.privacy_error_sum, l.privacy_error_tasks as f64),
    );
    m.push("epsilon_spent_mean", epsilon_spent_mean);
    m.push("epsilon_spent_max", epsilon_spent_max);
    m.push("values_exposed", l.values_exposed as f64);
    m.push("privacy_refusals", l.privacy_refusals as f64);
    m.push("privacy_messages", l.privacy_messages as f64);
    m.push("privacy_compute_seconds", l.privacy_compute_seconds);
}

/// Coordinators down, availability, and the money that moved.
fn push_faults_and_costs(m: &mut Metrics, l: &Ledger, ticks: u32) {
    m.push("orchestrator_down_ticks", l.orchestrator_down_ticks as f64);
    m.push("failovers", l.failovers as f64);
    m.push(
        "availability",
        ratio(l.reachable_share_sum, f64::from(ticks)),
    );
    m.push("traffic_revenue", l.traffic_revenue);
    m.push("traffic_paid", l.traffic_paid);
    m.push("credit_paid", l.credit_paid);
    m.push("credit_unallocated", l.credit_unallocated);
    m.push("effort_costs", l.effort_costs);
    m.push("participation_costs", l.participation_costs);
    m.push("audit_costs", l.audit_costs);
    m.push(
        "budget_imbalance",
        ratio(l.imbalance_sum, l.imbalance_tasks as f64),
    );
}

/// Credit against the truth game, and what the mechanism cost.
fn push_credit(m: &mut Metrics, l: &Ledger, f: &Fairness) {
    let (paid, truth): (Vec<f64>, Vec<f64>) =
        f.0.iter()
            .filter(|s| s.took_part)
            .map(|s| (s.credit, s.truth))
            .unzip();
    m.push("credit_truth_corr", spearman(&paid, &truth));
    let mae = paid
        .iter()
        .zip(&truth)
        .map(|(a, b)| (a - b).abs())
        .sum::<f64>();
    m.push("credit_truth_mae", ratio(mae, paid.len() as f64));
    m.push(
        "credit_task_error",
        ratio(l.task_error_sum, l.task_error_tasks as f64),
    );
    m.push(
        "credit_sampled_share",
        ratio(l.credit_sampled_tasks as f64, l.tasks_credited as f64),
    );
    m.push("credit_evaluations", l.credit_evaluations as f64);
    m.push("credit_failures", l.credit_failures as f64);
}

/// The metrics of model-backed workers (only for scenarios that have some): in all, then per
/// profile of the scenario, in file order, as `llm_<stat>[<profile>]` (a profile no worker asked
/// has 0 answers and NaN ratios).
fn push_llm(m: &mut Metrics, l: &Ledger, profiles: &[crate::llm::Profile]) {
    push_tally(m, &l.llm, "");
    for (i, p) in profiles.iter().enumerate() {
        let tally = l.llm_by_profile.get(i).cloned().unwrap_or_default();
        push_tally(m, &tally, &format!("[{}]", p.name));
    }
}

/// The names of the per-profile model metrics, without their `[<profile>]`.
pub const LLM_STATS: [&str; 7] = [
    "llm_answers",
    "llm_accuracy",
    "llm_unparseable",
    "llm_prompt_tokens",
    "llm_completion_tokens",
    "llm_cost",
    "llm_latency_mean_ms",
];

fn push_tally(m: &mut Metrics, t: &LlmTally, suffix: &str) {
    let answers = t.answers as f64;
    let values = [
        answers,
        ratio(t.correct as f64, answers),
        t.unparseable as f64,
        t.prompt_tokens as f64,
        t.completion_tokens as f64,
        t.cost,
        ratio(t.latency_ms, answers),
    ];
    for (name, value) in LLM_STATS.iter().zip(values) {
        m.push(format!("{name}{suffix}"), value);
    }
}

/// The model judge's metrics.
fn push_judge(m: &mut Metrics, l: &Ledger, injection: bool) {
    let usable = l.judge_calls - l.judge_fallbacks;
    m.push("judge_calls", l.judge_calls as f64);
    m.push("judge_fallbacks", l.judge_fallbacks as f64);
    m.push(
        "judge_first_pick_share",
        ratio(l.judge_first_picks as f64, usable as f64),
    );
    m.push("judge_cost", l.judge_cost);
    if injection {
        m.push("injections", l.injections as f64);
        m.push("injections_adopted", l.injections_adopted as f64);
        m.push(
            "injection_success_rate",
            ratio(l.injections_adopted as f64, l.injections as f64),
        );
    }
}

/// The decision metrics of model-backed policies (`decided_leave_share` where agents may leave).
fn push_decisions(m: &mut Metrics, l: &Ledger, can_leave: bool) {
    let usable = l.decided_work + l.decided_shirk + l.decided_copy + l.decided_leave;
    let share = |k: u64| ratio(k as f64, usable as f64);
    m.push("decisions", l.decisions as f64);
    m.push("decision_fallbacks", l.decision_fallbacks as f64);
    m.push("decided_work_share", share(l.decided_work));
    m.push("decided_shirk_share", share(l.decided_shirk));
    m.push("decided_copy_share", share(l.decided_copy));
    if can_leave {
        m.push("decided_leave_share", share(l.decided_leave));
    }
    m.push("decision_prompt_tokens", l.decision_prompt_tokens as f64);
    m.push(
        "decision_completion_tokens",
        l.decision_completion_tokens as f64,
    );
    m.push("decision_cost", l.decision_cost);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn undefined_is_null_and_overflowed_is_an_error() {
        let mut m = Metrics::default();
        m.push("ratio", f64::NAN);
        m.push("zero", -0.0);
        let json = serde_json::to_string(&m).unwrap();
        assert_eq!(json, r#"{"ratio":null,"zero":0.0}"#);
        assert_eq!(crate::sim::overflowed(&m), None);
        m.push("welfare", f64::INFINITY);
        m.push("loss", f64::NEG_INFINITY);
        assert_eq!(crate::sim::overflowed(&m), Some("welfare"));
        let stop = crate::llm::Stop::Overflow {
            metric: "welfare".into(),
        };
        assert!(stop.to_string().contains("`welfare` overflowed"), "{stop}");
    }

    #[test]
    fn gini_known_values() {
        assert_eq!(gini(&[1.0, 1.0, 1.0]), 0.0);
        // One agent has everything: (n - 1) / n.
        assert!((gini(&[0.0, 0.0, 0.0, 4.0]) - 0.75).abs() < 1e-12);
        // Brute force on an uneven list.
        let xs = [1.0, 3.0, 7.0, 2.0];
        let mean = xs.iter().sum::<f64>() / 4.0;
        let brute: f64 = xs
            .iter()
            .flat_map(|a| xs.iter().map(move |b| (a - b).abs()))
            .sum::<f64>()
            / (2.0 * 16.0 * mean);
        assert!((gini(&xs) - brute).abs() < 1e-12);
        assert!(gini(&[-1.0, 1.0]).is_nan());
    }

    #[test]
    fn spearman_known_values() {
        assert_eq!(ranks(&[10.0, 30.0, 20.0, 20.0]), vec![1.0, 4.0, 2.5, 2.5]);
        assert!((spearman(&[1.0, 2.0, 3.0], &[10.0, 20.0, 35.0]) - 1.0).abs() < 1e-12);
        assert!((spearman(&[1.0, 2.0, 3.0], &[3.0, 2.0, 1.0]) + 1.0).abs() < 1e-12);
        // Textbook: d = (0, -1, 1, 0, 0) ranks, rho = 1 - 6 Σd² / (n (n² - 1)) = 1 - 12/120 = 0.9.
        assert!(
            (spearman(&[1.0, 2.0, 3.0, 4.0, 5.0], &[1.0, 3.0, 2.0, 4.0, 5.0]) - 0.9).abs() < 1e-12
        );
        assert!(spearman(&[1.0, 1.0], &[1.0, 2.0]).is_nan());
    }
}
