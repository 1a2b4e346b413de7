//! The plots of an experiment, one function per concern: each plot's kind, the swept keys it
//! draws (x, series, facets, filters), every other axis shown or fixed, log axes, its metrics and
//! its file name.

use super::super::grid::{Axis, ParamValue};
use super::super::raw::{RawExperiment, RawPlot};
use super::super::{PlotKind, PlotSpec, TIMINGS};
use super::metrics::unknown_metric;
use super::overrides::flatten;
use crate::scenario::{KeyPath, Problem};
use crate::syntax::spec::suggest;

/// The `[[plot]]`s, each valid for the axes and metrics, with distinct names.
pub(super) fn plots(
    c: &mut Vec<Problem>,
    raw: &RawExperiment,
    axes: &[Axis],
    metrics: &[String],
    timeseries: bool,
    title: &str,
) -> Vec<PlotSpec> {
    let mut plots: Vec<PlotSpec> = Vec::new();
    for (i, p) in raw.plot.iter().enumerate() {
        let at = KeyPath::root().key("plot").index(i);
        if let Some(spec) = plot(c, p, &at, axes, metrics, timeseries, title) {
            if plots.iter().any(|q| q.name == spec.name) {
                c.push(
                    Problem::new(at.clone(), format!("two plots are named `{}`", spec.name))
                        .help("give one of them another `name`"),
                );
            }
            plots.push(spec);
        }
    }
    plots
}

/// Validates one `[[plot]]`.
fn plot(
    c: &mut Vec<Problem>,
    p: &RawPlot,
    at: &KeyPath,
    axes: &[Axis],
    metrics: &[String],
    timeseries: bool,
    title: &str,
) -> Option<PlotSpec> {
    let before = c.len();
    let kind = plot_kind(c, p, at)?;
    let x = swept_key(c, at, axes, "x", &p.x);
    let y = swept_key(c, at, axes, "y", &p.y);
    let series = swept_key(c, at, axes, "series", &p.series);
    plot_fields(c, p, at, kind, metrics, timeseries);
    let filter = plot_filter(c, p, at, axes);
    if c.len() > before {
        return None;
    }
    every_axis_shown(c, at, axes, [&x, &y, &series], &filter);
    let log_x = p.log_x.unwrap_or(false);
    if log_x && let Some(k) = &x {
        log_axis(c, at, axes, k);
    }
    let name = plot_name(c, p, at, kind);
    if c.len() > before {
        return None;
    }
    let metric_label = p.metric.clone().unwrap_or_else(|| "share of agents".into());
    Some(PlotSpec {
        kind,
        name,
        title: p
            .title
            .clone()
            .unwrap_or_else(|| format!("{title}: {}", metric_label.replace('_', " "))),
        x_label: p
            .x_label
            .clone()
            .or_else(|| x.clone())
            .unwrap_or_else(|| "tick".into()),
        y_label: p
            .y_label
            .clone()
            .or_else(|| y.clone())
            .unwrap_or(metric_label),
        metric: p.metric.clone(),
        x,
        y,
        series,
        filter,
        log_x,
        log_y: p.log_y.unwrap_or(false),
    })
}

/// The plot's `kind`, one of [`PlotKind::ALL`].
fn plot_kind(c: &mut Vec<Problem>, p: &RawPlot, at: &KeyPath) -> Option<PlotKind> {
    let names: Vec<&str> = PlotKind::ALL.iter().map(|(n, _)| *n).collect();
    match p.kind.as_deref() {
        None => {
            c.push(
                Problem::new(at.clone(), "missing key `kind`")
                    .help(format!("one of {}", names.join(", "))),
            );
            None
        }
        Some(k) => match PlotKind::ALL.iter().find(|(n, _)| *n == k) {
            Some((_, kind)) => Some(*kind),
            None => {
                let hint = suggest(k, names.iter().copied())
                    .map(|s| format!("did you mean `{s}`? "))
                    .unwrap_or_default();
                c.push(
                    Problem::new(at.key("kind"), format!("unknown plot kind `{k}`"))
                        .help(format!("{hint}kinds: {}", names.join(", "))),
                );
                None
            }
        },
    }
}

/// The axis holding swept key `k`.
fn axis_of(axes: &[Axis], k: &str) -> Option<usize> {
    axes.iter().position(|a| a.keys.iter().any(|x| x == k))
}

/// The plot's `field` (`x`, `y`, `series`), which must name a swept key.
fn swept_key(
    c: &mut Vec<Problem>,
    at: &KeyPath,
    axes: &[Axis],
    field: &str,
    v: &Option<String>,
) -> Option<String> {
    let k = v.as_ref()?;
    if axis_of(axes, k).is_some() {
        return Some(k.clone());
    }
    let keys: Vec<&str> = axes
        .iter()
        .flat_map(|a| a.keys.iter().map(String::as_str))
        .collect();
    let hint = suggest(k, keys.iter().copied())
        .map(|s| format!("did you mean `{s}`? "))
        .unwrap_or_default();
    let list = if keys.is_empty() {
        "(none)".to_string()
    } else {
        keys.join(", ")
    };
    c.push(
        Problem::new(at.key(field), format!("`{k}` is not a swept key"))
            .help(format!("{hint}swept keys: {list}")),
    );
    None
}

/// The fields each kind needs or refuses, its metric, and the time series `shares` needs.
fn plot_fields(
    c: &mut Vec<Problem>,
    p: &RawPlot,
    at: &KeyPath,
    kind: PlotKind,
    metrics: &[String],
    timeseries: bool,
) {
    let need = |c: &mut Vec<Problem>, field: &str, present: bool, wanted: bool| {
        if wanted && !present {
            c.push(Problem::new(
                at.clone(),
                format!("a `{}` plot needs `{field}`", kind.name()),
            ));
        } else if !wanted && present {
            c.push(Problem::new(
                at.key(field),
                format!("`{field}` does not apply to `{}` plots", kind.name()),
            ));
        }
    };
    let charted = kind != PlotKind::Shares;
    need(c, "metric", p.metric.is_some(), charted);
    need(c, "x", p.x.is_some(), charted);
    if kind == PlotKind::Heatmap {
        need(c, "y", p.y.is_some(), true);
    } else if p.y.is_some() {
        need(c, "y", true, false);
    }
    if matches!(kind, PlotKind::Heatmap | PlotKind::Shares) && p.series.is_some() {
        need(c, "series", true, false);
    }
    if let Some(m) = &p.metric
        && !metrics.contains(m)
        && !TIMINGS.contains(&m.as_str())
    {
        let mut known: Vec<String> = metrics.to_vec();
        known.extend(TIMINGS.iter().map(|s| s.to_string()));
        c.push(unknown_metric(at.key("metric"), m, &known));
    }
    if kind == PlotKind::Shares && !timeseries {
        c.push(
            Problem::new(at.key("kind"), "a `shares` plot needs the time series")
                .help("add `timeseries = true` to the experiment"),
        );
    }
}

/// The plot's `where`: values of swept keys that hold the other axes fixed.
fn plot_filter(
    c: &mut Vec<Problem>,
    p: &RawPlot,
    at: &KeyPath,
    axes: &[Axis],
) -> Vec<(String, ParamValue)> {
    let mut filter = Vec::new();
    if let Some(t) = &p.filter {
        let mut entries = Vec::new();
        flatten(t, &at.key("where"), "", &mut entries);
        for (wp, k, v) in entries {
            let Some(a) = axis_of(axes, &k) else {
                c.push(Problem::new(wp, format!("`{k}` is not a swept key")));
                continue;
            };
            let axis = &axes[a];
            let ki = axis.keys.iter().position(|x| *x == k).unwrap_or(0);
            let value = ParamValue::from_toml(&v);
            if !axis.values[ki].iter().any(|w| w.same(&value)) {
                let list: Vec<String> = axis.values[ki].iter().map(ParamValue::canonical).collect();
                c.push(
                    Problem::new(wp, format!("{} is not a value of `{k}`", value.canonical()))
                        .help(format!("values: {}", list.join(", "))),
                );
                continue;
            }
            filter.push((k, value));
        }
    }
    filter
}

/// Every axis with more than one value must be drawn (as `x`, `y` or `series`, each a different
/// axis) or held fixed by `where`.
fn every_axis_shown(
    c: &mut Vec<Problem>,
    at: &KeyPath,
    axes: &[Axis],
    drawn: [&Option<String>; 3],
    filter: &[(String, ParamValue)],
) {
    let mut shown: Vec<usize> = drawn
        .into_iter()
        .flatten()
        .filter_map(|k| axis_of(axes, k))
        .collect();
    let count = shown.len();
    shown.sort_unstable();
    shown.dedup();
    if shown.len() < count {
        c.push(Problem::new(
            at.clone(),
            "`x`, `y` and `series` must be different axes",
        ));
    }
    for (a, axis) in axes.iter().enumerate() {
        let pinned = filter.iter().any(|(k, _)| axis.keys.contains(k));
        if axis.len() > 1 && !pinned && !shown.contains(&a) {
            c.push(
                Problem::new(
                    at.clone(),
                    format!(
                        "axis `{}` has {} values but the plot neither draws nor fixes it",
                        axis.keys[0],
                        axis.len()
                    ),
                )
                .help(format!(
                    "use it as `series`, or fix it with `where = {{ \"{}\" = ... }}`",
                    axis.keys[0]
                )),
            );
        }
    }
}

/// A logarithmic `x` axis needs positive values of its key `k`.
fn log_axis(c: &mut Vec<Problem>, at: &KeyPath, axes: &[Axis], k: &str) {
    let Some(a) = axis_of(axes, k) else {
        return;
    };
    let ki = axes[a].keys.iter().position(|w| w == k).unwrap_or(0);
    if !axes[a].values[ki]
        .iter()
        .all(|v| v.as_f64().is_some_and(|f| f > 0.0))
    {
        c.push(Problem::new(
            at.key("log_x"),
            format!("a logarithmic axis needs positive numbers, and `{k}` has others"),
        ));
    }
}

/// The plot's file name: `name`, or the kind and metric.
fn plot_name(c: &mut Vec<Problem>, p: &RawPlot, at: &KeyPath, kind: PlotKind) -> String {
    let name = p.name.clone().unwrap_or_else(|| match &p.metric {
        Some(m) => format!("{}-{m}", kind.name()),
        None => kind.name().to_string(),
    });
    if name.is_empty()
        || !name
            .chars()
            .all(|ch| ch.is_ascii_alphanumeric() || "_-.".contains(ch))
    {
        c.push(Problem::new(
            at.key("name"),
            format!("plot name `{name}` must use only letters, digits, `_`, `-` and `.`"),
        ));
    }
    name
}
