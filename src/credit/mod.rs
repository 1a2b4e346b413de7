//! Credit allocation: how the value of a task is split among its participants.
//!
//! This module knows nothing of the simulation or the ECS. A mechanism sees a cooperative
//! [`Game`] (the value `v(S)` of every coalition `S` of players) and, for mechanisms that use
//! them, plain [`Facts`] about the players (claimed effort, observed quality, peer ratings), and
//! returns an [`Allocation`] ([`Mechanism::allocate`]). The simulation builds the game of each
//! finished task; `lamas credit` builds games from files. [`MechanismKind`] is the registry: one
//! variant and one file per mechanism, written as listed in [`MECHANISMS`]. Each mechanism states
//! the [`Axioms`] it guarantees on every game, and its tests check exactly those.

mod banzhaf;
pub mod cost;
mod equal;
mod game;
pub mod games;
mod loo;
mod moments;
mod nucleolus;
mod peer_review;
mod proportional_claim;
mod proportional_quality;
mod shapley;
mod shapley_mc;

pub use banzhaf::Banzhaf;
pub use cost::Cost;
pub use equal::Equal;
pub use game::{Coalition, Game, MAX_ENUMERATED_PLAYERS, TableGame, coalition_table};
pub use loo::Loo;
pub use nucleolus::Nucleolus;
pub use peer_review::PeerReview;
pub use proportional_claim::ProportionalClaim;
pub use proportional_quality::ProportionalQuality;
pub use shapley::{Shapley, shapley_from_table};
pub use shapley_mc::ShapleyMc;

use crate::rng::SimRng;
use crate::syntax::spec::{ParamDef, SpecDef, resolve};

/// The axioms a mechanism guarantees on every game (each is checked by a property test).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Axioms {
    /// Shares sum to `v(N)`.
    pub efficiency: bool,
    /// Two players whose marginal contributions to every coalition are equal get equal shares.
    pub symmetry: bool,
    /// A player who adds nothing to any coalition gets nothing.
    pub null_player: bool,
    /// The allocation of `v + w` is the sum of the allocations of `v` and `w`.
    pub additivity: bool,
}

/// What a mechanism needs besides the game.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Needs {
    /// The game alone.
    Game,
    /// Each player's claimed effort.
    Claims,
    /// Each player's observed quality (answers judged correct).
    Quality,
    /// Each player's mean rating by its peers.
    Ratings,
}

impl Needs {
    /// What the need is, as a phrase ("claimed effort").
    pub fn describe(&self) -> &'static str {
        match self {
            Needs::Game => "game",
            Needs::Claims => "claimed effort",
            Needs::Quality => "observed quality",
            Needs::Ratings => "peer ratings",
        }
    }
}

/// Facts about the players of a game, beyond the game (one entry per player).
#[derive(Debug, Clone, Copy, Default)]
pub struct Facts<'a> {
    /// Claimed effort.
    pub claims: Option<&'a [f64]>,
    /// Observed quality: number of answers judged correct.
    pub quality: Option<&'a [f64]>,
    /// Mean rating received from peers.
    pub ratings: Option<&'a [f64]>,
}

impl Facts<'_> {
    /// The fact a mechanism needs, if present (`None` for [`Needs::Game`]).
    pub fn get(&self, needs: Needs) -> Option<&[f64]> {
        match needs {
            Needs::Game => None,
            Needs::Claims => self.claims,
            Needs::Quality => self.quality,
            Needs::Ratings => self.ratings,
        }
    }
}

/// `v(N)` split in proportion to the fact `m` needs (all zero: nothing allocated); the
/// allocation of the proportional mechanisms.
fn split_by_fact(
    m: &dyn Mechanism,
    game: &dyn Game,
    facts: &Facts<'_>,
) -> Result<Allocation, CreditError> {
    let weights = facts.get(m.needs()).ok_or(CreditError::NotApplicable {
        mechanism: m.name(),
        needs: m.needs().describe(),
    })?;
    let v = game.value(&Coalition::all(game.players()));
    let total: f64 = weights.iter().sum();
    let shares = weights
        .iter()
        .map(|w| if total > 0.0 { v * w / total } else { 0.0 })
        .collect();
    Ok(Allocation::exact(shares, 1))
}

/// What a mechanism returns.
#[derive(Debug, Clone, PartialEq)]
pub struct Allocation {
    /// One share per player.
    pub shares: Vec<f64>,
    /// The unnormalised values when the shares were normalised (Banzhaf's raw index).
    pub raw: Option<Vec<f64>>,
    /// Standard error of each share, when it was estimated by sampling.
    pub std_errors: Option<Vec<f64>>,
    /// Permutations or coalitions sampled; 0 when the allocation is exact.
    pub samples: u64,
    /// Coalition values computed.
    pub evaluations: u64,
}

impl Allocation {
    /// An exact allocation.
    pub fn exact(shares: Vec<f64>, evaluations: u64) -> Self {
        Allocation {
            shares,
            raw: None,
            std_errors: None,
            samples: 0,
            evaluations,
        }
    }

    /// The total of the unnormalised values (the raw index if there is one, else the shares).
    pub fn unscaled_total(&self) -> f64 {
        self.raw.as_ref().unwrap_or(&self.shares).iter().sum()
    }
}

/// Why a mechanism could not allocate.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CreditError {
    /// The game has too many players to enumerate its coalitions.
    #[error(
        "the game has {players} players, more than the {limit} whose 2^n coalitions can be enumerated; use `shapley_mc` (sampling) instead"
    )]
    TooLarge {
        /// Players in the game.
        players: usize,
        /// The most that can be enumerated.
        limit: usize,
    },
    /// The mechanism needs facts the caller does not have.
    #[error("`{mechanism}` needs each player's {needs}, which the game alone does not provide")]
    NotApplicable {
        /// The mechanism.
        mechanism: &'static str,
        /// What is missing.
        needs: &'static str,
    },
    /// The linear programmes of the nucleolus failed.
    #[error("the nucleolus could not be computed: {0}")]
    Solver(String),
}

/// A credit mechanism.
pub trait Mechanism {
    /// Its name as written in scenario files.
    fn name(&self) -> &'static str;
    /// The axioms it guarantees.
    fn axioms(&self) -> Axioms;
    /// What it needs besides the game.
    fn needs(&self) -> Needs {
        Needs::Game
    }
    /// The estimated work and memory of [`Mechanism::allocate`] on `game` ([`cost`]); by default
    /// one pass over the players and one value.
    fn cost(&self, game: &dyn Game) -> Cost {
        Cost::evaluations(game, 1.0)
    }
    /// One share per player of `game`. Sampling mechanisms draw from `rng`.
    fn allocate(
        &self,
        game: &dyn Game,
        facts: &Facts<'_>,
        rng: &mut SimRng,
    ) -> Result<Allocation, CreditError>;
}

/// The mechanisms (the registry).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum MechanismKind {
    /// Equal split of `v(N)`.
    Equal(Equal),
    /// Proportional to claimed effort.
    ProportionalClaim(ProportionalClaim),
    /// Proportional to observed quality.
    ProportionalQuality(ProportionalQuality),
    /// Leave-one-out marginal contribution `v(N) - v(N \ {i})`.
    Loo(Loo),
    /// Shapley value, exact up to a player limit, sampled above it.
    Shapley(Shapley),
    /// Shapley value by permutation sampling.
    ShapleyMc(ShapleyMc),
    /// Banzhaf value, normalised to `v(N)`.
    Banzhaf(Banzhaf),
    /// Nucleolus, by a sequence of linear programmes.
    Nucleolus(Nucleolus),
    /// Proportional to peer ratings.
    PeerReview(PeerReview),
}

const LIMIT: ParamDef = ParamDef {
    name: "limit",
    min: 1.0,
    max: 28.0,
    integer: true,
    default: Some(16.0),
};
const SAMPLES: ParamDef = ParamDef {
    name: "samples",
    min: 2.0,
    max: 1e9,
    integer: true,
    default: Some(1000.0),
};

/// How each mechanism is written, in the order of [`MechanismKind`]'s variants.
pub const MECHANISMS: &[SpecDef] = &[
    SpecDef {
        name: "equal",
        doc: "equal split of the task's value",
        params: &[],
    },
    SpecDef {
        name: "proportional_claim",
        doc: "proportional to claimed effort",
        params: &[],
    },
    SpecDef {
        name: "proportional_quality",
        doc: "proportional to answers judged correct",
        params: &[],
    },
    SpecDef {
        name: "loo",
        doc: "leave-one-out marginal contribution (difference reward)",
        params: &[],
    },
    SpecDef {
        name: "shapley",
        doc: "Shapley value: exact up to `limit` players, sampled with `samples` permutations above",
        params: &[LIMIT, SAMPLES],
    },
    SpecDef {
        name: "shapley_mc",
        doc: "Shapley value by permutation sampling (antithetic pairs when antithetic = 1)",
        params: &[
            SAMPLES,
            ParamDef {
                name: "antithetic",
                min: 0.0,
                max: 1.0,
                integer: true,
                default: Some(0.0),
            },
        ],
    },
    SpecDef {
        name: "banzhaf",
        doc: "Banzhaf value normalised to v(N): exact up to `limit` players, sampled above",
        params: &[LIMIT, SAMPLES],
    },
    SpecDef {
        name: "nucleolus",
        doc: "nucleolus, by a sequence of linear programmes",
        params: &[],
    },
    SpecDef {
        name: "peer_review",
        doc: "proportional to the ratings agents give each other",
        params: &[],
    },
];

impl MechanismKind {
    /// Parses a mechanism as written in a scenario file or on the command line.
    pub fn parse(text: &str) -> Result<MechanismKind, String> {
        let (i, v) = resolve(text, "credit mechanism", MECHANISMS)?;
        let samples = |x: f64| x as u32;
        Ok(match MECHANISMS[i].name {
            "equal" => MechanismKind::Equal(Equal),
            "proportional_claim" => MechanismKind::ProportionalClaim(ProportionalClaim),
            "proportional_quality" => MechanismKind::ProportionalQuality(ProportionalQuality),
            "loo" => MechanismKind::Loo(Loo),
            "shapley" => MechanismKind::Shapley(Shapley {
                limit: v[0] as usize,
                fallback_samples: Some(samples(v[1])),
            }),
            "shapley_mc" => MechanismKind::ShapleyMc(ShapleyMc {
                samples: samples(v[0]),
                antithetic: v[1] == 1.0,
            }),
            "banzhaf" => MechanismKind::Banzhaf(Banzhaf {
                limit: v[0] as usize,
                fallback_samples: Some(samples(v[1])),
            }),
            "nucleolus" => MechanismKind::Nucleolus(Nucleolus::default()),
            "peer_review" => MechanismKind::PeerReview(PeerReview),
            other => {
                return Err(format!(
                    "mechanism `{other}` of the registry has no arm in MechanismKind::parse"
                ));
            }
        })
    }

    /// The mechanism behind the variant.
    pub fn mechanism(&self) -> &dyn Mechanism {
        match self {
            MechanismKind::Equal(m) => m,
            MechanismKind::ProportionalClaim(m) => m,
            MechanismKind::ProportionalQuality(m) => m,
            MechanismKind::Loo(m) => m,
            MechanismKind::Shapley(m) => m,
            MechanismKind::ShapleyMc(m) => m,
            MechanismKind::Banzhaf(m) => m,
            MechanismKind::Nucleolus(m) => m,
            MechanismKind::PeerReview(m) => m,
        }
    }

    /// Every mechanism with its default parameters, in registry order.
    pub fn all() -> Vec<MechanismKind> {
        MECHANISMS
            .iter()
            .map(|d| MechanismKind::parse(d.name).expect("registry names parse"))
            .collect()
    }
}

/// `shares` scaled so that they sum to `target`; `None` when they sum to zero or less.
pub fn scale_to(shares: &[f64], target: f64) -> Option<Vec<f64>> {
    let total: f64 = shares.iter().sum();
    (total > 1e-12).then(|| shares.iter().map(|x| x * target / total).collect())
}

#[cfg(test)]
mod tests;
