//! Phase 8, credit (credit allocation): each finished task's value, less the platform fee, is
//! split among its participants by the scenario's mechanism.
//!
//! The participants are the agents assigned to any of its subtasks. The mechanism sees the
//! task's game [`TaskGame`]: `v(S) = R (1 - fee) f(c_S)`, where `c_S` counts the subtasks whose
//! answer, decided by the consensus rule from the answers of `S` alone, the coordinator judges
//! correct (`ground_truth`: truly correct; `consensus`: equal to the answer kept with everyone).
//! The shares `x` are scaled to the distributable value `D = value (1 - fee)`: agent i is paid
//! `x_i D / Σx` when `Σx > 0`; otherwise `D` stays with the platform (`credit_unallocated`). The
//! relative imbalance `|Σx - v(N)| / v(N)` is recorded for every task with `v(N) > 0`. The
//! judgements also feed the agents' reputations.

use bevy_ecs::prelude::*;

use super::resources::{Ledger, Params};
use super::tasks::{FinishedTasks, Task};
use crate::credit::{Coalition, Game};
use crate::rules::Observation;
use crate::rules::consensus::{Ballot, ConsensusRule, decide};
use crate::rules::value::ValueRule;

/// Credit owed this tick, (agent id, amount), for the economy phase.
#[derive(Resource, Debug, Default)]
pub struct Payouts(pub Vec<(u32, f64)>);

/// Judged answers this tick, (agent id, judged correct), for reputations.
#[derive(Resource, Debug, Default)]
pub struct Observations(pub Vec<(u32, bool)>);

struct GameSubtask {
    ballots: Vec<Ballot>,
    /// Player index of each ballot.
    owner: Vec<usize>,
    /// The coordinator's judgement of each ballot.
    judged: Vec<bool>,
}

/// The cooperative game of a finished task.
pub struct TaskGame {
    /// Agent id of each player, ascending.
    pub players: Vec<u32>,
    subtasks: Vec<GameSubtask>,
    rule: ConsensusRule,
    value_rule: ValueRule,
    scale: f64,
}

impl TaskGame {
    /// The game of `task` under the given rules; `scale` is `R (1 - fee)`.
    pub fn new(
        task: &Task,
        rule: ConsensusRule,
        value_rule: ValueRule,
        observation: Observation,
        scale: f64,
    ) -> Self {
        let mut players: Vec<u32> = task
            .subtasks
            .iter()
            .flat_map(|s| s.slots.iter().map(|sl| sl.agent))
            .collect();
        players.sort_unstable();
        players.dedup();
        let subtasks = task
            .subtasks
            .iter()
            .map(|s| {
                let kept_label = s
                    .resolution
                    .and_then(|r| r.kept)
                    .map(|i| s.answers[i].label);
                GameSubtask {
                    ballots: s.answers.iter().map(|a| a.ballot()).collect(),
                    owner: s
                        .answers
                        .iter()
                        .map(|a| players.binary_search(&a.agent).unwrap_or(0))
                        .collect(),
                    judged: s
                        .answers
                        .iter()
                        .map(|a| match observation {
                            Observation::GroundTruth => a.correct,
                            Observation::Consensus => Some(a.label) == kept_label,
                        })
                        .collect(),
                }
            })
            .collect();
        TaskGame {
            players,
            subtasks,
            rule,
            value_rule,
            scale,
        }
    }

    /// Every (agent, judgement) of the task's answers.
    pub fn judgements(&self) -> impl Iterator<Item = (u32, bool)> + '_ {
        self.subtasks.iter().flat_map(|s| {
            s.owner
                .iter()
                .zip(&s.judged)
                .map(|(&p, &j)| (self.players[p], j))
        })
    }
}

impl Game for TaskGame {
    fn players(&self) -> usize {
        self.players.len()
    }
    fn value(&self, coalition: &Coalition) -> f64 {
        let correct = self
            .subtasks
            .iter()
            .filter(|s| {
                decide(self.rule, &s.ballots, |i| coalition.contains(s.owner[i]))
                    .is_some_and(|k| s.judged[k])
            })
            .count();
        self.scale * self.value_rule.fraction(correct, self.subtasks.len())
    }
}

/// Allocates the credit of each task finished this tick.
pub fn allocate_credit(
    params: Res<Params>,
    finished: Res<FinishedTasks>,
    mut payouts: ResMut<Payouts>,
    mut observations: ResMut<Observations>,
    mut ledger: ResMut<Ledger>,
) {
    let sc = &params.0;
    let fee = sc.economy.platform_fee;
    let mechanism = sc.credit.mechanism.mechanism();
    for f in &finished.0 {
        let game = TaskGame::new(
            &f.task,
            sc.consensus.rule,
            sc.tasks.value_rule,
            sc.credit.observation,
            sc.tasks.reward * (1.0 - fee),
        );
        observations.0.extend(game.judgements());
        ledger.platform_fees += f.value * fee;
        let distributable = f.value * (1.0 - fee);
        if game.players.is_empty() {
            ledger.credit_unallocated += distributable;
            continue;
        }
        let shares = mechanism.allocate(&game);
        let total: f64 = shares.iter().sum();
        let grand = game.value(&Coalition::all(game.players.len()));
        if grand > 0.0 {
            ledger.imbalance_sum += (total - grand).abs() / grand;
            ledger.imbalance_tasks += 1;
        }
        if total > 1e-12 {
            for (&agent, &x) in game.players.iter().zip(&shares) {
                let pay = x * distributable / total;
                payouts.0.push((agent, pay));
                ledger.credit_paid += pay;
            }
        } else {
            ledger.credit_unallocated += distributable;
        }
    }
}
