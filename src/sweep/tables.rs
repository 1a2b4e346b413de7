//! The tables of a run and of a sweep, built with polars: a run's time series
//! ([`series_frame`]), and a sweep's from the per-run records.
//!
//! - `runs.parquet`: one row per finished run, sorted by (cell, replicate): `cell`, `replicate`,
//!   `seed`, one column per swept key (integer, float, boolean or string, by its values), one
//!   float column per metric (null where a metric is undefined).
//! - `summary.csv` / `summary.parquet`: per cell and metric, `n` (runs where it is defined),
//!   `mean`, `sd` (n − 1 denominator) and the 95% interval `mean ± t_{0.975, n−1} sd / √n`,
//!   computed by one lazy query per metric.
//! - `timings.csv`: the same summary of the timing measurements, which are not reproducible and
//!   so are kept out of the two tables above.
//! - `timeseries.parquet` (when the experiment keeps it): every run's series with `cell` and
//!   `replicate` in front.
//! - `sensitivity.csv` (when the experiment's design gives indices): per metric, factor and
//!   index, the estimate, its 95% bootstrap interval and the rows (or trajectories) used, from
//!   each cell's mean over its finished replicates ([`crate::sensitivity`]).

use std::path::Path;

use polars::prelude::*;

use super::store::{RunRecord, Status, series_path};
use crate::experiment::{Plan, TIMINGS};
use crate::sim::record::Series;
use crate::strategy::STRATEGIES;
use crate::table::t975;

/// The type of a swept key's column.
fn key_column(name: &str, values: Vec<&crate::experiment::ParamValue>) -> Column {
    use crate::experiment::ParamValue as P;
    if values.iter().all(|v| matches!(v, P::Int(_))) {
        let xs: Vec<i64> = values
            .iter()
            .map(|v| if let P::Int(i) = v { *i } else { 0 })
            .collect();
        Column::new(name.into(), xs)
    } else if values.iter().all(|v| v.as_f64().is_some()) {
        let xs: Vec<f64> = values
            .iter()
            .map(|v| v.as_f64().unwrap_or(f64::NAN))
            .collect();
        Column::new(name.into(), xs)
    } else if values.iter().all(|v| matches!(v, P::Bool(_))) {
        let xs: Vec<bool> = values.iter().map(|v| matches!(v, P::Bool(true))).collect();
        Column::new(name.into(), xs)
    } else {
        let xs: Vec<String> = values.iter().map(|v| v.to_string()).collect();
        Column::new(name.into(), xs)
    }
}

/// `cell`, `replicate`, `seed` and the swept keys of `records`.
fn id_columns(plan: &Plan, records: &[&RunRecord]) -> Vec<Column> {
    let mut cols = vec![
        Column::new(
            "cell".into(),
            records.iter().map(|r| r.run.cell).collect::<Vec<u32>>(),
        ),
        Column::new(
            "replicate".into(),
            records
                .iter()
                .map(|r| r.run.replicate)
                .collect::<Vec<u32>>(),
        ),
        Column::new(
            "seed".into(),
            records.iter().map(|r| r.seed).collect::<Vec<u64>>(),
        ),
    ];
    for key in plan.keys() {
        let values = records
            .iter()
            .filter_map(|r| plan.cells[r.run.cell as usize].get(key))
            .collect();
        cols.push(key_column(key, values));
    }
    cols
}

/// The finished (not failed) records.
fn finished(records: &[RunRecord]) -> Vec<&RunRecord> {
    records.iter().filter(|r| r.status == Status::Ok).collect()
}

/// `runs.parquet`'s frame.
pub fn runs_frame(plan: &Plan, records: &[RunRecord]) -> PolarsResult<DataFrame> {
    let ok = finished(records);
    let mut cols = id_columns(plan, &ok);
    for m in &plan.metrics {
        let xs: Vec<Option<f64>> = ok.iter().map(|r| r.metric(m)).collect();
        cols.push(Column::new(m.as_str().into(), xs));
    }
    DataFrame::new(ok.len(), cols)
}

/// The per-run timings' frame (same id columns, one column per timing).
pub fn timings_frame(plan: &Plan, records: &[RunRecord]) -> PolarsResult<DataFrame> {
    let ok = finished(records);
    let mut cols = id_columns(plan, &ok);
    for t in TIMINGS {
        let xs: Vec<Option<f64>> = ok.iter().map(|r| r.timing(t)).collect();
        cols.push(Column::new(t.into(), xs));
    }
    DataFrame::new(ok.len(), cols)
}

/// Per cell and metric: n, mean, sd and the 95% interval, cell-major, metrics in `metrics`
/// order.
pub fn summary_frame(plan: &Plan, runs: &DataFrame, metrics: &[&str]) -> PolarsResult<DataFrame> {
    let keys = plan.keys();
    let max_n = plan.replicates as usize;
    let ns: Vec<i64> = (0..=max_n as i64).collect();
    let ts: Vec<Option<f64>> = (0..=max_n as u64)
        .map(|n| (n >= 2).then(|| t975(n - 1)))
        .collect();
    let t_table = DataFrame::new(
        ns.len(),
        vec![Column::new("n".into(), ns), Column::new("t".into(), ts)],
    )?;
    let per_metric: Vec<LazyFrame> = metrics
        .iter()
        .enumerate()
        .map(|(i, &m)| {
            let mut aggs: Vec<Expr> = keys.iter().map(|k| col(*k).first()).collect();
            aggs.push(col(m).count().cast(DataType::Int64).alias("n"));
            aggs.push(col(m).mean().alias("mean"));
            aggs.push(col(m).std(1).alias("sd"));
            runs.clone()
                .lazy()
                .group_by_stable([col("cell")])
                .agg(aggs)
                .with_columns([lit(m).alias("metric"), lit(i as u32).alias("metric_index")])
        })
        .collect();
    if per_metric.is_empty() {
        return Ok(DataFrame::empty());
    }
    let mut select: Vec<Expr> = vec![col("cell")];
    select.extend(keys.iter().map(|k| col(*k)));
    select.extend(
        ["metric", "n", "mean", "sd", "ci95_lo", "ci95_hi"]
            .into_iter()
            .map(col),
    );
    concat(per_metric, UnionArgs::default())?
        .join(
            t_table.lazy(),
            [col("n")],
            [col("n")],
            JoinArgs::new(JoinType::Left),
        )
        .with_column((col("t") * col("sd") / col("n").cast(DataType::Float64).sqrt()).alias("half"))
        .with_columns([
            (col("mean") - col("half")).alias("ci95_lo"),
            (col("mean") + col("half")).alias("ci95_hi"),
        ])
        .sort(["cell", "metric_index"], SortMultipleOptions::default())
        .select(select)
        .collect()
}

/// The time series as a data frame, one row per tick.
pub fn series_frame(s: &Series) -> PolarsResult<DataFrame> {
    let mut cols: Vec<Column> = vec![
        Column::new("tick".into(), &s.tick),
        Column::new("tasks_arrived".into(), &s.tasks_arrived),
        Column::new("tasks_completed".into(), &s.tasks_completed),
        Column::new("tasks_succeeded".into(), &s.tasks_succeeded),
        Column::new("value".into(), &s.value),
        Column::new("messages".into(), &s.messages),
        Column::new("bytes".into(), &s.bytes),
        Column::new("agents_up".into(), &s.agents_up),
        Column::new("agents_reachable".into(), &s.agents_reachable),
        Column::new("faults_fired".into(), &s.faults),
    ];
    for (i, def) in STRATEGIES.iter().enumerate() {
        let empty = Vec::new();
        cols.push(Column::new(
            format!("share_{}", def.name).into(),
            s.share.get(i).unwrap_or(&empty),
        ));
    }
    for (i, def) in STRATEGIES.iter().enumerate() {
        let empty = Vec::new();
        cols.push(Column::new(
            format!("payoff_mean_{}", def.name).into(),
            s.payoff_mean.get(i).unwrap_or(&empty),
        ));
    }
    for (name, column) in &s.extra {
        cols.push(Column::new(name.as_str().into(), column));
    }
    DataFrame::new(s.tick.len(), cols)
}

/// Every finished run's time series, with `cell` and `replicate` in front. Runs whose cells
/// name their extra series differently (say, institutions listed in another order) are aligned
/// by name: the columns in the order of their first appearance, null where a run has none.
pub fn timeseries_frame(runs_dir: &Path, records: &[RunRecord]) -> PolarsResult<DataFrame> {
    let mut read = Vec::new();
    for r in finished(records) {
        let path = series_path(runs_dir, r.run);
        let file = std::fs::File::open(&path).map_err(|e| {
            PolarsError::ComputeError(format!("cannot read `{}`: {e}", path.display()).into())
        })?;
        read.push((r.run, ParquetReader::new(file).finish()?));
    }
    let mut names: Vec<PlSmallStr> = Vec::new();
    for (_, df) in &read {
        for n in df.get_column_names() {
            if !names.contains(n) {
                names.push(n.clone());
            }
        }
    }
    let frames: Vec<LazyFrame> = (read.into_iter())
        .map(|(run, df)| {
            let mut exprs = vec![
                lit(run.cell).alias("cell"),
                lit(run.replicate).alias("replicate"),
            ];
            for n in &names {
                exprs.push(match df.column(n).is_ok() {
                    true => col(n.clone()),
                    false => lit(Null {}).cast(DataType::Float64).alias(n.clone()),
                });
            }
            df.lazy().select(exprs)
        })
        .collect();
    if frames.is_empty() {
        return Ok(DataFrame::empty());
    }
    concat(frames, UnionArgs::default())?.collect()
}

/// `sensitivity.csv`'s frame: `metric`, `parameter`, `index`, `estimate`, `ci95_lo`, `ci95_hi`
/// (null where undefined) and `n`, metrics in the plan's order; `None` when the plan has no
/// design that gives indices.
pub fn sensitivity_frame(plan: &Plan, records: &[RunRecord]) -> PolarsResult<Option<DataFrame>> {
    let Some(design) = plan.design.as_ref().filter(|_| plan.has_indices()) else {
        return Ok(None);
    };
    let ok = finished(records);
    let mut outputs = Vec::with_capacity(plan.metrics.len());
    for m in &plan.metrics {
        let mut sum = vec![(0.0, 0usize); plan.cells.len()];
        for r in &ok {
            if let (Some(v), Some(s)) = (r.metric(m), sum.get_mut(r.run.cell as usize)) {
                *s = (s.0 + v, s.1 + 1);
            }
        }
        let y: Vec<Option<f64>> = sum
            .iter()
            .map(|&(total, n)| (n > 0).then(|| total / n as f64))
            .collect();
        outputs.push((m.as_str(), y));
    }
    let outputs: Vec<(&str, &[Option<f64>])> =
        outputs.iter().map(|(m, y)| (*m, y.as_slice())).collect();
    let rows = crate::sensitivity::analyse(design, &outputs);
    let defined = |x: f64| x.is_finite().then_some(x);
    let text = |f: fn(&crate::sensitivity::Estimate) -> &str| {
        rows.iter()
            .map(f)
            .map(str::to_string)
            .collect::<Vec<String>>()
    };
    let number = |f: fn(&crate::sensitivity::Estimate) -> f64| {
        rows.iter()
            .map(|e| defined(f(e)))
            .collect::<Vec<Option<f64>>>()
    };
    let cols = vec![
        Column::new("metric".into(), text(|e| &e.metric)),
        Column::new("parameter".into(), text(|e| &e.parameter)),
        Column::new("index".into(), text(|e| e.index)),
        Column::new("estimate".into(), number(|e| e.estimate)),
        Column::new("ci95_lo".into(), number(|e| e.low)),
        Column::new("ci95_hi".into(), number(|e| e.high)),
        Column::new(
            "n".into(),
            rows.iter().map(|e| e.n as u32).collect::<Vec<u32>>(),
        ),
    ];
    DataFrame::new(rows.len(), cols).map(Some)
}
