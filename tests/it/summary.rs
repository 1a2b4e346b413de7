//! Snapshots of what people read in the terminal: the grouped summary of `lamas run` for
//! scenarios that use different features (plain, faults, privacy, traffic and adaptation, model
//! workers; with and without `--all`), and the rounded tables of `lamas credit`. The snapshots
//! are in `tests/data/snapshots/`; `LAMAS_UPDATE_SNAPSHOTS=1 cargo test` rewrites them, and the
//! diff is then reviewed like code. Also `lamas report`'s refusals of folders it cannot read.

use crate::support::{lamas, root};

/// Compares `text` with the snapshot `name` (or writes it when asked to).
fn snapshot(name: &str, text: &str) {
    let path = root()
        .join("tests/data/snapshots")
        .join(format!("{name}.txt"));
    if std::env::var_os("LAMAS_UPDATE_SNAPSHOTS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; write it with LAMAS_UPDATE_SNAPSHOTS=1",
            path.display()
        )
    });
    assert!(
        want == text,
        "{name}: the output differs from {}:\n--- snapshot\n{want}\n--- now\n{text}",
        path.display()
    );
}

/// The stdout of `lamas run` with the machine-dependent parts replaced: the wall time and the
/// output folder.
fn run_summary(scenario: &str, extra: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("run");
    let out_s = out_dir.to_str().unwrap();
    let mut args = vec!["run", scenario, "--out", out_s, "--progress", "none"];
    args.extend_from_slice(extra);
    let out = lamas(&args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap().replace(out_s, "OUT");
    let (first, rest) = text.split_once('\n').unwrap();
    let first = match first.rsplit_once(", ") {
        Some((head, _seconds)) => format!("{head}, WALL s"),
        None => first.to_string(),
    };
    format!("{first}\n{rest}")
}

#[test]
fn a_plain_team_shows_tasks_messages_credit_payoffs_and_economy() {
    let text = run_summary("scenarios/quickstart.toml", &[]);
    assert!(!text.contains("epsilon") && !text.contains("faults_fired"));
    assert!(!text.split_whitespace().any(|w| w == "-0"));
    snapshot("run-quickstart", &text);
}

#[test]
fn every_metric_with_all() {
    let text = run_summary("scenarios/quickstart.toml", &["--all"]);
    assert!(text.contains("epsilon_spent_mean") && text.contains("payoff_mean_sybil"));
    assert!(!text.contains("left out"));
    snapshot("run-quickstart-all", &text);
}

#[test]
fn faults_privacy_traffic_and_models_show_their_groups() {
    for (name, file, group) in [
        ("run-resilience", "scenarios/resilience.toml", "faults\n"),
        ("run-privacy", "scenarios/privacy.toml", "privacy\n"),
        ("run-market", "scenarios/market.toml", "population\n"),
        (
            "run-llm-team",
            "scenarios/llm-team.toml",
            "language models\n",
        ),
    ] {
        let text = run_summary(file, &[]);
        assert!(
            text.contains(group),
            "{name}: no `{group}` group in\n{text}"
        );
        snapshot(name, &text);
    }
}

#[test]
fn a_run_with_report_names_it_and_writes_it() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("run");
    let out_s = out_dir.to_str().unwrap();
    let out = lamas(&["run", "scenarios/tiny.toml", "--out", out_s, "--report"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.ends_with(&format!("report: {out_s}/report.html\n")),
        "{text}"
    );
    let html = std::fs::read_to_string(out_dir.join("report.html")).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("\"kind\":\"run\"") && html.contains("\"task_success_rate\""));
    // Without --report, no report is written and the summary says how to write one.
    let plain_dir = dir.path().join("plain");
    let plain = lamas(&[
        "run",
        "scenarios/tiny.toml",
        "--out",
        plain_dir.to_str().unwrap(),
    ]);
    assert!(String::from_utf8_lossy(&plain.stdout).contains("`lamas report "));
    assert!(!plain_dir.join("report.html").exists());
}

#[test]
fn credit_tables_are_rounded_and_csv_and_json_are_not() {
    for game in ["glove.toml", "talmud.json"] {
        let path = format!("scenarios/games/{game}");
        let out = lamas(&["credit", &path]);
        assert!(out.status.success());
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(!text.contains("0.16666"), "{text}");
        snapshot(&format!("credit-{game}"), &text);
    }
    let csv = lamas(&["credit", "scenarios/games/glove.toml", "--format", "csv"]);
    assert!(String::from_utf8_lossy(&csv.stdout).contains("0.16666666666666663"));
    let json = lamas(&["credit", "scenarios/games/glove.toml", "--format", "json"]);
    assert!(String::from_utf8_lossy(&json.stdout).contains("0.16666666666666663"));
}

#[test]
fn report_refuses_a_folder_it_cannot_read_with_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let out = lamas(&["report", d]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("has no manifest.json"), "{err}");

    std::fs::write(dir.path().join("manifest.json"), "{\"kind\": \"run\"}").unwrap();
    let out = lamas(&["report", d]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("summary.json"), "{err}");

    std::fs::write(dir.path().join("manifest.json"), "not json").unwrap();
    let out = lamas(&["report", d]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a manifest written by lamas"));
    assert!(!dir.path().join("report.html").exists());

    let out = lamas(&["reproduce", "team-size", "--check", "--report"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--check does not write"));
}

#[test]
fn a_sweep_folder_without_its_plan_is_reported_from_its_experiment() {
    let dir = tempfile::tempdir().unwrap();
    let out = lamas(&[
        "sweep",
        "tests/data/experiments/small.toml",
        "--out",
        dir.path().to_str().unwrap(),
        "--progress",
        "none",
    ]);
    assert!(out.status.success());
    let results = std::fs::read_dir(dir.path())
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    // As committed results are: no runs/, so the plan comes from the experiment file.
    std::fs::remove_dir_all(results.join("runs")).unwrap();
    let r = results.to_str().unwrap();
    let out = lamas(&["report", r]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let html = std::fs::read_to_string(results.join("report.html")).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>") && !html.contains("src=\"http"));
    // Another experiment's file is refused.
    let out = lamas(&[
        "report",
        r,
        "--experiment",
        "experiments/credit-vs-freeriders/experiment.toml",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("describes another sweep"));
}
