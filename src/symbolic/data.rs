//! Data in expressions: a data vector is a leaf (`Node::Data`) holding its
//! values, a constant with one value per row, and `sum` / `mean` reduce an
//! expression over its rows to a number.
//!
//! An expression's length is the number of rows of the data it uses outside
//! reductions: `2X + 1` has X's length, `mean(X) + w` none (it is a
//! number). Two vectors of different lengths cannot meet in one operation.
//!
//! The handle itself, `DataRef`, is a leaf of its own (`dataref`) that
//! expressions hold; it is re-exported here, where callers look for it.
//!
//! Invariant: a length found for an expression holds for good (expressions
//! are interned and never change), so `data_len` remembers it per handle.

use rustc_hash::FxHashMap as HashMap;
use std::rc::Rc;

pub use super::dataref::{DataRef, any_data};
use super::expr::{Expr, Func, Node, children};
use super::rewrite::any_node;
use crate::error::Error;

thread_local! {
    /// `data_len` of every expression asked about so far.
    static LENGTHS: std::cell::RefCell<HashMap<Expr, Result<Option<usize>, Mismatch>>> =
        std::cell::RefCell::new(HashMap::default());
}

/// Forgets the lengths found so far (see `store`).
pub(super) fn clear_lengths() {
    LENGTHS.with(|m| m.borrow_mut().clear());
}

/// Two data lengths that met in one operation.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Mismatch(pub usize, pub usize);

/// A length clash found in `exprs` as an error, naming the vectors when
/// they are named data (the wording is `Error::length_mismatch`'s).
pub fn mismatch_error(exprs: &[Expr], Mismatch(a, b): Mismatch) -> Error {
    let name_of = |n: usize| {
        let mut found: Option<Rc<str>> = None;
        for e in exprs {
            any_node(*e, |node| {
                if let Node::Data(d) = node
                    && d.len() == n
                    && !d.is_literal()
                {
                    found = Some(d.name().into());
                }
                found.is_some()
            });
        }
        found
    };
    Error::length_mismatch((a, name_of(a).as_deref()), (b, name_of(b).as_deref()))
}

/// The number of rows `e` has outside reductions: `None` for a number (or
/// an expression without data), or the two lengths that clash.
pub fn data_len(e: Expr) -> Result<Option<usize>, Mismatch> {
    if !any_data() {
        // No data vector was ever made: nothing to walk.
        return Ok(None);
    }
    // Expressions are interned for the life of the thread, so a length
    // found once holds for good: lowering asks after every operation, and
    // without the memo each question would walk the whole subtree again.
    let mut memo = LENGTHS.with(|m| std::mem::take(&mut *m.borrow_mut()));
    let out = len_rec(e, &mut memo);
    LENGTHS.with(|m| *m.borrow_mut() = memo);
    out
}

fn len_rec(
    e: Expr,
    memo: &mut HashMap<Expr, Result<Option<usize>, Mismatch>>,
) -> Result<Option<usize>, Mismatch> {
    if let Some(done) = memo.get(&e) {
        return *done;
    }
    let node = e.node();
    let out = match &*node {
        Node::Data(d) => Ok(Some(d.len())),
        // A reduction is a number, once what it reduces is consistent.
        Node::Call(f, args) if f.is_reduction() => len_rec(args[0], memo).map(|_| None),
        _ => children(&node)
            .into_iter()
            .try_fold(None, |acc, kid| join(acc, len_rec(kid, memo)?)),
    };
    memo.insert(e, out);
    out
}

/// The common length of two operands.
pub fn join(a: Option<usize>, b: Option<usize>) -> Result<Option<usize>, Mismatch> {
    match (a, b) {
        (Some(x), Some(y)) if x != y => Err(Mismatch(x, y)),
        (Some(x), _) | (_, Some(x)) => Ok(Some(x)),
        (None, None) => Ok(None),
    }
}

/// Whether `e` uses data anywhere (also inside reductions).
pub fn has_data(e: Expr) -> bool {
    any_node(e, |node| matches!(node, Node::Data(_)))
}

/// The distinct lengths of the data vectors `e` uses, anywhere.
pub fn row_counts(e: Expr) -> Vec<usize> {
    let mut counts = Vec::new();
    any_node(e, |node| {
        if let Node::Data(d) = node
            && !counts.contains(&d.len())
        {
            counts.push(d.len());
        }
        false
    });
    counts.sort_unstable();
    counts
}

/// `sum(v)` or `mean(v)`.
pub fn reduce(func: Func, v: Expr) -> Expr {
    super::expr::call(func, vec![v])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::symbolic::expr::{add, mul};

    fn data(name: &str, n: usize) -> Expr {
        Expr::data(DataRef::new(name, vec![1.0; n]))
    }

    #[test]
    fn lengths_come_from_data_outside_reductions() {
        let (x, y, z) = (data("X", 5), data("Y", 5), data("Z", 3));
        let w = Expr::var("w");
        assert_eq!(data_len(add([mul([w, x]), y])), Ok(Some(5)));
        assert_eq!(data_len(reduce(Func::Mean, x)), Ok(None));
        assert_eq!(data_len(add([reduce(Func::Mean, z), x])), Ok(Some(5)));
        assert_eq!(data_len(add([x, z])), Err(Mismatch(5, 3)));
        assert_eq!(data_len(w), Ok(None));
        assert!(has_data(reduce(Func::Sum, z)) && !has_data(w));
    }

    #[test]
    fn numbers_come_out_of_reductions() {
        let (x, w) = (data("X", 4), Expr::var("w"));
        let two_x = mul([Expr::int(2), x]);
        assert_eq!(
            reduce(Func::Mean, two_x),
            mul([Expr::int(2), reduce(Func::Mean, x)])
        );
        // 2wX - 4X = 2(wX - 2X)
        let sum = add([mul([Expr::int(2), w, x]), mul([Expr::int(-4), x])]);
        let inner = add([mul([w, x]), mul([Expr::int(-2), x])]);
        assert_eq!(
            reduce(Func::Sum, sum),
            mul([Expr::int(2), reduce(Func::Sum, inner)])
        );
        assert_eq!(reduce(Func::Sum, Expr::int(3)), Expr::int(3));
    }

    #[test]
    fn data_are_equal_by_identity() {
        let a = DataRef::new("X", vec![1.0, 2.0]);
        let b = DataRef::new("X", vec![1.0, 2.0]);
        assert_ne!(a, b);
        assert_eq!(Expr::data(a.clone()), Expr::data(a));
    }
}
