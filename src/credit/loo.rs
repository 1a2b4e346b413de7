//! `loo`: leave-one-out, the "difference reward": player i gets `v(N) - v(N \ {i})`, what the
//! team would lose without it. Null players get nothing, symmetric players the same, and it is
//! additive; but the shares need not sum to `v(N)`: redundant players all get 0 (a majority of
//! three identical correct workers), complementary ones each get the whole value. The simulation
//! scales them to the distributable value and records the imbalance.

use super::{Allocation, Axioms, Coalition, Cost, CreditError, Facts, Game, Mechanism};
use crate::rng::SimRng;

/// Leave-one-out marginal contribution.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Loo;

impl Mechanism for Loo {
    fn name(&self) -> &'static str {
        "loo"
    }
    fn axioms(&self) -> Axioms {
        Axioms {
            efficiency: false,
            symmetry: true,
            null_player: true,
            additivity: true,
        }
    }
    fn cost(&self, game: &dyn Game) -> Cost {
        Cost::evaluations(game, game.players() as f64 + 1.0)
    }
    fn allocate(
        &self,
        game: &dyn Game,
        _: &Facts<'_>,
        _: &mut SimRng,
    ) -> Result<Allocation, CreditError> {
        let n = game.players();
        let mut all = Coalition::all(n);
        let grand = game.value(&all);
        let shares = (0..n)
            .map(|i| {
                all.remove(i);
                let without = game.value(&all);
                all.insert(i);
                grand - without
            })
            .collect();
        Ok(Allocation::exact(shares, n as u64 + 1))
    }
}
