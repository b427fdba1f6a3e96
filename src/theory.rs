//! Step-size theory for quadratic objectives, stated beside a comparison:
//! with a constant Hessian H whose eigenvalues run from μ to L, plain
//! gradient descent is stable for 0 < lr < 2/L, its fastest constant rate
//! is at lr = 2/(L + μ), where the error shrinks by (L - μ)/(L + μ) a step,
//! and lr = 1/L solves the steepest direction in one step. With μ < 0 there
//! is no minimum; with μ = 0 the minima form a line (or plane) when the
//! gradient's constant part lies in H's range, else none.
//!
//! Invariant: pure numerics on a small symmetric matrix; no printing.

/// What theory says about learning rates for a quadratic.
#[derive(Copy, Clone, Debug, PartialEq)]
pub struct Quadratic {
    /// The largest eigenvalue of the (constant) Hessian.
    pub largest: f64,
    /// The smallest; 0 when it is within rounding of 0.
    pub smallest: f64,
    /// Parameters (the Hessian's size).
    pub n: usize,
    /// Directions along which the Hessian is 0 (eigenvalues within
    /// rounding of 0).
    pub flat: usize,
    /// Whether the quadratic is bounded below along its flat directions:
    /// the gradient's constant part lies in the Hessian's range.
    pub bounded: bool,
}

/// Eigenvalues this close to 0, relative to the largest magnitude, are 0.
const ZERO: f64 = 1e-12;

impl Quadratic {
    /// Rates below this converge; `None` when no eigenvalue is positive.
    pub fn stable_below(self) -> Option<f64> {
        (self.largest > 0.0).then(|| 2.0 / self.largest)
    }

    /// The rate of the fastest constant rate, 2/(L + μ), when μ > 0.
    pub fn fastest(self) -> Option<f64> {
        (self.smallest > 0.0).then(|| 2.0 / (self.largest + self.smallest))
    }

    /// The error's factor per step at `fastest`: (L - μ)/(L + μ).
    pub fn factor(self) -> Option<f64> {
        (self.smallest > 0.0)
            .then(|| (self.largest - self.smallest) / (self.largest + self.smallest))
    }

    /// The rate that solves the steepest direction in one step, 1/L.
    pub fn one_step(self) -> Option<f64> {
        (self.largest > 0.0).then(|| 1.0 / self.largest)
    }
}

/// The theory for a constant Hessian `h` (row-major, n x n) and the
/// gradient's constant part `g0` (the gradient at the origin).
pub fn quadratic(h: &[Vec<f64>], g0: &[f64]) -> Option<Quadratic> {
    let (values, vectors) = eigen(h);
    let scale = values.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    if !scale.is_finite() || values.is_empty() {
        return None;
    }
    let is_zero = |v: f64| v.abs() <= ZERO * scale;
    let clean = |v: f64| if is_zero(v) { 0.0 } else { v };
    let largest = clean(values.iter().copied().fold(f64::NEG_INFINITY, f64::max));
    let smallest = clean(values.iter().copied().fold(f64::INFINITY, f64::min));
    let flat_directions: Vec<&Vec<f64>> = values
        .iter()
        .zip(&vectors)
        .filter(|(v, _)| is_zero(**v))
        .map(|(_, u)| u)
        .collect();
    let g_scale = g0.iter().fold(1.0f64, |m, v| m.max(v.abs()));
    let bounded = flat_directions.iter().all(|u| {
        let along: f64 = u.iter().zip(g0).map(|(a, b)| a * b).sum();
        along.abs() <= 1e-9 * g_scale
    });
    Some(Quadratic {
        largest,
        smallest,
        n: h.len(),
        flat: flat_directions.len(),
        bounded,
    })
}

/// The eigenvalues of a symmetric matrix by cyclic Jacobi rotations.
pub fn eigenvalues(h: &[Vec<f64>]) -> Vec<f64> {
    eigen(h).0
}

/// The eigenvalues of a symmetric matrix and their unit eigenvectors, by
/// cyclic Jacobi rotations.
fn eigen(h: &[Vec<f64>]) -> (Vec<f64>, Vec<Vec<f64>>) {
    let n = h.len();
    let mut a: Vec<Vec<f64>> = h.to_vec();
    let mut v: Vec<Vec<f64>> = (0..n)
        .map(|i| (0..n).map(|j| if i == j { 1.0 } else { 0.0 }).collect())
        .collect();
    for _sweep in 0..100 {
        let off: f64 = (0..n)
            .flat_map(|i| (0..n).filter(move |j| *j != i).map(move |j| (i, j)))
            .map(|(i, j)| a[i][j] * a[i][j])
            .sum();
        if off < 1e-30 {
            break;
        }
        for p in 0..n {
            for q in p + 1..n {
                rotate(&mut a, &mut v, p, q);
            }
        }
    }
    let values = (0..n).map(|i| a[i][i]).collect();
    // Column i of v is the eigenvector of a[i][i].
    let vectors = (0..n).map(|i| (0..n).map(|k| v[k][i]).collect()).collect();
    (values, vectors)
}

/// One Jacobi rotation that zeroes a[p][q] (and a[q][p]), applied to the
/// eigenvectors' columns in `v` too.
fn rotate(a: &mut [Vec<f64>], v: &mut [Vec<f64>], p: usize, q: usize) {
    if a[p][q] == 0.0 {
        return;
    }
    let theta = (a[q][q] - a[p][p]) / (2.0 * a[p][q]);
    let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
    let t = if theta == 0.0 { 1.0 } else { t };
    let c = 1.0 / (t * t + 1.0).sqrt();
    let s = t * c;
    for row in a.iter_mut().chain(v.iter_mut()) {
        let (akp, akq) = (row[p], row[q]);
        row[p] = c * akp - s * akq;
        row[q] = s * akp + c * akq;
    }
    let (row_p, row_q) = (a[p].clone(), a[q].clone());
    for (k, (apk, aqk)) in row_p.into_iter().zip(row_q).enumerate() {
        a[p][k] = c * apk - s * aqk;
        a[q][k] = s * apk + c * aqk;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eigenvalues_of_small_matrices() {
        let mut e = eigenvalues(&[vec![2.0, 1.0], vec![1.0, 2.0]]);
        e.sort_by(f64::total_cmp);
        assert!(
            (e[0] - 1.0).abs() < 1e-12 && (e[1] - 3.0).abs() < 1e-12,
            "{e:?}"
        );
        let e = eigenvalues(&[
            vec![4.0, 0.0, 0.0],
            vec![0.0, -1.0, 0.0],
            vec![0.0, 0.0, 2.0],
        ]);
        assert_eq!(e, [4.0, -1.0, 2.0]);
    }

    #[test]
    fn the_tutorial_quadratic() {
        // (x - 3)^2: H = 2, stable below lr 1, fastest at 0.5 (= 1/L).
        let q = quadratic(&[vec![2.0]], &[-6.0]).expect("a matrix");
        assert_eq!((q.stable_below(), q.fastest()), (Some(1.0), Some(0.5)));
        assert_eq!((q.one_step(), q.factor()), (Some(0.5), Some(0.0)));
        let q = quadratic(&[vec![-2.0]], &[0.0]).expect("a matrix");
        assert_eq!((q.stable_below(), q.fastest()), (None, None));
    }

    #[test]
    fn an_ill_conditioned_quadratic() {
        // x^2 + 10y^2: H = diag(2, 20); fastest at 2/22, factor 18/22.
        let q = quadratic(&[vec![2.0, 0.0], vec![0.0, 20.0]], &[0.0, 0.0]).expect("a matrix");
        assert_eq!((q.largest, q.smallest), (20.0, 2.0));
        assert_eq!(q.fastest(), Some(2.0 / 22.0));
        assert_eq!(q.factor(), Some(18.0 / 22.0));
        assert_eq!(q.stable_below(), Some(0.1));
        assert_eq!(q.one_step(), Some(0.05));
    }

    #[test]
    fn flat_directions() {
        // (x + y)^2: H = [[2, 2], [2, 2]], eigenvalues 0 and 4, minima on
        // the line x + y = 0 (g0 = 0); (x + y)^2 + x - y is unbounded below
        // along x - y (g0 = (1, -1), the null direction).
        let h = [vec![2.0, 2.0], vec![2.0, 2.0]];
        let line = quadratic(&h, &[0.0, 0.0]).expect("a matrix");
        assert_eq!((line.smallest, line.flat, line.bounded), (0.0, 1, true));
        assert_eq!(line.fastest(), None);
        assert!(line.stable_below().is_some_and(|s| (s - 0.5).abs() < 1e-15));
        let unbounded = quadratic(&h, &[1.0, -1.0]).expect("a matrix");
        assert!(!unbounded.bounded);
        // Shifting along the range keeps it bounded: (x + y - 1)^2.
        assert!(quadratic(&h, &[-2.0, -2.0]).expect("a matrix").bounded);
    }
}
