//! Phase 10, adaptation: strategy revision by pairwise imitation with the Fermi rule.
//!
//! At the end of every `every`-th tick (ticks `every - 1`, `2 every - 1`, ...), each agent of an
//! adaptive group, in id order, revises (stream `adaptation`): with probability `mu` it adopts a
//! strategy drawn uniformly from the mutation pool; otherwise it picks another adaptive agent j
//! uniformly and adopts j's strategy with probability `1 / (1 + exp(-beta (π_j - π_i)))`, where π
//! is each agent's profit (credit less costs) since the previous round. Revisions are
//! synchronous: every agent compares the strategies held at the start of the round.

use bevy_ecs::prelude::*;

use super::agents::{AgentStrategy, Roster, Wallet};
use super::resources::{Clock, Params, Streams};
use crate::dist::{below, chance};

/// Each agent's payoff at the previous revision round, by agent id.
#[derive(Resource, Debug, Default)]
pub struct Revisions {
    /// Payoff at the last round.
    pub last: Vec<f64>,
}

/// The probability that an agent with profit `own` imitates one with profit `other`.
pub fn fermi(beta: f64, own: f64, other: f64) -> f64 {
    1.0 / (1.0 + (-beta * (other - own)).exp())
}

/// Revises the strategies of adaptive agents every `every` ticks.
pub fn revise_strategies(
    params: Res<Params>,
    clock: Res<Clock>,
    roster: Res<Roster>,
    mut streams: ResMut<Streams>,
    mut revisions: ResMut<Revisions>,
    mut agents: Query<(&mut AgentStrategy, &Wallet)>,
) {
    let sc = &params.0;
    let Some(a) = &sc.adaptation else {
        return;
    };
    if !(clock.tick + 1).is_multiple_of(a.every) {
        return;
    }
    let n = roster.entities.len();
    revisions.last.resize(n, 0.0);
    let mut strategy = Vec::with_capacity(n);
    let mut profit = Vec::with_capacity(n);
    let mut payoff = Vec::with_capacity(n);
    for (id, &e) in roster.entities.iter().enumerate() {
        let Ok((s, w)) = agents.get(e) else {
            return;
        };
        strategy.push(s.0);
        payoff.push(w.payoff());
        profit.push(w.payoff() - revisions.last[id]);
    }
    let pool: Vec<usize> = (0..n)
        .filter(|&i| sc.groups[roster.groups[i] as usize].adaptive)
        .collect();
    let rng = &mut streams.adaptation;
    let mut next = strategy.clone();
    for (k, &i) in pool.iter().enumerate() {
        if !a.strategies.is_empty() && chance(rng, a.mu) {
            next[i] = a.strategies[below(rng, a.strategies.len() as u64) as usize];
            continue;
        }
        if pool.len() < 2 {
            continue;
        }
        // A uniform other member of the pool: draw among the others, skipping i's own place.
        let mut m = below(rng, pool.len() as u64 - 1) as usize;
        if m >= k {
            m += 1;
        }
        let j = pool[m];
        if chance(rng, fermi(a.beta, profit[i], profit[j])) {
            next[i] = strategy[j];
        }
    }
    for (id, &e) in roster.entities.iter().enumerate() {
        if let Ok((mut s, _)) = agents.get_mut(e)
            && s.0 != next[id]
        {
            s.0 = next[id];
        }
    }
    revisions.last = payoff;
}

#[cfg(test)]
mod tests {
    use super::fermi;

    #[test]
    fn fermi_rule_by_hand() {
        // Equal profits: a coin flip. beta = 0: always a coin flip. Large advantage: near 1.
        assert_eq!(fermi(1.0, 3.0, 3.0), 0.5);
        assert_eq!(fermi(0.0, 0.0, 100.0), 0.5);
        assert!((fermi(1.0, 0.0, 2.0) - 1.0 / (1.0 + (-2.0f64).exp())).abs() < 1e-15);
        assert!(fermi(10.0, 0.0, 5.0) > 0.999_999);
        assert!(fermi(10.0, 5.0, 0.0) < 1e-6);
    }
}
