//! Same scenario, same seed: the same bytes, in one process and in two.

use lamas::sim;
use lamas::sweep::tables::series_frame;
use lamas::table::{json_bytes, parquet_bytes};

use crate::support::{lamas_with_env, root, scenario};

#[test]
fn same_seed_same_tables_in_one_process() {
    let text = std::fs::read_to_string(root().join("scenarios/quickstart.toml")).unwrap();
    let sc = scenario(&text);
    let a = sim::run(&sc, 42);
    let b = sim::run(&sc, 42);
    // Debug output compares NaN metrics (absent strategies) as equal, unlike `==`; the credit
    // phase's wall time is the one value that is not reproducible and is not compared.
    assert_eq!(format!("{:?}", a.metrics), format!("{:?}", b.metrics));
    assert_eq!(format!("{:?}", a.series), format!("{:?}", b.series));
    let pa = parquet_bytes(&mut series_frame(&a.series).unwrap()).unwrap();
    let pb = parquet_bytes(&mut series_frame(&b.series).unwrap()).unwrap();
    assert_eq!(pa, pb);
    assert_eq!(json_bytes(&a.metrics), json_bytes(&b.metrics));
    let c = sim::run(&sc, 43);
    assert_ne!(a.metrics, c.metrics, "another seed gives another run");
}

#[test]
fn same_seed_same_files_in_two_processes_whatever_the_threads() {
    // polars writes the parquet file with one thread in the first process, two in the second.
    let dir = tempfile::tempdir().unwrap();
    let (d1, d2) = (dir.path().join("a"), dir.path().join("b"));
    for (d, threads) in [(&d1, "1"), (&d2, "2")] {
        let out = lamas_with_env(
            &[
                "run",
                "scenarios/quickstart.toml",
                "--seed",
                "5",
                "--out",
                d.to_str().unwrap(),
            ],
            &[("POLARS_MAX_THREADS", threads)],
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    for f in ["timeseries.parquet", "summary.json"] {
        let a = std::fs::read(d1.join(f)).unwrap();
        let b = std::fs::read(d2.join(f)).unwrap();
        assert!(!a.is_empty());
        assert_eq!(a, b, "{f} differs between two processes");
    }
}

#[test]
fn every_topology_under_every_fault_is_a_pure_function_of_the_seed() {
    let base = std::fs::read_to_string(root().join("scenarios/resilience.toml")).unwrap();
    let faults = r#"
orchestrator_crash_probability = 0.01
byzantine_probability = 0.001
delay_probability = 0.1
extra_latency = 3
drop_probability = 0.02
event = [
  { tick = 50, kind = "partition", target = 0.25 },
  { tick = 80, kind = "heal" },
  { tick = 90, kind = "loss_burst", loss = 0.5, duration = 20, target = "workers" },
  { tick = 120, kind = "orchestrator_crash", target = 1 },
  { tick = 150, kind = "byzantine", target = [1, 2] },
  { tick = 160, kind = "crash", target = 0.5 },
  { tick = 170, kind = "recover", target = 1 },
]
[privacy]
share = 0.4
participants = 3
tolerance = 5
mechanism = "gaussian(2, 1e-5, 10)"
budget = 30
"#;
    for topology in ["star", "hierarchical(2)", "decentralized(5)"] {
        let text = format!("{base}{faults}")
            .replace("kind = \"star\"", &format!("kind = \"{topology}\""))
            .replace("ticks = 1000", "ticks = 300");
        let sc = scenario(&text);
        let a = sim::run(&sc, 5);
        let b = sim::run(&sc, 5);
        assert_eq!(
            format!("{:?}", a.metrics),
            format!("{:?}", b.metrics),
            "{topology}"
        );
        // Debug output compares the NaN payoffs of absent strategies as equal.
        assert!(
            format!("{:?}", a.series) == format!("{:?}", b.series),
            "{topology}"
        );
        assert!(a.metrics.get("faults_fired").unwrap() > 7.0, "{topology}");
    }
}
