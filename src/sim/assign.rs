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
//! A subtask for which no worker is available waits for a later tick (until its deadline). A
//! worker must also be reachable ([`super::reach`]): nothing is assigned while the root
//! coordinator is down. In the `star` topology each assignment is a message over one link, in
//! `hierarchical` over the `d` links of the worker's path down the tree; in `single` the agent
//! assigns to itself and no message is sent. The `decentralized` topology has no coordinator:
//! its subtasks are announced to peers, who bid ([`super::announce`]).

use bevy_ecs::prelude::*;

use std::collections::VecDeque;

use super::agents::{Agent, Loads, Member, Roster, Skills};
use super::announce;
use super::network::{Event, Network, book, route_to_worker};
use super::ranked::{Ranked, Tier, rank};
use super::reach::Reach;
use super::resources::{Clock, Ledger, Params, Streams, TickCounters};
use super::tasks::{Board, Inbox, Slot, SlotState, SubRef};
use crate::dist::below;
use crate::rules::{Policy, Topology};

/// The agents as the assign phase reads them.
type Workers<'w, 's, 'a> = Query<'w, 's, (&'a Agent, &'a Skills, &'a Member)>;

/// The cursor of the `round_robin` policy: the id after the last one assigned.
#[derive(Resource, Debug, Default)]
pub struct RoundRobin(pub u32);

/// The buffers of the assign phase, kept from tick to tick so that a steady state allocates
/// nothing: room per agent id, the candidates per domain and by reputation with the cut of each
/// ranking's top tier (per domain, then by reputation; see [`Ranked`]), the random pool, and the
/// queue of subtasks that wait again.
#[derive(Debug, Default)]
pub struct Scratch {
    free: Vec<u32>,
    by_domain: Vec<Vec<u128>>,
    by_reputation: Vec<u128>,
    cuts: Vec<u128>,
    pool: Vec<u32>,
    waiting_again: VecDeque<SubRef>,
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
    reach: Res<Reach>,
    mut loads: ResMut<Loads>,
    mut scratch: Local<Vec<Scratch>>,
    agents: Workers,
) {
    if board.pending.is_empty() {
        return;
    }
    let sc = &params.0;
    let n = roster.entities.len();
    if let Topology::Decentralized { fanout } = sc.topology {
        let mut ctx = announce::Context {
            sc,
            now: clock.tick,
            fanout,
            roster: &roster,
            reach: &reach,
            streams: &mut streams,
            network: &mut network,
            ledger: &mut ledger,
            counters: &mut counters,
            cursor: &mut cursor.0,
            loads: &mut loads,
        };
        announce::announce_subtasks(&mut ctx, &mut board, &agents);
        return;
    }
    if reach.root_down(&sc.topology, n) {
        return;
    }
    let mut ctx = Pass {
        sc,
        now: clock.tick,
        roster: &roster,
        streams: &mut streams,
        network: &mut network,
        inbox: &mut inbox,
        ledger: &mut ledger,
        counters: &mut counters,
        cursor: &mut cursor.0,
        reach: &reach,
        loads: &mut loads,
        agents: &agents,
    };
    let pending = std::mem::take(&mut board.pending);
    let kinds = sc.institutions.len().max(1);
    scratch.resize_with(kinds, Scratch::default);
    if kinds == 1 {
        board.pending = assign_pass(&mut ctx, &mut board, pending, None, &mut scratch[0]);
        return;
    }
    // Each institution's subtasks go to its own members, in the order they came.
    let mut split: Vec<VecDeque<SubRef>> = vec![VecDeque::new(); kinds];
    for sub in pending {
        let k = board.get(sub.0).map_or(0, |t| t.institution as usize);
        split[k].push_back(sub);
    }
    for (k, mine) in split.into_iter().enumerate() {
        let waiting = assign_pass(&mut ctx, &mut board, mine, Some(k as u8), &mut scratch[k]);
        board.pending.extend(waiting);
    }
}

/// What one assignment pass reads and changes.
struct Pass<'a, 'w, 's, 'q> {
    sc: &'a crate::scenario::Scenario,
    now: u32,
    roster: &'a Roster,
    streams: &'a mut Streams,
    network: &'a mut Network,
    inbox: &'a mut Inbox,
    ledger: &'a mut Ledger,
    counters: &'a mut TickCounters,
    cursor: &'a mut u32,
    reach: &'a Reach,
    loads: &'a mut Loads,
    agents: &'a Workers<'w, 's, 'q>,
}

/// Assigns the subtasks of `pending` (of institution `only`, to its members; of anyone's
/// without institutions) in order; returns those that wait again.
fn assign_pass(
    ctx: &mut Pass,
    board: &mut Board,
    mut pending: VecDeque<SubRef>,
    only: Option<u8>,
    scratch: &mut Scratch,
) -> VecDeque<SubRef> {
    let sc = ctx.sc;
    let n = ctx.roster.entities.len();
    let r = sc.assignment.redundancy as usize;
    let policy = sc.assignment.policy;
    let demand = demand(board, &pending, sc.tasks.domains as usize);
    let (mut by_domain, mut by_reputation, mut available) = candidates(
        sc,
        (ctx.reach, ctx.loads, only),
        ctx.agents,
        (&demand, n),
        scratch,
    );
    let (free, pool) = (&mut scratch.free, &mut scratch.pool);
    let mut waiting_again = std::mem::take(&mut scratch.waiting_again);
    let mut chosen: Vec<u32> = Vec::with_capacity(r);
    for sub in pending.drain(..) {
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
        let r = st.want as usize;
        let ranked = (&mut by_domain[..], &mut by_reputation, &mut *pool);
        pick(
            policy,
            ranked,
            (st.domain, r),
            (free, ctx.agents, ctx.roster),
            ctx.streams,
            ctx.cursor,
            &mut chosen,
        );
        if chosen.is_empty() {
            waiting_again.push_back(sub);
            continue;
        }
        for &id in &chosen {
            free[id as usize] -= 1;
            if free[id as usize] == 0 {
                available -= 1;
            }
            ctx.loads.take(id);
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
            let id = st.slots[slot].agent;
            send_assignment(
                sc,
                ctx.now,
                (sub, slot as u8),
                &ctx.reach.links(&sc.messages, id, ctx.now),
                n,
                ctx.network,
                ctx.inbox,
                ctx.streams,
                ctx.ledger,
                ctx.counters,
            );
        }
    }
    let rankings = by_domain.iter().chain([&by_reputation]);
    for (cut, ranked) in scratch.cuts.iter_mut().zip(rankings) {
        *cut = ranked.next_cut();
    }
    scratch.by_domain = by_domain.into_iter().map(Ranked::into_items).collect();
    scratch.by_reputation = by_reputation.into_items();
    scratch.waiting_again = pending;
    waiting_again
}

/// One pass over the agents, into `scratch`: room per agent id (0 when down or unreachable),
/// and the candidates of the policy (agents with room, keyed by skill per domain in demand, or
/// by reputation, each ranking's top tier only; the random pool in id order). Returns the
/// rankings and how many agents have room.
fn candidates(
    sc: &crate::scenario::Scenario,
    (reach, loads, only): (&Reach, &Loads, Option<u8>),
    agents: &Workers,
    (demand, n): (&[usize], usize),
    scratch: &mut Scratch,
) -> (Vec<Ranked>, Ranked, usize) {
    let domains = demand.len();
    scratch.free.clear();
    scratch.free.resize(n, 0);
    let mut tiers = Tiers::new(scratch, sc.assignment.policy, (domains, n));
    scratch.pool.clear();
    let mut available = 0usize;
    let policy = sc.assignment.policy;
    let everyone = reach.everyone_reachable();
    for (a, skills, member) in agents.iter() {
        let room = loads.room(a);
        if !(a.up && room > 0 && (everyone || reach.reachable(&sc.topology, a.id, n))) {
            continue;
        }
        if only.is_some_and(|k| k != member.institution) {
            continue;
        }
        scratch.free[a.id as usize] = room;
        available += 1;
        match policy {
            Policy::BestSkill => {
                let each = tiers.domains.iter_mut().zip(demand);
                for ((tier, &want), s) in each.zip(skills.all_now()) {
                    if want > 0 {
                        tier.offer(rank(s, a.id));
                    }
                }
            }
            Policy::Reputation => tiers.reputation.offer(rank(a.reputation, a.id)),
            Policy::Random => scratch.pool.push(a.id),
            Policy::RoundRobin => {}
        }
    }
    // Query order is spawn order here, but the pool's order must not depend on it.
    scratch.pool.sort_unstable();
    let by_domain = (tiers.domains.into_iter().zip(demand))
        .map(|(tier, &want)| tier.rank(want))
        .collect();
    let by_reputation = tiers.reputation.rank(demand.iter().sum());
    (by_domain, by_reputation, available)
}

/// The top tiers of one tick's rankings: per domain, and by reputation.
struct Tiers {
    domains: Vec<Tier>,
    reputation: Tier,
}

impl Tiers {
    /// Empty tiers of `domains` domains in the buffers of `scratch`, each under its cut, those
    /// that `policy` ranks with room for `n` ranks (the others with none).
    fn new(scratch: &mut Scratch, policy: Policy, (domains, n): (usize, usize)) -> Self {
        scratch.cuts.resize(domains + 1, u128::MAX);
        scratch.by_domain.resize_with(domains, Vec::new);
        let buffers = std::mem::take(&mut scratch.by_domain);
        let reputation = std::mem::take(&mut scratch.by_reputation);
        let room = |used: bool| if used { n } else { 0 };
        let per_domain = room(policy == Policy::BestSkill);
        Tiers {
            domains: (buffers.into_iter().zip(&scratch.cuts))
                .map(|(items, &cut)| Tier::new(items, per_domain, cut))
                .collect(),
            reputation: Tier::new(
                reputation,
                room(policy == Policy::Reputation),
                scratch.cuts[domains],
            ),
        }
    }
}

/// Demand per domain: the workers the `pending` subtasks want, i.e. how deep each domain's
/// ranking must go.
fn demand(board: &Board, pending: &VecDeque<SubRef>, domains: usize) -> Vec<usize> {
    let mut demand = vec![0usize; domains];
    for &sub in pending {
        if let Some(st) = board.subtask(sub).filter(|st| st.resolution.is_none()) {
            demand[st.domain as usize] += st.want as usize;
        }
    }
    demand
}

/// Up to `r` workers with room (`free`) for a subtask of `domain`, by `policy`, into `chosen`:
/// the best-ranked in the domain or by reputation, a partial Fisher–Yates draw from the pool,
/// or the next ids from the round-robin cursor.
fn pick(
    policy: Policy,
    (by_domain, by_reputation, pool): (&mut [Ranked], &mut Ranked, &mut Vec<u32>),
    (domain, r): (u16, usize),
    (free, agents, roster): (&[u32], &Workers, &Roster),
    streams: &mut Streams,
    cursor: &mut u32,
    chosen: &mut Vec<u32>,
) {
    let n = free.len();
    // The candidates after a ranking's cut: every agent with room whose rank is after it.
    let rest = |key: &dyn Fn(&Agent, &Skills) -> f64, cut: u128, items: &mut Vec<u128>| {
        for (id, _) in free.iter().enumerate().filter(|(_, room)| **room > 0) {
            if let Ok((a, skills, _)) = agents.get(roster.entities[id]) {
                let rank = rank(key(a, skills), id as u32);
                if rank > cut {
                    items.push(rank);
                }
            }
        }
    };
    match policy {
        Policy::BestSkill => {
            let skill = |_: &Agent, s: &Skills| s.now(domain as usize);
            let mut rest = |cut, items: &mut Vec<u128>| rest(&skill, cut, items);
            by_domain[domain as usize].pick(r, free, chosen, &mut rest)
        }
        Policy::Reputation => {
            let reputation = |a: &Agent, _: &Skills| a.reputation;
            let mut rest = |cut, items: &mut Vec<u128>| rest(&reputation, cut, items);
            by_reputation.pick(r, free, chosen, &mut rest)
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
            let mut id = *cursor as usize % n;
            for _ in 0..n {
                if chosen.len() == r {
                    break;
                }
                if free[id] > 0 && !chosen.contains(&(id as u32)) {
                    chosen.push(id as u32);
                    *cursor = (id as u32 + 1) % n as u32;
                }
                id = (id + 1) % n;
            }
        }
    }
}

/// Sends an assignment from the root down to its worker over `links` (straight to the inbox in
/// `single`).
#[allow(clippy::too_many_arguments)]
fn send_assignment(
    sc: &crate::scenario::Scenario,
    now: u32,
    (sub, slot): (SubRef, u8),
    links: &crate::scenario::Messages,
    n: usize,
    network: &mut Network,
    inbox: &mut Inbox,
    streams: &mut Streams,
    ledger: &mut Ledger,
    counters: &mut TickCounters,
) {
    if sc.topology == Topology::Single {
        inbox.0.push((sub, slot));
        return;
    }
    let sent = network.send(
        links,
        route_to_worker(sc, n),
        now,
        Event::Assignment { sub, slot },
        Some(Event::AssignmentLost { sub, slot }),
        &mut streams.network,
    );
    book(ledger, counters, sent, sc.messages.assignment_bytes);
}
