//! Speed and accuracy of the sensitivity indices at large N: the Ishigami function (a = 7,
//! b = 0.1, x_i ~ U(−π, π)) through a Saltelli design of N = 4,096 and 65,536 base samples
//! (N (k + 2) = 20,480 and 327,680 points), analysed with 1,000 bootstrap resamples.
//!
//! - `sobol_points/N`: drawing the design's points and mapping them onto the ranges;
//! - `sobol_indices/N`: S1 and ST of the 3 factors with their intervals, from the outputs;
//! - `morris_indices/r`: μ*, μ and σ of a linear model of 5 factors over r = 1,000 and 10,000
//!   trajectories (6,000 and 60,000 points).
//!
//! Before timing, each size prints its estimates and intervals beside the known values (Ishigami:
//! S1 = 0.3139, 0.4424, 0; ST = 0.5576, 0.4424, 0.2437; the linear model: μ* = |c_i|, σ = 0),
//! so a run shows how the intervals narrow.

use std::f64::consts::PI;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use lamas::design::{Design, Factor, Kind, Range};
use lamas::sensitivity::analyse;

fn ishigami_design(n: usize) -> Design {
    design(Kind::Sobol, n, 3, &format!("uniform({}, {})", -PI, PI))
}

fn design(kind: Kind, n: usize, k: usize, range: &str) -> Design {
    let range = Range::parse(range).expect("a valid range");
    Design {
        kind,
        factors: (1..=k)
            .map(|i| Factor {
                key: format!("x{i}"),
                range: Some(range.clone()),
            })
            .collect(),
        samples: n,
        levels: 4,
        bootstrap: 1000,
        seed: 2024,
        file: None,
    }
}

fn outputs(d: &Design, f: impl Fn(&[f64]) -> f64) -> Vec<Option<f64>> {
    d.values()
        .iter()
        .map(|cell| {
            let x: Vec<f64> = cell.iter().map(|v| v.as_f64().unwrap_or(0.0)).collect();
            Some(f(&x))
        })
        .collect()
}

fn ishigami(x: &[f64]) -> f64 {
    x[0].sin() + 7.0 * x[1].sin().powi(2) + 0.1 * x[2].powi(4) * x[0].sin()
}

fn sobol(c: &mut Criterion) {
    let known = [
        ("S1", [0.3139, 0.4424, 0.0]),
        ("ST", [0.5576, 0.4424, 0.2437]),
    ];
    let mut g = c.benchmark_group("sobol_points");
    g.sample_size(10);
    for n in [4096usize, 65_536] {
        let d = ishigami_design(n);
        g.bench_with_input(BenchmarkId::from_parameter(n), &d, |b, d| {
            b.iter(|| d.values())
        });
    }
    g.finish();
    let mut g = c.benchmark_group("sobol_indices");
    g.sample_size(10);
    for n in [4096usize, 65_536] {
        let d = ishigami_design(n);
        let y = outputs(&d, ishigami);
        for e in analyse(&d, &[("ishigami", &y)]) {
            let i: usize = e.parameter[1..].parse().unwrap_or(1) - 1;
            let want = known
                .iter()
                .find(|(k, _)| *k == e.index)
                .map_or(f64::NAN, |k| k.1[i]);
            eprintln!(
                "N = {n}: {} of {} = {:.4} [{:.4}, {:.4}], known {want}",
                e.index, e.parameter, e.estimate, e.low, e.high
            );
        }
        g.bench_with_input(BenchmarkId::from_parameter(n), &d, |b, d| {
            b.iter(|| analyse(d, &[("ishigami", &y)]))
        });
    }
    g.finish();
}

fn morris(c: &mut Criterion) {
    let coefficients = [3.0, -5.0, 0.5, 0.0, 1.5];
    let mut g = c.benchmark_group("morris_indices");
    g.sample_size(10);
    for r in [1000usize, 10_000] {
        let d = design(Kind::Morris, r, 5, "uniform(0, 1)");
        let y = outputs(&d, |x| {
            x.iter().zip(&coefficients).map(|(a, b)| a * b).sum()
        });
        for e in analyse(&d, &[("linear", &y)])
            .iter()
            .filter(|e| e.index != "mu")
        {
            eprintln!(
                "r = {r}: {} of {} = {:.4} [{:.4}, {:.4}]",
                e.index, e.parameter, e.estimate, e.low, e.high
            );
        }
        g.bench_with_input(BenchmarkId::from_parameter(r), &d, |b, d| {
            b.iter(|| analyse(d, &[("linear", &y)]))
        });
    }
    g.finish();
}

criterion_group!(benches, sobol, morris);
criterion_main!(benches);
