//! Critical points: where a function's gradient is 0 in a box, each
//! classified, with the lowest minimum named (`critical NAME`, LANGUAGE.md
//! section 4).
//!
//! A function of one parameter whose derivative is a polynomial with
//! exact coefficients is solved exactly (`exact`: every real root, by
//! Sturm sequences) and classified exactly by the first derivative of
//! order 2 or more that is not 0 there (even: minimum or maximum; odd:
//! inflection). Any other function is searched numerically (`newton`)
//! and classified by its Hessian's eigenvalues (for one parameter, by the
//! first of f'', f''', ... not 0 against its size on the box).
//!
//! Invariant: the function is evaluated only through compiled programs
//! (its gradient and Hessian as `symbolic::gradient` and `hessian` build
//! them, the accurate form), never by interpreting trees; nothing here
//! prints.

mod exact;
mod newton;

use std::rc::Rc;

use crate::compile::{Evaluated, Program};
use crate::error::{Error, Result};
use crate::symbolic::diff::differentiate;
use crate::symbolic::poly::{Gens, from_expr};
use crate::symbolic::{Expr, gradient, hessian};
use exact::{Poly, Root, rational, roots_in, shares_root, square_free};
use newton::{Candidate, search};

/// A Hessian eigenvalue whose size is at most this times the largest
/// one's is 0 (LANGUAGE.md): the point is degenerate.
pub const ZERO_EIGENVALUE: f64 = 1e-9;
/// The highest derivative order tried when classifying a point of a
/// function of one parameter numerically.
const MAX_ORDER: u32 = 6;
/// The highest degree solved exactly (the exact arithmetic of a Sturm
/// sequence grows with the square of the degree).
const MAX_EXACT_DEGREE: usize = 100;

/// What a critical point is.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    Minimum,
    Maximum,
    Saddle,
    /// One parameter: the first derivative not 0 is of odd order (`x^3`
    /// at 0).
    Inflection,
    /// Several parameters: an eigenvalue of the Hessian is 0 (and the
    /// others do not make it a saddle); one parameter: every derivative
    /// tried is 0.
    Degenerate,
}

impl Kind {
    /// The JSON spelling, also the word in tables.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Minimum => "minimum",
            Kind::Maximum => "maximum",
            Kind::Saddle => "saddle",
            Kind::Inflection => "inflection",
            Kind::Degenerate => "degenerate",
        }
    }
}

/// One critical point.
#[derive(Clone, Debug, PartialEq)]
pub struct Point {
    pub x: Vec<f64>,
    pub f: f64,
    pub kind: Kind,
    /// The Hessian's eigenvalues, smallest first (`f''` alone for one
    /// parameter; exactly 0 where it is).
    pub eigenvalues: Vec<f64>,
}

/// How the points were found.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Search {
    /// Every real root of a polynomial derivative.
    Exact,
    /// Newton's method from this many starts.
    Newton { starts: usize },
}

/// The critical points in a box, in order of their coordinates.
#[derive(Clone, Debug, PartialEq)]
pub struct Critical {
    pub search: Search,
    pub points: Vec<Point>,
    /// The index of the lowest minimum (the first of equal ones).
    pub lowest: Option<usize>,
}

/// The critical points of `body` over `params` in the box `ranges` (one
/// `(low, high)` per parameter).
pub fn critical_points(body: Expr, params: &[Rc<str>], ranges: &[(f64, f64)]) -> Result<Critical> {
    let gradient = gradient(body, params)?;
    let exact = match params {
        [var] => polynomial(gradient[0], var)?.map(|p| (var, p)),
        _ => None,
    };
    let (search, mut points) = match exact {
        Some((var, p)) => (Search::Exact, exact_points(body, var, &p, ranges[0])?),
        None => numeric_points(body, &gradient, params, ranges)?,
    };
    points.sort_by(|a, b| {
        a.x.iter()
            .zip(&b.x)
            .map(|(u, v)| u.total_cmp(v))
            .find(|o| o.is_ne())
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    let lowest = points
        .iter()
        .enumerate()
        .filter(|(_, p)| p.kind == Kind::Minimum)
        .min_by(|(_, a), (_, b)| a.f.total_cmp(&b.f))
        .map(|(i, _)| i);
    Ok(Critical {
        search,
        points,
        lowest,
    })
}

/// What the point `x` of `body` is, taken to be critical (where a
/// converged descent ended), classified as the numerical search classifies
/// the points it finds: by the Hessian's eigenvalues, or for one parameter
/// by the first derivative of order 2 or more that is not 0 there (sizes
/// measured over `x ± max(1, |x|)`). Compiled once, for every converged
/// run of a statement.
pub struct Classifier {
    program: Program,
    /// The derivative, for one parameter (its higher orders classify).
    derivative: Option<(Expr, Rc<str>)>,
}

impl Classifier {
    pub fn new(body: Expr, params: &[Rc<str>]) -> Result<Classifier> {
        let names: Vec<&str> = params.iter().map(|p| &**p).collect();
        let gradient = gradient(body, params)?;
        let mut outputs = vec![body];
        outputs.extend(&gradient);
        outputs.extend(hessian(body, params)?.concat());
        let derivative = match params {
            [var] => Some((gradient[0], var.clone())),
            _ => None,
        };
        Ok(Classifier {
            program: Program::new(&outputs, &names)?,
            derivative,
        })
    }

    pub fn classify(&mut self, x: &[f64]) -> Result<Kind> {
        let values = self.program.values(x).into_iter().map(|v| match v {
            Evaluated::Number(v) => v,
            Evaluated::Vector(_) => f64::NAN,
        });
        let candidate = Candidate {
            x: x.to_vec(),
            outputs: values.collect(),
        };
        let point = match (&self.derivative, x) {
            (Some((derivative, var)), [x0]) => {
                let reach = x0.abs().max(1.0);
                HigherOrders::new(*derivative, var, (x0 - reach, x0 + reach))?
                    .classify(&candidate)?
            }
            _ => classify_by_eigenvalues(&candidate),
        };
        Ok(point.kind)
    }
}

/// `e` as a polynomial in `var` with exact rational coefficients, when it
/// is one (of degree at most `MAX_EXACT_DEGREE`).
fn polynomial(e: Expr, var: &str) -> Result<Option<Poly>> {
    let mut gens = Gens::default();
    let p = from_expr(e, &mut gens, &mut Ok)?;
    if (0..gens.len()).any(|g| gens.get(g as u32).as_var().is_none_or(|v| *v != *var)) {
        return Ok(None);
    }
    let mut coefficients = Vec::new();
    for (monomial, c) in p.terms() {
        let degree = match monomial.as_slice() {
            [] => 0,
            [(_, k)] if *k > 0 => *k as usize,
            _ => return Ok(None),
        };
        let Some(c) = c.to_rational() else {
            return Ok(None);
        };
        if degree > MAX_EXACT_DEGREE {
            return Ok(None);
        }
        if coefficients.len() <= degree {
            coefficients.resize(degree + 1, num_rational::BigRational::default());
        }
        coefficients[degree] = c;
    }
    Ok(Some(Poly::new(coefficients)))
}

/// The exact search: the roots of f' = `p` in the range, classified by
/// their multiplicity.
fn exact_points(body: Expr, var: &str, p: &Poly, (lo, hi): (f64, f64)) -> Result<Vec<Point>> {
    if p.is_zero() {
        return Err(Error::value(format!(
            "the derivative is 0 everywhere: every {var} is a critical point"
        )));
    }
    let q = square_free(p);
    let mut derivatives = vec![p.derivative()];
    while derivatives.last().is_some_and(|d| d.degree() > 0) {
        let next = derivatives[derivatives.len() - 1].derivative();
        derivatives.push(next);
    }
    let mut value = Program::new(&[body], &[var])?;
    roots_in(p, lo, hi)?
        .iter()
        .map(|root| classify_root(root, &q, &derivatives, &mut value))
        .collect()
}

/// A root of f' classified: f^(m+1) is the first derivative of order 2
/// or more not 0 there, where m is the root's multiplicity in f'.
fn classify_root(
    root: &Root,
    q: &Poly,
    derivatives: &[Poly],
    value: &mut Program,
) -> Result<Point> {
    let mut m = 1;
    while m < derivatives.len() && shares_root(q, &derivatives[m - 1], root)? {
        m += 1;
    }
    // f^(m+1) = p^(m) = derivatives[m - 1], not 0 at the root.
    let at = rational(root.at)?;
    let positive = derivatives[m - 1].sign_at(&at) > 0;
    let kind = match (m % 2 == 1, positive) {
        (true, true) => Kind::Minimum,
        (true, false) => Kind::Maximum,
        (false, _) => Kind::Inflection,
    };
    let second = if m > 1 {
        0.0
    } else {
        use num_traits::ToPrimitive;
        derivatives[0].at(&at).to_f64().unwrap_or(f64::NAN)
    };
    Ok(Point {
        x: vec![root.at],
        f: number(value.values(&[root.at]))?,
        kind,
        eigenvalues: vec![second],
    })
}

fn number(values: Vec<Evaluated>) -> Result<f64> {
    match values.first() {
        Some(Evaluated::Number(v)) => Ok(*v),
        _ => Err(Error::internal("a critical point's value is not a number")),
    }
}

/// The numerical search, and the points it found classified.
fn numeric_points(
    body: Expr,
    gradient: &[Expr],
    params: &[Rc<str>],
    ranges: &[(f64, f64)],
) -> Result<(Search, Vec<Point>)> {
    let names: Vec<&str> = params.iter().map(|p| &**p).collect();
    let mut outputs = vec![body];
    outputs.extend(gradient);
    outputs.extend(hessian(body, params)?.concat());
    let mut program = Program::new(&outputs, &names)?;
    let found = search(&mut program, ranges)?;
    let points = if params.len() == 1 {
        let mut orders = HigherOrders::new(gradient[0], names[0], ranges[0])?;
        found
            .points
            .iter()
            .map(|c| orders.classify(c))
            .collect::<Result<_>>()?
    } else {
        found.points.iter().map(classify_by_eigenvalues).collect()
    };
    Ok((
        Search::Newton {
            starts: found.starts,
        },
        points,
    ))
}

/// A point of several parameters, by its Hessian's eigenvalues: a saddle
/// when some are clearly positive and some clearly negative; degenerate
/// when one is 0 (within `ZERO_EIGENVALUE` of the largest in size);
/// otherwise a minimum or a maximum.
fn classify_by_eigenvalues(c: &Candidate) -> Point {
    let n = c.x.len();
    let h = c.hessian();
    let rows: Vec<Vec<f64>> = (0..n).map(|i| h[i * n..(i + 1) * n].to_vec()).collect();
    let mut eigenvalues = crate::theory::eigenvalues(&rows);
    eigenvalues.sort_by(f64::total_cmp);
    let largest = eigenvalues.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    let zero = |v: f64| v.abs() <= ZERO_EIGENVALUE * largest;
    let positive = eigenvalues.iter().any(|v| *v > 0.0 && !zero(*v));
    let negative = eigenvalues.iter().any(|v| *v < 0.0 && !zero(*v));
    let kind = match (positive, negative, eigenvalues.iter().any(|v| zero(*v))) {
        (true, true, _) => Kind::Saddle,
        (_, _, true) => Kind::Degenerate,
        (true, false, false) => Kind::Minimum,
        _ => Kind::Maximum,
    };
    Point {
        x: c.x.clone(),
        f: c.f(),
        kind,
        eigenvalues,
    }
}

/// f'', f''', ... of a function of one parameter, compiled, with their
/// largest sizes on a grid over the range: a derivative is 0 at a point
/// when it is below `ZERO_EIGENVALUE` times that size.
struct HigherOrders {
    program: Program,
    sizes: Vec<f64>,
}

/// Points of the grid that sets the derivatives' sizes.
const SIZE_GRID: usize = 201;

impl HigherOrders {
    fn new(derivative: Expr, var: &str, (lo, hi): (f64, f64)) -> Result<HigherOrders> {
        let mut orders = Vec::new();
        let mut current = derivative;
        for _ in 2..=MAX_ORDER {
            current = differentiate(current, var)?;
            orders.push(current);
        }
        let mut program = Program::new(&orders, &[var])?;
        let mut sizes = vec![1.0f64; orders.len()];
        for i in 0..SIZE_GRID {
            let x = lo + (hi - lo) * i as f64 / (SIZE_GRID - 1) as f64;
            for (size, v) in sizes.iter_mut().zip(program.values(&[x])) {
                if let Evaluated::Number(v) = v
                    && v.is_finite()
                {
                    *size = size.max(v.abs());
                }
            }
        }
        Ok(HigherOrders { program, sizes })
    }

    fn classify(&mut self, c: &Candidate) -> Result<Point> {
        let values: Vec<f64> = self
            .program
            .values(&c.x)
            .into_iter()
            .map(|v| match v {
                Evaluated::Number(v) => v,
                Evaluated::Vector(_) => f64::NAN,
            })
            .collect();
        let first = values
            .iter()
            .zip(&self.sizes)
            .position(|(v, size)| v.abs() > ZERO_EIGENVALUE * size);
        // values[k] is the derivative of order k + 2.
        let kind = match first {
            Some(k) if k % 2 == 1 => Kind::Inflection,
            Some(k) if values[k] > 0.0 => Kind::Minimum,
            Some(_) => Kind::Maximum,
            None => Kind::Degenerate,
        };
        let second = if first == Some(0) { values[0] } else { 0.0 };
        Ok(Point {
            x: c.x.clone(),
            f: c.f(),
            kind,
            eigenvalues: vec![second],
        })
    }
}

#[cfg(test)]
mod tests;
