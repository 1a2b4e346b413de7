//! The work model of the credit mechanisms: how many steps and bytes an allocation needs,
//! estimated from the game's shape before anything is computed.
//!
//! A *step* is one elementary operation of a mechanism's inner loop (adding a player's weight,
//! one entry of a coalition table, one marginal contribution); a step takes 0.6–1.6 ns on one
//! core of this project's reference machine (the exact Shapley value of a 28-player table,
//! 9.7·10^9 steps, in 6.2 s; the default set of a 1,000-player weighted voting game,
//! 5·10^8 steps, in 0.8 s). Each [`super::Mechanism`]
//! estimates its own cost ([`super::Mechanism::cost`]) from the game's [`Game::evaluation_steps`]
//! (the steps of one `v(S)`; [`Game::mask_steps`] in coalition tables) and, for games with closed forms, [`Game::shapley_exact_cost`] and
//! [`Game::banzhaf_exact_cost`]. The estimates are upper bounds of the typical case, within a
//! small factor; `lamas credit` refuses a mechanism whose estimate exceeds its work or memory
//! budget before it starts.

use super::Game;

/// The estimated work and memory of one allocation.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Cost {
    /// Elementary steps.
    pub steps: f64,
    /// Peak bytes held by the computation (the game itself excluded).
    pub bytes: f64,
}

impl Cost {
    /// A cost of `steps` steps holding `bytes` bytes.
    pub fn new(steps: f64, bytes: f64) -> Self {
        Cost { steps, bytes }
    }

    /// A pass over the players with `evaluations` values of coalitions: what equal split, the
    /// proportional mechanisms and leave-one-out cost.
    pub fn evaluations(game: &dyn Game, evaluations: f64) -> Self {
        let n = game.players() as f64;
        Cost::new(n + evaluations * game.evaluation_steps(), 16.0 * n)
    }

    /// The table of all `2^n` coalition values, with `per_entry` further steps per entry (the
    /// exact Shapley and Banzhaf sums); infinite above 64 players.
    pub fn table(game: &dyn Game, per_entry: f64) -> Self {
        let entries = 2f64.powi(game.players().min(1_000) as i32);
        Cost::new(entries * (game.mask_steps() + per_entry), 8.0 * entries)
    }

    /// `walks` random orders of the players, each walked with `n + 1` values: permutation
    /// sampling (`shapley_mc`).
    pub fn walks(game: &dyn Game, walks: f64) -> Self {
        let n = game.players() as f64;
        Cost::new(
            walks * ((n + 1.0) * (game.evaluation_steps() + 1.0) + n),
            48.0 * n,
        )
    }
}

#[cfg(test)]
mod tests {
    use crate::credit::games::{Airport, WeightedVoting};
    use crate::credit::{Banzhaf, Loo, Mechanism, Shapley, ShapleyMc, TableGame};

    #[test]
    fn the_cost_of_leave_one_out_is_quadratic_in_structured_games() {
        let g = Airport {
            costs: vec![1.0; 1_000],
        };
        let c = Loo.cost(&g);
        assert_eq!(c.steps, 1_000.0 + 1_001.0 * 1_000.0);
    }

    #[test]
    fn exact_shapley_counts_its_table_and_the_closed_forms() {
        let exact = Shapley {
            limit: 28,
            fallback_samples: None,
        };
        let t = TableGame::from_fn(20, |m| m.count_ones() as f64);
        let c = exact.cost(&t);
        assert_eq!(c.bytes, 8.0 * 2f64.powi(20));
        assert!(c.steps >= 20.0 * 2f64.powi(20));
        // The airport's closed form is a sort: n log n, whatever n.
        let a = Airport {
            costs: vec![1.0; 1_000_000],
        };
        assert!(exact.cost(&a).steps < 1e8);
        // Weighted voting by dynamic programming: the entries the additions visit, counted by a
        // dry run. With 1,000 players of weight 1 and quota 501, adding the p-th player visits
        // its p rows (one step each) and, in the rows below the quota, the one reachable weight
        // (min(p, 500) steps): Σ_{p<1000} p + min(p, 500) = 874,250; then one evaluation of the
        // class, (n + 1) q = 501,501.
        let w = WeightedVoting {
            weights: vec![1.0; 1_000],
            quota: 501.0,
        };
        let c = exact.cost(&w);
        assert_eq!(c.steps, 874_250.0 + 501_501.0, "{c:?}");
        // Banzhaf's single row holds weights up to min(p, 500) after p players: Σ min(p, 500)
        // = 374,750, and an evaluation of q = 501.
        let b = Banzhaf {
            limit: 28,
            fallback_samples: None,
        }
        .cost(&w);
        assert_eq!(b.steps, 374_750.0 + 501.0, "{b:?}");
    }

    #[test]
    fn sampling_costs_grow_with_samples_and_players() {
        let t = TableGame::from_fn(3, |m| m.count_ones() as f64);
        let mc = |samples| ShapleyMc {
            samples,
            antithetic: false,
        };
        let small = mc(1_000).cost(&t).steps;
        let huge = mc(u32::MAX).cost(&t).steps;
        assert!((huge / small - f64::from(u32::MAX) / 1_000.0).abs() < 1.0);
        assert!(huge > 1e10);
    }
}
