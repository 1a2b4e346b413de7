//! Phase 8, credit (credit allocation): each finished task's value, less the platform fee, is
//! split among its participants by the scenario's mechanism, and compared with the truth. With
//! institutions, a task's mechanism and fee are those of the institution it went to.
//!
//! The participants are the agents assigned to any of the task's subtasks. The mechanism sees
//! the task's game [`TaskGame`] ([`super::task_game`]): `v(S) = R (1 - fee) f(c_S)`, where `c_S` counts the subtasks whose
//! answer, decided by the consensus rule from the answers of `S` alone, the coordinator judges
//! correct: `ground_truth` (truly correct), `consensus` (the label kept with everyone), or
//! `audit(p)` (each answer checked with probability p; a label with a checked answer is judged by
//! the truth, the others by consensus). It also sees each participant's facts: claimed effort
//! (sum over its answers), quality (its answers judged correct) and peer rating (the mean, over
//! the other participants, of the share of its answers that agree with their subtask's kept
//! label: every rater is honest in this version).
//!
//! The shares x are scaled to the distributable value `D = V (1 - fee)`. An efficient mechanism
//! (Σx = v(N)) pays `x_i D / v(N)` (exactly x under ground truth, where v(N) = D); when the task
//! realised nothing (v(N) = D = 0) its shares sum to 0 and are paid as they are, zero-sum
//! transfers from the answers that destroyed value (negative Shapley value) to those that created
//! it. Any other mechanism pays `x_i D / Σx` when `Σx > 0`, and otherwise D stays with the
//! platform. `|Σx_raw - v(N)| / v(N)` is recorded as the budget imbalance (x_raw: Banzhaf's raw
//! index, LOO's marginals).
//!
//! A private task's game is instead the data game of its reports (see `DataGame`): the
//! coordinator judges contributions by what it receives, noisy or not, whatever
//! `credit.observation` says.
//!
//! Fairness: the *truth game* of the task is the same game judged by ground truth; its Shapley
//! value (exact up to [`TRUTH_EXACT_LIMIT`] participants, else [`TRUTH_SAMPLES`] antithetic
//! permutations) is each participant's true contribution, and sums to D. Per agent, credit paid
//! and true contribution are accumulated over the run for `credit_truth_corr` and
//! `credit_truth_mae`.

use std::time::Instant;

use bevy_ecs::prelude::*;
use smallvec::{SmallVec, smallvec};

use super::agents::{Agent, Roster};
use super::resources::{Ledger, Params};
use super::task_game::TaskGame;
use super::tasks::{FinishedTasks, Task};
use crate::credit::{Allocation, Coalition, Facts, Game, Mechanism, MechanismKind, Needs, Shapley};
use crate::rng::{SimRng, stream};
use crate::scenario::TrafficRule;

/// Most participants for which the truth game's Shapley value is enumerated exactly.
pub const TRUTH_EXACT_LIMIT: usize = 14;
/// Antithetic permutations sampled for the truth above that limit.
pub const TRUTH_SAMPLES: u32 = 1000;

/// Traffic revenue passed on this tick, (agent id, amount), for the economy phase.
#[derive(Resource, Debug, Default)]
pub struct TrafficPayouts(pub Vec<(u32, f64)>);

/// Judged answers this tick, (agent id, judged correct), for reputations.
#[derive(Resource, Debug, Default)]
pub struct Observations(pub Vec<(u32, bool)>);

/// One agent's credit paid and true (ground-truth Shapley) contribution over the run, side by
/// side (one cache line per agent for the credit phase's updates).
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub struct FairShare {
    /// Credit paid: the agent's credit received, which its payoff counts.
    pub credit: f64,
    /// True contribution.
    pub truth: f64,
    /// Whether the agent took part in any finished task.
    pub took_part: bool,
}

/// Per agent over the run: credit paid (the agent's only record of it) and true contribution,
/// by agent id.
#[derive(Resource, Debug, Default, Clone)]
pub struct Fairness(pub Vec<FairShare>);

/// The random streams of the credit phase (`"credit"` for audits and sampled mechanisms,
/// `"truth"` for the sampled truth).
#[derive(Resource, Debug)]
pub struct CreditStreams {
    /// Audits and sampling mechanisms.
    pub credit: SimRng,
    /// Sampled truth values.
    pub truth: SimRng,
}

impl CreditStreams {
    /// The streams of the run with `seed`.
    pub fn new(seed: u64) -> Self {
        CreditStreams {
            credit: stream(seed, "credit"),
            truth: stream(seed, "truth"),
        }
    }
}

/// Wall time spent by the mechanism computing allocations (not the facts it reads, nor the
/// ground-truth measurement): reported in manifests and `timings.csv`, never in the tables that
/// must stay bit-identical.
#[derive(Resource, Debug, Default, Clone, Copy)]
pub struct CreditTime(pub f64);

/// Per player: the sum of the efforts claimed in its answers.
fn claims(task: &Task, players: &[u32]) -> Vec<f64> {
    let mut c = vec![0.0; players.len()];
    for a in task.subtasks.iter().flat_map(|s| &s.answers) {
        if let Ok(p) = players.binary_search(&a.agent) {
            c[p] += a.claim;
        }
    }
    c
}

/// Allocates the credit of each task finished this tick.
#[allow(clippy::too_many_arguments)]
pub fn allocate_credit(
    params: Res<Params>,
    finished: Res<FinishedTasks>,
    mut streams: ResMut<CreditStreams>,
    mut observations: ResMut<Observations>,
    mut fairness: ResMut<Fairness>,
    mut ledger: ResMut<Ledger>,
    mut time: ResMut<CreditTime>,
    mut traffic: ResMut<TrafficPayouts>,
    roster: Res<Roster>,
    strategies: Query<&Agent>,
) {
    if finished.0.is_empty() {
        return;
    }
    let sc = &params.0;
    // One mechanism per institution (the scenario's own without institutions).
    let mechanisms: Vec<_> = (0..sc.institutions.len().max(1))
        .map(|k| sc.terms(k as u8).0.mechanism())
        .collect();
    let streams = &mut *streams;
    for f in &finished.0 {
        let (kind, fee) = sc.terms(f.task.institution);
        let mechanism = &mechanisms[f.task.institution as usize];
        let game = TaskGame::new(
            &f.task,
            sc.consensus.rule,
            sc.tasks.value_rule,
            sc.credit.observation,
            sc.tasks.reward * (1.0 - fee),
            &mut streams.credit,
        );
        observations.0.extend(game.judgements());
        ledger.platform_fees += f.value * fee;
        let distributable = f.value * (1.0 - fee);
        let n = game.players.len();
        ledger.traffic_revenue += sc.economy.traffic_revenue;
        if n == 0 {
            ledger.credit_unallocated += distributable;
            continue;
        }
        // What each participant is paid for this task (for the traffic share).
        let mut paid: SmallVec<[f64; 4]> = smallvec![0.0; n];
        // Only the facts the mechanism uses are computed.
        let needs = mechanism.needs();
        let fact = |wanted: Needs, compute: &dyn Fn() -> Vec<f64>| (needs == wanted).then(compute);
        let claims = fact(Needs::Claims, &|| claims(&f.task, &game.players));
        let quality = fact(Needs::Quality, &|| game.quality());
        let ratings = fact(Needs::Ratings, &|| {
            ratings(&f.task, &game, &strategies, &roster)
        });
        let facts = Facts {
            claims: claims.as_deref(),
            quality: quality.as_deref(),
            ratings: ratings.as_deref(),
        };
        let started = Instant::now();
        let allocation = mechanism.allocate(&game, &facts, &mut streams.credit);
        time.0 += started.elapsed().as_secs_f64();
        let truth = truth(
            sc,
            (kind, f.task.private),
            &game,
            &allocation,
            &mut streams.truth,
        );
        ledger.tasks_credited += 1;
        if let Ok(t) = &truth {
            ledger.credit_evaluations += t.evaluations;
            for (&agent, &x) in game.players.iter().zip(&t.shares) {
                let f = &mut fairness.0[agent as usize];
                f.truth += x;
                f.took_part = true;
            }
        }
        let Ok(allocation) = allocation else {
            // Mechanisms that can fail (the nucleolus's solver) leave the value with the platform.
            ledger.credit_failures += 1;
            ledger.credit_unallocated += distributable;
            share_traffic(sc, &game.players, &paid, &mut traffic, &mut ledger);
            continue;
        };
        ledger.credit_evaluations += allocation.evaluations;
        ledger.credit_sampled_tasks += u64::from(allocation.samples > 0);
        let grand = game.value(&Coalition::all(n));
        if grand > 0.0 {
            ledger.imbalance_sum += (allocation.unscaled_total() - grand).abs() / grand;
            ledger.imbalance_tasks += 1;
        }
        let efficient = mechanism.axioms().efficiency;
        let total: f64 = allocation.shares.iter().sum();
        let factor = scale(efficient, grand, total, distributable);
        match factor {
            Some(k) => {
                let mut error = 0.0;
                for (i, (&agent, &x)) in game.players.iter().zip(&allocation.shares).enumerate() {
                    let pay = x * k;
                    paid[i] = pay;
                    fairness.0[agent as usize].credit += pay;
                    ledger.credit_paid += pay;
                    if let Ok(t) = &truth {
                        error += (pay - t.shares[i]).abs();
                    }
                }
                if truth.is_ok() && distributable > 1e-12 {
                    ledger.task_error_sum += error / distributable;
                    ledger.task_error_tasks += 1;
                }
            }
            None => ledger.credit_unallocated += distributable,
        }
        share_traffic(sc, &game.players, &paid, &mut traffic, &mut ledger);
    }
}

/// Each participant's peer rating of the others: the labels kept per subtask, and the group of
/// each colluding participant.
fn ratings(task: &Task, game: &TaskGame, strategies: &Query<&Agent>, roster: &Roster) -> Vec<f64> {
    let kept: Vec<Option<u16>> = task
        .subtasks
        .iter()
        .map(|s| {
            s.resolution
                .and_then(|r| r.kept)
                .map(|i| s.answers[i].label)
        })
        .collect();
    let colluding: Vec<Option<u32>> = game
        .players
        .iter()
        .map(|&a| {
            strategies
                .get(roster.entities[a as usize])
                .ok()
                .and_then(|a| a.strategy.behaviour().colluding_group())
        })
        .collect();
    game.ratings(&kept, &colluding)
}

/// The participants' true contributions: the Shapley value of the truth game (exact up to
/// [`TRUTH_EXACT_LIMIT`] players). Judged by the truth, the task's game is its truth game, and
/// an exact Shapley allocation of it is already its true contribution: it is not computed
/// twice. A private task's game is always what the coordinator observes (the reports),
/// whatever the observation mode.
fn truth(
    sc: &crate::scenario::Scenario,
    (mechanism, private): (&MechanismKind, bool),
    game: &TaskGame,
    allocation: &Result<Allocation, crate::credit::CreditError>,
    rng: &mut SimRng,
) -> Result<Allocation, crate::credit::CreditError> {
    let ground_truth = sc.credit.observation.is_ground_truth() && !private;
    let reusable = ground_truth
        && matches!(mechanism, MechanismKind::Shapley(_))
        && allocation.as_ref().is_ok_and(|a| a.samples == 0);
    if reusable {
        return allocation.clone().map(|a| Allocation {
            evaluations: 0,
            ..a
        });
    }
    let truth_mechanism = Shapley {
        limit: TRUTH_EXACT_LIMIT,
        fallback_samples: Some(TRUTH_SAMPLES),
    };
    let truth_game = (!ground_truth).then(|| game.truth());
    truth_mechanism.allocate(truth_game.as_ref().unwrap_or(game), &Facts::default(), rng)
}

/// The factor shares are paid by. Efficient mechanisms are scaled by D / v(N) (1 under ground
/// truth); when nothing was realised (v(N) = D = 0) their shares, which sum to 0, are paid as
/// they are: zero-sum transfers from answers that destroyed value to answers that created it.
/// Others are scaled by D / Σx. `None`: nothing can be paid (the value stays unallocated).
fn scale(efficient: bool, grand: f64, total: f64, distributable: f64) -> Option<f64> {
    let base = if efficient { grand } else { total };
    if base > 1e-12 {
        Some(distributable / base)
    } else if efficient && distributable.abs() <= 1e-12 {
        Some(1.0)
    } else {
        None
    }
}

/// Passes `traffic_share` of a task's traffic revenue on to its participants: equally, or in
/// proportion to the positive part of what each was paid for the task (equally if nobody was
/// paid anything positive).
fn share_traffic(
    sc: &crate::scenario::Scenario,
    players: &[u32],
    paid: &[f64],
    traffic: &mut TrafficPayouts,
    ledger: &mut Ledger,
) {
    let shared = sc.economy.traffic_revenue * sc.economy.traffic_share;
    if shared <= 0.0 || players.is_empty() {
        return;
    }
    let positive: f64 = paid.iter().map(|p| p.max(0.0)).sum();
    let by_credit = sc.economy.traffic_rule == TrafficRule::Credit && positive > 0.0;
    for (i, &agent) in players.iter().enumerate() {
        let x = if by_credit {
            shared * paid[i].max(0.0) / positive
        } else {
            shared / players.len() as f64
        };
        traffic.0.push((agent, x));
        ledger.traffic_paid += x;
    }
}
