//! Closed expressions to numbers: the value of an expression with no free
//! variables, through the tape (or, over data, a program over the rows).
//!
//! Invariant: an expression with a free variable or an unresolved call is
//! never evaluated (`None`), so a symbolic result is never mistaken for a
//! number.

use super::{Evaluated, Program};
use crate::error::Result;
use crate::symbolic::Expr;
use crate::symbolic::rewrite::{applied_functions, free_vars};

/// The value of a closed expression: a number, or one number per row when
/// it uses data outside reductions. `None` when it has free variables; an
/// error when vectors of different lengths meet in it.
pub fn evaluate(e: Expr) -> Result<Option<Evaluated>> {
    if let Some(n) = e.as_num() {
        return Ok(Some(Evaluated::Number(n.to_f64())));
    }
    if !free_vars(e).is_empty() || !applied_functions(e).is_empty() {
        return Ok(None);
    }
    Ok(Program::new(&[e], &[])?.values(&[]).pop())
}

/// The number a closed expression stands for, or `None` if it has free
/// variables (or is a vector of data).
pub fn constant_value(e: Expr) -> Option<f64> {
    match evaluate(e) {
        Ok(Some(Evaluated::Number(x))) => Some(x),
        _ => None,
    }
}
