//! Speed of the credit mechanisms.
//!
//! - `shapley_exact/n`: exact Shapley value from a precomputed table of the 2^n coalition
//!   values (the enumeration itself; building the table is the game's cost). Throughput is in
//!   coalition terms, n 2^(n-1), the unit of the reference loop (about 7e8 per second).
//! - `shapley_mc_permutation/n`: one sampled permutation of a weighted voting game (n value
//!   computations of O(n) each), per permutation.
//! - `weighted_voting_dp/n`: exact Shapley-Shubik index of a weighted voting game with weights
//!   1..=10 and a 60% quota, by dynamic programming.
//! - `nucleolus/...`: the nucleolus of the UN Security Council (15 players), of a bankruptcy of
//!   20 claimants (claims 10..200, estate 500) and of the glove market of 10 + 10 players, by
//!   linear programmes with generated constraints.

use criterion::{BatchSize, BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use lamas::credit::games::WeightedVoting;
use lamas::credit::{Facts, Game, Mechanism, Nucleolus, ShapleyMc, TableGame, shapley_from_table};
use lamas::rng::stream;

fn table(n: usize) -> Vec<f64> {
    (0..1u64 << n)
        .map(|m| ((m.wrapping_mul(2654435761) >> 7) % 1000) as f64 / 10.0)
        .collect()
}

fn voting(n: usize) -> WeightedVoting {
    let weights: Vec<f64> = (0..n).map(|i| (i % 10 + 1) as f64).collect();
    let quota = (weights.iter().sum::<f64>() * 0.6).ceil();
    WeightedVoting { weights, quota }
}

fn shapley_exact(c: &mut Criterion) {
    let mut g = c.benchmark_group("shapley_exact");
    g.sample_size(10);
    for n in [10usize, 15, 20, 25] {
        let t = table(n);
        g.throughput(Throughput::Elements((n as u64) << (n - 1)));
        g.bench_with_input(BenchmarkId::from_parameter(n), &n, |b, &n| {
            b.iter_batched(
                || t.clone(),
                |t| shapley_from_table(n, t),
                BatchSize::LargeInput,
            )
        });
    }
    g.finish();
}

fn shapley_mc(c: &mut Criterion) {
    let mut g = c.benchmark_group("shapley_mc_permutation");
    g.sample_size(10);
    for n in [20usize, 100, 1000] {
        let game = voting(n);
        let m = ShapleyMc {
            samples: 10,
            antithetic: false,
        };
        let mut rng = stream(1, "bench");
        g.throughput(Throughput::Elements(10));
        g.bench_with_input(BenchmarkId::from_parameter(n), &n, |b, _| {
            b.iter(|| {
                m.allocate(&game, &Facts::default(), &mut rng)
                    .map(|a| a.shares[0])
            })
        });
    }
    g.finish();
}

fn voting_dp(c: &mut Criterion) {
    let mut g = c.benchmark_group("weighted_voting_dp");
    g.sample_size(10);
    for n in [50usize, 200, 500] {
        let game = voting(n);
        g.bench_with_input(BenchmarkId::from_parameter(n), &n, |b, _| {
            b.iter(|| game.shapley_exact())
        });
    }
    g.finish();
}

fn nucleolus(c: &mut Criterion) {
    let mut g = c.benchmark_group("nucleolus");
    g.sample_size(10);
    let mut council = vec![7.0; 5];
    council.extend([1.0; 10]);
    let claims: Vec<f64> = (1..=20).map(|i| 10.0 * f64::from(i)).collect();
    let games: [(&str, TableGame); 3] = [
        (
            "council15",
            TableGame::from_fn(15, |m| {
                let w: f64 = (0..15)
                    .filter(|i| m >> i & 1 == 1)
                    .map(|i| council[i])
                    .sum();
                f64::from(u8::from(w >= 39.0))
            }),
        ),
        (
            "bankruptcy20",
            TableGame::from_fn(20, |m| {
                let out: f64 = (0..20).filter(|i| m >> i & 1 == 0).map(|i| claims[i]).sum();
                (500.0 - out).max(0.0)
            }),
        ),
        (
            "gloves10+10",
            TableGame::from_fn(20, |m| {
                f64::from((m & 0x3ff).count_ones().min((m >> 10).count_ones()))
            }),
        ),
    ];
    let mut rng = stream(1, "bench");
    for (name, game) in &games {
        g.bench_function(*name, |b| {
            b.iter(|| {
                Nucleolus::default()
                    .allocate(game, &Facts::default(), &mut rng)
                    .map(|a| a.shares[0])
            })
        });
    }
    g.finish();
}

criterion_group!(benches, shapley_exact, shapley_mc, voting_dp, nucleolus);
criterion_main!(benches);
