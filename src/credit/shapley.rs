//! `shapley`: the Shapley value, each player's marginal contribution averaged over every order
//! in which the team could have formed:
//!
//! ```text
//! φ_i = Σ_{S ⊆ N \ {i}} w(|S|) (v(S ∪ {i}) - v(S)),   w(s) = s! (n - s - 1)! / n!
//! ```
//!
//! The only allocation with all four axioms (efficiency, symmetry, null player, additivity).
//! Exact by enumeration of the `2^n` coalitions up to `limit` players; above it, sampled by
//! [`super::ShapleyMc`] with antithetic permutations (the allocation then carries standard
//! errors and its sample count), or refused when no fallback is set. Games that know their Shapley
//! value in closed form (airport, weighted voting) give it directly.
//!
//! Enumeration: rewriting the sum over coalitions containing i,
//! `φ_i = Σ_{S ∋ i} c(S) - B` with `c(S) = v(S) (w(|S|-1) + w(|S|))` and `B = Σ_S v(S) w(|S|)`
//! (taking `w(-1) = w(n) = 0`). `c` overwrites the table in place, and each `φ_i` is a sum over
//! the contiguous halves of the table whose masks have bit i set: no allocation and no branch in
//! the inner loop.

use smallvec::{SmallVec, smallvec};

use super::game::tabulate;
use super::{
    Allocation, Axioms, Cost, CreditError, Facts, Game, MAX_ENUMERATED_PLAYERS, Mechanism,
    ShapleyMc, coalition_table,
};
use crate::rng::SimRng;

/// The Shapley value: exact up to `limit` players.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shapley {
    /// Most players enumerated exactly (at most 28).
    pub limit: usize,
    /// Permutations sampled above the limit; `None` refuses larger games.
    pub fallback_samples: Option<u32>,
}

impl Mechanism for Shapley {
    fn name(&self) -> &'static str {
        "shapley"
    }
    fn axioms(&self) -> Axioms {
        Axioms {
            efficiency: true,
            symmetry: true,
            null_player: true,
            additivity: true,
        }
    }
    fn cost(&self, game: &dyn Game) -> Cost {
        if let Some(c) = game.shapley_exact_cost() {
            return c;
        }
        let n = game.players();
        match self.fallback_samples {
            _ if n <= self.limit.min(MAX_ENUMERATED_PLAYERS) => Cost::table(game, n as f64),
            Some(samples) => ShapleyMc {
                samples,
                antithetic: true,
            }
            .cost(game),
            None => Cost::default(), // refused at once: too large to enumerate
        }
    }
    fn allocate(
        &self,
        game: &dyn Game,
        facts: &Facts<'_>,
        rng: &mut SimRng,
    ) -> Result<Allocation, CreditError> {
        if let Some(phi) = game.shapley_exact() {
            return Ok(Allocation::exact(phi, 0));
        }
        let n = game.players();
        if n <= SMALL && n <= self.limit {
            // A small game's table lives on the stack (the credit phase values a game per task).
            let mut table = [0.0; 1 << SMALL];
            let table = &mut table[..1 << n];
            tabulate(game, table);
            return Ok(Allocation::exact(shapley_of(n, table), 1u64 << n));
        }
        match (coalition_table(game, self.limit), self.fallback_samples) {
            (Ok(table), _) => Ok(Allocation::exact(shapley_from_table(n, table), 1u64 << n)),
            (Err(CreditError::TooLarge { .. }), Some(samples)) => ShapleyMc {
                samples,
                antithetic: true,
            }
            .allocate(game, facts, rng),
            (Err(e), _) => Err(e),
        }
    }
}

/// Sum of a slice with eight independent accumulators (vectorisable, and more accurate than one
/// running sum).
#[inline]
pub(super) fn sum(xs: &[f64]) -> f64 {
    let mut acc = [0.0f64; 8];
    let chunks = xs.chunks_exact(8);
    let rest: f64 = chunks.remainder().iter().sum();
    for c in chunks {
        for k in 0..8 {
            acc[k] += c[k];
        }
    }
    acc.iter().sum::<f64>() + rest
}

/// Σ over the masks with bit `i` set of `t[mask]` (t has 2^n entries).
pub(super) fn sum_with_bit(t: &[f64], i: usize) -> f64 {
    let half = 1usize << i;
    if half < 8 {
        // Short runs: one pass with a bit test.
        return t
            .iter()
            .enumerate()
            .filter(|(m, _)| m >> i & 1 == 1)
            .map(|(_, x)| x)
            .sum();
    }
    t.chunks_exact(2 * half)
        .map(|block| sum(&block[half..]))
        .sum()
}

/// The exact Shapley value of the game of `n` players whose coalition values are `table`
/// (`table[mask] = v(mask)`, `2^n` entries). The table is consumed as scratch space.
pub fn shapley_from_table(n: usize, mut table: Vec<f64>) -> Vec<f64> {
    shapley_of(n, &mut table)
}

/// Players up to which [`Shapley`] enumerates into a table on the stack.
const SMALL: usize = 4;

/// [`shapley_from_table`] of a borrowed table, used as scratch space.
fn shapley_of(n: usize, table: &mut [f64]) -> Vec<f64> {
    if n == 0 {
        return Vec::new();
    }
    debug_assert_eq!(table.len(), 1usize << n);
    // w[s + 1] = w(s) for s = -1..=n, with w(-1) = w(n) = 0.
    let mut w: SmallVec<[f64; 32]> = smallvec![0.0; n + 2];
    w[1] = 1.0 / n as f64;
    for s in 0..n - 1 {
        w[s + 2] = w[s + 1] * (s + 1) as f64 / (n - s - 1) as f64;
    }
    let mut b = 0.0;
    for (mask, v) in table.iter_mut().enumerate() {
        let s = mask.count_ones() as usize;
        b += *v * w[s + 1];
        *v *= w[s] + w[s + 1];
    }
    (0..n).map(|i| sum_with_bit(table, i) - b).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_definition_on_a_random_game() {
        // Against the defining sum over coalitions without i, on an arbitrary game of 6 players.
        let n = 6;
        let v = |m: u64| {
            if m == 0 {
                0.0
            } else {
                ((m * 2654435761) % 1000) as f64 / 7.0
            }
        };
        let table: Vec<f64> = (0..1u64 << n).map(v).collect();
        let phi = shapley_from_table(n, table);
        let fact = |k: usize| (1..=k).product::<usize>() as f64;
        for (i, &got) in phi.iter().enumerate() {
            let mut want = 0.0;
            for s in 0..1u64 << n {
                if s >> i & 1 == 0 {
                    let k = s.count_ones() as usize;
                    want += fact(k) * fact(n - k - 1) / fact(n) * (v(s | 1 << i) - v(s));
                }
            }
            assert!((got - want).abs() < 1e-9, "player {i}: {got} vs {want}");
        }
    }
}
