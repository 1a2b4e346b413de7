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

/// A logistic fit with one intercept per group and a common slope:
/// `P(y | g, x) = σ(a_g + b·x)`.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupedLogistic {
    /// The intercept of each group.
    pub a: Vec<Estimate>,
    /// The common slope.
    pub b: Estimate,
    /// Log-likelihood at the estimate.
    pub log_likelihood: f64,
    /// Observations.
    pub n: usize,
}

impl GroupedLogistic {
    /// The fitted probability of being right in group `g` at `x`.
    pub fn p(&self, g: usize, x: f64) -> f64 {
        sigmoid(self.a[g].value + self.b.value * x)
    }
}

/// `1 / (1 + e^(−x))`.
pub fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// Fits `P(y | x) = σ(a + b·x)`. Fails (with a reason) on fewer than 3 observations, when every
/// answer is right or every one wrong, or when the fit diverges (separation: the data are
/// perfectly explained by a threshold). When x does not vary the slope is 0 with no interval.
pub fn logistic(xs: &[f64], ys: &[bool]) -> Result<Logistic, String> {
    let n = xs.len().min(ys.len());
    let fit = grouped_logistic(&vec![0; n], xs, ys)?;
    Ok(Logistic {
        a: fit.a[0],
        b: fit.b,
        log_likelihood: fit.log_likelihood,
        n: fit.n,
    })
}

/// Fits `P(y | g, x) = σ(a_g + b·x)` by Newton–Raphson, groups `0..=max(g)`, with Wald
/// intervals from the inverse Fisher information. A group whose every answer is right (or every
/// one wrong) has its maximum-likelihood intercept at +∞ (−∞), a skill of exactly 1 (0): it is
/// set so, with the interval of its skill from Wilson's bound on its share of right answers
/// (the accuracy at δ > 0 is at most the skill, so that share's lower bound bounds the skill
/// too), and the slope is fitted on the other groups. Fails (with a reason) when a group has no
/// answers, fewer than 3 in all, every group is all right or all wrong, or the fit diverges
/// (separation).
pub fn grouped_logistic(
    groups: &[usize],
    xs: &[f64],
    ys: &[bool],
) -> Result<GroupedLogistic, String> {
    let n = xs.len().min(ys.len()).min(groups.len());
    let g = groups[..n].iter().max().map_or(0, |m| m + 1);
    let pure: Vec<bool> = (0..g)
        .map(|k| {
            let (h, m) = tally(&groups[..n], &ys[..n], k);
            m > 0 && (h == 0 || h == m)
        })
        .collect();
    if pure.iter().any(|&p| p) && !pure.iter().all(|&p| p) {
        return with_pure_groups(&groups[..n], &xs[..n], &ys[..n], &pure);
    }
    check_groups(&groups[..n], &ys[..n], g)?;
    let mean = xs[..n].iter().sum::<f64>() / n as f64;
    if xs[..n].iter().all(|&x| (x - mean).abs() < 1e-12) {
        return Ok(intercepts_only(&groups[..n], &ys[..n], g));
    }
    // θ = (a_0, ..., a_{g−1}, b); start at each group's log-odds and no slope.
    let mut theta: Vec<f64> = (0..g)
        .map(|k| {
            let (h, m) = tally(&groups[..n], &ys[..n], k);
            (h as f64 / (m - h) as f64).ln()
        })
        .collect();
    theta.push(0.0);
    let mut info = vec![vec![0.0; g + 1]; g + 1];
    for _ in 0..100 {
        let (grad, h) = score(&theta, &groups[..n], &xs[..n], &ys[..n]);
        let step = solve(&h, &grad).ok_or("the logistic fit is degenerate (separation)")?;
        for (t, d) in theta.iter_mut().zip(&step) {
            *t += d;
        }
        info = h;
        if theta.iter().any(|t| !t.is_finite() || t.abs() > 200.0)
            || theta[..g].iter().any(|a| a.abs() > 50.0)
        {
            return Err(
                "the logistic fit diverges (separation: a threshold explains every answer)".into(),
            );
        }
        if step.iter().all(|d| d.abs() < 1e-12) {
            break;
        }
    }
    let cov = invert(&info).ok_or("the logistic fit is degenerate (separation)")?;
    let log_likelihood = (0..n)
        .map(|i| {
            let p = sigmoid(theta[groups[i]] + theta[g] * xs[i]);
            if ys[i] { p.ln() } else { (1.0 - p).ln() }
        })
        .sum();
    let wald = |k: usize| Estimate {
        value: theta[k],
        lo: theta[k] - Z95 * cov[k][k].sqrt(),
        hi: theta[k] + Z95 * cov[k][k].sqrt(),
    };
    Ok(GroupedLogistic {
        a: (0..g).map(wald).collect(),
        b: wald(g),
        log_likelihood,
        n,
    })
}

/// The fit when every observation has the same x: no slope can be identified, so it is 0 with
/// an undefined interval, and each group's intercept is its log-odds, `logit(h/m)`, with Wald
/// variance `1/(m·p(1−p))`.
fn intercepts_only(groups: &[usize], ys: &[bool], g: usize) -> GroupedLogistic {
    let mut log_likelihood = 0.0;
    let a = (0..g)
        .map(|k| {
            let (h, m) = tally(groups, ys, k);
            let p = h as f64 / m as f64;
            log_likelihood += h as f64 * p.ln() + (m - h) as f64 * (1.0 - p).ln();
            let (v, se) = (
                (p / (1.0 - p)).ln(),
                (1.0 / (m as f64 * p * (1.0 - p))).sqrt(),
            );
            Estimate {
                value: v,
                lo: v - Z95 * se,
                hi: v + Z95 * se,
            }
        })
        .collect();
    GroupedLogistic {
        a,
        b: Estimate {
            value: 0.0,
            lo: f64::NAN,
            hi: f64::NAN,
        },
        log_likelihood,
        n: groups.len(),
    }
}

/// [`grouped_logistic`] with the all-right and all-wrong groups (`pure`) set to skill 1 or 0
/// and the others fitted alone.
fn with_pure_groups(
    groups: &[usize],
    xs: &[f64],
    ys: &[bool],
    pure: &[bool],
) -> Result<GroupedLogistic, String> {
    // The mixed groups, renumbered 0.., and their observations.
    let index: Vec<Option<usize>> = pure
        .iter()
        .scan(0, |next, &p| {
            Some((!p).then(|| {
                *next += 1;
                *next - 1
            }))
        })
        .collect();
    let kept: Vec<usize> = (0..groups.len()).filter(|&i| !pure[groups[i]]).collect();
    let sub_groups: Vec<usize> = kept
        .iter()
        .map(|&i| index[groups[i]].unwrap_or(0))
        .collect();
    let sub_xs: Vec<f64> = kept.iter().map(|&i| xs[i]).collect();
    let sub_ys: Vec<bool> = kept.iter().map(|&i| ys[i]).collect();
    let fit = grouped_logistic(&sub_groups, &sub_xs, &sub_ys)?;
    let logit = |p: f64| (p / (1.0 - p)).ln();
    let a = (0..pure.len())
        .map(|k| match index[k] {
            Some(j) => fit.a[j],
            None => {
                let (h, m) = tally(groups, ys, k);
                let share = proportion(h, m);
                if h == m {
                    Estimate {
                        value: f64::INFINITY,
                        lo: logit(share.lo),
                        hi: f64::INFINITY,
                    }
                } else {
                    Estimate {
                        value: f64::NEG_INFINITY,
                        lo: f64::NEG_INFINITY,
                        hi: logit(share.hi),
                    }
                }
            }
        })
        .collect();
    // A pure group's answers have probability 1 under its infinite intercept: they add 0.
    Ok(GroupedLogistic {
        a,
        b: fit.b,
        log_likelihood: fit.log_likelihood,
        n: groups.len(),
    })
}

/// (right answers, answers) of group `k`.
fn tally(groups: &[usize], ys: &[bool], k: usize) -> (usize, usize) {
    groups
        .iter()
        .zip(ys)
        .filter(|(g, _)| **g == k)
        .fold((0, 0), |(h, m), (_, &y)| (h + usize::from(y), m + 1))
}

fn check_groups(groups: &[usize], ys: &[bool], g: usize) -> Result<(), String> {
    if groups.len() < 3 {
        return Err(format!(
            "a logistic curve needs at least 3 answers, some right and some wrong ({} answers)",
            groups.len()
        ));
    }
    for k in 0..g {
        let (hits, m) = tally(groups, ys, k);
        if hits == 0 || hits == m {
            let which = if g == 1 {
                String::new()
            } else {
                format!(" in group {k}")
            };
            return Err(format!(
                "a logistic curve needs at least 3 answers, some right and some wrong{which} ({hits} of {m} right)"
            ));
        }
    }
    Ok(())
}

/// The gradient and the Fisher information of the log-likelihood at θ.
fn score(theta: &[f64], groups: &[usize], xs: &[f64], ys: &[bool]) -> (Vec<f64>, Vec<Vec<f64>>) {
    let g = theta.len() - 1;
    let mut grad = vec![0.0; g + 1];
    let mut h = vec![vec![0.0; g + 1]; g + 1];
    for i in 0..xs.len() {
        let (k, x) = (groups[i], xs[i]);
        let p = sigmoid(theta[k] + theta[g] * x);
        let (r, w) = (f64::from(u8::from(ys[i])) - p, p * (1.0 - p));
        grad[k] += r;
        grad[g] += r * x;
        h[k][k] += w;
        h[k][g] += w * x;
        h[g][k] += w * x;
        h[g][g] += w * x * x;
    }
    (grad, h)
}

/// `A⁻¹` by Gauss–Jordan elimination with partial pivoting; `None` when A is singular.
fn invert(a: &[Vec<f64>]) -> Option<Vec<Vec<f64>>> {
    let n = a.len();
    let mut m: Vec<Vec<f64>> = a
        .iter()
        .enumerate()
        .map(|(i, row)| {
            let mut r = row.clone();
            r.extend((0..n).map(|j| f64::from(u8::from(i == j))));
            r
        })
        .collect();
    for c in 0..n {
        let p = (c..n).max_by(|&i, &j| m[i][c].abs().total_cmp(&m[j][c].abs()))?;
        if m[p][c].abs() < 1e-300 {
            return None;
        }
        m.swap(c, p);
        let d = m[c][c];
        m[c].iter_mut().for_each(|v| *v /= d);
        for r in 0..n {
            if r != c {
                let f = m[r][c];
                let pivot = m[c].clone();
                m[r].iter_mut().zip(&pivot).for_each(|(v, p)| *v -= f * p);
            }
        }
    }
    Some(m.into_iter().map(|r| r[n..].to_vec()).collect())
}

/// `x` with `A x = b`; `None` when A is singular.
fn solve(a: &[Vec<f64>], b: &[f64]) -> Option<Vec<f64>> {
    let inv = invert(a)?;
    Some(
        inv.iter()
            .map(|row| row.iter().zip(b).map(|(r, v)| r * v).sum())
            .collect(),
    )
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

/// ρ with its interval from pairs of wrong answers to items of different K: `same` of the
/// pairs coincide, and `ks` holds each pair's K (pairs with K < 3 carry no information about ρ
/// and are left out by the caller). The expected share of coinciding pairs,
/// `mean_i c(ρ, K_i)`, increases with ρ; it is inverted by bisection at the share and at the
/// ends of its Wilson interval.
pub fn lure_mixed(same: usize, ks: &[u32]) -> Estimate {
    if ks.is_empty() {
        return Estimate {
            value: f64::NAN,
            lo: f64::NAN,
            hi: f64::NAN,
        };
    }
    let f = |rho: f64| ks.iter().map(|&k| coincidence(rho, k)).sum::<f64>() / ks.len() as f64;
    let invert = |c: f64| {
        let (mut lo, mut hi) = (0.0f64, 1.0f64);
        if c <= f(0.0) {
            return 0.0;
        }
        for _ in 0..60 {
            let mid = 0.5 * (lo + hi);
            if f(mid) < c { lo = mid } else { hi = mid }
        }
        0.5 * (lo + hi)
    };
    let c = proportion(same, ks.len());
    Estimate {
        value: invert(c.value),
        lo: invert(c.lo),
        hi: invert(c.hi),
    }
}

/// The mean with its 95% Student t interval (NaN ends with fewer than 2 values).
pub fn mean(xs: &[f64]) -> Estimate {
    let n = xs.len();
    let m = xs.iter().sum::<f64>() / n as f64;
    if n < 2 {
        return Estimate {
            value: m,
            lo: f64::NAN,
            hi: f64::NAN,
        };
    }
    let var = xs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1) as f64;
    let half = crate::table::t975(n as u64 - 1) * (var / n as f64).sqrt();
    Estimate {
        value: m,
        lo: m - half,
        hi: m + half,
    }
}

/// The `q`-quantile (the order statistic of rank ⌈q·n⌉) with its distribution-free 95%
/// interval: the order statistics of ranks `n·q ∓ 1.96·√(n·q·(1−q))`, rounded outwards and
/// kept within the sample (NaN for an empty sample).
pub fn quantile(xs: &[f64], q: f64) -> Estimate {
    let mut v: Vec<f64> = xs.to_vec();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n == 0 {
        return Estimate {
            value: f64::NAN,
            lo: f64::NAN,
            hi: f64::NAN,
        };
    }
    let nf = n as f64;
    let at = |rank: f64| v[(rank.clamp(1.0, nf) as usize) - 1];
    let half = Z95 * (nf * q * (1.0 - q)).sqrt();
    Estimate {
        value: at((q * nf).ceil()),
        lo: at((nf * q - half).floor()),
        hi: at((nf * q + half).ceil() + 1.0),
    }
}

/// The correlation of two workers' correctness on the same items that a model predicts when
/// they answer independently given the item: worker one is right on item i with probability
/// `p[i]`, worker two with `q[i]`, so `Cov = mean(p·q) − mean(p)·mean(q)` over the items and the
/// phi coefficient is that over `√(p̄(1−p̄) q̄(1−q̄))`.
pub fn predicted_correlation(p: &[f64], q: &[f64]) -> f64 {
    let n = p.len().min(q.len()) as f64;
    let (mp, mq) = (p.iter().sum::<f64>() / n, q.iter().sum::<f64>() / n);
    let pq = p.iter().zip(q).map(|(a, b)| a * b).sum::<f64>() / n;
    (pq - mp * mq) / (mp * (1.0 - mp) * mq * (1.0 - mq)).sqrt()
}

/// The phi coefficient (Pearson's correlation of two binary variables) over `pairs`, with
/// Fisher's z interval (`tanh(atanh r ± 1.96 / sqrt(n − 3))`, r within ±0.999999 for the
/// transform, the interval widened to hold r itself); NaN with fewer than 4 pairs or no
/// variation.
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
    let r = (cov / (mx * (1.0 - mx) * my * (1.0 - my)).sqrt()).clamp(-1.0, 1.0);
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
        lo: (z - Z95 * se).tanh().min(r),
        hi: (z + Z95 * se).tanh().max(r),
    }
}

/// The correlation of two workers' correctness predicted for workers of one group with
/// shared-answer probability κ on items where each is right with probability `p[i]`: the two
/// share an answer with probability κ², so `Cov = κ²·mean(p(1 − p)) + Var(p)` over
/// `p̄(1 − p̄)`.
pub fn predicted_correlation_shared(p: &[f64], kappa: f64) -> f64 {
    let n = p.len() as f64;
    let m = p.iter().sum::<f64>() / n;
    let within = p.iter().map(|x| x * (1.0 - x)).sum::<f64>() / n;
    let var = p.iter().map(|x| (x - m).powi(2)).sum::<f64>() / n;
    (kappa * kappa * within + var) / (m * (1.0 - m))
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

    /// A group whose every answer is right has skill exactly 1 (intercept +∞) with Wilson's
    /// lower bound on its share as the skill's lower bound; one all wrong has skill 0 with
    /// Wilson's upper bound; the other groups' intercepts and the slope are their fit alone,
    /// and the log-likelihood is theirs (a sure answer adds ln 1 = 0).
    #[test]
    fn an_all_right_or_all_wrong_group_has_skill_one_or_zero() {
        let (xs, ys, _, _, _) = dataset(3, 400, (0.8, 3.0, 0.0, 4));
        let alone = grouped_logistic(&vec![0; xs.len()], &xs, &ys).unwrap();
        let mut groups = vec![0usize; xs.len()];
        let (mut gx, mut gy) = (xs.clone(), ys.clone());
        for i in 0..30 {
            groups.extend([1, 2]);
            gx.extend([i as f64 / 30.0; 2]);
            gy.extend([true, false]);
        }
        let fit = grouped_logistic(&groups, &gx, &gy).unwrap();
        assert_eq!(fit.a[0], alone.a[0]);
        assert_eq!(fit.b, alone.b);
        assert_eq!(fit.log_likelihood, alone.log_likelihood);
        assert_eq!(fit.n, gx.len());
        let (right, wrong) = (proportion(30, 30), proportion(0, 30));
        assert_eq!(fit.a[1].value, f64::INFINITY);
        assert!((sigmoid(fit.a[1].lo) - right.lo).abs() < 1e-12 && fit.a[1].hi == f64::INFINITY);
        assert_eq!(fit.a[2].value, f64::NEG_INFINITY);
        assert!((sigmoid(fit.a[2].hi) - wrong.hi).abs() < 1e-12);
        assert_eq!((fit.p(1, 0.7), fit.p(2, 0.1)), (1.0, 0.0));
        // Every group pure: nothing to fit a slope on.
        assert!(
            grouped_logistic(
                &[0, 0, 0, 1, 1, 1],
                &[0.1, 0.2, 0.3, 0.1, 0.2, 0.3],
                &[true, true, true, false, false, false]
            )
            .is_err()
        );
    }

    /// Two groups with log-odds 1.5 and −0.5 at δ = 0 and a common slope −3, 4000 answers
    /// each, in 40 datasets: the three 95% intervals miss at most 14 times in 120 (6 on
    /// average; 15 or more with probability 0.001). One group is the plain fit.
    #[test]
    fn grouped_fit_recovers_each_intercept_and_the_common_slope() {
        let mut misses = 0;
        for seed in 0..40 {
            let mut rng = stream(seed, "grouped");
            let (mut g, mut xs, mut ys) = (Vec::new(), Vec::new(), Vec::new());
            for i in 0..8000 {
                let (k, d) = (i % 2, unit(&mut rng));
                let a = if k == 0 { 1.5 } else { -0.5 };
                g.push(k);
                xs.push(d);
                ys.push(crate::dist::chance(&mut rng, sigmoid(a - 3.0 * d)));
            }
            let fit = grouped_logistic(&g, &xs, &ys).unwrap();
            misses += usize::from(!fit.a[0].covers(1.5))
                + usize::from(!fit.a[1].covers(-0.5))
                + usize::from(!fit.b.covers(-3.0));
            if seed == 0 {
                let one = logistic(&xs, &ys).unwrap();
                let same = grouped_logistic(&vec![0; xs.len()], &xs, &ys).unwrap();
                assert_eq!(one.a, same.a[0]);
                assert_eq!(one.b, same.b);
            }
        }
        assert!(misses <= 14, "{misses} misses in 120");
        // Group 1 all right is skill 1; group 0 alone (two answers) is too few to fit.
        let all_right_in_one_group = grouped_logistic(
            &[0, 1, 1, 0, 1],
            &[0.1, 0.2, 0.3, 0.4, 0.5],
            &[true, true, true, false, true],
        );
        assert!(
            all_right_in_one_group
                .unwrap_err()
                .contains("at least 3 answers")
        );
    }

    #[test]
    fn mixed_lure_is_the_plain_lure_for_one_k() {
        for (same, pairs) in [(30usize, 100usize), (5, 100), (90, 100)] {
            let a = lure(same, pairs, 4);
            let b = lure_mixed(same, &vec![4; pairs]);
            assert!(
                (a.value - b.value).abs() < 1e-9
                    && (a.lo - b.lo).abs() < 1e-9
                    && (a.hi - b.hi).abs() < 1e-9
            );
        }
        // Pairs of K = 3 and K = 10: the share at ρ = 0.5 inverts back to 0.5.
        let ks: Vec<u32> = (0..1000).map(|i| if i % 2 == 0 { 3 } else { 10 }).collect();
        let c = (coincidence(0.5, 3) + coincidence(0.5, 10)) / 2.0;
        let e = lure_mixed((c * 1000.0).round() as usize, &ks);
        assert!((e.value - 0.5).abs() < 0.01 && e.covers(0.5), "{e:?}");
    }

    #[test]
    fn means_quantiles_and_the_predicted_correlation_by_hand() {
        // 1..=5: mean 3, s = √2.5, t(4) = 2.776445: 3 ± 1.963.
        let e = mean(&[1.0, 2.0, 3.0, 4.0, 5.0]);
        assert!(
            (e.hi - 3.0 - 2.776445105 * (2.5f64 / 5.0).sqrt()).abs() < 1e-6,
            "{e:?}"
        );
        let xs: Vec<f64> = (1..=100).map(f64::from).collect();
        let q = quantile(&xs, 0.5);
        // Ranks 50 ∓ 9.8: 40 and 61 (the 95% interval of the median of 100).
        assert_eq!((q.value, q.lo, q.hi), (50.0, 40.0, 61.0));
        assert_eq!(quantile(&xs, 0.9).value, 90.0);
        // The same p for everyone: no correlation; p in {0, 1}: perfect correlation.
        assert!(predicted_correlation(&[0.3; 4], &[0.3; 4]).abs() < 1e-12);
        assert!((predicted_correlation(&[0.0, 1.0], &[0.0, 1.0]) - 1.0).abs() < 1e-12);
        // Shared answers: κ = 1 is perfect correlation, κ = 0 the independent prediction.
        let p = [0.2, 0.5, 0.9];
        assert!((predicted_correlation_shared(&p, 1.0) - 1.0).abs() < 1e-12);
        assert!(
            (predicted_correlation_shared(&p, 0.0) - predicted_correlation(&p, &p)).abs() < 1e-12
        );
    }

    #[test]
    fn refusals_are_sentences() {
        assert!(logistic(&[0.1, 0.2], &[true, false]).is_err());
        assert!(logistic(&[0.1, 0.2, 0.3], &[true, true, true]).is_err());
        // The same difficulty everywhere: no slope (0, no interval), the intercept is logit(3/5).
        let flat = logistic(&[0.5; 5], &[true, false, true, false, true]).unwrap();
        assert!(
            (flat.a.value - 1.5f64.ln()).abs() < 1e-12 && flat.b.value == 0.0 && flat.b.lo.is_nan()
        );
        assert!(
            logistic(&[0.1, 0.2, 0.8, 0.9], &[true, true, false, false]).is_err(),
            "separation"
        );
    }
}
