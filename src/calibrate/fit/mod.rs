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
mod tests;
