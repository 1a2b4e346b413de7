//! `proportional_claim`: `v(N)` split in proportion to the effort each player *claims*. Cheap and
//! intuitive, and exactly what a misreporter exploits: claims are not checked. Efficient (when
//! some claim is positive) and additive; neither symmetric nor fair to null players in the
//! game's sense, since it ignores the game.

use super::{Allocation, Axioms, CreditError, Facts, Game, Mechanism, Needs, split_by_fact};
use crate::rng::SimRng;

/// Proportional to claimed effort.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProportionalClaim;

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
        split_by_fact(self, game, facts)
    }
}
