//! `peer_review`: `v(N)` split in proportion to the mean rating each player receives from the
//! other participants. In the simulation a participant rates another by the share of that
//! agent's answers that agree with the kept answers of their subtasks, as it can see them;
//! colluders can rate each other up. Efficient (when some rating is positive) and additive.

use super::{Allocation, Axioms, CreditError, Facts, Game, Mechanism, Needs, split_by_fact};
use crate::rng::SimRng;

/// Proportional to peer ratings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PeerReview;

impl Mechanism for PeerReview {
    fn name(&self) -> &'static str {
        "peer_review"
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
        Needs::Ratings
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
