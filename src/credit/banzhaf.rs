//! `banzhaf`: the Banzhaf value, each player's marginal contribution averaged over all
//! coalitions of the others with equal weight:
//!
//! ```text
//! β_i = 2^{-(n-1)} Σ_{S ⊆ N \ {i}} (v(S ∪ {i}) - v(S))
//! ```
//!
//! The raw index is symmetric, gives null players 0 and is additive, but does not sum to
//! `v(N)`; the shares are the raw index normalised to `v(N)` (efficient when the raw total is
//! positive, no longer additive), and the raw index is kept in [`Allocation::raw`]. Exact by
//! enumeration up to `limit` players (`β_i` is the sum of `v` over the masks with bit i set minus
//! the sum over the others, divided by `2^{n-1}`); above it, estimated from random coalitions
//! (each player in with probability 1/2), with standard errors. Weighted voting games give the
//! exact index by dynamic programming.

use super::moments::Moments;
use super::shapley::{sum, sum_with_bit};
use super::{
    Allocation, Axioms, Coalition, Cost, CreditError, Facts, Game, MAX_ENUMERATED_PLAYERS,
    Mechanism, coalition_table, scale_to,
};
use crate::rng::SimRng;

/// The normalised Banzhaf value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Banzhaf {
    /// Most players enumerated exactly (at most 28).
    pub limit: usize,
    /// Coalitions sampled above the limit; `None` refuses larger games.
    pub fallback_samples: Option<u32>,
}

impl Banzhaf {
    fn sampled(game: &dyn Game, samples: u32, rng: &mut SimRng) -> (Vec<f64>, Vec<f64>) {
        let n = game.players();
        let mut moments = Moments::new(n);
        let mut c = Coalition::empty(n);
        let mut x = vec![0.0f64; n];
        for _ in 0..samples.max(1) {
            for i in 0..n {
                if rng.next_u64() >> 63 == 1 {
                    c.insert(i);
                } else {
                    c.remove(i);
                }
            }
            for (i, xi) in x.iter_mut().enumerate() {
                let had = c.contains(i);
                c.insert(i);
                let with = game.value(&c);
                c.remove(i);
                *xi = with - game.value(&c);
                if had {
                    c.insert(i);
                }
            }
            moments.push(&x);
        }
        moments.finish()
    }
}

use rand::Rng as _;

impl Mechanism for Banzhaf {
    fn name(&self) -> &'static str {
        "banzhaf"
    }
    fn axioms(&self) -> Axioms {
        Axioms {
            efficiency: true,
            symmetry: true,
            null_player: true,
            additivity: false,
        }
    }
    fn cost(&self, game: &dyn Game) -> Cost {
        if let Some(c) = game.banzhaf_exact_cost() {
            return c;
        }
        let n = game.players() as f64;
        match self.fallback_samples {
            _ if game.players() <= self.limit.min(MAX_ENUMERATED_PLAYERS) => Cost::table(game, n),
            // Each sample draws a coalition and takes 2n values.
            Some(s) => Cost::new(
                f64::from(s.max(1)) * n * (2.0 * game.evaluation_steps() + 2.0),
                48.0 * n,
            ),
            None => Cost::default(), // refused at once: too large to enumerate
        }
    }
    fn allocate(
        &self,
        game: &dyn Game,
        _: &Facts<'_>,
        rng: &mut SimRng,
    ) -> Result<Allocation, CreditError> {
        let n = game.players();
        let grand = game.value(&Coalition::all(n));
        let (raw, std_errors, samples, evaluations) = if let Some(raw) = game.banzhaf_exact() {
            (raw, None, 0, 1)
        } else {
            match (coalition_table(game, self.limit), self.fallback_samples) {
                (Ok(t), _) => {
                    let total = sum(&t);
                    let scale = 0.5f64.powi(n as i32 - 1);
                    let raw = (0..n)
                        .map(|i| (2.0 * sum_with_bit(&t, i) - total) * scale)
                        .collect();
                    (raw, None, 0, 1u64 << n)
                }
                (Err(CreditError::TooLarge { .. }), Some(s)) => {
                    let (raw, se) = Self::sampled(game, s, rng);
                    (raw, Some(se), u64::from(s), u64::from(s) * 2 * n as u64)
                }
                (Err(e), _) => return Err(e),
            }
        };
        let shares = scale_to(&raw, grand).unwrap_or_else(|| vec![0.0; n]);
        let std_errors = std_errors.map(|se: Vec<f64>| {
            let total: f64 = raw.iter().sum();
            se.iter()
                .map(|s| {
                    if total > 1e-12 {
                        s * grand / total
                    } else {
                        f64::NAN
                    }
                })
                .collect()
        });
        Ok(Allocation {
            shares,
            raw: Some(raw),
            std_errors,
            samples,
            evaluations,
        })
    }
}
