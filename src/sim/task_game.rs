//! The cooperative game of a finished task, [`TaskGame`]: `v(S) = R (1 - fee) f(c_S)`, where
//! `c_S` counts the subtasks whose answer, decided by the consensus rule from the answers of `S`
//! alone, the coordinator judges correct (by `credit.observation`), and `f` is the value rule;
//! the same game judged by ground truth is the task's truth game. A private task's game is the
//! data game of its reports (`DataGame`). When every subtask has at most one ballot, `v` of a
//! coalition is a count of bits (`solo_bits`). The credit phase ([`super::credit`]) builds it
//! for each finished task and hands it to the mechanism.

use smallvec::SmallVec;

use super::tasks::Task;
use crate::credit::{Coalition, Game};
use crate::dist::chance;
use crate::rng::SimRng;
use crate::rules::Observation;
use crate::rules::consensus::{Ballot, ConsensusRule, decide};
use crate::rules::value::ValueRule;

/// A subtask of the game (inline, like its answers, up to the usual redundancy: building a
/// task's game allocates little).
struct GameSubtask {
    ballots: SmallVec<[Ballot; 2]>,
    /// Player index of each ballot.
    owner: SmallVec<[usize; 2]>,
    /// The coordinator's judgement of each ballot.
    judged: SmallVec<[bool; 2]>,
}

impl GameSubtask {
    /// Whether the answer the members decide is judged correct.
    #[inline]
    fn counts(&self, rule: ConsensusRule, member: impl Fn(usize) -> bool) -> bool {
        decide(rule, &self.ballots, |i| member(self.owner[i])).is_some_and(|k| self.judged[k])
    }
}

/// The data game of a private task: `v(S) = scale · Σ_{i∈S} w_i / Σ_N w_i` if the task
/// succeeded (0 otherwise), with `w_i` a participant's contribution to the aggregate as the
/// coordinator sees it (its report, floored at 0; 0 if it shared nothing) or, in the truth game,
/// its true value; `v(S) = scale · |S|/n` when every weight is 0.
struct DataGame {
    observed: Vec<f64>,
    truth: Vec<f64>,
    success: bool,
}

/// The cooperative game of a finished task.
pub struct TaskGame {
    /// Agent id of each player, ascending.
    pub players: SmallVec<[u32; 4]>,
    subtasks: SmallVec<[GameSubtask; 3]>,
    /// When no subtask has more than one ballot (and there are at most 64 players): per
    /// subtask, the bit of the player whose presence makes it count as correct (0: it never
    /// does). `v(mask)` is then a count of bits.
    solo_bits: Option<SmallVec<[u64; 3]>>,
    data: Option<DataGame>,
    rule: ConsensusRule,
    value_rule: ValueRule,
    scale: f64,
}

/// [`TaskGame::solo_bits`] of `subtasks` among `n` players under `rule`.
fn solo_bits(
    subtasks: &[GameSubtask],
    n: usize,
    rule: ConsensusRule,
) -> Option<SmallVec<[u64; 3]>> {
    if n > 64 {
        return None;
    }
    subtasks
        .iter()
        .map(|s| match s.owner[..] {
            // Its one ballot's player, if with that player the subtask counts as correct.
            [p] => Some(if s.counts(rule, |_| true) {
                1u64 << p
            } else {
                0
            }),
            [] => Some(0), // no ballot: nothing is kept
            _ => None,
        })
        .collect()
}

impl TaskGame {
    /// The game of `task` under the given rules; `scale` is `R (1 - fee)`. Audits draw from `rng`.
    pub fn new(
        task: &Task,
        rule: ConsensusRule,
        value_rule: ValueRule,
        observation: Observation,
        scale: f64,
        rng: &mut SimRng,
    ) -> Self {
        let mut players: SmallVec<[u32; 4]> = task
            .subtasks
            .iter()
            .flat_map(|s| s.slots.iter().map(|sl| sl.agent))
            .collect();
        players.sort_unstable();
        players.dedup();
        if let Some(held) = task.subtasks.first().and_then(|s| s.private.as_ref()) {
            let s = &task.subtasks[0];
            let n = players.len();
            let (mut observed, mut truth) = (vec![0.0; n], vec![0.0; n]);
            for a in &s.answers {
                if let (Ok(p), Some(r)) = (players.binary_search(&a.agent), a.report) {
                    observed[p] += r.max(0.0);
                }
            }
            for &(agent, x) in held {
                if let Ok(p) = players.binary_search(&agent) {
                    truth[p] += x;
                }
            }
            return TaskGame {
                players,
                subtasks: SmallVec::new(),
                solo_bits: None,
                data: Some(DataGame {
                    observed,
                    truth,
                    success: s.resolution.is_some_and(|r| r.correct),
                }),
                rule,
                value_rule,
                scale,
            };
        }
        let subtasks: SmallVec<[GameSubtask; 3]> = task
            .subtasks
            .iter()
            .map(|s| {
                let kept_label = s
                    .resolution
                    .and_then(|r| r.kept)
                    .map(|i| s.answers[i].label);
                let judged = match observation {
                    Observation::GroundTruth => s.answers.iter().map(|a| a.correct).collect(),
                    Observation::Consensus => s
                        .answers
                        .iter()
                        .map(|a| Some(a.label) == kept_label)
                        .collect(),
                    Observation::Audit(p) => {
                        let audited: Vec<bool> = s.answers.iter().map(|_| chance(rng, p)).collect();
                        s.answers
                            .iter()
                            .map(|a| {
                                let label_audited = s
                                    .answers
                                    .iter()
                                    .zip(&audited)
                                    .any(|(b, &au)| au && b.label == a.label);
                                if label_audited {
                                    a.correct
                                } else {
                                    Some(a.label) == kept_label
                                }
                            })
                            .collect()
                    }
                };
                GameSubtask {
                    ballots: s.answers.iter().map(|a| a.ballot()).collect(),
                    owner: s
                        .answers
                        .iter()
                        .map(|a| players.binary_search(&a.agent).unwrap_or(0))
                        .collect(),
                    judged,
                }
            })
            .collect();
        let solo_bits = solo_bits(&subtasks, players.len(), rule);
        TaskGame {
            players,
            subtasks,
            solo_bits,
            data: None,
            rule,
            value_rule,
            scale,
        }
    }

    /// The same game judged by ground truth.
    pub fn truth(&self) -> TaskGame {
        let subtasks: SmallVec<[GameSubtask; 3]> = self
            .subtasks
            .iter()
            .map(|s| GameSubtask {
                ballots: s.ballots.clone(),
                owner: s.owner.clone(),
                judged: s.ballots.iter().map(|b| b.correct).collect(),
            })
            .collect();
        // A data game has no subtasks: its values come from the data.
        let solo_bits = self
            .data
            .is_none()
            .then(|| solo_bits(&subtasks, self.players.len(), self.rule))
            .flatten();
        TaskGame {
            players: self.players.clone(),
            solo_bits,
            subtasks,
            data: self.data.as_ref().map(|d| DataGame {
                observed: d.truth.clone(),
                truth: d.truth.clone(),
                success: d.success,
            }),
            rule: self.rule,
            value_rule: self.value_rule,
            scale: self.scale,
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

    /// Per player: answers judged correct (in a private task: its observed contribution).
    pub fn quality(&self) -> Vec<f64> {
        if let Some(d) = &self.data {
            return d.observed.clone();
        }
        let mut q = vec![0.0; self.players.len()];
        for s in &self.subtasks {
            for (&p, &j) in s.owner.iter().zip(&s.judged) {
                q[p] += f64::from(u8::from(j));
            }
        }
        q
    }

    /// Per player: mean rating by the other participants. A rater rates a peer by the share of
    /// the peer's answers that agree with their subtask's kept label (0 without answers); with
    /// no other participant, the rating is that share itself.
    pub fn ratings(&self, kept: &[Option<u16>], colluding: &[Option<u32>]) -> Vec<f64> {
        let n = self.players.len();
        let (mut agree, mut total) = (vec![0.0; n], vec![0.0; n]);
        for (s, &k) in self.subtasks.iter().zip(kept) {
            for (&p, b) in s.owner.iter().zip(&s.ballots) {
                total[p] += 1.0;
                agree[p] += f64::from(u8::from(Some(b.label) == k));
            }
        }
        let honest_score: Vec<f64> = (0..n)
            .map(|p| {
                if total[p] > 0.0 {
                    agree[p] / total[p]
                } else {
                    0.0
                }
            })
            .collect();
        // Honest raters all give a peer the same score, so when every rater is honest the mean
        // over raters is that score. A colluder rates the members of its group 1 and everyone
        // else 0; then a peer's rating is the mean over the other participants (its own score
        // when it is alone).
        if colluding.iter().all(Option::is_none) {
            return honest_score;
        }
        (0..n)
            .map(|p| {
                if n == 1 {
                    return honest_score[p];
                }
                let sum: f64 = (0..n)
                    .filter(|&q| q != p)
                    .map(|q| match colluding[q] {
                        Some(g) => f64::from(u8::from(colluding[p] == Some(g))),
                        None => honest_score[p],
                    })
                    .sum();
                sum / (n - 1) as f64
            })
            .collect()
    }

    fn eval(&self, member: impl Fn(usize) -> bool) -> f64 {
        if let Some(d) = &self.data {
            if !d.success {
                return 0.0;
            }
            let total: f64 = d.observed.iter().sum();
            let n = d.observed.len();
            let (part, whole) = if total > 0.0 {
                let part: f64 = (0..n).filter(|&p| member(p)).map(|p| d.observed[p]).sum();
                (part, total)
            } else {
                ((0..n).filter(|&p| member(p)).count() as f64, n as f64)
            };
            return self.scale * part / whole;
        }
        let correct = self
            .subtasks
            .iter()
            .filter(|s| s.counts(self.rule, &member))
            .count();
        self.scale * self.value_rule.fraction(correct, self.subtasks.len())
    }
}

impl Game for TaskGame {
    fn players(&self) -> usize {
        self.players.len()
    }
    fn value(&self, coalition: &Coalition) -> f64 {
        if self.players.len() <= 64 {
            // Every member is below 64: the mask holds the coalition.
            return self.value_mask(coalition.mask());
        }
        self.eval(|p| coalition.contains(p))
    }
    fn value_mask(&self, mask: u64) -> f64 {
        if let Some(bits) = &self.solo_bits {
            let correct = bits.iter().filter(|&&b| mask & b != 0).count();
            return self.scale * self.value_rule.fraction(correct, bits.len());
        }
        self.eval(|p| mask >> p & 1 == 1)
    }
}
