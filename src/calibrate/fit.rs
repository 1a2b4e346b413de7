//! Estimators with 95% intervals, for calibrating simulated workers on model answers.
//!
//! - [`logistic`]: `P(right | δ) = σ(a + b·δ)` by maximum likelihood (Newton–Raphson), Wald
//!   intervals from the inverse Fisher information. With the `logistic(slope)` accuracy curve of
//!   [`crate::rules::accuracy`] this is skill `σ(a)` and slope `−b`.
//! - [`proportion`]: a share with Wilson's interval.
//! - [`lure`]: ρ from the share c of coinciding wrong-answer pairs, inverting
//!   `c(ρ) = (ρ + (1−ρ)/(K−1))² + (K−2)((1−ρ)/(K−1))²`, increasing from `1/(K−1)` at ρ = 0 to 1
//!   at ρ = 1 (so the interval of c maps to one of ρ; a c below `1/(K−1)` gives ρ = 0).
//! - [`correlation`]: the phi coefficient of two workers' correctness on the same items, with
//!   Fisher's z interval.

/// The normal quantile of a two-sided 95% interval.
pub const Z95: f64 = 1.959963984540054;

/// An estimate with its 95% interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    /// The point estimate.
    pub value: f64,
    /// Lower end of the 95% interval.
    pub lo: f64,
    /// Upper end.
    pub hi: f64,
}

impl Estimate {
    /// Whether `x` is within the interval.
    pub fn covers(&self, x: f64) -> bool {
        self.lo <= x && x <= self.hi
    }
}

/// A logistic fit: intercept `a`, slope `b`, the log-likelihood, and the observations.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Logistic {
    /// Intercept: the log-odds of being right at δ = 0.
    pub a: Estimate,
    /// Slope of the log-odds per unit of difficulty.
    pub b: Estimate,
    /// Log-likelihood at the estimate.
    pub log_likelihood: f64,
    /// Observations.
    pub n: usize,
}

fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// Fits `P(y | x) = σ(a + b·x)`. Fails (with a reason) on fewer than 3 observations, when every
/// answer is right or every one wrong, when x does not vary, or when the fit diverges
/// (separation: the data are perfectly explained by a threshold).
pub fn logistic(xs: &[f64], ys: &[bool]) -> Result<Logistic, String> {
    let n = xs.len().min(ys.len());
    let hits = ys.iter().filter(|&&y| y).count();
    if n < 3 || hits == 0 || hits == n {
        return Err(format!(
            "a logistic curve needs at least 3 answers, some right and some wrong ({hits} of {n} right)"
        ));
    }
    let mean = xs.iter().sum::<f64>() / n as f64;
    if xs.iter().all(|&x| (x - mean).abs() < 1e-12) {
        return Err("every item has the same difficulty: no slope can be fitted".into());
    }
    let p0 = hits as f64 / n as f64;
    let (mut a, mut b) = ((p0 / (1.0 - p0)).ln(), 0.0);
    let mut info = [[0.0; 2]; 2];
    for _ in 0..100 {
        let (mut g, mut h) = ([0.0f64; 2], [[0.0f64; 2]; 2]);
        for i in 0..n {
            let p = sigmoid(a + b * xs[i]);
            let r = f64::from(u8::from(ys[i])) - p;
            let w = p * (1.0 - p);
            g[0] += r;
            g[1] += r * xs[i];
            h[0][0] += w;
            h[0][1] += w * xs[i];
            h[1][1] += w * xs[i] * xs[i];
        }
        h[1][0] = h[0][1];
        let det = h[0][0] * h[1][1] - h[0][1] * h[1][0];
        if det <= 1e-300 {
            return Err("the logistic fit is degenerate (separation)".into());
        }
        let da = (h[1][1] * g[0] - h[0][1] * g[1]) / det;
        let db = (h[0][0] * g[1] - h[1][0] * g[0]) / det;
        a += da;
        b += db;
        info = h;
        if !(a.is_finite() && b.is_finite()) || a.abs() > 50.0 || b.abs() > 200.0 {
            return Err(
                "the logistic fit diverges (separation: a threshold explains every answer)".into(),
            );
        }
        if da.abs() < 1e-12 && db.abs() < 1e-12 {
            break;
        }
    }
    let det = info[0][0] * info[1][1] - info[0][1] * info[1][0];
    let (va, vb) = (info[1][1] / det, info[0][0] / det);
    let log_likelihood = (0..n)
        .map(|i| {
            let p = sigmoid(a + b * xs[i]);
            if ys[i] { p.ln() } else { (1.0 - p).ln() }
        })
        .sum();
    let wald = |v: f64, var: f64| Estimate {
        value: v,
        lo: v - Z95 * var.sqrt(),
        hi: v + Z95 * var.sqrt(),
    };
    Ok(Logistic {
        a: wald(a, va),
        b: wald(b, vb),
        log_likelihood,
        n,
    })
}

/// `hits / n` with Wilson's 95% interval (`n > 0`).
pub fn proportion(hits: usize, n: usize) -> Estimate {
    let (n, p) = (n.max(1) as f64, hits as f64 / n.max(1) as f64);
    let z2 = Z95 * Z95;
    let centre = (p + z2 / (2.0 * n)) / (1.0 + z2 / n);
    let half = Z95 * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / (1.0 + z2 / n);
    Estimate {
        value: p,
        lo: (centre - half).max(0.0),
        hi: (centre + half).min(1.0),
    }
}

/// The coincidence probability of two wrong answers under lure probability ρ over K answers.
pub fn coincidence(rho: f64, k: u32) -> f64 {
    let u = (1.0 - rho) / f64::from(k - 1);
    (rho + u).powi(2) + f64::from(k - 2) * u * u
}

/// ρ such that [`coincidence`]`(ρ, k) = c`, clamped to [0, 1] (K ≥ 3).
pub fn rho_of(c: f64, k: u32) -> f64 {
    let m = f64::from(k - 2);
    let kk = f64::from(k - 1);
    let c = c.clamp(1.0 / kk, 1.0);
    // c = 1 − 2m·u + m(m+1)·u², u = (1−ρ)/(K−1), taking the root with u ≤ 1/(K−1).
    let disc = (m * m - m * (m + 1.0) * (1.0 - c)).max(0.0);
    let u = (m - disc.sqrt()) / (m * (m + 1.0));
    (1.0 - kk * u).clamp(0.0, 1.0)
}

/// ρ with its interval from `same` coinciding pairs of wrong answers out of `pairs`, over K ≥ 3
/// answers.
pub fn lure(same: usize, pairs: usize, k: u32) -> Estimate {
    let c = proportion(same, pairs);
    Estimate {
        value: rho_of(c.value, k),
        lo: rho_of(c.lo, k),
        hi: rho_of(c.hi, k),
    }
}

/// The phi coefficient (Pearson's correlation of two binary variables) over `pairs`, with
/// Fisher's z interval (`tanh(atanh r ± 1.96 / sqrt(n − 3))`); NaN with fewer than 4 pairs or
/// no variation.
pub fn correlation(pairs: &[(bool, bool)]) -> Estimate {
    let n = pairs.len() as f64;
    let f = |b: bool| f64::from(u8::from(b));
    let (mx, my) = (
        pairs.iter().map(|p| f(p.0)).sum::<f64>() / n,
        pairs.iter().map(|p| f(p.1)).sum::<f64>() / n,
    );
    let cov = pairs
        .iter()
        .map(|p| (f(p.0) - mx) * (f(p.1) - my))
        .sum::<f64>()
        / n;
    let r = cov / (mx * (1.0 - mx) * my * (1.0 - my)).sqrt();
    if pairs.len() < 4 || !r.is_finite() {
        return Estimate {
            value: f64::NAN,
            lo: f64::NAN,
            hi: f64::NAN,
        };
    }
    let z = r.clamp(-0.999_999, 0.999_999).atanh();
    let se = 1.0 / (n - 3.0).sqrt();
    Estimate {
        value: r,
        lo: (z - Z95 * se).tanh(),
        hi: (z + Z95 * se).tanh(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dist::unit;
    use crate::rng::stream;
    use crate::rules::accuracy::AccuracyCurve;
    use crate::strategy::Answering;
    use crate::strategy::answer::draw_label;

    #[test]
    fn coincidence_inverts() {
        for k in [3u32, 4, 10] {
            for rho in [0.0, 0.1, 0.5, 0.9, 1.0] {
                assert!(
                    (rho_of(coincidence(rho, k), k) - rho).abs() < 1e-9,
                    "{k} {rho}"
                );
            }
            assert!((coincidence(0.0, k) - 1.0 / f64::from(k - 1)).abs() < 1e-15);
        }
        assert_eq!(rho_of(0.01, 4), 0.0, "below chance is no lure");
    }

    #[test]
    fn wilson_by_hand() {
        // 8 of 10: Wilson's 95% interval is [0.4902, 0.9433] (textbook).
        let e = proportion(8, 10);
        assert!(
            (e.lo - 0.4902).abs() < 1e-4 && (e.hi - 0.9433).abs() < 1e-4,
            "{e:?}"
        );
    }

    /// One dataset drawn from the model itself: `items` items of difficulty δ ~ uniform(0, 1),
    /// each answered by two workers of the logistic curve (skill s, slope β) and lure ρ over K
    /// answers. Returns the difficulties and outcomes, the pairs of outcomes, and the coinciding
    /// and all pairs of wrong answers.
    #[allow(clippy::type_complexity)]
    fn dataset(
        seed: u64,
        items: usize,
        (s, slope, rho, k): (f64, f64, f64, u32),
    ) -> (Vec<f64>, Vec<bool>, Vec<(bool, bool)>, usize, usize) {
        let curve = AccuracyCurve::Logistic { slope };
        let mut rng = stream(seed, "calibrate-test");
        let (mut xs, mut ys, mut both) = (Vec::new(), Vec::new(), Vec::new());
        let (mut same, mut wrong_pairs) = (0usize, 0usize);
        for _ in 0..items {
            let d = unit(&mut rng);
            let truth = 1u16;
            let c = curve.competence(1.0, s, d);
            let a = draw_label(&mut rng, Answering::Solve, (c, rho), truth, k, None);
            let b = draw_label(&mut rng, Answering::Solve, (c, rho), truth, k, None);
            xs.extend([d, d]);
            ys.extend([a == truth, b == truth]);
            both.push((a == truth, b == truth));
            if a != truth && b != truth {
                wrong_pairs += 1;
                same += usize::from(a == b);
            }
        }
        (xs, ys, both, same, wrong_pairs)
    }

    /// Recovery: answers drawn from the model with known parameters are fitted back, and the
    /// 95% intervals cover the true skill's log-odds, slope and lure at their nominal rate: in
    /// 40 independent datasets, each interval misses at most 6 times (a correct 95% interval
    /// misses 2 times on average and 7 or more times with probability 0.003; a biased estimator
    /// misses almost every time). The two answers to an item share its difficulty, so their
    /// correctness is positively correlated, and the interval of the correlation says so.
    #[test]
    fn the_fit_recovers_the_parameters_of_simulated_workers() {
        let (s, slope, rho, k) = (0.85f64, 4.0f64, 0.4f64, 4u32);
        let logit_s = (s / (1.0 - s)).ln();
        let mut misses = [0usize; 3];
        for seed in 0..40 {
            let (xs, ys, both, same, pairs) = dataset(seed, 2000, (s, slope, rho, k));
            let fit = logistic(&xs, &ys).unwrap();
            misses[0] += usize::from(!fit.a.covers(logit_s));
            misses[1] += usize::from(!fit.b.covers(-slope));
            misses[2] += usize::from(!lure(same, pairs, k).covers(rho));
            assert!(correlation(&both).lo > 0.0, "seed {seed}");
        }
        assert!(
            misses.iter().all(|&m| m <= 6),
            "misses of a, b, ρ in 40: {misses:?}"
        );
    }

    #[test]
    fn refusals_are_sentences() {
        assert!(logistic(&[0.1, 0.2], &[true, false]).is_err());
        assert!(logistic(&[0.1, 0.2, 0.3], &[true, true, true]).is_err());
        assert!(logistic(&[0.5; 5], &[true, false, true, false, true]).is_err());
        assert!(
            logistic(&[0.1, 0.2, 0.8, 0.9], &[true, true, false, false]).is_err(),
            "separation"
        );
    }
}
