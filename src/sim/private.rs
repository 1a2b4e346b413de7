//! Private aggregation tasks: each participant's private value, its release through the privacy
//! mechanism under its budget, and the aggregate the coordinator computes.
//!
//! A participant that works on a private task draws its private value x from `privacy.values`
//! (stream `privacy`) and, if its budget allows one more release of the mechanism's (ε, δ)
//! ([`crate::privacy::accounting`]), releases it: the value clipped to the mechanism's bound,
//! plus its noise (stream `privacy`); a mechanism that shows the coordinator the value itself
//! (`none`) counts one value exposed. An agent whose budget is spent shares nothing: its answer
//! carries no report (a refusal). The report travels as an answer of `answer_bytes` plus the
//! mechanism's ciphertext expansion, after the mechanism's extra rounds (each a round trip over
//! the participant's links).
//!
//! The coordinator resolves a private task when every participant has answered or the deadline
//! has come (whatever the consensus rule): its aggregate is the sum (or the mean) of the reports
//! that arrived, the truth the sum (or mean) of the values of every participant that worked, and
//! the task succeeds when they differ by at most `privacy.tolerance`. The protocol's extra
//! messages ([`crate::privacy::Overhead`]) are booked then, for the participants that worked.

use bevy_ecs::prelude::*;

use crate::privacy::Layout;
use crate::rules::Topology;
use crate::scenario::{Aggregate, Privacy};

/// Per agent id: releases made, and (ε, δ) spent by them.
#[derive(Resource, Debug, Default, Clone)]
pub struct PrivacyAccounts {
    /// Releases made, by agent id.
    pub releases: Vec<u64>,
    /// ε spent, by agent id.
    pub epsilon: Vec<f64>,
    /// δ spent, by agent id.
    pub delta: Vec<f64>,
}

impl PrivacyAccounts {
    /// Makes room for agent `id`.
    pub fn reserve(&mut self, id: u32) {
        let n = id as usize + 1;
        if self.releases.len() < n {
            self.releases.resize(n, 0);
            self.epsilon.resize(n, 0.0);
            self.delta.resize(n, 0.0);
        }
    }
}

/// The aggregate of `xs` (sum or mean; NaN for the mean of nothing).
pub fn aggregate(kind: Aggregate, xs: impl Iterator<Item = f64>) -> f64 {
    let (mut sum, mut n) = (0.0, 0u64);
    for x in xs {
        sum += x;
        n += 1;
    }
    match kind {
        Aggregate::Sum => sum,
        Aggregate::Mean if n > 0 => sum / n as f64,
        Aggregate::Mean => f64::NAN,
    }
}

/// Where the coordinator of a private task sits in `topology` over `n` agents.
pub fn layout(topology: &Topology, n: usize) -> Layout {
    match topology {
        Topology::Decentralized { .. } => Layout::PeerToPeer,
        t => Layout::Server { hops: t.hops(n) },
    }
}

/// What a report costs on its way in `topology` over `n` agents: its extra bytes (the
/// mechanism's ciphertext expansion) and the ticks the mechanism's extra rounds add before it
/// leaves (each round a round trip over the participant's links: `rounds · 2 · hops · latency`,
/// hops = 1 peer to peer).
pub fn report_cost(p: &Privacy, topology: &Topology, n: usize, latency: u32) -> (u64, u32) {
    let layout = layout(topology, n);
    let hops = match layout {
        Layout::Server { hops } => hops,
        Layout::PeerToPeer => 1,
    };
    let o = p.mechanism.mechanism().overhead(1, layout);
    (o.extra_bytes_per_value, o.rounds * 2 * hops * latency)
}
