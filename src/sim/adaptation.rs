//! Phase 10, adaptation: strategy revision by pairwise imitation with the Fermi rule.
//!
//! At the end of every `every`-th tick (ticks `every - 1`, `2 every - 1`, ...) a round: first,
//! every present adaptive agent whose profit π since the previous round is below
//! `exit_threshold` leaves for good; then each remaining adaptive agent, in id order, revises
//! (stream `adaptation`): with probability `mu` it adopts a strategy drawn uniformly from the
//! mutation pool; otherwise it picks another remaining adaptive agent j uniformly and adopts j's
//! strategy with probability `1 / (1 + exp(-beta (π_j - π_i)))`. Revisions are synchronous:
//! every agent compares the strategies held at the start of the round. Last, Poisson(`entry_rate`)
//! entrants join ([`admit_entrants`]) with strategies drawn uniformly from `entry_strategies` and
//! the parameters of `entry_group`.

use bevy_ecs::prelude::*;

use rand_distr::{Distribution, Poisson};

use super::agents::{Agent, Loads, Member, Roster, Skills, Wallet};
use super::credit::{FairShare, Fairness};
use super::resources::{Clock, Params, Streams};
use crate::dist::{below, chance};
use crate::strategy::Strategy;

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
    fairness: Res<Fairness>,
    mut agents: Query<(&mut Agent, &Wallet, &mut Member)>,
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
    let mut present = Vec::with_capacity(n);
    for (id, &e) in roster.entities.iter().enumerate() {
        let Ok((agent, w, m)) = agents.get(e) else {
            return;
        };
        strategy.push(agent.strategy);
        let credit = fairness.0[id].credit;
        payoff.push(w.payoff(credit));
        profit.push(w.payoff(credit) - revisions.last[id]);
        present.push(m.present());
    }
    let adaptive = |i: usize| present[i] && sc.groups[roster.groups[i] as usize].adaptive;
    // Exit: adaptive agents whose profit over the round is below the threshold.
    let mut leaving = vec![false; n];
    if let Some(t) = a.exit_threshold {
        for i in (0..n).filter(|&i| adaptive(i)) {
            leaving[i] = profit[i] < t;
        }
    }
    let pool: Vec<usize> = (0..n).filter(|&i| adaptive(i) && !leaving[i]).collect();
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
        if let Ok((mut agent, _, mut m)) = agents.get_mut(e) {
            agent.strategy = next[id];
            if leaving[id] {
                m.left = Some(clock.tick);
                agent.up = false;
            }
        }
    }
    revisions.last = payoff;
}

/// Admits the round's entrants (after [`revise_strategies`], on the same ticks): Poisson
/// (`entry_rate`) new agents with the next ids, strategies drawn uniformly from
/// `entry_strategies`, skills drawn from `entry_group`'s distributions (stream `adaptation`),
/// its costs and capacity, the initial reputation and an empty wallet.
pub fn admit_entrants(world: &mut World) {
    let tick = world.resource::<Clock>().tick;
    let due = |a: &crate::scenario::Adaptation| {
        (tick + 1).is_multiple_of(a.every) && a.entry_rate > 0.0 && !a.entry_strategies.is_empty()
    };
    // Checked before the scenario is copied (the copy is for the entry ticks only).
    if !world
        .resource::<Params>()
        .0
        .adaptation
        .as_ref()
        .is_some_and(due)
    {
        return;
    }
    let sc = world.resource::<Params>().0.clone();
    let Some(a) = &sc.adaptation else {
        return;
    };
    let g = a.entry_group;
    let group = &sc.groups[g];
    let entrants: Vec<(Strategy, Box<[f64]>)> = {
        let mut streams = world.resource_mut::<Streams>();
        let rng = &mut streams.adaptation;
        let count = match Poisson::new(a.entry_rate) {
            Ok(p) => p.sample(rng) as u64,
            Err(_) => 0,
        };
        (0..count)
            .map(|_| {
                let strategy =
                    a.entry_strategies[below(rng, a.entry_strategies.len() as u64) as usize];
                let skill = group
                    .skill
                    .iter()
                    .map(|d| d.sample(rng, 0.0, 1.0))
                    .collect();
                (strategy, skill)
            })
            .collect()
    };
    for (strategy, skill) in entrants {
        let id = world.resource::<Roster>().entities.len() as u32;
        let e = world
            .spawn((
                Agent::new(&sc, (id, id), g as u16, strategy),
                Skills::new(&skill),
                Wallet::default(),
                Member {
                    joined: tick + 1,
                    left: None,
                    institution: sc.groups[g].institution,
                },
            ))
            .id();
        let mut roster = world.resource_mut::<Roster>();
        let member = id - roster.first[g];
        roster.entities.push(e);
        roster.groups.push(g as u16);
        roster.members.push(member);
        world.resource_mut::<Loads>().0.push(0);
        world
            .resource_mut::<Fairness>()
            .0
            .push(FairShare::default());
        world.resource_mut::<Revisions>().last.push(0.0);
    }
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
