//! The data of a run's report: the headline metrics by group with what they mean
//! ([`crate::report::catalogue`]), the time series as charts (tasks, success so far, agents up,
//! messages, shares and payoffs by strategy, faults), the scenario as resolved and the manifest.
//!
//! A run of more than [`MAX_POINTS`] ticks is drawn in windows of k ticks (k the smallest that
//! gives at most that many points): counts are summed over a window, levels (agents up, shares,
//! payoffs, the success so far) taken at its last tick.

use std::path::Path;

use polars::prelude::*;
use serde_json::{Value, json};

use super::field;
use crate::report::catalogue::grouped;
use crate::report::digits::sig4;
use crate::sim::metrics::Metrics;
use crate::strategy::STRATEGIES;
use crate::table::read_parquet;

/// Most points a time-series chart draws per line.
pub const MAX_POINTS: usize = 2000;

/// The report data of the run in `dir`, with its `manifest`.
pub fn data(dir: &Path, manifest: &Value) -> Result<Value, String> {
    let metrics = read_metrics(&dir.join("summary.json"))?;
    let resolved = manifest.get("resolved").cloned().unwrap_or(Value::Null);
    let ts = read_parquet(&dir.join("timeseries.parquet"))
        .map_err(|e| format!("timeseries.parquet: {e}"))?;
    let groups: Vec<Value> = grouped(&metrics, &resolved, false)
        .into_iter()
        .map(|(g, rows)| {
            let rows: Vec<Value> = rows
                .iter()
                .map(|r| json!({"name": r.name, "value": r.value, "text": sig4(r.value), "meaning": r.meaning}))
                .collect();
            json!({ "title": g.title(), "rows": rows })
        })
        .collect();
    let every: Vec<Value> = metrics
        .0
        .iter()
        .map(|(n, v)| json!([n, sig4(*v)]))
        .collect();
    let faults = resolved.get("faults").is_some_and(|f| !f.is_null());
    let text = |k: &str| field(manifest, k).unwrap_or_default();
    Ok(json!({
        "kind": "run",
        "title": format!("{}, seed {}", text("scenario_name"), text("seed")),
        "question": resolved.get("description").and_then(Value::as_str).unwrap_or_default(),
        "facts": facts(manifest),
        "groups": groups,
        "every": every,
        "charts": charts(&ts, faults)?,
        "scenario": toml_text(resolved.clone()),
        "manifest": serde_json::to_string_pretty(manifest).unwrap_or_default(),
    }))
}

/// `summary.json` as metrics (`null` read as undefined).
fn read_metrics(path: &Path) -> Result<Metrics, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
    let v: serde_json::Map<String, Value> = serde_json::from_str(&text)
        .map_err(|e| format!("`{}` is not a run's summary: {e}", path.display()))?;
    let mut m = Metrics::default();
    for (k, v) in v {
        m.push(k, v.as_f64().unwrap_or(f64::NAN));
    }
    Ok(m)
}

/// The run in a few (label, value) pairs.
fn facts(m: &Value) -> Vec<(String, String)> {
    let text = |k: &str| field(m, k);
    let mut f = Vec::new();
    for (label, key) in [
        ("scenario", "scenario_file"),
        ("seed", "seed"),
        ("ticks", "ticks"),
    ] {
        if let Some(v) = text(key) {
            f.push((label.to_string(), v));
        }
    }
    if let Some(o) = m
        .get("overrides")
        .and_then(Value::as_array)
        .filter(|o| !o.is_empty())
    {
        let o: Vec<String> = o
            .iter()
            .filter_map(Value::as_str)
            .map(String::from)
            .collect();
        f.push(("overrides".into(), o.join(", ")));
    }
    for (label, key) in [
        ("wall time", "wall_seconds"),
        ("credit time", "credit_seconds"),
    ] {
        if let Some(s) = m.get(key).and_then(Value::as_f64) {
            f.push((label.into(), format!("{} s", sig4(s))));
        }
    }
    for (label, key) in [("lamas", "lamas_version"), ("revision", "git_revision")] {
        if let Some(v) = text(key) {
            f.push((label.into(), v));
        }
    }
    f
}

/// The scenario as resolved, as TOML (keys left unset, `null`, left out; its JSON if TOML
/// cannot hold it).
fn toml_text(v: Value) -> String {
    let v = without_nulls(v);
    toml::to_string_pretty(&v)
        .unwrap_or_else(|_| serde_json::to_string_pretty(&v).unwrap_or_default())
}

fn without_nulls(v: Value) -> Value {
    match v {
        Value::Object(o) => Value::Object(
            o.into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, without_nulls(v)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.into_iter().map(without_nulls).collect()),
        other => other,
    }
}

/// How a series is carried over a window of ticks.
#[derive(Clone, Copy)]
enum Agg {
    /// Summed (per-tick counts).
    Sum,
    /// The value at the window's last tick (levels).
    Last,
}

/// A column of the time series as floats (missing values NaN).
fn column(ts: &DataFrame, name: &str) -> Option<Vec<f64>> {
    let c = ts.column(name).ok()?.cast(&DataType::Float64).ok()?;
    Some(
        c.f64()
            .ok()?
            .iter()
            .map(|v| v.unwrap_or(f64::NAN))
            .collect(),
    )
}

/// The time-series charts of the run.
fn charts(ts: &DataFrame, faults: bool) -> Result<Vec<Value>, String> {
    let ticks = column(ts, "tick").ok_or("timeseries.parquet has no `tick` column")?;
    let k = ticks.len().div_ceil(MAX_POINTS).max(1);
    let col = |n: &str| column(ts, n).unwrap_or_else(|| vec![f64::NAN; ticks.len()]);
    let per = if k == 1 {
        "per tick".to_string()
    } else {
        format!("per {k} ticks")
    };
    let mut charts = vec![
        chart(
            "tasks",
            "Tasks",
            &format!("tasks {per}"),
            k,
            &ticks,
            vec![
                ("arrived", col("tasks_arrived"), Agg::Sum),
                ("completed", col("tasks_completed"), Agg::Sum),
                ("succeeded", col("tasks_succeeded"), Agg::Sum),
            ],
        ),
        chart(
            "success",
            "Task success so far",
            "tasks succeeded / tasks completed",
            k,
            &ticks,
            vec![(
                "success rate",
                so_far(&col("tasks_succeeded"), &col("tasks_completed")),
                Agg::Last,
            )],
        ),
        chart(
            "agents",
            "Agents up and reachable",
            "agents",
            k,
            &ticks,
            vec![
                ("up", col("agents_up"), Agg::Last),
                ("reachable", col("agents_reachable"), Agg::Last),
            ],
        ),
        chart(
            "messages",
            "Messages",
            &format!("messages {per}"),
            k,
            &ticks,
            vec![("messages", col("messages"), Agg::Sum)],
        ),
    ];
    let by_strategy = |prefix: &str, keep: &dyn Fn(&[f64]) -> bool| {
        STRATEGIES
            .iter()
            .filter_map(|d| {
                let c = column(ts, &format!("{prefix}{}", d.name))?;
                keep(&c).then_some((d.name, c, Agg::Last))
            })
            .collect::<Vec<_>>()
    };
    let shares = by_strategy("share_", &|c| c.iter().any(|v| *v > 0.0));
    charts.push(chart(
        "shares",
        "Shares by strategy",
        "share of the present agents",
        k,
        &ticks,
        shares,
    ));
    let payoffs = by_strategy("payoff_mean_", &|c| c.iter().any(|v| v.is_finite()));
    charts.push(chart(
        "payoffs",
        "Mean payoff by strategy so far",
        "payoff (reward units)",
        k,
        &ticks,
        payoffs,
    ));
    if faults {
        charts.push(chart(
            "faults",
            "Faults fired",
            &format!("faults {per}"),
            k,
            &ticks,
            vec![("faults", col("faults_fired"), Agg::Sum)],
        ));
    }
    Ok(charts)
}

/// The share `a / b` of the running sums (undefined while `b`'s sum is 0).
fn so_far(a: &[f64], b: &[f64]) -> Vec<f64> {
    let (mut sa, mut sb) = (0.0, 0.0);
    a.iter()
        .zip(b)
        .map(|(x, y)| {
            sa += x;
            sb += y;
            if sb > 0.0 { sa / sb } else { f64::NAN }
        })
        .collect()
}

/// One chart: the window's last tick along x, one line per series.
fn chart(
    id: &str,
    title: &str,
    y_label: &str,
    k: usize,
    ticks: &[f64],
    series: Vec<(&str, Vec<f64>, Agg)>,
) -> Value {
    let windows = ticks.len().div_ceil(k);
    let last = |i: usize| ((i + 1) * k).min(ticks.len()) - 1;
    let x: Vec<f64> = (0..windows).map(|i| ticks[last(i)]).collect();
    let lines: Vec<Value> = series
        .into_iter()
        .map(|(name, ys, agg)| {
            let y: Vec<f64> = (0..windows)
                .map(|i| match agg {
                    Agg::Sum => ys[i * k..=last(i)].iter().sum(),
                    Agg::Last => ys[last(i)],
                })
                .collect();
            json!({ "name": name, "y": y })
        })
        .collect();
    json!({ "id": id, "title": title, "x_label": "tick", "y_label": y_label, "x": x, "series": lines })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_runs_are_drawn_in_windows_summing_counts_and_keeping_levels() {
        let ticks: Vec<f64> = (0..7).map(f64::from).collect();
        let counts = vec![1.0; 7];
        let levels: Vec<f64> = (10..17).map(f64::from).collect();
        let c = chart(
            "t",
            "T",
            "y",
            3,
            &ticks,
            vec![("n", counts, Agg::Sum), ("l", levels, Agg::Last)],
        );
        // Windows [0, 2], [3, 5], [6]: x is each window's last tick.
        assert_eq!(c["x"], json!([2.0, 5.0, 6.0]));
        assert_eq!(c["series"][0]["y"], json!([3.0, 3.0, 1.0]));
        assert_eq!(c["series"][1]["y"], json!([12.0, 15.0, 16.0]));
    }

    #[test]
    fn success_so_far_is_undefined_until_a_task_completes() {
        let s = so_far(&[0.0, 0.0, 1.0, 0.0], &[0.0, 1.0, 1.0, 2.0]);
        assert!(s[0].is_nan());
        assert_eq!(&s[1..], &[0.0, 0.5, 0.25]);
    }
}
