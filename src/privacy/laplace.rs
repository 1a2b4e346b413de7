//! `laplace(epsilon, bound)`: the Laplace mechanism. A value clipped to `[0, C]` changes a sum by
//! at most the sensitivity `Δ = C`; adding Laplace noise of scale `b = Δ/ε` (density
//! `exp(-|z|/b) / 2b`) makes each release ε-differentially private. Per value the noise has mean
//! absolute value `b` and variance `2b²`, so the sum of n releases has noise variance `2nb²`;
//! the sum of two has `P(|Z1 + Z2| ≤ t) = 1 - (1 + t/(2b)) exp(-t/b)` (all tested).
//!
//! Draw: `u` uniform on [0, 1), `z = -b sgn(u - 1/2) ln(1 - 2|u - 1/2|)` (inverse CDF).

use rand::Rng;

use super::{Layout, Overhead, PrivacyMechanism, Release};
use crate::dist::unit;

/// The Laplace mechanism.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Laplace {
    /// Privacy loss per release.
    pub epsilon: f64,
    /// Clipping bound C (the sensitivity of a sum).
    pub bound: f64,
}

impl Laplace {
    /// The mechanism with loss `epsilon` > 0 and bound `bound` > 0.
    pub fn new(epsilon: f64, bound: f64) -> Self {
        Laplace { epsilon, bound }
    }

    /// The noise scale `b = Δ/ε`.
    pub fn scale(&self) -> f64 {
        self.bound / self.epsilon
    }
}

/// One Laplace(b) draw.
pub fn laplace_noise<R: Rng + ?Sized>(b: f64, rng: &mut R) -> f64 {
    let u = unit(rng) - 0.5;
    -b * u.signum() * (1.0 - 2.0 * u.abs()).ln()
}

impl PrivacyMechanism for Laplace {
    fn name(&self) -> &'static str {
        "laplace"
    }
    fn bound(&self) -> Option<f64> {
        Some(self.bound)
    }
    fn release<R: Rng + ?Sized>(&self, x: f64, rng: &mut R) -> Release {
        Release {
            reported: x + laplace_noise(self.scale(), rng),
            exposed: false,
        }
    }
    fn cost(&self) -> (f64, f64) {
        (self.epsilon, 0.0)
    }
    fn overhead(&self, _k: u64, _layout: Layout) -> Overhead {
        Overhead::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::stream;

    #[test]
    fn mean_absolute_noise_is_b_and_a_sum_of_n_has_variance_2nb2() {
        // b = Δ/ε = 10 / 0.5 = 20. E|Z| = b, Var Z = 2b²; |Z| is exponential(b), so the mean of
        // N of them has standard error b/√N. A sum of n = 5 has variance 2nb² = 4000; the sample
        // variance of M sums has relative standard error about sqrt((κ - 1)/M) with kurtosis
        // κ = 3 + 3/n for a sum of n Laplaces.
        let m = Laplace::new(0.5, 10.0);
        let b = m.scale();
        assert_eq!(b, 20.0);
        let mut rng = stream(3, "laplace");
        let n_draws = 200_000;
        let mae: f64 = (0..n_draws)
            .map(|_| laplace_noise(b, &mut rng).abs())
            .sum::<f64>()
            / f64::from(n_draws);
        assert!(
            (mae - b).abs() < 4.5 * b / f64::from(n_draws).sqrt(),
            "{mae}"
        );

        let (n, sums) = (5, 100_000);
        let draws: Vec<f64> = (0..sums)
            .map(|_| (0..n).map(|_| laplace_noise(b, &mut rng)).sum())
            .collect();
        let mean = draws.iter().sum::<f64>() / f64::from(sums);
        let var = draws.iter().map(|s| (s - mean).powi(2)).sum::<f64>() / f64::from(sums - 1);
        let expect = 2.0 * f64::from(n) * b * b;
        let kurt = 3.0 + 3.0 / f64::from(n);
        let rel_se = ((kurt - 1.0) / f64::from(sums)).sqrt();
        assert!(
            (var / expect - 1.0).abs() < 4.5 * rel_se,
            "{var} vs {expect}"
        );
        assert!(mean.abs() < 4.5 * (expect / f64::from(sums)).sqrt());
    }

    #[test]
    fn the_sum_of_two_noises_stays_within_t_with_the_closed_form_probability() {
        // P(|Z1 + Z2| ≤ t) = 1 - (1 + t/(2b)) e^{-t/b}; b = 1, t = 2: 1 - 2e^{-2} = 0.7293.
        let mut rng = stream(4, "laplace");
        let trials = 100_000;
        let hits = (0..trials)
            .filter(|_| (laplace_noise(1.0, &mut rng) + laplace_noise(1.0, &mut rng)).abs() <= 2.0)
            .count() as f64;
        let p = 1.0 - 2.0 * (-2.0f64).exp();
        let se = (p * (1.0 - p) / f64::from(trials)).sqrt();
        assert!((hits / f64::from(trials) - p).abs() < 4.5 * se);
    }
}
