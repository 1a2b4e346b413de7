//! Heatmaps: the mean of a metric over two swept axes, each cell coloured on the viridis scale
//! (perceptually uniform, readable in grey and with colour-vision deficiencies) and labelled
//! with its value; the caption gives the range the colours span.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::data::{Arranged, Summaries, arrange};
use super::line::tick_label;
use super::{FAMILY, Figure, short};
use crate::experiment::{Plan, PlotSpec};

/// Viridis at nine evenly spaced points, from low to high.
const VIRIDIS: [(u8, u8, u8); 9] = [
    (68, 1, 84),
    (71, 44, 122),
    (59, 81, 139),
    (44, 113, 142),
    (33, 144, 141),
    (39, 173, 129),
    (92, 200, 99),
    (170, 220, 50),
    (253, 231, 37),
];

/// The viridis colour at `t` in [0, 1] (linear between the anchors).
pub fn viridis(t: f64) -> RGBColor {
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let pos = t * (VIRIDIS.len() - 1) as f64;
    let i = (pos.floor() as usize).min(VIRIDIS.len() - 2);
    let f = pos - i as f64;
    let mix = |a: u8, b: u8| (f64::from(a) + (f64::from(b) - f64::from(a)) * f).round() as u8;
    let (a, b) = (VIRIDIS[i], VIRIDIS[i + 1]);
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// A heatmap, ready to draw.
pub struct Heatmap {
    title: String,
    x_label: String,
    y_label: String,
    data: Arranged,
}

impl Heatmap {
    /// The heatmap `spec` of the summaries.
    pub fn new(plan: &Plan, spec: &PlotSpec, summaries: &Summaries) -> Result<Self, String> {
        let x = spec.x.as_deref().ok_or("a heatmap needs `x`")?;
        let y = spec.y.as_deref().ok_or("a heatmap needs `y`")?;
        Ok(Heatmap {
            title: spec.title.clone(),
            x_label: spec.x_label.clone(),
            y_label: spec.y_label.clone(),
            data: arrange(plan, spec, summaries, x, Some(y))?,
        })
    }
}

impl Figure for Heatmap {
    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
        area.fill(&WHITE).map_err(err)?;
        let nx = self.data.x_labels.len();
        let ny = self.data.series_labels.len();
        let means: Vec<f64> = self
            .data
            .stats
            .iter()
            .flatten()
            .flatten()
            .map(|s| s.mean)
            .collect();
        let lo = means.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = means.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let caption = if lo.is_finite() {
            format!("{} (colour: {} to {})", self.title, short(lo), short(hi))
        } else {
            self.title.clone()
        };
        let longest = self
            .data
            .series_labels
            .iter()
            .map(|l| l.chars().count())
            .max()
            .unwrap_or(4) as u32;
        let mut chart = ChartBuilder::on(area)
            .caption(caption, (FAMILY, 22))
            .margin(18)
            .x_label_area_size(55)
            .y_label_area_size(40 + 9 * longest)
            .build_cartesian_2d(-0.5..nx as f64 - 0.5, -0.5..ny as f64 - 0.5)
            .map_err(err)?;
        let xc = Some(self.data.x_labels.as_slice());
        let yc = Some(self.data.series_labels.as_slice());
        let x_fmt = |v: &f64| tick_label(*v, xc, false);
        let y_fmt = |v: &f64| tick_label(*v, yc, false);
        chart
            .configure_mesh()
            .disable_mesh()
            .x_desc(self.x_label.as_str())
            .y_desc(self.y_label.as_str())
            .label_style((FAMILY, 15))
            .axis_desc_style((FAMILY, 17))
            .x_labels(nx.max(2))
            .y_labels(ny.max(2))
            .x_label_formatter(&x_fmt)
            .y_label_formatter(&y_fmt)
            .draw()
            .map_err(err)?;
        let span = if hi > lo { hi - lo } else { 1.0 };
        for (j, row) in self.data.stats.iter().enumerate() {
            for (i, st) in row.iter().enumerate() {
                let (x, y) = (i as f64, j as f64);
                let (fill, text) = match st {
                    Some(s) => (viridis((s.mean - lo) / span), short(s.mean)),
                    None => (RGBColor(220, 220, 220), "–".to_string()),
                };
                chart
                    .draw_series(std::iter::once(Rectangle::new(
                        [(x - 0.5, y - 0.5), (x + 0.5, y + 0.5)],
                        fill.filled(),
                    )))
                    .map_err(err)?;
                let luminance = 0.299 * f64::from(fill.0)
                    + 0.587 * f64::from(fill.1)
                    + 0.114 * f64::from(fill.2);
                let ink = if luminance > 140.0 { BLACK } else { WHITE };
                let style = TextStyle::from((FAMILY, 16).into_font()).color(&ink).pos(
                    plotters::style::text_anchor::Pos::new(
                        plotters::style::text_anchor::HPos::Center,
                        plotters::style::text_anchor::VPos::Center,
                    ),
                );
                chart
                    .draw_series(std::iter::once(Text::new(text, (x, y), style)))
                    .map_err(err)?;
            }
        }
        Ok(())
    }
}
