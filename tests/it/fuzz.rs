//! A process-level fuzzer of the three parsers: scenario, experiment and game files.
//!
//! Each case is a file of the corpus (the bundled scenarios, experiments and games, and the
//! fixtures of bad input under `tests/data/`) mutated a few times — bytes flipped, inserted or
//! cut, lines repeated, swapped, dropped or stretched to tens of thousands of characters, values
//! replaced by edge values — written to a temporary folder and given to `lamas validate` (scenarios
//! and experiments) or `lamas credit` (games) in a process of its own. A case passes when the
//! process exits 0, 1 (a computation failed on valid input, with a message) or 2 (bad input),
//! never panics (exit 101) or dies of a signal, answers within 60 s (the work budget of `lamas
//! credit` admits about 10 s of computation, which a loaded machine may stretch several times),
//! prints at most 1 MB, and writes nothing. Failing inputs are kept in `target/fuzz-failures/`; once fixed, they join the
//! corpus under `tests/data/fuzz-corpus/<parser>/`.
//!
//! The suite runs a short, fixed-seed campaign of each parser. By hand, for 30 minutes per parser
//! (`LAMAS_FUZZ_PARSERS` picks some of `scenario,experiment,game`; `LAMAS_FUZZ_BIN` runs a copy of
//! the binary, so that building meanwhile does not swap it):
//!
//! ```text
//! LAMAS_FUZZ_SECONDS=1800 LAMAS_FUZZ_SEED=7 cargo test --test it fuzz::by_hand -- --ignored --nocapture
//! LAMAS_FUZZ_PARSERS=game LAMAS_FUZZ_BIN=/tmp/lamas LAMAS_FUZZ_SECONDS=1800 cargo test --test it fuzz::by_hand -- --ignored --nocapture
//! ```

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::root;

/// The parsers, their corpus folders and the command that reads their files.
const PARSERS: [(&str, &[&str], &str); 3] = [
    (
        "scenario",
        &[
            "scenarios",
            "tests/data/invalid",
            "tests/data/fuzz-corpus/scenario",
        ],
        "validate",
    ),
    (
        "experiment",
        &[
            "tests/data/invalid-experiments",
            "tests/data/fuzz-corpus/experiment",
        ],
        "validate",
    ),
    (
        "game",
        &[
            "scenarios/games",
            "tests/data/invalid-games",
            "tests/data/fuzz-corpus/game",
        ],
        "credit",
    ),
];

/// Edge values a mutation may put in place of a value.
const EDGES: &[&str] = &[
    "0",
    "-1",
    "1e308",
    "-1e308",
    "nan",
    "inf",
    "4294967295",
    "9223372036854775807",
    "1000000",
    "0.0",
    "-0.0",
    "\"\"",
    "[]",
    "{}",
    "\"x\"",
    "true",
    "1e-320",
    "9999998",
];

/// A small deterministic generator (SplitMix64): the fuzzer must not depend on the simulator.
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// The corpus of a parser: every `.toml`/`.json` file of its folders (experiments: the bundled
/// `experiments/*/experiment.toml` too).
fn corpus(folders: &[&str], kind: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    let mut add = |p: PathBuf| {
        if p.extension().is_some_and(|e| e == "toml" || e == "json")
            && let Ok(b) = std::fs::read(&p)
        {
            files.push((p, b));
        }
    };
    for f in folders {
        for e in std::fs::read_dir(root().join(f))
            .into_iter()
            .flatten()
            .flatten()
        {
            add(e.path());
        }
    }
    if kind == "experiment" {
        for e in std::fs::read_dir(root().join("experiments"))
            .into_iter()
            .flatten()
            .flatten()
        {
            add(e.path().join("experiment.toml"));
        }
    }
    files.sort();
    files
}

/// One mutation of `b`.
fn mutate(g: &mut Gen, b: &mut Vec<u8>) {
    let lines =
        |b: &Vec<u8>| -> Vec<Vec<u8>> { b.split(|&c| c == b'\n').map(<[u8]>::to_vec).collect() };
    let join = |ls: Vec<Vec<u8>>| ls.join(&b'\n');
    match g.below(9) {
        0 if !b.is_empty() => {
            let i = g.below(b.len());
            b[i] ^= 1 << g.below(8);
        }
        1 => {
            let i = g.below(b.len() + 1);
            b.insert(i, g.next() as u8);
        }
        2 if !b.is_empty() => {
            let i = g.below(b.len());
            let n = g.below(16).min(b.len() - i);
            b.drain(i..i + n);
        }
        3 => {
            let mut ls = lines(b);
            let i = g.below(ls.len());
            let times = 1 + g.below(2000);
            let l = ls[i].clone();
            ls.splice(i..i, std::iter::repeat_n(l, times));
            *b = join(ls);
        }
        4 => {
            let mut ls = lines(b);
            let (i, j) = (g.below(ls.len()), g.below(ls.len()));
            ls.swap(i, j);
            *b = join(ls);
        }
        5 => {
            let mut ls = lines(b);
            if ls.len() > 1 {
                ls.remove(g.below(ls.len()));
            }
            *b = join(ls);
        }
        6 => {
            let mut ls = lines(b);
            let i = g.below(ls.len());
            let mut wide = vec![b' '; 60_000 + g.below(20_000)];
            wide.extend_from_slice(&ls[i]);
            ls[i] = wide;
            *b = join(ls);
        }
        7 => {
            let mut ls = lines(b);
            let i = g.below(ls.len());
            if let Some(eq) = ls[i].windows(3).position(|w| w == b" = ") {
                let edge = EDGES[g.below(EDGES.len())].as_bytes();
                ls[i].truncate(eq + 3);
                ls[i].extend_from_slice(edge);
            }
            *b = join(ls);
        }
        _ => {
            let mut ls = lines(b);
            let i = g.below(ls.len());
            if let Some(eq) = ls[i].windows(3).position(|w| w == b" = ") {
                let items: Vec<&str> = (0..3000).map(|_| "\"nope\"").collect();
                ls[i].truncate(eq + 3);
                ls[i].extend_from_slice(format!("[{}]", items.join(", ")).as_bytes());
            }
            *b = join(ls);
        }
    }
}

/// Why a case failed, if it did.
fn run_case(cmd: &str, file: &Path, dir: &Path) -> Option<String> {
    let before: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    let bin =
        std::env::var("LAMAS_FUZZ_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_lamas").into());
    let mut child = Command::new(bin)
        .args([cmd, file.to_str().unwrap()])
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("lamas runs");
    // Drain both pipes while waiting: a child writing more than a pipe holds would otherwise
    // block and look hung.
    let drain = |mut r: Box<dyn std::io::Read + Send>| {
        std::thread::spawn(move || {
            let mut b = Vec::new();
            let _ = r.read_to_end(&mut b);
            b
        })
    };
    let out_reader = drain(Box::new(child.stdout.take().unwrap()));
    let err_reader = drain(Box::new(child.stderr.take().unwrap()));
    let started = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if started.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            let _ = child.wait();
            return Some("no answer within 60 s".into());
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    let (stdout, stderr_bytes) = (out_reader.join().unwrap(), err_reader.join().unwrap());
    let code = status.code();
    let stderr = String::from_utf8_lossy(&stderr_bytes);
    if !matches!(code, Some(0..=2)) || stderr.contains("panicked") {
        return Some(format!(
            "exit {code:?}: {}",
            stderr.chars().take(400).collect::<String>()
        ));
    }
    if stderr_bytes.len() + stdout.len() > 1 << 20 {
        return Some(format!(
            "{} bytes of output",
            stderr_bytes.len() + stdout.len()
        ));
    }
    let after: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    (after != before).then(|| "wrote a file".to_string())
}

/// Runs `cases` cases (or until `seconds` pass) of each parser named in `parsers` from `seed`;
/// returns the cases run and the failures, keeping each failing input under
/// `target/fuzz-failures/`.
fn campaign(
    parsers: &[&str],
    seed: u64,
    cases: usize,
    seconds: Option<u64>,
) -> (usize, Vec<String>) {
    // Cases go to `a/b/c/` of a temporary folder in which `scenarios` (and `a/scenarios`) lead
    // to the bundled ones, so that an experiment's `../../scenarios/x.toml` (or three levels up)
    // resolves as it does in the repository.
    let dir = tempfile::tempdir().unwrap();
    let cases_dir = dir.path().join("a/b/c");
    std::fs::create_dir_all(&cases_dir).unwrap();
    for link in [dir.path().join("scenarios"), dir.path().join("a/scenarios")] {
        std::os::unix::fs::symlink(root().join("scenarios"), link).unwrap();
    }
    let (mut ran, mut failures) = (0, Vec::new());
    for (k, (kind, folders, cmd)) in PARSERS.iter().enumerate() {
        if !parsers.contains(kind) {
            continue;
        }
        let files = corpus(folders, kind);
        assert!(!files.is_empty(), "no corpus for {kind}");
        let mut g = Gen(seed.wrapping_mul(31).wrapping_add(k as u64));
        let (started, before) = (Instant::now(), ran);
        for case in 0.. {
            let done = match seconds {
                Some(s) => started.elapsed() > Duration::from_secs(s),
                None => case >= cases,
            };
            if done {
                break;
            }
            let (src, bytes) = &files[g.below(files.len())];
            let mut b = bytes.clone();
            for _ in 0..1 + g.below(4) {
                mutate(&mut g, &mut b);
            }
            let ext = src.extension().unwrap().to_str().unwrap();
            let file = cases_dir.join(format!("case.{ext}"));
            std::fs::write(&file, &b).unwrap();
            let failure = run_case(cmd, &file, &cases_dir);
            let _ = std::fs::remove_file(&file);
            ran += 1;
            if let Some(why) = failure {
                let keep = root().join("target/fuzz-failures");
                let _ = std::fs::create_dir_all(&keep);
                let name = format!("{kind}-{seed}-{case}.{ext}");
                let _ = std::fs::write(keep.join(&name), &b);
                failures.push(format!(
                    "{kind} case {case} (target/fuzz-failures/{name}): {why}"
                ));
            }
        }
        if seconds.is_some() {
            let minutes = started.elapsed().as_secs_f64() / 60.0;
            println!("fuzz {kind}: {} cases in {minutes:.1} min", ran - before);
        }
    }
    (ran, failures)
}

/// A short fixed-seed campaign of each parser.
#[test]
fn the_parsers_survive_a_short_fuzzing_campaign() {
    let (ran, failures) = campaign(&["scenario", "experiment", "game"], 1, 40, None);
    assert_eq!(ran, 120);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The long campaign, by hand (`LAMAS_FUZZ_SECONDS` per parser, `LAMAS_FUZZ_SEED`,
/// `LAMAS_FUZZ_PARSERS`, `LAMAS_FUZZ_BIN`).
#[test]
#[ignore = "run by hand for minutes: see the module's documentation"]
fn by_hand() {
    let seconds = std::env::var("LAMAS_FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60);
    let seed = std::env::var("LAMAS_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(7);
    let parsers =
        std::env::var("LAMAS_FUZZ_PARSERS").unwrap_or_else(|_| "scenario,experiment,game".into());
    let parsers: Vec<&str> = parsers.split(',').map(str::trim).collect();
    let started = Instant::now();
    let (ran, failures) = campaign(&parsers, seed, usize::MAX, Some(seconds));
    println!(
        "fuzz: {ran} cases in {:.1} min, {} failures",
        started.elapsed().as_secs_f64() / 60.0,
        failures.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
