//! Phase 5a, prompts: the model calls this tick's work needs, planned before the work phase.
//!
//! For each delivered assignment, in delivery order, that the work phase will work (its subtask
//! unresolved, its slot waiting, its worker up), whose worker is backed by a model profile and
//! whose subtask asks a bank item, the worker's strategy decides whether the model is asked:
//! `Solve` asks it, with probability e for a strategy of effort e < 1 (`partial(e)`: otherwise it
//! guesses; drawn from stream `llm`); `Collude` asks it for the first member of the group on the
//! subtask (the others copy); guessing, copying and poisoning never ask. Each asked answer is a
//! [`Call`] with the profile's request for the item. The run's driver answers the calls between
//! the two halves of the tick ([`super::Simulation::try_step`]), and the work phase reads the
//! replies by the call's index, so the order in which replies arrive cannot matter.

use bevy_ecs::prelude::*;

use super::agents::{Agent, Roster};
use super::resources::{Params, Streams};
use super::tasks::{Board, Inbox, SlotState, SubRef};
use crate::dist::chance;
use crate::llm::{Call, Reply};
use crate::strategy::Answering;

/// What a model-backed worker does with one delivered assignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Plan {
    /// Nothing model-specific: a simulated worker, or a strategy that does not ask.
    Simulated,
    /// Ask the model: the index of the call.
    Ask(usize),
    /// A model-backed worker of effort e < 1 that did not ask this time: it guesses.
    Guess,
}

/// The tick's calls, the plan of each delivered assignment (aligned with the inbox), and the
/// replies once the driver has them (aligned with the calls).
#[derive(Resource, Debug, Default)]
pub struct Prompts {
    /// The calls, in delivery order.
    pub calls: Vec<Call>,
    /// The plan of the inbox's i-th assignment.
    pub plans: Vec<Plan>,
    /// The reply to the i-th call.
    pub replies: Vec<Reply>,
}

/// Plans this tick's calls. Draws nothing unless the scenario has model-backed groups.
pub fn plan_calls(
    params: Res<Params>,
    inbox: Res<Inbox>,
    board: Res<Board>,
    roster: Res<Roster>,
    agents: Query<&Agent>,
    mut streams: ResMut<Streams>,
    mut prompts: ResMut<Prompts>,
) {
    let prompts = &mut *prompts;
    prompts.calls.clear();
    prompts.plans.clear();
    prompts.replies.clear();
    let Some(llm) = params.0.llm.as_ref() else {
        return;
    };
    let mut colluding: Vec<(SubRef, u32)> = Vec::new();
    for &(sub, slot) in &inbox.0 {
        let mut plan = Plan::Simulated;
        let st = board.subtask(sub).filter(|st| {
            st.resolution.is_none()
                && st.private.is_none()
                && st.slots[slot as usize].state == SlotState::Sent
        });
        if let Some((st, item)) = st.and_then(|st| st.item.as_ref().map(|i| (st, i))) {
            let id = st.slots[slot as usize].agent;
            if let Ok(agent) = agents.get(roster.entities[id as usize])
                && agent.up
                && let Some(p) =
                    params.0.groups[agent.group as usize].profile(roster.members[id as usize])
            {
                let work = agent.strategy.behaviour().work();
                let asks = match work.answering {
                    Answering::Solve => true,
                    Answering::Collude { group } => {
                        let first = !st.collusion.iter().any(|(g, _)| *g == group)
                            && !colluding.contains(&(sub, group));
                        colluding.push((sub, group));
                        first
                    }
                    _ => false,
                };
                if asks {
                    plan = if chance(&mut streams.llm, work.effort) {
                        let request = llm.profiles[p as usize].request(item, id);
                        prompts.calls.push(Call {
                            profile: p,
                            request,
                        });
                        Plan::Ask(prompts.calls.len() - 1)
                    } else {
                        Plan::Guess
                    };
                }
            }
        }
        prompts.plans.push(plan);
    }
}
