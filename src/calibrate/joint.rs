//! `lamas calibrate --latent`: every profile's accuracy curve refitted jointly with the latent
//! item effects the profiles share ([`super::latent`]), and what the calibrated workers then
//! predict.
//!
//! The profiles' models are their requests' `model` names; each profile's curve becomes the
//! conditional one (`a_d + b·δ` at z = w = 0, the simulated worker's `skill` and `slope`), with
//! the model's loadings λ (`item_loading`) and μ (`model_loading`). What the worker predicts
//! integrates the effects out: it is right on an item with probability `E[σ(a + b·δ + λz + μw)]`,
//! and two workers are both right with the integrals of [`super::latent::both_right`] (one (z, w)
//! when they share a model, z alone otherwise).

use super::fit::sigmoid;
use super::latent::{self, Answers, Obs};
use super::plan::{Plan, Probe};
use super::profile::{Answer, Loadings, ProfileFit};
use crate::llm::Profile;

/// Refits the curves of `fits` (the plan's profiles, with their `answered[profile][item]
/// [replica]`) jointly with the latent effects, in place.
pub fn apply(
    plan: &Plan,
    answered: &[Vec<Vec<Answer>>],
    fits: &mut [ProfileFit],
    profiles: &[&Profile],
) -> Result<(), String> {
    let mut prompts: Vec<&str> = Vec::new();
    let item_of: Vec<usize> = plan
        .probes
        .iter()
        .map(|p| {
            prompts
                .iter()
                .position(|q| *q == p.item.prompt)
                .unwrap_or_else(|| {
                    prompts.push(&p.item.prompt);
                    prompts.len() - 1
                })
        })
        .collect();
    let mut models: Vec<&str> = Vec::new();
    let mut data = Vec::new();
    for (i, f) in fits.iter().enumerate() {
        let model = profiles[i].model.as_str();
        let m = models.iter().position(|x| *x == model).unwrap_or_else(|| {
            models.push(model);
            models.len() - 1
        });
        data.push(Answers {
            model: m,
            sources: f.sources.len(),
            slope: f.curve.b.lo.is_finite(),
            obs: observations(plan, &answered[i], f, &item_of),
        });
    }
    // A source the profile always (never) got right has an infinite intercept alone; the latent
    // fit's prior on intercepts keeps it finite, so it starts a prior's width out.
    let finite = |a: f64| {
        if a.is_finite() {
            a
        } else {
            latent::INTERCEPT_SD.copysign(a)
        }
    };
    let start: Vec<(Vec<f64>, f64)> = fits
        .iter()
        .map(|f| {
            let a = f.curve.a.iter().map(|e| finite(e.value)).collect();
            (a, f.curve.b.value)
        })
        .collect();
    let fitted = latent::fit(&data, prompts.len(), &start)?;
    for ((f, l), p) in fits.iter_mut().zip(fitted.profiles).zip(&data) {
        f.curve.a = l.a;
        f.curve.b = l.b;
        f.skill = f.curve.a.iter().map(super::profile::skill_of).collect();
        f.slope = super::profile::slope_of(&f.curve);
        f.loadings = Some(Loadings {
            model: models[p.model].to_string(),
            model_index: p.model,
            item_loading: l.item_loading,
            model_loading: l.model_loading,
        });
        f.curve.log_likelihood = marginal_log_likelihood(f, &p.obs);
        let predicted: Vec<f64> = f
            .bins
            .iter()
            .map(|bin| {
                let inside: Vec<&Obs> = p
                    .obs
                    .iter()
                    .filter(|o| o.delta >= bin.lo - 1e-9 && o.delta <= bin.hi + 1e-9)
                    .collect();
                let total: f64 = inside.iter().map(|o| right_at(f, o.source, o.delta)).sum();
                total / inside.len().max(1) as f64
            })
            .collect();
        for (bin, v) in f.bins.iter_mut().zip(predicted) {
            bin.logistic = v;
        }
    }
    Ok(())
}

/// A profile's observations, one per distinct request, on the fit's items.
fn observations(
    plan: &Plan,
    answered: &[Vec<Answer>],
    f: &ProfileFit,
    item_of: &[usize],
) -> Vec<Obs> {
    let mut seen = std::collections::BTreeSet::new();
    let mut out = Vec::new();
    for (j, (probe, row)) in plan.probes.iter().zip(answered).enumerate() {
        let Some(source) = f.sources.iter().position(|&s| s == probe.source) else {
            continue;
        };
        for a in row {
            if seen.insert(a.key.as_str()) {
                out.push(Obs {
                    item: item_of[j],
                    source,
                    delta: probe.item.difficulty,
                    right: a.right,
                });
            }
        }
    }
    out
}

/// The log-likelihood of a profile's own answers under its calibrated worker taken alone (each
/// answer right with the marginal probability).
fn marginal_log_likelihood(f: &ProfileFit, obs: &[Obs]) -> f64 {
    obs.iter()
        .map(|o| {
            let p = right_at(f, o.source, o.delta).clamp(1e-12, 1.0 - 1e-12);
            if o.right { p.ln() } else { (1.0 - p).ln() }
        })
        .sum()
}

fn right_at(f: &ProfileFit, source: usize, delta: f64) -> f64 {
    let eta = f.curve.a[source].value + f.curve.b.value * delta;
    match &f.loadings {
        Some(l) => latent::right(eta, l.pair()),
        None => sigmoid(eta),
    }
}

/// The log-odds of a fitted profile on a probe without the latent effects (its mean accuracy's on
/// a source it never answered).
fn eta(f: &ProfileFit, probe: &Probe) -> f64 {
    match f.sources.iter().position(|&s| s == probe.source) {
        Some(g) => f.curve.a[g].value + f.curve.b.value * probe.item.difficulty,
        None => {
            let p = f.accuracy.value.clamp(1e-9, 1.0 - 1e-9);
            (p / (1.0 - p)).ln()
        }
    }
}

/// The probability that a calibrated worker of `f` is right on `probe`, its effects integrated
/// out.
pub fn right(f: &ProfileFit, probe: &Probe) -> f64 {
    match &f.loadings {
        Some(l) => latent::right(eta(f, probe), l.pair()),
        None => sigmoid(eta(f, probe)),
    }
}

/// The probability that calibrated workers of `fa` and `fb` (independent answers: no shared
/// reply) are both right on `probe`.
pub fn both_right(fa: &ProfileFit, fb: &ProfileFit, probe: &Probe) -> f64 {
    match (&fa.loadings, &fb.loadings) {
        (Some(la), Some(lb)) => latent::both_right(
            eta(fa, probe),
            la.pair(),
            eta(fb, probe),
            lb.pair(),
            la.model_index == lb.model_index,
        ),
        _ => right(fa, probe) * right(fb, probe),
    }
}

/// The correlation of two workers' correctness over `probes` from their per-item probabilities
/// of being right (`pa`, `pb`) and of both being right (`pab`).
pub fn correlation(pa: &[f64], pb: &[f64], pab: &[f64]) -> f64 {
    let n = pa.len() as f64;
    let (ma, mb) = (pa.iter().sum::<f64>() / n, pb.iter().sum::<f64>() / n);
    let m11 = pab.iter().sum::<f64>() / n;
    (m11 - ma * mb) / (ma * (1.0 - ma) * mb * (1.0 - mb)).sqrt()
}
