//! `shapley_mc`: the Shapley value estimated by sampling orders (Castro, Gómez & Tejada 2009).
//!
//! Each sample is a uniformly random permutation of the players; walking it, each player's
//! marginal contribution `v(before ∪ {i}) - v(before)` is an unbiased draw of `φ_i`. With
//! `antithetic`, each permutation is paired with its reverse and the pair's mean is one
//! observation (negatively correlated halves: a smaller variance for the same work). The estimate
//! is the mean over observations and its standard error `sd / sqrt(observations)` (Welford's
//! algorithm). Every walk's marginals sum to `v(N) - v(∅)`, so the estimate is efficient exactly;
//! a null player's marginals are all 0; and for a fixed seed the estimate is linear in `v`.
//! Symmetry holds only in expectation.

use super::moments::Moments;
use super::{Allocation, Axioms, Coalition, Cost, CreditError, Facts, Game, Mechanism};
use crate::dist::below;
use crate::rng::SimRng;

/// The Shapley value by permutation sampling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShapleyMc {
    /// Permutations sampled (with `antithetic`, rounded up to an even number).
    pub samples: u32,
    /// Pair each permutation with its reverse.
    pub antithetic: bool,
}

/// Adds the marginal contributions along `order` to `out` (scaled by `weight`).
fn walk(game: &dyn Game, order: &[usize], weight: f64, out: &mut [f64]) {
    let n = game.players();
    if n <= 64 {
        let mut mask = 0u64;
        let mut prev = game.value_mask(0);
        for &i in order {
            mask |= 1 << i;
            let cur = game.value_mask(mask);
            out[i] += weight * (cur - prev);
            prev = cur;
        }
    } else {
        let mut c = Coalition::empty(n);
        let mut prev = game.value(&c);
        for &i in order {
            c.insert(i);
            let cur = game.value(&c);
            out[i] += weight * (cur - prev);
            prev = cur;
        }
    }
}

impl Mechanism for ShapleyMc {
    fn name(&self) -> &'static str {
        "shapley_mc"
    }
    fn axioms(&self) -> Axioms {
        Axioms {
            efficiency: true,
            symmetry: false,
            null_player: true,
            additivity: true,
        }
    }
    fn cost(&self, game: &dyn Game) -> Cost {
        // Antithetic sampling walks each drawn order forwards and backwards.
        Cost::walks(game, f64::from(self.samples.max(1)))
    }
    fn allocate(
        &self,
        game: &dyn Game,
        _: &Facts<'_>,
        rng: &mut SimRng,
    ) -> Result<Allocation, CreditError> {
        let n = game.players();
        let observations = if self.antithetic {
            self.samples.div_ceil(2)
        } else {
            self.samples
        }
        .max(1);
        let mut moments = Moments::new(n);
        let mut order: Vec<usize> = (0..n).collect();
        let mut x = vec![0.0f64; n];
        for _ in 0..observations {
            for j in (1..n).rev() {
                order.swap(j, below(rng, j as u64 + 1) as usize);
            }
            x.iter_mut().for_each(|v| *v = 0.0);
            if self.antithetic {
                walk(game, &order, 0.5, &mut x);
                order.reverse();
                walk(game, &order, 0.5, &mut x);
            } else {
                walk(game, &order, 1.0, &mut x);
            }
            moments.push(&x);
        }
        let (mean, std_errors) = moments.finish();
        let walks = u64::from(observations) * if self.antithetic { 2 } else { 1 };
        Ok(Allocation {
            shares: mean,
            raw: None,
            std_errors: Some(std_errors),
            samples: walks,
            evaluations: walks * (n as u64 + 1),
        })
    }
}
