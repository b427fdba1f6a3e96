//! `fdiff(f, x0[, h])` and `cdiff(f, x0[, h])`: forward and central
//! differences of a one-parameter function, computed at once in floating
//! point through the function's compiled program, so that a student sees
//! the truncation and rounding errors that exact arithmetic would hide.
//!
//! Invariant: each operation of the quotient is one rounded double
//! operation, in NumPy's order (`x0 + h`, f there, the difference, the
//! quotient), so the result is bit for bit what NumPy prints.

use crate::compile::{Evaluated, Program, constant_value};
use crate::error::{Error, Result};
use crate::symbolic::Expr;
use crate::symbolic::data::{data_len, mismatch_error};
use crate::syntax::{self, Span};
use crate::value::Value;

use super::{Lowerer, scalar_body};

/// The step of `fdiff` and `cdiff` when none is given.
const DEFAULT_DIFFERENCE_STEP: f64 = 1e-6;

/// A finite difference: `fdiff` or `cdiff`.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(super) enum Difference {
    /// `(f(x0 + h) - f(x0))/h`
    Forward,
    /// `(f(x0 + h) - f(x0 - h))/(2h)`
    Central,
}

impl Difference {
    fn name(self) -> &'static str {
        match self {
            Difference::Forward => "fdiff",
            Difference::Central => "cdiff",
        }
    }

    /// The difference quotient of `f` at `x0`, each operation rounded to
    /// a double as NumPy does it.
    fn at(self, f: &mut dyn FnMut(f64) -> f64, x0: f64, h: f64) -> f64 {
        match self {
            Difference::Forward => (f(x0 + h) - f(x0)) / h,
            Difference::Central => (f(x0 + h) - f(x0 - h)) / (2.0 * h),
        }
    }
}

impl Lowerer<'_> {
    /// `fdiff(f, x0[, h])` and `cdiff(f, x0[, h])`: a number, from the
    /// function compiled and run at doubles.
    pub(super) fn difference(
        &mut self,
        kind: Difference,
        args: &[syntax::Expr],
        span: Span,
    ) -> Result<Value> {
        let name = kind.name();
        if !(2..=3).contains(&args.len()) {
            return Err(Error::name(
                format!(
                    "{name} takes 2 or 3 arguments: {name}(f, x0) or {name}(f, x0, h), not {}",
                    args.len()
                ),
                span,
            ));
        }
        let f = match self.value(&args[0])? {
            Value::Function(f) if f.params.len() == 1 => f,
            other => {
                return Err(Error::name(
                    format!(
                        "{name} needs a function of one parameter, as in {name}(f, 1), not {}",
                        describe_function(&other)
                    ),
                    args[0].span,
                ));
            }
        };
        let body = scalar_body(&f, args[0].span)?;
        match data_len(body) {
            Ok(None) => {}
            Ok(Some(rows)) => {
                return Err(Error::name(
                    format!(
                        "{name} needs a function with one number for a value, but {} has one for each of the {rows} rows of its data",
                        f.name
                    ),
                    args[0].span,
                )
                .with_hint("reduce it to a number: wrap the body in mean(...) or sum(...)"));
            }
            Err(m) => return Err(mismatch_error(&[body], m).at(args[0].span)),
        }
        let x0 = self.number_arg(name, &args[1], "x0")?;
        let h = match args.get(2) {
            Some(h) => self.number_arg(name, h, "h")?,
            None => DEFAULT_DIFFERENCE_STEP,
        };
        if !(h > 0.0 && h.is_finite()) {
            return Err(Error::name(
                format!("the step h of {name} must be a positive number"),
                args[2].span,
            ));
        }
        let mut program = Program::new(&[body], &[&f.params[0]])?;
        let mut value_at = |x: f64| match program.values(&[x]).first() {
            Some(Evaluated::Number(v)) => *v,
            _ => f64::NAN,
        };
        let quotient = kind.at(&mut value_at, x0, h);
        Ok(Value::Scalar(Expr::float(quotient)))
    }

    /// An argument that must be a number now (`fdiff` evaluates at once).
    fn number_arg(&mut self, form: &str, e: &syntax::Expr, what: &str) -> Result<f64> {
        let value = self.scalar(e)?;
        constant_value(value).ok_or_else(|| {
            Error::name(
                format!("{form} computes a number, so {what} must be a number"),
                e.span,
            )
            .with_hint(format!(
                "for its values at many points, use a table: table x, {form}(f, x) for x in [1, 2, 3]"
            ))
        })
    }
}

/// `a function of 2 parameters`, `an expression`, or what else a value
/// is.
fn describe_function(v: &Value) -> String {
    match v {
        Value::Function(f) => format!("a function of {} parameters", f.params.len()),
        Value::Scalar(_) => "an expression (define a function first: f(x) = ...)".to_string(),
        other => other.describe().to_string(),
    }
}
