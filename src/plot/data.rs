//! The numbers behind plots: the summaries of a results folder, and their arrangement by the
//! axes a plot draws.

use std::path::Path;

use polars::prelude::*;

use crate::experiment::{ParamValue, Plan, PlotSpec};
use crate::table::{read_csv, read_parquet};

/// Mean and 95% interval of a metric in a cell.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stat {
    /// Mean.
    pub mean: f64,
    /// Lower end of the 95% interval (the mean when undefined).
    pub lo: f64,
    /// Upper end.
    pub hi: f64,
}

/// The summary rows of a results folder: (cell, metric) → statistics, from `summary.parquet`
/// and `timings.csv`.
pub struct Summaries {
    rows: std::collections::BTreeMap<(u32, String), Stat>,
}

impl Summaries {
    /// Reads the summaries in `dir`.
    pub fn read(dir: &Path) -> Result<Self, String> {
        let mut rows = Vec::new();
        let summary = read_parquet(&dir.join("summary.parquet")).map_err(|e| e.to_string())?;
        collect(&summary, &mut rows).map_err(|e| format!("summary.parquet: {e}"))?;
        if let Ok(t) = read_csv(&dir.join("timings.csv")) {
            collect(&t, &mut rows).map_err(|e| format!("timings.csv: {e}"))?;
        }
        // The first row of a (cell, metric) wins, as a search in file order would find it.
        let mut map = std::collections::BTreeMap::new();
        for (c, m, s) in rows {
            map.entry((c, m)).or_insert(s);
        }
        Ok(Summaries { rows: map })
    }

    /// The statistics of `metric` in `cell`, if it is defined there.
    pub fn get(&self, cell: u32, metric: &str) -> Option<Stat> {
        self.rows
            .get(&(cell, metric.to_string()))
            .copied()
            .filter(|s| s.mean.is_finite())
    }
}

fn collect(df: &DataFrame, rows: &mut Vec<(u32, String, Stat)>) -> PolarsResult<()> {
    if df.height() == 0 {
        return Ok(());
    }
    let f = |name: &str| -> PolarsResult<Vec<Option<f64>>> {
        Ok(df
            .column(name)?
            .cast(&DataType::Float64)?
            .f64()?
            .iter()
            .collect())
    };
    let cells: Vec<Option<i64>> = df
        .column("cell")?
        .cast(&DataType::Int64)?
        .i64()?
        .iter()
        .collect();
    let metric = df.column("metric")?.cast(&DataType::String)?;
    let metrics: Vec<Option<&str>> = metric.str()?.iter().collect();
    let (mean, lo, hi) = (f("mean")?, f("ci95_lo")?, f("ci95_hi")?);
    for i in 0..df.height() {
        let (Some(c), Some(m)) = (cells[i], metrics[i]) else {
            continue;
        };
        let mean = mean[i].unwrap_or(f64::NAN);
        rows.push((
            c as u32,
            m.to_string(),
            Stat {
                mean,
                lo: lo[i].unwrap_or(mean),
                hi: hi[i].unwrap_or(mean),
            },
        ));
    }
    Ok(())
}

/// A metric arranged by the positions of two axes: `stats[s][x]`.
pub struct Arranged {
    /// Labels of the positions along x.
    pub x_labels: Vec<String>,
    /// Numeric values along x, when the x axis is numeric.
    pub x_values: Option<Vec<f64>>,
    /// Labels of the series (one empty label when there is no series axis).
    pub series_labels: Vec<String>,
    /// Statistics by series and x position.
    pub stats: Vec<Vec<Option<Stat>>>,
}

/// The values of a swept key.
pub fn values_of<'a>(plan: &'a Plan, key: &str) -> Result<&'a [ParamValue], String> {
    plan.axis_of(key)
        .map(|(a, i)| a.values[i].as_slice())
        .ok_or_else(|| format!("`{key}` is not swept"))
}

/// The statistics of `spec`'s metric by `x` and, when given, `series`.
pub fn arrange(
    plan: &Plan,
    spec: &PlotSpec,
    summaries: &Summaries,
    x: &str,
    series: Option<&str>,
) -> Result<Arranged, String> {
    let metric = spec.metric.as_deref().unwrap_or_default();
    let xs = values_of(plan, x)?;
    let ss: Vec<Option<&ParamValue>> = match series {
        Some(k) => values_of(plan, k)?.iter().map(Some).collect(),
        None => vec![None],
    };
    let stats = ss
        .iter()
        .map(|sv| {
            xs.iter()
                .map(|xv| {
                    plan.cells
                        .iter()
                        .find(|c| {
                            spec.selects(c)
                                && c.get(x).is_some_and(|v| v.same(xv))
                                && match (series, sv) {
                                    (Some(k), Some(sv)) => c.get(k).is_some_and(|v| v.same(sv)),
                                    _ => true,
                                }
                        })
                        .and_then(|c| summaries.get(c.index, metric))
                })
                .collect()
        })
        .collect();
    let numeric: Option<Vec<f64>> = xs.iter().map(ParamValue::as_f64).collect();
    Ok(Arranged {
        x_labels: xs.iter().map(ToString::to_string).collect(),
        x_values: numeric,
        series_labels: ss
            .iter()
            .map(|s| s.map(ToString::to_string).unwrap_or_default())
            .collect(),
        stats,
    })
}
