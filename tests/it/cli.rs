//! The command line: every bad input gets one clear message and exit code 2, and writes nothing;
//! good input gets its files.

use std::path::Path;

use crate::support::{assert_bad_input, fixtures, lamas, root};

/// Every fixture in `tests/data/invalid/` lists, in `# expect:` lines, what its message must say;
/// `validate` and `run` both reject it, and `run` writes nothing.
#[test]
fn every_invalid_fixture_gets_its_message_and_exit_code_2() {
    let fixtures = fixtures("tests/data/invalid");
    assert!(fixtures.len() >= 15, "fixtures missing");
    let out_root = tempfile::tempdir().unwrap();
    for f in fixtures {
        let out_dir = out_root.path().join(Path::new(&f.rel).file_stem().unwrap());
        let out = lamas(&["validate", &f.rel]);
        assert_bad_input(&out, &format!("{} (validate)", f.rel), &f.expects);
        let out = lamas(&["run", &f.rel, "--out", out_dir.to_str().unwrap()]);
        assert_bad_input(&out, &format!("{} (run)", f.rel), &f.expects);
        assert!(
            !out_dir.exists(),
            "{}: `run` wrote output for an invalid scenario",
            f.rel
        );
    }
}

#[test]
fn missing_file_is_bad_input() {
    let out = lamas(&["run", "scenarios/no-such-file.toml"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("cannot read `scenarios/no-such-file.toml`"),
        "{err}"
    );
}

#[test]
fn unwritable_output_folder_is_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a-file");
    std::fs::write(&file, "x").unwrap();
    let target = file.join("sub");
    let out = lamas(&[
        "run",
        "scenarios/tiny.toml",
        "--out",
        target.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("cannot write to output folder"), "{err}");
}

#[test]
fn bad_set_flags_are_bad_input() {
    for (flag, expect) in [
        ("ticks", "expected KEY=VALUE"),
        ("population.nobody.count=3", "no element named `nobody`"),
        ("ticks=0", "(set by `--set ticks=0`)"),
        (
            "credit.mechanism=shaply",
            "unknown credit mechanism `shaply`",
        ),
        ("tasks.arival_rate=2", "did you mean `arrival_rate`?"),
    ] {
        let out = lamas(&["validate", "scenarios/tiny.toml", "--set", flag]);
        assert_eq!(out.status.code(), Some(2), "{flag}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(expect), "{flag}: {err}");
    }
}

#[test]
fn bad_flags_are_exit_code_2() {
    let out = lamas(&["run", "scenarios/tiny.toml", "--seed", "minus-one"]);
    assert_eq!(out.status.code(), Some(2));
    let out = lamas(&["frobnicate"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn run_writes_its_three_files_and_a_summary_table() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("tiny");
    let out = lamas(&[
        "run",
        "scenarios/tiny.toml",
        "--set",
        "ticks=20",
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("task_success_rate"), "{stdout}");
    for f in ["timeseries.parquet", "summary.json", "manifest.json"] {
        assert!(out_dir.join(f).is_file(), "{f} missing");
    }
    let leftovers: Vec<_> = std::fs::read_dir(&out_dir)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with('.')
        })
        .collect();
    assert!(leftovers.is_empty(), "temporary files left behind");
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out_dir.join("summary.json")).unwrap()).unwrap();
    for key in [
        "task_success_rate",
        "tasks_arrived",
        "messages_total",
        "welfare",
        "platform_revenue",
        "gini_payoff",
        "freerider_payoff_ratio",
        "payoff_mean_honest",
        "share_final_shirker",
        "budget_imbalance",
    ] {
        assert!(summary.get(key).is_some(), "summary.json lacks {key}");
    }
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out_dir.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["seed"], 7);
    assert_eq!(manifest["ticks"], 20);
    assert_eq!(manifest["resolved"]["ticks"], 20);
    assert_eq!(manifest["scenario_hash"].as_str().unwrap().len(), 64);
    assert!(manifest["git_revision"].is_string());
    // The time series has one row per tick.
    let df = polars::prelude::ParquetReader::new(
        std::fs::File::open(out_dir.join("timeseries.parquet")).unwrap(),
    );
    use polars::prelude::SerReader;
    let df = df.finish().unwrap();
    assert_eq!(df.height(), 20);
}

#[test]
fn validate_accepts_every_bundled_scenario_and_schema_is_json() {
    for f in std::fs::read_dir(root().join("scenarios")).unwrap() {
        let p = f.unwrap().path();
        if p.extension().is_some_and(|e| e == "toml") {
            let rel = p
                .strip_prefix(root())
                .unwrap()
                .to_str()
                .unwrap()
                .to_string();
            let out = lamas(&["validate", &rel]);
            assert!(
                out.status.success(),
                "{rel}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
    let out = lamas(&["schema"]);
    assert!(out.status.success());
    let schema: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(schema["properties"]["population"].is_object());
    // The committed schema that scenario files point editors to is current.
    let committed = std::fs::read(root().join("docs/scenario.schema.json")).unwrap();
    let committed: serde_json::Value = serde_json::from_slice(&committed).unwrap();
    assert_eq!(
        committed, schema,
        "docs/scenario.schema.json is stale: run `lamas schema > docs/scenario.schema.json`"
    );
    let out = lamas(&["schema", "experiment"]);
    assert!(out.status.success());
    let schema: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(schema["properties"]["axes"].is_object());
    let committed = std::fs::read(root().join("docs/experiment.schema.json")).unwrap();
    let committed: serde_json::Value = serde_json::from_slice(&committed).unwrap();
    assert_eq!(
        committed, schema,
        "docs/experiment.schema.json is stale: run `lamas schema experiment > docs/experiment.schema.json`"
    );
}

#[test]
fn validate_accepts_every_canonical_experiment() {
    let mut n = 0;
    for e in std::fs::read_dir(root().join("experiments")).unwrap() {
        let file = e.unwrap().path().join("experiment.toml");
        if file.is_file() {
            n += 1;
            let rel = file
                .strip_prefix(root())
                .unwrap()
                .to_str()
                .unwrap()
                .to_string();
            let out = lamas(&["validate", &rel]);
            let stdout = String::from_utf8_lossy(&out.stdout);
            assert!(
                out.status.success(),
                "{rel}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            assert!(stdout.contains("valid experiment"), "{stdout}");
            let readme = file.with_file_name("README.md");
            let text = std::fs::read_to_string(&readme)
                .unwrap_or_else(|_| panic!("{} is missing", readme.display()));
            for section in ["## Question", "## Hypothesis", "## Plot"] {
                assert!(
                    text.contains(section),
                    "{}: no `{section}`",
                    readme.display()
                );
            }
        }
    }
    assert!(n >= 2, "the canonical experiments are missing");
}

#[test]
fn every_figure_of_the_study_is_drawn_from_a_committed_experiment() {
    // docs/results.md shows `../results/<id>/plots/<name>.png`: the file must be committed, the
    // experiment file must declare a plot of that name, and the manifest must name a revision.
    let text = std::fs::read_to_string(root().join("docs/results.md")).unwrap();
    let mut figures = 0;
    for piece in text.split("](../results/").skip(1) {
        let link = piece.split(')').next().unwrap();
        let (id, rest) = link.split_once("/plots/").expect("a plot link");
        let name = rest.strip_suffix(".png").expect("a PNG figure");
        assert!(
            root().join("results").join(link).is_file(),
            "{link} is not committed"
        );
        let exp = std::fs::read_to_string(root().join(format!("experiments/{id}/experiment.toml")))
            .unwrap_or_else(|_| panic!("no experiment `{id}`"));
        // A design's sensitivity charts are drawn without being declared.
        let automatic = name.starts_with("sensitivity-") && exp.contains("[design]");
        assert!(
            automatic || exp.contains(&format!("name = \"{name}\"")),
            "{id} declares no plot `{name}`"
        );
        let manifest =
            std::fs::read_to_string(root().join(format!("results/{id}/manifest.json"))).unwrap();
        let m: serde_json::Value = serde_json::from_str(&manifest).unwrap();
        let rev = m["git_revision"].as_str().unwrap_or("");
        assert!(
            rev.len() == 40 && rev.chars().all(|c| c.is_ascii_hexdigit()),
            "{id}: revision {rev:?}"
        );
        figures += 1;
    }
    assert!(figures >= 9, "only {figures} figures in docs/results.md");
}

/// Every file of `scenarios/` runs as shipped, at its own seed, offline: a scenario with
/// model-backed workers replays its committed cassette (replay is the default mode and never
/// opens a socket), so a new user needs no server for any of them.
#[test]
fn every_bundled_scenario_runs_offline_at_its_own_seed() {
    let out = tempfile::tempdir().unwrap();
    let mut ran = 0;
    for f in std::fs::read_dir(root().join("scenarios")).unwrap() {
        let p = f.unwrap().path();
        if p.extension().is_none_or(|e| e != "toml") {
            continue;
        }
        let name = p.file_stem().unwrap().to_string_lossy().into_owned();
        let dir = out.path().join(&name);
        let run = lamas(&["run", p.to_str().unwrap(), "--out", dir.to_str().unwrap()]);
        assert!(
            run.status.success(),
            "scenarios/{name}.toml does not run as shipped: {}",
            String::from_utf8_lossy(&run.stderr)
        );
        assert!(dir.join("summary.json").is_file(), "{name}");
        ran += 1;
    }
    assert!(ran >= 15, "only {ran} scenarios");
}

#[test]
fn every_scenario_is_listed_in_the_scenarios_readme() {
    let readme = std::fs::read_to_string(root().join("scenarios/README.md")).unwrap();
    for f in std::fs::read_dir(root().join("scenarios")).unwrap() {
        let name = f.unwrap().file_name().to_string_lossy().into_owned();
        if name.ends_with(".toml") {
            assert!(
                readme.contains(&format!("`{name}`")),
                "scenarios/README.md does not list {name}"
            );
        }
    }
}

#[test]
fn every_module_starts_with_a_doc_paragraph() {
    fn walk(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    let mut files = Vec::new();
    walk(&root().join("src"), &mut files);
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        assert!(
            text.starts_with("//!"),
            "{} does not start with a `//!` paragraph",
            f.display()
        );
    }
}

#[test]
fn errors_and_progress_can_be_read_by_programs() {
    // `--error-format json`: one line with every problem located.
    let out = lamas(&[
        "--error-format",
        "json",
        "validate",
        "tests/data/invalid-experiments/design-malformed-range.toml",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let report: serde_json::Value = serde_json::from_str(stderr.trim()).unwrap();
    assert_eq!(report["error"], "input");
    let p = &report["problems"][0];
    assert_eq!(
        (p["line"].as_u64(), p["column"].as_u64()),
        (Some(8), Some(33))
    );
    assert_eq!(p["key"], "design.parameters.\"tasks.reward\"");
    assert!(p["message"].as_str().unwrap().contains("low ≤ high"));
    assert!(
        p["file"]
            .as_str()
            .unwrap()
            .ends_with("design-malformed-range.toml")
    );
    // `--progress json`: the first line at 0 done, the last at the total.
    let tmp = tempfile::tempdir().unwrap();
    let out = lamas(&[
        "--progress",
        "json",
        "sweep",
        "tests/data/experiments/design-morris.toml",
        "--out",
        tmp.path().to_str().unwrap(),
    ]);
    assert!(out.status.success());
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stderr)
        .lines()
        .filter(|l| l.starts_with("{\"progress\""))
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(lines.len() >= 2);
    assert_eq!(lines[0]["progress"]["done"], 0);
    let last = &lines[lines.len() - 1]["progress"];
    assert_eq!(
        (last["done"].as_u64(), last["total"].as_u64()),
        (Some(48), Some(48))
    );
    // A failed run's line.
    let out = lamas(&[
        "--error-format",
        "json",
        "sweep",
        "tests/data/experiments/failing.toml",
        "--out",
        tmp.path().to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let last: serde_json::Value = serde_json::from_str(stderr.lines().last().unwrap()).unwrap();
    assert_eq!(last["error"], "run");
    assert!(last["message"].as_str().unwrap().contains("failed"));
}
