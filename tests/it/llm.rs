//! Model-backed workers against a fake endpoint on 127.0.0.1 ([`crate::fake_model`]): record
//! and replay give bit-identical tables whatever the concurrency and the order of the replies, a
//! call missing from the cassette is bad input naming the count, every endpoint failure stops
//! the run with a clear message and a valid cassette, a killed recording resumes, strategies
//! that do not work never call the model, and the API key is never written anywhere. The same
//! paths against the real model are in [`crate::llm_live`].

use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Duration;

use lamas::llm::Cassette;

use crate::fake_model::{Behaviour, FakeModel};
use crate::support::lamas;

/// A team of 6 model-backed workers (two profiles) and 2 shirkers, majority of 3, writing to
/// `dir/team.toml` with its cassette `dir/team.cassette.jsonl`.
pub fn team(dir: &Path, url: &str, concurrency: u32, ticks: u32, extra_profile: &str) -> PathBuf {
    let text = format!(
        r#"ticks = {ticks}
seed = 3
[tasks]
arrival_rate = 1
subtasks = 2
domains = 2
deadline = 5
[bank]
families = ["addition(2)", "comparison(3)"]
[assignment]
policy = "round_robin"
redundancy = 3
[credit]
mechanism = "shapley"
[llm]
cassette = "team.cassette.jsonl"
[[llm.profile]]
name = "a"
base_url = "{url}"
model = "fake"
system = "You are careful."
concurrency = {concurrency}
timeout = 1
{extra_profile}
[[llm.profile]]
name = "b"
base_url = "{url}"
model = "fake"
temperature = 0.7
seed_by = "agent"
concurrency = {concurrency}
timeout = 1
{extra_profile}
[[population]]
name = "a"
count = 3
llm = "a"
[[population]]
name = "b"
count = 3
llm = "b"
[[population]]
name = "shirkers"
count = 2
strategy = "shirker"
llm = "a"
"#
    );
    write_scenario(dir, &text)
}

/// Writes `text` to `dir/team.toml` (creating `dir`) and returns the path.
pub fn write_scenario(dir: &Path, text: &str) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    let path = dir.join("team.toml");
    std::fs::write(&path, text).unwrap();
    path
}

/// Starts `lamas run SCENARIO --llm record --out DIR/OUT` in the background, its stderr piped.
pub fn spawn_recording(scenario: &Path, out: &str) -> std::process::Child {
    std::process::Command::new(env!("CARGO_BIN_EXE_lamas"))
        .args([
            "run",
            scenario.to_str().unwrap(),
            "--llm",
            "record",
            "--out",
        ])
        .arg(scenario.with_file_name(out))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap()
}

/// `lamas run SCENARIO --out DIR/OUT --llm MODE`.
pub fn run(scenario: &Path, out: &str, mode: &str) -> Output {
    let dir = scenario.parent().unwrap().join(out);
    lamas(&[
        "run",
        scenario.to_str().unwrap(),
        "--out",
        dir.to_str().unwrap(),
        "--llm",
        mode,
    ])
}

/// Asserts success, showing stderr otherwise.
pub fn ok(out: &Output, what: &str) {
    assert_eq!(
        out.status.code(),
        Some(0),
        "{what}:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Asserts that two runs' tables (summary and time series) are byte for byte the same.
pub fn same_tables(a: &Path, b: &Path) {
    for f in ["summary.json", "timeseries.parquet"] {
        let (x, y) = (
            std::fs::read(a.join(f)).unwrap(),
            std::fs::read(b.join(f)).unwrap(),
        );
        assert!(
            x == y,
            "{f} differs between {} and {}",
            a.display(),
            b.display()
        );
    }
}

/// Asserts that two runs answered by separate recordings got the same results: the same time
/// series, and the same metrics but for the latency, which each recording measures anew.
pub fn same_results(a: &Path, b: &Path) {
    let ts = |d: &Path| std::fs::read(d.join("timeseries.parquet")).unwrap();
    assert!(
        ts(a) == ts(b),
        "timeseries.parquet differs between {} and {}",
        a.display(),
        b.display()
    );
    let summary = |d: &Path| {
        let mut v: serde_json::Value =
            serde_json::from_slice(&std::fs::read(d.join("summary.json")).unwrap()).unwrap();
        // Latencies, in all and per profile, are measured anew by each recording.
        v.as_object_mut()
            .unwrap()
            .retain(|k, _| !k.starts_with("llm_latency_mean_ms"));
        v
    };
    assert_eq!(
        summary(a),
        summary(b),
        "{} and {}",
        a.display(),
        b.display()
    );
}

/// The calls in a cassette.
pub fn calls(path: &Path) -> usize {
    Cassette::replay(path).expect("a valid cassette").len()
}

#[test]
fn record_then_replay_is_bit_identical_whatever_the_concurrency() {
    let fake = FakeModel::start(Behaviour::Answer { jitter_ms: 25 });
    let root = tempfile::tempdir().unwrap();
    let wide = team(&root.path().join("wide"), &fake.url, 8, 25, "");
    ok(&run(&wide, "rec", "record"), "record, concurrency 8");
    ok(&run(&wide, "rep", "replay"), "replay");
    same_tables(&wide.with_file_name("rec"), &wide.with_file_name("rep"));
    let narrow = team(&root.path().join("narrow"), &fake.url, 1, 25, "");
    ok(&run(&narrow, "rec", "record"), "record, concurrency 1");
    same_results(&wide.with_file_name("rec"), &narrow.with_file_name("rec"));
    // The cassettes hold the same calls and replies (their latencies differ), sorted by key
    // once the recording finished.
    let cassette = |p: &Path| {
        let text = std::fs::read_to_string(p.with_file_name("team.cassette.jsonl")).unwrap();
        text.lines()
            .map(|l| {
                let mut v: serde_json::Value = serde_json::from_str(l).unwrap();
                v["reply"].as_object_mut().unwrap().remove("latency_ms");
                v
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(cassette(&wide), cassette(&narrow));
    let summary: serde_json::Value = serde_json::from_slice(
        &std::fs::read(wide.with_file_name("rec").join("summary.json")).unwrap(),
    )
    .unwrap();
    let answers = summary["llm_answers"].as_f64().unwrap();
    assert!(answers > 50.0, "{answers}");
    // Identical requests (profile `a` at one seed) are one call: fewer calls than answers.
    assert!((calls(&wide.with_file_name("team.cassette.jsonl")) as f64) < answers);
    // The manifest names the mode and the cassette's hash.
    let manifest =
        std::fs::read_to_string(wide.with_file_name("rep").join("manifest.json")).unwrap();
    assert!(manifest.contains("\"mode\": \"replay\"") && manifest.contains("cassette_sha256"));
}

#[test]
fn a_call_missing_from_the_cassette_is_bad_input_naming_the_count() {
    let fake = FakeModel::start(Behaviour::Answer { jitter_ms: 0 });
    let root = tempfile::tempdir().unwrap();
    let sc = team(root.path(), &fake.url, 4, 15, "");
    ok(&run(&sc, "rec", "record"), "record");
    let cassette = sc.with_file_name("team.cassette.jsonl");
    let text = std::fs::read_to_string(&cassette).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let kept: String = lines
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != 3)
        .map(|(_, l)| format!("{l}\n"))
        .collect();
    std::fs::write(&cassette, kept).unwrap();
    let out = run(&sc, "rep", "replay");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("1 model call is not in the cassette"), "{err}");
    assert!(err.contains("--llm record"), "{err}");
    assert!(
        !sc.with_file_name("rep").exists(),
        "a stopped replay wrote output"
    );
    // Recording again adds exactly the missing call.
    let before = calls(&cassette);
    ok(&run(&sc, "rec2", "record"), "record the missing call");
    assert_eq!(calls(&cassette), before + 1);
    same_results(&sc.with_file_name("rec"), &sc.with_file_name("rec2"));
}

#[test]
fn every_endpoint_failure_stops_the_run_with_a_clear_message_and_a_valid_cassette() {
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}/v1", l.local_addr().unwrap())
    }; // nothing listens there any more
    let cases: Vec<(Option<Behaviour>, &str, &str)> = vec![
        (Some(Behaviour::Status(500)), "HTTP 500", "after 3 attempts"),
        (Some(Behaviour::Status(404)), "HTTP 404", "after 1 attempt:"),
        (
            Some(Behaviour::Garbage),
            "is not a chat completion",
            "after 1 attempt:",
        ),
        (
            Some(Behaviour::Slow(Duration::from_secs(3))),
            "no answer within the timeout of 1 s",
            "after 3 attempts",
        ),
        (None, "cannot be reached", "after 3 attempts"),
    ];
    for (behaviour, says, attempts) in cases {
        let fake = behaviour.map(FakeModel::start);
        let url = fake.as_ref().map_or(closed.clone(), |f| f.url.clone());
        let root = tempfile::tempdir().unwrap();
        let sc = team(root.path(), &url, 2, 5, "");
        let out = run(&sc, "rec", "record");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{says}: {err}");
        assert!(
            err.contains(says) && err.contains(attempts),
            "{says}: {err}"
        );
        assert!(
            err.contains("the cassette") && err.contains("is valid"),
            "{err}"
        );
        assert!(!err.contains("panicked"), "{err}");
        calls(&sc.with_file_name("team.cassette.jsonl"));
        assert!(
            !sc.with_file_name("rec").exists(),
            "a failed recording wrote output"
        );
    }
}

#[test]
fn a_server_that_stops_midway_leaves_a_cassette_that_recording_completes() {
    let root = tempfile::tempdir().unwrap();
    let dying = FakeModel::start(Behaviour::StopAfter {
        answers: 12,
        pause_ms: 5,
    });
    let sc = team(root.path(), &dying.url, 2, 20, "retries = 1");
    let out = run(&sc, "rec", "record");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("cannot be reached"), "{err}");
    let cassette = sc.with_file_name("team.cassette.jsonl");
    let kept = calls(&cassette);
    assert!(kept >= 12, "{kept} calls kept");
    // Another server (another address: the cassette does not depend on it) completes it.
    let healthy = FakeModel::start(Behaviour::Answer { jitter_ms: 5 });
    let sc = team(root.path(), &healthy.url, 2, 20, "retries = 1");
    ok(&run(&sc, "rec", "record"), "resumed recording");
    assert!(calls(&cassette) > kept);
    ok(&run(&sc, "rep", "replay"), "replay");
    same_tables(&sc.with_file_name("rec"), &sc.with_file_name("rep"));
    // The same tables as a recording that was never interrupted.
    let fresh = team(
        &root.path().join("fresh"),
        &healthy.url,
        2,
        20,
        "retries = 1",
    );
    ok(&run(&fresh, "rec", "record"), "uninterrupted recording");
    same_results(&sc.with_file_name("rec"), &fresh.with_file_name("rec"));
}

#[test]
fn kill_9_while_recording_leaves_a_cassette_that_a_resumed_recording_completes() {
    let fake = FakeModel::start(Behaviour::Answer { jitter_ms: 60 });
    let root = tempfile::tempdir().unwrap();
    let sc = team(root.path(), &fake.url, 2, 30, "");
    let cassette = sc.with_file_name("team.cassette.jsonl");
    let mut child = spawn_recording(&sc, "killed");
    let started = std::time::Instant::now();
    while std::fs::read_to_string(&cassette).map_or(0, |t| t.lines().count()) < 8 {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "no calls recorded"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let kept = calls(&cassette);
    assert!(kept >= 8);
    ok(&run(&sc, "rec", "record"), "resumed recording");
    ok(&run(&sc, "rep", "replay"), "replay");
    same_tables(&sc.with_file_name("rec"), &sc.with_file_name("rep"));
}

#[test]
fn the_api_key_comes_from_the_environment_and_is_written_nowhere() {
    let key = "sekrit-key-4242";
    let fake = FakeModel::start(Behaviour::NeedsKey(key.into()));
    let root = tempfile::tempdir().unwrap();
    let sc = team(
        root.path(),
        &fake.url,
        2,
        6,
        "api_key_env = \"LAMAS_TEST_KEY\"",
    );
    let args = ["run", sc.to_str().unwrap(), "--llm", "record", "--out"];
    let out_dir = sc.with_file_name("rec");
    let mut with_args: Vec<&str> = args.to_vec();
    with_args.push(out_dir.to_str().unwrap());
    let out = crate::support::lamas_with_env(&with_args, &[("LAMAS_TEST_KEY", "")]);
    // An empty variable is sent as it is, and refused by the endpoint (HTTP 401, not retried).
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("HTTP 401"));
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_lamas"))
        .args(&with_args)
        .env_remove("LAMAS_TEST_KEY")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("`LAMAS_TEST_KEY`, which is not set"), "{err}");
    let out = crate::support::lamas_with_env(&with_args, &[("LAMAS_TEST_KEY", key)]);
    ok(&out, "record with the key");
    let mut seen = String::from_utf8_lossy(&out.stdout).to_string();
    seen.push_str(&String::from_utf8_lossy(&out.stderr));
    for f in ["manifest.json", "summary.json"] {
        seen.push_str(&std::fs::read_to_string(out_dir.join(f)).unwrap());
    }
    seen.push_str(&std::fs::read_to_string(sc.with_file_name("team.cassette.jsonl")).unwrap());
    assert!(!seen.contains(key), "the key was written somewhere");
    assert!(
        seen.contains("LAMAS_TEST_KEY"),
        "the manifest names the variable"
    );
}

/// A team of two models behind two endpoints, one right on three items in four and one always
/// wrong, is recorded and replayed like any team, and its metrics are reported per profile:
/// the weak profile's accuracy is exactly 0, the per-profile answers, tokens and costs add up to
/// the totals, and the total accuracy is the answers-weighted mean of the profiles'.
#[test]
fn a_team_of_two_models_reports_each_profile_and_replays_bit_for_bit() {
    let good = FakeModel::start(Behaviour::Answer { jitter_ms: 5 });
    let weak = FakeModel::start(Behaviour::Wrong);
    let root = tempfile::tempdir().unwrap();
    let extra = "cost_per_input_token = 0.01\ncost_per_output_token = 0.02";
    let sc = team(root.path(), &good.url, 4, 30, extra);
    let text = std::fs::read_to_string(&sc).unwrap().replacen(
        &format!("base_url = \"{}\"\nmodel = \"fake\"\ntemperature", good.url),
        &format!("base_url = \"{}\"\nmodel = \"weak\"\ntemperature", weak.url),
        1,
    );
    std::fs::write(&sc, text).unwrap();
    ok(&run(&sc, "rec", "record"), "record two endpoints");
    assert!(weak.requests.load(std::sync::atomic::Ordering::Relaxed) > 0);
    ok(&run(&sc, "rep", "replay"), "replay");
    same_tables(&sc.with_file_name("rec"), &sc.with_file_name("rep"));
    let s: serde_json::Value = serde_json::from_slice(
        &std::fs::read(sc.with_file_name("rep").join("summary.json")).unwrap(),
    )
    .unwrap();
    let m = |k: &str| s[k].as_f64().unwrap_or_else(|| panic!("{k} in {s}"));
    assert_eq!(m("llm_accuracy[b]"), 0.0, "the weak model is never right");
    assert!(
        (0.4..0.95).contains(&m("llm_accuracy[a]")),
        "{}",
        m("llm_accuracy[a]")
    );
    for stat in ["llm_answers", "llm_prompt_tokens", "llm_completion_tokens"] {
        assert_eq!(
            m(stat),
            m(&format!("{stat}[a]")) + m(&format!("{stat}[b]")),
            "{stat}"
        );
    }
    assert!((m("llm_cost") - m("llm_cost[a]") - m("llm_cost[b]")).abs() < 1e-9);
    let weighted = m("llm_accuracy[a]") * m("llm_answers[a]") / m("llm_answers");
    assert!((m("llm_accuracy") - weighted).abs() < 1e-12);
}

/// A group backed by a list of profiles: its members take them in turn (member m the entry
/// m mod 2), so under round-robin routing the two models answer alike numbers of subtasks, and
/// only the weak one's answers are all wrong.
#[test]
fn a_group_whose_members_take_two_profiles_in_turn() {
    let good = FakeModel::start(Behaviour::Answer { jitter_ms: 0 });
    let weak = FakeModel::start(Behaviour::Wrong);
    let sc = crate::support::scenario(&format!(
        r#"ticks = 60
[tasks]
arrival_rate = 2
subtasks = 1
domains = 1
[bank]
families = ["addition(1)"]
[assignment]
policy = "round_robin"
[llm]
[[llm.profile]]
name = "good"
base_url = "{}"
model = "fake"
[[llm.profile]]
name = "weak"
base_url = "{}"
model = "weak"
[[population]]
name = "team"
count = 4
llm = ["good", "weak"]
"#,
        good.url, weak.url
    ));
    assert_eq!(sc.groups[0].llm, vec![0, 1]);
    assert_eq!(
        (0..4).map(|m| sc.groups[0].profile(m)).collect::<Vec<_>>(),
        [Some(0), Some(1), Some(0), Some(1)]
    );
    let l = live_ledger(&sc);
    let (g, w) = (&l.llm_by_profile[0], &l.llm_by_profile[1]);
    assert!(
        g.answers > 40 && g.answers.abs_diff(w.answers) <= 2,
        "{g:?} {w:?}"
    );
    assert!(g.correct > g.answers / 2, "{g:?}");
    assert_eq!(w.correct, 0, "{w:?}");
    assert_eq!(l.llm.answers, g.answers + w.answers);
}

/// A scenario of one model-backed group of 8 playing `strategy`, about 400 subtasks, no loss.
fn lone_group(url: &str, strategy: &str) -> lamas::scenario::Scenario {
    crate::support::scenario(&format!(
        r#"ticks = 100
[tasks]
arrival_rate = 2
subtasks = 2
domains = 1
[bank]
families = ["addition(1)"]
[llm]
[[llm.profile]]
name = "m"
base_url = "{url}"
model = "fake"
seed_by = "agent"
[[population]]
name = "g"
count = 8
strategy = "{strategy}"
llm = "m"
"#
    ))
}

/// Runs `sc` live against the fake endpoint and returns its ledger.
fn live_ledger(sc: &lamas::scenario::Scenario) -> lamas::sim::resources::Ledger {
    let setup = sc.llm.as_ref().unwrap();
    let models = lamas::llm::Models::open(setup, lamas::llm::Mode::Live).unwrap();
    let mut sim = lamas::sim::Simulation::with_models(sc, 5, models);
    while sim.tick() < sc.ticks {
        sim.try_step().unwrap();
    }
    sim.world
        .resource::<lamas::sim::resources::Ledger>()
        .clone()
}

#[test]
fn workers_that_do_not_work_never_call_their_model() {
    let fake = FakeModel::start(Behaviour::Answer { jitter_ms: 0 });
    for strategy in ["shirker", "copycat", "byzantine"] {
        let before = fake.requests.load(std::sync::atomic::Ordering::Relaxed);
        let l = live_ledger(&lone_group(&fake.url, strategy));
        assert_eq!(l.llm.answers, 0, "{strategy}");
        assert_eq!(
            fake.requests.load(std::sync::atomic::Ordering::Relaxed),
            before,
            "{strategy}"
        );
        assert!(
            l.subtasks_resolved > 300,
            "{strategy}: {}",
            l.subtasks_resolved
        );
    }
}

#[test]
fn a_partial_worker_asks_its_model_with_probability_e() {
    // The fake answers one-digit sums right unless the question's hash says otherwise (a
    // quarter), so honest model-backed workers are right about 3/4 of the time, and a
    // `partial(0.5)` worker asks for half of its subtasks and guesses the others.
    let fake = FakeModel::start(Behaviour::Answer { jitter_ms: 0 });
    let honest = live_ledger(&lone_group(&fake.url, "honest"));
    // With no loss every resolved subtask was worked once, by a model-backed worker that asked;
    // at most one answer per worker (capacity 1) was still on its way when the run ended.
    let in_flight = honest.llm.answers - honest.subtasks_resolved;
    assert!(in_flight <= 8, "{in_flight}");
    assert!(honest.llm.answers > 300, "{}", honest.llm.answers);
    let p = honest.llm.correct as f64 / honest.llm.answers as f64;
    assert!((0.65..0.85).contains(&p), "accuracy {p}");
    assert!(
        honest.llm.correct - honest.subtasks_correct <= in_flight,
        "consensus keeps the one answer"
    );
    assert_eq!(honest.llm.unparseable, 0);
    let half = live_ledger(&lone_group(&fake.url, "partial(0.5)"));
    let n = half.subtasks_resolved as f64;
    crate::support::assert_proportion("asked", half.llm.answers as f64, n, 0.5, 4.0);
}

/// Runs of a sweep that record into one cassette at once make each call once: with common seeds,
/// the two mechanisms' runs of a replicate ask the same calls at the same ticks, on 4 threads;
/// the endpoint is asked each distinct call exactly once and the cassette holds each once (a
/// call recorded twice, with two latencies, would make it invalid).
#[test]
fn concurrent_runs_recording_one_cassette_make_each_call_once() {
    let fake = FakeModel::start(Behaviour::Answer { jitter_ms: 30 });
    let root = tempfile::tempdir().unwrap();
    team(root.path(), &fake.url, 4, 12, "");
    std::fs::write(
        root.path().join("experiment.toml"),
        "id = \"llm-shared\"\nscenario = \"team.toml\"\nseed = 5\nreplicates = 2\nseeds = \"common\"\n\
         [axes]\ncredit.mechanism = [\"equal\", \"shapley\", \"loo\", \"banzhaf\"]\n",
    )
    .unwrap();
    let exp = root.path().join("experiment.toml");
    let o = root.path().join("rec");
    let r = lamas(&[
        "sweep",
        exp.to_str().unwrap(),
        "--jobs",
        "4",
        "--llm",
        "record",
        "--out",
        o.to_str().unwrap(),
    ]);
    ok(&r, "concurrent recording");
    let cassette =
        Cassette::replay(&root.path().join("team.cassette.jsonl")).expect("a valid cassette");
    let asked = fake.requests.load(std::sync::atomic::Ordering::SeqCst);
    assert_eq!(asked, cassette.len(), "each distinct call asked once");
    let replay = lamas(&[
        "sweep",
        exp.to_str().unwrap(),
        "--out",
        root.path().join("rep").to_str().unwrap(),
    ]);
    ok(&replay, "replay");
}

#[test]
fn a_recorded_sweep_replays_bit_identical_whatever_the_jobs() {
    let fake = FakeModel::start(Behaviour::Answer { jitter_ms: 10 });
    let root = tempfile::tempdir().unwrap();
    team(root.path(), &fake.url, 4, 12, "");
    std::fs::write(
        root.path().join("experiment.toml"),
        "id = \"llm-sweep\"\nscenario = \"team.toml\"\nseed = 5\nreplicates = 3\n\
         [axes]\ncredit.mechanism = [\"equal\", \"shapley\"]\n",
    )
    .unwrap();
    let exp = root.path().join("experiment.toml");
    let sweep = |out: &str, jobs: &str, mode: &str| {
        let o = root.path().join(out);
        let r = lamas(&[
            "sweep",
            exp.to_str().unwrap(),
            "--jobs",
            jobs,
            "--llm",
            mode,
            "--out",
            o.to_str().unwrap(),
        ]);
        ok(&r, &format!("sweep {out}"));
        o.join("llm-sweep")
    };
    let recorded = sweep("rec", "2", "record");
    let one = sweep("one", "1", "replay");
    let two = sweep("two", "2", "replay");
    for f in ["runs.parquet", "summary.csv"] {
        let read = |d: &Path| std::fs::read(d.join(f)).unwrap();
        assert!(read(&recorded) == read(&one), "{f}: record vs replay");
        assert!(read(&one) == read(&two), "{f}: --jobs 1 vs 2");
    }
    // A sweep whose cassette lacks calls fails its runs, naming what is missing.
    std::fs::write(root.path().join("team.cassette.jsonl"), "").unwrap();
    let o = root.path().join("empty");
    let r = lamas(&["sweep", exp.to_str().unwrap(), "--out", o.to_str().unwrap()]);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&r.stdout),
        String::from_utf8_lossy(&r.stderr)
    );
    assert_eq!(r.status.code(), Some(1), "{text}");
    assert!(text.contains("not in the cassette"), "{text}");
}
