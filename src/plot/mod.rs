//! Plots of a sweep's results with plotters, each written as PNG and SVG to `<results>/plots/`.
//!
//! The kinds are pluggable through the [`PlotKind`] list, one file each: [`line`] (mean and 95%
//! band over a swept axis, one line per series), [`bar`] (grouped bars with 95% error bars),
//! [`heatmap`] (mean over two axes, values printed in the cells) and [`shares`] (strategy shares
//! over time). Text is drawn with a bundled DejaVu Sans font (no system fonts needed); colours
//! are the Okabe–Ito palette, distinguishable with the common colour-vision deficiencies.
//! Plots read only the results folder (summaries, time series and `runs/plan.json`), so
//! `lamas plot` can redraw them at any time.

mod bar;
pub(crate) mod data;
mod heatmap;
mod line;
pub(crate) mod sensitivity;
pub(crate) mod shares;

use std::path::Path;
use std::sync::Once;

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::experiment::{Plan, PlotKind, PlotSpec};
use crate::table::write_atomic;
use data::Summaries;

/// The bundled font (DejaVu Sans; licence in `assets/fonts/`).
const FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
/// The font family every plot uses.
pub const FAMILY: &str = "sans-serif";
/// Size of every figure, pixels.
pub const SIZE: (u32, u32) = (960, 640);

/// The Okabe–Ito colours, in the order series get them.
pub const PALETTE: [RGBColor; 8] = [
    RGBColor(0, 114, 178),
    RGBColor(230, 159, 0),
    RGBColor(0, 158, 115),
    RGBColor(213, 94, 0),
    RGBColor(86, 180, 233),
    RGBColor(204, 121, 167),
    RGBColor(240, 228, 66),
    RGBColor(0, 0, 0),
];

/// The colour of series `i`.
pub fn colour(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

/// Each label with the colour of its series, in order.
pub fn coloured(labels: &[String]) -> Vec<(String, RGBColor)> {
    labels
        .iter()
        .enumerate()
        .map(|(i, l)| (l.clone(), colour(i)))
        .collect()
}

static REGISTER: Once = Once::new();

/// Registers the bundled font under [`FAMILY`] (once per process).
pub fn register_font() {
    REGISTER.call_once(|| {
        let _ = plotters::style::register_font(FAMILY, FontStyle::Normal, FONT);
    });
}

/// A figure that can draw itself on any plotters backend.
pub trait Figure {
    /// Draws the figure on `area`.
    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<(), String>;
}

/// Writes `fig` as `<dir>/<name>.png` and `<dir>/<name>.svg`, each atomically.
pub fn save(fig: &impl Figure, dir: &Path, name: &str) -> Result<(), String> {
    register_font();
    let mut svg = String::new();
    {
        let area = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        fig.draw(&area)?;
        area.present().map_err(|e| e.to_string())?;
    }
    write_atomic(&dir.join(format!("{name}.svg")), svg.as_bytes())
        .map_err(|e| format!("cannot write {name}.svg: {e}"))?;
    let tmp = dir.join(format!(".{name}.png.tmp-{}.png", std::process::id()));
    {
        let area = BitMapBackend::new(&tmp, SIZE).into_drawing_area();
        fig.draw(&area)?;
        area.present().map_err(|e| e.to_string())?;
    }
    std::fs::rename(&tmp, dir.join(format!("{name}.png"))).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        format!("cannot write {name}.png: {e}")
    })
}

/// Draws every plot of `plan` from the results in `dir` into `dir/plots/`; returns the files
/// written.
pub fn draw_all(dir: &Path, plan: &Plan) -> Result<Vec<String>, String> {
    let indexed = plan.has_indices();
    if plan.plots.is_empty() && !indexed {
        return Ok(Vec::new());
    }
    let plots = dir.join("plots");
    std::fs::create_dir_all(&plots)
        .map_err(|e| format!("cannot create `{}`: {e}", plots.display()))?;
    crate::table::remove_stale_temps(&plots);
    let mut files = sensitivity::draw_all(dir, &plots, plan)
        .map_err(|e| format!("drawing the sensitivity indices: {e}"))?;
    if plan.plots.is_empty() {
        return Ok(files);
    }
    let summaries = Summaries::read(dir)?;
    for spec in &plan.plots {
        draw_one(dir, &plots, plan, spec, &summaries)
            .map_err(|e| format!("drawing plot `{}`: {e}", spec.name))?;
        files.push(format!("{}.png", spec.name));
        files.push(format!("{}.svg", spec.name));
    }
    Ok(files)
}

fn draw_one(
    dir: &Path,
    plots: &Path,
    plan: &Plan,
    spec: &PlotSpec,
    summaries: &Summaries,
) -> Result<(), String> {
    match spec.kind {
        PlotKind::Line => save(&line::Line::new(plan, spec, summaries)?, plots, &spec.name),
        PlotKind::Bar => save(&bar::Bars::new(plan, spec, summaries)?, plots, &spec.name),
        PlotKind::Heatmap => save(
            &heatmap::Heatmap::new(plan, spec, summaries)?,
            plots,
            &spec.name,
        ),
        PlotKind::Shares => save(&shares::Shares::new(dir, plan, spec)?, plots, &spec.name),
    }
}

/// Width of the legend panel at the right of a figure, pixels.
pub const LEGEND_WIDTH: u32 = 210;

/// How a legend entry is drawn.
#[derive(Debug, Clone, Copy)]
pub enum Swatch {
    /// A line (line plots).
    Line,
    /// A filled box (bars).
    Box,
}

/// Splits `area` into the chart and, when there is a legend, a panel at its right.
pub fn with_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    legend: bool,
) -> (DrawingArea<DB, Shift>, Option<DrawingArea<DB, Shift>>) {
    if !legend {
        return (area.clone(), None);
    }
    let (w, _) = area.dim_in_pixel();
    let (chart, panel) = area.split_horizontally(w.saturating_sub(LEGEND_WIDTH));
    (chart, Some(panel))
}

/// Draws a legend in its panel: a title (the series key), then one entry per series, clear of
/// the data.
pub fn draw_legend<DB: DrawingBackend>(
    panel: &DrawingArea<DB, Shift>,
    title: &str,
    entries: &[(String, RGBColor)],
    swatch: Swatch,
) -> Result<(), String> {
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    let top = 70;
    panel
        .draw(&Text::new(
            title.to_string(),
            (8, top),
            (FAMILY, 16).into_font(),
        ))
        .map_err(err)?;
    for (i, (label, c)) in entries.iter().enumerate() {
        let y = top + 30 + 24 * i as i32;
        match swatch {
            Swatch::Line => panel
                .draw(&PathElement::new(
                    vec![(10, y + 8), (38, y + 8)],
                    c.stroke_width(3),
                ))
                .map_err(err)?,
            Swatch::Box => panel
                .draw(&Rectangle::new([(12, y + 1), (34, y + 15)], c.filled()))
                .map_err(err)?,
        }
        panel
            .draw(&Text::new(label.clone(), (46, y), (FAMILY, 15).into_font()))
            .map_err(err)?;
    }
    Ok(())
}

/// A short, readable number for ticks and cell labels.
pub fn short(v: f64) -> String {
    if !v.is_finite() {
        return "–".into();
    }
    let a = v.abs();
    if a != 0.0 && !(1e-3..1e5).contains(&a) {
        format!("{v:.2e}")
    } else if (v - v.round()).abs() < 1e-9 {
        format!("{v:.0}")
    } else if a >= 10.0 {
        format!("{v:.1}")
    } else {
        let s = format!("{v:.3}");
        s.trim_end_matches('0').to_string()
    }
}

/// A range that contains every value of `vs` with a margin (a unit range around one value).
pub fn padded(vs: impl IntoIterator<Item = f64>, include_zero: bool) -> (f64, f64) {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for v in vs.into_iter().filter(|v| v.is_finite()) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if include_zero {
        lo = lo.min(0.0);
        hi = hi.max(0.0);
    }
    if !lo.is_finite() {
        return (0.0, 1.0);
    }
    if hi - lo < 1e-12 {
        let d = if lo.abs() > 1e-12 {
            lo.abs() * 0.1
        } else {
            1.0
        };
        return (lo - d, hi + d);
    }
    let m = (hi - lo) * 0.06;
    (
        if include_zero && lo >= 0.0 {
            lo
        } else {
            lo - m
        },
        hi + m,
    )
}
