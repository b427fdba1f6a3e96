//! Figures as terminal text: lines and paths in Unicode braille (2 x 4 dots
//! per character), contour maps as filled levels, markers for the steps of
//! a path, ticks at round values (`Panel::x_ticks`, `Panel::y_ticks`: the
//! rule the SVG side uses), a legend; panels of a row side by side, the
//! whole fitted to a width. With color, runs, curves and levels are
//! colored (24-bit, or the 256-color palette); without, levels are shading
//! characters and each run or curve has its own marker character, so the
//! plain text reads on its own.
//!
//! Our own small canvas (`canvas`) rather than `drawille`/`textplots`: a
//! plot here layers a filled map, several colored braille lines and marker
//! characters in one cell grid, and lays panels side by side; `textplots`
//! draws line charts only, and neither keeps per-cell layers or a plain
//! fallback with distinct characters.
//!
//! Invariant: returns a string; it never writes to a stream, and writes no
//! ANSI code when colors are `Plain`.

use super::canvas::{Canvas, Cell, dim, line_text, styled};
use super::palette::{LEVEL_CHARS, LEVEL_COLORS, RUN_COLORS, RUN_MARKERS, Rgb};
use super::{Figure, Panel, Series, SeriesKind, Tick, segments};
use crate::text::{tick_number, truncate};

pub use super::canvas::Colors;

const START: char = 'S';
const END: char = 'E';
const CURVE_COLOR: Rgb = (170, 170, 170);

/// Text rows of a panel's plotting area, by what the panel shows and how
/// many panels share its row: a map is taller, and so is a log axis
/// (room for its decades, and its zero mark).
fn canvas_rows(panel: &Panel, per_row: usize) -> usize {
    let main = panel.map.is_some() || panel.series.iter().any(|s| s.kind == SeriesKind::Curve);
    match (main, per_row) {
        (true, 1) => 15,
        (true, _) => 11,
        (false, _) if panel.log_y => 11,
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
/// The narrowest plotting area, in columns.
const MIN_COLUMNS: usize = 8;
/// The x label at the end of the x axis is cut to this many characters.
const MAX_X_LABEL: usize = 12;
/// At most one x tick per this many columns, one y tick per this many rows.
const COLUMNS_PER_TICK: usize = 7;
const ROWS_PER_TICK: usize = 2;
/// Labels of neighbouring x ticks are at least this many columns apart,
/// and the rows of y ticks at least this many rows.
const LABEL_GAP: usize = 2;
const TICK_ROW_GAP: usize = 2;
/// Several curves in one panel are told apart by a marker every this many
/// dots (offset by the curve's index, so that markers do not pile up).
const CURVE_MARK_SPACING: f64 = 16.0;
const CURVE_MARK_OFFSET: f64 = 6.0;
/// Markers on values per step are at least this many dots apart.
const STEP_MARK_SPACING: f64 = 6.0;

/// The figure as text `width` columns wide (`MIN_WIDTH` at least), ending
/// in a newline; titles too long for it end in `…`.
pub fn render(figure: &Figure, width: usize, colors: Colors) -> String {
    let width = width.max(MIN_WIDTH);
    let title = truncate(&figure.title, width);
    let mut lines: Vec<Vec<Cell>> = vec![styled(&title, None, true)];
    for row in figure.rows.iter().filter(|r| !r.is_empty()) {
        for part in side_by_side(row, width) {
            lines.push(Vec::new());
            lines.extend(row_lines(part, width, colors));
        }
    }
    let mut out = String::new();
    for line in &lines {
        out.push_str(&line_text(line, colors));
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
fn row_lines(row: &[Panel], width: usize, colors: Colors) -> Vec<Vec<Cell>> {
    let each = (width - GAP * (row.len() - 1)) / row.len();
    // One height for the row, so that its x axes line up.
    let rows = row
        .iter()
        .map(|p| canvas_rows(p, row.len()))
        .max()
        .unwrap_or(0);
    let blocks: Vec<Vec<Vec<Cell>>> = row
        .iter()
        .map(|p| panel_lines(p, each, rows, colors))
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

fn run_marker(run: usize) -> char {
    RUN_MARKERS[run % RUN_MARKERS.len()]
}

/// Whether the panel holds several curves (told apart by color, marker
/// and legend) rather than one (drawn gray, named by the figure's title).
fn several_curves(panel: &Panel) -> bool {
    panel
        .series
        .iter()
        .filter(|s| s.kind == SeriesKind::Curve)
        .count()
        > 1
}

// ================================================================ panels

/// Maps coordinates as drawn (`Panel::y_scaled`) to dot coordinates of a
/// canvas.
struct Axes {
    x: (f64, f64),
    y: (f64, f64),
    dots_x: f64,
    dots_y: f64,
}

impl Axes {
    fn new(panel: &Panel, cols: usize, rows: usize) -> Axes {
        Axes {
            x: panel.x_range,
            y: panel.y_scaled_range(),
            dots_x: (2 * cols - 1) as f64,
            dots_y: (4 * rows - 1) as f64,
        }
    }

    fn dot_x(&self, x: f64) -> f64 {
        (x - self.x.0) / (self.x.1 - self.x.0) * self.dots_x
    }

    /// The dot row of a y coordinate as drawn (0 at the top).
    fn dot_y(&self, scaled: f64) -> f64 {
        (1.0 - (scaled - self.y.0) / (self.y.1 - self.y.0)) * self.dots_y
    }

    fn to_dots(&self, panel: &Panel, (x, y): (f64, f64)) -> (f64, f64) {
        (self.dot_x(x), self.dot_y(panel.y_scaled(y)))
    }

    /// The text column holding the dot of `x` (what a point at `x` is
    /// drawn in), if inside.
    fn column(&self, x: f64) -> Option<usize> {
        let dot = self.dot_x(x).round();
        (dot >= 0.0 && dot <= self.dots_x).then_some(dot as usize / 2)
    }

    /// The text row holding the dot of a y coordinate as drawn, if inside.
    fn row(&self, scaled: f64) -> Option<usize> {
        let dot = self.dot_y(scaled).round();
        (dot >= 0.0 && dot <= self.dots_y).then_some(dot as usize / 4)
    }
}

/// A panel as lines of exactly `width` cells (or fewer): title, y label,
/// the plotting area with the y ticks, the x axis with the x label at its
/// end, the x tick labels, the legend.
fn panel_lines(panel: &Panel, width: usize, rows: usize, colors: Colors) -> Vec<Vec<Cell>> {
    let color = colors.any();
    // The y ticks depend on the rows alone, so the gutter is known first.
    let y_probe = Axes::new(panel, MIN_COLUMNS, rows);
    let y_axis = y_axis_rows(panel, &y_probe, rows);
    let gutter = y_axis
        .iter()
        .map(|r| r.label.chars().count())
        .max()
        .unwrap_or(0)
        + 2;
    let x_label = truncate(&panel.x_label, MAX_X_LABEL);
    let x_label_room = if x_label.is_empty() {
        0
    } else {
        x_label.chars().count() + 1
    };
    let cols = width.saturating_sub(gutter + x_label_room).max(MIN_COLUMNS);
    let axes = Axes::new(panel, cols, rows);
    let mut canvas = Canvas::new(cols, rows);
    fill_levels(panel, &mut canvas);
    draw_series(panel, &axes, &mut canvas);
    let mut lines = Vec::new();
    if !panel.title.is_empty() {
        lines.push(styled(&truncate(&panel.title, width), None, true));
    }
    if !panel.y_label.is_empty() {
        let y_label = format!("{:>w$}", panel.y_label, w = gutter - 2);
        lines.push(styled(&truncate(&y_label, width), None, false));
    }
    for (r, row) in y_axis.iter().enumerate() {
        let mut line = styled(&format!("{:>w$} ", row.label, w = gutter - 2), None, false);
        line.push(axis_cell(row.axis));
        line.extend(canvas.cells(r, color));
        lines.push(line);
    }
    let x_ticks = x_ticks(panel, &axes, gutter, width);
    let mut axis = styled(&" ".repeat(gutter - 1), None, false);
    axis.push(axis_cell('└'));
    let tick_columns: Vec<usize> = x_ticks.iter().map(|t| t.0).collect();
    axis.extend((0..cols).map(|c| {
        axis_cell(if tick_columns.contains(&c) {
            '┬'
        } else {
            '─'
        })
    }));
    if !x_label.is_empty() {
        axis.extend(styled(&format!(" {x_label}"), None, false));
    }
    lines.push(axis);
    lines.push(styled(&x_tick_line(&x_ticks, gutter), None, false));
    lines.extend(legend_lines(panel, width, color));
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

fn draw_series(panel: &Panel, axes: &Axes, canvas: &mut Canvas) {
    let several = several_curves(panel);
    for series in &panel.series {
        let color = match series.kind {
            SeriesKind::Curve if !several => CURVE_COLOR,
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
        let marker = run_marker(series.run);
        let drawn: Vec<(f64, f64)> = series
            .points
            .iter()
            .filter(|p| panel.contains(**p))
            .map(|p| axes.to_dots(panel, *p))
            .collect();
        match series.kind {
            SeriesKind::Curve if several => {
                let offset = CURVE_MARK_OFFSET * (series.run % RUN_MARKERS.len()) as f64;
                mark_every(canvas, &drawn, marker, color, CURVE_MARK_SPACING, offset);
            }
            SeriesKind::Curve => {}
            SeriesKind::Steps => mark_every(canvas, &drawn, marker, color, STEP_MARK_SPACING, 0.0),
            SeriesKind::Path => {
                for p in &drawn {
                    canvas.mark(*p, marker, color);
                }
                mark_ends(canvas, series, panel, axes, color);
            }
        }
    }
}

/// Markers on a line, the first at `offset` dots from the left and the
/// others at least `spacing` dots apart.
fn mark_every(
    canvas: &mut Canvas,
    dots: &[(f64, f64)],
    marker: char,
    color: Rgb,
    spacing: f64,
    offset: f64,
) {
    let mut next = offset;
    for p in dots {
        if p.0 >= next {
            canvas.mark(*p, marker, color);
            next = p.0 + spacing;
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

// ================================================================ ticks

/// One text row of the y axis: its tick label (or nothing) and the axis
/// character (`┤` at a tick, `┊` where the axis is broken between the
/// decades of a log axis and its zero mark, `│` elsewhere).
struct AxisRow {
    label: String,
    axis: char,
}

/// The y axis row by row: as many ticks as fit `TICK_ROW_GAP` rows apart
/// (at most one per `ROWS_PER_TICK` rows), each on the row where a point
/// of its value is drawn.
fn y_axis_rows(panel: &Panel, axes: &Axes, rows: usize) -> Vec<AxisRow> {
    let placed = |ticks: &[Tick]| -> Option<Vec<(usize, String)>> {
        ticks
            .iter()
            .map(|t| Some((axes.row(t.at)?, t.label.clone())))
            .collect()
    };
    let spaced = |at: &[(usize, String)]| at.windows(2).all(|w| w[0].0 >= w[1].0 + TICK_ROW_GAP);
    let most = (rows / ROWS_PER_TICK).max(2);
    let chosen = (2..=most)
        .rev()
        .filter_map(|max| placed(&panel.y_ticks(max)))
        .find(|at| spaced(at))
        .unwrap_or_default();
    let broken = match panel.zero_position() {
        Some(zero) => (
            axes.row(panel.y_values_bottom()).unwrap_or(rows),
            axes.row(zero).unwrap_or(rows),
        ),
        None => (rows, rows),
    };
    (0..rows)
        .map(|r| match chosen.iter().find(|(row, _)| *row == r) {
            Some((_, label)) => AxisRow {
                label: label.clone(),
                axis: '┤',
            },
            None => AxisRow {
                label: String::new(),
                axis: if r > broken.0 && r < broken.1 {
                    '┊'
                } else {
                    '│'
                },
            },
        })
        .collect()
}

/// The x ticks that fit under the axis: (column in the plotting area,
/// label), as many as fit `LABEL_GAP` apart (at most one per
/// `COLUMNS_PER_TICK` columns) within the panel's `width`.
fn x_ticks(panel: &Panel, axes: &Axes, gutter: usize, width: usize) -> Vec<(usize, String)> {
    let cols = (axes.dots_x as usize).div_ceil(2);
    let placed = |ticks: Vec<Tick>| -> Option<Vec<(usize, String)>> {
        ticks
            .into_iter()
            .map(|t| Some((axes.column(t.at)?, t.label)))
            .collect()
    };
    let fits = |at: &[(usize, String)]| {
        let mut end = 0;
        for (col, label) in at {
            let (start, stop) = label_span(gutter + col, label);
            if start < end || stop > width {
                return false;
            }
            end = stop + LABEL_GAP;
        }
        true
    };
    let most = (cols / COLUMNS_PER_TICK).max(2);
    (2..=most)
        .rev()
        .filter_map(|max| placed(panel.x_ticks(max)))
        .find(|at| fits(at))
        .unwrap_or_default()
}

/// The columns a label centred under column `at` takes: [start, stop).
fn label_span(at: usize, label: &str) -> (usize, usize) {
    let len = label.chars().count();
    let start = at.saturating_sub(len / 2);
    (start, start + len)
}

/// The x tick labels, each centred under its tick.
fn x_tick_line(ticks: &[(usize, String)], gutter: usize) -> String {
    let mut line: Vec<char> = Vec::new();
    for (col, label) in ticks {
        let (start, _) = label_span(gutter + col, label);
        if line.len() < start {
            line.resize(start, ' ');
        }
        line.truncate(start);
        line.extend(label.chars());
    }
    line.into_iter().collect()
}

// ================================================================ legend

/// The legend: runs (marker and label), several curves (marker and
/// label), start and end marks, levels.
fn legend_lines(panel: &Panel, width: usize, color: bool) -> Vec<Vec<Cell>> {
    let several = several_curves(panel);
    let mut items: Vec<Vec<Cell>> = Vec::new();
    for s in &panel.series {
        if (s.kind == SeriesKind::Curve && !several) || s.label.is_empty() {
            continue;
        }
        let c = run_color(s.run);
        let mut item = vec![Cell {
            ch: run_marker(s.run),
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

/// Items on lines no wider than `width`, three spaces apart (an item
/// wider than a line is cut with `…`).
fn wrap(items: Vec<Vec<Cell>>, width: usize) -> Vec<Vec<Cell>> {
    let mut lines: Vec<Vec<Cell>> = Vec::new();
    let mut line: Vec<Cell> = styled("  ", None, false);
    for mut item in items {
        if line.len() > 2 && line.len() + 3 + item.len() > width {
            lines.push(std::mem::replace(&mut line, styled("  ", None, false)));
        }
        if line.len() > 2 {
            line.extend(styled("   ", None, false));
        }
        if line.len() + item.len() > width && width > line.len() {
            item.truncate(width - line.len() - 1);
            item.push(Cell {
                ch: '…',
                ..item.last().copied().unwrap_or_default()
            });
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
        let text = render(&figure, 30, Colors::Plain);
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
        let wide = render(&figure, 80, Colors::Plain);
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
            x_steps: false,
            y_range: (0.0, 1.0),
            log_y: false,
            zero_mark: false,
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
        let text = render(&figure(), 50, Colors::Plain);
        assert!(!text.contains('\x1b'));
        assert!(text.lines().all(|l| l.chars().count() <= 50), "{text}");
        // Each run's marker, start and end, the level characters.
        for needle in ["x run", "S start", "E end", "[..] 0..1.5", "[::] 1.5..3"] {
            assert!(text.contains(needle), "{needle} in\n{text}");
        }
    }

    #[test]
    fn color_uses_ansi_codes() {
        let text = render(&figure(), 50, Colors::TrueColor);
        assert!(text.contains("\x1b[1;38;2;87;153;198m"), "the run's color");
    }
}
