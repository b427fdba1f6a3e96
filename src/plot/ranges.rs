//! Default ranges: where a function is worth looking at, found by sampling
//! it. For one parameter, its landmarks on a grid: where it is defined
//! (the edges of its domain, located by bisection, so `ln` starts just
//! above 0; not where it overflows), its zeros (sign changes, and exact
//! zeros at the ends of runs of them) and its critical points (where the
//! sampled slope changes sign); for two, the grid points that are minima,
//! maxima or saddles among their eight neighbours. The range frames the landmarks with room
//! around them, at least `MIN_SPAN` wide, its ends rounded out to ticks,
//! and stays inside the domain. A numerical search on samples is enough to
//! frame a figure; it does not claim to find every critical point.
//!
//! Invariant: every range returned is finite with low < high; functions
//! are evaluated only through `Subject::value`, so Ctrl-C stops a search.

use super::{
    LEAST_SEARCH_1D, LEAST_SEARCH_2D, ROW_BUDGET, SEARCH_BOX, SEARCH_POINTS_1D, SEARCH_POINTS_2D,
    Subject, linspace,
};
use crate::error::Result;
use crate::figure::ticks;

/// The boxes searched in turn, [-10, 10] per parameter (the grid of the
/// descents' quick search) and then [-1000, 1000], until one holds a
/// landmark.
const SEARCH_BOXES: [f64; 2] = [SEARCH_BOX, 1000.0];
/// A default range is at least this wide (a parabola's vertex alone says
/// nothing of its scale) ...
const MIN_SPAN: f64 = 10.0;
/// ... and reaches this fraction of the landmarks' spread beyond them.
const FRAME_MARGIN: f64 = 0.1;
/// Bisection steps locating the edge of a domain between two samples
/// (0.05 apart: to about 1e-14).
const EDGE_STEPS: usize = 42;
/// Ends are rounded out to the ticks of a rule with this many at most.
const ROUND_TICKS: usize = 11;
/// A function that turns infinite after a value beyond this has
/// overflowed (`exp` past 709), which is no edge of its domain; one that
/// turns 0 after a value below the other has underflowed, which is no
/// zero.
const OVERFLOW: f64 = 1e300;
const UNDERFLOW: f64 = 1e-300;

/// What sampling found: the landmarks' coordinates, and the interval
/// where the function is defined (from its first to its last defined
/// point; unbounded on a side where it is defined at the search box's
/// edge), per parameter.
struct Found {
    landmarks: Vec<Vec<f64>>,
    defined: Vec<Option<(f64, f64)>>,
}

impl Found {
    fn new(dims: usize) -> Found {
        Found {
            landmarks: vec![Vec::new(); dims],
            defined: vec![None; dims],
        }
    }

    fn define(&mut self, k: usize, lo: f64, hi: f64) {
        self.defined[k] = Some(match self.defined[k] {
            Some((a, b)) => (a.min(lo), b.max(hi)),
            None => (lo, hi),
        });
    }
}

/// The ranges `plot` uses without `from A to B`: one range shared by the
/// curves of one-parameter functions, or two for a function of two.
pub fn default_ranges(subjects: &mut [Subject]) -> Result<Vec<(f64, f64)>> {
    let dims = subjects.first().map_or(1, |s| s.params.len());
    let mut fallback: Option<Vec<(f64, f64)>> = None;
    for half in SEARCH_BOXES {
        let mut found = Found::new(dims);
        for subject in subjects.iter_mut() {
            if dims == 2 {
                landmarks_2d(subject, half, &mut found)?;
            } else {
                landmarks_1d(subject, half, &mut found)?;
            }
        }
        if found.landmarks.iter().all(|l| !l.is_empty()) {
            return Ok((0..dims)
                .map(|k| frame(&found.landmarks[k], found.defined[k]))
                .collect());
        }
        // Nothing to frame: where the function is defined in the first box.
        fallback.get_or_insert_with(|| {
            found
                .defined
                .iter()
                .map(|d| match d {
                    Some((lo, hi)) if lo < hi => (lo.max(-half), hi.min(half)),
                    _ => (-half, half),
                })
                .collect()
        });
    }
    Ok(fallback.unwrap_or_else(|| vec![(-SEARCH_BOXES[0], SEARCH_BOXES[0]); dims]))
}

/// The landmarks of a one-parameter function sampled over [-half, half].
fn landmarks_1d(subject: &mut Subject, half: f64, found: &mut Found) -> Result<()> {
    let n = subject.points_per_axis(1, SEARCH_POINTS_1D, LEAST_SEARCH_1D, ROW_BUDGET / 4.0);
    let xs: Vec<f64> = linspace((-half, half), n).collect();
    let ys = xs
        .iter()
        .map(|&x| subject.value(&[x]))
        .collect::<Result<Vec<f64>>>()?;
    let edges = crossings(subject, &xs, &ys, &mut found.landmarks[0])?;
    found.landmarks[0].extend(level_points(&xs, &ys));
    let ok = |i: usize| ys[i].is_finite();
    // Defined at the box's edge: maybe beyond it too.
    let beyond = |i: usize, outward: f64| if i == 0 || i == n - 1 { outward } else { xs[i] };
    let lo = (0..n)
        .find(|&i| ok(i))
        .map(|i| beyond(i, f64::NEG_INFINITY));
    let hi = (0..n)
        .rev()
        .find(|&i| ok(i))
        .map(|i| beyond(i, f64::INFINITY));
    if let (Some(lo), Some(hi)) = (lo, hi) {
        let lo = edges.iter().fold(lo, |l, e| l.min(*e));
        let hi = edges.iter().fold(hi, |h, e| h.max(*e));
        found.define(0, lo, hi);
    }
    Ok(())
}

/// Between neighbouring samples: the edges of the domain (where one is
/// defined and the other not, but for an overflow), located by bisection,
/// and the zeros where the sign changes, pushed onto `points`; the edges
/// returned.
fn crossings(
    subject: &mut Subject,
    xs: &[f64],
    ys: &[f64],
    points: &mut Vec<f64>,
) -> Result<Vec<f64>> {
    let ok = |i: usize| ys[i].is_finite();
    let mut edges = Vec::new();
    for i in 0..xs.len() - 1 {
        if ok(i) != ok(i + 1) {
            let (outside, inside) = if ok(i) { (i + 1, i) } else { (i, i + 1) };
            if ys[outside].is_infinite() && ys[inside].abs() > OVERFLOW {
                continue;
            }
            edges.push(domain_edge(subject, xs[outside], xs[inside])?);
        } else if ok(i)
            && let Some(zero) = zero_between(subject, (xs[i], ys[i]), (xs[i + 1], ys[i + 1]))?
        {
            points.push(zero);
        }
    }
    points.extend(&edges);
    Ok(edges)
}

/// Samples where the function is level: exact zeros at the ends of runs
/// of them (`step(x)` is 0 left of 0; a run of zeros is no landmark, nor a
/// value that only underflowed to 0, as `exp` far left), and critical
/// points, where the sampled slope changes sign.
fn level_points(xs: &[f64], ys: &[f64]) -> Vec<f64> {
    let n = xs.len();
    let ok = |i: usize| ys[i].is_finite();
    let nonzero = |j: Option<usize>| j.is_some_and(|j| j < n && ok(j) && ys[j].abs() > UNDERFLOW);
    let mut points = Vec::new();
    for i in 0..n {
        if ys[i] == 0.0 && (nonzero(i.checked_sub(1)) || nonzero(Some(i + 1))) {
            points.push(xs[i]);
        }
        if i > 0 && i + 1 < n && ok(i - 1) && ok(i) && ok(i + 1) {
            let (left, right) = (ys[i] - ys[i - 1], ys[i + 1] - ys[i]);
            if left * right < 0.0 {
                points.push(xs[i]);
            }
        }
    }
    points
}

/// Where the function crosses 0 between two defined samples of opposite
/// signs (by linear interpolation), unless it blows up between them (a
/// pole, as tan's, changes sign too).
fn zero_between(
    subject: &mut Subject,
    (x0, y0): (f64, f64),
    (x1, y1): (f64, f64),
) -> Result<Option<f64>> {
    if y0 == 0.0 || y1 == 0.0 || (y0 < 0.0) == (y1 < 0.0) {
        return Ok(None);
    }
    let middle = subject.value(&[(x0 + x1) / 2.0])?;
    if middle.is_nan() || middle.abs() > y0.abs().max(y1.abs()) {
        return Ok(None);
    }
    Ok(Some(x0 - y0 * (x1 - x0) / (y1 - y0)))
}

/// The edge of the domain between a point where the function is undefined
/// and one where it is defined, by bisection: a point on the defined side
/// as close to the edge as the steps allow.
fn domain_edge(subject: &mut Subject, mut outside: f64, mut inside: f64) -> Result<f64> {
    for _ in 0..EDGE_STEPS {
        let middle = (outside + inside) / 2.0;
        if subject.value(&[middle])?.is_finite() {
            inside = middle;
        } else {
            outside = middle;
        }
    }
    Ok(inside)
}

/// The neighbours of a grid point, in order around it.
const RING: [(isize, isize); 8] = [
    (-1, -1),
    (0, -1),
    (1, -1),
    (1, 0),
    (1, 1),
    (0, 1),
    (-1, 1),
    (-1, 0),
];

/// What a grid point is among its eight neighbours.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum Critical {
    Minimum,
    Maximum,
    Saddle,
}

/// The landmarks of a two-parameter function on a grid over
/// [-half, half]^2: its saddles (grid points its neighbours go up and
/// down around), its lowest minimum and its highest maximum (grid points
/// all of whose neighbours are higher, or lower). Only the lowest
/// minimum: the floor of a narrow curved valley (Rosenbrock's) holds grid
/// points that look like minima among their neighbours but are none.
fn landmarks_2d(subject: &mut Subject, half: f64, found: &mut Found) -> Result<()> {
    let n = subject.points_per_axis(2, SEARCH_POINTS_2D, LEAST_SEARCH_2D, ROW_BUDGET / 4.0);
    let axis: Vec<f64> = linspace((-half, half), n).collect();
    let mut values = Vec::with_capacity(n * n);
    for &y in &axis {
        for &x in &axis {
            values.push(subject.value(&[x, y])?);
        }
    }
    // Defined at the box's edge: maybe beyond it too.
    let beyond = |k: usize| match k {
        0 => f64::NEG_INFINITY,
        k if k == n - 1 => f64::INFINITY,
        k => axis[k],
    };
    for (flat, v) in values.iter().enumerate() {
        if v.is_finite() {
            let (i, j) = (flat % n, flat / n);
            found.define(0, beyond(i), beyond(i));
            found.define(1, beyond(j), beyond(j));
        }
    }
    for (i, j) in grid_landmarks(&values, n) {
        found.landmarks[0].push(axis[i]);
        found.landmarks[1].push(axis[j]);
    }
    Ok(())
}

/// The saddles, the lowest minimum and the highest maximum of an n x n
/// grid of values (`values[j * n + i]`), as grid indices (i, j).
fn grid_landmarks(values: &[f64], n: usize) -> Vec<(usize, usize)> {
    let at = |i: usize, j: usize| values[j * n + i];
    let mut lowest: Option<(f64, usize, usize)> = None;
    let mut highest: Option<(f64, usize, usize)> = None;
    let mut saddles = Vec::new();
    for j in 1..n - 1 {
        for i in 1..n - 1 {
            let centre = at(i, j);
            let around: Option<Vec<f64>> = RING
                .iter()
                .map(|(di, dj)| {
                    let v = at(i.wrapping_add_signed(*di), j.wrapping_add_signed(*dj));
                    v.is_finite().then_some(v - centre)
                })
                .collect();
            let Some(around) = around.filter(|_| centre.is_finite()) else {
                continue;
            };
            match critical(&around) {
                Some(Critical::Minimum) if lowest.is_none_or(|l| centre < l.0) => {
                    lowest = Some((centre, i, j));
                }
                Some(Critical::Maximum) if highest.is_none_or(|h| centre > h.0) => {
                    highest = Some((centre, i, j));
                }
                Some(Critical::Saddle) => saddles.push((i, j)),
                _ => {}
            }
        }
    }
    let extremes = lowest.into_iter().chain(highest).map(|(_, i, j)| (i, j));
    saddles.into_iter().chain(extremes).collect()
}

/// What the differences to the neighbours (in order around the point)
/// make it: a strict minimum or maximum, or a saddle (their signs, zeros
/// left out, change at least four times around the ring). Either way the
/// slope through the point is level: no two opposite neighbours differ
/// from it in opposite directions (a slope is none of these).
fn critical(around: &[f64]) -> Option<Critical> {
    let half = around.len() / 2;
    if (0..half).any(|k| around[k] * around[k + half] < 0.0) {
        return None;
    }
    let signs: Vec<bool> = around
        .iter()
        .filter(|d| **d != 0.0)
        .map(|d| *d > 0.0)
        .collect();
    let changes = (0..signs.len())
        .filter(|&k| signs[k] != signs[(k + 1) % signs.len()])
        .count();
    let strict = signs.len() == around.len();
    match signs.first() {
        Some(&up) if changes == 0 && strict => Some(if up {
            Critical::Minimum
        } else {
            Critical::Maximum
        }),
        Some(_) if changes >= 4 => Some(Critical::Saddle),
        _ => None,
    }
}

/// A range around the landmarks: at least `MIN_SPAN` wide, with
/// `FRAME_MARGIN` of their spread either side, ends rounded out to ticks,
/// then cut to where the function is defined (an edge there is kept as
/// it is: `ln` from just above 0, not from 0).
fn frame(landmarks: &[f64], defined: Option<(f64, f64)>) -> (f64, f64) {
    let lo = landmarks.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = landmarks.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let spread = hi - lo;
    let room = ((MIN_SPAN - spread) / 2.0).max(spread * FRAME_MARGIN);
    let framed = round_out((lo - room, hi + room));
    match defined {
        Some((a, b)) => {
            let cut = (framed.0.max(a), framed.1.min(b));
            if cut.0 < cut.1 { cut } else { framed }
        }
        None => framed,
    }
}

/// The range widened to the nearest ticks outside it (of the rule that
/// puts at most `ROUND_TICKS` in it), so that its ends are round numbers.
pub(super) fn round_out((lo, hi): (f64, f64)) -> (f64, f64) {
    let Some(step) = ticks::step((lo, hi), ROUND_TICKS) else {
        return (lo, hi);
    };
    let s = step.value();
    let rounded = (
        step.multiple((lo / s).floor()),
        step.multiple((hi / s).ceil()),
    );
    // Beyond what a double holds, keep the range as it was.
    if rounded.0.is_finite() && rounded.1.is_finite() && rounded.0 < rounded.1 {
        (rounded.0.min(lo), rounded.1.max(hi))
    } else {
        (lo, hi)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_frame_is_round_and_at_least_ten_wide() {
        assert_eq!(frame(&[3.0], None), (-2.0, 8.0));
        assert_eq!(frame(&[-1.0, 0.0, 1.0], None), (-5.0, 5.0));
        // ln: its edge (just above 0) and its zero at 1.
        let edge = 1e-13;
        assert_eq!(frame(&[edge, 1.0], Some((edge, 10.0))), (edge, 6.0));
        // Landmarks far apart: a tenth of their spread beyond them.
        assert_eq!(frame(&[-9.42, 9.42], None), (-12.0, 12.0));
    }

    #[test]
    fn rounding_out_keeps_the_range_inside() {
        assert_eq!(round_out((-0.45, 3.45)), (-0.5, 3.5));
        assert_eq!(round_out((0.1, 0.3)), (0.1, 0.3));
        assert_eq!(round_out((-1.7e308, 1.7e308)), (-1.7e308, 1.7e308));
    }

    #[test]
    fn level_points_of_a_curve() {
        let xs = [-2.0, -1.0, 0.0, 1.0, 2.0, 3.0];
        // A vertex at 0; a run of zeros (step) counts at its end only;
        // underflow is no zero.
        assert_eq!(
            level_points(&xs, &[4.0, 1.0, 0.0, 1.0, 4.0, 9.0]),
            [0.0, 0.0]
        );
        assert_eq!(level_points(&xs, &[0.0, 0.0, 0.0, 0.5, 1.0, 1.0]), [0.0]);
        assert!(level_points(&xs, &[0.0, 0.0, 1e-320, 1e-310, 1e-300, 1e-290]).is_empty());
    }

    #[test]
    fn the_lowest_minimum_of_a_grid_only() {
        // Two dips in a 5 x 5 grid, at (1, 1) and (3, 3); the second lower.
        let mut values = vec![9.0; 25];
        values[6] = 1.0;
        values[18] = 0.5;
        assert_eq!(grid_landmarks(&values, 5), [(3, 3)]);
    }

    #[test]
    fn critical_points_of_a_grid() {
        // A bowl, a cap, a saddle (x^2 - y^2: its diagonals are level).
        assert_eq!(critical(&[1.0; 8]), Some(Critical::Minimum));
        assert_eq!(critical(&[-2.0; 8]), Some(Critical::Maximum));
        let saddle = [0.0, 1.0, 0.0, -1.0, 0.0, 1.0, 0.0, -1.0];
        assert_eq!(critical(&saddle), Some(Critical::Saddle));
        // A slope, a valley floor (level along it: not strict), a
        // curved valley's floor (up and down around it, but sloping).
        assert_eq!(critical(&[-1.0, -1.0, -1.0, 0.0, 1.0, 1.0, 1.0, 0.0]), None);
        assert_eq!(critical(&[1.0, 1.0, 1.0, 0.0, 1.0, 1.0, 1.0, 0.0]), None);
        assert_eq!(critical(&[2.0, -1.0, 2.0, -3.0, 2.0, 1.0, 2.0, 3.0]), None);
        assert_eq!(critical(&[0.0; 8]), None);
    }
}
