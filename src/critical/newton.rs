//! The numerical search: Newton's method on the gradient (x - H^-1 g)
//! from every point of a grid over the box, and for one parameter also
//! bisection between grid points where the derivative changes sign; each
//! point found is kept when its gradient is small against the gradient's
//! size on the grid, and points found more than once are merged.
//!
//! Invariant: the function is evaluated only through its compiled
//! program (`[f, gradient, Hessian]`), and the interrupt flag is read
//! before each start, so Ctrl-C stops a long search.

use crate::compile::{Evaluated, Program};
use crate::error::{Error, Result};

/// Starts on the grid for one parameter ...
const STARTS_1D: usize = 201;
/// ... and at most this many for several (a grid of equal sides).
const MOST_STARTS: usize = 4096;
/// The fewest grid points per side, whatever the cost of the function.
const LEAST_PER_SIDE: usize = 5;
/// The instructions a search may run, about (the grid shrinks for a loss
/// over many rows).
const WORK: f64 = 4e8;
/// Newton steps from one start, at most.
const MAX_ITERATIONS: usize = 100;
/// A Newton step this small, relative to the point, has converged.
const STEP_TOL: f64 = 1e-14;
/// A point is critical when its gradient norm is below this times the
/// gradient's typical norm on the grid (at least 1).
const GRADIENT_TOL: f64 = 1e-8;
/// Two points closer than this times the box's widest side are one.
const MERGE_TOL: f64 = 1e-6;
/// A Newton step may leave the box by this many times its widest side
/// before the start is given up.
const ESCAPE: f64 = 1.0;
/// Bisection steps between two grid points (to the last bit, and more).
const BISECTION_STEPS: usize = 200;

/// A point where the gradient is (numerically) 0, with what the program
/// gives there: value, gradient, Hessian (row-major).
#[derive(Clone, Debug)]
pub(super) struct Candidate {
    pub x: Vec<f64>,
    pub outputs: Vec<f64>,
}

impl Candidate {
    pub fn f(&self) -> f64 {
        self.outputs[0]
    }

    pub fn grad(&self) -> &[f64] {
        &self.outputs[1..=self.x.len()]
    }

    pub fn hessian(&self) -> &[f64] {
        &self.outputs[1 + self.x.len()..]
    }
}

/// What the search found, and from how many starts.
pub(super) struct Found {
    pub points: Vec<Candidate>,
    pub starts: usize,
}

/// Searches the box `ranges` with `program`, whose outputs are
/// `[f, df/dx1, ..., df/dxn, d2f/dx1dx1, ..., d2f/dxndxn]`.
pub(super) fn search(program: &mut Program, ranges: &[(f64, f64)]) -> Result<Found> {
    let n = ranges.len();
    let grid = grid(ranges, per_side(n, program.cost()));
    let mut evaluated = Vec::with_capacity(grid.len());
    for x in &grid {
        evaluated.push(eval(program, x)?);
    }
    let tol = GRADIENT_TOL * typical_norm(&evaluated);
    let widest = ranges.iter().map(|(a, b)| b - a).fold(0.0, f64::max);
    let mut found = Vec::new();
    for start in &evaluated {
        if let Some(point) = newton(program, start.clone(), ranges, widest)? {
            found.push(point);
        }
    }
    if n == 1 {
        found.extend(sign_changes(program, &evaluated)?);
    }
    let inside: Vec<Candidate> = found
        .into_iter()
        .filter(|c| norm(c.grad()) <= tol && in_box(&c.x, ranges))
        .collect();
    Ok(Found {
        points: merged(inside, MERGE_TOL * widest.max(1.0)),
        starts: grid.len(),
    })
}

/// Grid points per side: `STARTS_1D` for one parameter; for several, the
/// most whose grid has `MOST_STARTS` points and fits the work budget.
fn per_side(n: usize, cost: usize) -> usize {
    let budget = WORK / (cost.max(1) as f64 * MAX_ITERATIONS as f64);
    let most = if n == 1 {
        STARTS_1D as f64
    } else {
        (MOST_STARTS as f64).powf(1.0 / n as f64)
    };
    let affordable = budget.powf(1.0 / n as f64);
    (most.min(affordable).floor() as usize).max(LEAST_PER_SIDE)
}

/// Every point of the grid with `k` points a side, ends included.
fn grid(ranges: &[(f64, f64)], k: usize) -> Vec<Vec<f64>> {
    let mut points = vec![Vec::new()];
    for (lo, hi) in ranges {
        let side: Vec<f64> = (0..k)
            .map(|i| lo + (hi - lo) * i as f64 / (k - 1) as f64)
            .collect();
        points = points
            .into_iter()
            .flat_map(|p| {
                side.iter().map(move |v| {
                    let mut q = p.clone();
                    q.push(*v);
                    q
                })
            })
            .collect();
    }
    points
}

fn eval(program: &mut Program, x: &[f64]) -> Result<Candidate> {
    if crate::interrupt::interrupted() {
        return Err(Error::interrupted());
    }
    let outputs = program
        .values(x)
        .into_iter()
        .map(|v| match v {
            Evaluated::Number(v) => v,
            // A function of data that is not reduced is refused before.
            Evaluated::Vector(_) => f64::NAN,
        })
        .collect();
    Ok(Candidate {
        x: x.to_vec(),
        outputs,
    })
}

/// The median gradient norm on the grid (finite ones), at least 1: what
/// "small" is measured against.
fn typical_norm(evaluated: &[Candidate]) -> f64 {
    let mut norms: Vec<f64> = evaluated
        .iter()
        .map(|c| norm(c.grad()))
        .filter(|v| v.is_finite())
        .collect();
    norms.sort_by(f64::total_cmp);
    norms.get(norms.len() / 2).copied().unwrap_or(1.0).max(1.0)
}

/// Newton's method from `start`: the point it converges to (or where it
/// stops after `MAX_ITERATIONS`, or meets a singular Hessian, as at a
/// degenerate critical point), or `None` when it leaves the box far
/// behind or meets a value that is not finite.
fn newton(
    program: &mut Program,
    start: Candidate,
    ranges: &[(f64, f64)],
    widest: f64,
) -> Result<Option<Candidate>> {
    let mut here = start;
    for _ in 0..MAX_ITERATIONS {
        if here.grad().iter().all(|g| *g == 0.0) {
            return Ok(Some(here));
        }
        if !here.outputs.iter().all(|v| v.is_finite()) {
            return Ok(None);
        }
        let Some(step) = solve(here.hessian(), here.grad()) else {
            return Ok(Some(here));
        };
        let next: Vec<f64> = here.x.iter().zip(&step).map(|(x, d)| x - d).collect();
        if !near_box(&next, ranges, ESCAPE * widest) {
            return Ok(None);
        }
        let converged = norm(&step) <= STEP_TOL * (1.0 + norm(&here.x));
        here = eval(program, &next)?;
        if converged {
            break;
        }
    }
    Ok(Some(here))
}

/// For one parameter: the root of f' between neighbours of the grid
/// where it changes sign, by bisection (a pole changes sign too; its
/// gradient is not small, so it is dropped later).
fn sign_changes(program: &mut Program, grid: &[Candidate]) -> Result<Vec<Candidate>> {
    let mut out = Vec::new();
    for pair in grid.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        let (ga, gb) = (a.grad()[0], b.grad()[0]);
        if !(ga.is_finite() && gb.is_finite()) || ga * gb >= 0.0 {
            continue;
        }
        let (mut lo, mut hi) = (a.x[0], b.x[0]);
        for _ in 0..BISECTION_STEPS {
            let mid = lo + (hi - lo) / 2.0;
            if mid <= lo || mid >= hi {
                break;
            }
            let g = eval(program, &[mid])?.grad()[0];
            if g == 0.0 {
                (lo, hi) = (mid, mid);
                break;
            }
            if (g < 0.0) == (ga < 0.0) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        let at_lo = eval(program, &[lo])?;
        let at_hi = eval(program, &[hi])?;
        out.push(if at_lo.grad()[0].abs() <= at_hi.grad()[0].abs() {
            at_lo
        } else {
            at_hi
        });
    }
    Ok(out)
}

/// `H^-1 g` by Gaussian elimination with partial pivoting; `None` when H
/// is singular (a pivot at most n * epsilon times its largest entry) or
/// anything is not finite.
pub(super) fn solve(h: &[f64], g: &[f64]) -> Option<Vec<f64>> {
    let n = g.len();
    let mut a: Vec<Vec<f64>> = (0..n)
        .map(|i| {
            let mut row = h[i * n..(i + 1) * n].to_vec();
            row.push(g[i]);
            row
        })
        .collect();
    let largest = h.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    if !largest.is_finite() || !g.iter().all(|v| v.is_finite()) {
        return None;
    }
    let tiny = n as f64 * f64::EPSILON * largest;
    for col in 0..n {
        let pivot = (col..n).max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))?;
        if a[pivot][col].abs() <= tiny {
            return None;
        }
        a.swap(col, pivot);
        let (above, below) = a.split_at_mut(col + 1);
        let pivot_row = &above[col];
        for row in below.iter_mut() {
            let factor = row[col] / pivot_row[col];
            for (value, p) in row[col..].iter_mut().zip(&pivot_row[col..]) {
                *value -= factor * p;
            }
        }
    }
    let mut x = vec![0.0; n];
    for row in (0..n).rev() {
        let known: f64 = (row + 1..n).map(|k| a[row][k] * x[k]).sum();
        x[row] = (a[row][n] - known) / a[row][row];
    }
    Some(x)
}

pub(super) fn norm(v: &[f64]) -> f64 {
    v.iter().map(|x| x * x).sum::<f64>().sqrt()
}

fn in_box(x: &[f64], ranges: &[(f64, f64)]) -> bool {
    x.iter().zip(ranges).all(|(v, (lo, hi))| {
        let slack = 1e-12 * (hi - lo);
        *v >= lo - slack && *v <= hi + slack
    })
}

fn near_box(x: &[f64], ranges: &[(f64, f64)], margin: f64) -> bool {
    x.iter()
        .zip(ranges)
        .all(|(v, (lo, hi))| v.is_finite() && *v >= lo - margin && *v <= hi + margin)
}

/// One point for each cluster closer than `tol`: the one with the
/// smallest gradient.
fn merged(mut points: Vec<Candidate>, tol: f64) -> Vec<Candidate> {
    points.sort_by(|a, b| norm(a.grad()).total_cmp(&norm(b.grad())));
    let mut kept: Vec<Candidate> = Vec::new();
    for p in points {
        let distance =
            |q: &Candidate| norm(&p.x.iter().zip(&q.x).map(|(a, b)| a - b).collect::<Vec<_>>());
        if !kept.iter().any(|q| distance(q) <= tol) {
            kept.push(p);
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn solving_small_systems() {
        // [2 1; 1 3] x = [3, 5]  ->  x = (4/5, 7/5)
        let x = solve(&[2.0, 1.0, 1.0, 3.0], &[3.0, 5.0]).expect("regular");
        assert!((x[0] - 0.8).abs() < 1e-15 && (x[1] - 1.4).abs() < 1e-15);
        assert_eq!(solve(&[1.0, 2.0, 2.0, 4.0], &[1.0, 1.0]), None);
        assert_eq!(solve(&[0.0], &[1.0]), None);
    }

    #[test]
    fn grids_include_their_ends() {
        let g = grid(&[(-1.0, 1.0), (0.0, 2.0)], 3);
        assert_eq!(g.len(), 9);
        assert_eq!(g[0], [-1.0, 0.0]);
        assert_eq!(g[8], [1.0, 2.0]);
        assert_eq!(per_side(1, 10), STARTS_1D);
        assert_eq!(per_side(2, 10), 64);
        // A loss over a million rows gets the fewest.
        assert_eq!(per_side(2, 10_000_000), LEAST_PER_SIDE);
    }

    #[test]
    fn merging_keeps_the_better_of_two_close_points() {
        let point = |x: f64, g: f64| Candidate {
            x: vec![x],
            outputs: vec![0.0, g, 1.0],
        };
        let kept = merged(
            vec![point(1.0, 1e-9), point(1.0 + 1e-9, 1e-12), point(2.0, 0.0)],
            1e-6,
        );
        assert_eq!(kept.len(), 2);
        assert_eq!(kept[1].x, [1.0 + 1e-9]);
    }
}
