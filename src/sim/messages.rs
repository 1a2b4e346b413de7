//! Phase 4, messages (message exchange): the network delivers what is due this tick.
//!
//! An assignment that reaches its worker goes to the worker's inbox (dropped if its subtask was
//! resolved meanwhile). An answer that reaches the coordinator joins its subtask's answers in
//! arrival order (ignored if the subtask was resolved: a late answer). A lost assignment releases
//! its worker and stops the coordinator waiting for that answer. An assignment or an answer
//! whose worker is no longer reachable when it arrives (cut off, or a coordinator on its path
//! down: [`super::reach`]) is lost; the subtask waits for its other answers or its deadline.

use bevy_ecs::prelude::*;

use super::agents::{Loads, Roster};
use super::network::{Event, Network};
use super::reach::Reach;
use super::resources::{Clock, Params};
use super::tasks::{Board, Inbox, SlotState};

/// Delivers the messages due this tick.
#[allow(clippy::too_many_arguments)]
pub fn deliver_messages(
    params: Res<Params>,
    reach: Res<Reach>,
    clock: Res<Clock>,
    roster: Res<Roster>,
    mut network: ResMut<Network>,
    mut board: ResMut<Board>,
    mut inbox: ResMut<Inbox>,
    mut loads: ResMut<Loads>,
) {
    let topology = params.0.topology;
    let n = roster.entities.len();
    let mut due = network.due(clock.tick);
    for event in due.drain(..) {
        match event {
            Event::Assignment { sub, slot } => {
                if let Some(st) = board.subtask_mut(sub)
                    && st.resolution.is_none()
                    && st.slots[slot as usize].state == SlotState::Sent
                    && reach.reachable(&topology, st.slots[slot as usize].agent, n)
                {
                    inbox.0.push((sub, slot));
                }
            }
            Event::Answer {
                sub,
                slot: _,
                answer,
            } => {
                if let Some(st) = board.subtask_mut(sub)
                    && st.resolution.is_none()
                    && reach.reachable(&topology, answer.agent, n)
                {
                    st.answers.push(answer);
                    st.waiting = st.waiting.saturating_sub(1);
                }
            }
            Event::AssignmentLost { sub, slot } => {
                if let Some(st) = board.subtask_mut(sub) {
                    let s = &mut st.slots[slot as usize];
                    if s.state == SlotState::Sent {
                        s.state = SlotState::Released;
                        loads.release(s.agent);
                        if st.resolution.is_none() {
                            st.waiting = st.waiting.saturating_sub(1);
                        }
                    }
                }
            }
        }
    }
    network.recycle(due);
}
