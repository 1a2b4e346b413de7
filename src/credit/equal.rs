//! `equal`: every participant gets `v(N) / n`, whatever it did. Efficient, symmetric and
//! additive, but it pays null players, which is why free-riding pays under it.

use super::{Allocation, Axioms, Coalition, CreditError, Facts, Game, Mechanism};
use crate::rng::SimRng;

/// Equal split.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Equal;

impl Mechanism for Equal {
    fn name(&self) -> &'static str {
        "equal"
    }
    fn axioms(&self) -> Axioms {
        Axioms {
            efficiency: true,
            symmetry: true,
            null_player: false,
            additivity: true,
        }
    }
    fn allocate(
        &self,
        game: &dyn Game,
        _: &Facts<'_>,
        _: &mut SimRng,
    ) -> Result<Allocation, CreditError> {
        let n = game.players();
        if n == 0 {
            return Ok(Allocation::exact(Vec::new(), 0));
        }
        let v = game.value(&Coalition::all(n));
        Ok(Allocation::exact(vec![v / n as f64; n], 1))
    }
}
