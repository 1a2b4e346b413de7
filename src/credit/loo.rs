//! `loo`: leave-one-out, the "difference reward": player i gets `v(N) - v(N \ {i})`, what the
//! team would lose without it. Null players get nothing and symmetric players the same, but the
//! shares need not sum to `v(N)`: redundant players all get 0 (a majority of three identical
//! correct workers), complementary ones each get the whole value. The simulation scales them to
//! the distributable value and records the imbalance.

use super::{Axioms, Coalition, Game, Mechanism};

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
    fn allocate(&self, game: &dyn Game) -> Vec<f64> {
        let n = game.players();
        let mut all = Coalition::all(n);
        let grand = game.value(&all);
        (0..n)
            .map(|i| {
                all.remove(i);
                let without = game.value(&all);
                all.insert(i);
                grand - without
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credit::TableGame;

    #[test]
    fn textbook_games() {
        // Glove game: only the holder of the scarce left glove is pivotal.
        let glove = TableGame::from_fn(3, |m| f64::from(m & 1 == 1 && m & 0b110 != 0));
        assert_eq!(Loo.allocate(&glove), vec![1.0, 0.0, 0.0]);
        // Additive game v(S) = sum of weights: LOO returns the weights.
        let w = [1.5, 2.0, 4.0];
        let add = TableGame::from_fn(3, |m| {
            (0..3).filter(|i| m >> i & 1 == 1).map(|i| w[i]).sum()
        });
        assert_eq!(Loo.allocate(&add), w.to_vec());
        // Majority of three: nobody is pivotal in the grand coalition; total 0 ≠ v(N) = 1.
        let maj = TableGame::from_fn(3, |m| f64::from(m.count_ones() >= 2));
        assert_eq!(Loo.allocate(&maj), vec![0.0; 3]);
        // Unanimity of two: each is pivotal; total 2 ≠ v(N) = 1.
        let una = TableGame::from_fn(2, |m| f64::from(m == 0b11));
        assert_eq!(Loo.allocate(&una), vec![1.0, 1.0]);
    }
}
