//! The raw experiment file: a serde mirror of the TOML, exactly as written.
//!
//! Like [`crate::scenario::raw`], every table rejects unknown keys and every field is optional
//! here; [`super::validate`] checks values, fills in defaults and expands the grid. The tables of
//! key paths (`set`, `axes`, each `[[zip]]`, a plot's `where`) are kept as TOML tables, because
//! their keys are paths into the scenario, and are flattened during validation. The doc comments
//! are the descriptions of the JSON Schema (`lamas schema experiment`).

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A table of scenario key paths, e.g. `credit.mechanism = "loo"` or `"tasks.reward" = 2`.
type PathTable = serde_json::Map<String, serde_json::Value>;

/// A lamas experiment: a base scenario swept over axes, replicated, summarised and plotted.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawExperiment {
    /// Identifier, used as the name of the results folder (default: the name of the folder that
    /// holds `experiment.toml`, or the file name without extension).
    pub id: Option<String>,
    /// Title, shown on plots (default: the id).
    pub title: Option<String>,
    /// The base scenario file, relative to this file.
    pub scenario: Option<String>,
    /// Base seed from which every run's seed is derived (default 1).
    pub seed: Option<u64>,
    /// Runs per cell of the grid (≥ 1; default 1).
    pub replicates: Option<i64>,
    /// `independent` (default): each (cell, replicate) gets its own seed; `common`: every cell
    /// uses the same seed for a given replicate (common random numbers, for paired comparisons).
    pub seeds: Option<String>,
    /// Fixed overrides of the base scenario, by key path: `ticks = 200`,
    /// `population.shirkers.count = 5`, `"tasks.reward" = 2`.
    #[schemars(with = "Option<PathTable>")]
    pub set: Option<toml::Table>,
    /// Factorial axes, by key path, each with its list of values: every combination is a cell.
    /// The first axis varies slowest.
    #[schemars(with = "Option<PathTable>")]
    pub axes: Option<toml::Table>,
    /// Zipped axes: each `[[zip]]` table lists key paths with value lists of one common length
    /// that vary together (value i of every key in the same cell); each is one more factorial
    /// axis after those of `axes`.
    #[schemars(with = "Option<Vec<PathTable>>")]
    pub zip: Option<Vec<toml::Table>>,
    /// A design of experiments instead of a grid: the cells are sampled points of ranges of the
    /// swept keys (`lhs`, `sobol`, `morris`) or the rows of a file (`file`). An experiment has
    /// either a design or `axes`/`[[zip]]`.
    pub design: Option<RawDesign>,
    /// Metrics to summarise (default: every metric a run reports).
    pub metrics: Option<Vec<String>>,
    /// Also write the time series of every run to `timeseries.parquet` (default false; needed
    /// by `shares` plots).
    pub timeseries: Option<bool>,
    /// Plots to draw.
    #[serde(default)]
    pub plot: Vec<RawPlot>,
    /// Tolerances of `lamas reproduce --check`.
    pub check: Option<RawCheck>,
    /// A smaller version of the experiment, run by `--quick` (CI uses it).
    pub quick: Option<RawQuick>,
}

/// A design of experiments.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawDesign {
    /// `lhs` (Latin hypercube), `sobol` (Saltelli's design, for Sobol indices), `morris`
    /// (trajectories, for elementary effects) or `file` (samples from a CSV or parquet file).
    pub kind: Option<String>,
    /// Points (`lhs`), base samples N (`sobol`: a power of two, N (k + 2) points for k keys) or
    /// trajectories r (`morris`: r (k + 1) points).
    pub samples: Option<i64>,
    /// Levels of the Morris grid (even, default 4).
    pub levels: Option<i64>,
    /// Bootstrap resamples for the 95% intervals of the indices (100 to 100000; default 1000).
    pub bootstrap: Option<i64>,
    /// The samples file of a `file` design, relative to this file: CSV with a header, or
    /// parquet (`.parquet`); one row per sample, one column per key path.
    pub file: Option<String>,
    /// The varied keys, by key path, each with its range: `"uniform(a, b)"`,
    /// `"log_uniform(a, b)"`, `"int(a, b)"`, or a list of choices (`["equal", "shapley"]`).
    #[schemars(with = "Option<PathTable>")]
    pub parameters: Option<toml::Table>,
}

/// A plot of the summaries.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawPlot {
    /// `line` (mean and 95% band over `x`, one line per `series` value), `bar` (grouped bars:
    /// groups along `x`, one bar per `series` value), `heatmap` (mean over `x` × `y`) or
    /// `shares` (share of each strategy over time; needs `timeseries = true`).
    pub kind: Option<String>,
    /// File name without extension (default: kind and metric, e.g. `line-welfare`).
    pub name: Option<String>,
    /// The metric plotted (not for `shares`).
    pub metric: Option<String>,
    /// The axis key path along the horizontal axis.
    pub x: Option<String>,
    /// The axis key path along the vertical axis (`heatmap`).
    pub y: Option<String>,
    /// The axis key path whose values are drawn as separate series (`line`, `bar`).
    pub series: Option<String>,
    /// Values at which the other axes are held, by key path.
    #[serde(rename = "where")]
    #[schemars(with = "Option<PathTable>")]
    pub filter: Option<toml::Table>,
    /// Title (default: the metric and the experiment's title).
    pub title: Option<String>,
    /// Label of the horizontal axis, with its unit (default: the key path).
    pub x_label: Option<String>,
    /// Label of the vertical axis, with its unit (default: the metric).
    pub y_label: Option<String>,
    /// Logarithmic horizontal axis (numeric axes only).
    pub log_x: Option<bool>,
    /// Logarithmic vertical axis.
    pub log_y: Option<bool>,
}

/// Tolerances of `lamas reproduce --check`: a recomputed mean `b` matches the committed `a` when
/// `|a - b| ≤ abs + rel · |a|`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawCheck {
    /// Absolute tolerance (default 1e-9).
    pub abs: Option<f64>,
    /// Relative tolerance (default 1e-9).
    pub rel: Option<f64>,
    /// Tolerances of single metrics, by metric name.
    #[serde(default)]
    pub metrics: BTreeMap<String, RawTolerance>,
}

/// The tolerance of one metric.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawTolerance {
    /// Absolute tolerance.
    pub abs: Option<f64>,
    /// Relative tolerance.
    pub rel: Option<f64>,
}

/// The smaller version of an experiment.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawQuick {
    /// Replicates per cell.
    pub replicates: Option<i64>,
    /// The design's `samples` in the quick version.
    pub samples: Option<i64>,
    /// Overrides applied after the experiment's own `set`.
    #[schemars(with = "Option<PathTable>")]
    pub set: Option<toml::Table>,
}
