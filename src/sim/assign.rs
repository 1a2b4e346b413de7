//! Phase 3, assign (decomposition and routing): the coordinator gives each waiting subtask to
//! up to `r` distinct available workers.
//!
//! A worker is available when it is up and holds fewer subtasks than its capacity. Subtasks are
//! served first come, first served; each gets `min(r, available)` workers, chosen by the policy:
//!
//! - `best_skill`: highest current skill in the subtask's domain (ties: smaller id);
//! - `reputation`: highest reputation (ties: smaller id);
//! - `random`: uniformly among the available workers;
//! - `round_robin`: the next available workers in id order after the last one assigned.
//!
//! A subtask for which no worker is available waits for a later tick (until its deadline). In the
//! `star` topology each assignment is a message over the links; in `single` the agent assigns to
//! itself and no message is sent.

use bevy_ecs::prelude::*;

use super::agents::{Agent, Load, Reputation, Roster, Skills, Up};
use super::network::{Event, Network};
use super::resources::{Clock, Ledger, Params, Streams, TickCounters};
use super::tasks::{Board, Slot, SlotState, SubRef};
use super::work::Inbox;
use crate::dist::below;
use crate::rules::{Policy, Topology};

/// The cursor of the `round_robin` policy: the id after the last one assigned.
#[derive(Resource, Debug, Default)]
pub struct RoundRobin(pub u32);

/// Agents ranked by a key (descending, ties by id), sorted lazily: only as deep as needed.
struct Ranked {
    items: Vec<(f64, u32)>,
    /// The first `sorted` items are the top ones, in order.
    sorted: usize,
    /// Every item before `start` has no room left this tick.
    start: usize,
}

fn by_key_then_id(a: &(f64, u32), b: &(f64, u32)) -> std::cmp::Ordering {
    b.0.total_cmp(&a.0).then(a.1.cmp(&b.1))
}

impl Ranked {
    fn new(items: Vec<(f64, u32)>) -> Self {
        Ranked {
            items,
            sorted: 0,
            start: 0,
        }
    }

    /// Makes sure the first `n` items are the top `n`, in order.
    fn ensure(&mut self, n: usize) {
        let n = n.min(self.items.len());
        if n <= self.sorted {
            return;
        }
        let rest = &mut self.items[self.sorted..];
        let k = n - self.sorted;
        if k < rest.len() {
            rest.select_nth_unstable_by(k - 1, by_key_then_id);
        }
        rest[..k].sort_unstable_by(by_key_then_id);
        self.sorted = n;
    }

    /// Appends to `out` the first `r` agents in rank order that have room.
    fn pick(&mut self, r: usize, free: &[u32], out: &mut Vec<u32>) {
        let mut i = self.start;
        let mut front = true;
        while out.len() < r && i < self.items.len() {
            if i >= self.sorted {
                self.ensure((self.sorted * 2).max(self.sorted + 2 * r + 16));
            }
            let id = self.items[i].1;
            if free[id as usize] > 0 {
                out.push(id);
                front = false;
            } else if front {
                self.start = i + 1;
            }
            i += 1;
        }
    }
}

/// Assigns waiting subtasks to workers.
#[allow(clippy::too_many_arguments)]
pub fn assign_subtasks(
    params: Res<Params>,
    clock: Res<Clock>,
    roster: Res<Roster>,
    mut streams: ResMut<Streams>,
    mut board: ResMut<Board>,
    mut network: ResMut<Network>,
    mut inbox: ResMut<Inbox>,
    mut ledger: ResMut<Ledger>,
    mut counters: ResMut<TickCounters>,
    mut cursor: ResMut<RoundRobin>,
    mut agents: Query<(&Agent, &Skills, &Reputation, &mut Load, &Up)>,
) {
    if board.pending.is_empty() {
        return;
    }
    let sc = &params.0;
    let n = roster.entities.len();
    // Room per agent id (0 when down).
    let mut free = vec![0u32; n];
    let mut available = 0usize;
    for (a, _, _, load, up) in agents.iter() {
        if up.0 && load.has_room() {
            free[a.id as usize] = load.capacity - load.held;
            available += 1;
        }
    }
    let r = sc.assignment.redundancy as usize;
    let policy = sc.assignment.policy;

    // Per-policy candidate structures, built on first use.
    let mut by_domain: Vec<Option<Ranked>> = (0..sc.tasks.domains).map(|_| None).collect();
    let mut by_reputation: Option<Ranked> = None;
    let mut pool: Vec<u32> = Vec::new();
    if policy == Policy::Random {
        pool = (0..n as u32).filter(|&i| free[i as usize] > 0).collect();
    }

    let pending = std::mem::take(&mut board.pending);
    let mut waiting_again = std::collections::VecDeque::new();
    let mut chosen: Vec<u32> = Vec::with_capacity(r);
    for sub in pending {
        let Some(st) = board.subtask_mut(sub) else {
            continue;
        };
        if st.resolution.is_some() {
            continue;
        }
        if available == 0 {
            waiting_again.push_back(sub);
            continue;
        }
        chosen.clear();
        match policy {
            Policy::BestSkill => {
                let d = st.domain as usize;
                let ranked = by_domain[d].get_or_insert_with(|| {
                    Ranked::new(
                        agents
                            .iter()
                            .filter(|(a, ..)| free[a.id as usize] > 0)
                            .map(|(a, s, ..)| (s.now[d], a.id))
                            .collect(),
                    )
                });
                ranked.pick(r, &free, &mut chosen);
            }
            Policy::Reputation => {
                let ranked = by_reputation.get_or_insert_with(|| {
                    Ranked::new(
                        agents
                            .iter()
                            .filter(|(a, ..)| free[a.id as usize] > 0)
                            .map(|(a, _, rep, ..)| (rep.0, a.id))
                            .collect(),
                    )
                });
                ranked.pick(r, &free, &mut chosen);
            }
            Policy::Random => {
                // Partial Fisher-Yates over the pool of agents with room.
                let k = r.min(pool.len());
                for j in 0..k {
                    let pick = j + below(&mut streams.assign, (pool.len() - j) as u64) as usize;
                    pool.swap(j, pick);
                    chosen.push(pool[j]);
                }
            }
            Policy::RoundRobin => {
                let mut id = cursor.0 as usize % n;
                for _ in 0..n {
                    if chosen.len() == r {
                        break;
                    }
                    if free[id] > 0 && !chosen.contains(&(id as u32)) {
                        chosen.push(id as u32);
                        cursor.0 = (id as u32 + 1) % n as u32;
                    }
                    id = (id + 1) % n;
                }
            }
        }
        if chosen.is_empty() {
            waiting_again.push_back(sub);
            continue;
        }
        let st = board.subtask_mut(sub).expect("subtask checked above");
        for &id in &chosen {
            free[id as usize] -= 1;
            if free[id as usize] == 0 {
                available -= 1;
            }
            if let Ok((_, _, _, mut load, _)) = agents.get_mut(roster.entities[id as usize]) {
                load.held += 1;
            }
            st.slots.push(Slot {
                agent: id,
                state: SlotState::Sent,
            });
        }
        st.waiting += chosen.len() as u32;
        if policy == Policy::Random {
            // The chosen are at the front of the pool; drop those left without room.
            for j in (0..chosen.len()).rev() {
                if free[pool[j] as usize] == 0 {
                    pool.swap_remove(j);
                }
            }
        }
        let first_slot = st.slots.len() - chosen.len();
        for slot in first_slot..st.slots.len() {
            send_assignment(
                sc,
                clock.tick,
                sub,
                slot as u8,
                &mut network,
                &mut inbox,
                &mut streams,
                &mut ledger,
                &mut counters,
            );
        }
    }
    waiting_again.extend(std::mem::take(&mut board.pending));
    board.pending = waiting_again;
}

#[allow(clippy::too_many_arguments)]
fn send_assignment(
    sc: &crate::scenario::Scenario,
    now: u32,
    sub: SubRef,
    slot: u8,
    network: &mut Network,
    inbox: &mut Inbox,
    streams: &mut Streams,
    ledger: &mut Ledger,
    counters: &mut TickCounters,
) {
    match sc.topology {
        Topology::Single => inbox.0.push((sub, slot)),
        Topology::Star => {
            let sent = network.send(
                &sc.messages,
                now,
                Event::Assignment { sub, slot },
                Some(Event::AssignmentLost { sub, slot }),
                &mut streams.network,
            );
            let bytes = u64::from(sent) * sc.messages.assignment_bytes;
            ledger.messages += u64::from(sent);
            ledger.bytes += bytes;
            counters.messages += u64::from(sent);
            counters.bytes += bytes;
        }
    }
}
