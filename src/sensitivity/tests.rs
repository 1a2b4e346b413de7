//! The indices against functions whose indices are known, through the same path as a lamas
//! metric: the design's points mapped onto the factors' ranges (the cells' values), one output
//! per cell, [`super::analyse`].

use std::f64::consts::PI;

use super::{Estimate, analyse};
use crate::design::{Design, Factor, Kind, Range};
use crate::syntax::param::ParamValue;

fn design(kind: Kind, samples: usize, ranges: &[&str]) -> Design {
    Design {
        kind,
        factors: ranges
            .iter()
            .enumerate()
            .map(|(i, r)| Factor {
                key: format!("x{}", i + 1),
                range: Some(Range::parse(r).unwrap()),
            })
            .collect(),
        samples,
        levels: 4,
        bootstrap: 500,
        seed: 2024,
        file: None,
    }
}

/// The outputs of `f` at every cell of `d`.
fn outputs(d: &Design, f: impl Fn(&[f64]) -> f64) -> Vec<Option<f64>> {
    d.values()
        .iter()
        .map(|cell| {
            let x: Vec<f64> = cell
                .iter()
                .map(|v| ParamValue::as_f64(v).unwrap())
                .collect();
            Some(f(&x))
        })
        .collect()
}

fn get<'a>(es: &'a [Estimate], index: &str, param: usize) -> &'a Estimate {
    let key = format!("x{}", param + 1);
    es.iter()
        .find(|e| e.index == index && e.parameter == key)
        .unwrap()
}

/// Each known value lies in its estimate's bootstrap interval, and the estimate is within `tol`.
fn assert_known(es: &[Estimate], index: &str, known: &[f64], tol: f64) {
    for (i, &want) in known.iter().enumerate() {
        let e = get(es, index, i);
        assert!(
            e.low <= want && want <= e.high && (e.estimate - want).abs() < tol,
            "{index} of x{}: known {want}, estimate {} in [{}, {}]",
            i + 1,
            e.estimate,
            e.low,
            e.high
        );
    }
}

#[test]
fn ishigami_indices_are_within_their_intervals() {
    // a = 7, b = 0.1, x_i ~ U(−π, π); N = 2048 (10,240 cells).
    let pi = format!("uniform({}, {})", -PI, PI);
    let d = design(Kind::Sobol, 2048, &[&pi, &pi, &pi]);
    let y = outputs(&d, |x| {
        x[0].sin() + 7.0 * x[1].sin().powi(2) + 0.1 * x[2].powi(4) * x[0].sin()
    });
    let es = analyse(&d, &[("ishigami", &y)]);
    assert_eq!(es.len(), 6);
    assert!(es.iter().all(|e| e.n == 2048));
    assert_known(&es, "S1", &[0.3139, 0.4424, 0.0], 0.05);
    assert_known(&es, "ST", &[0.5576, 0.4424, 0.2437], 0.05);
}

#[test]
fn g_function_indices_are_within_their_intervals() {
    // Sobol's g-function on [0, 1]^8 with a = (0, 1, 4.5, 9, 99, 99, 99, 99):
    // V_i = 1 / (3 (1 + a_i)²), V = Π(1 + V_i) − 1, S1_i = V_i / V,
    // ST_i = V_i Π_{j≠i}(1 + V_j) / V.
    let a = [0.0, 1.0, 4.5, 9.0, 99.0, 99.0, 99.0, 99.0];
    let vi: Vec<f64> = a
        .iter()
        .map(|ai: &f64| 1.0 / (3.0 * (1.0 + ai).powi(2)))
        .collect();
    let v = vi.iter().map(|x| 1.0 + x).product::<f64>() - 1.0;
    let s1: Vec<f64> = vi.iter().map(|x| x / v).collect();
    let st: Vec<f64> = (0..8)
        .map(|i| {
            vi[i]
                * (0..8)
                    .filter(|&j| j != i)
                    .map(|j| 1.0 + vi[j])
                    .product::<f64>()
                / v
        })
        .collect();
    let d = design(Kind::Sobol, 2048, &["uniform(0, 1)"; 8]);
    let y = outputs(&d, |x| {
        x.iter()
            .zip(&a)
            .map(|(xi, ai)| ((4.0 * xi - 2.0).abs() + ai) / (1.0 + ai))
            .product()
    });
    let es = analyse(&d, &[("g", &y)]);
    assert_known(&es, "S1", &s1, 0.05);
    assert_known(&es, "ST", &st, 0.05);
}

#[test]
fn morris_ranks_the_coefficients_of_a_linear_model() {
    // y = Σ c_i x_i with x_i on ranges of width w_i: every elementary effect of x_i is c_i w_i
    // exactly, so μ* = |c_i| w_i, μ = c_i w_i and σ = 0.
    let c = [3.0, -5.0, 0.5, 0.0, 1.5];
    let d = design(
        Kind::Morris,
        10,
        &[
            "uniform(0, 1)",
            "uniform(0, 1)",
            "uniform(0, 2)",
            "uniform(-1, 1)",
            "uniform(10, 11)",
        ],
    );
    let width = [1.0, 1.0, 2.0, 2.0, 1.0];
    let y = outputs(&d, |x| x.iter().zip(&c).map(|(xi, ci)| xi * ci).sum());
    let es = analyse(&d, &[("linear", &y)]);
    for i in 0..5 {
        let want = c[i] * width[i];
        assert!((get(&es, "mu_star", i).estimate - want.abs()).abs() < 1e-9);
        assert!((get(&es, "mu", i).estimate - want).abs() < 1e-9);
        assert!(get(&es, "sigma", i).estimate.abs() < 1e-9);
    }
    let mut order: Vec<usize> = (0..5).collect();
    order.sort_by(|&i, &j| {
        get(&es, "mu_star", j)
            .estimate
            .total_cmp(&get(&es, "mu_star", i).estimate)
    });
    assert_eq!(order, [1, 0, 4, 2, 3]);
}

#[test]
fn rows_with_an_undefined_output_are_left_out() {
    let d = design(Kind::Sobol, 256, &["uniform(0, 1)", "uniform(0, 1)"]);
    let mut y = outputs(&d, |x| x[0] + 2.0 * x[1]);
    y[0] = None; // row 0's A
    y[4 * 3 + 2] = None; // row 3's AB_2... (k + 2 = 4 points per row; row 3 starts at 12)
    let es = analyse(&d, &[("m", &y)]);
    assert!(es.iter().all(|e| e.n == 254));
    // Additive: S1 = ST = (1/12, 4/12) / (5/12).
    assert_known(&es, "S1", &[0.2, 0.8], 0.1);
    assert_known(&es, "ST", &[0.2, 0.8], 0.2);
    let none = analyse(&d, &[("m", &vec![None; y.len()])]);
    assert!(none.iter().all(|e| e.n == 0 && e.estimate.is_nan()));
}

#[test]
fn the_analysis_is_deterministic() {
    let d = design(Kind::Sobol, 64, &["uniform(0, 1)", "int(0, 3)"]);
    let y = outputs(&d, |x| x[0] * x[1]);
    assert_eq!(analyse(&d, &[("m", &y)]), analyse(&d, &[("m", &y)]));
    assert_eq!(analyse(&d, &[("m", &y)]).len(), 4);
    assert!(
        analyse(
            &design(Kind::Lhs, 10, &["uniform(0, 1)"]),
            &[("m", &[Some(1.0); 10])]
        )
        .is_empty()
    );
}
