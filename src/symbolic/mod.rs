//! The symbolic layer: canonical expressions (`expr`), exact numbers
//! (`num`), data vectors in expressions (`dataref` for the handle, `data`
//! for lengths and reductions), whole-expression passes and the work budget
//! (`rewrite`), differentiation (`diff`) and derivations step by step
//! (`explain`), simplification and expansion (`simplify`) and the
//! printers: text, LaTeX and s-expressions (`print`). `store` decides how
//! long all of it lives: while a session does.
//!
//! Invariant: nothing here knows about spans, the user's session or output
//! streams; printing produces strings, it never writes them. The layer
//! imports only the leaves below it (`error`, `builtins`, `text`,
//! `interrupt`), and inside it `dataref` and `num` import nothing of
//! `expr`, so the files form no cycle.

pub mod accurate;
pub mod data;
pub mod dataref;
pub mod diff;
pub mod explain;
pub mod expr;
pub mod num;
pub mod poly;
pub mod print;
pub mod rewrite;
pub mod simplify;
pub mod store;
#[cfg(test)]
pub(crate) mod testing;

pub use expr::{Constant, Expr, Func, Node};
pub use num::Num;

use crate::error::Result;

/// The partial derivatives of `body` in parameter order, as differentiation
/// builds them (canonical, not simplified): the form programs evaluate.
/// It stays what the rules of differentiation give, so it is accurate
/// where a simplified display form (an expanded polynomial) would cancel.
pub fn gradient(body: Expr, params: &[std::rc::Rc<str>]) -> Result<Vec<Expr>> {
    params
        .iter()
        .map(|p| diff::differentiate(body, p))
        .collect()
}

/// The second partial derivatives of `body`, row by row, as `gradient`
/// builds them.
pub fn hessian(body: Expr, params: &[std::rc::Rc<str>]) -> Result<Vec<Vec<Expr>>> {
    gradient(body, params)?
        .into_iter()
        .map(|partial| gradient(partial, params))
        .collect()
}

/// `gradient`, simplified for people to read.
pub fn gradient_shown(body: Expr, params: &[std::rc::Rc<str>]) -> Result<Vec<Expr>> {
    gradient(body, params)?
        .into_iter()
        .map(simplify::simplify)
        .collect()
}
