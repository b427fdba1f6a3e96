//! Where `check` looks, simplest points first: integers, then halves, then
//! the rest (points spread over [-10, 10], points near 0 and 1, magnitudes
//! from 1e-6 to 1e6 of both signs), so that the first point where two
//! sides differ is the one a teacher would pick.
//!
//! Invariant: within a kind, points come by the sum of their coordinates'
//! magnitudes, then coordinate by coordinate in the order 0, 1, -1, 2, -2,
//! ... (so (0, 1) before (1, 0), and (1, -1) before (-1, 1)).

use std::cmp::Ordering;

/// Points spread over [-10, 10] per variable (at least 50 for one).
const SPREAD_PER_VARIABLE: usize = 50;
/// The spread points' range.
const SPREAD: f64 = 10.0;
/// Offsets of the points near 0 and 1.
const NEAR: [f64; 8] = [1e-3, -1e-3, 0.01, -0.02, 0.999, 1.001, 0.5 + 1e-3, -0.7];
/// Decades of the magnitudes tried: 1e-6 .. 1e6.
const DECADES: std::ops::RangeInclusive<i32> = -6..=6;
/// How far the search for a domain goes, in whole numbers.
const SEARCH_RADIUS: i64 = 1000;

/// The points for `n` variables, simplest first.
pub fn points(n: usize) -> Vec<Vec<f64>> {
    if n == 0 {
        return vec![Vec::new()];
    }
    let (integers, halves) = grid_radius(n);
    let mut simple: Vec<Vec<f64>> = grid(n, integers, 1.0);
    simple.sort_by(|a, b| simpler(a, b));
    let mut half_points: Vec<Vec<f64>> = grid(n, halves, 0.5)
        .into_iter()
        .filter(|p| p.iter().any(|v| v.fract() != 0.0))
        .collect();
    half_points.sort_by(|a, b| simpler(a, b));
    let mut rest = spread(n);
    rest.extend(near(n));
    rest.extend(magnitudes(n));
    rest.sort_by(|a, b| simpler(a, b));
    simple.extend(half_points);
    simple.extend(rest);
    once_each(simple)
}

/// The points without repeats (a spread point may land on the grid), the
/// first of each kept.
fn once_each(points: Vec<Vec<f64>>) -> Vec<Vec<f64>> {
    let mut seen = std::collections::HashSet::new();
    points
        .into_iter()
        .filter(|p| seen.insert(p.iter().map(|v| v.to_bits()).collect::<Vec<u64>>()))
        .collect()
}

/// Farther whole-number points, simplest first, for a side that is
/// undefined at most of `points` (`sqrt(x - 50)`): along the axes and the
/// diagonals when there are several variables.
pub fn search_points(n: usize) -> Vec<Vec<f64>> {
    if n == 0 {
        return Vec::new();
    }
    let (integers, _) = grid_radius(n);
    let mut out = Vec::new();
    for k in (integers + 1)..=SEARCH_RADIUS {
        for v in [k as f64, -(k as f64)] {
            out.push(vec![v; n]);
            if n > 1 {
                out.push((0..n).map(|d| if d % 2 == 0 { v } else { -v }).collect());
            }
        }
    }
    out.sort_by(|a, b| simpler(a, b));
    out.dedup();
    out
}

/// How far the whole-number and half-number grids reach for `n`
/// variables: far for one, near for many (their size grows as a power).
fn grid_radius(n: usize) -> (i64, i64) {
    match n {
        1 => (20, 10),
        2 => (4, 2),
        3 => (2, 1),
        _ => (1, 0),
    }
}

/// Every point with coordinates k * step, |k * step| <= radius.
fn grid(n: usize, radius: i64, step: f64) -> Vec<Vec<f64>> {
    let steps = (radius as f64 / step) as i64;
    let values: Vec<f64> = (-steps..=steps).map(|k| k as f64 * step).collect();
    let mut points = vec![Vec::new()];
    for _ in 0..n {
        points = points
            .into_iter()
            .flat_map(|p| {
                values.iter().map(move |v| {
                    let mut q = p.clone();
                    q.push(*v);
                    q
                })
            })
            .collect();
    }
    points
}

/// A Halton sequence over [-10, 10]^n.
fn spread(n: usize) -> Vec<Vec<f64>> {
    const PRIMES: [u64; 16] = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53];
    (1..=(SPREAD_PER_VARIABLE * n) as u64)
        .map(|i| {
            (0..n)
                .map(|d| {
                    let base = PRIMES[d % PRIMES.len()] + 2 * (d / PRIMES.len()) as u64;
                    -SPREAD + 2.0 * SPREAD * halton(i, base)
                })
                .collect()
        })
        .collect()
}

/// Points near 0 and 1, each variable offset a little (so `x - y` is not
/// always 0).
fn near(n: usize) -> Vec<Vec<f64>> {
    NEAR.iter()
        .map(|c| (0..n).map(|d| c + 0.0137 * d as f64).collect())
        .collect()
}

/// 1e-6 .. 1e6 of both signs, and with alternating signs across the
/// variables.
fn magnitudes(n: usize) -> Vec<Vec<f64>> {
    let mut out = Vec::new();
    for decade in DECADES {
        let m = 10f64.powi(decade);
        for sign in [1.0, -1.0] {
            let scaled = |d: usize| sign * m * (1.0 + 0.1 * d as f64);
            out.push((0..n).map(scaled).collect());
            if n > 1 {
                out.push(
                    (0..n)
                        .map(|d| if d % 2 == 0 { scaled(d) } else { -scaled(d) })
                        .collect(),
                );
            }
        }
    }
    out
}

/// The i-th element of the van der Corput sequence in `base`, in (0, 1).
fn halton(mut i: u64, base: u64) -> f64 {
    let (mut f, mut r) = (1.0, 0.0);
    while i > 0 {
        f /= base as f64;
        r += f * (i % base) as f64;
        i /= base;
    }
    r
}

/// The order of simplicity between two points of one kind.
pub fn simpler(a: &[f64], b: &[f64]) -> Ordering {
    let size = |p: &[f64]| p.iter().map(|v| v.abs()).sum::<f64>();
    size(a).total_cmp(&size(b)).then_with(|| {
        a.iter()
            .zip(b)
            .map(|(x, y)| coordinate_order(*x, *y))
            .find(|o| o.is_ne())
            .unwrap_or(Ordering::Equal)
    })
}

/// 0, 1, -1, 2, -2, ...: by magnitude, the positive first.
fn coordinate_order(x: f64, y: f64) -> Ordering {
    x.abs()
        .total_cmp(&y.abs())
        .then_with(|| (x < 0.0).cmp(&(y < 0.0)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_come_first_in_the_teachers_order() {
        let p = points(1);
        assert_eq!(
            &p[..5],
            &[vec![0.0], vec![1.0], vec![-1.0], vec![2.0], vec![-2.0]]
        );
        let two = points(2);
        assert_eq!(two[0], vec![0.0, 0.0]);
        assert_eq!(two[1], vec![0.0, 1.0]);
        assert_eq!(two[2], vec![0.0, -1.0]);
        assert_eq!(two[3], vec![1.0, 0.0]);
        let i = |p: &[f64]| two.iter().position(|q| q == p).expect("listed");
        assert!(i(&[1.0, -1.0]) < i(&[-1.0, 1.0]));
    }

    #[test]
    fn halves_follow_the_integers() {
        let p = points(1);
        let first_half = p.iter().position(|q| q[0].fract() != 0.0).expect("halves");
        assert!(p[..first_half].iter().all(|q| q[0].fract() == 0.0));
        assert_eq!(p[first_half], vec![0.5]);
    }

    #[test]
    fn enough_points_spread_and_far() {
        for n in 1..=3 {
            let p = points(n);
            let inside = p
                .iter()
                .filter(|q| q.iter().all(|v| v.abs() <= 10.0))
                .count();
            assert!(
                inside >= 50 * n,
                "{n} variables: {inside} points in [-10, 10]"
            );
            assert!(p.iter().any(|q| q.iter().all(|v| *v >= 1e6)));
            assert!(p.iter().any(|q| q.iter().all(|v| *v <= -1e6)));
            assert!(p.iter().any(|q| q.iter().all(|v| v.abs() < 1e-5)));
        }
    }

    #[test]
    fn no_point_twice() {
        for n in 1..=3 {
            let p = points(n);
            assert_eq!(once_each(p.clone()).len(), p.len());
        }
        assert_eq!(points(1).iter().filter(|q| q[0] == 0.0).count(), 1);
    }

    #[test]
    fn the_search_reaches_far_in_whole_numbers() {
        let p = search_points(1);
        assert_eq!(p[0], vec![21.0]);
        assert!(p.contains(&vec![-1000.0]));
    }
}
