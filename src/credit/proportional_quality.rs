//! `proportional_quality`: `v(N)` split in proportion to each player's observed quality, the
//! number of its answers the coordinator judged correct. It pays for checked output rather than
//! for claims, but credits a correct answer the same whether it mattered or not. Efficient (when
//! some answer was judged correct) and additive.

use super::{Allocation, Axioms, CreditError, Facts, Game, Mechanism, Needs, split_by_fact};
use crate::rng::SimRng;

/// Proportional to answers judged correct.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProportionalQuality;

impl Mechanism for ProportionalQuality {
    fn name(&self) -> &'static str {
        "proportional_quality"
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
        Needs::Quality
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
