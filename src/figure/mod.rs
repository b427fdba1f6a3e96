//! Figures, and drawing them: the data of a figure (rows of panels, each
//! with axis ranges, a scale, an optional contour map and series of
//! points), the geometry both renderers share (band lookup, the log-scale
//! transform, splitting a series where it leaves the panel), and the two
//! renderers: `terminal` (braille text on the `canvas`) and `svg`
//! (plotters), both colored from the `palette`. `plot` builds figures;
//! `report` (terminal text) and `session::files` (SVG files) render them.
//!
//! Invariant: a figure is drawn from its data alone; nothing here
//! evaluates a function, prints or touches a file, and nothing here
//! imports more than the leaf modules below it (`text`).

mod canvas;
pub mod palette;
pub mod svg;
pub mod terminal;

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
    /// (low, high) with low < high, in data units (both positive when
    /// `log_y`).
    pub y_range: (f64, f64),
    /// The y axis is logarithmic (values spanning more than two decades).
    pub log_y: bool,
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

impl Panel {
    /// The y coordinate as drawn: log10 of it on a log axis.
    pub fn y_scaled(&self, y: f64) -> f64 {
        if self.log_y { y.log10() } else { y }
    }

    /// The y range as drawn.
    pub fn y_scaled_range(&self) -> (f64, f64) {
        (self.y_scaled(self.y_range.0), self.y_scaled(self.y_range.1))
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

/// A tick value that is zero but for rounding (-7.7e171 on an axis 1e188
/// wide) is zero.
pub fn snap(v: f64, span: f64) -> f64 {
    if v.abs() < span.abs() * 1e-9 { 0.0 } else { v }
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
            y_range: (1e66, 1e133),
            log_y: true,
            map: None,
            series: Vec::new(),
        };
        assert!(!panel.contains((1.0, 0.0)));
        assert!(!panel.contains((1.0, 1e60)));
        assert!(panel.contains((1.0, 1e100)));
    }

    #[test]
    fn segments_break_at_gaps_and_edges() {
        let panel = Panel {
            title: String::new(),
            x_label: String::new(),
            y_label: String::new(),
            x_range: (0.0, 10.0),
            y_range: (0.0, 1.0),
            log_y: false,
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
