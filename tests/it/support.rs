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
        Err(e) => panic!("invalid test scenario: {}", lamas::cli::render(&e)),
    }
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
