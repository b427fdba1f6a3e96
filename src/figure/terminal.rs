//! Figures as terminal text: lines and paths in Unicode braille (2 x 4 dots
//! per character), contour maps as filled levels, markers for the steps of
//! a path, tick labels, a legend; panels of a row side by side, the whole
//! fitted to a width. With color, runs and levels are colored (24-bit
//! ANSI); without, levels are shading characters and each run has its own
//! marker character, so the plain text reads on its own.
//!
//! Our own small canvas (`canvas`) rather than `drawille`/`textplots`: a
//! plot here layers a filled map, several colored braille lines and marker
//! characters in one cell grid, and lays panels side by side; `textplots`
//! draws line charts only, and neither keeps per-cell layers or a plain
//! fallback with distinct characters.
//!
//! Invariant: returns a string; it never writes to a stream, and writes no
//! ANSI code when color is off.

use super::canvas::{Canvas, Cell, dim, line_text, styled};
use super::palette::{LEVEL_CHARS, LEVEL_COLORS, RUN_COLORS, RUN_MARKERS, Rgb};
use super::{Figure, Panel, Series, SeriesKind, segments, snap};
use crate::text::{tick_number, truncate};

const START: char = 'S';
const END: char = 'E';
const CURVE_COLOR: Rgb = (170, 170, 170);

/// Text rows of a panel's plotting area, by what the panel shows and how
/// many panels share its row.
fn canvas_rows(panel: &Panel, per_row: usize) -> usize {
    let main = panel.map.is_some() || panel.series.iter().any(|s| s.kind == SeriesKind::Curve);
    // Odd, so that the middle row's label is the middle of the range.
    match (main, per_row) {
        (true, 1) => 15,
        (true, _) => 11,
        (false, _) => 9,
    }
}

/// Columns between panels of one row.
const GAP: usize = 3;
/// The narrowest figure: a narrower terminal gets lines this wide.
const MIN_WIDTH: usize = 30;
/// Panels of a row that would be narrower than this side by side are
/// stacked, each as wide as the figure.
const MIN_PANEL: usize = 36;

/// The figure as text `width` columns wide (`MIN_WIDTH` at least), ending
/// in a newline; titles too long for it end in `…`.
pub fn render(figure: &Figure, width: usize, color: bool) -> String {
    let width = width.max(MIN_WIDTH);
    let title = truncate(&figure.title, width);
    let mut lines: Vec<Vec<Cell>> = vec![styled(&title, None, true)];
    for row in figure.rows.iter().filter(|r| !r.is_empty()) {
        for part in side_by_side(row, width) {
            lines.push(Vec::new());
            lines.extend(row_lines(part, width, color));
        }
    }
    let mut out = String::new();
    for line in &lines {
        out.push_str(&line_text(line, color));
        out.push('\n');
    }
    out
}

/// The row as it fits the width: whole, or one panel per row when its
/// panels side by side would be too narrow.
fn side_by_side(row: &[Panel], width: usize) -> Vec<&[Panel]> {
    let gaps = GAP * (row.len() - 1);
    if row.len() > 1 && width.saturating_sub(gaps) / row.len() < MIN_PANEL {
        row.chunks(1).collect()
    } else {
        vec![row]
    }
}

/// The panels of a row side by side, each as wide as the others.
fn row_lines(row: &[Panel], width: usize, color: bool) -> Vec<Vec<Cell>> {
    let each = (width - GAP * (row.len() - 1)) / row.len();
    let blocks: Vec<Vec<Vec<Cell>>> = row
        .iter()
        .map(|p| panel_lines(p, each, canvas_rows(p, row.len()), color))
        .collect();
    let height = blocks.iter().map(Vec::len).max().unwrap_or(0);
    (0..height)
        .map(|i| {
            let mut line = Vec::new();
            for (k, block) in blocks.iter().enumerate() {
                if k > 0 {
                    line.extend(std::iter::repeat_n(Cell::blank(), GAP));
                }
                let mut part = block.get(i).cloned().unwrap_or_default();
                part.resize(each, Cell::blank());
                line.extend(part);
            }
            line
        })
        .collect()
}

/// A run's color, lightened: terminals are often dark, and the levels of
/// a map behind it are darkened.
fn run_color(run: usize) -> Rgb {
    let (r, g, b) = RUN_COLORS[run % RUN_COLORS.len()];
    let light = |c: u8| (c as f64 * 0.75 + 255.0 * 0.25) as u8;
    (light(r), light(g), light(b))
}

// ================================================================ panels

/// Maps data coordinates to dot coordinates of a canvas.
struct Axes {
    x: (f64, f64),
    y: (f64, f64),
    dots_x: f64,
    dots_y: f64,
}

impl Axes {
    fn new(panel: &Panel, canvas: &Canvas) -> Axes {
        Axes {
            x: panel.x_range,
            y: panel.y_scaled_range(),
            dots_x: (2 * canvas.cols - 1) as f64,
            dots_y: (4 * canvas.rows - 1) as f64,
        }
    }

    fn to_dots(&self, panel: &Panel, (x, y): (f64, f64)) -> (f64, f64) {
        let u = (x - self.x.0) / (self.x.1 - self.x.0);
        let v = (panel.y_scaled(y) - self.y.0) / (self.y.1 - self.y.0);
        (u * self.dots_x, (1.0 - v) * self.dots_y)
    }
}

/// A panel as lines of exactly `width` cells (or fewer): title, y label,
/// the plotting area with tick labels, the x axis, the legend.
fn panel_lines(panel: &Panel, width: usize, rows: usize, color: bool) -> Vec<Vec<Cell>> {
    let y_ticks = y_tick_labels(panel, rows);
    let gutter = y_ticks.iter().map(|t| t.chars().count()).max().unwrap_or(0) + 2;
    let cols = width.saturating_sub(gutter).max(8);
    let mut canvas = Canvas::new(cols, rows);
    fill_levels(panel, &mut canvas);
    draw_series(panel, &mut canvas);
    let mut lines = Vec::new();
    if !panel.title.is_empty() {
        lines.push(styled(&truncate(&panel.title, width), None, true));
    }
    let y_label = format!("{:>w$}", panel.y_label, w = gutter - 2);
    lines.push(styled(&truncate(&y_label, width), None, false));
    for (r, tick) in y_ticks.iter().enumerate() {
        let mut line = styled(&format!("{tick:>w$} ", w = gutter - 2), None, false);
        line.push(axis_cell(if tick.is_empty() { '│' } else { '┤' }));
        line.extend(canvas.cells(r, color));
        lines.push(line);
    }
    let mut axis = styled(&" ".repeat(gutter - 1), None, false);
    axis.push(axis_cell('└'));
    axis.extend(std::iter::repeat_n(axis_cell('─'), cols));
    lines.push(axis);
    lines.push(styled(&x_tick_line(panel, gutter, cols), None, false));
    for legend in legend_lines(panel, width, color) {
        lines.push(legend);
    }
    lines.into_iter().map(|l| fit(l, width)).collect()
}

fn axis_cell(ch: char) -> Cell {
    Cell {
        ch,
        fg: None,
        bg: None,
        bold: false,
    }
}

fn fit(mut line: Vec<Cell>, width: usize) -> Vec<Cell> {
    line.truncate(width);
    line
}

fn fill_levels(panel: &Panel, canvas: &mut Canvas) {
    let Some(map) = &panel.map else { return };
    for row in 0..canvas.rows {
        for col in 0..canvas.cols {
            let u = (col as f64 + 0.5) / canvas.cols as f64;
            let v = 1.0 - (row as f64 + 0.5) / canvas.rows as f64;
            canvas.level[row * canvas.cols + col] = map.band(map.nearest(u, v));
        }
    }
}

fn draw_series(panel: &Panel, canvas: &mut Canvas) {
    let axes = Axes::new(panel, canvas);
    for series in &panel.series {
        let color = match series.kind {
            SeriesKind::Curve => CURVE_COLOR,
            _ => run_color(series.run),
        };
        for part in segments(panel, &series.points) {
            let dots: Vec<(f64, f64)> = part.iter().map(|p| axes.to_dots(panel, *p)).collect();
            for pair in dots.windows(2) {
                canvas.line(pair[0], pair[1], color);
            }
            if dots.len() == 1 {
                canvas.line(dots[0], dots[0], color);
            }
        }
        let marker = RUN_MARKERS[series.run % RUN_MARKERS.len()];
        let drawn: Vec<(f64, f64)> = series
            .points
            .iter()
            .filter(|p| panel.contains(**p))
            .map(|p| axes.to_dots(panel, *p))
            .collect();
        match series.kind {
            SeriesKind::Curve => {}
            SeriesKind::Steps => mark_spaced(canvas, &drawn, marker, color),
            SeriesKind::Path => {
                for p in &drawn {
                    canvas.mark(*p, marker, color);
                }
                mark_ends(canvas, series, panel, &axes, color);
            }
        }
    }
}

/// Markers on a line of values per step, at least three cells apart.
fn mark_spaced(canvas: &mut Canvas, dots: &[(f64, f64)], marker: char, color: Rgb) {
    let mut last: Option<f64> = None;
    for p in dots {
        if last.is_none_or(|l| p.0 - l >= 6.0) {
            canvas.mark(*p, marker, color);
            last = Some(p.0);
        }
    }
}

fn mark_ends(canvas: &mut Canvas, series: &Series, panel: &Panel, axes: &Axes, color: Rgb) {
    let (Some(first), Some(last)) = (series.points.first(), series.points.last()) else {
        return;
    };
    if panel.contains(*last) {
        canvas.mark(axes.to_dots(panel, *last), END, color);
    }
    if panel.contains(*first) {
        canvas.mark(axes.to_dots(panel, *first), START, color);
    }
}

// ================================================================ labels

/// Tick labels for each canvas row: the top, the middle and the bottom
/// row are labelled with the value at their centre line, the others blank.
fn y_tick_labels(panel: &Panel, rows: usize) -> Vec<String> {
    let (lo, hi) = panel.y_scaled_range();
    (0..rows)
        .map(|r| {
            if r != 0 && r != rows - 1 && r != rows / 2 {
                return String::new();
            }
            let t = if rows == 1 {
                0.0
            } else {
                r as f64 / (rows - 1) as f64
            };
            let v = snap(hi - (hi - lo) * t, hi - lo);
            tick_number(if panel.log_y { 10f64.powf(v) } else { v })
        })
        .collect()
}

/// The x range's ends under the axis ends, the x label in the middle.
fn x_tick_line(panel: &Panel, gutter: usize, cols: usize) -> String {
    let left = tick_number(panel.x_range.0);
    let right = tick_number(panel.x_range.1);
    let mut line: Vec<char> = vec![' '; gutter + cols];
    let put = |line: &mut Vec<char>, at: usize, text: &str| {
        for (k, ch) in text.chars().enumerate() {
            if let Some(slot) = line.get_mut(at + k) {
                *slot = ch;
            }
        }
    };
    put(
        &mut line,
        gutter.saturating_sub(left.chars().count() / 2),
        &left,
    );
    let label_len = panel.x_label.chars().count();
    put(
        &mut line,
        gutter + cols.saturating_sub(label_len) / 2,
        &panel.x_label,
    );
    let right_len = right.chars().count();
    put(&mut line, (gutter + cols).saturating_sub(right_len), &right);
    line.into_iter().collect()
}

/// The legend: runs (marker and label), start and end marks, levels.
fn legend_lines(panel: &Panel, width: usize, color: bool) -> Vec<Vec<Cell>> {
    let mut items: Vec<Vec<Cell>> = Vec::new();
    for s in &panel.series {
        if s.kind == SeriesKind::Curve || s.label.is_empty() {
            continue;
        }
        let c = run_color(s.run);
        let mut item = vec![Cell {
            ch: RUN_MARKERS[s.run % RUN_MARKERS.len()],
            fg: Some(c),
            bg: None,
            bold: true,
        }];
        item.extend(styled(&format!(" {}", s.label), Some(c), false));
        items.push(item);
    }
    if panel.series.iter().any(|s| s.kind == SeriesKind::Path) {
        items.push(styled(&format!("{START} start  {END} end"), None, false));
    }
    let mut lines = wrap(items, width);
    if let Some(map) = &panel.map {
        let mut levels = vec![styled("levels:", None, false)];
        for band in 0..map.n_bands() {
            let (ch, bg) = if color {
                (' ', Some(dim(LEVEL_COLORS[band])))
            } else {
                (LEVEL_CHARS[band], None)
            };
            let mut item = styled("[", None, false);
            item.extend(
                [Cell {
                    ch,
                    fg: None,
                    bg,
                    bold: false,
                }; 2],
            );
            let range = format!(
                "] {}..{}",
                tick_number(map.levels[band]),
                tick_number(map.levels[band + 1])
            );
            item.extend(styled(&range, None, false));
            levels.push(item);
        }
        if map.values.iter().any(|v| !v.is_finite()) {
            levels.push(styled("[  ] undefined", None, false));
        }
        lines.extend(wrap(levels, width));
    }
    lines
}

/// Items on lines no wider than `width`, three spaces apart.
fn wrap(items: Vec<Vec<Cell>>, width: usize) -> Vec<Vec<Cell>> {
    let mut lines: Vec<Vec<Cell>> = Vec::new();
    let mut line: Vec<Cell> = styled("  ", None, false);
    for item in items {
        if line.len() > 2 && line.len() + 3 + item.len() > width {
            lines.push(std::mem::replace(&mut line, styled("  ", None, false)));
        }
        if line.len() > 2 {
            line.extend(styled("   ", None, false));
        }
        line.extend(item);
    }
    if line.len() > 2 {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::figure::Contour;

    #[test]
    fn a_narrow_terminal_stacks_panels_and_shortens_titles() {
        let mut figure = figure();
        figure.title = format!("minimize f({}) = ...", "a, ".repeat(30));
        for panel in &mut figure.rows[0] {
            panel.title = "lr 0.01: converging".into();
        }
        let text = render(&figure, 30, false);
        assert!(text.lines().all(|l| l.chars().count() <= 30), "{text}");
        let first = text.lines().next().unwrap_or_default();
        assert!(
            first.ends_with('…') && first.chars().count() == 30,
            "{first}"
        );
        // Each panel under the other, its title whole.
        let titles = text.lines().filter(|l| l.trim() == "lr 0.01: converging");
        assert_eq!(titles.count(), 2, "{text}");
        // Wide enough, side by side.
        let wide = render(&figure, 80, false);
        assert!(
            wide.lines()
                .any(|l| l.matches("lr 0.01: converging").count() == 2)
        );
    }

    fn figure() -> Figure {
        let panel = Panel {
            title: "path".into(),
            x_label: "x".into(),
            y_label: "y".into(),
            x_range: (0.0, 1.0),
            y_range: (0.0, 1.0),
            log_y: false,
            map: Some(Contour {
                nx: 2,
                ny: 2,
                values: vec![0.0, 1.0, 2.0, 3.0],
                levels: vec![0.0, 1.5, 3.0],
            }),
            series: vec![Series {
                label: "run".into(),
                kind: SeriesKind::Path,
                points: vec![(0.1, 0.1), (0.5, 0.5), (0.9, 0.9)],
                run: 1,
            }],
        };
        Figure {
            title: "a figure".into(),
            rows: vec![vec![panel.clone(), panel]],
        }
    }

    #[test]
    fn plain_text_fits_the_width_and_has_no_escape_codes() {
        let text = render(&figure(), 50, false);
        assert!(!text.contains('\x1b'));
        assert!(text.lines().all(|l| l.chars().count() <= 50), "{text}");
        // Each run's marker, start and end, the level characters.
        for needle in ["x run", "S start", "E end", "[..] 0..1.5", "[::] 1.5..3"] {
            assert!(text.contains(needle), "{needle} in\n{text}");
        }
    }

    #[test]
    fn color_uses_ansi_codes() {
        let text = render(&figure(), 50, true);
        assert!(text.contains("\x1b[1;38;2;87;153;198m"), "the run's color");
    }
}
