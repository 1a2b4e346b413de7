//! Speed of reading bad input: linear in its size, however it is bad (issue 16).
//!
//! - `bad_elements/n`: a scenario whose `bank.families` lists n unknown names, validated and
//!   its report rendered as `lamas validate` prints it (at most 20 problems are shown, so the
//!   time is the parse and the check of n elements). Throughput in elements.
//! - `far_column/n`: a scenario with one problem n characters along its line, rendered with a
//!   window of the line. Throughput in bytes.
//! - `game_players/n`: a weighted voting game file of n players parsed and validated (every name
//!   checked against the others), then every default mechanism's cost estimated. Throughput in
//!   players.

use std::path::Path;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use lamas::credit::{MechanismKind, Needs};

fn rendered(text: &str) -> usize {
    let e = lamas::scenario::from_str(text, Path::new("bench.toml"), &[])
        .expect_err("the input is bad");
    lamas::command::render(&e).len()
}

fn bad_elements(c: &mut Criterion) {
    let mut g = c.benchmark_group("bad_elements");
    g.sample_size(10);
    for n in [300usize, 3_000, 30_000] {
        let names = vec!["\"nope\""; n].join(", ");
        let text = format!(
            "[tasks]\ndomains = 4\n[bank]\nfamilies = [{names}]\n[[population]]\nname = \"a\"\ncount = 2\n"
        );
        g.throughput(Throughput::Elements(n as u64));
        g.bench_with_input(BenchmarkId::from_parameter(n), &text, |b, t| {
            b.iter(|| rendered(t))
        });
    }
    g.finish();
}

fn far_column(c: &mut Criterion) {
    let mut g = c.benchmark_group("far_column");
    g.sample_size(10);
    for n in [70_000usize, 700_000, 7_000_000] {
        let text = format!(
            "[[population]]\nname = \"a\"\n{}count = -3\n",
            " ".repeat(n)
        );
        g.throughput(Throughput::Bytes(n as u64));
        g.bench_with_input(BenchmarkId::from_parameter(n), &text, |b, t| {
            b.iter(|| rendered(t))
        });
    }
    g.finish();
}

fn game_players(c: &mut Criterion) {
    let mut g = c.benchmark_group("game_players");
    g.sample_size(10);
    let dir = tempfile::tempdir().unwrap();
    for n in [1_000usize, 10_000, 100_000] {
        let names: Vec<String> = (0..n).map(|i| format!("\"p{i}\"")).collect();
        let text = format!(
            "kind = \"weighted_voting\"\nplayers = [{}]\nweights = [{}]\nquota = {}\n",
            names.join(", "),
            vec!["1"; n].join(", "),
            n / 2 + 1
        );
        let path = dir.path().join(format!("g{n}.toml"));
        std::fs::write(&path, text).unwrap();
        g.throughput(Throughput::Elements(n as u64));
        g.bench_with_input(BenchmarkId::from_parameter(n), &path, |b, p| {
            b.iter(|| {
                let loaded = lamas::gamefile::load(p).expect("a valid game");
                MechanismKind::all()
                    .iter()
                    .filter(|k| k.mechanism().needs() == Needs::Game)
                    .map(|k| k.mechanism().cost(loaded.game.as_ref()).steps)
                    .sum::<f64>()
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bad_elements, far_column, game_players);
criterion_main!(benches);
