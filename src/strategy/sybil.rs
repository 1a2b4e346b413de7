//! `sybil(k)`: one owner behind k identities. Each identity is an agent of its own (its own
//! skills, wallet, reputation and capacity, as the platform sees it); the first, the *lead*,
//! works like `honest`, the k − 1 others shirk (no effort, a guess, a claim of full effort). The
//! owner collects the credit of all its identities and pays all their costs: payoff metrics count
//! an owner once, with the sum over its identities.

use super::{Answering, Behaviour, Work};

/// One identity of a sybil owner with `k` identities.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sybil {
    /// Identities per owner (≥ 1).
    pub k: u32,
    /// Whether this identity is the one that works.
    pub lead: bool,
}

impl Behaviour for Sybil {
    fn name(&self) -> &'static str {
        "sybil"
    }
    fn work(&self) -> Work {
        if self.lead {
            Work {
                effort: 1.0,
                answering: Answering::Solve,
                claim: 1.0,
            }
        } else {
            Work {
                effort: 0.0,
                answering: Answering::Guess,
                claim: 1.0,
            }
        }
    }
}
