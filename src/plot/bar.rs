//! Grouped bar charts: one group per value of the x axis, one bar per value of the series axis,
//! each with its 95% interval as an error bar.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::data::{Arranged, Summaries, arrange};
use super::line::tick_label;
use super::{FAMILY, Figure, Swatch, colour, coloured, draw_legend, padded, with_legend};
use crate::experiment::{Plan, PlotSpec};

/// Share of a group's width taken by its bars.
const GROUP_WIDTH: f64 = 0.8;

/// A grouped bar chart, ready to draw.
pub struct Bars {
    title: String,
    x_label: String,
    y_label: String,
    series_key: Option<String>,
    data: Arranged,
}

impl Bars {
    /// The bar chart `spec` of the summaries.
    pub fn new(plan: &Plan, spec: &PlotSpec, summaries: &Summaries) -> Result<Self, String> {
        let x = spec.x.as_deref().ok_or("a bar chart needs `x`")?;
        Ok(Bars {
            title: spec.title.clone(),
            x_label: spec.x_label.clone(),
            y_label: spec.y_label.clone(),
            series_key: spec.series.clone(),
            data: arrange(plan, spec, summaries, x, spec.series.as_deref())?,
        })
    }
}

impl Figure for Bars {
    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
        area.fill(&WHITE).map_err(err)?;
        let (area, legend) = with_legend(area, self.series_key.is_some());
        let groups = self.data.x_labels.len();
        let per = self.data.stats.len().max(1);
        let width = GROUP_WIDTH / per as f64;
        let ys = self
            .data
            .stats
            .iter()
            .flatten()
            .flatten()
            .flat_map(|s| [s.lo, s.hi, s.mean]);
        let (y0, y1) = padded(ys, true);
        let mut chart = ChartBuilder::on(&area)
            .caption(&self.title, (FAMILY, 22))
            .margin(18)
            .x_label_area_size(55)
            .y_label_area_size(80)
            .build_cartesian_2d(-0.5..groups as f64 - 0.5, y0..y1)
            .map_err(err)?;
        let categories = Some(self.data.x_labels.as_slice());
        let x_fmt = |v: &f64| tick_label(*v, categories, false);
        let y_fmt = |v: &f64| tick_label(*v, None, false);
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_desc(self.x_label.as_str())
            .y_desc(self.y_label.as_str())
            .label_style((FAMILY, 15))
            .axis_desc_style((FAMILY, 17))
            .x_labels(groups.max(2))
            .x_label_formatter(&x_fmt)
            .y_label_formatter(&y_fmt)
            .light_line_style(RGBColor(235, 235, 235))
            .draw()
            .map_err(err)?;
        for (s, row) in self.data.stats.iter().enumerate() {
            let c = colour(s);
            let left = |g: usize| g as f64 - GROUP_WIDTH / 2.0 + s as f64 * width;
            let bars = row.iter().enumerate().filter_map(|(g, st)| {
                st.map(|st| {
                    Rectangle::new(
                        [
                            (left(g) + 0.05 * width, 0.0),
                            (left(g) + 0.95 * width, st.mean),
                        ],
                        c.filled(),
                    )
                })
            });
            chart.draw_series(bars).map_err(err)?;
            let whiskers = row.iter().enumerate().filter_map(|(g, st)| {
                st.filter(|st| st.hi > st.lo).map(|st| {
                    let mid = left(g) + width / 2.0;
                    PathElement::new(vec![(mid, st.lo), (mid, st.hi)], BLACK.stroke_width(2))
                })
            });
            chart.draw_series(whiskers).map_err(err)?;
        }
        if let (Some(panel), Some(key)) = (legend, &self.series_key) {
            draw_legend(
                &panel,
                key,
                &coloured(&self.data.series_labels),
                Swatch::Box,
            )?;
        }
        Ok(())
    }
}
