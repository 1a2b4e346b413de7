//! Sensitivity analysis of a design's results: which factors drive each metric, and how much
//! through interactions.
//!
//! The output of a cell is the mean of the metric over its replicates (as in `summary.csv`).
//! A `sobol` design gives first- and total-order Sobol indices ([`sobol`]), a `morris` design μ*,
//! μ and σ of the elementary effects ([`morris`]); `lhs` and `file` designs give none. Rows of a
//! Saltelli design (or Morris trajectories) with a cell whose output is undefined are left out,
//! and the number used is reported. Each index has a 95% bootstrap interval: the rows (or
//! trajectories) are resampled with replacement B times (the design's `bootstrap`) from a
//! stream of the experiment's seed named after the metric, and the interval is the 2.5% and
//! 97.5% quantiles of the B estimates (linear interpolation between order statistics). The
//! same results and seed give the same intervals.

pub mod morris;
pub mod sobol;

use crate::design::saltelli::{Matrix, index};
use crate::design::{Design, Kind};
use crate::dist::below;
use crate::rng::stream;

/// One index of one factor for one metric.
#[derive(Debug, Clone, PartialEq)]
pub struct Estimate {
    /// The metric.
    pub metric: String,
    /// The factor's key path.
    pub parameter: String,
    /// `S1`, `ST` (Sobol), `mu_star`, `mu`, `sigma` (Morris).
    pub index: &'static str,
    /// The estimate from every row used (NaN when undefined).
    pub estimate: f64,
    /// Lower end of the 95% bootstrap interval.
    pub low: f64,
    /// Upper end.
    pub high: f64,
    /// Rows (Sobol) or trajectories (Morris) used.
    pub n: usize,
}

/// The indices of each metric of `outputs`, given with its output in each cell of `design`
/// (`None` where undefined), metric by metric; empty for designs without indices.
pub fn analyse(design: &Design, outputs: &[(&str, &[Option<f64>])]) -> Vec<Estimate> {
    match design.kind {
        Kind::Sobol => outputs
            .iter()
            .flat_map(|&(metric, y)| sobol_estimates(design, metric, y))
            .collect(),
        Kind::Morris => {
            // The trajectories' steps are drawn again from the seed, once for every metric.
            let steps = design.morris_steps();
            outputs
                .iter()
                .flat_map(|&(metric, y)| morris_estimates(design, &steps, metric, y))
                .collect()
        }
        Kind::Lhs | Kind::File => Vec::new(),
    }
}

fn sobol_estimates(design: &Design, metric: &str, y: &[Option<f64>]) -> Vec<Estimate> {
    let (n, k) = (design.samples, design.k());
    let mut rows = sobol::Rows {
        ab: vec![Vec::new(); k],
        ..Default::default()
    };
    for j in 0..n {
        let at = |m: Matrix| y.get(index(k, j, m)).copied().flatten();
        let (Some(a), Some(b)) = (at(Matrix::A), at(Matrix::B)) else {
            continue;
        };
        let ab: Option<Vec<f64>> = (0..k).map(|i| at(Matrix::AB(i))).collect();
        let Some(ab) = ab else { continue };
        rows.a.push(a);
        rows.b.push(b);
        for (col, v) in rows.ab.iter_mut().zip(ab) {
            col.push(v);
        }
    }
    let used = rows.a.len();
    let centre = rows.centre();
    let estimate = |pick: &[usize]| {
        let (s1, st) = sobol::indices(&rows, pick, centre);
        vec![s1, st]
    };
    collect(design, metric, used, estimate)
}

fn morris_estimates(
    design: &Design,
    steps: &[Vec<crate::design::morris::Step>],
    metric: &str,
    y: &[Option<f64>],
) -> Vec<Estimate> {
    let k = design.k();
    let delta = crate::design::morris::delta(design.levels);
    let mut effects: morris::Effects = vec![Vec::new(); k];
    for (t, steps) in steps.iter().enumerate() {
        let ys: Option<Vec<f64>> = (0..=k)
            .map(|m| y.get(t * (k + 1) + m).copied().flatten())
            .collect();
        let Some(ys) = ys else { continue };
        for (m, s) in steps.iter().enumerate() {
            effects[s.factor].push((ys[m + 1] - ys[m]) / (f64::from(s.sign) * delta));
        }
    }
    let used = effects.first().map_or(0, Vec::len);
    let estimate = |pick: &[usize]| {
        let (mu_star, mu, sigma) = morris::indices(&effects, pick);
        vec![mu_star, mu, sigma]
    };
    collect(design, metric, used, estimate)
}

/// The estimates of every index (from all `used` rows) with their bootstrap intervals.
fn collect(
    design: &Design,
    metric: &str,
    used: usize,
    estimate: impl Fn(&[usize]) -> Vec<Vec<f64>>,
) -> Vec<Estimate> {
    let names = design.kind.indices();
    let k = design.k();
    if used == 0 {
        return every(design, metric, names, 0, |_, _| {
            (f64::NAN, f64::NAN, f64::NAN)
        });
    }
    let all: Vec<usize> = (0..used).collect();
    let point = estimate(&all);
    let mut rng = stream(design.seed, &format!("sensitivity/{metric}"));
    let b = design.bootstrap as usize;
    let mut draws: Vec<Vec<Vec<f64>>> = vec![vec![Vec::with_capacity(b); k]; names.len()];
    let mut pick = vec![0usize; used];
    for _ in 0..b {
        for p in pick.iter_mut() {
            *p = below(&mut rng, used as u64) as usize;
        }
        for (idx, values) in estimate(&pick).into_iter().enumerate() {
            for (i, v) in values.into_iter().enumerate() {
                draws[idx][i].push(v);
            }
        }
    }
    every(design, metric, names, used, |idx, i| {
        let (low, high) = interval(&mut draws[idx][i]);
        (point[idx][i], low, high)
    })
}

/// One estimate per (index, factor), index-major.
fn every(
    design: &Design,
    metric: &str,
    names: &[&'static str],
    n: usize,
    mut value: impl FnMut(usize, usize) -> (f64, f64, f64),
) -> Vec<Estimate> {
    let mut out = Vec::with_capacity(names.len() * design.k());
    for (idx, &name) in names.iter().enumerate() {
        for (i, f) in design.factors.iter().enumerate() {
            let (estimate, low, high) = value(idx, i);
            out.push(Estimate {
                metric: metric.to_string(),
                parameter: f.key.clone(),
                index: name,
                estimate,
                low,
                high,
                n,
            });
        }
    }
    out
}

/// The 2.5% and 97.5% quantiles of `xs` (NaN if any is NaN or there are none).
fn interval(xs: &mut [f64]) -> (f64, f64) {
    if xs.is_empty() || xs.iter().any(|x| x.is_nan()) {
        return (f64::NAN, f64::NAN);
    }
    xs.sort_by(f64::total_cmp);
    (quantile(xs, 0.025), quantile(xs, 0.975))
}

/// The q-quantile of sorted `xs`, linear between order statistics (NumPy's default).
fn quantile(xs: &[f64], q: f64) -> f64 {
    let h = q * (xs.len() - 1) as f64;
    let (lo, frac) = (h.floor() as usize, h - h.floor());
    match xs.get(lo + 1) {
        Some(next) => xs[lo] + frac * (next - xs[lo]),
        None => xs[lo],
    }
}

#[cfg(test)]
mod tests;
