//! The metrics of a run (design section 7), computed from the world when the run is over.
//!
//! Definitions (every ratio with a zero denominator is NaN, written `null` in JSON):
//! - `task_success_rate` = tasks succeeded / tasks completed;
//! - `subtask_accuracy` = subtasks resolved correct / subtasks resolved;
//! - `mean_latency_ticks` = mean over completed tasks of (finish tick - arrival tick);
//! - `messages_per_task` = messages / tasks arrived;
//! - `welfare` = value created - effort costs - participation costs - audit costs (transfers
//!   between agents and platform cancel out);
//! - `platform_revenue` = fees + unallocated credit - audit costs;
//! - `payoff_mean_<s>` = mean over agents of strategy s of (credit - costs);
//! - `share_final_<s>` = share of strategy s in the final population;
//! - `freerider_payoff_ratio` = mean payoff of agents not playing `honest` / mean payoff of
//!   `honest` agents;
//! - `gini_payoff` = Gini coefficient of the agents' payoffs, `Σ_i Σ_j |x_i - x_j| / (2 n² mean)`
//!   (NaN unless the mean payoff is positive);
//! - `budget_imbalance` = mean over tasks with `v(N) > 0` of `|Σ raw shares - v(N)| / v(N)`.

use bevy_ecs::prelude::*;
use serde::ser::{Serialize, SerializeMap, Serializer};

use crate::sim::agents::{AgentStrategy, Up, Wallet};
use crate::sim::resources::Ledger;
use crate::strategy::STRATEGIES;

/// Named metric values in a fixed order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Metrics(pub Vec<(String, f64)>);

impl Metrics {
    /// Adds a metric.
    pub fn push(&mut self, name: impl Into<String>, value: f64) {
        self.0.push((name.into(), value));
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
    let mut q = world.query::<(&AgentStrategy, &Wallet, &Up)>();
    let mut payoffs = Vec::new();
    let k = STRATEGIES.len();
    let (mut count, mut sum) = (vec![0usize; k], vec![0.0; k]);
    let (mut honest_n, mut honest_sum, mut other_n, mut other_sum) = (0usize, 0.0, 0usize, 0.0);
    for (s, w, _) in q.iter(world) {
        let p = w.payoff();
        payoffs.push(p);
        let i = crate::sim::record::strategy_index(s.0.name());
        count[i] += 1;
        sum[i] += p;
        if s.0.behaviour().is_honest() {
            honest_n += 1;
            honest_sum += p;
        } else {
            other_n += 1;
            other_sum += p;
        }
    }
    let n = payoffs.len();
    let mut m = Metrics::default();
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
        l.value_created - l.effort_costs - l.participation_costs - l.audit_costs,
    );
    m.push(
        "platform_revenue",
        l.platform_fees + l.credit_unallocated - l.audit_costs,
    );
    m.push("credit_paid", l.credit_paid);
    m.push("credit_unallocated", l.credit_unallocated);
    m.push("effort_costs", l.effort_costs);
    m.push("participation_costs", l.participation_costs);
    m.push("audit_costs", l.audit_costs);
    m.push(
        "budget_imbalance",
        ratio(l.imbalance_sum, l.imbalance_tasks as f64),
    );
    for (i, def) in STRATEGIES.iter().enumerate() {
        m.push(
            format!("payoff_mean_{}", def.name),
            ratio(sum[i], count[i] as f64),
        );
    }
    for (i, def) in STRATEGIES.iter().enumerate() {
        m.push(
            format!("share_final_{}", def.name),
            ratio(count[i] as f64, n as f64),
        );
    }
    m.push(
        "freerider_payoff_ratio",
        ratio(
            ratio(other_sum, other_n as f64),
            ratio(honest_sum, honest_n as f64),
        ),
    );
    m.push("gini_payoff", gini(&payoffs));
    m.push("agents_final", n as f64);
    m
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
