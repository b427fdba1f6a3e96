//! Newton's direction `H^-1 g`: the Hessian at the point (evaluated with
//! the gradient, on the same rows), solved by Gaussian elimination with
//! partial pivoting.
//!
//! Invariant: the matrix and the direction are allocated once, when the
//! run starts; a step allocates nothing.

use super::Culprit;

/// Newton's method's scratch space.
pub(super) struct Newton {
    /// The Hessian at x, row-major, then its elimination in place.
    matrix: Vec<f64>,
    /// The gradient, then the Newton direction `H^-1 g`.
    pub(super) direction: Vec<f64>,
}

impl Newton {
    pub(super) fn new(n_params: usize) -> Newton {
        Newton {
            matrix: vec![0.0; n_params * n_params],
            direction: vec![0.0; n_params],
        }
    }

    /// `H^-1 g` into `direction`, for the Hessian `hessian` (row-major) and
    /// the gradient `grad`, taken on a minibatch of `batch` rows if any; an
    /// error when H is not finite or is singular.
    pub(super) fn solve_for(
        &mut self,
        hessian: &[f64],
        grad: &[f64],
        batch: Option<usize>,
    ) -> Result<(), (Culprit, f64)> {
        let n = grad.len();
        // At a critical point there is nothing to solve: a singular H there
        // (x^4 at 0) does not stop a run that has arrived.
        if grad.iter().all(|g| *g == 0.0) {
            self.direction.fill(0.0);
            return Ok(());
        }
        if let Some(k) = hessian.iter().position(|h| !h.is_finite()) {
            return Err((Culprit::Hessian(k / n, k % n), hessian[k]));
        }
        self.matrix.copy_from_slice(hessian);
        self.direction.copy_from_slice(grad);
        let culprit = match batch {
            Some(rows) => Culprit::SingularBatchHessian(rows),
            None => Culprit::SingularHessian,
        };
        solve(&mut self.matrix, &mut self.direction).map_err(|pivot| (culprit, pivot))
    }
}

/// Solves `a d = b` for a square `a` (row-major, n*n, finite), by Gaussian
/// elimination with partial pivoting, overwriting `a` and leaving `d` in
/// `b`. Errors with the offending pivot when `a` is singular to working
/// precision: a pivot at most `n * f64::EPSILON` times the largest entry of
/// `a` (so the zero matrix, and any 1x1 zero, is singular).
pub(super) fn solve(a: &mut [f64], b: &mut [f64]) -> Result<(), f64> {
    let n = b.len();
    debug_assert_eq!(a.len(), n * n);
    let largest = a.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    let negligible = largest * n as f64 * f64::EPSILON;
    for col in 0..n {
        let mut pivot_row = col;
        for row in col + 1..n {
            if a[row * n + col].abs() > a[pivot_row * n + col].abs() {
                pivot_row = row;
            }
        }
        let pivot = a[pivot_row * n + col];
        if pivot.abs() <= negligible {
            return Err(pivot);
        }
        if pivot_row != col {
            for k in col..n {
                a.swap(col * n + k, pivot_row * n + k);
            }
            b.swap(col, pivot_row);
        }
        for row in col + 1..n {
            let factor = a[row * n + col] / pivot;
            for k in col + 1..n {
                a[row * n + k] -= factor * a[col * n + k];
            }
            b[row] -= factor * b[col];
        }
    }
    for col in (0..n).rev() {
        let mut sum = b[col];
        for k in col + 1..n {
            sum -= a[col * n + k] * b[k];
        }
        b[col] = sum / a[col * n + col];
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::solve;

    #[test]
    fn solve_pivots_and_finds_singular_matrices() {
        // [[0, 1], [2, 3]] d = [1, 8]: needs a row swap; d = (2.5, 1).
        let mut a = [0.0, 1.0, 2.0, 3.0];
        let mut b = [1.0, 8.0];
        assert_eq!(solve(&mut a, &mut b), Ok(()));
        assert_eq!(b, [2.5, 1.0]);
        // [[2, 1, 1], [1, 4, -1], [1, -1, 6]] d = [4, 4, 6]: d = (1, 1, 1).
        let mut a = [2.0, 1.0, 1.0, 1.0, 4.0, -1.0, 1.0, -1.0, 6.0];
        let mut b = [4.0, 4.0, 6.0];
        assert_eq!(solve(&mut a, &mut b), Ok(()));
        assert!(b.iter().all(|d| (d - 1.0).abs() < 1e-15), "{b:?}");
        assert_eq!(solve(&mut [0.0], &mut [1.0]), Err(0.0));
        assert_eq!(solve(&mut [0.0; 4], &mut [1.0, 1.0]), Err(0.0));
        // Rank one, and singular up to rounding: [[1, 3], [1/3, 1]].
        assert!(solve(&mut [2.0, 2.0, 2.0, 2.0], &mut [1.0, 1.0]).is_err());
        assert!(solve(&mut [1.0, 3.0, 1.0 / 3.0, 1.0], &mut [1.0, 1.0]).is_err());
        // Tiny but well conditioned is fine.
        let mut b = [1e-300, 2e-300];
        assert_eq!(solve(&mut [1e-300, 0.0, 0.0, 1e-300], &mut b), Ok(()));
        assert_eq!(b, [1.0, 2.0]);
    }
}
