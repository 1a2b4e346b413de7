//! Phase 1, faults: failovers, scheduled events at the start of their tick, then random faults
//! (the transient loss of answers strikes in phase 5, see [`super::work`]; loss bursts and delays
//! strike on the links, see [`super::reach`] and [`super::network`]).
//!
//! First, every coordinator whose failover time has come is replaced (it is up again), and
//! agents new to the run draw their link's loss from `faults.link_loss` (stream `links`, in id
//! order). Scheduled
//! events then fire in tick then file order. A target is a fraction x of the present agents
//! (⌊x·n⌋ of them, drawn uniformly without replacement from stream `faults`), a group, listed
//! agent ids, or every present agent; agents that left the population are never struck.
//! `crash` takes its targets down and `recover` brings them back up; `partition` cuts them off
//! and `heal` reconnects them; `byzantine` makes them play `byzantine` for good; `loss_burst`
//! adds a loss probability to their links for `duration` ticks; `orchestrator_crash` takes down
//! the root coordinator (or a fraction of all coordinators, drawn uniformly) until
//! `failover_ticks` later.
//!
//! Then, from stream `faults`: each present agent, in id order, if up crashes with probability
//! `crash_probability`, and if down (from an earlier tick) is repaired with probability
//! `1 / mean_repair_ticks` (a two-state Markov chain whose stationary share of up agents is
//! `1 / (1 + crash_probability · mean_repair_ticks)`); each up coordinator, from the root down,
//! crashes with probability `orchestrator_crash_probability` (so the root is down a share
//! `c·F / (c·F + 1 − c)` of the ticks, F the failover time: up spells last `(1 − c)/c` ticks on
//! average, down spells exactly F); each present agent not yet byzantine is taken over with
//! probability `byzantine_probability`. Every event, crash and takeover counts once in
//! `faults_fired`; ticks that end this phase with the root down count in
//! `orchestrator_down_ticks`.

use bevy_ecs::prelude::*;

use super::agents::{Agent, Member, Roster};
use super::reach::Reach;
use super::resources::{Clock, Ledger, Params, Streams, TickCounters};
use crate::dist::{below, chance};
use crate::rng::SimRng;
use crate::scenario::{FaultKind, Target};
use crate::strategy::{Byzantine, Strategy};

/// The first `k` of a uniform shuffle of `pool` (partial Fisher–Yates), in drawn order.
fn draw<T>(pool: &mut Vec<T>, k: usize, rng: &mut SimRng) {
    for i in 0..k {
        let j = i + below(rng, (pool.len() - i) as u64) as usize;
        pool.swap(i, j);
    }
    pool.truncate(k);
}

/// Fires failovers, the tick's scheduled events, then random faults.
#[allow(clippy::too_many_arguments)]
pub fn inject_faults(
    params: Res<Params>,
    clock: Res<Clock>,
    roster: Res<Roster>,
    mut streams: ResMut<Streams>,
    mut ledger: ResMut<Ledger>,
    mut counters: ResMut<TickCounters>,
    mut reach: ResMut<Reach>,
    mut agents: Query<(&mut Agent, &Member)>,
) {
    let sc = &params.0;
    let f = &sc.faults;
    let now = clock.tick;
    let n = roster.entities.len();
    let topology = sc.topology;
    ledger.failovers += reach.fail_over(now) as u64;
    if let Some(dist) = &f.link_loss {
        reach.draw_link_losses(dist, n, &mut streams.links);
    }
    let random = f.crash_probability > 0.0
        || f.repair_probability > 0.0
        || f.orchestrator_crash_probability > 0.0
        || f.byzantine_probability > 0.0;
    let events: Vec<_> = f.events.iter().filter(|e| e.tick == now).collect();
    if !events.is_empty() || random {
        let rng = &mut streams.faults;
        let present: Vec<bool> = roster
            .entities
            .iter()
            .map(|&e| agents.get(e).is_ok_and(|(_, m)| m.present()))
            .collect();
        for e in events {
            ledger.faults_fired += 1;
            counters.faults += 1;
            if e.kind == FaultKind::OrchestratorCrash {
                let mut nodes = topology.nodes(n);
                match e.target {
                    Target::Fraction(x) => {
                        let k = (x * nodes.len() as f64).floor() as usize;
                        draw(&mut nodes, k, rng);
                    }
                    _ => nodes.truncate(1),
                }
                for node in nodes {
                    reach.crash_node(node, now + sc.failover_ticks);
                }
                continue;
            }
            let mut targets: Vec<usize> = match &e.target {
                Target::Fraction(x) => {
                    let mut pool: Vec<usize> = (0..n).filter(|&i| present[i]).collect();
                    let k = (x * pool.len() as f64).floor() as usize;
                    draw(&mut pool, k, rng);
                    pool
                }
                Target::Group(g) => (0..n)
                    .filter(|&i| present[i] && roster.groups[i] == *g)
                    .collect(),
                Target::Agents(ids) => ids
                    .iter()
                    .map(|&i| i as usize)
                    .filter(|&i| present.get(i) == Some(&true))
                    .collect(),
                Target::All | Target::Root => (0..n).filter(|&i| present[i]).collect(),
            };
            targets.sort_unstable();
            for i in targets {
                let id = i as u32;
                match e.kind {
                    FaultKind::Crash | FaultKind::Recover => {
                        if let Ok((mut agent, _)) = agents.get_mut(roster.entities[i]) {
                            agent.up = e.kind == FaultKind::Recover;
                        }
                    }
                    FaultKind::Partition => reach.set_cut(id, true),
                    FaultKind::Heal => reach.set_cut(id, false),
                    FaultKind::Byzantine => {
                        if let Ok((mut agent, _)) = agents.get_mut(roster.entities[i]) {
                            agent.strategy = Strategy::Byzantine(Byzantine);
                        }
                    }
                    FaultKind::LossBurst { loss, duration } => {
                        reach.set_burst(id, loss, now.saturating_add(duration));
                    }
                    FaultKind::OrchestratorCrash => {}
                }
            }
        }
        if random {
            for (i, &e) in roster.entities.iter().enumerate() {
                if !present[i] {
                    continue;
                }
                let Ok((mut agent, _)) = agents.get_mut(e) else {
                    continue;
                };
                if agent.up {
                    if chance(rng, f.crash_probability) {
                        agent.up = false;
                        ledger.faults_fired += 1;
                        counters.faults += 1;
                    }
                } else if chance(rng, f.repair_probability) {
                    agent.up = true;
                }
            }
            if f.orchestrator_crash_probability > 0.0 {
                for node in topology.nodes(n) {
                    if !reach.node_down(node) && chance(rng, f.orchestrator_crash_probability) {
                        reach.crash_node(node, now + sc.failover_ticks);
                        ledger.faults_fired += 1;
                        counters.faults += 1;
                    }
                }
            }
            if f.byzantine_probability > 0.0 {
                for (i, &e) in roster.entities.iter().enumerate() {
                    let Ok((mut agent, _)) = agents.get_mut(e) else {
                        continue;
                    };
                    if present[i]
                        && !matches!(agent.strategy, Strategy::Byzantine(_))
                        && chance(rng, f.byzantine_probability)
                    {
                        agent.strategy = Strategy::Byzantine(Byzantine);
                        ledger.faults_fired += 1;
                        counters.faults += 1;
                    }
                }
            }
        }
    }
    if reach.root_down(&topology, n) {
        ledger.orchestrator_down_ticks += 1;
    }
}
