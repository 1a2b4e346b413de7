//! Phase 3 in the `decentralized` topology: subtasks are announced to peers, who bid, and the
//! announcer awards each subtask to `r` of the bidders. There is no coordinator to crash.
//!
//! For each waiting subtask, the announcer (the peer the task reached) sends the announcement
//! (`assignment_bytes`) to `f = min(fanout, P)` distinct peers drawn uniformly (stream `assign`)
//! from the `P` peers on its side of any partition. Each reached peer that is up and has room
//! answers with a bid (`answer_bytes`); the announcer keeps, among the bids that arrive, up to
//! `r` chosen by the assignment policy (`best_skill`: highest skill in the subtask's domain,
//! `reputation`: highest reputation, ties by id; `random`: uniformly; `round_robin`: next ids
//! after the last one awarded), and sends each an award (`answer_bytes`). An assignment thus
//! crosses three links (announcement, bid, award), each drawn as in [`super::network`]; a lost
//! award is noticed one timeout after the last attempt. A subtask that got no bid is announced
//! again `timeout` ticks later. Without loss and with every reached peer free, a subtask costs
//! `2f + r` messages to assign and, as each worker sends its answer to the announcer and the
//! other `r − 1` workers, `r²` to answer.

use bevy_ecs::prelude::*;

use super::agents::{Agent, Loads, Member, Roster, Skills};
use super::network::{Event, Network, Route, book, travel};
use super::reach::Reach;
use super::resources::{Ledger, Streams, TickCounters};
use super::tasks::{Board, Slot, SlotState};
use crate::dist::below;
use crate::rules::Policy;
use crate::scenario::Scenario;

/// What announcing needs besides the board and the agents.
pub struct Context<'a> {
    /// The scenario.
    pub sc: &'a Scenario,
    /// The tick.
    pub now: u32,
    /// Peers an announcement is sent to.
    pub fanout: u32,
    /// Agent ids to entities.
    pub roster: &'a Roster,
    /// Partitions and loss bursts.
    pub reach: &'a Reach,
    /// Random streams.
    pub streams: &'a mut Streams,
    /// Messages in flight.
    pub network: &'a mut Network,
    /// Run totals.
    pub ledger: &'a mut Ledger,
    /// Tick totals.
    pub counters: &'a mut TickCounters,
    /// The `round_robin` cursor.
    pub cursor: &'a mut u32,
    /// Subtasks held, by agent id.
    pub loads: &'a mut Loads,
}

/// Announces the waiting subtasks and awards them to bidders.
pub fn announce_subtasks(
    ctx: &mut Context,
    board: &mut Board,
    agents: &Query<(&Agent, &Skills, &Member)>,
) {
    let sc = ctx.sc;
    let n = ctx.roster.entities.len();
    let route = Route {
        hops: 1,
        delay_probability: sc.faults.delay_probability,
        extra_latency: sc.faults.extra_latency,
    };
    // Addressable peers in id order, and each one's room (0 when down).
    let mut peers: Vec<u32> = Vec::new();
    let mut free = vec![0u32; n];
    for (id, &e) in ctx.roster.entities.iter().enumerate() {
        let Ok((agent, _, member)) = agents.get(e) else {
            continue;
        };
        if member.present() && !ctx.reach.is_cut(id as u32) {
            peers.push(id as u32);
            if agent.up {
                free[id] = ctx.loads.room(agent);
            }
        }
    }
    let pending = std::mem::take(&mut board.pending);
    let mut waiting_again = std::collections::VecDeque::new();
    let mut bids: Vec<(f64, u32, u32)> = Vec::new();
    for sub in pending {
        let Some(st) = board.subtask_mut(sub) else {
            continue;
        };
        if st.resolution.is_some() {
            continue;
        }
        if ctx.now < st.announce_after || peers.is_empty() {
            waiting_again.push_back(sub);
            continue;
        }
        let f = (ctx.fanout as usize).min(peers.len());
        bids.clear();
        for j in 0..f {
            let pick = j + below(&mut ctx.streams.assign, (peers.len() - j) as u64) as usize;
            peers.swap(j, pick);
            let id = peers[j];
            let links = ctx.reach.links(&sc.messages, id, ctx.now);
            let call = travel(&links, route, ctx.now, &mut ctx.streams.network);
            book(
                ctx.ledger,
                ctx.counters,
                call.transmissions,
                sc.messages.assignment_bytes,
            );
            let Ok(heard) = call.arrival else { continue };
            if free[id as usize] == 0 {
                continue;
            }
            let bid = travel(&links, route, heard, &mut ctx.streams.network);
            book(
                ctx.ledger,
                ctx.counters,
                bid.transmissions,
                sc.messages.answer_bytes,
            );
            let Ok(arrived) = bid.arrival else { continue };
            let key = match sc.assignment.policy {
                Policy::BestSkill => agents
                    .get(ctx.roster.entities[id as usize])
                    .map_or(0.0, |a| a.1.now(st.domain as usize)),
                Policy::Reputation => agents
                    .get(ctx.roster.entities[id as usize])
                    .map_or(0.0, |a| a.0.reputation),
                Policy::Random | Policy::RoundRobin => 0.0,
            };
            bids.push((key, id, arrived));
        }
        if bids.is_empty() {
            st.announce_after = ctx.now + sc.messages.timeout;
            waiting_again.push_back(sub);
            continue;
        }
        let k = (st.want as usize).min(bids.len());
        match sc.assignment.policy {
            Policy::BestSkill | Policy::Reputation => {
                bids.sort_unstable_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            }
            Policy::Random => {
                for j in 0..k {
                    let pick = j + below(&mut ctx.streams.assign, (bids.len() - j) as u64) as usize;
                    bids.swap(j, pick);
                }
            }
            Policy::RoundRobin => {
                let c = *ctx.cursor as usize;
                bids.sort_unstable_by_key(|b| (b.1 as usize + n - c % n) % n);
                *ctx.cursor = (bids[k - 1].1 + 1) % n as u32;
            }
        }
        for &(_, id, arrived) in &bids[..k] {
            free[id as usize] -= 1;
            ctx.loads.take(id);
            let slot = st.slots.len() as u8;
            st.slots.push(Slot {
                agent: id,
                state: SlotState::Sent,
            });
            st.waiting += 1;
            let links = ctx.reach.links(&sc.messages, id, ctx.now);
            let award = travel(&links, route, arrived, &mut ctx.streams.network);
            book(
                ctx.ledger,
                ctx.counters,
                award.transmissions,
                sc.messages.answer_bytes,
            );
            ctx.network.deliver(
                award.arrival,
                Event::Assignment { sub, slot },
                Some(Event::AssignmentLost { sub, slot }),
            );
        }
    }
    board.pending = waiting_again;
}
