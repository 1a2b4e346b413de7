//! Line plots: the mean of a metric with its 95% band over a swept axis, one line per value of
//! the series axis. A numeric axis is drawn to scale (optionally logarithmic); any other is
//! drawn as equally spaced categories. A logarithmic vertical axis spans at most six decades
//! below its largest value; smaller values (zero up to rounding) are left out.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::data::{Arranged, Stat, Summaries, arrange};
use super::{FAMILY, Figure, Swatch, colour, coloured, draw_legend, padded, short, with_legend};
use crate::experiment::{Plan, PlotSpec};

/// Decades a logarithmic vertical axis spans at most, below its largest value.
const LOG_DECADES: f64 = 6.0;

/// A line plot, ready to draw.
pub struct Line {
    title: String,
    x_label: String,
    y_label: String,
    series_key: Option<String>,
    data: Arranged,
    log_x: bool,
    log_y: bool,
}

impl Line {
    /// The line plot `spec` of the summaries.
    pub fn new(plan: &Plan, spec: &PlotSpec, summaries: &Summaries) -> Result<Self, String> {
        let x = spec.x.as_deref().ok_or("a line plot needs `x`")?;
        let data = arrange(plan, spec, summaries, x, spec.series.as_deref())?;
        Ok(Line {
            title: spec.title.clone(),
            x_label: spec.x_label.clone(),
            y_label: spec.y_label.clone(),
            series_key: spec.series.clone(),
            log_x: spec.log_x && data.x_values.is_some(),
            log_y: spec.log_y,
            data,
        })
    }

    /// Horizontal positions: to scale for numeric axes, else 0, 1, 2, ...
    fn positions(&self) -> Vec<f64> {
        match &self.data.x_values {
            Some(v) if self.log_x => v.iter().map(|x| x.log10()).collect(),
            Some(v) => v.clone(),
            None => (0..self.data.x_labels.len()).map(|i| i as f64).collect(),
        }
    }
}

/// `v` on the vertical scale (log10 when `log`; none for non-positive values on it).
pub fn scale(v: f64, log: bool) -> Option<f64> {
    match log {
        true if v > 0.0 => Some(v.log10()),
        true => None,
        false => v.is_finite().then_some(v),
    }
}

/// The label of a tick at `v`: a category's name, or a number (10^v on log axes).
pub fn tick_label(v: f64, categories: Option<&[String]>, log: bool) -> String {
    match categories {
        Some(labels) => {
            let i = v.round();
            if (v - i).abs() < 1e-6 && i >= 0.0 && (i as usize) < labels.len() {
                labels[i as usize].clone()
            } else {
                String::new()
            }
        }
        // Ticks on a log axis fall at round logarithms (10^0.6 = 3.98...): two significant
        // digits are what a reader can use.
        None if log => short(two_digits(10f64.powf(v))),
        None => short(v),
    }
}

/// `x` rounded to two significant digits.
fn two_digits(x: f64) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let scale = 10f64.powi(1 - x.abs().log10().floor() as i32);
    (x * scale).round() / scale
}

impl Figure for Line {
    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
        area.fill(&WHITE).map_err(err)?;
        let (area, legend) = with_legend(area, self.series_key.is_some());
        let xs = self.positions();
        let categories = self
            .data
            .x_values
            .is_none()
            .then_some(self.data.x_labels.as_slice());
        let (x0, x1) = if categories.is_some() {
            (-0.5, xs.len() as f64 - 0.5)
        } else {
            padded(xs.iter().copied(), false)
        };
        let ys: Vec<f64> = self
            .data
            .stats
            .iter()
            .flatten()
            .flatten()
            .flat_map(|s: &Stat| [s.lo, s.hi, s.mean])
            .filter_map(|v| scale(v, self.log_y))
            .collect();
        // A logarithmic axis spans at most LOG_DECADES below the largest value: values that
        // are zero up to rounding (an exact method's error) would otherwise squash the rest.
        let top = ys.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let floor = if self.log_y {
            top - LOG_DECADES
        } else {
            f64::NEG_INFINITY
        };
        let (y0, y1) = padded(ys.into_iter().filter(|&y| y >= floor), false);
        let shown = |v: f64| scale(v, self.log_y).filter(|&y| y >= floor);
        let mut chart = ChartBuilder::on(&area)
            .caption(&self.title, (FAMILY, 22))
            .margin(18)
            .x_label_area_size(55)
            .y_label_area_size(80)
            .build_cartesian_2d(x0..x1, y0..y1)
            .map_err(err)?;
        let x_fmt = |v: &f64| tick_label(*v, categories, self.log_x);
        // On a log axis spanning two decades or more, only powers of ten are labelled.
        let y_fmt = |v: &f64| {
            if self.log_y && y1 - y0 >= 2.0 && (v - v.round()).abs() > 1e-6 {
                String::new()
            } else {
                tick_label(*v, None, self.log_y)
            }
        };
        chart
            .configure_mesh()
            .x_desc(self.x_label.as_str())
            .y_desc(self.y_label.as_str())
            .label_style((FAMILY, 15))
            .axis_desc_style((FAMILY, 17))
            .x_labels(categories.map_or(10, |c| c.len().max(2)))
            .x_label_formatter(&x_fmt)
            .y_label_formatter(&y_fmt)
            .light_line_style(RGBColor(235, 235, 235))
            .draw()
            .map_err(err)?;
        for (s, row) in self.data.stats.iter().enumerate() {
            let c = colour(s);
            let pts: Vec<(f64, Stat)> = xs
                .iter()
                .zip(row)
                .filter_map(|(&x, st)| st.map(|st| (x, st)))
                .filter(|(_, st)| shown(st.mean).is_some())
                .collect();
            let upper = pts.iter().map(|(x, st)| (*x, shown(st.hi).unwrap_or(y0)));
            let lower: Vec<(f64, f64)> = pts
                .iter()
                .map(|(x, st)| (*x, shown(st.lo).unwrap_or(y0)))
                .collect();
            let band: Vec<(f64, f64)> = upper.chain(lower.into_iter().rev()).collect();
            if band.len() >= 3 {
                chart
                    .draw_series(std::iter::once(Polygon::new(band, c.mix(0.18).filled())))
                    .map_err(err)?;
            }
            let line: Vec<(f64, f64)> = pts
                .iter()
                .filter_map(|(x, st)| shown(st.mean).map(|y| (*x, y)))
                .collect();
            chart
                .draw_series(LineSeries::new(line.clone(), c.stroke_width(3)))
                .map_err(err)?;
            chart
                .draw_series(line.iter().map(|&p| Circle::new(p, 4, c.filled())))
                .map_err(err)?;
        }
        if let (Some(panel), Some(key)) = (legend, &self.series_key) {
            draw_legend(
                &panel,
                key,
                &coloured(&self.data.series_labels),
                Swatch::Line,
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_ticks_read_with_two_significant_digits() {
        assert_eq!(tick_label(4f64.log10() - 0.0009, None, true), "4");
        assert_eq!(tick_label(0.8, None, true), "6.3");
        assert_eq!(tick_label(2.2, None, true), "160");
        assert_eq!(tick_label(2.0, None, true), "100");
        assert_eq!(tick_label(-1.0, None, true), "0.1");
        assert_eq!(tick_label(1.5, None, false), "1.5");
    }
}
