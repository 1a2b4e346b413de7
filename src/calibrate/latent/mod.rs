//! Latent item effects shared across profiles (`lamas calibrate --latent`): the correlation of
//! correctness that an item's difficulty does not explain, between profiles of one model and of
//! different models.
//!
//! Profile g, of model m = m(g), is right on item j with probability
//!
//! ```text
//! P(right | z_j, w_j) = σ(a_{g,d(j)} + b_g·δ_j + λ_m·z_j + μ_m·w_{j,m})
//! ```
//!
//! where z_j ~ N(0, 1) is shared by every profile and w_{j,m} ~ N(0, 1) by the profiles of model
//! m, all independent; given the item's effects the answers are independent. This is the world's
//! competence of a simulated worker with `item_loading` λ, `model` m and `model_loading` μ
//! (docs/model.md, phase 5), so the fit is that worker. The loadings are the model's, shared by
//! its profiles (personas of one model differ in their curves, not in how they load), which is
//! what makes them identified: two profiles of different models are both right, beyond their
//! curves, through λ_m·λ_m' alone, and two of one model through λ_m² + μ_m². So λ is fitted with
//! at least two profiles — one per model with three models or more, one for all with two models
//! (their pairs say only λ_m·λ_m') — and μ_m when model m has at least two profiles and there are
//! at least two models. With one model its effect is the common one, and with three profiles or
//! more each profile has its own λ (a one-factor model, identified by the profiles' pairs), so
//! that a sampling profile may load less than greedy ones. Loadings are reported ≥ 0: the
//! likelihood does not change when every λ, or one μ, changes sign.
//!
//! The marginal likelihood integrates z and each w by Gauss–Hermite quadrature ([`super::numeric::NODES`] nodes
//! each; tested against a fine trapezoid rule to 1e-5); its exact gradient is the posterior
//! expectation of the complete-data score (Fisher's identity), and it is maximised by BFGS from
//! the profiles' independent fits, until it changes by less than 1e-10 of its size. The likelihood is penalised by weak normal priors on
//! the loadings ([`PRIOR_SD`]) and the intercepts ([`INTERCEPT_SD`]) so that none runs off to
//! infinity. Wald intervals come from the
//! observed information, the Hessian of the penalised marginal log-likelihood by central
//! differences of its exact gradient (Fisher's identity).

use super::fit::{Estimate, sigmoid};
use super::numeric::{NODES, bfgs_update, inverse, quadrature};

/// Most BFGS iterations.
const MAX_ITERATIONS: usize = 2000;
/// The prior standard deviation τ of every loading: the fit maximises the log-likelihood minus
/// `Σ (λ² + μ²) / (2τ²)`, which keeps a loading finite where the likelihood alone would send it
/// to infinity (a Heywood case: one profile made a deterministic function of the item's effect)
/// and moves a loading of 1 by about 1/(τ²·information), negligible at a few hundred items.
pub const PRIOR_SD: f64 = 3.0;
/// The prior standard deviation of every intercept (the log-odds of a skill): a weak normal
/// prior, which moves an intercept of 2 by about 2/(100·information) where the data identify it,
/// and keeps it finite where they do not — a source whose easiest items a profile always gets
/// right sends the likelihood's intercept to infinity, with the slope after it, and a skill
/// that rounds to exactly 1 would make the simulated worker always right, at every difficulty.
pub const INTERCEPT_SD: f64 = 10.0;

/// One observation: an item (index among the fit's items), its source (the profile's intercept
/// index), its difficulty and whether the answer was right.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Obs {
    /// Item index.
    pub item: usize,
    /// Intercept index of the profile.
    pub source: usize,
    /// δ.
    pub delta: f64,
    /// Right.
    pub right: bool,
}

/// One profile's observations (one per distinct request) and its model.
#[derive(Debug, Clone, PartialEq)]
pub struct Answers {
    /// Index of its model among the fit's models.
    pub model: usize,
    /// Intercepts (sources answered).
    pub sources: usize,
    /// Whether δ varies (else the slope is 0, not fitted).
    pub slope: bool,
    /// The observations.
    pub obs: Vec<Obs>,
}

/// The fitted parameters of one profile.
#[derive(Debug, Clone, PartialEq)]
pub struct Loaded {
    /// Intercepts a_d.
    pub a: Vec<Estimate>,
    /// Slope b (0 when not fitted).
    pub b: Estimate,
    /// λ (0 when not fitted).
    pub item_loading: Estimate,
    /// μ (0 when not fitted).
    pub model_loading: Estimate,
}

/// The fit of every profile.
#[derive(Debug, Clone, PartialEq)]
pub struct LatentFit {
    /// Per profile, in the input's order.
    pub profiles: Vec<Loaded>,
    /// The marginal log-likelihood at the fit (without the prior's penalty).
    pub log_likelihood: f64,
    /// BFGS iterations used.
    pub iterations: usize,
}

/// log σ(x) and log(1 − σ(x)), stably.
fn log_sigmoid(x: f64) -> f64 {
    if x >= 0.0 {
        -(-x).exp().ln_1p()
    } else {
        x - x.exp().ln_1p()
    }
}

/// The parameters as one vector: per profile its intercepts and slope, then one λ per model (or
/// one for all with fewer than three models), then one μ per model (those not fitted stay 0).
#[derive(Debug, Clone)]
struct Layout {
    start: Vec<usize>,
    sources: Vec<usize>,
    slope: Vec<bool>,
    /// Per profile: the index of its λ and of its μ.
    lam: Vec<usize>,
    mu: Vec<usize>,
    /// The loadings' indices (each once) and whether each is fitted.
    loadings: Vec<(usize, bool)>,
    len: usize,
}

impl Layout {
    /// The indices of every profile's intercepts.
    fn intercepts(&self) -> impl Iterator<Item = usize> + '_ {
        self.start
            .iter()
            .zip(&self.sources)
            .flat_map(|(&s, &n)| s..s + n)
    }

    /// λ is fitted with at least two profiles: one per profile when they are three or more of one
    /// model (a one-factor model), one per model with three models or more, else one for all
    /// (two models' pairs say only the product of their λs); μ of a model with at least two
    /// profiles when there are at least two models.
    fn new(data: &[Answers]) -> Layout {
        let models = data.iter().map(|p| p.model + 1).max().unwrap_or(0);
        let per_model = |m: usize| data.iter().filter(|p| p.model == m).count();
        let (mut start, mut at) = (Vec::new(), 0);
        for p in data {
            start.push(at);
            at += p.sources + 1;
        }
        let lambda_fitted = data.len() >= 2;
        // One model and three profiles or more: a one-factor model, a λ per profile.
        let per_profile = models == 1 && data.len() >= 3;
        let lambdas = if per_profile {
            data.len()
        } else if models >= 3 {
            models
        } else {
            1
        };
        let (l0, m0) = (at, at + lambdas);
        let mut loadings: Vec<(usize, bool)> =
            (0..lambdas).map(|i| (l0 + i, lambda_fitted)).collect();
        loadings.extend((0..models).map(|m| (m0 + m, models >= 2 && per_model(m) >= 2)));
        Layout {
            start,
            sources: data.iter().map(|p| p.sources).collect(),
            slope: data.iter().map(|p| p.slope).collect(),
            lam: (0..data.len())
                .map(|g| match (per_profile, lambdas > 1) {
                    (true, _) => l0 + g,
                    (false, true) => l0 + data[g].model,
                    (false, false) => l0,
                })
                .collect(),
            mu: data.iter().map(|p| m0 + p.model).collect(),
            loadings,
            len: m0 + models,
        }
    }

    fn b(&self, g: usize) -> usize {
        self.start[g] + self.sources[g]
    }

    fn fitted_loading(&self, k: usize) -> bool {
        self.loadings.iter().any(|&(i, f)| i == k && f)
    }

    /// Whether each parameter of the vector is fitted.
    fn fitted(&self) -> Vec<bool> {
        let mut out = vec![false; self.len];
        for g in 0..self.start.len() {
            for d in 0..self.sources[g] {
                out[self.start[g] + d] = true;
            }
            out[self.b(g)] = self.slope[g];
        }
        for &(k, f) in &self.loadings {
            out[k] = f;
        }
        out
    }
}

/// The observations of each item, per profile: `by_item[j]` = (profile, observation index).
fn by_item(data: &[Answers], items: usize) -> Vec<Vec<(usize, usize)>> {
    let mut out = vec![Vec::new(); items];
    for (g, p) in data.iter().enumerate() {
        for (o, ob) in p.obs.iter().enumerate() {
            out[ob.item].push((g, o));
        }
    }
    out
}

/// One item's log-likelihood, and the posterior weight of each node pair (q, r) for each model,
/// `post[m][q * NODES + r]`.
struct Posterior {
    log_l: f64,
    post: Vec<Vec<f64>>,
}

/// The posterior over the nodes of an item (its observations `obs`) at parameters θ.
fn posterior(
    data: &[Answers],
    lay: &Layout,
    theta: &[f64],
    obs: &[(usize, usize)],
    models: usize,
) -> Posterior {
    let (x, w) = quadrature();
    // Σ over the model's observations of log f, at each (q, r).
    let mut logf = vec![vec![0.0; NODES * NODES]; models];
    for &(g, o) in obs {
        let ob = data[g].obs[o];
        let s = lay.start[g];
        let eta = theta[s + ob.source] + theta[lay.b(g)] * ob.delta;
        let (lambda, mu) = (theta[lay.lam[g]], theta[lay.mu[g]]);
        let m = data[g].model;
        for q in 0..NODES {
            for r in 0..NODES {
                let t = eta + lambda * x[q] + mu * x[r];
                logf[m][q * NODES + r] += if ob.right {
                    log_sigmoid(t)
                } else {
                    log_sigmoid(-t)
                };
            }
        }
    }
    // log M_m(q) = log Σ_r w_r exp(logf[m][q, r]); log π(q) ∝ log w_q + Σ_m log M_m(q).
    let mut log_m = vec![[0.0; NODES]; models];
    for m in 0..models {
        for q in 0..NODES {
            let row = &logf[m][q * NODES..(q + 1) * NODES];
            let top = row.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let s: f64 = (0..NODES).map(|r| w[r] * (row[r] - top).exp()).sum();
            log_m[m][q] = top + s.ln();
        }
    }
    let lp: Vec<f64> = (0..NODES)
        .map(|q| w[q].ln() + (0..models).map(|m| log_m[m][q]).sum::<f64>())
        .collect();
    let top = lp.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let total: f64 = lp.iter().map(|v| (v - top).exp()).sum();
    let log_l = top + total.ln();
    let post = (0..models)
        .map(|m| {
            let mut p = vec![0.0; NODES * NODES];
            for q in 0..NODES {
                let pq = (lp[q] - log_l).exp();
                for r in 0..NODES {
                    p[q * NODES + r] = pq * w[r] * (logf[m][q * NODES + r] - log_m[m][q]).exp();
                }
            }
            p
        })
        .collect();
    Posterior { log_l, post }
}

/// The marginal log-likelihood and its gradient at θ (Fisher's identity: the gradient is the
/// posterior expectation of the complete-data score).
fn gradient(
    data: &[Answers],
    lay: &Layout,
    theta: &[f64],
    items: &[Vec<(usize, usize)>],
    models: usize,
) -> (f64, Vec<f64>) {
    let (x, _) = quadrature();
    let mut grad = vec![0.0; lay.len];
    let mut ll = 0.0;
    for obs in items {
        let post = posterior(data, lay, theta, obs, models);
        ll += post.log_l;
        for &(g, o) in obs {
            let ob = data[g].obs[o];
            let (s, b) = (lay.start[g], lay.b(g));
            let eta = theta[s + ob.source] + theta[b] * ob.delta;
            let pm = &post.post[data[g].model];
            let y = f64::from(u8::from(ob.right));
            for q in 0..NODES {
                for r in 0..NODES {
                    let wt = pm[q * NODES + r];
                    let t = eta + theta[lay.lam[g]] * x[q] + theta[lay.mu[g]] * x[r];
                    let e = wt * (y - sigmoid(t));
                    grad[s + ob.source] += e;
                    grad[b] += e * ob.delta;
                    grad[lay.lam[g]] += e * x[q];
                    grad[lay.mu[g]] += e * x[r];
                }
            }
        }
    }
    for &(k, _) in &lay.loadings {
        grad[k] -= theta[k] / (PRIOR_SD * PRIOR_SD);
    }
    for k in lay.intercepts() {
        grad[k] -= theta[k] / (INTERCEPT_SD * INTERCEPT_SD);
    }
    let fitted = lay.fitted();
    grad.iter_mut()
        .zip(&fitted)
        .filter(|(_, f)| !**f)
        .for_each(|(v, _)| *v = 0.0);
    (ll, grad)
}

/// Fits the latent model to `data` (items numbered `0..items`), starting from `start` (per
/// profile: its intercepts and slope of the independent fit).
pub fn fit(data: &[Answers], items: usize, start: &[(Vec<f64>, f64)]) -> Result<LatentFit, String> {
    let lay = Layout::new(data);
    let models = data.iter().map(|p| p.model + 1).max().unwrap_or(0);
    let by = by_item(data, items);
    let mut theta = vec![0.0; lay.len];
    for (g, (a, b)) in start.iter().enumerate() {
        theta[lay.start[g]..lay.start[g] + a.len()].copy_from_slice(a);
        theta[lay.b(g)] = *b;
    }
    for &(k, f) in &lay.loadings {
        theta[k] = if f { 0.5 } else { 0.0 };
    }
    let (theta, last, iterations) = maximise(
        &theta,
        |t: &[f64]| {
            let (ll, grad) = gradient(data, &lay, t, &by, models);
            (ll - penalty(&lay, t), grad)
        },
        &lay.fitted(),
    );
    let mut theta = theta;
    if !last.is_finite() {
        return Err("the latent model's likelihood is not finite".into());
    }
    orient(&lay, &mut theta);
    let cov = covariance(data, &lay, &theta, &by, models);
    Ok(LatentFit {
        profiles: (0..data.len())
            .map(|g| loaded(&lay, &theta, cov.as_deref(), g))
            .collect(),
        log_likelihood: last + penalty(&lay, &theta),
        iterations,
    })
}

/// Maximises `f` (value and gradient) over the coordinates marked `free`, from `start`, by BFGS
/// with a backtracking line search (Armijo's condition), until the value changes by less than
/// 1e-10 of its size or [`MAX_ITERATIONS`]. Returns the maximiser, the value and the iterations.
fn maximise(
    start: &[f64],
    f: impl Fn(&[f64]) -> (f64, Vec<f64>),
    free: &[bool],
) -> (Vec<f64>, f64, usize) {
    let idx: Vec<usize> = (0..start.len()).filter(|&k| free[k]).collect();
    let n = idx.len();
    let mut x = start.to_vec();
    let (mut fx, mut gx) = f(&x);
    let norm = idx
        .iter()
        .map(|&k| gx[k] * gx[k])
        .sum::<f64>()
        .sqrt()
        .max(1e-12);
    let mut h: Vec<f64> = (0..n * n)
        .map(|i| if i % (n + 1) == 0 { 1.0 / norm } else { 0.0 })
        .collect();
    let mut iterations = 0;
    while iterations < MAX_ITERATIONS {
        iterations += 1;
        let g: Vec<f64> = idx.iter().map(|&k| gx[k]).collect();
        let d: Vec<f64> = (0..n)
            .map(|i| (0..n).map(|j| h[i * n + j] * g[j]).sum())
            .collect();
        let slope: f64 = d.iter().zip(&g).map(|(a, b)| a * b).sum();
        let (mut step, mut moved) = (1.0, None);
        for _ in 0..60 {
            let mut y = x.clone();
            for (i, &k) in idx.iter().enumerate() {
                y[k] += step * d[i];
            }
            let (fy, gy) = f(&y);
            if fy.is_finite() && fy >= fx + 1e-4 * step * slope {
                moved = Some((y, fy, gy));
                break;
            }
            step /= 2.0;
        }
        let Some((y, fy, gy)) = moved else { break };
        let sv: Vec<f64> = idx.iter().map(|&k| y[k] - x[k]).collect();
        let yv: Vec<f64> = idx.iter().map(|&k| gx[k] - gy[k]).collect();
        let sy: f64 = sv.iter().zip(&yv).map(|(a, b)| a * b).sum();
        let done = (fy - fx).abs() <= 1e-10 * fx.abs().max(1.0);
        (x, fx, gx) = (y, fy, gy);
        if done {
            break;
        }
        if sy > 1e-12 {
            if iterations == 1 {
                let yy: f64 = yv.iter().map(|v| v * v).sum();
                h.iter_mut()
                    .enumerate()
                    .for_each(|(i, v)| *v = if i % (n + 1) == 0 { sy / yy } else { 0.0 });
            }
            bfgs_update(&mut h, &sv, &yv, sy, n);
        }
    }
    (x, fx, iterations)
}

/// The priors' penalty `Σ (λ² + μ²) / (2τ²) + Σ a² / (2τ_a²)`.
fn penalty(lay: &Layout, theta: &[f64]) -> f64 {
    let loadings: f64 = lay
        .loadings
        .iter()
        .map(|&(k, _)| theta[k] * theta[k] / (2.0 * PRIOR_SD * PRIOR_SD))
        .sum();
    let intercepts: f64 = lay
        .intercepts()
        .map(|k| theta[k] * theta[k] / (2.0 * INTERCEPT_SD * INTERCEPT_SD))
        .sum();
    loadings + intercepts
}

/// Flips the sign of every λ when their sum is negative, and of each μ that is (the likelihood
/// does not change).
fn orient(lay: &Layout, theta: &mut [f64]) {
    let lambdas: Vec<usize> = {
        let mut l = lay.lam.clone();
        l.sort_unstable();
        l.dedup();
        l
    };
    if lambdas.iter().map(|&k| theta[k]).sum::<f64>() < 0.0 {
        lambdas.iter().for_each(|&k| theta[k] = -theta[k]);
    }
    for &m in &lay.mu {
        theta[m] = theta[m].abs();
    }
}

/// The covariance of the fitted parameters (over the fitted ones; `None` when the information
/// is singular), from the Hessian by central differences of the exact gradient.
fn covariance(
    data: &[Answers],
    lay: &Layout,
    theta: &[f64],
    by: &[Vec<(usize, usize)>],
    models: usize,
) -> Option<Vec<f64>> {
    let fitted: Vec<usize> = lay
        .fitted()
        .iter()
        .enumerate()
        .filter(|(_, f)| **f)
        .map(|(i, _)| i)
        .collect();
    let n = fitted.len();
    let mut h = vec![0.0; n * n];
    for (c, &k) in fitted.iter().enumerate() {
        let step = 1e-4 * theta[k].abs().max(1.0);
        let at = |sign: f64| {
            let mut t = theta.to_vec();
            t[k] += sign * step;
            gradient(data, lay, &t, by, models).1
        };
        let (up, down) = (at(1.0), at(-1.0));
        for (r, &kk) in fitted.iter().enumerate() {
            h[r * n + c] = -(up[kk] - down[kk]) / (2.0 * step);
        }
    }
    for r in 0..n {
        for c in 0..r {
            let m = 0.5 * (h[r * n + c] + h[c * n + r]);
            h[r * n + c] = m;
            h[c * n + r] = m;
        }
    }
    let inv = inverse(&h, n)?;
    let mut cov = vec![f64::NAN; lay.len];
    for (i, &k) in fitted.iter().enumerate() {
        cov[k] = inv[i * n + i];
    }
    Some(cov)
}

/// Profile g's estimates with Wald intervals (variance `cov[k]` of parameter k); a loading's
/// interval is cut at 0.
fn loaded(lay: &Layout, theta: &[f64], cov: Option<&[f64]>, g: usize) -> Loaded {
    let est = |k: usize, fitted: bool| {
        let v = theta[k] + 0.0;
        if !fitted {
            return Estimate {
                value: v,
                lo: f64::NAN,
                hi: f64::NAN,
            };
        }
        let se = cov.map_or(f64::NAN, |c| c[k].max(0.0).sqrt());
        Estimate {
            value: v,
            lo: v - 1.96 * se,
            hi: v + 1.96 * se,
        }
    };
    // A loading is ≥ 0 in the model: one the fit puts below 0 (one model's λ among several may
    // go slightly negative) is reported, and predicts, as 0.
    let loading = |k: usize| {
        let mut e = est(k, lay.fitted_loading(k));
        e.value = e.value.max(0.0);
        e.lo = e.lo.max(0.0);
        e
    };
    Loaded {
        a: (0..lay.sources[g])
            .map(|d| est(lay.start[g] + d, true))
            .collect(),
        b: est(lay.b(g), lay.slope[g]),
        item_loading: loading(lay.lam[g]),
        model_loading: loading(lay.mu[g]),
    }
}

/// The probability that profiles with log-odds `eg`, `eh` (without the latent effects) and
/// loadings `(λ, μ)` are both right on an item: one integral over (z, w) when they share a model,
/// else over z with each model's w integrated apart. With `same` and equal arguments it is
/// E[p²], two independent answers of one profile.
pub fn both_right(eg: f64, lg: (f64, f64), eh: f64, lh: (f64, f64), same: bool) -> f64 {
    let (x, w) = quadrature();
    let mut total = 0.0;
    for q in 0..NODES {
        let z = x[q];
        let inner = if same {
            (0..NODES)
                .map(|r| {
                    w[r] * sigmoid(eg + lg.0 * z + lg.1 * x[r])
                        * sigmoid(eh + lh.0 * z + lh.1 * x[r])
                })
                .sum::<f64>()
        } else {
            let m = |e: f64, l: (f64, f64)| {
                (0..NODES)
                    .map(|r| w[r] * sigmoid(e + l.0 * z + l.1 * x[r]))
                    .sum::<f64>()
            };
            m(eg, lg) * m(eh, lh)
        };
        total += w[q] * inner;
    }
    total
}

/// The marginal probability of being right, `E[σ(e + λ z + μ w)]`.
pub fn right(e: f64, l: (f64, f64)) -> f64 {
    let (x, w) = quadrature();
    (0..NODES)
        .map(|q| {
            w[q] * (0..NODES)
                .map(|r| w[r] * sigmoid(e + l.0 * x[q] + l.1 * x[r]))
                .sum::<f64>()
        })
        .sum()
}

#[cfg(test)]
mod tests;
