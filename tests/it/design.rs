//! Designs of experiments through `lamas sweep`: bit-identical tables and indices whatever the
//! threads, shards and resumptions; Morris and file designs; the sensitivity table's shape.

use std::path::PathBuf;

use polars::prelude::*;

use crate::support::{ok, path, read, root};

const SOBOL: &str = "tests/data/experiments/design-sobol.toml";
const MORRIS: &str = "tests/data/experiments/design-morris.toml";
const FILE: &str = "tests/data/experiments/design-file.toml";

fn csv(p: PathBuf) -> DataFrame {
    CsvReadOptions::default()
        .with_has_header(true)
        .try_into_reader_with_file_path(Some(p))
        .unwrap()
        .finish()
        .unwrap()
}

#[test]
fn a_design_is_bit_identical_across_threads_shards_and_resumption() {
    let tmp = tempfile::tempdir().unwrap();
    let (one, two) = (tmp.path().join("one"), tmp.path().join("two"));
    let out = ok(&["sweep", SOBOL, "--jobs", "1", "--out", path(&one)]);
    assert!(out.contains("384 cells × 1 replicates"), "{out}");
    assert!(out.contains("sensitivity.csv"), "{out}");
    ok(&["sweep", SOBOL, "--jobs", "2", "--out", path(&two)]);
    let mut shards = Vec::new();
    for i in 0..3 {
        let dir = tmp.path().join(format!("shard{i}"));
        ok(&[
            "sweep",
            SOBOL,
            "--shard",
            &format!("{i}/3"),
            "--out",
            path(&dir),
        ]);
        shards.push(dir.join("design-sobol").display().to_string());
    }
    let merged = tmp.path().join("merged");
    let mut args = vec!["merge"];
    args.extend(shards.iter().map(String::as_str));
    args.extend(["--out", path(&merged)]);
    ok(&args);
    // Resumption: a sweep that lost a third of its runs (as if killed) runs them again.
    let resumed = tmp.path().join("resumed");
    ok(&["sweep", SOBOL, "--jobs", "2", "--out", path(&resumed)]);
    let runs = resumed.join("design-sobol/runs");
    let mut records: Vec<PathBuf> = std::fs::read_dir(&runs)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with('c'))
        .collect();
    records.sort();
    for p in records.iter().step_by(3) {
        std::fs::remove_file(p).unwrap();
    }
    std::fs::remove_file(resumed.join("design-sobol/sensitivity.csv")).unwrap();
    let out = ok(&["sweep", SOBOL, "--resume", "--out", path(&resumed)]);
    assert!(out.contains("kept)"), "{out}");
    for file in ["runs.parquet", "summary.csv", "sensitivity.csv"] {
        let a = read(one.join("design-sobol").join(file));
        for (other, what) in [
            (&two, "2 threads"),
            (&merged, "merged shards"),
            (&resumed, "resumed"),
        ] {
            assert_eq!(
                a,
                read(other.join("design-sobol").join(file)),
                "{file}: {what}"
            );
        }
    }
    // 3 metrics × 2 indices × 4 factors, each with its interval.
    let s = csv(one.join("design-sobol/sensitivity.csv"));
    assert_eq!(s.height(), 24);
    let names: Vec<String> = s.get_column_names().iter().map(|c| c.to_string()).collect();
    assert_eq!(
        names,
        [
            "metric",
            "parameter",
            "index",
            "estimate",
            "ci95_lo",
            "ci95_hi",
            "n"
        ]
    );
    for metric in ["freerider_payoff_ratio", "task_success_rate", "welfare"] {
        let png = read(one.join(format!("design-sobol/plots/sensitivity-{metric}.png")));
        assert_eq!(&png[1..4], b"PNG");
    }
    // The reward scales welfare: its total index is the largest of welfare's.
    let welfare = s
        .lazy()
        .filter(
            col("metric")
                .eq(lit("welfare"))
                .and(col("index").eq(lit("ST"))),
        )
        .sort(
            ["estimate"],
            SortMultipleOptions::default().with_order_descending(true),
        )
        .collect()
        .unwrap();
    let top = welfare
        .column("parameter")
        .unwrap()
        .str()
        .unwrap()
        .get(0)
        .unwrap()
        .to_string();
    assert_eq!(top, "tasks.reward");
}

#[test]
fn a_morris_design_gives_elementary_effects() {
    let tmp = tempfile::tempdir().unwrap();
    let out = ok(&["sweep", MORRIS, "--out", path(tmp.path())]);
    assert!(out.contains("24 cells × 2 replicates"), "{out}");
    let s = csv(tmp.path().join("design-morris/sensitivity.csv"));
    // 2 metrics × 3 indices × 3 factors, from the 6 trajectories.
    assert_eq!(s.height(), 18);
    let n = s.column("n").unwrap().cast(&DataType::Int64).unwrap();
    assert!(n.i64().unwrap().iter().all(|v| v == Some(6)));
    let index = s.column("index").unwrap().str().unwrap().clone();
    let kinds: Vec<&str> = index.iter().flatten().collect();
    assert!(kinds.contains(&"mu_star") && kinds.contains(&"sigma") && kinds.contains(&"mu"));
    assert!(
        tmp.path()
            .join("design-morris/plots/sensitivity-welfare.svg")
            .exists()
    );
}

#[test]
fn a_file_design_runs_its_rows_in_order() {
    let tmp = tempfile::tempdir().unwrap();
    let out = ok(&["sweep", FILE, "--out", path(tmp.path())]);
    assert!(out.contains("3 cells × 2 replicates"), "{out}");
    assert!(!tmp.path().join("design-file/sensitivity.csv").exists());
    let file = std::fs::File::open(tmp.path().join("design-file/runs.parquet")).unwrap();
    let runs = ParquetReader::new(file).finish().unwrap();
    assert_eq!(runs.height(), 6);
    let mech: Vec<String> = runs
        .column("credit.mechanism")
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .map(|v| v.unwrap().to_string())
        .collect();
    assert_eq!(mech, ["loo", "loo", "equal", "equal", "shapley", "shapley"]);
    let reward = runs.column("tasks.reward").unwrap().f64().unwrap().clone();
    assert_eq!(reward.get(2), Some(7.0));
    let count = runs
        .column("population.shirkers.count")
        .unwrap()
        .i64()
        .unwrap()
        .clone();
    assert_eq!(count.get(4), Some(3));
}

#[test]
fn a_parquet_samples_file_gives_the_same_runs_as_its_csv() {
    let tmp = tempfile::tempdir().unwrap();
    let mut df = df!(
        "credit.mechanism" => ["loo", "equal", "shapley"],
        "tasks.reward" => [12.5, 7.0, 10.0],
        "population.shirkers.count" => [1i64, 0, 3],
    )
    .unwrap();
    let samples = tmp.path().join("samples.parquet");
    ParquetWriter::new(std::fs::File::create(&samples).unwrap())
        .finish(&mut df)
        .unwrap();
    let scenario = root().join("scenarios/tiny.toml");
    let text = std::fs::read_to_string(root().join(FILE))
        .unwrap()
        .replace("../../../scenarios/tiny.toml", scenario.to_str().unwrap())
        .replace("design-samples.csv", "samples.parquet");
    let experiment = tmp.path().join("design-file.toml");
    std::fs::write(&experiment, text).unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    ok(&["sweep", FILE, "--out", path(&a)]);
    ok(&["sweep", path(&experiment), "--out", path(&b)]);
    for file in ["runs.parquet", "summary.csv"] {
        assert_eq!(
            read(a.join("design-file").join(file)),
            read(b.join("design-file").join(file)),
            "{file}: parquet vs CSV samples"
        );
    }
}
