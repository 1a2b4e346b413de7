//! The manifest of a run: what made it (scenario, hash, seed, resolved parameters, crate version,
//! git revision) and how long it took, so that any result can be traced and re-made.

use serde::Serialize;

use crate::scenario::Scenario;

/// The lamas version that is running.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
/// The git revision lamas was built from (`-dirty` if the tree had local changes).
pub const GIT_REVISION: &str = env!("LAMAS_GIT_REVISION");

/// `manifest.json` of one run.
#[derive(Debug, Clone, Serialize)]
pub struct RunManifest {
    /// Always `"run"`.
    pub kind: &'static str,
    /// lamas version.
    pub lamas_version: &'static str,
    /// git revision of lamas.
    pub git_revision: &'static str,
    /// The scenario file as given.
    pub scenario_file: String,
    /// The scenario's name.
    pub scenario_name: String,
    /// SHA-256 of the resolved scenario.
    pub scenario_hash: String,
    /// The `--set` overrides, as given.
    pub overrides: Vec<String>,
    /// The seed of the run.
    pub seed: u64,
    /// Ticks simulated.
    pub ticks: u32,
    /// Every parameter as resolved (defaults filled in, overrides applied).
    pub resolved: serde_json::Value,
    /// Wall time of the simulation, seconds.
    pub wall_seconds: f64,
    /// Wall time spent in the credit phase, seconds.
    pub credit_seconds: f64,
    /// The files written beside the manifest.
    pub files: Vec<&'static str>,
}

impl RunManifest {
    /// The manifest of a run of `scenario` with `seed`.
    pub fn new(
        scenario: &Scenario,
        file: &str,
        overrides: &[String],
        seed: u64,
        wall_seconds: f64,
        credit_seconds: f64,
    ) -> Self {
        RunManifest {
            kind: "run",
            lamas_version: VERSION,
            git_revision: GIT_REVISION,
            scenario_file: file.to_string(),
            scenario_name: scenario.name.clone(),
            scenario_hash: scenario.hash(),
            overrides: overrides.to_vec(),
            seed,
            ticks: scenario.ticks,
            resolved: scenario.resolved.clone(),
            wall_seconds,
            credit_seconds,
            files: vec!["timeseries.parquet", "summary.json", "manifest.json"],
        }
    }
}
