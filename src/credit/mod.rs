//! Credit allocation: how the value of a task is split among its participants.
//!
//! This module knows nothing of the simulation or the ECS. A mechanism sees a cooperative
//! [`Game`] (the value `v(S)` of every coalition `S` of players) and returns one share per player
//! ([`Mechanism::allocate`]). The simulation builds the game of each finished task; `lamas credit`
//! (a later issue) builds games from files. [`MechanismKind`] is the registry: one variant and one
//! file per mechanism, listed in [`MECHANISMS`].

mod equal;
mod game;
mod loo;

pub use equal::Equal;
pub use game::{Coalition, Game, TableGame};
pub use loo::Loo;

use crate::scenario::spec::{SpecDef, resolve};

/// The axioms a mechanism guarantees on every game (checked by its tests).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Axioms {
    /// Shares sum to `v(N)`.
    pub efficiency: bool,
    /// Players with the same marginal contributions get the same share.
    pub symmetry: bool,
    /// A player who adds nothing to any coalition gets nothing.
    pub null_player: bool,
    /// The allocation of `v + w` is the sum of the allocations of `v` and `w`.
    pub additivity: bool,
}

/// A credit mechanism.
pub trait Mechanism {
    /// Its name as written in scenario files.
    fn name(&self) -> &'static str;
    /// The axioms it guarantees.
    fn axioms(&self) -> Axioms;
    /// One share per player of `game`.
    fn allocate(&self, game: &dyn Game) -> Vec<f64>;
}

/// The mechanisms (the registry).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MechanismKind {
    /// Equal split of `v(N)`.
    Equal(Equal),
    /// Leave-one-out marginal contribution `v(N) - v(N \ {i})`.
    Loo(Loo),
}

/// How each mechanism is written, in the order of [`MechanismKind`]'s variants.
pub const MECHANISMS: &[SpecDef] = &[
    SpecDef {
        name: "equal",
        doc: "equal split of the task's value",
        params: &[],
    },
    SpecDef {
        name: "loo",
        doc: "leave-one-out marginal contribution (difference reward)",
        params: &[],
    },
];

impl MechanismKind {
    /// Parses a mechanism name.
    pub fn parse(text: &str) -> Result<MechanismKind, String> {
        let (i, _) = resolve(text, "credit mechanism", MECHANISMS)?;
        Ok(match i {
            0 => MechanismKind::Equal(Equal),
            _ => MechanismKind::Loo(Loo),
        })
    }

    /// The mechanism behind the variant.
    pub fn mechanism(&self) -> &dyn Mechanism {
        match self {
            MechanismKind::Equal(m) => m,
            MechanismKind::Loo(m) => m,
        }
    }
}
