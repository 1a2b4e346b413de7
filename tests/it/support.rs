//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use lamas::scenario::{self, Scenario};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A scenario from TOML text, panicking with the rendered message if it is invalid.
pub fn scenario(text: &str) -> Scenario {
    match scenario::from_str(text, Path::new("test.toml"), &[]) {
        Ok(s) => s,
        Err(e) => panic!("invalid test scenario: {}", lamas::command::render(&e)),
    }
}

/// A metric of a run by name, panicking if the run does not report it.
pub fn metric(out: &lamas::sim::RunOutput, name: &str) -> f64 {
    out.metrics
        .get(name)
        .unwrap_or_else(|| panic!("metric {name} missing"))
}

/// Runs the `lamas` binary with `args` in the repository root.
pub fn lamas(args: &[&str]) -> Output {
    lamas_with_env(args, &[])
}

/// Runs the `lamas` binary with `args` and extra environment variables.
pub fn lamas_with_env(args: &[&str], env: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lamas"))
        .args(args)
        .envs(env.iter().copied())
        .current_dir(root())
        .output()
        .expect("the lamas binary runs")
}

/// A fixture of bad input: its path relative to the repository and the values of its
/// `# expect:` lines (what the message must say) and `# args:` lines (flags to pass).
pub struct Fixture {
    /// Path relative to the repository root.
    pub rel: String,
    /// Text the message must contain.
    pub expects: Vec<String>,
    /// Extra command-line arguments.
    pub args: Vec<String>,
}

/// Every fixture in `dir` (relative to the repository), sorted by name; each must have at least
/// one `# expect:` line.
pub fn fixtures(dir: &str) -> Vec<Fixture> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join(dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|file| {
            let text = std::fs::read_to_string(&file).unwrap();
            let lines = |prefix: &str| -> Vec<String> {
                text.lines()
                    .filter_map(|l| l.strip_prefix(prefix))
                    .map(str::to_string)
                    .collect()
            };
            let rel = file
                .strip_prefix(root())
                .unwrap()
                .to_str()
                .unwrap()
                .to_string();
            let expects = lines("# expect: ");
            assert!(!expects.is_empty(), "{rel} has no `# expect:` line");
            let args = lines("# args: ")
                .iter()
                .flat_map(|l| l.split(' ').map(str::to_string))
                .collect();
            Fixture { rel, expects, args }
        })
        .collect()
}

/// Asserts that `out` is bad input (exit code 2, no panic) and that its message says every one of
/// `expects`; `what` names the case in failures.
pub fn assert_bad_input(out: &Output, what: &str, expects: &[String]) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{what}: exit code\n{stderr}");
    for e in expects {
        assert!(
            stderr.contains(e.as_str()),
            "{what}: message lacks `{e}`:\n{stderr}"
        );
    }
    assert!(!stderr.contains("panicked"), "{what}: panic\n{stderr}");
}

/// Asserts that an observed proportion `hits / n` is within `z` standard errors of `p`.
pub fn assert_proportion(what: &str, hits: f64, n: f64, p: f64, z: f64) {
    let phat = hits / n;
    let se = (p * (1.0 - p) / n).sqrt();
    assert!(
        (phat - p).abs() <= z * se + 1e-12,
        "{what}: observed {phat:.4} over {n} trials, expected {p:.4} ± {:.4} ({z} standard errors)",
        z * se
    );
}

/// A path as the `&str` an argument list takes.
pub fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Runs `lamas` and asserts it succeeded; its standard output.
pub fn ok(args: &[&str]) -> String {
    let out = lamas(args);
    assert!(
        out.status.success(),
        "lamas {}: {}\n{}",
        args.join(" "),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The bytes of a file that must exist.
pub fn read(p: PathBuf) -> Vec<u8> {
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}
