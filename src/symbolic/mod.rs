//! The symbolic layer: canonical expressions (`expr`), exact numbers
//! (`num`), differentiation (`diff`), simplification and expansion
//! (`simplify`) and the two printers (`print`).
//!
//! Invariant: nothing here knows about spans, the user's session or output
//! streams; printing produces strings, it never writes them.

pub mod data;
pub mod diff;
pub mod expr;
pub mod num;
pub mod print;
pub mod rewrite;
pub mod simplify;

pub use expr::{Constant, Expr, Func, Node};
pub use num::Num;

use crate::error::Result;

/// The partial derivatives of `body` in parameter order, simplified.
pub fn gradient(body: Expr, params: &[std::rc::Rc<str>]) -> Result<Vec<Expr>> {
    params
        .iter()
        .map(|p| simplify::simplify(diff::differentiate(body, p)?))
        .collect()
}

/// The second partial derivatives of `body`, row by row, simplified.
pub fn hessian(body: Expr, params: &[std::rc::Rc<str>]) -> Result<Vec<Vec<Expr>>> {
    gradient(body, params)?
        .into_iter()
        .map(|partial| gradient(partial, params))
        .collect()
}
