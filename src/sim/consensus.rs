//! Phase 6, consensus (consensus formation): subtasks are resolved, and tasks whose subtasks are
//! all resolved finish.
//!
//! A subtask is resolved, once, at the first tick at which
//! - `first`: an answer has arrived;
//! - `verified`: an arrived answer checks out (the coordinator checks answers in arrival order,
//!   paying `audit_cost` per answer checked, and keeps the first correct one);
//! - any rule: every assigned worker has answered or is known lost, or the deadline has come.
//!
//! The kept answer is chosen by [`crate::rules::consensus::decide`] over the answers that
//! arrived; none kept means the subtask failed. Under `judge`, a ready subtask whose answers
//! disagree waits for the model judge's pick ([`super::judge`]) and is resolved at the tick it
//! answers. Workers still holding a resolved subtask are
//! released. A private task is resolved by [`super::private`]'s rule instead. While the root
//! coordinator is down nothing is resolved (the subtasks past their
//! deadline fail when a new coordinator takes over); `decentralized` peers resolve their
//! subtasks among themselves and never stop.

use bevy_ecs::prelude::*;

use super::agents::{Loads, Roster};
use super::judge::{self, Judges};
use super::network::book;
use super::private;
use super::prompts::Prompts;
use super::reach::Reach;
use super::resources::{Clock, Ledger, Params, TickCounters};
use super::tasks::{Board, Finished, FinishedTasks, Resolution, SlotState};
use crate::rules::consensus::{Ballot, ConsensusRule, decide};

/// Resolves what can be resolved and moves finished tasks off the board.
#[allow(clippy::too_many_arguments)]
pub fn form_consensus(
    params: Res<Params>,
    clock: Res<Clock>,
    roster: Res<Roster>,
    mut board: ResMut<Board>,
    mut finished: ResMut<FinishedTasks>,
    mut ledger: ResMut<Ledger>,
    reach: Res<Reach>,
    mut counters: ResMut<TickCounters>,
    mut ballots: Local<Vec<Ballot>>,
    mut loads: ResMut<Loads>,
    (mut judges, prompts): (ResMut<Judges>, Res<Prompts>),
) {
    let sc = &params.0;
    let n = roster.entities.len();
    if reach.root_down(&sc.topology, n) {
        return;
    }
    let rule = sc.consensus.rule;
    let now = clock.tick;
    let mut done = Vec::new();
    let profiles = sc.llm.as_ref().map_or(&[][..], |l| &l.profiles[..]);
    let judge_cost = |r: &crate::llm::Reply| {
        sc.consensus
            .judge
            .and_then(|p| profiles.get(p as usize))
            .map_or(0.0, |p| p.cost(r))
    };
    for task in board.tasks_mut() {
        let past_deadline = now >= task.deadline;
        let id = task.id;
        let open = task.subtasks.iter_mut().enumerate();
        for (k, st) in open.filter(|(_, s)| s.resolution.is_none()) {
            let all_in = !st.slots.is_empty() && st.waiting == 0;
            let resolution =
                if let (Some(held), Some(p)) = (st.private.as_ref(), sc.privacy.as_ref()) {
                    if !(all_in || past_deadline) {
                        continue;
                    }
                    let reports: Vec<f64> = st.answers.iter().filter_map(|a| a.report).collect();
                    let truth = private::aggregate(p.aggregate, held.iter().map(|&(_, x)| x));
                    let estimate = private::aggregate(p.aggregate, reports.iter().copied());
                    let error = (estimate - truth).abs();
                    let correct = !held.is_empty() && !reports.is_empty() && error <= p.tolerance;
                    if !reports.is_empty() && !held.is_empty() {
                        ledger.privacy_error_sum += error;
                        ledger.privacy_error_tasks += 1;
                    }
                    let k = held.len() as u64;
                    if k > 0 {
                        let o = p
                            .mechanism
                            .mechanism()
                            .overhead(k, private::layout(&sc.topology, n));
                        ledger.privacy_messages += o.messages;
                        ledger.privacy_compute_seconds += o.compute_seconds;
                        book(
                            &mut ledger,
                            &mut counters,
                            o.messages as u32,
                            sc.messages.answer_bytes,
                        );
                    }
                    ledger.private_tasks += 1;
                    ledger.private_succeeded += u64::from(correct);
                    Resolution {
                        kept: None,
                        correct,
                    }
                } else {
                    let ready = match rule {
                        ConsensusRule::First => !st.answers.is_empty(),
                        ConsensusRule::Verified => {
                            let mut found = false;
                            while st.checked < st.answers.len() && !found {
                                ledger.audit_costs += sc.consensus.audit_cost;
                                found = st.answers[st.checked].correct;
                                st.checked += 1;
                            }
                            found
                        }
                        ConsensusRule::Majority
                        | ConsensusRule::ReputationWeighted
                        | ConsensusRule::Judge => false,
                    };
                    if !(ready || all_in || past_deadline) {
                        continue;
                    }
                    if rule == ConsensusRule::Judge
                        && !judge::step(
                            &mut judges,
                            ((id, k as u8), st),
                            &prompts,
                            &mut ledger,
                            judge_cost,
                        )
                    {
                        continue;
                    }
                    ballots.clear();
                    ballots.extend(st.answers.iter().map(|a| a.ballot()));
                    let kept = decide(rule, &ballots, |_| true);
                    let correct = kept.is_some_and(|i| st.answers[i].correct);
                    Resolution { kept, correct }
                };
            let correct = resolution.correct;
            st.resolution = Some(resolution);
            for slot in st.slots.iter_mut().filter(|s| s.state == SlotState::Sent) {
                slot.state = SlotState::Released;
                loads.release(slot.agent);
            }
            task.open -= 1;
            ledger.subtasks_resolved += 1;
            ledger.subtasks_correct += u64::from(correct);
        }
        if task.open == 0 {
            done.push(task.id);
        }
    }
    for id in done {
        if let Some(task) = board.remove(id) {
            finished.0.push(Finished {
                task,
                value: 0.0,
                success: false,
            });
        }
    }
}
