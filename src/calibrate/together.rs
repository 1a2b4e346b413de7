//! Every profile of a plan fitted together: each one's curve alone ([`super::profile`]), then,
//! with `--latent`, all curves jointly with the item effects they share ([`super::joint`]), κ and
//! ρ of all of them jointly ([`super::moments`]), and every pair's correlation of correctness
//! and coincidence of wrong answers, observed and as the calibrated workers predict them.

use super::fit::{self, Estimate};
use super::plan::{Plan, Probe};
use super::profile::{Answer, ProfileFit, cross_coincidence, first_pairs, fit_profile};
use crate::llm::Profile;

/// Fits every profile of the plan on its answers (`answered[i]` for the plan's i-th profile,
/// `profiles` the scenario's), with `latent` their curves jointly with the latent item effects
/// ([`super::joint`]), then κ and ρ of all of them jointly ([`super::moments`], seeded by `seed`),
/// and pairs them.
pub fn fit_all(
    plan: &Plan,
    answered: &[Vec<Vec<Answer>>],
    profiles: &[Profile],
    (k, seed, latent): (u32, u64, bool),
) -> Result<(Vec<ProfileFit>, Vec<Pairing>), String> {
    let mut fits = Vec::new();
    for (i, &p) in plan.profiles.iter().enumerate() {
        fits.push(fit_profile(plan, &answered[i], &profiles[p], k)?);
    }
    if latent {
        let asked: Vec<&Profile> = plan.profiles.iter().map(|&p| &profiles[p]).collect();
        super::joint::apply(plan, answered, &mut fits, &asked)?;
    }
    let p_at = |i: usize, j: usize| p_of(&fits[i], &plan.probes[j]);
    let pp_at = |i: usize, j: usize| {
        let probe = &plan.probes[j];
        super::joint::both_right(&fits[i], &fits[i], probe)
    };
    let pp: Option<&dyn Fn(usize, usize) -> f64> = if latent { Some(&pp_at) } else { None };
    let rows = super::moments::rows(plan, answered, k, &p_at, pp);
    let (kappas, rhos) = super::moments::estimate(&rows, fits.len(), seed);
    for (i, (kappa, rho)) in kappas.into_iter().zip(rhos).enumerate() {
        let f = &mut fits[i];
        f.shared = kappa;
        f.lure = rho;
        f.correlation_predicted = if f.pair_p.is_empty() || !kappa.value.is_finite() {
            f64::NAN
        } else if f.loadings.is_some() {
            within_latent(plan, &answered[i], f, kappa.value)
        } else {
            fit::predicted_correlation_shared(&f.pair_p, kappa.value)
        };
    }
    let mut pairings = Vec::new();
    for i in 0..fits.len() {
        for j in i + 1..fits.len() {
            pairings.push(pairing(
                plan,
                (&fits[i], &answered[i]),
                (&fits[j], &answered[j]),
                k,
            ));
        }
    }
    Ok((fits, pairings))
}

/// The correlation of two replicas' correctness that a calibrated worker with latent effects
/// predicts on the items of its replica pairs: both right with probability
/// `κ² p + (1 − κ²) E[p²]` (a shared reply, or two answers that share the item's effects).
fn within_latent(plan: &Plan, answers: &[Vec<Answer>], f: &ProfileFit, kappa: f64) -> f64 {
    let probes: Vec<&Probe> = first_pairs(plan, answers)
        .into_iter()
        .map(|t| t.0)
        .collect();
    let p: Vec<f64> = probes.iter().map(|pr| super::joint::right(f, pr)).collect();
    let k2 = kappa * kappa;
    let both: Vec<f64> = probes
        .iter()
        .zip(&p)
        .map(|(pr, &pi)| k2 * pi + (1.0 - k2) * super::joint::both_right(f, f, pr))
        .collect();
    super::joint::correlation(&p, &p, &both)
}

/// A fitted profile's probability of being right on a probe (its mean accuracy on a source it
/// never answered); with latent effects, integrated over them.
fn p_of(f: &ProfileFit, probe: &Probe) -> f64 {
    if f.loadings.is_some() {
        return super::joint::right(f, probe);
    }
    f.sources
        .iter()
        .position(|&s| s == probe.source)
        .map_or(f.accuracy.value, |g| f.curve.p(g, probe.item.difficulty))
}

/// Two profiles on the same items: their first replicas' correlation of correctness and how
/// often their wrong answers coincide, each observed and as the fitted simulated workers predict
/// it (the lure is one wrong answer per item for every group, so two wrong answers coincide with
/// probability `(ρ₁ + u₁)(ρ₂ + u₂) + (K − 2)·u₁·u₂`, `u = (1 − ρ)/(K − 1)`).
#[derive(Debug, Clone, PartialEq)]
pub struct Pairing {
    /// The two profiles' names.
    pub profiles: (String, String),
    /// Correlation of correctness, and its pairs (items).
    pub correlation: (Estimate, usize),
    /// As predicted.
    pub correlation_predicted: f64,
    /// Share of coinciding wrong-answer pairs, and its pairs.
    pub coincidence: (Estimate, usize),
    /// As predicted.
    pub coincidence_predicted: f64,
}

/// The pairing of two fitted profiles from their answers.
pub fn pairing(
    plan: &Plan,
    (fa, aa): (&ProfileFit, &[Vec<Answer>]),
    (fb, ab): (&ProfileFit, &[Vec<Answer>]),
    k: u32,
) -> Pairing {
    // One observation per distinct pair of calls (an item drawn twice is asked once).
    let mut seen = std::collections::BTreeSet::new();
    let rows: Vec<(&Probe, &Answer, &Answer)> = plan
        .probes
        .iter()
        .zip(aa.iter().zip(ab))
        .filter(|(_, (x, y))| seen.insert((x[0].key.as_str(), y[0].key.as_str())))
        .map(|(pr, (x, y))| (pr, &x[0], &y[0]))
        .collect();
    let pa: Vec<f64> = rows.iter().map(|r| p_of(fa, r.0)).collect();
    let pb: Vec<f64> = rows.iter().map(|r| p_of(fb, r.0)).collect();
    let pairs: Vec<(bool, bool)> = rows.iter().map(|r| (r.1.right, r.2.right)).collect();
    let (mut same, mut predicted, mut n) = (0usize, 0.0f64, 0usize);
    for (probe, x, y) in &rows {
        let kk = probe.item.answers(k);
        if !x.right && !y.right && kk >= 3 {
            same += usize::from(x.answer == y.answer);
            predicted += cross_coincidence(fa.lure.value, fb.lure.value, kk);
            n += 1;
        }
    }
    let correlation_predicted = if fa.loadings.is_some() && fb.loadings.is_some() {
        let pab: Vec<f64> = rows
            .iter()
            .map(|r| super::joint::both_right(fa, fb, r.0))
            .collect();
        super::joint::correlation(&pa, &pb, &pab)
    } else {
        fit::predicted_correlation(&pa, &pb)
    };
    Pairing {
        profiles: (fa.profile.clone(), fb.profile.clone()),
        correlation: (fit::correlation(&pairs), pairs.len()),
        correlation_predicted,
        coincidence: (fit::proportion(same, n), n),
        coincidence_predicted: predicted / n.max(1) as f64,
    }
}
