//! The simulated worker fitted to one profile's answers, and how well it fits.
//!
//! From a profile's replies to the plan's items ([`super::plan`]):
//!
//! - the accuracy curve `P(right | source d, δ) = σ(a_d + b·δ)` ([`fit::grouped_logistic`]:
//!   one intercept per source, a common slope), which is the simulated worker of skill
//!   `s_d = σ(a_d)` in domain d and accuracy curve `logistic(−b)`; fitted on one observation per
//!   distinct request (replicas that send the same request are one call and one answer);
//! - the independent-error worker of today's model with the same mean accuracy per source:
//!   linear curve, skill `s_d = accuracy_d / mean(1 − δ)_d` (capped at 1), ρ = 0;
//! - the shared-answer probability κ and the lure probability ρ of every profile, jointly
//!   ([`super::moments`]), from how often two workers' correctness agrees and their wrong answers
//!   coincide (an unparseable reply is a wrong answer, and two coincide);
//! - the correlation of the two first replicas' correctness on the same item, observed (phi,
//!   Fisher's interval) and as the calibrated worker predicts it;
//! - accuracy by difficulty, observed (Wilson) against both curves' predictions;
//! - prompt tokens, reply tokens and latency: mean (t interval), median and 90th percentile
//!   (order-statistic intervals), and the mean token cost of an answer.

use super::fit::{self, Estimate, GroupedLogistic};
use super::plan::{Plan, Probe};
use crate::bank::parse::parse;
use crate::llm::{Profile, Reply};

/// One answer of a profile to an item.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    /// The parsed, canonical answer (`None`: unparseable).
    pub answer: Option<String>,
    /// Whether it is the item's true answer.
    pub right: bool,
    /// The reply.
    pub reply: Reply,
    /// The request's key.
    pub key: String,
}

/// A distribution's mean, median and 90th percentile, each with its interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spread {
    /// Mean (t interval).
    pub mean: Estimate,
    /// Median.
    pub p50: Estimate,
    /// 90th percentile.
    pub p90: Estimate,
}

impl Spread {
    fn of(xs: &[f64]) -> Spread {
        Spread {
            mean: fit::mean(xs),
            p50: fit::quantile(xs, 0.5),
            p90: fit::quantile(xs, 0.9),
        }
    }
}

/// Observed accuracy at one level (or range) of difficulty, and what the curves predict.
#[derive(Debug, Clone, PartialEq)]
pub struct Bin {
    /// Lowest difficulty in the bin.
    pub lo: f64,
    /// Highest.
    pub hi: f64,
    /// Observed share right (Wilson).
    pub observed: Estimate,
    /// Observations.
    pub n: usize,
    /// Mean fitted probability, logistic curve.
    pub logistic: f64,
    /// Mean fitted probability, independent linear worker.
    pub linear: f64,
}

/// A profile's latent item effects.
#[derive(Debug, Clone, PartialEq)]
pub struct Loadings {
    /// Its model (the request's `model`).
    pub model: String,
    /// The index of its model among the calibrated profiles' models.
    pub model_index: usize,
    /// λ.
    pub item_loading: Estimate,
    /// μ.
    pub model_loading: Estimate,
}

impl Loadings {
    pub(super) fn pair(&self) -> (f64, f64) {
        (self.item_loading.value, self.model_loading.value)
    }
}

/// The fit of one profile.
#[derive(Debug, Clone, PartialEq)]
pub struct ProfileFit {
    /// The profile's name.
    pub profile: String,
    /// Observations of the curve (distinct requests).
    pub answers: usize,
    /// Share right.
    pub accuracy: Estimate,
    /// Share unparseable.
    pub unparseable: Estimate,
    /// The sources answered, in order; `curve.a[i]` is source `sources[i]`'s intercept.
    pub sources: Vec<u16>,
    /// The accuracy curve.
    pub curve: GroupedLogistic,
    /// Skill σ(a_d) per source, with the interval mapped from a_d's.
    pub skill: Vec<Estimate>,
    /// The curve's slope −b (log-odds lost per unit of difficulty).
    pub slope: Estimate,
    /// The independent worker's skill per source.
    pub linear_skill: Vec<f64>,
    /// The independent worker's log-likelihood.
    pub linear_log_likelihood: f64,
    /// κ: the probability of giving the group's shared answer.
    pub shared: Estimate,
    /// ρ.
    pub lure: Estimate,
    /// Share of coinciding wrong-answer pairs, with its pairs.
    pub coincidence: (Estimate, usize),
    /// Correlation of the two first replicas' correctness (NaN with one replica), and its pairs.
    pub correlation: (Estimate, usize),
    /// The correlation the calibrated worker predicts (with its κ).
    pub correlation_predicted: f64,
    /// The correlation today's independent worker predicts.
    pub correlation_independent: f64,
    /// The fitted p of each item with a pair of replicas (for the prediction).
    pub pair_p: Vec<f64>,
    /// Accuracy by difficulty.
    pub bins: Vec<Bin>,
    /// Prompt tokens per answer.
    pub prompt_tokens: Spread,
    /// Reply tokens per answer.
    pub completion_tokens: Spread,
    /// Latency per call, milliseconds.
    pub latency_ms: Spread,
    /// Mean token cost of an answer, at the profile's prices.
    pub token_cost: f64,
    /// The latent item effects, when fitted (`--latent`; the curve is then the joint fit's).
    pub loadings: Option<Loadings>,
}

/// The answers of the `i`-th profile asked: `[item][replica]`.
pub fn answers(plan: &Plan, replies: &[Reply], i: usize) -> Vec<Vec<Answer>> {
    plan.probes
        .iter()
        .enumerate()
        .map(|(j, probe)| {
            (0..plan.replicas)
                .map(|r| {
                    let at = plan.index(i, j, r);
                    let reply = replies[at].clone();
                    let item = &probe.item;
                    let answer = parse(&item.format, &item.options, &reply.text);
                    Answer {
                        right: answer.as_deref() == Some(item.answer.as_str()),
                        answer,
                        reply,
                        key: plan.calls[at].request.key(),
                    }
                })
                .collect()
        })
        .collect()
}

/// Fits the `i`-th profile asked (`profile`) on its answers; `k` is `tasks.answers`.
pub fn fit_profile(
    plan: &Plan,
    answers: &[Vec<Answer>],
    profile: &Profile,
    k: u32,
) -> Result<ProfileFit, String> {
    let obs = observations(plan, answers);
    let sources: Vec<u16> = {
        let mut s: Vec<u16> = obs.iter().map(|o| o.0).collect();
        s.sort_unstable();
        s.dedup();
        s
    };
    let group = |src: u16| sources.iter().position(|&s| s == src).unwrap_or(0);
    let groups: Vec<usize> = obs.iter().map(|o| group(o.0)).collect();
    let xs: Vec<f64> = obs.iter().map(|o| o.1).collect();
    let ys: Vec<bool> = obs.iter().map(|o| o.2.right).collect();
    let curve = fit::grouped_logistic(&groups, &xs, &ys)
        .map_err(|e| format!("profile `{}`: {e}; ask more items (--items)", profile.name))?;
    let (linear_skill, linear_log_likelihood) = linear(&groups, &xs, &ys, sources.len());
    let p_of = |src: u16, d: f64| curve.p(group(src), d);
    let coincidence = within_coincidence(plan, answers, k);
    let lin_of = |src: u16, d: f64| linear_skill[group(src)] * (1.0 - d);
    let (correlation, pair_p) = within(plan, answers, &p_of);
    let (_, pair_lin) = within(plan, answers, &lin_of);
    let all: Vec<&Answer> = obs.iter().map(|o| o.2).collect();
    let f = |g: fn(&Reply) -> f64| Spread::of(&all.iter().map(|a| g(&a.reply)).collect::<Vec<_>>());
    Ok(ProfileFit {
        profile: profile.name.clone(),
        answers: obs.len(),
        accuracy: fit::proportion(ys.iter().filter(|&&y| y).count(), ys.len()),
        unparseable: fit::proportion(all.iter().filter(|a| a.answer.is_none()).count(), all.len()),
        skill: curve.a.iter().map(skill_of).collect(),
        slope: slope_of(&curve),
        bins: bins(&groups, &xs, &ys, &curve, &linear_skill),
        sources,
        curve,
        linear_skill,
        linear_log_likelihood,
        shared: unknown(),
        lure: unknown(),
        coincidence,
        correlation,
        correlation_predicted: f64::NAN,
        correlation_independent: if pair_lin.is_empty() {
            f64::NAN
        } else {
            fit::predicted_correlation(&pair_lin, &pair_lin)
        },
        pair_p,
        prompt_tokens: f(|r| r.prompt_tokens as f64),
        completion_tokens: f(|r| r.completion_tokens as f64),
        latency_ms: f(|r| r.latency_ms),
        token_cost: all.iter().map(|a| profile.cost(&a.reply)).sum::<f64>()
            / all.len().max(1) as f64,
        loadings: None,
    })
}

/// The skill σ(a) of an intercept, its interval mapped through σ.
pub(super) fn skill_of(a: &Estimate) -> Estimate {
    Estimate {
        value: fit::sigmoid(a.value),
        lo: fit::sigmoid(a.lo),
        hi: fit::sigmoid(a.hi),
    }
}

/// The accuracy curve's slope −b (`+ 0.0`: a slope of 0 is written 0, not −0).
pub(super) fn slope_of(curve: &GroupedLogistic) -> Estimate {
    Estimate {
        value: -curve.b.value + 0.0,
        lo: -curve.b.hi,
        hi: -curve.b.lo,
    }
}

/// One observation per distinct request (an item drawn twice, or replicas that send one
/// request, are one call and one answer): (source, δ, answer).
fn observations<'a>(plan: &Plan, answers: &'a [Vec<Answer>]) -> Vec<(u16, f64, &'a Answer)> {
    let mut seen = std::collections::BTreeSet::new();
    let mut out = Vec::new();
    for (probe, row) in plan.probes.iter().zip(answers) {
        for a in row {
            if seen.insert(a.key.as_str()) {
                out.push((probe.source, probe.item.difficulty, a));
            }
        }
    }
    out
}

/// The items whose first two replicas' pair of calls has not been seen on an earlier item (an
/// item drawn twice is one observation of the pair), with their answers.
pub(super) fn first_pairs<'a>(
    plan: &'a Plan,
    answers: &'a [Vec<Answer>],
) -> Vec<(&'a Probe, &'a Answer, &'a Answer)> {
    let mut seen = std::collections::BTreeSet::new();
    plan.probes
        .iter()
        .zip(answers)
        .filter_map(|(probe, row)| match row.as_slice() {
            [a, b, ..] if seen.insert((a.key.as_str(), b.key.as_str())) => Some((probe, a, b)),
            _ => None,
        })
        .collect()
}

/// The independent worker: skill per group `accuracy / mean(1 − δ)` (capped at 1), and its
/// log-likelihood.
fn linear(groups: &[usize], xs: &[f64], ys: &[bool], g: usize) -> (Vec<f64>, f64) {
    let skill: Vec<f64> = (0..g)
        .map(|k| {
            let idx: Vec<usize> = (0..xs.len()).filter(|&i| groups[i] == k).collect();
            let hits = idx.iter().filter(|&&i| ys[i]).count() as f64;
            let room: f64 = idx.iter().map(|&i| 1.0 - xs[i]).sum();
            (hits / room).min(1.0)
        })
        .collect();
    let ll = (0..xs.len())
        .map(|i| {
            let p = (skill[groups[i]] * (1.0 - xs[i])).clamp(1e-12, 1.0 - 1e-12);
            if ys[i] { p.ln() } else { (1.0 - p).ln() }
        })
        .sum();
    (skill, ll)
}

/// The share of the two first replicas' wrong-answer pairs that coincide (items of K < 3 left
/// out), with its pairs.
fn within_coincidence(plan: &Plan, answers: &[Vec<Answer>], k: u32) -> (Estimate, usize) {
    let (mut same, mut n) = (0usize, 0usize);
    for (probe, a, b) in first_pairs(plan, answers) {
        if !a.right && !b.right && probe.item.answers(k) >= 3 {
            same += usize::from(a.answer == b.answer);
            n += 1;
        }
    }
    (fit::proportion(same, n), n)
}

fn unknown() -> Estimate {
    Estimate {
        value: f64::NAN,
        lo: f64::NAN,
        hi: f64::NAN,
    }
}

/// The two first replicas' correlation of correctness, and `p` of each item they answered.
fn within(
    plan: &Plan,
    answers: &[Vec<Answer>],
    p: &dyn Fn(u16, f64) -> f64,
) -> ((Estimate, usize), Vec<f64>) {
    let firsts = first_pairs(plan, answers);
    let pairs: Vec<(bool, bool)> = firsts.iter().map(|(_, a, b)| (a.right, b.right)).collect();
    let ps: Vec<f64> = firsts
        .iter()
        .map(|(pr, _, _)| p(pr.source, pr.item.difficulty))
        .collect();
    ((fit::correlation(&pairs), pairs.len()), ps)
}

/// Accuracy by difficulty: each distinct δ when there are at most 8, else 5 bins of equal count.
fn bins(
    groups: &[usize],
    xs: &[f64],
    ys: &[bool],
    curve: &GroupedLogistic,
    linear_skill: &[f64],
) -> Vec<Bin> {
    let mut order: Vec<usize> = (0..xs.len()).collect();
    order.sort_by(|&i, &j| xs[i].total_cmp(&xs[j]));
    let mut levels: Vec<f64> = order.iter().map(|&i| xs[i]).collect();
    levels.dedup_by(|a, b| (*a - *b).abs() < 1e-9);
    let chunks: Vec<Vec<usize>> = if levels.len() <= 8 {
        levels
            .iter()
            .map(|l| {
                order
                    .iter()
                    .copied()
                    .filter(|&i| (xs[i] - l).abs() < 1e-9)
                    .collect()
            })
            .collect()
    } else {
        let size = order.len().div_ceil(5);
        order.chunks(size).map(<[usize]>::to_vec).collect()
    };
    chunks
        .into_iter()
        .map(|idx| {
            let n = idx.len();
            let mean = |f: &dyn Fn(usize) -> f64| idx.iter().map(|&i| f(i)).sum::<f64>() / n as f64;
            Bin {
                lo: xs[idx[0]],
                hi: xs[idx[n - 1]],
                observed: fit::proportion(idx.iter().filter(|&&i| ys[i]).count(), n),
                n,
                logistic: mean(&|i| curve.p(groups[i], xs[i])),
                linear: mean(&|i| linear_skill[groups[i]] * (1.0 - xs[i])),
            }
        })
        .collect()
}

/// The probability that wrong answers of lures ρ₁ and ρ₂ over K answers coincide.
pub fn cross_coincidence(r1: f64, r2: f64, k: u32) -> f64 {
    let (u1, u2) = ((1.0 - r1) / f64::from(k - 1), (1.0 - r2) / f64::from(k - 1));
    (r1 + u1) * (r2 + u2) + f64::from(k - 2) * u1 * u2
}
