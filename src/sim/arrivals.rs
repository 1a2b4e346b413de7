//! Phase 2, arrivals (instruction processing): tasks arrive and are decomposed.
//!
//! The number of tasks arriving in a tick is Poisson with mean `tasks.arrival_rate`. Each task
//! has reward R, deadline `tick + tasks.deadline`, and `m` subtasks, each with a domain uniform
//! over the D domains, a difficulty drawn from `tasks.difficulty`, and a correct answer uniform
//! over the K answers. Every subtask joins the queue of subtasks waiting for workers. With
//! `[privacy]`, each task is private with probability `privacy.share` (drawn first, from the
//! same stream): one subtask (domain 0, difficulty 0) for `privacy.participants` data holders.
//! With a `[bank]`, each task instead draws a source of the bank and its items (same stream):
//! every subtask asks an item, whose difficulty and true answer are the subtask's, and its
//! domain is the source's index. With institutions, each task then goes to institution k with
//! probability `n_k / n`, n_k its present members (stream `choice`; to the first when nobody is
//! present).

use bevy_ecs::prelude::*;
use rand_distr::{Distribution, Poisson};

use super::agents::Member;
use super::resources::{Clock, Ledger, Params, Streams, TickCounters};
use super::tasks::{Board, Subtask, Task};
use crate::dist::{below, chance};

/// Draws this tick's arrivals and puts their subtasks in the queue.
pub fn spawn_tasks(
    params: Res<Params>,
    clock: Res<Clock>,
    mut streams: ResMut<Streams>,
    mut board: ResMut<Board>,
    mut ledger: ResMut<Ledger>,
    mut counters: ResMut<TickCounters>,
    members: Query<&Member>,
) {
    let t = &params.0.tasks;
    let sizes = institution_sizes(params.0.institutions.len(), &members);
    let streams = &mut *streams;
    let rng = &mut streams.arrivals;
    let arrivals = match Poisson::new(t.arrival_rate) {
        Ok(p) if t.arrival_rate > 0.0 => p.sample(rng) as u64,
        _ => 0,
    };
    let privacy = params.0.privacy.as_ref();
    let redundancy = params.0.assignment.redundancy;
    for _ in 0..arrivals {
        let id = board.next_id();
        let deadline = clock.tick + t.deadline;
        if let Some(p) = privacy
            && chance(rng, p.share)
        {
            board.pending.push_back((id, 0));
            let subtasks = vec![Subtask::private(p.participants)];
            board.insert(Task::new(id, clock.tick, deadline, subtasks, true));
            continue;
        }
        let subtasks: Vec<Subtask> = match &params.0.bank {
            Some(bank) => {
                let (domain, items) = bank.draw(rng, t.subtasks, t.answers);
                items
                    .into_iter()
                    .map(|item| Subtask::asking(item, domain, redundancy))
                    .collect()
            }
            None => (0..t.subtasks)
                .map(|_| {
                    let domain = below(rng, u64::from(t.domains)) as u16;
                    let difficulty = t.difficulty.sample(rng, 0.0, 1.0);
                    let truth = below(rng, u64::from(t.answers)) as u16;
                    Subtask::new(domain, difficulty, truth, redundancy)
                })
                .collect(),
        };
        for s in 0..t.subtasks {
            board.pending.push_back((id, s as u8));
        }
        let mut task = Task::new(id, clock.tick, deadline, subtasks, false);
        task.institution = draw_institution(&mut streams.choice, &sizes);
        board.insert(task);
    }
    ledger.tasks_arrived += arrivals;
    counters.arrived += arrivals;
}

/// Present members per institution (empty without institutions).
pub fn institution_sizes(institutions: usize, members: &Query<&Member>) -> Vec<u64> {
    let mut sizes = vec![0u64; institutions];
    if institutions > 0 {
        for m in members.iter().filter(|m| m.present()) {
            sizes[m.institution as usize] += 1;
        }
    }
    sizes
}

/// Institution k with probability `sizes[k] / Σ sizes` (nothing drawn without institutions; the
/// first when nobody is present).
fn draw_institution(rng: &mut crate::rng::SimRng, sizes: &[u64]) -> u8 {
    let total: u64 = sizes.iter().sum();
    if sizes.len() < 2 || total == 0 {
        return 0;
    }
    let mut u = below(rng, total);
    for (k, &n) in sizes.iter().enumerate() {
        if u < n {
            return k as u8;
        }
        u -= n;
    }
    0
}
