//! `check A == B`: are two expressions equal as functions of their free
//! variables?
//!
//! First the simplified forms are compared; then, always, both are
//! evaluated at many points (64 spread over [-10, 10] in every variable,
//! plus points near 0 and near 1). Equal simplified forms that disagree
//! numerically (a rewrite that extended a domain, like `sqrt(x)^2 = x`) are
//! reported as different: a check never says "equal" when a point says
//! otherwise. Invariant: no printing here; the outcome is data.

use crate::compile::{Evaluated, Program};
use crate::error::Result;
use crate::symbolic::rewrite::{check_budget, free_vars, tree_size};
use crate::symbolic::simplify::{expand, simplify};
use crate::symbolic::{Expr, Num, expr::sub};

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum CheckMethod {
    Symbolic,
    Numeric,
}

impl CheckMethod {
    pub fn name(self) -> &'static str {
        match self {
            CheckMethod::Symbolic => "symbolic",
            CheckMethod::Numeric => "numeric",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct CheckOutcome {
    pub ok: bool,
    pub method: CheckMethod,
    /// Where they differ (variable, value), in variable order; empty if ok.
    pub at: Vec<(String, f64)>,
    /// Over data, the row (counted from 1) where they differ.
    pub row: Option<usize>,
    pub left: f64,
    pub right: f64,
    /// The simplified forms, for the human report.
    pub left_expr: Expr,
    pub right_expr: Expr,
}

/// Relative tolerance (absolute below magnitude 1).
const TOLERANCE: f64 = 1e-10;

pub fn check(left: Expr, right: Expr) -> Result<CheckOutcome> {
    let (left, right) = (simplify(left)?, simplify(right)?);
    let symbolic = left == right || difference_vanishes(left, right)?;
    let vars: Vec<String> = free_vars(left)
        .union(&free_vars(right))
        .map(|v| v.to_string())
        .collect();
    let names: Vec<&str> = vars.iter().map(String::as_str).collect();
    let mut program = Program::new(&[left, right], &names)?;
    let mut outcome = CheckOutcome {
        ok: true,
        method: if symbolic {
            CheckMethod::Symbolic
        } else {
            CheckMethod::Numeric
        },
        at: Vec::new(),
        row: None,
        left: f64::NAN,
        right: f64::NAN,
        left_expr: left,
        right_expr: right,
    };
    for point in sample_points(vars.len()) {
        check_budget()?;
        let (row, a, b) = first_difference(&program.values(&point));
        if !agree(a, b) {
            outcome.ok = false;
            outcome.row = row;
            outcome.method = CheckMethod::Numeric;
            outcome.at = vars.iter().cloned().zip(point).collect();
            outcome.left = a;
            outcome.right = b;
            break;
        }
    }
    Ok(outcome)
}

/// The two sides over data: the first row where they differ (a number
/// stands for every row) and that row counted from 1 (`None` when both
/// sides are numbers), or the first row when they agree everywhere.
fn first_difference(values: &[Evaluated]) -> (Option<usize>, f64, f64) {
    let at = |v: &Evaluated, i: usize| match v {
        Evaluated::Number(x) => *x,
        Evaluated::Vector(xs) => xs.get(i).copied().unwrap_or(f64::NAN),
    };
    let rows = values
        .iter()
        .map(|v| match v {
            Evaluated::Number(_) => 1,
            Evaluated::Vector(xs) => xs.len(),
        })
        .max()
        .unwrap_or(1);
    let (left, right) = (&values[0], &values[1]);
    let vector = values.iter().any(|v| matches!(v, Evaluated::Vector(_)));
    let row = |i: usize| vector.then_some(i + 1);
    (0..rows)
        .map(|i| (row(i), at(left, i), at(right, i)))
        .find(|(_, a, b)| !agree(*a, *b))
        .unwrap_or((row(0), at(left, 0), at(right, 0)))
}

/// Whether `left - right` simplifies or expands to 0 (expansion only for
/// expressions small enough that it cannot blow up).
fn difference_vanishes(left: Expr, right: Expr) -> Result<bool> {
    let difference = simplify(sub(left, right))?;
    if difference.is_num(Num::ZERO) {
        return Ok(true);
    }
    if tree_size(difference) > 2_000 {
        return Ok(false);
    }
    Ok(expand(difference)?.is_num(Num::ZERO))
}

/// Both undefined, or both defined and equal to the tolerance.
pub fn agree(a: f64, b: f64) -> bool {
    if a.is_nan() || b.is_nan() {
        return a.is_nan() && b.is_nan();
    }
    if a.is_infinite() || b.is_infinite() {
        return a == b;
    }
    let scale = a.abs().max(b.abs()).max(1.0);
    (a - b).abs() <= TOLERANCE * scale
}

/// Deterministic sample points: a Halton sequence over [-10, 10]^n, then
/// points near 0 and near 1 (each variable offset a little, so that `x - y`
/// is not always 0).
pub fn sample_points(n: usize) -> Vec<Vec<f64>> {
    const PRIMES: [u64; 16] = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53];
    let mut points: Vec<Vec<f64>> = (1..=64u64)
        .map(|i| {
            (0..n)
                .map(|d| {
                    -10.0
                        + 20.0 * halton(i, PRIMES[d % PRIMES.len()] + 2 * (d / PRIMES.len()) as u64)
                })
                .collect()
        })
        .collect();
    for near in [1e-3, -1e-3, 0.01, -0.02, 0.999, 1.001, 0.5, -0.7] {
        points.push((0..n).map(|d| near + 0.0137 * d as f64).collect());
    }
    if n == 0 {
        points.truncate(1);
    }
    points
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::symbolic::expr::{Func, add, call, mul, pow};

    fn x() -> Expr {
        Expr::var("x")
    }

    #[test]
    fn equal_polynomials_are_symbolic() {
        let a = pow(add([x(), Expr::int(1)]), Expr::int(2));
        let b = add([
            pow(x(), Expr::int(2)),
            mul([Expr::int(2), x()]),
            Expr::int(1),
        ]);
        let outcome = check(a, b).expect("small");
        assert!(outcome.ok);
        assert_eq!(outcome.method, CheckMethod::Symbolic);
    }

    #[test]
    fn domains_matter() {
        // ln(x^2) and 2 ln(x) differ where x < 0.
        let a = call(Func::Ln, vec![pow(x(), Expr::int(2))]);
        let b = mul([Expr::int(2), call(Func::Ln, vec![x()])]);
        let outcome = check(a, b).expect("small");
        assert!(!outcome.ok);
        assert!(outcome.at[0].1 < 0.0);
        assert!(outcome.right.is_nan() && outcome.left.is_finite());
    }

    #[test]
    fn tiny_differences_are_caught() {
        let a = add([mul([Expr::int(2), x()]), Expr::float(3.0000001)]);
        let b = add([mul([Expr::int(2), x()]), Expr::int(3)]);
        assert!(!check(a, b).expect("small").ok);
    }

    #[test]
    fn many_points_spread_out() {
        let points = sample_points(2);
        assert!(points.len() >= 50);
        assert!(points.iter().any(|p| p[0] < -5.0 && p[1] > 5.0));
        assert!(
            points
                .iter()
                .all(|p| p.iter().all(|v| (-10.0..=10.0).contains(v)))
        );
    }
}
