//! Figures as SVG documents, drawn with `plotters` (its SVG backend, text
//! left to the viewer's fonts, so no font files are needed): a title, per
//! panel axes with ticks and labels, the contour map as filled levels with
//! a color key, the curve, the paths (a point per step joined by a line,
//! the start circled, the end crossed) and a legend.
//!
//! Ticks are the panel's own (`Panel::x_ticks`, `Panel::y_ticks`, the rule
//! the terminal uses), given to plotters through an axis type of ours. A
//! log axis is drawn as a linear axis over log10 of the values, its ticks
//! at whole decades labelled `1e-5`; exact zeros on it sit on a mark of
//! their own, labelled 0, below a rule that breaks the axis.
//!
//! Invariant: the only user of `plotters`; returns the document as a
//! string, writing it to a file is the caller's business.

use std::error::Error;
use std::ops::Range;

use plotters::coord::Shift;
use plotters::coord::ranged1d::{
    KeyPointHint, KeyPointWeight, NoDefaultFormatting, Ranged, ValueFormatter,
};
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

use super::palette::{LEVEL_COLORS, RUN_COLORS, Rgb};
use super::{Contour, Figure, Panel, Series, SeriesKind, Tick, segments};
use crate::text::tick_number;

/// Width of the document in pixels.
pub const WIDTH: u32 = 1000;
/// Height of a row of map panels (curve or contour) and of other rows.
const MAP_ROW: u32 = 440;
const STEPS_ROW: u32 = 300;
/// Width kept at the right of a contour panel for its color key.
const KEY_WIDTH: u32 = 120;
/// Radius of a step's point: smaller on long runs, so that their points
/// do not merge into a thick band.
pub fn point_radius(n_points: usize) -> u32 {
    if n_points <= 100 { 3 } else { 1 }
}

type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;

/// At most this many labelled ticks per axis (about plotters' default),
/// and this many light grid lines.
const TICKS: usize = 10;
const LIGHT_LINES: usize = 25;
/// The color of a single curve, and of the rule above a zero mark.
const CURVE_GRAY: RGBColor = RGBColor(40, 40, 40);
const RULE_GRAY: RGBColor = RGBColor(150, 150, 150);

/// An axis of a panel for plotters: its range as drawn, mapped to pixels
/// as plotters maps a plain `f64` range, with the panel's own ticks (bold
/// and labelled) and finer ones for the light grid lines.
#[derive(Clone)]
struct Axis {
    pixels: RangedCoordf64,
    range: (f64, f64),
    ticks: Vec<Tick>,
    light: Vec<f64>,
}

impl Axis {
    fn x(panel: &Panel) -> Axis {
        Axis::new(
            panel.x_range,
            panel.x_ticks(TICKS),
            panel.x_ticks(LIGHT_LINES),
        )
    }

    fn y(panel: &Panel) -> Axis {
        Axis::new(
            panel.y_scaled_range(),
            panel.y_ticks(TICKS),
            panel.y_ticks(LIGHT_LINES),
        )
    }

    fn new(range: (f64, f64), ticks: Vec<Tick>, light: Vec<Tick>) -> Axis {
        Axis {
            pixels: (range.0..range.1).into(),
            range,
            ticks,
            light: light.into_iter().map(|t| t.at).collect(),
        }
    }
}

impl Ranged for Axis {
    type FormatOption = NoDefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        self.pixels.map(value, limit)
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        match hint.weight() {
            KeyPointWeight::Bold => self.ticks.iter().map(|t| t.at).collect(),
            KeyPointWeight::Any => self.light.clone(),
        }
    }

    fn range(&self) -> Range<f64> {
        self.range.0..self.range.1
    }
}

impl ValueFormatter<f64> for Axis {
    /// The label of the tick at `value` (plotters labels bold ticks only).
    fn format_ext(&self, value: &f64) -> String {
        self.ticks
            .iter()
            .find(|t| t.at == *value)
            .map_or_else(|| tick_number(*value), |t| t.label.clone())
    }
}

/// The figure as an SVG document.
pub fn render(figure: &Figure) -> Result<String, String> {
    let mut out = String::new();
    draw(figure, &mut out).map_err(|e| format!("cannot draw the figure: {e}"))?;
    Ok(out)
}

fn row_height(row: &[Panel]) -> u32 {
    if row.iter().any(is_map) {
        MAP_ROW
    } else {
        STEPS_ROW
    }
}

fn is_map(panel: &Panel) -> bool {
    panel.map.is_some() || panel.series.iter().any(|s| s.kind == SeriesKind::Curve)
}

fn draw(figure: &Figure, out: &mut String) -> Result<(), Box<dyn Error>> {
    let title_height = 40;
    let height = title_height + figure.rows.iter().map(|r| row_height(r)).sum::<u32>();
    let root = SVGBackend::with_string(out, (WIDTH, height)).into_drawing_area();
    root.fill(&WHITE)?;
    let body = root.titled(&figure.title, ("sans-serif", 20))?;
    let mut rest = body;
    for row in &figure.rows {
        let (this, below) = rest.split_vertically(row_height(row));
        let cells = this.split_evenly((1, row.len()));
        for (panel, area) in row.iter().zip(&cells) {
            draw_panel(panel, area)?;
        }
        rest = below;
    }
    root.present()?;
    Ok(())
}

fn rgb((r, g, b): Rgb) -> RGBColor {
    RGBColor(r, g, b)
}

/// Levels are lightened so that paths in run colors stand out on them.
fn level_color(band: usize) -> RGBColor {
    let (r, g, b) = LEVEL_COLORS[band % LEVEL_COLORS.len()];
    let light = |c: u8| (c as f64 * 0.6 + 255.0 * 0.4) as u8;
    RGBColor(light(r), light(g), light(b))
}

fn draw_panel(panel: &Panel, area: &Area) -> Result<(), Box<dyn Error>> {
    if !panel.has_axes() {
        // Values beyond what a double holds: say so rather than draw.
        let note = format!("{}: values too large to draw", panel.title);
        area.draw(&Text::new(note, (20, 20), ("sans-serif", 14)))?;
        return Ok(());
    }
    let area = match &panel.map {
        Some(_) => {
            let (plot, key) = area.split_horizontally(area.dim_in_pixel().0 - KEY_WIDTH);
            draw_key(panel, &key)?;
            plot
        }
        None => area.clone(),
    };
    let mut builder = ChartBuilder::on(&area);
    builder
        .margin(12)
        .x_label_area_size(45)
        .y_label_area_size(70);
    if !panel.title.is_empty() {
        builder.caption(&panel.title, ("sans-serif", 16));
    }
    let mut chart = builder.build_cartesian_2d(Axis::x(panel), Axis::y(panel))?;
    chart
        .configure_mesh()
        .x_desc(&panel.x_label)
        .y_desc(&panel.y_label)
        .axis_desc_style(("sans-serif", 15))
        .draw()?;
    if let Some(map) = &panel.map {
        chart.draw_series(level_rects(panel, map))?;
    }
    if let Some(zero) = panel.zero_position() {
        // The rule between the zero mark and the decades: a broken axis.
        let at = (zero + panel.y_values_bottom()) / 2.0;
        let (x0, x1) = panel.x_range;
        chart.draw_series([PathElement::new(
            vec![(x0, at), (x1, at)],
            RULE_GRAY.stroke_width(1),
        )])?;
    }
    let any_path = draw_all_series(&mut chart, panel)?;
    if any_path {
        legend_marks(&mut chart)?;
    }
    if !any_path && panel.series.iter().all(|s| s.label.is_empty()) {
        return Ok(());
    }
    chart
        .configure_series_labels()
        .position(legend_corner(panel))
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .label_font(("sans-serif", 13))
        .draw()?;
    Ok(())
}

/// The curve, paths and values per step, each labelled once for the
/// legend; whether there was a path.
fn draw_all_series(chart: &mut Chart, panel: &Panel) -> Result<bool, Box<dyn Error>> {
    let scaled = |p: &(f64, f64)| (p.0, panel.y_scaled(p.1));
    let curves = panel
        .series
        .iter()
        .filter(|s| s.kind == SeriesKind::Curve)
        .count();
    let mut any_path = false;
    for series in &panel.series {
        let color = match series.kind {
            SeriesKind::Curve if curves == 1 => CURVE_GRAY,
            _ => rgb(RUN_COLORS[series.run % RUN_COLORS.len()]),
        };
        let parts: Vec<Vec<(f64, f64)>> = segments(panel, &series.points)
            .iter()
            .map(|s| s.iter().map(scaled).collect())
            .collect();
        let mut labelled = false;
        for part in parts {
            let line = chart.draw_series(LineSeries::new(part, color.stroke_width(2)))?;
            if !labelled && !series.label.is_empty() {
                labelled = true;
                line.label(&series.label).legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2))
                });
            }
        }
        if series.kind != SeriesKind::Curve {
            draw_points(chart, panel, series, color)?;
        }
        any_path |= series.kind == SeriesKind::Path;
    }
    Ok(any_path)
}

/// The corner of the panel with the fewest points of its series, for the
/// legend not to hide a path's end.
fn legend_corner(panel: &Panel) -> SeriesLabelPosition {
    let (x0, x1) = panel.x_range;
    let (y0, y1) = panel.y_scaled_range();
    let corner = |right: bool, top: bool| {
        panel
            .series
            .iter()
            .flat_map(|s| s.points.iter())
            .filter(|p| panel.contains(**p))
            .filter(|p| {
                let u = (p.0 - x0) / (x1 - x0);
                let v = (panel.y_scaled(p.1) - y0) / (y1 - y0);
                (if right { u > 0.6 } else { u < 0.4 }) && (if top { v > 0.6 } else { v < 0.4 })
            })
            .count()
    };
    let corners = [
        (SeriesLabelPosition::UpperRight, corner(true, true)),
        (SeriesLabelPosition::UpperLeft, corner(false, true)),
        (SeriesLabelPosition::LowerRight, corner(true, false)),
        (SeriesLabelPosition::LowerLeft, corner(false, false)),
    ];
    let best = corners.iter().map(|c| c.1).min().unwrap_or(0);
    corners
        .into_iter()
        .find(|c| c.1 == best)
        .map_or(SeriesLabelPosition::UpperRight, |c| c.0)
}

type Chart<'a, 'b> = ChartContext<'a, SVGBackend<'b>, Cartesian2d<Axis, Axis>>;

/// A point per step (paths always; values per step when they are few), and
/// for a path its start circled and its end crossed.
fn draw_points(
    chart: &mut Chart,
    panel: &Panel,
    series: &Series,
    color: RGBColor,
) -> Result<(), Box<dyn Error>> {
    let drawn: Vec<(f64, f64)> = series
        .points
        .iter()
        .filter(|p| panel.contains(**p))
        .map(|p| (p.0, panel.y_scaled(p.1)))
        .collect();
    if series.kind == SeriesKind::Steps && drawn.len() > 60 {
        return Ok(());
    }
    chart.draw_series(
        drawn
            .iter()
            .map(|p| Circle::new(*p, point_radius(drawn.len()), color.filled())),
    )?;
    if series.kind != SeriesKind::Path {
        return Ok(());
    }
    let scaled = |p: &(f64, f64)| (p.0, panel.y_scaled(p.1));
    if let Some(first) = series.points.first().filter(|p| panel.contains(**p)) {
        chart.draw_series([Circle::new(scaled(first), 8, BLACK.stroke_width(2))])?;
    }
    if let Some(last) = series.points.last().filter(|p| panel.contains(**p)) {
        chart.draw_series([Cross::new(scaled(last), 7, BLACK.stroke_width(3))])?;
    }
    Ok(())
}

/// Legend entries for the start and end marks.
fn legend_marks(chart: &mut Chart) -> Result<(), Box<dyn Error>> {
    chart
        .draw_series(std::iter::empty::<Circle<(f64, f64), u32>>())?
        .label("start")
        .legend(|(x, y)| Circle::new((x + 10, y), 6, BLACK.stroke_width(2)));
    chart
        .draw_series(std::iter::empty::<Circle<(f64, f64), u32>>())?
        .label("end")
        .legend(|(x, y)| Cross::new((x + 10, y), 5, BLACK.stroke_width(3)));
    Ok(())
}

/// The filled levels as rectangles, neighbouring grid cells of one level
/// in a row merged (a few hundred rectangles rather than ten thousand).
fn level_rects(panel: &Panel, map: &Contour) -> Vec<Rectangle<(f64, f64)>> {
    let (x0, x1) = panel.x_range;
    let (y0, y1) = panel.y_scaled_range();
    let dx = (x1 - x0) / (map.nx - 1) as f64;
    let dy = (y1 - y0) / (map.ny - 1) as f64;
    let x_at = |i: f64| (x0 + dx * i).clamp(x0, x1);
    let y_at = |j: f64| (y0 + dy * j).clamp(y0, y1);
    let mut rects = Vec::new();
    for j in 0..map.ny {
        let mut i = 0;
        while i < map.nx {
            let band = map.band(map.values[j * map.nx + i]);
            let run = (i..map.nx)
                .take_while(|&k| map.band(map.values[j * map.nx + k]) == band)
                .count();
            if let Some(band) = band {
                let corner0 = (x_at(i as f64 - 0.5), y_at(j as f64 - 0.5));
                let corner1 = (x_at((i + run) as f64 - 0.5), y_at(j as f64 + 0.5));
                rects.push(Rectangle::new(
                    [corner0, corner1],
                    level_color(band).filled(),
                ));
            }
            i += run;
        }
    }
    rects
}

/// The color key of a contour map: one swatch per level, highest on top,
/// with the range of values it stands for.
fn draw_key(panel: &Panel, area: &Area) -> Result<(), Box<dyn Error>> {
    let Some(map) = &panel.map else {
        return Ok(());
    };
    let n = map.n_bands();
    let top = 50;
    let step = 30;
    area.draw(&Text::new("levels", (8, top - 22), ("sans-serif", 14)))?;
    for k in 0..n {
        let band = n - 1 - k;
        let y = top + (k as i32) * step;
        area.draw(&Rectangle::new(
            [(8, y), (30, y + step - 4)],
            level_color(band).filled(),
        ))?;
        let label = format!(
            "{} – {}",
            tick_number(map.levels[band]),
            tick_number(map.levels[band + 1])
        );
        area.draw(&Text::new(label, (36, y + 8), ("sans-serif", 12)))?;
    }
    Ok(())
}
