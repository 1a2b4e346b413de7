//! `equal`: every participant gets `v(N) / n`, whatever it did. Efficient and symmetric, but it
//! pays null players, which is why free-riding pays under it.

use super::{Axioms, Coalition, Game, Mechanism};

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
    fn allocate(&self, game: &dyn Game) -> Vec<f64> {
        let n = game.players();
        if n == 0 {
            return Vec::new();
        }
        let v = game.value(&Coalition::all(n));
        vec![v / n as f64; n]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credit::TableGame;

    #[test]
    fn splits_the_grand_value_evenly() {
        // Glove game: player 0 holds a left glove, 1 and 2 right gloves; a pair is worth 1.
        let g = TableGame::from_fn(3, |m| f64::from(m & 1 == 1 && m & 0b110 != 0));
        assert_eq!(Equal.allocate(&g), vec![1.0 / 3.0; 3]);
        // A null player (player 2 adds nothing) is still paid: the axiom it does not have.
        let g = TableGame::from_fn(3, |m| f64::from(m & 0b11 == 0b11));
        assert_eq!(Equal.allocate(&g)[2], 1.0 / 3.0);
    }
}
