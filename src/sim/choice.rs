//! Institutional choice (phase 10, after imitation and entry): where agents without a `policy`
//! work next.
//!
//! At the end of ticks `every − 1`, `2·every − 1`, … (`[choice]`), with p_k the mean, over the
//! present agents of institution k that were present for the whole round, of their payoff since
//! the previous round divided by its length in ticks (p_k = 0 for an institution nobody was
//! in), each present agent that has no `policy` and is not a `sybil(k)` identity, in id order
//! (stream `choice`), keeps its institution with probability `inertia` (one draw, when
//! inertia > 0); otherwise it picks institution k with probability
//!
//! ```text
//! P(k) = exp(β p_k) / Σ_j exp(β p_j)
//! ```
//!
//! (one uniform draw), its own among them. Choices are synchronous: every p_k is measured
//! before anyone moves. A mover keeps the subtasks it holds and is given new ones by its new
//! institution from the next tick. `policy` agents choose with their decisions
//! ([`super::decide`]).

use bevy_ecs::prelude::*;

use super::agents::{Agent, Member, Roster, Wallet};
use super::credit::Fairness;
use super::resources::{Clock, Ledger, Params, Streams};
use crate::dist::{chance, unit};
use crate::strategy::Strategy;

/// Each agent's payoff at the previous choice round, and when that was.
#[derive(Resource, Debug, Default)]
pub struct Choosing {
    last: Vec<f64>,
    last_round: u32,
}

/// The mean payoff per tick of each institution's members over a round of `ticks` ticks, from
/// (institution, payoff over the round) of each agent counted; 0 for an empty institution.
pub fn institution_rates(k: usize, members: &[(u8, f64)], ticks: u32) -> Vec<f64> {
    let mut sum = vec![0.0; k];
    let mut count = vec![0u64; k];
    for &(i, earned) in members {
        sum[i as usize] += earned;
        count[i as usize] += 1;
    }
    (0..k)
        .map(|i| match count[i] {
            0 => 0.0,
            c => sum[i] / c as f64 / f64::from(ticks.max(1)),
        })
        .collect()
}

/// The logit choice probabilities `exp(β p_k) / Σ_j exp(β p_j)` (computed from the largest
/// p_k down, so that no exponential overflows).
pub fn logit(beta: f64, rates: &[f64]) -> Vec<f64> {
    let top = rates.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let w: Vec<f64> = rates.iter().map(|p| (beta * (p - top)).exp()).collect();
    let total: f64 = w.iter().sum();
    w.iter().map(|x| x / total).collect()
}

/// The index that a uniform `u` in [0, 1) falls on in `probabilities` (the last for rounding).
fn pick(probabilities: &[f64], u: f64) -> usize {
    let mut acc = 0.0;
    for (k, p) in probabilities.iter().enumerate() {
        acc += p;
        if u < acc {
            return k;
        }
    }
    probabilities.len() - 1
}

/// Moves agents without a `policy` between institutions at the end of each round.
#[allow(clippy::too_many_arguments)]
pub fn choose_institutions(
    params: Res<Params>,
    clock: Res<Clock>,
    roster: Res<Roster>,
    fairness: Res<Fairness>,
    mut streams: ResMut<Streams>,
    mut choosing: ResMut<Choosing>,
    mut ledger: ResMut<Ledger>,
    mut agents: Query<(&Agent, &Wallet, &mut Member)>,
) {
    let sc = &params.0;
    let Some(choice) = sc.choice else {
        return;
    };
    if !(clock.tick + 1).is_multiple_of(choice.every) {
        return;
    }
    let n = roster.entities.len();
    choosing.last.resize(n, 0.0);
    let round = choosing.last_round;
    let mut counted = Vec::with_capacity(n);
    let mut payoff = vec![0.0; n];
    for (id, &e) in roster.entities.iter().enumerate() {
        let Ok((_, w, m)) = agents.get(e) else {
            continue;
        };
        payoff[id] = w.payoff(fairness.0[id].credit);
        if m.present() && m.joined <= round {
            counted.push((m.institution, payoff[id] - choosing.last[id]));
        }
    }
    let rates = institution_rates(sc.institutions.len(), &counted, clock.tick + 1 - round);
    let p = logit(choice.beta, &rates);
    for &e in &roster.entities {
        let Ok((a, _, mut m)) = agents.get_mut(e) else {
            continue;
        };
        let scripted = (sc.groups[a.group as usize].policy).is_none_or(|p| p.model().is_none())
            && !matches!(a.strategy, Strategy::Sybil(_));
        if !(m.present() && scripted) {
            continue;
        }
        if choice.inertia > 0.0 && chance(&mut streams.choice, choice.inertia) {
            continue;
        }
        let k = pick(&p, unit(&mut streams.choice)) as u8;
        if k != m.institution {
            m.institution = k;
            ledger.institution_switches += 1;
        }
    }
    choosing.last = payoff;
    choosing.last_round = clock.tick + 1;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_logit_and_picks() {
        let r = institution_rates(3, &[(0, 10.0), (0, 20.0), (2, 4.0)], 5);
        assert_eq!(r, vec![3.0, 0.0, 0.8]);
        let p = logit(0.0, &r);
        assert!(p.iter().all(|x| (x - 1.0 / 3.0).abs() < 1e-15));
        // Two institutions: the logit is the Fermi function of the difference.
        let p = logit(2.0, &[1.0, 1.5]);
        assert!((p[1] - 1.0 / (1.0 + (-2.0f64 * 0.5).exp())).abs() < 1e-15);
        assert!((p[0] + p[1] - 1.0).abs() < 1e-15);
        // No overflow however large the payoffs.
        let p = logit(1e6, &[1e6, 2e6]);
        assert_eq!(p, vec![0.0, 1.0]);
        assert_eq!(pick(&[0.25, 0.75], 0.0), 0);
        assert_eq!(pick(&[0.25, 0.75], 0.25), 1);
        assert_eq!(pick(&[0.25, 0.75], 0.999_999), 1);
    }
}
