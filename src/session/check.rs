//! `check A == B [tol T]`: both sides lowered keeping what was written
//! (the parts that may be undefined, the functions called, what a
//! derivative differentiated), tuples and function values taken apart
//! into components, the variables put in the order of the function's
//! parameters, then `check::check`.
//!
//! Invariant: the two sides are compared component by component, with the
//! same length rule for data as `A - B`.

use std::rc::Rc;

use super::Session;
use crate::check::{Derivative, Operand, Request, check};
use crate::compile::constant_value;
use crate::error::{Error, Result};
use crate::lower::{Lowerer, Mode};
use crate::outcome::Outcome;
use crate::symbolic::Expr;
use crate::symbolic::data::{data_len, mismatch_error};
use crate::symbolic::expr::{self, sub};
use crate::syntax;
use crate::value::{Body, Value, as_data};

impl Session {
    pub(super) fn check(
        &mut self,
        left: &syntax::Expr,
        right: &syntax::Expr,
        tol: Option<&syntax::Expr>,
    ) -> Result<Outcome> {
        let span = left.span.to(right.span);
        let (left, left_params) = self.operand(left)?;
        let (right, right_params) = self.operand(right)?;
        for (a, b) in left.values.iter().zip(&right.values) {
            // The two sides meet row by row: the same length rule as `a - b`.
            let both = sub(*a, *b);
            if let Err(m) = data_len(both) {
                return Err(mismatch_error(&[both], m).at(span));
            }
        }
        let tol = tol.map(|t| self.tolerance(t)).transpose()?;
        let mut unique: Vec<Rc<str>> = Vec::new();
        for v in left_params.into_iter().chain(right_params) {
            if !unique.contains(&v) {
                unique.push(v);
            }
        }
        let request = Request {
            left,
            right,
            vars: unique,
            tol,
        };
        let outcome = check(&request).map_err(|e| e.at(span))?;
        Ok(Outcome::Check(outcome))
    }

    /// One side: its components, its written guards, what it
    /// differentiated, and the parameters of a function value.
    fn operand(&self, e: &syntax::Expr) -> Result<(Operand, Vec<Rc<str>>)> {
        let mut lowerer = Lowerer::keeping_written(&self.defs, Mode::Now, Vec::new());
        let value = as_data(lowerer.value(e)?);
        let mut written = lowerer.written.unwrap_or_default();
        if let Value::Function(f) = &value {
            // A function as a whole (`check h == x`) keeps its written
            // domain; a derivative of one (`h'`) has its formula's.
            if !is_derivative(e) && self.defs.function(&f.name).is_some() {
                let params = f.params.iter().map(|p| Expr::var(p)).collect();
                written.calls.push(expr::apply(&f.name, params));
                written.named.extend(f.params.iter().cloned());
            }
        }
        let (values, params) = match value {
            Value::Scalar(x) => (vec![x], Vec::new()),
            Value::Tuple(items) => (items, Vec::new()),
            Value::Function(f) => match f.body {
                Body::Scalar(b) => (vec![b], f.params),
                Body::Vector(v) => (v, f.params),
                Body::Matrix(_) => {
                    return Err(Error::name("a matrix cannot be checked", e.span));
                }
            },
            other => {
                return Err(Error::name(
                    format!(
                        "check compares expressions, tuples or functions, not {}",
                        other.describe()
                    ),
                    e.span,
                ));
            }
        };
        let mut guards = written.guards.clone();
        guards.extend(
            self.defs
                .call_guards(&written.calls, &[])
                .map_err(|x| x.at(e.span))?,
        );
        let derivative = written
            .derivative
            .filter(|_| is_derivative(e))
            .map(|d| Derivative {
                of: d.of,
                vars: d.vars,
            });
        let order = variable_order(params, derivative.as_ref(), written.named);
        let operand = Operand {
            values,
            guards,
            derivative,
        };
        Ok((operand, order))
    }

    /// `tol T`: a positive number.
    fn tolerance(&self, t: &syntax::Expr) -> Result<f64> {
        let value = Lowerer::new(&self.defs, Mode::Now, Vec::new()).scalar(t)?;
        match constant_value(value) {
            Some(x) if x > 0.0 && x.is_finite() => Ok(x),
            _ => Err(Error::name(
                "tol takes a positive number, as in tol 1e-6",
                t.span,
            )),
        }
    }
}

/// Whether `e` is, as a whole, a derivative: `diff(...)`, `f'`, `grad(f)`
/// (in brackets or not).
fn is_derivative(e: &syntax::Expr) -> bool {
    match &e.kind {
        syntax::ExprKind::Paren(inner) => is_derivative(inner),
        syntax::ExprKind::Prime { order: 1, .. } => true,
        syntax::ExprKind::Call { callee, args } => {
            matches!(&callee.kind, syntax::ExprKind::Name(n) if (n == "diff" && args.len() == 2) || n == "grad")
        }
        _ => false,
    }
}

/// The variables of a side in the order its functions name them: a
/// function value's parameters, the variables of the user functions it
/// names (`loss(w, b)`: w, then b), then a derivative's variables.
fn variable_order(
    params: Vec<Rc<str>>,
    derivative: Option<&Derivative>,
    named: Vec<Rc<str>>,
) -> Vec<Rc<str>> {
    let mut out = params;
    out.extend(named);
    if let Some(d) = derivative {
        out.extend(d.vars.iter().cloned());
    }
    out
}
