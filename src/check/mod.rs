//! `check A == B`: are two expressions equal as functions of their free
//! variables, and if not, where and why?
//!
//! Equal means: at every point both sides are undefined, or both are
//! finite and agree. A side is undefined where its value is nan or
//! infinite, or where a part of it as written is (`x^2/x` at 0, though its
//! canonical form is `x`): the caller passes those parts as guards.
//!
//! How it decides: simplified forms that are the same node are equal
//! ("symbolic"); rational functions are compared in exact arithmetic
//! ("exact", `exact.rs`); both are then still sampled for where they are
//! defined. Anything else is sampled ("numeric"), simplest points first
//! (`sample.rs`), and a difference the doubles show is confirmed in 256-bit
//! arithmetic (`precise.rs`) before it is reported. A failure names the
//! simplest point where both sides are finite and differ, and a diagnosis
//! (`diagnose.rs`).
//!
//! Invariant: never "equal" for functions that differ at a sampled point,
//! never "not equal" for an identity (a difference that higher precision
//! does not confirm is rounding), never "equal" when no point had a side
//! defined (that is undecided). No printing here; the outcome is data.

mod diagnose;
mod exact;
mod precise;
mod sample;

use std::rc::Rc;

use crate::compile::{Evaluated, Program};
use crate::error::{Error, Result};
use crate::symbolic::expr::sub;
use crate::symbolic::rewrite::{check_budget, free_vars, tree_size};
use crate::symbolic::simplify::{expand, simplify};
use crate::symbolic::{Expr, Num};
pub use diagnose::{Diagnosis, PowerMistake, ProductMistake, QuotientMistake, Which};
use exact::{Identity, identity};
use precise::{Precise, differ};

/// Relative tolerance of sampled values (absolute below magnitude 1),
/// unless `tol` says otherwise.
pub const TOLERANCE: f64 = 1e-10;
/// When fewer than this share of the sample points has a side defined,
/// the search for the domain goes farther.
const DEFINED_SHARE: f64 = 0.1;
/// A difference of the sides is multiplied out to see whether it vanishes
/// only up to this size (written out as a tree).
const MAX_EXPANDED: u64 = 2_000;
/// Differences (and domain mismatches) the doubles show that are checked
/// in 256 bits, at most: past that many unconfirmed ones, the rest are
/// rounding too.
const MAX_CONFIRMATIONS: usize = 12;

#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum CheckMethod {
    Symbolic,
    Exact,
    Numeric,
}

impl CheckMethod {
    pub fn name(self) -> &'static str {
        match self {
            CheckMethod::Symbolic => "symbolic",
            CheckMethod::Exact => "exact",
            CheckMethod::Numeric => "numeric",
        }
    }
}

/// `diff(of, x)`, `f'` or `grad(f)`: what a derivative side
/// differentiated, and by which variable (one per component).
#[derive(Clone, Debug, PartialEq)]
pub struct Derivative {
    pub of: Expr,
    pub vars: Vec<Rc<str>>,
}

/// One side of a check: a value per component (one, or a tuple's), the
/// parts as written that may be undefined, and what it differentiated.
#[derive(Clone, Debug, Default)]
pub struct Operand {
    pub values: Vec<Expr>,
    pub guards: Vec<Expr>,
    pub derivative: Option<Derivative>,
}

#[derive(Clone, Debug)]
pub struct Request {
    pub left: Operand,
    pub right: Operand,
    /// The variables, in the order a point is written.
    pub vars: Vec<Rc<str>>,
    /// `tol T`: sampled values may differ by T relative.
    pub tol: Option<f64>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct CheckOutcome {
    /// Equal, not, or `None` when no point had either side defined.
    pub ok: Option<bool>,
    pub method: CheckMethod,
    /// In a tuple, the component that differs, counted from 1.
    pub component: Option<usize>,
    /// Where they differ (variable, value), in variable order.
    pub at: Vec<(String, f64)>,
    /// Over data, the row (counted from 1) where they differ.
    pub row: Option<usize>,
    pub left: f64,
    pub right: f64,
    /// The simplified forms of the (differing) component.
    pub left_expr: Expr,
    pub right_expr: Expr,
    pub diagnosis: Option<Diagnosis>,
    /// The side the diagnosis takes as right: the one holding a
    /// derivative, else the left.
    pub reference: Which,
    /// Whether that side is a derivative (the other is then "the answer").
    pub derivative: bool,
}

pub fn check(request: &Request) -> Result<CheckOutcome> {
    let n = request.left.values.len();
    if n != request.right.values.len() || n == 0 {
        return Err(Error::value(format!(
            "cannot compare {} with {}: both sides need the same number of values",
            count(n),
            count(request.right.values.len())
        )));
    }
    let mut outcomes = Vec::with_capacity(n);
    for i in 0..n {
        let mut outcome = Component::new(request, i)?.decide()?;
        if n > 1 {
            outcome.component = Some(i + 1);
        }
        if outcome.ok == Some(false) {
            return Ok(outcome);
        }
        outcomes.push(outcome);
    }
    // All equal, or some undecided: the first undecided, else the weakest
    // method that decided.
    let first_undecided = outcomes.iter().position(|o| o.ok.is_none());
    let chosen = match first_undecided {
        Some(i) => i,
        None => (0..n).max_by_key(|i| outcomes[*i].method).unwrap_or(0),
    };
    let mut outcome = outcomes.swap_remove(chosen);
    if outcome.ok == Some(true) {
        outcome.component = None;
    }
    Ok(outcome)
}

fn count(n: usize) -> String {
    match n {
        1 => "one value".into(),
        n => format!("a tuple of {n}"),
    }
}

/// Both sides are equal or differ by a reason found without sampling.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum Known {
    Equal(CheckMethod),
    /// Different rational functions: any difference is real.
    Different,
    Unknown,
}

/// A point where the sides were seen to differ.
#[derive(Clone, Debug)]
struct Witness {
    point: Vec<f64>,
    row: Option<usize>,
    left: f64,
    right: f64,
}

/// What sampling found: the first confirmed difference and domain
/// mismatch, and counts of the points seen.
#[derive(Default)]
struct Findings {
    difference: Option<Witness>,
    domain: Option<Witness>,
    /// Points (rows) seen, and those where at least one side is defined.
    seen: usize,
    defined: usize,
    /// Points where exactly one side is defined.
    mismatches: usize,
    difference_tries: usize,
    domain_tries: usize,
}

/// One component of a check, with its program: the two values, then the
/// left side's guards, then the right's.
struct Component<'a> {
    request: &'a Request,
    index: usize,
    left: Expr,
    right: Expr,
    vars: Vec<Rc<str>>,
    program: Program,
    left_guards: std::ops::Range<usize>,
    right_guards: std::ops::Range<usize>,
    tol: f64,
    known: Known,
}

/// What one point (and row) says.
enum Seen {
    Agree,
    Differ,
    /// One side is defined and the other is not (as the doubles see it).
    OneUndefined,
    BothUndefined,
}

impl<'a> Component<'a> {
    fn new(request: &'a Request, index: usize) -> Result<Component<'a>> {
        let (left, right) = (request.left.values[index], request.right.values[index]);
        let (lg, rg) = (&request.left.guards, &request.right.guards);
        let mut outputs = vec![left, right];
        outputs.extend(lg);
        outputs.extend(rg);
        let vars = all_vars(&request.vars, &outputs);
        let names: Vec<&str> = vars.iter().map(|v| &**v).collect();
        let program = Program::new(&outputs, &names)?;
        let tol = request.tol.unwrap_or(TOLERANCE);
        let known = known(left, right, request.tol.is_some())?;
        Ok(Component {
            request,
            index,
            left,
            right,
            vars,
            program,
            left_guards: 2..2 + lg.len(),
            right_guards: 2 + lg.len()..2 + lg.len() + rg.len(),
            tol,
            known,
        })
    }

    fn decide(mut self) -> Result<CheckOutcome> {
        let found = self.sample()?;
        self.outcome(found)
    }

    /// Samples until a confirmed difference, searching further out when
    /// the sides are undefined at most points.
    fn sample(&mut self) -> Result<Findings> {
        let n = self.vars.len();
        let mut found = Findings::default();
        let mut points = sample::points(n);
        let mut searched = false;
        let mut i = 0;
        while i < points.len() && found.difference.is_none() {
            check_budget()?;
            let point = points[i].clone();
            i += 1;
            for (row, a, b, seen) in self.look(&point) {
                let w = Witness {
                    point: point.clone(),
                    row,
                    left: a,
                    right: b,
                };
                self.consider(&mut found, w, seen);
            }
            let mostly_undefined = (found.defined as f64) < DEFINED_SHARE * found.seen as f64;
            if i == points.len() && !searched && mostly_undefined {
                searched = true;
                points.extend(sample::search_points(n));
            }
        }
        Ok(found)
    }

    /// Records what one point says, confirming a difference or a domain
    /// mismatch at 256 bits (at most `MAX_CONFIRMATIONS` of each).
    fn consider(&self, found: &mut Findings, w: Witness, seen: Seen) {
        found.seen += 1;
        match seen {
            Seen::BothUndefined => {}
            Seen::Agree => found.defined += 1,
            Seen::Differ => {
                found.defined += 1;
                if found.difference.is_some() || found.difference_tries >= MAX_CONFIRMATIONS {
                    return;
                }
                found.difference_tries += 1;
                if self.confirm_difference(&w.point, w.row) {
                    found.difference = Some(w);
                }
            }
            Seen::OneUndefined => {
                found.defined += 1;
                found.mismatches += 1;
                if found.domain.is_some() || found.domain_tries >= MAX_CONFIRMATIONS {
                    return;
                }
                found.domain_tries += 1;
                match self.confirm_domain(&w.point, w.row) {
                    Some(true) => found.domain = Some(w),
                    Some(false) => {}
                    // Both defined at high precision (a double overflowed)
                    // and different.
                    None if found.difference.is_none() => found.difference = Some(w),
                    None => {}
                }
            }
        }
    }

    fn outcome(&self, found: Findings) -> Result<CheckOutcome> {
        let (ls, rs) = (simplify(self.left)?, simplify(self.right)?);
        let mut outcome = CheckOutcome {
            ok: Some(true),
            method: match self.known {
                Known::Equal(m) => m,
                _ => CheckMethod::Numeric,
            },
            component: None,
            at: Vec::new(),
            row: None,
            left: f64::NAN,
            right: f64::NAN,
            left_expr: ls,
            right_expr: rs,
            diagnosis: None,
            reference: self.reference(),
            derivative: self.reference_operand().derivative.is_some(),
        };
        if let Some(w) = found.difference {
            if self.known == Known::Different {
                outcome.method = CheckMethod::Exact;
            }
            outcome.diagnosis = Some(self.diagnose()?);
            self.fail(&mut outcome, w);
        } else if let Some(w) = found.domain {
            let undefined = if w.left.is_nan() {
                Which::Left
            } else {
                Which::Right
            };
            outcome.diagnosis = Some(Diagnosis::Domain {
                at: self.named(&w.point),
                undefined,
                isolated: found.mismatches == 1,
            });
            self.fail(&mut outcome, w);
        } else if found.defined == 0 {
            outcome.ok = None;
            outcome.method = CheckMethod::Numeric;
        }
        Ok(outcome)
    }

    fn fail(&self, outcome: &mut CheckOutcome, w: Witness) {
        outcome.ok = Some(false);
        outcome.at = self.named(&w.point);
        outcome.row = w.row;
        outcome.left = w.left;
        outcome.right = w.right;
    }

    fn named(&self, point: &[f64]) -> Vec<(String, f64)> {
        self.vars
            .iter()
            .map(|v| v.to_string())
            .zip(point.iter().copied())
            .collect()
    }

    /// The values at `point`, row by row (one row without data), with what
    /// each row says.
    fn look(&mut self, point: &[f64]) -> Vec<(Option<usize>, f64, f64, Seen)> {
        let values = self.program.values(point);
        let rows = values.iter().map(row_count).max().unwrap_or(1);
        let vector = values.iter().any(|v| matches!(v, Evaluated::Vector(_)));
        (0..rows)
            .map(|r| {
                let (a, b) = (at_row(&values[0], r), at_row(&values[1], r));
                let defined = |x: f64, guards: &std::ops::Range<usize>| {
                    x.is_finite() && guards.clone().all(|g| at_row(&values[g], r).is_finite())
                };
                let (dl, dr) = (
                    defined(a, &self.left_guards),
                    defined(b, &self.right_guards),
                );
                let seen = match (dl, dr) {
                    (false, false) => Seen::BothUndefined,
                    (true, true) if self.agree(a, b) => Seen::Agree,
                    (true, true) => Seen::Differ,
                    _ => Seen::OneUndefined,
                };
                // An undefined side shows as nan, whatever its canonical
                // form gives (`x^2/x` is 0 at 0 as `x`).
                let shown = |x: f64, defined: bool| if defined { x } else { f64::NAN };
                (vector.then_some(r + 1), shown(a, dl), shown(b, dr), seen)
            })
            .collect()
    }

    fn agree(&self, a: f64, b: f64) -> bool {
        match self.known {
            Known::Equal(_) => true,
            Known::Different => a == b,
            Known::Unknown => agree(a, b, self.tol),
        }
    }

    fn pairs(&self, point: &[f64]) -> Vec<(Rc<str>, f64)> {
        self.vars
            .iter()
            .cloned()
            .zip(point.iter().copied())
            .collect()
    }

    /// Whether a difference of the doubles at `point` is one of the
    /// functions: at 256 bits both are defined and still differ. What
    /// cannot be evaluated that way (data) is taken as the doubles say.
    fn confirm_difference(&self, point: &[f64], row: Option<usize>) -> bool {
        let pairs = self.pairs(point);
        let row = row.map(|r| r - 1);
        let tol = if self.known == Known::Different {
            0.0
        } else {
            self.tol
        };
        let (l, r) = (
            precise::evaluate(self.left, &pairs, row),
            precise::evaluate(self.right, &pairs, row),
        );
        match (l, r) {
            (Some(Precise::Value(a)), Some(Precise::Value(b))) => differ(&a, &b, tol),
            (Some(_), Some(_)) => false,
            _ => true,
        }
    }

    /// Whether one side is really undefined at `point` and the other
    /// defined: `Some(true)`; `Some(false)` when both are undefined or
    /// both defined and equal at 256 bits; `None` when both are defined
    /// and differ there (a double overflowed).
    fn confirm_domain(&self, point: &[f64], row: Option<usize>) -> Option<bool> {
        let pairs = self.pairs(point);
        let row = row.map(|r| r - 1);
        let side = |value: Expr, guards: &[Expr]| -> Option<Precise> {
            let v = precise::evaluate(value, &pairs, row)?;
            for g in guards {
                if !precise::evaluate(*g, &pairs, row)?.is_defined() {
                    return Some(Precise::Undefined);
                }
            }
            Some(v)
        };
        let l = side(self.left, &self.request.left.guards);
        let r = side(self.right, &self.request.right.guards);
        match (l, r) {
            (Some(Precise::Value(a)), Some(Precise::Value(b))) => {
                let tol = if self.known == Known::Different {
                    0.0
                } else {
                    self.tol
                };
                if differ(&a, &b, tol) && !matches!(self.known, Known::Equal(_)) {
                    None
                } else {
                    Some(false)
                }
            }
            (Some(l), Some(r)) => Some(l.is_defined() != r.is_defined()),
            // Not sure (a zero rounding may have made): not reported.
            _ => Some(false),
        }
    }

    fn reference(&self) -> Which {
        let (l, r) = (&self.request.left, &self.request.right);
        if r.derivative.is_some() && l.derivative.is_none() {
            Which::Right
        } else {
            Which::Left
        }
    }

    fn reference_operand(&self) -> &Operand {
        match self.reference() {
            Which::Right => &self.request.right,
            Which::Left => &self.request.left,
        }
    }

    /// The diagnosis of a difference: the reference is the side holding a
    /// derivative (else the left), the answer the other.
    fn diagnose(&self) -> Result<Diagnosis> {
        let operand = self.reference_operand();
        let (reference, answer) = match self.reference() {
            Which::Right => (self.right, self.left),
            Which::Left => (self.left, self.right),
        };
        let derivative = operand.derivative.as_ref().and_then(|d| {
            let var = d.vars.get(self.index).or(d.vars.first())?;
            Some((d, var))
        });
        diagnose::diagnose(reference, answer, derivative, &self.vars)
    }
}

/// What exact arithmetic knows of `left == right`. With an explicit
/// tolerance, only equality counts (a difference within it is allowed).
fn known(left: Expr, right: Expr, tolerant: bool) -> Result<Known> {
    if left == right || simplify(left)? == simplify(right)? {
        return Ok(Known::Equal(CheckMethod::Symbolic));
    }
    match identity(left, right)? {
        Identity::Equal => return Ok(Known::Equal(CheckMethod::Exact)),
        Identity::Different if !tolerant => return Ok(Known::Different),
        _ => {}
    }
    // sin(x)^2 - (1 - cos(x)^2) simplifies to 0; sum(X)/5 - mean(X)
    // expands to 0 over five rows.
    let difference = simplify(sub(left, right))?;
    let vanishes = difference.is_num(Num::ZERO)
        || (tree_size(difference) <= MAX_EXPANDED && expand(difference)?.is_num(Num::ZERO));
    Ok(if vanishes {
        Known::Equal(CheckMethod::Symbolic)
    } else {
        Known::Unknown
    })
}

/// `vars`, then any other free variable of `outputs`, alphabetically.
fn all_vars(vars: &[Rc<str>], outputs: &[Expr]) -> Vec<Rc<str>> {
    let mut all = vars.to_vec();
    for e in outputs {
        for v in free_vars(*e) {
            if !all.contains(&v) {
                all.push(v);
            }
        }
    }
    all[vars.len()..].sort();
    all
}

fn row_count(v: &Evaluated) -> usize {
    match v {
        Evaluated::Number(_) => 1,
        Evaluated::Vector(xs) => xs.len(),
    }
}

fn at_row(v: &Evaluated, row: usize) -> f64 {
    match v {
        Evaluated::Number(x) => *x,
        Evaluated::Vector(xs) => xs.get(row).copied().unwrap_or(f64::NAN),
    }
}

/// Both defined and equal to `tol`, relative to the larger (absolute
/// below 1).
pub fn agree(a: f64, b: f64, tol: f64) -> bool {
    let scale = a.abs().max(b.abs()).max(1.0);
    (a - b).abs() <= tol * scale
}
