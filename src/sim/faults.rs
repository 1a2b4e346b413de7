//! Phase 1, faults: scheduled events at the start of their tick, then random crashes and
//! repairs (the transient loss of answers strikes in phase 5, see [`super::work`]).
//!
//! Scheduled events fire in tick then file order. `crash` takes its targets down, `recover`
//! brings them back up; a target is a fraction x of the present agents (⌊x·n⌋ of them, drawn
//! uniformly without replacement from stream `faults`), a group, or listed agent ids; agents that
//! left the population are never struck. Then each present agent, in id order, if up crashes with
//! probability `crash_probability`, and if down (from an earlier tick) is repaired with
//! probability `1 / mean_repair_ticks` (stream `faults`): the up state is a two-state Markov
//! chain whose stationary share of up agents is `1 / (1 + crash_probability · mean_repair_ticks)`.
//! Every event and every random crash counts once in `faults_fired`.

use bevy_ecs::prelude::*;

use super::agents::{Member, Roster, Up};
use super::resources::{Clock, Ledger, Params, Streams, TickCounters};
use crate::dist::{below, chance};
use crate::scenario::{FaultKind, Target};

/// Fires the tick's scheduled events, then random crashes and repairs.
pub fn inject_faults(
    params: Res<Params>,
    clock: Res<Clock>,
    roster: Res<Roster>,
    mut streams: ResMut<Streams>,
    mut ledger: ResMut<Ledger>,
    mut counters: ResMut<TickCounters>,
    mut agents: Query<(&mut Up, &Member)>,
) {
    let f = &params.0.faults;
    let random = f.crash_probability > 0.0 || f.repair_probability > 0.0;
    let events: Vec<_> = f.events.iter().filter(|e| e.tick == clock.tick).collect();
    if events.is_empty() && !random {
        return;
    }
    let rng = &mut streams.faults;
    let present: Vec<bool> = roster
        .entities
        .iter()
        .map(|&e| agents.get(e).is_ok_and(|(_, m)| m.present()))
        .collect();
    for e in events {
        let mut targets: Vec<usize> = match &e.target {
            Target::Fraction(x) => {
                let mut pool: Vec<usize> = (0..present.len()).filter(|&i| present[i]).collect();
                let k = (x * pool.len() as f64).floor() as usize;
                // Partial Fisher–Yates: the first k of a uniform shuffle.
                for i in 0..k {
                    let j = i + below(rng, (pool.len() - i) as u64) as usize;
                    pool.swap(i, j);
                }
                pool.truncate(k);
                pool
            }
            Target::Group(g) => (0..present.len())
                .filter(|&i| present[i] && roster.groups[i] == *g)
                .collect(),
            Target::Agents(ids) => ids
                .iter()
                .map(|&i| i as usize)
                .filter(|&i| present.get(i) == Some(&true))
                .collect(),
        };
        targets.sort_unstable();
        for i in targets {
            if let Ok((mut up, _)) = agents.get_mut(roster.entities[i]) {
                up.0 = e.kind == FaultKind::Recover;
            }
        }
        ledger.faults_fired += 1;
        counters.faults += 1;
    }
    if !random {
        return;
    }
    for (i, &e) in roster.entities.iter().enumerate() {
        if !present[i] {
            continue;
        }
        let Ok((mut up, _)) = agents.get_mut(e) else {
            continue;
        };
        if up.0 {
            if chance(rng, f.crash_probability) {
                up.0 = false;
                ledger.faults_fired += 1;
                counters.faults += 1;
            }
        } else if chance(rng, f.repair_probability) {
            up.0 = true;
        }
    }
}
