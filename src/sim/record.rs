//! Phase 12, record: one row of per-tick metrics into plain column buffers. Polars is used only
//! outside the world, when the run is over.

use bevy_ecs::prelude::*;

use super::agents::{Agent, Member, Roster, Wallet};
use super::credit::Fairness;
use super::reach::Reach;
use super::resources::{Clock, Ledger, Params, TickCounters};
use crate::strategy::STRATEGIES;

/// The time series of a run: one entry per tick in every column.
#[derive(Resource, Debug, Default, Clone, PartialEq)]
pub struct Series {
    /// Tick.
    pub tick: Vec<u32>,
    /// Tasks arrived in the tick.
    pub tasks_arrived: Vec<u64>,
    /// Tasks completed in the tick.
    pub tasks_completed: Vec<u64>,
    /// Tasks that succeeded in the tick.
    pub tasks_succeeded: Vec<u64>,
    /// Value realised in the tick.
    pub value: Vec<f64>,
    /// Message transmissions in the tick.
    pub messages: Vec<u64>,
    /// Bytes sent in the tick.
    pub bytes: Vec<u64>,
    /// Agents up at the end of the tick.
    pub agents_up: Vec<u32>,
    /// Agents reachable at the end of the tick: present, up, not cut off, and with every
    /// coordinator on their path up (the workers that can be given work).
    pub agents_reachable: Vec<u32>,
    /// Faults fired in the tick.
    pub faults: Vec<u64>,
    /// Per strategy of [`STRATEGIES`], in that order: share of the present population.
    pub share: Vec<Vec<f64>>,
    /// Per strategy: mean payoff so far of its owners (agents; a `sybil(k)` owner counts once
    /// with all its identities' payoffs), NaN when it has none.
    pub payoff_mean: Vec<Vec<f64>>,
    /// Columns only some scenarios have, by name, in the order they were first pushed (one
    /// entry per tick each): `work_share` and `effort_mean` ([`super::conduct`]), the shares of
    /// institutions.
    pub extra: Vec<(String, Vec<f64>)>,
}

impl Series {
    /// Appends this tick's value of the extra column `name` (created on first use).
    pub fn push_extra(&mut self, name: &str, value: f64) {
        match self.extra.iter_mut().find(|(n, _)| n == name) {
            Some((_, column)) => column.push(value),
            None => self.extra.push((name.to_string(), vec![value])),
        }
    }
}

/// Appends this tick's row and resets the tick's counters.
#[allow(clippy::too_many_arguments)]
pub fn record_tick(
    params: Res<Params>,
    clock: Res<Clock>,
    reach: Res<Reach>,
    roster: Res<Roster>,
    mut ledger: ResMut<Ledger>,
    mut counters: ResMut<TickCounters>,
    mut series: ResMut<Series>,
    fairness: Res<Fairness>,
    agents: Query<(&Agent, &Wallet, &Member)>,
) {
    let c = std::mem::take(&mut *counters);
    let s = &mut *series;
    s.tick.push(clock.tick);
    s.tasks_arrived.push(c.arrived);
    s.tasks_completed.push(c.completed);
    s.tasks_succeeded.push(c.succeeded);
    s.value.push(c.value);
    s.messages.push(c.messages);
    s.bytes.push(c.bytes);
    s.faults.push(c.faults);
    const K: usize = STRATEGIES.len();
    let (mut count, mut owners, mut payoff) = ([0u64; K], [0u64; K], [0.0f64; K]);
    let mut up = 0u32;
    let mut reachable = 0u32;
    let mut n = 0u64;
    let topology = params.0.topology;
    let everyone = roster.entities.len();
    let all_reachable = reach.everyone_reachable();
    for (agent, wallet, member) in &agents {
        let i = agent.strategy.index();
        owners[i] += u64::from(agent.id == agent.owner);
        payoff[i] += wallet.payoff(fairness.0[agent.id as usize].credit);
        if !member.present() {
            continue;
        }
        count[i] += 1;
        up += u32::from(agent.up);
        reachable += u32::from(
            agent.up && (all_reachable || reach.reachable(&topology, agent.id, everyone)),
        );
        n += 1;
    }
    s.agents_up.push(up);
    s.agents_reachable.push(reachable);
    if n > 0 {
        ledger.reachable_share_sum += f64::from(reachable) / n as f64;
    }
    if s.share.len() < K {
        s.share.resize(K, Vec::new());
        s.payoff_mean.resize(K, Vec::new());
    }
    for i in 0..K {
        s.share[i].push(if n > 0 {
            count[i] as f64 / n as f64
        } else {
            f64::NAN
        });
        s.payoff_mean[i].push(if owners[i] > 0 {
            payoff[i] / owners[i] as f64
        } else {
            f64::NAN
        });
    }
}

/// Position of a strategy name in [`STRATEGIES`].
pub fn strategy_index(name: &str) -> usize {
    STRATEGIES.iter().position(|d| d.name == name).unwrap_or(0)
}
