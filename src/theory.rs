//! Step-size theory for quadratic objectives, stated beside a comparison:
//! with a constant Hessian H whose largest eigenvalue is L, plain gradient
//! descent is stable for 0 < lr < 2/L and fastest (along the steepest
//! direction) at lr = 1/L.
//!
//! Invariant: pure numerics on a small symmetric matrix; no printing.

/// What theory says about learning rates for a quadratic.
#[derive(Copy, Clone, Debug, PartialEq)]
pub struct Quadratic {
    /// The largest eigenvalue of the (constant) Hessian.
    pub largest_eigenvalue: f64,
}

impl Quadratic {
    /// Rates below this converge (when the Hessian is positive definite).
    pub fn stable_below(self) -> f64 {
        2.0 / self.largest_eigenvalue
    }

    /// The rate that removes the steepest direction in one step.
    pub fn fastest(self) -> f64 {
        1.0 / self.largest_eigenvalue
    }
}

/// The theory for a constant Hessian `h` (row-major, n x n), or `None`
/// when its largest eigenvalue is not positive (no minimum to converge to).
pub fn quadratic(h: &[Vec<f64>]) -> Option<Quadratic> {
    let largest = eigenvalues(h).into_iter().fold(f64::NEG_INFINITY, f64::max);
    (largest > 0.0 && largest.is_finite()).then_some(Quadratic {
        largest_eigenvalue: largest,
    })
}

/// The eigenvalues of a symmetric matrix by cyclic Jacobi rotations.
pub fn eigenvalues(h: &[Vec<f64>]) -> Vec<f64> {
    let n = h.len();
    let mut a: Vec<Vec<f64>> = h.to_vec();
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
                rotate(&mut a, p, q);
            }
        }
    }
    (0..n).map(|i| a[i][i]).collect()
}

/// One Jacobi rotation that zeroes a[p][q] (and a[q][p]).
fn rotate(a: &mut [Vec<f64>], p: usize, q: usize) {
    if a[p][q] == 0.0 {
        return;
    }
    let theta = (a[q][q] - a[p][p]) / (2.0 * a[p][q]);
    let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
    let t = if theta == 0.0 { 1.0 } else { t };
    let c = 1.0 / (t * t + 1.0).sqrt();
    let s = t * c;
    for row in a.iter_mut() {
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
        // (x - 3)^2: H = 2, stable below lr 1, fastest at 0.5.
        let q = quadratic(&[vec![2.0]]).expect("positive");
        assert_eq!((q.stable_below(), q.fastest()), (1.0, 0.5));
        assert_eq!(quadratic(&[vec![-2.0]]), None);
    }
}
