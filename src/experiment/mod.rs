//! Experiment files: a base scenario swept over a grid of parameters, replicated, summarised
//! and plotted (`experiments/<id>/experiment.toml`).
//!
//! Loading mirrors scenarios: TOML text → [`raw::RawExperiment`] (unknown keys, wrong types) →
//! [`validate`] (ranges, names, the base scenario with its overrides, every axis value and every
//! cell validated as a scenario), with every problem placed at its line and column in the
//! experiment file. The result is an [`Experiment`]: the [`Plan`] (everything needed to run,
//! summarise, merge and plot a sweep, written beside its results) and one valid [`Scenario`]
//! per cell, so that no run can fail on its input.

pub mod grid;
pub mod raw;
mod validate;

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::scenario::{InputError, Scenario};
pub use grid::{Axis, Cell, ParamValue, RunId, SeedScheme, Shard};

/// The per-run timing measurements, which are not reproducible and are kept out of the tables
/// that must be bit-identical (`runs.parquet`, `summary.csv`); they are summarised separately
/// in `timings.csv` and can be plotted.
pub const TIMINGS: [&str; 3] = ["wall_seconds", "credit_seconds", "credit_us_per_task"];

/// A valid experiment, ready to sweep.
#[derive(Debug, Clone)]
pub struct Experiment {
    /// What to run and how to report it.
    pub plan: Plan,
    /// The scenario of each cell, by cell index.
    pub scenarios: Vec<Scenario>,
}

/// Everything about a sweep but its scenarios: written to `runs/plan.json` and the manifest,
/// and read back by `lamas merge` and `lamas plot`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    /// Identifier (the results folder's name).
    pub id: String,
    /// Title.
    pub title: String,
    /// Whether this is the `--quick` version.
    pub quick: bool,
    /// The experiment file as given.
    pub file: String,
    /// SHA-256 of the experiment file's text.
    pub file_hash: String,
    /// The base scenario file.
    pub scenario_file: String,
    /// SHA-256 of the base scenario as resolved (overrides of `set` applied).
    pub scenario_hash: String,
    /// Base seed.
    pub seed: u64,
    /// How run seeds depend on cells.
    pub seeds: SeedScheme,
    /// Runs per cell.
    pub replicates: u32,
    /// Fixed overrides, `key = value`.
    pub set: Vec<(String, ParamValue)>,
    /// The axes, in order.
    pub axes: Vec<Axis>,
    /// The design, when the cells are its points rather than a grid's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub design: Option<crate::design::Design>,
    /// The cells.
    pub cells: Vec<Cell>,
    /// SHA-256 of each cell's resolved scenario.
    pub cell_hashes: Vec<String>,
    /// Metrics summarised (columns of `runs.parquet`, in order).
    pub metrics: Vec<String>,
    /// Whether the time series of every run is kept.
    pub timeseries: bool,
    /// Plots to draw.
    pub plots: Vec<PlotSpec>,
    /// Tolerances of `lamas reproduce --check`.
    pub check: Check,
}

impl Plan {
    /// Every swept key, in axis order, then the design's factors.
    pub fn keys(&self) -> Vec<&str> {
        let factors = self.design.iter().flat_map(|d| &d.factors);
        self.axes
            .iter()
            .flat_map(|a| a.keys.iter().map(String::as_str))
            .chain(factors.map(|f| f.key.as_str()))
            .collect()
    }

    /// Whether the cells are a design that gives sensitivity indices (`sobol`, `morris`).
    pub fn has_indices(&self) -> bool {
        self.design
            .as_ref()
            .is_some_and(|d| !d.kind.indices().is_empty())
    }

    /// The axis that sets `key`, and the key's position in it.
    pub fn axis_of(&self, key: &str) -> Option<(&Axis, usize)> {
        self.axes
            .iter()
            .find_map(|a| a.keys.iter().position(|k| k == key).map(|i| (a, i)))
    }

    /// The seed of a run.
    pub fn seed_of(&self, run: RunId) -> u64 {
        let key = self.cells[run.cell as usize].key();
        grid::run_seed(self.seed, self.seeds, &key, run.replicate)
    }

    /// A fingerprint of what the sweep computes (SHA-256 of the plan without its file names and
    /// plots): results from two sweeps can be merged or resumed only if theirs are equal.
    pub fn fingerprint(&self) -> String {
        use sha2::{Digest, Sha256};
        let mut essence = serde_json::json!({
            "scenario_hash": self.scenario_hash,
            "seed": self.seed,
            "seeds": self.seeds,
            "replicates": self.replicates,
            "axes": self.axes,
            "cell_hashes": self.cell_hashes,
            "metrics": self.metrics,
            "timeseries": self.timeseries,
            "lamas_version": crate::manifest::VERSION,
        });
        if let Some(d) = &self.design {
            essence["design"] = serde_json::to_value(d).unwrap_or_default();
        }
        let bytes = serde_json::to_vec(&essence).unwrap_or_default();
        Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

/// The kinds of plot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlotKind {
    /// Mean with a 95% band over a swept axis, one line per series.
    Line,
    /// Grouped bars with 95% error bars.
    Bar,
    /// Mean over two swept axes.
    Heatmap,
    /// Share of each strategy over time.
    Shares,
}

impl PlotKind {
    /// Every kind, by name.
    pub const ALL: [(&'static str, PlotKind); 4] = [
        ("line", PlotKind::Line),
        ("bar", PlotKind::Bar),
        ("heatmap", PlotKind::Heatmap),
        ("shares", PlotKind::Shares),
    ];

    /// The kind's name.
    pub fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, k)| *k == self)
            .map_or("line", |(n, _)| n)
    }
}

/// A validated plot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlotSpec {
    /// Kind.
    pub kind: PlotKind,
    /// File name without extension.
    pub name: String,
    /// Metric (absent for `shares`).
    pub metric: Option<String>,
    /// Horizontal axis key.
    pub x: Option<String>,
    /// Vertical axis key (heatmaps).
    pub y: Option<String>,
    /// Series key.
    pub series: Option<String>,
    /// Values at which other axes are held.
    pub filter: Vec<(String, ParamValue)>,
    /// Title.
    pub title: String,
    /// Horizontal axis label.
    pub x_label: String,
    /// Vertical axis label.
    pub y_label: String,
    /// Logarithmic horizontal axis.
    pub log_x: bool,
    /// Logarithmic vertical axis.
    pub log_y: bool,
}

impl PlotSpec {
    /// Whether `cell` is drawn by this plot (it matches every `where` value).
    pub fn selects(&self, cell: &Cell) -> bool {
        self.filter
            .iter()
            .all(|(k, v)| cell.get(k).is_some_and(|c| c.same(v)))
    }
}

/// Tolerances of `lamas reproduce --check`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Check {
    /// Absolute tolerance.
    pub abs: f64,
    /// Relative tolerance.
    pub rel: f64,
    /// Per-metric (abs, rel).
    pub metrics: BTreeMap<String, (f64, f64)>,
}

impl Check {
    /// Default absolute and relative tolerance.
    pub const DEFAULT: f64 = 1e-9;

    /// (abs, rel) of a metric.
    pub fn tolerance(&self, metric: &str) -> (f64, f64) {
        self.metrics
            .get(metric)
            .copied()
            .unwrap_or((self.abs, self.rel))
    }
}

/// Reads and validates the experiment file at `path`; `quick` selects its `[quick]` version.
pub fn load(path: &Path, quick: bool) -> Result<Experiment, InputError> {
    let text = crate::syntax::input::read_text(path, crate::syntax::input::MAX_TOML)?;
    validate::experiment(&text, path, quick)
}

/// Whether the TOML file at `path` looks like an experiment (it has a top-level `scenario` key)
/// rather than a scenario.
pub fn is_experiment(path: &Path) -> bool {
    crate::syntax::input::read_text(path, crate::syntax::input::MAX_TOML)
        .ok()
        .and_then(|t| t.parse::<toml::Table>().ok())
        .is_some_and(|t| t.contains_key("scenario"))
}

/// The JSON Schema of experiment files.
pub fn json_schema() -> serde_json::Value {
    let schema = schemars::schema_for!(raw::RawExperiment);
    serde_json::to_value(schema).unwrap_or_default()
}
