//! The manifest of a run: what made it (scenario, hash, seed, resolved parameters, crate version,
//! git revision) and how long it took, so that any result can be traced and re-made.

use serde::Serialize;

use crate::scenario::Scenario;

/// The lamas version that is running.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
/// The git revision lamas was built from (`-dirty` if the tree had local changes).
pub const GIT_REVISION: &str = env!("LAMAS_GIT_REVISION");

/// SHA-256 of `bytes`, in lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

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
    /// Wall time the credit mechanism spent allocating, seconds.
    pub credit_seconds: f64,
    /// The files written beside the manifest.
    pub files: Vec<&'static str>,
    /// How the model calls were answered, if the scenario has model-backed workers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub llm: Option<LlmManifest>,
}

/// The model calls of a run: the mode and the cassette they were answered from.
#[derive(Debug, Clone, Serialize)]
pub struct LlmManifest {
    /// `replay`, `record` or `live`.
    pub mode: &'static str,
    /// The cassette (none when live).
    pub cassette: Option<String>,
    /// SHA-256 of the cassette's bytes after the run (its file, then its parts by name).
    pub cassette_sha256: Option<String>,
    /// Calls in the cassette after the run.
    pub cassette_calls: Option<usize>,
}

impl LlmManifest {
    /// The manifest entry of `models` after a run (the API keys are never part of it).
    pub fn new(models: &crate::llm::Models) -> Self {
        let c = models.cassette();
        LlmManifest {
            mode: models.mode().name(),
            cassette: c.map(|c| c.path().display().to_string()),
            cassette_sha256: c.and_then(|c| {
                let bytes: Result<Vec<Vec<u8>>, _> = c.files().iter().map(std::fs::read).collect();
                bytes.ok().map(|b| sha256_hex(&b.concat()))
            }),
            cassette_calls: c.map(crate::llm::Cassette::len),
        }
    }
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
            llm: None,
        }
    }
}

/// `manifest.json` of a calibration (`lamas calibrate`).
#[derive(Debug, Clone, Serialize)]
pub struct CalibrationManifest {
    /// Always `"calibration"`.
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
    /// The seed of the sample.
    pub seed: u64,
    /// Items sampled from the bank.
    pub items: usize,
    /// Workers asking each item per profile.
    pub replicas: u32,
    /// Calls of the plan.
    pub calls: usize,
    /// Distinct requests among them.
    pub distinct_calls: usize,
    /// The profiles calibrated.
    pub profiles: Vec<String>,
    /// Every parameter of the scenario as resolved.
    pub resolved: serde_json::Value,
    /// Wall time, seconds.
    pub wall_seconds: f64,
    /// The files written beside the manifest.
    pub files: Vec<&'static str>,
    /// How the calls were answered.
    pub llm: LlmManifest,
}

impl CalibrationManifest {
    /// The manifest of a calibration of `scenario` with `seed`; `shape` is (items, replicas,
    /// calls, distinct calls).
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        scenario: &Scenario,
        file: &str,
        overrides: &[String],
        seed: u64,
        shape: (usize, u32, usize, usize),
        profiles: Vec<String>,
        wall_seconds: f64,
        llm: LlmManifest,
    ) -> Self {
        CalibrationManifest {
            kind: "calibration",
            lamas_version: VERSION,
            git_revision: GIT_REVISION,
            scenario_file: file.to_string(),
            scenario_name: scenario.name.clone(),
            scenario_hash: scenario.hash(),
            overrides: overrides.to_vec(),
            seed,
            items: shape.0,
            replicas: shape.1,
            calls: shape.2,
            distinct_calls: shape.3,
            profiles,
            resolved: scenario.resolved.clone(),
            wall_seconds,
            files: vec!["calibration.csv", "fragment.toml", "manifest.json"],
            llm,
        }
    }
}

/// The machine a sweep ran on.
pub fn machine() -> serde_json::Value {
    let hostname = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|s| s.trim().to_string())
        .or_else(|_| std::env::var("HOSTNAME"))
        .unwrap_or_default();
    serde_json::json!({
        "hostname": hostname,
        "os": std::env::consts::OS,
        "arch": std::env::consts::ARCH,
        "cpus": std::thread::available_parallelism().map_or(1, |n| n.get()),
    })
}
