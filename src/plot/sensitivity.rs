//! The sensitivity indices of a design, one chart per metric: a group of horizontal bars per
//! factor (its key path written in full at the left), one bar per index (S1 and ST for Sobol,
//! μ* and σ for Morris), each with its 95% bootstrap interval. Read from `sensitivity.csv`,
//! written as `sensitivity-<metric>.png` and `.svg`.

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;
use polars::prelude::*;

use super::data::{Arranged, Stat};
use super::line::tick_label;
use super::{FAMILY, Figure, Swatch, colour, coloured, draw_legend, padded, with_legend};
use crate::design::Kind;
use crate::experiment::Plan;
use crate::table::read_csv;

/// The indices drawn for a design kind, with their legend labels.
pub(crate) fn drawn(kind: Kind) -> &'static [(&'static str, &'static str)] {
    match kind {
        Kind::Sobol => &[("S1", "first order S1"), ("ST", "total order ST")],
        Kind::Morris => &[
            ("mu_star", "μ* (mean |effect|)"),
            ("sigma", "σ (sd of effects)"),
        ],
        Kind::Lhs | Kind::File => &[],
    }
}

/// One row of `sensitivity.csv`.
pub(crate) struct Row {
    pub(crate) metric: String,
    pub(crate) parameter: String,
    pub(crate) index: String,
    pub(crate) stat: Option<Stat>,
}

/// The rows of `dir/sensitivity.csv`.
pub(crate) fn rows(dir: &Path) -> Result<Vec<Row>, String> {
    let df = read_csv(&dir.join("sensitivity.csv")).map_err(|e| format!("sensitivity.csv: {e}"))?;
    let text = |name: &str| -> Result<Vec<String>, String> {
        let c = df.column(name).map_err(|e| e.to_string())?;
        let c = c.cast(&DataType::String).map_err(|e| e.to_string())?;
        let s = c.str().map_err(|e| e.to_string())?;
        Ok(s.iter()
            .map(|v| v.unwrap_or_default().to_string())
            .collect())
    };
    let number = |name: &str| -> Result<Vec<Option<f64>>, String> {
        let c = df.column(name).map_err(|e| e.to_string())?;
        let c = c.cast(&DataType::Float64).map_err(|e| e.to_string())?;
        Ok(c.f64().map_err(|e| e.to_string())?.iter().collect())
    };
    let (metric, parameter, index) = (text("metric")?, text("parameter")?, text("index")?);
    let (estimate, lo, hi) = (number("estimate")?, number("ci95_lo")?, number("ci95_hi")?);
    Ok((0..df.height())
        .map(|i| Row {
            metric: metric[i].clone(),
            parameter: parameter[i].clone(),
            index: index[i].clone(),
            stat: estimate[i].map(|mean| Stat {
                mean,
                lo: lo[i].unwrap_or(mean),
                hi: hi[i].unwrap_or(mean),
            }),
        })
        .collect())
}

/// Draws the sensitivity charts of `plan` into `plots`; returns the files written.
pub fn draw_all(dir: &Path, plots: &Path, plan: &Plan) -> Result<Vec<String>, String> {
    let Some(design) = &plan.design else {
        return Ok(Vec::new());
    };
    let indices = drawn(design.kind);
    if indices.is_empty() {
        return Ok(Vec::new());
    }
    let rows = rows(dir)?;
    let parameters: Vec<String> = design.factors.iter().map(|f| f.key.clone()).collect();
    let mut files = Vec::new();
    for metric in &plan.metrics {
        let stats = indices
            .iter()
            .map(|(index, _)| {
                let find = |p: &String| {
                    rows.iter()
                        .find(|r| &r.metric == metric && &r.index == index && &r.parameter == p)
                        .and_then(|r| r.stat)
                };
                parameters.iter().map(find).collect()
            })
            .collect();
        let data = Arranged {
            x_labels: parameters.clone(),
            x_values: None,
            series_labels: indices.iter().map(|(_, l)| l.to_string()).collect(),
            stats,
        };
        let (what, y) = match design.kind {
            Kind::Sobol => ("Sobol indices", "share of the variance"),
            _ => ("Morris elementary effects", "effect per whole range"),
        };
        let chart = Indices {
            title: format!("{what} of {}", metric.replace('_', " ")),
            x_label: format!("{y} (95% bootstrap interval)"),
            data,
        };
        let name = format!("sensitivity-{metric}");
        super::save(&chart, plots, &name)?;
        files.push(format!("{name}.png"));
        files.push(format!("{name}.svg"));
    }
    Ok(files)
}

/// Share of a group's height taken by its bars.
const GROUP: f64 = 0.8;

/// The chart of one metric's indices.
struct Indices {
    title: String,
    x_label: String,
    /// Factors along `x_labels` (drawn top to bottom), indices as series.
    data: Arranged,
}

impl Figure for Indices {
    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
        area.fill(&WHITE).map_err(err)?;
        let (area, legend) = with_legend(area, true);
        let groups = self.data.x_labels.len();
        let per = self.data.stats.len().max(1);
        let height = GROUP / per as f64;
        let values = self.data.stats.iter().flatten().flatten();
        let (x0, x1) = padded(values.flat_map(|s| [s.lo, s.hi, s.mean]), true);
        let longest = self
            .data
            .x_labels
            .iter()
            .map(|l| l.chars().count())
            .max()
            .unwrap_or(8);
        let mut chart = ChartBuilder::on(&area)
            .caption(&self.title, (FAMILY, 22))
            .margin(18)
            .x_label_area_size(55)
            .y_label_area_size((longest as u32 * 8 + 20).min(330))
            .build_cartesian_2d(x0..x1, -0.5..groups as f64 - 0.5)
            .map_err(err)?;
        // Factor g is drawn at height groups − 1 − g, so the first is at the top.
        let labels: Vec<String> = self.data.x_labels.iter().rev().cloned().collect();
        let y_fmt = |v: &f64| tick_label(*v, Some(labels.as_slice()), false);
        let x_fmt = |v: &f64| tick_label(*v, None, false);
        chart
            .configure_mesh()
            .disable_y_mesh()
            .x_desc(self.x_label.as_str())
            .label_style((FAMILY, 14))
            .axis_desc_style((FAMILY, 16))
            .y_labels(groups.max(2))
            .y_label_formatter(&y_fmt)
            .x_label_formatter(&x_fmt)
            .light_line_style(RGBColor(235, 235, 235))
            .draw()
            .map_err(err)?;
        for (s, row) in self.data.stats.iter().enumerate() {
            let c = colour(s);
            let top = |g: usize| (groups - 1 - g) as f64 + GROUP / 2.0 - s as f64 * height;
            let bars = row.iter().enumerate().filter_map(|(g, st)| {
                st.map(|st| {
                    let (y0, y1) = (top(g) - 0.95 * height, top(g) - 0.05 * height);
                    Rectangle::new([(0.0, y0), (st.mean, y1)], c.filled())
                })
            });
            chart.draw_series(bars).map_err(err)?;
            let whiskers = row.iter().enumerate().filter_map(|(g, st)| {
                st.filter(|st| st.hi > st.lo).map(|st| {
                    let mid = top(g) - height / 2.0;
                    PathElement::new(vec![(st.lo, mid), (st.hi, mid)], BLACK.stroke_width(2))
                })
            });
            chart.draw_series(whiskers).map_err(err)?;
        }
        if let Some(panel) = legend {
            draw_legend(
                &panel,
                "index",
                &coloured(&self.data.series_labels),
                Swatch::Box,
            )?;
        }
        Ok(())
    }
}
