//! `proportional_claim`: `v(N)` split in proportion to the effort each player *claims*. Cheap and
//! intuitive, and exactly what a misreporter exploits: claims are not checked. Efficient (when
//! some claim is positive) and additive; neither symmetric nor fair to null players in the
//! game's sense, since it ignores the game.

use super::{Allocation, Axioms, Coalition, CreditError, Facts, Game, Mechanism, Needs};
use crate::rng::SimRng;

/// Proportional to claimed effort.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProportionalClaim;

/// `v(N)` split in proportion to `weights` (all zero: nothing allocated).
pub(super) fn split(game: &dyn Game, weights: &[f64]) -> Allocation {
    let v = game.value(&Coalition::all(game.players()));
    let total: f64 = weights.iter().sum();
    let shares = weights
        .iter()
        .map(|w| if total > 0.0 { v * w / total } else { 0.0 })
        .collect();
    Allocation::exact(shares, 1)
}

impl Mechanism for ProportionalClaim {
    fn name(&self) -> &'static str {
        "proportional_claim"
    }
    fn axioms(&self) -> Axioms {
        Axioms {
            efficiency: true,
            symmetry: false,
            null_player: false,
            additivity: true,
        }
    }
    fn needs(&self) -> Needs {
        Needs::Claims
    }
    fn allocate(
        &self,
        game: &dyn Game,
        facts: &Facts<'_>,
        _: &mut SimRng,
    ) -> Result<Allocation, CreditError> {
        let claims = facts.claims.ok_or(CreditError::NotApplicable {
            mechanism: self.name(),
            needs: "claimed effort",
        })?;
        Ok(split(game, claims))
    }
}
