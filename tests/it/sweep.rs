//! `lamas sweep`, `merge`, `plot` and `reproduce`: bad experiment files, bit-identical tables
//! whatever the threads, shards and interruptions, failing runs, and the committed summaries.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::{assert_bad_input, fixtures, lamas, ok, path, read, root};

const SMALL: &str = "tests/data/experiments/small.toml";

fn manifest(dir: &Path) -> serde_json::Value {
    serde_json::from_slice(&read(dir.join("manifest.json"))).unwrap()
}

#[test]
fn every_invalid_experiment_gets_its_message_and_exit_code_2() {
    let fixtures = fixtures("tests/data/invalid-experiments");
    assert!(fixtures.len() >= 20);
    let out_root = tempfile::tempdir().unwrap();
    for f in &fixtures {
        let out = lamas(&["sweep", &f.rel, "--out", path(out_root.path())]);
        assert_bad_input(&out, &f.rel, &f.expects);
        let out = lamas(&["validate", &f.rel]);
        if f.rel.ends_with("missing-scenario.toml") {
            // Without `scenario`, `validate` reads the file as a scenario: still bad input.
            assert_eq!(out.status.code(), Some(2), "{}", f.rel);
        } else {
            assert_bad_input(&out, &format!("validate {}", f.rel), &f.expects);
        }
    }
    assert_eq!(
        std::fs::read_dir(out_root.path()).unwrap().count(),
        0,
        "a sweep of an invalid experiment wrote output"
    );
}

#[test]
fn bad_flags_and_folders_are_bad_input() {
    let tmp = tempfile::tempdir().unwrap();
    let out = path(tmp.path());
    let nothing: [String; 0] = [];
    for (args, expect) in [
        (
            vec!["sweep", SMALL, "--shard", "2/2", "--out", out],
            "0 ≤ I < N",
        ),
        (vec!["sweep", SMALL, "--shard", "1", "--out", out], "I/N"),
        (
            vec!["sweep", SMALL, "--jobs", "0", "--out", out],
            "--jobs 0",
        ),
        (vec!["merge", out], "not the results folder of a sweep"),
        (vec!["plot", out], "not the results folder of a sweep"),
        (
            vec!["reproduce", "credit-vs-freerider"],
            "did you mean `credit-vs-freeriders`?",
        ),
        (vec!["reproduce"], "--all"),
    ] {
        let o = lamas(&args);
        assert_bad_input(&o, &args.join(" "), &[expect.to_string()]);
    }
    let o = lamas(&["sweep", "tests/data/experiments/none.toml"]);
    assert_bad_input(&o, "missing experiment", &nothing);
}

#[test]
fn tables_are_bit_identical_across_threads_and_shards() {
    let tmp = tempfile::tempdir().unwrap();
    let one = tmp.path().join("one");
    let two = tmp.path().join("two");
    ok(&["sweep", SMALL, "--jobs", "1", "--out", path(&one)]);
    ok(&["sweep", SMALL, "--jobs", "2", "--out", path(&two)]);
    for i in 0..3 {
        let shard = format!("{i}/3");
        let dir = tmp.path().join(format!("shard{i}"));
        ok(&[
            "sweep",
            SMALL,
            "--shard",
            &shard,
            "--jobs",
            "1",
            "--out",
            path(&dir),
        ]);
    }
    let shard_dirs: Vec<String> = (0..3)
        .map(|i| {
            tmp.path()
                .join(format!("shard{i}/small"))
                .display()
                .to_string()
        })
        .collect();
    let merged = tmp.path().join("merged");
    let mut args = vec!["merge"];
    args.extend(shard_dirs.iter().map(String::as_str));
    args.extend(["--out", path(&merged)]);
    ok(&args);
    for file in [
        "runs.parquet",
        "summary.csv",
        "summary.parquet",
        "timeseries.parquet",
    ] {
        let a = read(one.join("small").join(file));
        assert_eq!(
            a,
            read(two.join("small").join(file)),
            "{file}: 1 vs 2 threads"
        );
        assert_eq!(
            a,
            read(merged.join("small").join(file)),
            "{file}: merged shards"
        );
    }
    // A shard holds only its slice, and the merged manifest names the shards.
    let m = manifest(&tmp.path().join("shard1/small"));
    assert_eq!(m["shard"], "1/3");
    assert_eq!(m["runs_planned"], 8);
    let m = manifest(&merged.join("small"));
    assert_eq!(m["kind"], "merge");
    assert_eq!(m["merged_from"].as_array().unwrap().len(), 3);
    assert_eq!(m["runs_finished"], 24);
    // Every plot is drawn as PNG and SVG, with its text.
    for name in [
        "line-freerider_payoff_ratio",
        "bar-welfare",
        "heatmap-task_success_rate",
        "shares",
        "time",
    ] {
        let png = read(merged.join(format!("small/plots/{name}.png")));
        assert_eq!(&png[1..4], b"PNG", "{name}.png");
        let svg = String::from_utf8(read(merged.join(format!("small/plots/{name}.svg")))).unwrap();
        assert!(svg.contains("<text"), "{name}.svg has no text");
    }
}

#[test]
fn runs_parquet_has_one_typed_row_per_run_and_seeds_follow_the_scheme() {
    use polars::prelude::*;
    let tmp = tempfile::tempdir().unwrap();
    ok(&["sweep", SMALL, "--quick", "--out", path(tmp.path())]);
    let dir = tmp.path().join("small/quick");
    let df = ParquetReader::new(std::fs::File::open(dir.join("runs.parquet")).unwrap())
        .finish()
        .unwrap();
    assert_eq!(df.height(), 12);
    assert_eq!(
        df.column("credit.mechanism").unwrap().dtype(),
        &DataType::String
    );
    assert_eq!(
        df.column("population.shirkers.count").unwrap().dtype(),
        &DataType::Int64
    );
    assert_eq!(df.column("seed").unwrap().dtype(), &DataType::UInt64);
    assert_eq!(df.column("welfare").unwrap().dtype(), &DataType::Float64);
    let exp = lamas::experiment::load(&root().join(SMALL), true).unwrap();
    let seeds: Vec<u64> = df
        .column("seed")
        .unwrap()
        .u64()
        .unwrap()
        .iter()
        .flatten()
        .collect();
    let expect: Vec<u64> = lamas::experiment::grid::runs(6, 2, lamas::experiment::Shard::ALL)
        .into_iter()
        .map(|r| exp.plan.seed_of(r))
        .collect();
    assert_eq!(seeds, expect);
    let mut distinct = seeds.clone();
    distinct.sort_unstable();
    distinct.dedup();
    assert_eq!(distinct.len(), 12, "independent seeds differ across cells");
    // Under `seeds = "common"` every cell uses the same seed in a given replicate.
    let common = lamas::experiment::load(
        &root().join("experiments/credit-vs-freeriders/experiment.toml"),
        true,
    )
    .unwrap();
    let seed = |cell, replicate| {
        common
            .plan
            .seed_of(lamas::experiment::RunId { cell, replicate })
    };
    assert_eq!(seed(0, 0), seed(47, 0));
    assert_eq!(seed(3, 1), seed(20, 1));
    assert_ne!(seed(0, 0), seed(0, 1));
    // The summary has one row per cell and metric, with the 95% t interval.
    let summary = lamas::table::read_csv(&dir.join("summary.csv")).unwrap();
    assert_eq!(summary.height(), 6 * exp.plan.metrics.len());
    let runs = df.column("welfare").unwrap().f64().unwrap();
    let (a, b) = (runs.get(0).unwrap(), runs.get(1).unwrap());
    let mean = (a + b) / 2.0;
    let sd = ((a - mean).powi(2) + (b - mean).powi(2)).sqrt();
    let row = summary
        .lazy()
        .filter(col("cell").eq(lit(0)).and(col("metric").eq(lit("welfare"))))
        .collect()
        .unwrap();
    let get = |c: &str| row.column(c).unwrap().f64().unwrap().get(0).unwrap();
    assert!((get("mean") - mean).abs() < 1e-9);
    assert!((get("sd") - sd).abs() < 1e-9);
    let half = 12.706204736 * sd / 2f64.sqrt();
    assert!((get("ci95_hi") - (mean + half)).abs() < 1e-6);
}

#[test]
fn a_killed_sweep_resumes_to_the_same_tables() {
    kill_and_resume("tests/data/experiments/slow.toml", "slow", 24);
}

#[test]
fn a_killed_design_resumes_to_the_same_tables_and_indices() {
    kill_and_resume("tests/data/experiments/slow-design.toml", "slow-design", 24);
}

/// Kills a sweep of `slow` (results folder `id`, `total` runs) part-way, resumes it, and checks
/// its tables against an uninterrupted sweep's.
fn kill_and_resume(slow: &str, id: &str, total: usize) {
    let tmp = tempfile::tempdir().unwrap();
    let whole = tmp.path().join("whole");
    ok(&["sweep", slow, "--out", path(&whole)]);

    let killed = tmp.path().join("killed");
    let runs = killed.join(id).join("runs");
    let mut child = Command::new(env!("CARGO_BIN_EXE_lamas"))
        .args(["sweep", slow, "--jobs", "1", "--out", path(&killed)])
        .current_dir(root())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let records = |dir: &Path| -> usize {
        std::fs::read_dir(dir)
            .map(|d| {
                d.flatten()
                    .filter(|e| {
                        let n = e.file_name().to_string_lossy().into_owned();
                        n.starts_with('c') && n.ends_with(".json")
                    })
                    .count()
            })
            .unwrap_or(0)
    };
    let started = Instant::now();
    while records(&runs) < 3 && started.elapsed() < Duration::from_secs(120) {
        std::thread::sleep(Duration::from_millis(2));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let done = records(&runs);
    assert!(
        (3..total).contains(&done),
        "the sweep should be killed part-way: {done} of {total} runs were recorded"
    );
    // Every record on disk is whole.
    for e in std::fs::read_dir(&runs).unwrap().flatten() {
        let n = e.file_name().to_string_lossy().into_owned();
        if n.starts_with('c') && n.ends_with(".json") {
            let r: serde_json::Value = serde_json::from_slice(&read(e.path())).unwrap();
            assert_eq!(r["status"], "ok");
        }
    }
    assert!(!killed.join(id).join("runs.parquet").exists());
    // Temporary files a process killed while writing the tables and plots would leave (its PID
    // no longer runs), and one of a process still running (this test's), which stays.
    let dead = 4_194_304u32; // above Linux's largest PID: never a running process
    let me = std::process::id();
    let dir = killed.join(id);
    std::fs::create_dir_all(dir.join("plots")).unwrap();
    let stale = [
        dir.join(format!(".runs.parquet.tmp-{dead}")),
        dir.join(format!(".manifest.json.tmp-{dead}")),
        dir.join(format!("plots/.shares.png.tmp-{dead}.png")),
        runs.join(format!(".c000000-r0000.json.tmp-{dead}")),
    ];
    let live = dir.join(format!(".summary.csv.tmp-{me}"));
    for f in stale.iter().chain([&live]) {
        std::fs::write(f, "partial").unwrap();
    }

    let out = ok(&["sweep", slow, "--resume", "--out", path(&killed)]);
    for f in &stale {
        assert!(
            !f.exists(),
            "a stale temporary file is removed: {}",
            f.display()
        );
    }
    assert!(live.exists(), "a running process's temporary file is kept");
    std::fs::remove_file(&live).unwrap();
    assert!(out.contains(&format!("({done} kept)")), "{out}");
    for file in ["runs.parquet", "summary.csv", "sensitivity.csv"] {
        let (a, b) = (whole.join(id).join(file), killed.join(id).join(file));
        if file == "sensitivity.csv" && !a.exists() {
            assert!(!b.exists());
            continue;
        }
        assert_eq!(read(a), read(b), "{file}: resumed vs uninterrupted");
    }
    let m = manifest(&dir);
    assert_eq!(m["runs_kept"], done);
    assert_eq!(m["runs_executed"], total - done);
    assert_eq!(m["resumed"], true);
    // A finished sweep resumed again runs nothing and changes nothing.
    let out = ok(&["sweep", slow, "--resume", "--out", path(&killed)]);
    assert!(
        out.contains(&format!("0 runs to do ({total} kept)")),
        "{out}"
    );
    assert_eq!(
        read(whole.join(id).join("runs.parquet")),
        read(dir.join("runs.parquet"))
    );
}

#[test]
fn resume_refuses_the_results_of_another_sweep() {
    let tmp = tempfile::tempdir().unwrap();
    let exp_dir = tmp.path().join("exp");
    std::fs::create_dir_all(&exp_dir).unwrap();
    let text = std::fs::read_to_string(root().join(SMALL))
        .unwrap()
        .replace(
            "../../../scenarios/tiny.toml",
            path(&root().join("scenarios/tiny.toml")),
        );
    let file = exp_dir.join("small.toml");
    std::fs::write(&file, &text).unwrap();
    let out = tmp.path().join("out");
    ok(&["sweep", path(&file), "--quick", "--out", path(&out)]);
    std::fs::write(&file, text.replace("seed = 11", "seed = 12")).unwrap();
    let o = lamas(&[
        "sweep",
        path(&file),
        "--quick",
        "--resume",
        "--out",
        path(&out),
    ]);
    assert_bad_input(
        &o,
        "resume another sweep",
        &["results of a different sweep".to_string()],
    );
    let other = tmp.path().join("other");
    let _ = lamas(&[
        "sweep",
        "tests/data/experiments/failing.toml",
        "--out",
        path(&other),
    ]);
    let o = lamas(&[
        "merge",
        path(&out.join("small/quick")),
        path(&other.join("failing")),
        "--out",
        path(&tmp.path().join("m")),
    ]);
    assert_bad_input(&o, "merge two sweeps", &["different sweep".to_string()]);
}

#[test]
fn a_failing_run_is_recorded_and_the_sweep_goes_on() {
    let tmp = tempfile::tempdir().unwrap();
    // Outputs of an earlier sweep into the folder that this one does not write are removed.
    std::fs::create_dir_all(tmp.path().join("failing/plots")).unwrap();
    std::fs::write(tmp.path().join("failing/timeseries.parquet"), b"stale").unwrap();
    std::fs::write(tmp.path().join("failing/plots/old.png"), b"stale").unwrap();
    let out = lamas(&[
        "sweep",
        "tests/data/experiments/failing.toml",
        "--out",
        path(tmp.path()),
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("3 run(s) failed"), "{stderr}");
    assert!(
        !stderr.contains("thread '"),
        "the panic is captured, not printed: {stderr}"
    );
    let dir = tmp.path().join("failing");
    assert!(!dir.join("timeseries.parquet").exists());
    assert!(!dir.join("plots/old.png").exists());
    let m = manifest(&dir);
    assert_eq!(m["runs_failed"], 3);
    assert_eq!(m["runs_finished"], 3);
    for f in m["failed"].as_array().unwrap() {
        assert_eq!(f["cell"], 1);
        assert!(
            f["error"]
                .as_str()
                .unwrap()
                .contains("deliberate failure at tick 5")
        );
    }
    use polars::prelude::*;
    let df = ParquetReader::new(std::fs::File::open(dir.join("runs.parquet")).unwrap())
        .finish()
        .unwrap();
    assert_eq!(df.height(), 3, "the finished runs are in the table");
    // Resuming retries the failed runs (which fail again, deterministically).
    let again = lamas(&[
        "sweep",
        "tests/data/experiments/failing.toml",
        "--resume",
        "--out",
        path(tmp.path()),
    ]);
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stdout).contains("3 runs to do (3 kept)"));
}

#[test]
fn plot_redraws_the_plots_of_a_results_folder() {
    let tmp = tempfile::tempdir().unwrap();
    ok(&["sweep", SMALL, "--quick", "--out", path(tmp.path())]);
    let dir = tmp.path().join("small/quick");
    std::fs::remove_dir_all(dir.join("plots")).unwrap();
    let out = ok(&["plot", path(&dir)]);
    assert!(out.contains("wrote 10 files"), "{out}");
    assert!(dir.join("plots/shares.png").is_file());
    // With the experiment file, its (possibly edited) plots are drawn.
    ok(&["plot", path(&dir), "--experiment", SMALL]);
}

#[test]
fn reproduce_check_passes_on_the_committed_quick_summaries_and_catches_a_change() {
    let out = ok(&["reproduce", "--all", "--check", "--quick"]);
    assert!(
        out.contains("check `credit-vs-freeriders`: every summary metric matches"),
        "{out}"
    );
    assert!(
        out.contains("check `shapley-sampling`: every summary metric matches"),
        "{out}"
    );
    // Replayed from its cassette: a replay never calls an endpoint.
    assert!(
        out.contains("check `sim-vs-llm`: every summary metric matches"),
        "{out}"
    );

    // A committed summary with one changed mean fails the check, naming the cell and metric.
    let tmp = tempfile::tempdir().unwrap();
    let committed = root().join("results/credit-vs-freeriders/quick/summary.csv");
    let text = std::fs::read_to_string(&committed).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let i = lines
        .iter()
        .position(|l| l.starts_with("0,equal,") && l.contains(",welfare,"))
        .unwrap();
    let mut fields: Vec<String> = lines[i].split(',').map(str::to_string).collect();
    let mean_col = 6;
    let mean: f64 = fields[mean_col].parse().unwrap();
    fields[mean_col] = format!("{}", mean + 1.0);
    lines[i] = fields.join(",");
    let fake = tmp.path().join("credit-vs-freeriders/quick");
    std::fs::create_dir_all(&fake).unwrap();
    std::fs::write(fake.join("summary.csv"), lines.join("\n") + "\n").unwrap();
    let o = lamas(&[
        "reproduce",
        "credit-vs-freeriders",
        "--check",
        "--quick",
        "--results",
        path(tmp.path()),
    ]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("1 difference(s)"), "{stderr}");
    assert!(
        stderr.contains("cell 0 (credit.mechanism = \"equal\""),
        "{stderr}"
    );
    assert!(stderr.contains("welfare: mean"), "{stderr}");
}
