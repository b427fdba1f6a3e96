//! Figures, and drawing them: the data of a figure (rows of panels, each
//! with axis ranges, a scale, an optional contour map and series of
//! points), the geometry both renderers share (band lookup, the log-scale
//! transform and its zero mark, splitting a series where it leaves the
//! panel, the ticks of each axis by the one rule in `ticks`, with their
//! labels), and the two renderers: `terminal` (braille text on the
//! `canvas`) and `svg` (plotters), both colored from the `palette`. `plot`
//! builds figures; `report` (terminal text) and `session::files` (SVG
//! files) render them.
//!
//! Invariant: a figure is drawn from its data alone; nothing here
//! evaluates a function, prints or touches a file, and nothing here
//! imports more than the leaf modules below it (`text`).

mod canvas;
pub mod palette;
pub mod svg;
pub mod terminal;
pub mod ticks;

use crate::text::{decade_label, tick_labels};

/// On a log axis with a zero mark, the mark sits this fraction of the
/// decades' span below the lowest decade shown, and the axis ends this
/// much lower still, so that a gap separates the mark from the decades.
const ZERO_BELOW: f64 = 0.25;
const ZERO_ROOM: f64 = 0.1;

/// A whole figure: a title and rows of panels (the panels of one row share
/// its width).
#[derive(Clone, Debug, PartialEq)]
pub struct Figure {
    pub title: String,
    pub rows: Vec<Vec<Panel>>,
}

/// One chart: axes, an optional contour map behind, series in front.
#[derive(Clone, Debug, PartialEq)]
pub struct Panel {
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    /// (low, high) with low < high, in data units.
    pub x_range: (f64, f64),
    /// The x axis counts steps: its ticks are whole numbers.
    pub x_steps: bool,
    /// (low, high) with low < high, in data units (both positive when
    /// `log_y`).
    pub y_range: (f64, f64),
    /// The y axis is logarithmic (values spanning more than two decades).
    pub log_y: bool,
    /// On a log axis: exact zeros (a minimum reached exactly) are drawn on
    /// a mark of their own, labelled 0, below the decades and apart from
    /// them, rather than on a decade they do not have.
    pub zero_mark: bool,
    pub map: Option<Contour>,
    pub series: Vec<Series>,
}

/// A function of two parameters sampled on a regular grid over the
/// panel's ranges, with the boundaries of its filled levels.
#[derive(Clone, Debug, PartialEq)]
pub struct Contour {
    /// Grid points along x and along y (both at least 2).
    pub nx: usize,
    pub ny: usize,
    /// `values[j * nx + i]` is the value at the i-th x and j-th y grid
    /// point (j = 0 is the bottom row); not finite where undefined.
    pub values: Vec<f64>,
    /// Ascending band boundaries: band k holds values in
    /// `[levels[k], levels[k + 1]]`; the first is the lowest value, the
    /// last the highest.
    pub levels: Vec<f64>,
}

impl Contour {
    /// Number of filled bands.
    pub fn n_bands(&self) -> usize {
        self.levels.len().saturating_sub(1)
    }

    /// The band of a value, or `None` when it is undefined (NaN); a value
    /// too large for a double (infinite) is in the top or bottom band.
    pub fn band(&self, v: f64) -> Option<usize> {
        if v.is_nan() {
            return None;
        }
        let above = self.levels[1..].iter().filter(|&&l| v > l).count();
        Some(above.min(self.n_bands().saturating_sub(1)))
    }

    /// The value at the grid point nearest to the fractions `(u, v)` of
    /// the way across the x and y ranges (each in 0..=1).
    pub fn nearest(&self, u: f64, v: f64) -> f64 {
        let i = (u.clamp(0.0, 1.0) * (self.nx - 1) as f64).round() as usize;
        let j = (v.clamp(0.0, 1.0) * (self.ny - 1) as f64).round() as usize;
        self.values[j * self.nx + i]
    }
}

/// How a series is drawn.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum SeriesKind {
    /// The function itself: a line, no markers.
    Curve,
    /// A descent path: a point per step joined by a line, start and end
    /// marked.
    Path,
    /// A quantity per step (x or f): a line with a point per step.
    Steps,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    /// For the legend (empty: not in the legend).
    pub label: String,
    pub kind: SeriesKind,
    /// In data units; may hold non-finite values (gaps).
    pub points: Vec<(f64, f64)>,
    /// Which run this is (0, 1, ...), so every renderer gives a run the
    /// same color or marker in every panel; the curve uses 0 too.
    pub run: usize,
}

/// A tick of an axis: where it is drawn (in the coordinates as drawn:
/// log10 of the value on a log axis) and its label.
#[derive(Clone, Debug, PartialEq)]
pub struct Tick {
    pub at: f64,
    pub label: String,
}

impl Panel {
    /// The y coordinate as drawn: log10 of it on a log axis (0 on its zero
    /// mark, when it has one).
    pub fn y_scaled(&self, y: f64) -> f64 {
        match self.zero_position() {
            Some(at) if y == 0.0 => at,
            _ if self.log_y => y.log10(),
            _ => y,
        }
    }

    /// The y range as drawn (down to below the zero mark, if any).
    pub fn y_scaled_range(&self) -> (f64, f64) {
        let (lo, hi) = self.y_data_range();
        if self.zero_position().is_some() {
            (lo - (ZERO_BELOW + ZERO_ROOM) * (hi - lo), hi)
        } else {
            (lo, hi)
        }
    }

    /// The y range of the values as drawn (log10 on a log axis), without
    /// the zero mark.
    fn y_data_range(&self) -> (f64, f64) {
        if self.log_y {
            (self.y_range.0.log10(), self.y_range.1.log10())
        } else {
            self.y_range
        }
    }

    /// Where the zero mark is drawn, on a log axis that has one.
    pub fn zero_position(&self) -> Option<f64> {
        if !(self.log_y && self.zero_mark) {
            return None;
        }
        let (lo, hi) = self.y_data_range();
        Some(lo - ZERO_BELOW * (hi - lo))
    }

    /// The lowest y coordinate (as drawn) of the values other than the zero
    /// mark: below it and above the mark, the axis is broken.
    pub fn y_values_bottom(&self) -> f64 {
        self.y_data_range().0
    }

    /// At most `max` ticks on the x axis, at round values (whole ones on
    /// an axis of steps).
    pub fn x_ticks(&self, max: usize) -> Vec<Tick> {
        let ticks = if self.x_steps {
            ticks::whole(self.x_range, max)
        } else {
            ticks::linear(self.x_range, max)
        };
        labelled(&ticks)
    }

    /// At most `max` ticks on the y axis: round values, or whole decades on
    /// a log axis, with the zero mark (counted among the `max`) below them.
    pub fn y_ticks(&self, max: usize) -> Vec<Tick> {
        if !self.log_y {
            return labelled(&ticks::linear(self.y_range, max));
        }
        let zero = self.zero_position().map(|at| Tick {
            at,
            label: "0".into(),
        });
        let decades = ticks::whole(
            self.y_data_range(),
            max.saturating_sub(usize::from(zero.is_some())),
        );
        zero.into_iter()
            .chain(decades.values.iter().map(|&at| Tick {
                at,
                label: decade_label(at),
            }))
            .collect()
    }

    /// Whether the axes can be drawn: low below high, and the span finite.
    pub fn has_axes(&self) -> bool {
        let ok = |(lo, hi): (f64, f64)| lo < hi && (hi - lo).is_finite();
        ok(self.x_range) && ok(self.y_scaled_range())
    }

    /// Whether a point can be drawn: finite and inside the ranges as drawn
    /// (with a hair of tolerance for rounding; on a log axis, positive).
    pub fn contains(&self, (x, y): (f64, f64)) -> bool {
        let inside = |v: f64, (lo, hi): (f64, f64)| {
            let slack = (hi - lo) * 1e-9;
            v.is_finite() && v >= lo - slack && v <= hi + slack
        };
        inside(x, self.x_range) && inside(self.y_scaled(y), self.y_scaled_range())
    }
}

fn labelled(ticks: &ticks::Ticks) -> Vec<Tick> {
    let labels = tick_labels(&ticks.values, ticks.step.exponent);
    ticks
        .values
        .iter()
        .zip(labels)
        .map(|(&at, label)| Tick { at, label })
        .collect()
}

/// The runs of consecutive drawable points of a series: a line is broken
/// where the function is undefined or leaves the panel.
pub fn segments(panel: &Panel, points: &[(f64, f64)]) -> Vec<Vec<(f64, f64)>> {
    let mut out: Vec<Vec<(f64, f64)>> = Vec::new();
    let mut current = Vec::new();
    for &p in points {
        if panel.contains(p) {
            current.push(p);
        } else if !current.is_empty() {
            out.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contour() -> Contour {
        Contour {
            nx: 2,
            ny: 2,
            values: vec![0.0, 1.0, 2.0, 3.0],
            levels: vec![0.0, 1.0, 2.0, 3.0],
        }
    }

    #[test]
    fn bands_cover_the_levels() {
        let c = contour();
        assert_eq!(c.n_bands(), 3);
        assert_eq!(c.band(0.0), Some(0));
        assert_eq!(c.band(1.0), Some(0));
        assert_eq!(c.band(1.5), Some(1));
        assert_eq!(c.band(3.0), Some(2));
        assert_eq!(c.band(9.0), Some(2));
        assert_eq!(c.band(f64::NAN), None);
        assert_eq!(c.band(f64::INFINITY), Some(2));
        assert_eq!(c.band(f64::NEG_INFINITY), Some(0));
    }

    #[test]
    fn nearest_grid_point() {
        let c = contour();
        assert_eq!(c.nearest(0.0, 0.0), 0.0);
        assert_eq!(c.nearest(1.0, 0.0), 1.0);
        assert_eq!(c.nearest(0.0, 1.0), 2.0);
        assert_eq!(c.nearest(0.9, 0.8), 3.0);
    }

    #[test]
    fn a_log_axis_holds_positive_values_only() {
        // Found by the renderers' property test: 0 was "inside" (1e66,
        // 1e133) within the slack, its log -inf, and the line to it endless.
        let panel = Panel {
            title: String::new(),
            x_label: String::new(),
            y_label: String::new(),
            x_range: (0.0, 10.0),
            x_steps: false,
            y_range: (1e66, 1e133),
            log_y: true,
            zero_mark: false,
            map: None,
            series: Vec::new(),
        };
        assert!(!panel.contains((1.0, 0.0)));
        assert!(!panel.contains((1.0, 1e60)));
        assert!(panel.contains((1.0, 1e100)));
    }

    fn log_panel(zero_mark: bool) -> Panel {
        Panel {
            title: String::new(),
            x_label: String::new(),
            y_label: String::new(),
            x_range: (0.0, 20.0),
            x_steps: false,
            y_range: (1e-12, 10.0),
            log_y: true,
            zero_mark,
            map: None,
            series: Vec::new(),
        }
    }

    #[test]
    fn a_log_axis_is_labelled_at_decades() {
        let panel = log_panel(false);
        let labels: Vec<String> = panel.y_ticks(4).into_iter().map(|t| t.label).collect();
        assert_eq!(labels, ["1e-10", "1e-5", "1e0"]);
        assert!(!panel.contains((1.0, 0.0)));
    }

    #[test]
    fn zero_has_its_own_mark_below_the_decades() {
        let panel = log_panel(true);
        let ticks = panel.y_ticks(3);
        let labels: Vec<&str> = ticks.iter().map(|t| t.label.as_str()).collect();
        assert_eq!(labels, ["0", "1e-10", "1e0"]);
        // 13 decades shown: the mark a quarter of that below 1e-12.
        let zero = panel.zero_position().expect("a zero mark");
        assert!((zero - (-12.0 - 13.0 / 4.0)).abs() < 1e-12, "{zero}");
        assert_eq!(ticks[0].at, zero);
        assert!(panel.contains((3.0, 0.0)));
        assert_eq!(panel.y_scaled(0.0), zero);
        let (bottom, top) = panel.y_scaled_range();
        assert!(bottom < zero && zero < panel.y_values_bottom() && top == 1.0);
    }

    #[test]
    fn linear_ticks_are_round_and_labelled_by_their_step() {
        let mut panel = log_panel(false);
        panel.log_y = false;
        panel.x_range = (-1.0, 6.0);
        panel.y_range = (-0.8, 16.8);
        let labels = |ticks: Vec<Tick>| ticks.into_iter().map(|t| t.label).collect::<Vec<_>>();
        assert_eq!(labels(panel.x_ticks(4)), ["0", "2", "4", "6"]);
        assert_eq!(labels(panel.y_ticks(5)), ["0", "5", "10", "15"]);
        panel.y_range = (0.25, 0.75);
        assert_eq!(labels(panel.y_ticks(3)), ["0.4", "0.6"]);
    }

    #[test]
    fn segments_break_at_gaps_and_edges() {
        let panel = Panel {
            title: String::new(),
            x_label: String::new(),
            y_label: String::new(),
            x_range: (0.0, 10.0),
            x_steps: false,
            y_range: (0.0, 1.0),
            log_y: false,
            zero_mark: false,
            map: None,
            series: Vec::new(),
        };
        let points = [
            (0.0, 0.5),
            (1.0, 0.5),
            (2.0, f64::NAN),
            (3.0, 0.5),
            (4.0, 5.0),
            (5.0, 0.5),
        ];
        let parts = segments(&panel, &points);
        assert_eq!(parts.len(), 3);
        assert_eq!(parts[0].len(), 2);
        assert_eq!(parts[1], vec![(3.0, 0.5)]);
    }
}
