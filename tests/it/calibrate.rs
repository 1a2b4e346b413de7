//! `lamas calibrate`: it recovers the parameters of simulated agents from cassettes they made,
//! within its intervals; it refuses, before any call, a replay with missing calls and a recording
//! over budget; it records against an endpoint and replays the recording to the same table; and
//! every bad flag or scenario is one clear message with exit code 2.

use std::path::{Path, PathBuf};

use lamas::calibrate::plan::Plan;
use lamas::dist::{chance, unit};
use lamas::rng::stream;
use lamas::rules::accuracy::AccuracyCurve;
use lamas::strategy::Answering;
use lamas::strategy::answer::{draw_label, shared_label};

use crate::fake_model::{Behaviour, FakeModel};
use crate::support::{assert_bad_input, fixtures, lamas};

/// A scenario of two profiles (seeds per agent, so replicas answer independently) on two-digit
/// sums, K = 10, its cassette `sim.cassette.jsonl` beside it.
fn scenario(dir: &Path, seed: u64, url: &str) -> PathBuf {
    let text = format!(
        r#"name = "recovery"
ticks = 5
seed = {seed}
[tasks]
subtasks = 1
domains = 1
answers = 10
[bank]
families = ["addition(3)"]
[llm]
cassette = "sim.cassette.jsonl"
[[llm.profile]]
name = "strong"
base_url = "{url}"
model = "m"
temperature = 1.0
seed_by = "agent"
cost_per_output_token = 0.01
[[llm.profile]]
name = "weak"
base_url = "{url}"
model = "m"
system = "be brief"
temperature = 1.0
seed_by = "agent"
[[population]]
name = "strong"
count = 3
llm = "strong"
effort_cost = 0.5
[[population]]
name = "weak"
count = 2
llm = "weak"
"#
    );
    let path = dir.join("sim.toml");
    std::fs::write(&path, text).unwrap();
    path
}

/// A simulated agent's known parameters: skill, logistic slope, lure ρ, shared answers κ.
#[derive(Clone, Copy)]
struct Known {
    skill: f64,
    slope: f64,
    rho: f64,
    kappa: f64,
}

/// Writes the cassette of the calibration plan of `file` answered by simulated agents with the
/// `known` parameters per profile: with probability κ the profile's shared answer to the item
/// (one set of uniforms per profile and item, [`shared_label`]), else an answer of its own:
/// right with probability `σ(logit s − slope·δ)`, else the item's lure `truth + 9` with
/// probability ρ, else `truth + w` for w uniform in 1..=9 (the K − 1 = 9 wrong answers); one
/// reply per distinct request; 40–50 prompt tokens, 1–9 reply tokens (mean 5), 100–200 ms.
fn simulated_cassette(file: &Path, known: &[Known], items: usize, seed: u64) {
    let sc = lamas::scenario::load(file, &[]).unwrap();
    let setup = sc.llm.as_ref().unwrap();
    let plan = Plan::new(
        sc.bank.as_ref().unwrap(),
        10,
        setup,
        &[0, 1],
        (items, 2),
        sc.seed,
    );
    let mut rng = stream(seed, "simulated agents");
    let mut lines = String::new();
    let mut answered = std::collections::BTreeSet::new();
    for (i, k) in known.iter().enumerate() {
        let curve = AccuracyCurve::Logistic { slope: k.slope };
        for (j, probe) in plan.probes.iter().enumerate() {
            let truth: u64 = probe.item.answer.parse().unwrap();
            let c = curve.competence(1.0, k.skill, probe.item.difficulty);
            let u = [unit(&mut rng), unit(&mut rng), unit(&mut rng)];
            for r in 0..2 {
                let label = if chance(&mut rng, k.kappa) {
                    shared_label(u, (c, k.rho), 0, 10)
                } else {
                    draw_label(&mut rng, Answering::Solve, (c, k.rho), 0, 10, None)
                };
                let request = &plan.calls[plan.index(i, j, r)].request;
                if !answered.insert(request.key()) {
                    continue; // an item drawn again: the same call, already answered
                }
                let reply = serde_json::json!({
                    "text": format!("The answer is {}.", truth + u64::from(label)),
                    "prompt_tokens": 40 + (unit(&mut rng) * 11.0) as u64,
                    "completion_tokens": 1 + (unit(&mut rng) * 9.0) as u64,
                    "latency_ms": 100.0 + 100.0 * unit(&mut rng),
                    "finish_reason": "stop",
                });
                let line =
                    serde_json::json!({"key": request.key(), "request": request, "reply": reply});
                lines.push_str(&format!("{line}\n"));
            }
        }
    }
    std::fs::write(file.with_file_name("sim.cassette.jsonl"), lines).unwrap();
}

/// The table's `(value, lo, hi, predicted)` of `profile`'s `parameter`.
fn row(csv: &str, profile: &str, parameter: &str) -> (f64, f64, f64, f64) {
    let num = |s: &str| s.parse::<f64>().unwrap_or(f64::NAN);
    csv.lines()
        .map(|l| l.split(',').collect::<Vec<_>>())
        .find(|c| c[0] == profile && c[1] == parameter)
        .map(|c| (num(c[2]), num(c[3]), num(c[4]), num(c[6])))
        .unwrap_or_else(|| panic!("no row {profile} {parameter} in\n{csv}"))
}

/// Recovery: 8 cassettes made by simulated agents of two profiles with known skill, slope, lure
/// and shared answers, each calibrated offline from 600 items × 2 replicas. Over the 8 × 2 × 6
/// intervals (skill, slope, ρ, κ, mean reply tokens, and the correlation of correctness against
/// the value the calibrated worker predicts) a 95% interval misses 4.8 times on average and 12
/// or more times with probability 0.005; a biased fit misses nearly every time. (Over 40
/// cassettes the intervals missed 20 times in 480, 4.2%, no parameter more than 4 times in 40.)
#[test]
fn calibrate_recovers_simulated_agents_within_its_intervals() {
    let known = [
        Known {
            skill: 0.92,
            slope: 5.0,
            rho: 0.5,
            kappa: 0.6,
        },
        Known {
            skill: 0.75,
            slope: 2.5,
            rho: 0.15,
            kappa: 0.0,
        },
    ];
    let mut misses = Vec::new();
    for seed in 0..8u64 {
        let dir = tempfile::tempdir().unwrap();
        let file = scenario(dir.path(), 100 + seed, "http://127.0.0.1:9/v1");
        simulated_cassette(&file, &known, 600, seed);
        let out_dir = dir.path().join("cal");
        let out = lamas(&[
            "calibrate",
            file.to_str().unwrap(),
            "--items",
            "600",
            "--out",
            out_dir.to_str().unwrap(),
        ]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let csv = std::fs::read_to_string(out_dir.join("calibration.csv")).unwrap();
        for (name, k) in ["strong", "weak"].iter().zip(&known) {
            let checks = [
                ("skill[0]", k.skill),
                ("slope", k.slope),
                ("lure", k.rho),
                ("shared", k.kappa),
                ("completion_tokens_mean", 5.0),
                ("correlation", row(&csv, name, "correlation").3),
            ];
            for (parameter, truth) in checks {
                let (v, lo, hi, _) = row(&csv, name, parameter);
                if !(lo <= truth && truth <= hi) {
                    misses.push(format!(
                        "seed {seed} {name} {parameter}: {truth} not in {v} [{lo}, {hi}]"
                    ));
                }
            }
        }
        let fragment = std::fs::read_to_string(out_dir.join("fragment.toml")).unwrap();
        assert!(
            fragment.contains("name = \"strong-calibrated\"\ncount = 3\n"),
            "{fragment}"
        );
        assert!(fragment.contains("accuracy = \"logistic("), "{fragment}");
    }
    eprintln!(
        "{} misses in 80 intervals:\n{}",
        misses.len(),
        misses.join("\n")
    );
    assert!(misses.len() <= 8, "{} misses in 80", misses.len());
}

/// The fragment is a valid scenario part: pasted into the scenario in place of the model-backed
/// groups, it validates and runs; its effort cost is the group's plus the mean token cost.
#[test]
fn the_fragment_pastes_into_a_scenario() {
    let dir = tempfile::tempdir().unwrap();
    let file = scenario(dir.path(), 5, "http://127.0.0.1:9/v1");
    let known = Known {
        skill: 0.9,
        slope: 4.0,
        rho: 0.3,
        kappa: 0.5,
    };
    simulated_cassette(&file, &[known, known], 300, 1);
    let out_dir = dir.path().join("cal");
    let out = lamas(&[
        "calibrate",
        file.to_str().unwrap(),
        "--items",
        "300",
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let fragment = std::fs::read_to_string(out_dir.join("fragment.toml")).unwrap();
    let text = std::fs::read_to_string(&file).unwrap();
    let head = &text[..text.find("[[population]]").unwrap()];
    let sim = dir.path().join("calibrated.toml");
    std::fs::write(&sim, format!("{head}{fragment}")).unwrap();
    let run = lamas(&[
        "run",
        sim.to_str().unwrap(),
        "--out",
        dir.path().join("run").to_str().unwrap(),
    ]);
    assert!(
        run.status.success(),
        "{}\n{fragment}",
        String::from_utf8_lossy(&run.stderr)
    );
    // strong: effort_cost 0.5 + 0.01 per reply token × 5 tokens on average.
    let csv = std::fs::read_to_string(out_dir.join("calibration.csv")).unwrap();
    let cost = row(&csv, "strong", "token_cost_mean").0;
    assert!((cost - 0.05).abs() < 0.01, "{cost}");
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out_dir.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["kind"], "calibration");
    assert_eq!(manifest["items"], 300);
    assert_eq!(manifest["llm"]["mode"], "replay");
    assert!(manifest["llm"]["cassette_sha256"].as_str().unwrap().len() == 64);
}

/// Recording against an endpoint (the fake model on 127.0.0.1) and replaying the recording give
/// the same table, bit for bit; a budget below the calls needed is refused before any call.
#[test]
fn record_then_replay_gives_the_same_table_and_the_budget_is_kept() {
    let fake = FakeModel::start(Behaviour::Answer { jitter_ms: 0 });
    let dir = tempfile::tempdir().unwrap();
    let file = scenario(dir.path(), 9, &fake.url);
    let f = file.to_str().unwrap();
    let cassette = dir.path().join("sim.cassette.jsonl");
    let over = lamas(&[
        "calibrate",
        f,
        "--llm",
        "record",
        "--items",
        "40",
        "--budget",
        "100",
    ]);
    assert_bad_input(
        &over,
        "over budget",
        &[
            "--budget".into(),
            "needs 160 calls".into(),
            "--items 25 fits the budget".into(),
        ],
    );
    assert!(!cassette.exists(), "nothing recorded over budget");
    assert_eq!(
        fake.requests.load(std::sync::atomic::Ordering::SeqCst),
        0,
        "no call over budget"
    );
    let rec_dir = dir.path().join("rec");
    let rec = lamas(&[
        "calibrate",
        f,
        "--llm",
        "record",
        "--items",
        "40",
        "--out",
        rec_dir.to_str().unwrap(),
    ]);
    assert!(
        rec.status.success(),
        "{}",
        String::from_utf8_lossy(&rec.stderr)
    );
    assert_eq!(fake.requests.load(std::sync::atomic::Ordering::SeqCst), 160);
    let rep_dir = dir.path().join("rep");
    let rep = lamas(&[
        "calibrate",
        f,
        "--items",
        "40",
        "--out",
        rep_dir.to_str().unwrap(),
    ]);
    assert!(
        rep.status.success(),
        "{}",
        String::from_utf8_lossy(&rep.stderr)
    );
    assert_eq!(
        fake.requests.load(std::sync::atomic::Ordering::SeqCst),
        160,
        "replay calls nothing"
    );
    let table = |d: &Path| std::fs::read(d.join("calibration.csv")).unwrap();
    assert_eq!(table(&rec_dir), table(&rep_dir));
    // A larger sample needs calls the cassette lacks: refused offline, with the command.
    let more = lamas(&["calibrate", f, "--items", "60"]);
    assert_bad_input(
        &more,
        "replay missing",
        &[
            "80 of the calibration's 240 distinct calls are not in the cassette".into(),
            "--llm record --budget 80".into(),
        ],
    );
}

/// Each fixture of `tests/data/invalid-calibrations/` (a scenario and its `# args:`) is bad
/// input with the message its `# expect:` lines give; a bad `--set` is placed like a run's.
#[test]
fn bad_calibrations_are_refused_with_one_message() {
    for f in fixtures("tests/data/invalid-calibrations") {
        let mut args = vec!["calibrate".to_string(), f.rel.clone()];
        args.extend(f.args.iter().cloned());
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = lamas(&args);
        assert_bad_input(&out, &f.rel, &f.expects);
    }
    let dir = tempfile::tempdir().unwrap();
    let file = scenario(dir.path(), 1, "http://127.0.0.1:9/v1");
    let out = lamas(&[
        "calibrate",
        file.to_str().unwrap(),
        "--set",
        "tasks.answers=x",
    ]);
    assert_bad_input(&out, "--set", &["tasks.answers".into()]);
}

/// The committed calibrations of `sim-vs-llm` (SmolLM2-135M) and `sim-vs-llm-qwen`
/// (Qwen2.5-Coder-0.5B) replay, offline, to the committed tables byte for byte, and each
/// scenario's calibrated groups are its fragment's (with their counts at 0: the experiment
/// switches them on).
#[test]
fn the_committed_calibrations_replay_and_the_scenarios_use_them() {
    for id in ["sim-vs-llm", "sim-vs-llm-qwen"] {
        let dir = tempfile::tempdir().unwrap();
        let scenario = format!("scenarios/{id}.toml");
        let out = lamas(&[
            "calibrate",
            &scenario,
            "--items",
            "300",
            "--seed",
            "11",
            "--out",
            dir.path().to_str().unwrap(),
        ]);
        assert!(
            out.status.success(),
            "{id}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let committed = crate::support::root().join(format!("results/{id}/calibration"));
        let read = |d: &Path, f: &str| std::fs::read_to_string(d.join(f)).unwrap();
        assert_eq!(
            read(dir.path(), "calibration.csv"),
            read(&committed, "calibration.csv"),
            "{id}"
        );
        let fragment = calibrated_groups(&read(dir.path(), "fragment.toml"));
        let scenario = calibrated_groups(&read(&crate::support::root(), &scenario));
        assert_eq!(fragment.len(), 3, "{id}");
        assert_eq!(fragment, scenario, "{id}");
    }
}

/// The `*-calibrated` groups of a scenario or fragment, without comments and counts.
fn calibrated_groups(text: &str) -> Vec<String> {
    text.split("[[population]]")
        .skip(1)
        .filter(|g| g.contains("-calibrated\""))
        .map(|g| {
            g.lines()
                .filter(|l| !l.starts_with('#') && !l.trim().is_empty() && !l.starts_with("count"))
                .map(|l| l.split('#').next().unwrap().trim().to_string())
                .collect::<Vec<_>>()
                .join("\n")
        })
        .collect()
}

/// The committed `--latent` calibrations of the `diversity` scenario (its fifteen profiles of
/// three models, on two-digit products and on four-option multiple choice) replay offline to the
/// committed tables byte for byte: the pairwise table of `experiments/diversity/README.md`.
#[test]
fn the_diversity_calibrations_replay_byte_for_byte() {
    for (family, sets) in [
        ("products", vec![]),
        (
            "choice",
            vec!["bank.families=[\"choice(2)\"]", "tasks.answers=4"],
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let mut args = vec!["calibrate", "scenarios/diversity.toml", "--latent"];
        args.extend(["--items", "150", "--replicas", "2", "--seed", "11"]);
        for s in &sets {
            args.extend(["--set", s]);
        }
        args.extend(["--out", dir.path().to_str().unwrap()]);
        let out = lamas(&args);
        assert!(
            out.status.success(),
            "{family}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let committed =
            crate::support::root().join(format!("results/diversity/calibration-{family}"));
        let read = |d: &Path| std::fs::read_to_string(d.join("calibration.csv")).unwrap();
        assert_eq!(read(dir.path()), read(&committed), "{family}");
    }
}

/// `--latent` on the committed SmolLM2 cassette (three profiles of one model): the profiles'
/// shared item effects predict the correlation of two profiles' correctness that the
/// independent-given-δ workers miss (observed 0.54 [0.43, 0.63] for `terse` and `careful`,
/// predicted 0.28 without the effects), and the fragment, with its loadings, pastes into the
/// scenario and runs.
#[test]
fn latent_item_effects_predict_the_correlation_of_profiles_of_one_model() {
    let dir = tempfile::tempdir().unwrap();
    let calibrate = |latent: bool, out: &Path| {
        let mut args = vec![
            "calibrate",
            "scenarios/sim-vs-llm.toml",
            "--items",
            "300",
            "--seed",
            "11",
        ];
        if latent {
            args.push("--latent");
        }
        args.extend(["--out", out.to_str().unwrap()]);
        let run = lamas(&args);
        assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
        std::fs::read_to_string(out.join("calibration.csv")).unwrap()
    };
    let with = calibrate(true, &dir.path().join("latent"));
    let without = calibrate(false, &dir.path().join("plain"));
    let pair = |csv: &str| {
        let c: Vec<String> = csv
            .lines()
            .find(|l| l.starts_with("terse+careful,correlation,"))
            .unwrap()
            .split(',')
            .map(str::to_string)
            .collect();
        let f = |i: usize| c[i].parse::<f64>().unwrap();
        (f(2), f(3), f(4), f(6))
    };
    let (observed, lo, hi, latent) = pair(&with);
    let (_, _, _, plain) = pair(&without);
    assert!(
        (lo..=hi).contains(&latent),
        "latent prediction {latent} outside [{lo}, {hi}]"
    );
    assert!(
        !(lo..=hi).contains(&plain),
        "the plain prediction {plain} was already inside"
    );
    assert!((latent - observed).abs() < (plain - observed).abs() / 4.0);
    for p in ["terse", "careful", "sampler"] {
        let row = with
            .lines()
            .find(|l| l.starts_with(&format!("{p},item_loading,")))
            .unwrap_or_else(|| panic!("{p}: no item_loading row"));
        let v: f64 = row.split(',').nth(2).unwrap().parse().unwrap();
        assert!(v > 0.0 && v <= 10.0, "{row}");
    }
    // The fragment's groups, loadings and all, are valid scenario groups.
    let fragment = std::fs::read_to_string(dir.path().join("latent/fragment.toml")).unwrap();
    assert!(fragment.contains("item_loading = ") && fragment.contains("model = \"SmolLM2"));
    let scenario = format!(
        "ticks = 20\n[tasks]\nsubtasks = 1\ndomains = 2\nanswers = 10\n[bank]\nfamilies = [\"addition(1)\", \"addition(2)\"]\n{fragment}"
    );
    let sc = crate::support::scenario(&scenario);
    assert!(sc.groups.iter().all(|g| g.item_loading > 0.0));
    lamas::sim::run(&sc, 1);
}

/// `--latent` where a profile is right on every item of a source (Qwen2.5-Coder-0.5B on one-digit
/// sums, `sim-vs-llm-qwen`): the independent fit's skill there is exactly 1, and the latent fit,
/// started a prior's width out, ends with a finite intercept — a skill just under 1 that the
/// fragment writes in full, so the calibrated worker is not "always right".
#[test]
fn latent_fit_of_a_source_always_right_keeps_a_finite_skill() {
    let dir = tempfile::tempdir().unwrap();
    let out = lamas(&[
        "calibrate",
        "scenarios/sim-vs-llm-qwen.toml",
        "--items",
        "300",
        "--seed",
        "11",
        "--latent",
        "--out",
        dir.path().to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let fragment = std::fs::read_to_string(dir.path().join("fragment.toml")).unwrap();
    let terse = fragment
        .split("name = \"terse-calibrated\"")
        .nth(1)
        .unwrap();
    let skills = terse.lines().find(|l| l.starts_with("skill = [")).unwrap();
    let list = skills["skill = [".len()..].split(']').next().unwrap();
    let first: f64 = list.split(',').next().unwrap().trim().parse().unwrap();
    assert!(first > 0.99 && first < 1.0, "{skills}");
}

/// The `diversity` scenario's simulated groups are its committed calibrations: each `sim-<p>`
/// group has the products fragment's `<p>-calibrated` values, and the experiment sets the
/// multiple-choice fragment's with the family (the second value of each zipped key; a key the
/// zip leaves out has one value in both fragments).
#[test]
fn the_diversity_simulated_groups_are_the_committed_calibrations() {
    let root = crate::support::root();
    let read = |p: &str| -> toml::Table {
        toml::from_str(&std::fs::read_to_string(root.join(p)).unwrap()).unwrap()
    };
    let groups = |t: &toml::Table| -> Vec<toml::Table> {
        t["population"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g.as_table().unwrap().clone())
            .collect()
    };
    let scenario = groups(&read("scenarios/diversity.toml"));
    let exp = read("experiments/diversity/experiment.toml");
    let zip = exp["zip"].as_array().unwrap()[0]
        .as_table()
        .unwrap()
        .clone();
    let mut checked = 0;
    for (family, index) in [("products", 0usize), ("choice", 1)] {
        let fragment = groups(&read(&format!(
            "results/diversity/calibration-{family}/fragment.toml"
        )));
        for fit in &fragment {
            let profile = fit["name"]
                .as_str()
                .unwrap()
                .trim_end_matches("-calibrated");
            let name = format!("sim-{profile}");
            let sim = scenario
                .iter()
                .find(|g| g["name"].as_str() == Some(name.as_str()))
                .unwrap_or_else(|| panic!("no group {name}"));
            for key in [
                "skill",
                "accuracy",
                "item_loading",
                "model",
                "model_loading",
                "shared",
                "lure",
            ] {
                let zipped = zip.get(&format!("population.{name}.{key}"));
                let value = match zipped {
                    Some(v) => v.as_array().unwrap()[index].clone(),
                    None => sim[key].clone(),
                };
                assert_eq!(value, fit[key], "{family}: {name}.{key}");
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 2 * 15 * 7);
}
