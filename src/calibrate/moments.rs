//! Shared answers κ and lures ρ of every profile, by the method of moments, jointly, with
//! bootstrap intervals.
//!
//! The calibrated worker of profile P is right on item i with probability `p_i` (its fitted
//! curve), takes its group's shared answer with probability κ, and when wrong (on its own) picks
//! the item's lure with probability ρ. So, for two workers of P on item i (K answers,
//! `c(ρ, K)` the coincidence of two independent wrong answers, [`fit::coincidence`]):
//!
//! - they agree in correctness with probability `κ² + (1 − κ²)·(p² + (1 − p)²)`, hence
//!   `κ² = (A − A₀) / (1 − A₀)` from the observed share A of items where both are right or both
//!   wrong and `A₀ = mean(p² + (1 − p)²)`, clamped to [0, 1];
//! - given both wrong, their answers coincide with probability
//!   `w + (1 − w)·c(ρ, K)`, `w = κ²(1 − p) / (κ²(1 − p) + (1 − κ²)(1 − p)²)`;
//! - a worker of P and one of Q (no sharing across groups), both wrong, coincide with probability
//!   `(ρ_P + u_P)(ρ_Q + u_Q) + (K − 2)·u_P·u_Q`, `u = (1 − ρ)/(K − 1)`.
//!
//! κ is solved for each profile from its first two replicas; then the ρ of all profiles together
//! minimise `Σ_m (S_m − E_m(ρ))² / N_m` over the within- and cross-profile moments m (S_m
//! coinciding pairs out of N_m pairs of wrong answers, E_m the expected count given the
//! observed pairs), by coordinate descent with golden-section search on [0, 1] from ρ = 0.5.
//! A profile whose own pairs say little about its ρ (fewer than 5 expected pairs of wrong
//! answers not explained by sharing: κ near 1, as for greedy profiles whose workers send one
//! request) takes a ρ common to all such profiles, fitted from their pairs with other profiles:
//! for two such profiles the data fix only a combination of their two ρs, and equal ρs are its
//! natural reading (the cross coincidence at equal ρ is `c(ρ, K)` itself). A ρ that no moment
//! depends on gets NaN. Intervals are percentile intervals over 200 bootstrap resamples of the items (the
//! curves' `p_i` held at their fit).

use super::fit::{Estimate, coincidence};
use super::plan::Plan;
use super::profile::{Answer, cross_coincidence};
use crate::dist::below;
use crate::rng::stream;

/// Bootstrap resamples.
pub const RESAMPLES: usize = 200;

/// One worker's answer to an item: right, and the parsed answer (`None`: unparseable).
pub type Said = (bool, Option<String>);

/// One item as every profile answered it: K, each profile's fitted p and first two answers.
#[derive(Debug, Clone)]
pub struct ItemRow {
    /// Answers a simulated worker chooses among.
    pub k: u32,
    /// Per profile: the fitted probability of being right.
    pub p: Vec<f64>,
    /// Per profile, with latent item effects: the probability that two of its workers answering
    /// on their own are both right, `E[p²]` (without them it is p², and this is `None`).
    pub pp: Option<Vec<f64>>,
    /// Per profile: (right, answer) of the first replica, and of the second if any.
    pub a: Vec<[Option<Said>; 2]>,
}

/// The items of the plan, once each (an item drawn again is left out), for the profiles'
/// `answered[profile][item][replica]` and fitted `p(profile, probe index)`.
pub fn rows(
    plan: &Plan,
    answered: &[Vec<Vec<Answer>>],
    k: u32,
    p: &dyn Fn(usize, usize) -> f64,
    pp: Option<&dyn Fn(usize, usize) -> f64>,
) -> Vec<ItemRow> {
    let mut seen = std::collections::BTreeSet::new();
    let mut out = Vec::new();
    for (j, probe) in plan.probes.iter().enumerate() {
        if !seen.insert(probe.item.prompt.as_str()) {
            continue;
        }
        let one = |a: Option<&Answer>| a.map(|a| (a.right, a.answer.clone()));
        out.push(ItemRow {
            k: probe.item.answers(k),
            p: (0..answered.len()).map(|i| p(i, j)).collect(),
            pp: pp.map(|f| (0..answered.len()).map(|i| f(i, j)).collect()),
            a: answered
                .iter()
                .map(|per| [one(per[j].first()), one(per[j].get(1))])
                .collect(),
        });
    }
    out
}

/// κ of profile `i` from the items (NaN without pairs of replicas).
pub fn kappa(rows: &[&ItemRow], i: usize) -> f64 {
    let (mut agree, mut base, mut n) = (0.0, 0.0, 0.0);
    for r in rows {
        if let [Some(a), Some(b)] = &r.a[i] {
            let p = r.p[i];
            agree += f64::from(u8::from(a.0 == b.0));
            base += match &r.pp {
                Some(pp) => 1.0 - 2.0 * p + 2.0 * pp[i],
                None => p * p + (1.0 - p) * (1.0 - p),
            };
            n += 1.0;
        }
    }
    if n == 0.0 || base >= n {
        return f64::NAN;
    }
    ((agree - base) / (n - base)).clamp(0.0, 1.0).sqrt()
}

/// A moment of coinciding wrong answers: the profiles involved, the observed count, and for
/// each pair of wrong answers the first profile's p on its item and the item's K.
struct Moment {
    who: (usize, usize),
    same: f64,
    pairs: Vec<(f64, u32)>,
}

fn moments(rows: &[&ItemRow], profiles: usize) -> Vec<Moment> {
    let mut out = Vec::new();
    for i in 0..profiles {
        for j in i..profiles {
            let mut m = Moment {
                who: (i, j),
                same: 0.0,
                pairs: Vec::new(),
            };
            for r in rows {
                let (x, y) = if i == j {
                    (&r.a[i][0], &r.a[i][1])
                } else {
                    (&r.a[i][0], &r.a[j][0])
                };
                if let (Some(x), Some(y)) = (x, y)
                    && !x.0
                    && !y.0
                    && r.k >= 3
                {
                    m.same += f64::from(u8::from(x.1 == y.1));
                    m.pairs.push((r.p[i], r.k));
                }
            }
            if !m.pairs.is_empty() {
                out.push(m);
            }
        }
    }
    out
}

/// The expected coinciding pairs of moment `m` under κ and ρ.
fn expected(m: &Moment, kappa: &[f64], rho: &[f64]) -> f64 {
    let (i, j) = m.who;
    m.pairs
        .iter()
        .map(|&(p, k)| {
            if i == j {
                let k2 = if kappa[i].is_finite() {
                    kappa[i] * kappa[i]
                } else {
                    0.0
                };
                let (sh, own) = (k2 * (1.0 - p), (1.0 - k2) * (1.0 - p) * (1.0 - p));
                let w = if sh + own > 0.0 { sh / (sh + own) } else { 0.0 };
                w + (1.0 - w) * coincidence(rho[i], k)
            } else {
                cross_coincidence(rho[i], rho[j], k)
            }
        })
        .sum()
}

fn loss(ms: &[Moment], kappa: &[f64], rho: &[f64]) -> f64 {
    ms.iter()
        .map(|m| (m.same - expected(m, kappa, rho)).powi(2) / m.pairs.len() as f64)
        .sum()
}

/// Expected pairs of wrong answers of profile `i`'s first two replicas that are not one shared
/// answer: what its own pairs can say about its ρ.
fn own_pairs(ms: &[Moment], kappa: &[f64], i: usize) -> f64 {
    let k2 = if kappa[i].is_finite() {
        kappa[i] * kappa[i]
    } else {
        0.0
    };
    ms.iter()
        .filter(|m| m.who == (i, i))
        .flat_map(|m| &m.pairs)
        .map(|&(p, _)| {
            let (sh, own) = (k2 * (1.0 - p), (1.0 - k2) * (1.0 - p) * (1.0 - p));
            if sh + own > 0.0 {
                own / (sh + own)
            } else {
                0.0
            }
        })
        .sum()
}

/// The ρ of every profile minimising the moments' loss, given κ. Profiles whose own pairs can
/// say little (fewer than 5 expected unshared pairs of wrong answers: κ near 1) share one ρ,
/// fitted from their pairs with other profiles.
pub fn rhos(rows: &[&ItemRow], kappa: &[f64]) -> Vec<f64> {
    let n = kappa.len();
    let ms = moments(rows, n);
    // The parameter of each profile: its own, or the common one (index `n`).
    let param: Vec<usize> = (0..n)
        .map(|i| {
            if own_pairs(&ms, kappa, i) >= 5.0 {
                i
            } else {
                n
            }
        })
        .collect();
    let spread = |theta: &[f64]| -> Vec<f64> { param.iter().map(|&j| theta[j]).collect() };
    let mut theta = vec![0.5; n + 1];
    let used: Vec<usize> = {
        let mut u = param.clone();
        u.sort_unstable();
        u.dedup();
        u
    };
    for _ in 0..30 {
        let before = theta.clone();
        for &j in &used {
            theta[j] = golden(|x| {
                let mut t = theta.clone();
                t[j] = x;
                loss(&ms, kappa, &spread(&t))
            });
        }
        if theta.iter().zip(&before).all(|(a, b)| (a - b).abs() < 1e-7) {
            break;
        }
    }
    let flat = |j: usize| {
        let at = |x: f64| {
            let mut t = theta.clone();
            t[j] = x;
            loss(&ms, kappa, &spread(&t))
        };
        (at(0.0) - at(1.0)).abs() < 1e-12 && (at(0.0) - at(0.5)).abs() < 1e-12
    };
    (0..n)
        .map(|i| {
            if flat(param[i]) {
                f64::NAN
            } else {
                theta[param[i]]
            }
        })
        .collect()
}

/// The minimiser of `f` on [0, 1] by golden-section search (60 steps), or an end if smaller.
fn golden(f: impl Fn(f64) -> f64) -> f64 {
    let g = (5f64.sqrt() - 1.0) / 2.0;
    let (mut a, mut b) = (0.0f64, 1.0f64);
    for _ in 0..60 {
        let (c, d) = (b - g * (b - a), a + g * (b - a));
        if f(c) < f(d) { b = d } else { a = c }
    }
    let mid = 0.5 * (a + b);
    [0.0, mid, 1.0]
        .into_iter()
        .min_by(|x, y| f(*x).total_cmp(&f(*y)))
        .unwrap_or(mid)
}

/// κ and ρ of every profile with their bootstrap intervals (`seed` seeds the resampling).
pub fn estimate(rows: &[ItemRow], profiles: usize, seed: u64) -> (Vec<Estimate>, Vec<Estimate>) {
    let all: Vec<&ItemRow> = rows.iter().collect();
    let point = |sample: &[&ItemRow]| {
        let kappa: Vec<f64> = (0..profiles).map(|i| kappa(sample, i)).collect();
        let rho = rhos(sample, &kappa);
        (kappa, rho)
    };
    let (k0, r0) = point(&all);
    let mut rng = stream(seed, "calibrate/bootstrap");
    let mut draws: Vec<(Vec<f64>, Vec<f64>)> = Vec::with_capacity(RESAMPLES);
    for _ in 0..RESAMPLES {
        let sample: Vec<&ItemRow> = (0..all.len())
            .map(|_| all[below(&mut rng, all.len() as u64) as usize])
            .collect();
        draws.push(point(&sample));
    }
    let interval = |v: f64, xs: Vec<f64>| percentile(v, xs);
    let kappas = (0..profiles)
        .map(|i| interval(k0[i], draws.iter().map(|d| d.0[i]).collect()))
        .collect();
    let rhos = (0..profiles)
        .map(|i| interval(r0[i], draws.iter().map(|d| d.1[i]).collect()))
        .collect();
    (kappas, rhos)
}

/// `value` with the 2.5% and 97.5% percentiles of the resampled values (NaN when `value` is).
fn percentile(value: f64, mut xs: Vec<f64>) -> Estimate {
    xs.retain(|x| x.is_finite());
    if !value.is_finite() || xs.is_empty() {
        return Estimate {
            value,
            lo: f64::NAN,
            hi: f64::NAN,
        };
    }
    xs.sort_by(f64::total_cmp);
    let at = |q: f64| xs[((q * (xs.len() - 1) as f64).round() as usize).min(xs.len() - 1)];
    Estimate {
        value,
        lo: at(0.025).min(value),
        hi: at(0.975).max(value),
    }
}
