//! Strategy shares over time: for the cells a plot selects, the mean share of each strategy at
//! every tick over the runs, with its 95% band (t interval over runs). Strategies that never
//! appear are left out.

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;
use polars::prelude::*;

use super::line::tick_label;
use super::{FAMILY, Figure, Swatch, colour, coloured, draw_legend, with_legend};
use crate::experiment::{Plan, PlotSpec};
use crate::strategy::STRATEGIES;
use crate::table::read_parquet;
use crate::table::t975;

/// One strategy's share over time.
struct Curve {
    name: String,
    /// (tick, mean, lower, upper).
    points: Vec<(f64, f64, f64, f64)>,
}

/// A strategy-share plot, ready to draw.
pub struct Shares {
    title: String,
    x_label: String,
    y_label: String,
    curves: Vec<Curve>,
}

impl Shares {
    /// The shares plot `spec` of the time series in `dir`.
    pub fn new(dir: &Path, plan: &Plan, spec: &PlotSpec) -> Result<Self, String> {
        let ts = read_parquet(&dir.join("timeseries.parquet")).map_err(|e| e.to_string())?;
        let cells: Vec<u32> = plan
            .cells
            .iter()
            .filter(|c| spec.selects(c))
            .map(|c| c.index)
            .collect();
        let selected = DataFrame::new(cells.len(), vec![Column::new("cell".into(), cells)])
            .map_err(|e| e.to_string())?;
        let mut curves = Vec::new();
        for def in STRATEGIES {
            let column = format!("share_{}", def.name);
            if ts.height() == 0 || ts.column(&column).is_err() {
                continue;
            }
            let per_tick = ts
                .clone()
                .lazy()
                .join(
                    selected.clone().lazy(),
                    [col("cell")],
                    [col("cell")],
                    JoinArgs::new(JoinType::Inner),
                )
                .group_by([col("tick")])
                .agg([
                    col(column.as_str()).mean().alias("mean"),
                    col(column.as_str()).std(1).alias("sd"),
                    col(column.as_str())
                        .count()
                        .cast(DataType::Int64)
                        .alias("n"),
                ])
                .sort(["tick"], SortMultipleOptions::default())
                .collect()
                .map_err(|e| e.to_string())?;
            let get = |name: &str| -> Result<Vec<Option<f64>>, String> {
                Ok(per_tick
                    .column(name)
                    .and_then(|c| c.cast(&DataType::Float64))
                    .map_err(|e| e.to_string())?
                    .f64()
                    .map_err(|e| e.to_string())?
                    .iter()
                    .collect())
            };
            let (tick, mean, sd, n) = (get("tick")?, get("mean")?, get("sd")?, get("n")?);
            let points: Vec<(f64, f64, f64, f64)> = (0..per_tick.height())
                .filter_map(|i| {
                    let (t, m) = (tick[i]?, mean[i]?);
                    let n = n[i].unwrap_or(0.0) as u64;
                    let half = match sd[i] {
                        Some(s) if n >= 2 => t975(n - 1) * s / (n as f64).sqrt(),
                        _ => 0.0,
                    };
                    Some((t, m, m - half, m + half))
                })
                .collect();
            if points.iter().any(|p| p.1 > 0.0) {
                curves.push(Curve {
                    name: def.name.to_string(),
                    points,
                });
            }
        }
        Ok(Shares {
            title: spec.title.clone(),
            x_label: spec.x_label.clone(),
            y_label: spec.y_label.clone(),
            curves,
        })
    }
}

impl Shares {
    /// Each strategy's curve: its name and its (tick, mean, lower, upper) points.
    pub fn curves(&self) -> impl Iterator<Item = (&str, &[(f64, f64, f64, f64)])> {
        self.curves
            .iter()
            .map(|c| (c.name.as_str(), c.points.as_slice()))
    }
}

impl Figure for Shares {
    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
        area.fill(&WHITE).map_err(err)?;
        let (area, legend) = with_legend(area, true);
        let last = self
            .curves
            .iter()
            .flat_map(|c| c.points.iter().map(|p| p.0))
            .fold(1.0, f64::max);
        let mut chart = ChartBuilder::on(&area)
            .caption(&self.title, (FAMILY, 22))
            .margin(18)
            .x_label_area_size(55)
            .y_label_area_size(80)
            .build_cartesian_2d(0.0..last, 0.0..1.0)
            .map_err(err)?;
        let fmt = |v: &f64| tick_label(*v, None, false);
        chart
            .configure_mesh()
            .x_desc(self.x_label.as_str())
            .y_desc(self.y_label.as_str())
            .label_style((FAMILY, 15))
            .axis_desc_style((FAMILY, 17))
            .x_label_formatter(&fmt)
            .y_label_formatter(&fmt)
            .light_line_style(RGBColor(235, 235, 235))
            .draw()
            .map_err(err)?;
        for (i, curve) in self.curves.iter().enumerate() {
            let c = colour(i);
            let band: Vec<(f64, f64)> = curve
                .points
                .iter()
                .map(|p| (p.0, p.3.min(1.0)))
                .chain(curve.points.iter().rev().map(|p| (p.0, p.2.max(0.0))))
                .collect();
            chart
                .draw_series(std::iter::once(Polygon::new(band, c.mix(0.18).filled())))
                .map_err(err)?;
            chart
                .draw_series(LineSeries::new(
                    curve.points.iter().map(|p| (p.0, p.1)),
                    c.stroke_width(3),
                ))
                .map_err(err)?;
        }
        if let Some(panel) = legend {
            let names: Vec<String> = self.curves.iter().map(|c| c.name.clone()).collect();
            draw_legend(&panel, "strategy", &coloured(&names), Swatch::Line)?;
        }
        Ok(())
    }
}
