//! Tests of the latent fit: the quadrature against a fine trapezoid rule, and known loadings
//! recovered from answers simulated from the model within their intervals.

use super::*;
use crate::dist::unit;

#[test]
fn the_quadrature_integrates_a_logistic_against_a_normal() {
    // E[σ(a + λ z)] by a fine trapezoid rule against the 21 nodes.
    for (a, l) in [(0.3, 1.0), (-1.0, 2.0), (2.0, 0.5)] {
        let fine: f64 = (0..=20_000)
            .map(|i| {
                let z = -10.0 + i as f64 * 1e-3;
                let w = if i == 0 || i == 20_000 { 0.5 } else { 1.0 };
                w * sigmoid(a + l * z) * (-z * z / 2.0).exp()
            })
            .sum::<f64>()
            * 1e-3
            / (2.0 * std::f64::consts::PI).sqrt();
        assert!((right(a, (l, 0.0)) - fine).abs() < 1e-5, "{a} {l}");
        assert!((right(a, (0.0, l)) - fine).abs() < 1e-5, "{a} {l}");
    }
    // Without loadings, both right is the product.
    let p = (sigmoid(0.4), sigmoid(-0.2));
    assert!((both_right(0.4, (0.0, 0.0), -0.2, (0.0, 0.0), true) - p.0 * p.1).abs() < 1e-12);
}

/// Answers of six profiles to `n` items drawn from the model: profiles 2m and 2m + 1 of
/// model m (three models), with the models' loadings `l` and `m`; one source, no slope.
fn simulated(n: usize, a: &[f64], l: &[f64], m: &[f64], seed: u64) -> Vec<Answers> {
    let mut rng = crate::rng::stream(seed, "test");
    let normal = |rng: &mut crate::rng::SimRng| -> f64 {
        rand_distr::Distribution::sample(&rand_distr::StandardNormal, rng)
    };
    let mut out: Vec<Answers> = (0..a.len())
        .map(|g| Answers {
            model: g / 2,
            sources: 1,
            slope: false,
            obs: Vec::new(),
        })
        .collect();
    for item in 0..n {
        let z = normal(&mut rng);
        let w = [normal(&mut rng), normal(&mut rng), normal(&mut rng)];
        for g in 0..a.len() {
            let t = a[g] + l[g / 2] * z + m[g / 2] * w[g / 2];
            let right = unit(&mut rng) < sigmoid(t);
            out[g].obs.push(Obs {
                item,
                source: 0,
                delta: 0.0,
                right,
            });
        }
    }
    out
}

#[test]
fn known_loadings_are_recovered_within_their_intervals() {
    let a = [0.5, 0.0, 1.0, -0.5, 0.8, 0.2];
    let l = [1.2, 0.6, 1.0];
    let m = [1.0, 1.4, 0.7];
    let data = simulated(1500, &a, &l, &m, 7);
    let start = vec![(vec![0.0], 0.0); 6];
    let f = fit(&data, 1500, &start).unwrap();
    for g in 0..6 {
        let p = &f.profiles[g];
        let check = |what: &str, e: &Estimate, truth: f64| {
            let se = (e.hi - e.value) / 1.96;
            assert!(se.is_finite() && se < 1.0, "{what}[{g}]: {e:?}");
            assert!(
                (e.value - truth).abs() < 3.0 * se,
                "{what}[{g}] = {e:?}, truth {truth}"
            );
        };
        check("a", &p.a[0], a[g]);
        check("λ", &p.item_loading, l[g / 2]);
        check("μ", &p.model_loading, m[g / 2]);
    }
}
