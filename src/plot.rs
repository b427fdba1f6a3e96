//! Plots: the figure data of `plot EXPR, ... [from A to B]` and of
//! `minimize ... plot` (`crate::figure` holds the types). Functions and
//! expressions are sampled on grids through their compiled `Program`;
//! paths come from the runs' traces; ranges (`ranges`: default ranges
//! from where a function is defined, its zeros and critical points),
//! margins, contour levels and the log-scale decision are made here.
//! Rendering is `figure`'s: `report` draws terminal text, and
//! `session::files` writes SVG files.
//!
//! Invariant: building a figure evaluates and decides, but never draws,
//! prints or touches files.

use std::sync::atomic::{AtomicBool, Ordering};

use crate::compile::Program;
use crate::descent::Sense;
use crate::error::{Error, Result};
use crate::figure::{Contour, Figure, Panel, Series, SeriesKind};
use crate::outcome::{DescentOutcome, Over};
use crate::symbolic::Expr;
use crate::symbolic::print::to_text;
use crate::text::{format_number, round_significant};

mod ranges;

pub use ranges::default_ranges;

/// Points of a sampled curve.
const CURVE_SAMPLES: usize = 401;
/// Grid points per axis of a contour map.
const GRID: usize = 161;
/// The quick search for a descent's minimum (and the first search for a
/// default range) looks in [-SEARCH_BOX, SEARCH_BOX] per parameter, on
/// this many points per axis (one and two parameters).
const SEARCH_BOX: f64 = 10.0;
const SEARCH_POINTS_1D: usize = 401;
const SEARCH_POINTS_2D: usize = 81;
/// A loss over many rows is sampled on fewer points, so that a figure
/// costs about this many row instructions (`ROW_BUDGET`, the quick search
/// a quarter of it), but never fewer points per axis than these.
const ROW_BUDGET: f64 = 4e7;
const LEAST_CURVE: usize = 101;
const LEAST_GRID: usize = 41;
const LEAST_SEARCH_1D: usize = 101;
const LEAST_SEARCH_2D: usize = 21;
/// Filled levels of a contour map.
const N_BANDS: usize = 8;
/// Room around what a panel must show whole (a curve's values, a path's
/// start, end and the minimum), as a fraction of its extent each side:
/// enough that, in the terminal, none of them lands in a panel's edge row
/// (a ninth of the smallest panel's height).
const MARGIN: f64 = 0.15;
/// Room around values per step, which start on the left edge anyway.
const STEPS_MARGIN: f64 = 0.05;
/// Values spanning more than this ratio get a log axis.
const LOG_RATIO: f64 = 100.0;

/// What is plotted: a function of one or two parameters, named (`f`,
/// `f'`) or an expression typed as it is (`x^2 - 1`), with its compiled
/// value.
pub struct Subject<'a> {
    /// A function's name (`f`, `f'`); for an expression, its text.
    pub name: String,
    pub params: Vec<String>,
    pub body: Expr,
    /// A named function (titled `f(x) = ...`) rather than an expression.
    named: bool,
    program: Program,
    /// Set by Ctrl-C (`INTERRUPT` in a session): sampling stops with the
    /// interrupted error.
    stop: &'a AtomicBool,
}

impl<'a> Subject<'a> {
    /// The function `name(params) = body`, compiled.
    pub fn new(
        name: &str,
        params: &[String],
        body: Expr,
        stop: &'a AtomicBool,
    ) -> Result<Subject<'a>> {
        let names: Vec<&str> = params.iter().map(String::as_str).collect();
        Ok(Subject {
            name: name.to_string(),
            params: params.to_vec(),
            body,
            named: true,
            program: Program::new(&[body], &names)?,
            stop,
        })
    }

    /// The expression `body` as a function of its free variables `params`.
    pub fn expression(body: Expr, params: &[String], stop: &'a AtomicBool) -> Result<Subject<'a>> {
        let mut subject = Subject::new(&to_text(body), params, body, stop)?;
        subject.named = false;
        Ok(subject)
    }

    /// `f(x)`, or the expression.
    fn signature(&self) -> String {
        if self.named {
            format!("{}({})", self.name, self.params.join(", "))
        } else {
            self.name.clone()
        }
    }

    /// `f(x) = body`, or the expression.
    fn title(&self) -> String {
        if self.named {
            format!("{} = {}", self.signature(), to_text(self.body))
        } else {
            self.name.clone()
        }
    }

    /// The value at `x`, or the interrupted error once `stop` is set
    /// (checked at every point: one point of a loss over a million rows
    /// takes milliseconds). Allocates nothing.
    fn value(&mut self, x: &[f64]) -> Result<f64> {
        if self.stop.load(Ordering::Relaxed) {
            return Err(Error::interrupted());
        }
        self.program.point_mut().copy_from_slice(x);
        let mut out = [0.0];
        self.program.eval(&mut out);
        Ok(out[0])
    }

    /// Points per axis for a grid over `dims` parameters: `full` for a
    /// plain function; for a loss over data, fewer (at least `least`) so
    /// that all of them cost about `budget` row instructions.
    fn points_per_axis(&self, dims: usize, full: usize, least: usize, budget: f64) -> usize {
        if self.program.rows() == 0 {
            return full;
        }
        let cost = self.program.cost() as f64;
        let fit = (budget / cost).powf(1.0 / dims as f64) as usize;
        fit.clamp(least, full)
    }
}

/// `n` evenly spaced points from `lo` to `hi`, both included.
fn linspace((lo, hi): (f64, f64), n: usize) -> impl Iterator<Item = f64> {
    (0..n).map(move |i| lo + (hi - lo) * i as f64 / (n - 1) as f64)
}

// ================================================================ ranges

/// Where `sign` times the function is lowest on a coarse grid over the
/// search box (its minimum for 1, its maximum for -1), per coordinate;
/// `None` for a coordinate on the box's edge.
fn quick_minimum(subject: &mut Subject, sign: f64) -> Result<Vec<Option<f64>>> {
    let n_params = subject.params.len();
    let (full, least) = if n_params == 1 {
        (SEARCH_POINTS_1D, LEAST_SEARCH_1D)
    } else {
        (SEARCH_POINTS_2D, LEAST_SEARCH_2D)
    };
    let per_axis = subject.points_per_axis(n_params, full, least, ROW_BUDGET / 4.0);
    let axis: Vec<f64> = linspace((-SEARCH_BOX, SEARCH_BOX), per_axis).collect();
    let mut best: Option<(f64, Vec<usize>)> = None;
    let mut index = vec![0usize; n_params];
    let mut point = vec![0.0; n_params];
    let total = per_axis.pow(n_params as u32);
    for flat in 0..total {
        let mut rest = flat;
        for k in 0..n_params {
            index[k] = rest % per_axis;
            rest /= per_axis;
            point[k] = axis[index[k]];
        }
        let v = sign * subject.value(&point)?;
        if v.is_finite() && best.as_ref().is_none_or(|(b, _)| v < *b) {
            best = Some((v, index.clone()));
        }
    }
    let Some((_, at)) = best else {
        return Ok(vec![None; n_params]);
    };
    Ok(at
        .iter()
        .map(|&i| (i > 0 && i + 1 < per_axis).then(|| axis[i]))
        .collect())
}

/// The smallest and largest finite values, widened by `margin` of the
/// span each side; a single value gets a unit-wide range around it.
fn extent(values: impl Iterator<Item = f64>, margin: f64) -> Option<(f64, f64)> {
    let (lo, hi) = values
        .filter(|v| v.is_finite())
        .fold(None, |acc: Option<(f64, f64)>, v| match acc {
            None => Some((v, v)),
            Some((lo, hi)) => Some((lo.min(v), hi.max(v))),
        })?;
    let span = hi - lo;
    let widened = if span <= f64::EPSILON * lo.abs().max(hi.abs()).max(1e-300) {
        let half = (lo.abs() * 0.1).max(0.5);
        (lo - half, hi + half)
    } else {
        (lo - span * margin, hi + span * margin)
    };
    // Near the largest doubles the margin, or the span itself, would
    // overflow: keep within half of them (points beyond are clipped).
    let limit = f64::MAX / 4.0;
    let (a, b) = (widened.0.max(-limit), widened.1.min(limit));
    (a < b).then_some((a, b))
}

/// The y extent of sampled curve values (no margin): all of them, unless
/// a few spikes (a pole) would flatten the rest, in which case the middle
/// 90% of the values with room around them.
fn curve_extent(values: &[f64]) -> Option<(f64, f64)> {
    let mut sorted: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    if n < 10 {
        return extent(sorted.into_iter(), 0.0);
    }
    let (lo, hi) = (sorted[n / 20], sorted[n - 1 - n / 20]);
    let full = sorted[n - 1] - sorted[0];
    if hi > lo && full > 5.0 * (hi - lo) {
        // Room around the middle, but none beyond the values themselves
        // (exp(x^2) is positive: no axis far below its minimum).
        let span = hi - lo;
        let room = |side: f64| side.min(span * 0.5);
        return Some((lo - room(lo - sorted[0]), hi + room(sorted[n - 1] - hi)));
    }
    extent(sorted.into_iter(), 0.0)
}

/// Ranges of descent paths over one or two parameters: all their points,
/// and the minimum (maximum, when maximizing) found by the quick search
/// when it lies inside the search box, with `MARGIN` around them, ends
/// rounded out to ticks.
fn path_ranges(subject: &mut Subject, runs: &[&DescentOutcome]) -> Result<Vec<(f64, f64)>> {
    let sign = match runs.first().map(|d| d.sense) {
        Some(Sense::Maximize) => -1.0,
        _ => 1.0,
    };
    let minimum = quick_minimum(subject, sign)?;
    Ok((0..subject.params.len())
        .map(|k| {
            let coords = runs
                .iter()
                .flat_map(|d| d.run.trace.iter().map(move |e| e.x[k]))
                .chain(minimum[k]);
            extent(coords, MARGIN).map_or((-1.0, 1.0), ranges::round_out)
        })
        .collect())
}

// ================================================================ panels

/// The figure of `plot EXPR, ... [from A to B]`: one function of two
/// parameters as a contour map, or the curves of functions of one (the
/// session checks that). A function undefined at every sample, or too
/// large for a double at most of them, is an error rather than an empty
/// frame.
pub fn function_figure(subjects: &mut [Subject], ranges: &[(f64, f64)]) -> Result<Figure> {
    let mut panel = match subjects {
        [one] if one.params.len() == 2 => {
            let panel = contour_panel(one, ranges[0], ranges[1], Vec::new())?;
            let values = panel.map.as_ref().map_or(&[][..], |m| &m.values[..]);
            check_drawable(one, values)?;
            panel
        }
        _ => {
            let panel = curves_panel(subjects, ranges[0], Vec::new())?;
            for (subject, curve) in subjects.iter().zip(&panel.series) {
                let ys: Vec<f64> = curve.points.iter().map(|p| p.1).collect();
                check_drawable(subject, &ys)?;
            }
            panel
        }
    };
    // The figure's title says it all.
    panel.title.clear();
    if subjects.len() > 1 {
        // The legend names each curve.
        panel.y_label.clear();
    }
    let title = match subjects {
        [one] => one.title(),
        _ => subjects
            .iter()
            .map(Subject::signature)
            .collect::<Vec<_>>()
            .join(", "),
    };
    Ok(Figure {
        title,
        rows: vec![vec![panel]],
    })
}

/// The sampled values of a function must be drawable: some of them
/// defined, and most of the defined ones not beyond the largest double.
fn check_drawable(subject: &Subject, values: &[f64]) -> Result<()> {
    let defined = values.iter().filter(|v| !v.is_nan()).count();
    let infinite = values.iter().filter(|v| v.is_infinite()).count();
    let name = &subject.name;
    if defined == 0 {
        return Err(
            Error::value(format!("{name} is undefined everywhere on this range"))
                .with_hint(format!("plot another range: plot {name} from A to B")),
        );
    }
    if 2 * infinite > defined {
        return Err(Error::value(format!(
            "{name} is too large for a number (above 1.8e308) on most of this range"
        ))
        .with_hint(format!("plot a narrower range: plot {name} from A to B")));
    }
    Ok(())
}

/// The curve of each subject over `x_range`, with paths
/// (points `(x, f)`) on them; the y range holds every curve's values
/// (but spikes) and the paths, with `MARGIN` around them.
fn curves_panel(
    subjects: &mut [Subject],
    x_range: (f64, f64),
    paths: Vec<Series>,
) -> Result<Panel> {
    let several = subjects.len() > 1;
    let mut series = Vec::new();
    let mut extents = Vec::new();
    for (k, subject) in subjects.iter_mut().enumerate() {
        let n = subject.points_per_axis(1, CURVE_SAMPLES, LEAST_CURVE, ROW_BUDGET);
        let curve = linspace(x_range, n)
            .map(|x| Ok((x, subject.value(&[x])?)))
            .collect::<Result<Vec<(f64, f64)>>>()?;
        let ys: Vec<f64> = curve.iter().map(|p| p.1).collect();
        if let Some((lo, hi)) = curve_extent(&ys) {
            extents.extend([lo, hi]);
        }
        // Several curves are told apart by their legend, which says what
        // each is; a single one is named by the figure's title.
        let label = if several {
            subject.title()
        } else {
            subject.signature()
        };
        series.push(Series {
            label,
            kind: SeriesKind::Curve,
            points: curve,
            run: k,
        });
    }
    let path_ys = paths.iter().flat_map(|s| s.points.iter().map(|p| p.1));
    let y_range = extent(path_ys.chain(extents), MARGIN).unwrap_or((-1.0, 1.0));
    series.extend(paths);
    let first = &subjects[0];
    Ok(Panel {
        title: first.title(),
        x_label: first.params[0].clone(),
        y_label: first.signature(),
        x_range,
        x_steps: false,
        y_range,
        log_y: false,
        zero_mark: false,
        map: None,
        series,
    })
}

/// A contour map over the two ranges, with paths (points `(x, y)`) on it.
fn contour_panel(
    subject: &mut Subject,
    x_range: (f64, f64),
    y_range: (f64, f64),
    paths: Vec<Series>,
) -> Result<Panel> {
    let n = subject.points_per_axis(2, GRID, LEAST_GRID, ROW_BUDGET);
    let xs: Vec<f64> = linspace(x_range, n).collect();
    let mut values = Vec::with_capacity(n * n);
    for y in linspace(y_range, n) {
        for &x in &xs {
            values.push(subject.value(&[x, y])?);
        }
    }
    let levels = levels(&values);
    Ok(Panel {
        title: subject.title(),
        x_label: subject.params[0].clone(),
        y_label: subject.params[1].clone(),
        x_range,
        x_steps: false,
        y_range,
        log_y: false,
        zero_mark: false,
        map: Some(Contour {
            nx: n,
            ny: n,
            values,
            levels,
        }),
        series: paths,
    })
}

/// Band boundaries at the quantiles of the values (so that each filled
/// level covers about the same area, whatever the function's scale),
/// rounded to few significant digits for the legend.
pub(crate) fn levels(values: &[f64]) -> Vec<f64> {
    let mut sorted: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    sorted.sort_by(f64::total_cmp);
    let (Some(&lo), Some(&hi)) = (sorted.first(), sorted.last()) else {
        return vec![0.0, 1.0];
    };
    if hi <= lo {
        return vec![lo, lo + 1.0];
    }
    let mut levels = vec![lo];
    for k in 1..N_BANDS {
        let q = sorted[k * sorted.len() / N_BANDS];
        let prev = levels[levels.len() - 1];
        let level = (2..=4usize)
            .map(|digits| round_significant(q, digits))
            .find(|&r| r > prev && r < hi)
            .unwrap_or(q);
        if level > prev && level < hi {
            levels.push(level);
        }
    }
    levels.push(hi);
    levels
}

// ================================================================ descent

/// The pictures of `minimize ... plot`: the path(s) on the curve or the
/// contour map (one or two parameters), one small panel per rate for a
/// learning-rate comparison, and the value per step (plus x per step for a
/// single run of one parameter).
pub fn descent_figure(
    subject: &mut Subject,
    runs: &[DescentOutcome],
    over: Option<Over>,
) -> Result<Figure> {
    let n_params = subject.params.len();
    let mut rows: Vec<Vec<Panel>> = Vec::new();
    let labels: Vec<String> = runs.iter().map(|d| run_label(d, over)).collect();
    if n_params <= 2 {
        if over == Some(Over::Lr) {
            let panels = runs
                .iter()
                .enumerate()
                .map(|(k, d)| {
                    let mut panel = map_panel(subject, &[(k, d, String::new())])?;
                    panel.title = format!("{}: {}", labels[k], d.run.verdict.as_str());
                    Ok(panel)
                })
                .collect::<Result<Vec<Panel>>>()?;
            rows.extend(panels.chunks(2).map(<[Panel]>::to_vec));
        } else {
            let labelled: Vec<(usize, &DescentOutcome, String)> = runs
                .iter()
                .enumerate()
                .map(|(k, d)| (k, d, labels[k].clone()))
                .collect();
            rows.push(vec![map_panel(subject, &labelled)?]);
        }
    }
    let mut last_row = Vec::new();
    // A single run is named once, in the legend of its path.
    let labels = if runs.len() == 1 {
        vec![String::new()]
    } else {
        labels
    };
    if n_params == 1 && runs.len() == 1 {
        let x = subject.params[0].clone();
        last_row.push(per_step_panel(runs, &labels, x, false, |e| e.x[0]));
    }
    last_row.push(per_step_panel(
        runs,
        &labels,
        subject.signature(),
        true,
        |e| e.f,
    ));
    rows.push(last_row);
    Ok(Figure {
        title: descent_title(subject, runs),
        rows,
    })
}

fn descent_title(subject: &Subject, runs: &[DescentOutcome]) -> String {
    let verb = match runs.first().map(|d| d.sense) {
        Some(Sense::Maximize) => "maximize",
        _ => "minimize",
    };
    format!("{verb} {}", subject.title())
}

/// How a run is called in a legend: its rate, start or method in a
/// comparison, its method and rate alone.
fn run_label(d: &DescentOutcome, over: Option<Over>) -> String {
    match over {
        Some(Over::Lr) => format!("lr {}", format_number(d.lr)),
        Some(Over::Start) => format!("from {}", point_text(&d.start)),
        Some(Over::Method) => d.method.name().to_string(),
        None => format!("{}, lr {}", d.method.name(), format_number(d.lr)),
    }
}

fn point_text(x: &[f64]) -> String {
    let items: Vec<String> = x.iter().map(|v| format_number(*v)).collect();
    if items.len() == 1 {
        items[0].clone()
    } else {
        format!("({})", items.join(", "))
    }
}

/// The curve (one parameter) or contour map (two) with the given runs'
/// paths on it, over ranges that hold every path.
fn map_panel(subject: &mut Subject, runs: &[(usize, &DescentOutcome, String)]) -> Result<Panel> {
    let outcomes: Vec<&DescentOutcome> = runs.iter().map(|r| r.1).collect();
    let ranges = path_ranges(subject, &outcomes)?;
    let one = subject.params.len() == 1;
    let paths: Vec<Series> = runs
        .iter()
        .map(|(k, d, label)| Series {
            label: label.clone(),
            kind: SeriesKind::Path,
            points: d
                .run
                .trace
                .iter()
                .map(|e| if one { (e.x[0], e.f) } else { (e.x[0], e.x[1]) })
                .collect(),
            run: *k,
        })
        .collect();
    let mut panel = if one {
        curves_panel(std::slice::from_mut(subject), ranges[0], paths)?
    } else {
        contour_panel(subject, ranges[0], ranges[1], paths)?
    };
    panel.title = if runs.len() == 1 { "path" } else { "paths" }.to_string();
    Ok(panel)
}

/// A quantity per step for every run, on a log axis (when `allow_log`)
/// when it is positive and spans more than two decades.
fn per_step_panel(
    runs: &[DescentOutcome],
    labels: &[String],
    what: String,
    allow_log: bool,
    quantity: impl Fn(&crate::descent::Entry) -> f64,
) -> Panel {
    let series: Vec<Series> = runs
        .iter()
        .enumerate()
        .map(|(k, d)| Series {
            label: labels[k].clone(),
            kind: SeriesKind::Steps,
            points: d
                .run
                .trace
                .iter()
                .map(|e| (e.step as f64, quantity(&e)))
                .collect(),
            run: k,
        })
        .collect();
    let ys = |series: &[Series]| -> Vec<f64> {
        series
            .iter()
            .flat_map(|s| s.points.iter().map(|p| p.1))
            .collect()
    };
    let log_y = allow_log && log_scale(ys(&series).into_iter());
    let (y_range, zero_mark) = if log_y {
        let positive = ys(&series).into_iter().filter(|&y| y > 0.0);
        let (lo, hi) = extent(positive.map(f64::log10), STEPS_MARGIN).unwrap_or((0.0, 1.0));
        // A value of exactly 0 (a minimum reached) has a mark of its own.
        let zero = ys(&series).into_iter().any(|y| y == 0.0);
        ((10f64.powf(lo), 10f64.powf(hi)), zero)
    } else {
        let (lo, hi) = extent(ys(&series).into_iter(), STEPS_MARGIN).unwrap_or((-1.0, 1.0));
        // Values that are never negative (a loss, a squared distance) keep
        // their axis at 0 and above, as a reader expects.
        let never_negative = ys(&series).into_iter().all(|y| y.is_nan() || y >= 0.0);
        ((if never_negative { lo.max(0.0) } else { lo }, hi), false)
    };
    let last_step = runs.iter().map(|d| d.run.steps).max().unwrap_or(0);
    let x_range = (0.0, (last_step as f64).max(1.0));
    Panel {
        title: format!("{what} per step{}", if log_y { " (log scale)" } else { "" }),
        x_label: "step".into(),
        y_label: what,
        x_range,
        x_steps: true,
        y_range,
        log_y,
        zero_mark,
        map: None,
        series,
    }
}

/// A log axis when no finite value is negative and the largest is more
/// than `LOG_RATIO` times the smallest positive one (zeros are drawn on a
/// mark of their own).
fn log_scale(values: impl Iterator<Item = f64>) -> bool {
    let finite: Vec<f64> = values.filter(|v| v.is_finite()).collect();
    let lo = finite
        .iter()
        .copied()
        .filter(|&v| v > 0.0)
        .fold(f64::INFINITY, f64::min);
    let hi = finite.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    finite.iter().all(|&v| v >= 0.0) && lo.is_finite() && hi / lo > LOG_RATIO
}

#[cfg(test)]
mod tests;
