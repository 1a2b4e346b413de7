//! Tests of the estimators against answers known by hand or by construction: Wilson intervals
//! and ρ inverted from coinciding wrong answers by hand, the logistic fits recovering the
//! parameters of simulated workers, skills of exactly 1 or 0, means, quantiles, correlations.

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
    assert!((predicted_correlation_shared(&p, 0.0) - predicted_correlation(&p, &p)).abs() < 1e-12);
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
