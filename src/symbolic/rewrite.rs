//! Whole-expression passes that every other pass builds on: bottom-up
//! rewriting with memoization, substitution, free variables, sizes, and the
//! work budget that keeps any pass from running away.
//!
//! Invariant: every pass here visits each distinct node once (memoized by
//! handle), so its cost is linear in the size of the DAG, not of the tree.

use std::cell::Cell;
use std::collections::{BTreeSet, HashMap};

use rustc_hash::{FxHashMap, FxHashSet};
use std::rc::Rc;

use super::accurate::{accurate_form, keep};
use super::expr::{
    Expr, Node, children, comparisons_made, forget_tallest, rebuild, store_cells, tallest_made,
};
use crate::error::{Error, Result};

/// How many new cells (a node, and one per child it holds: see
/// `store_cells`) one statement may add to the store. A cell costs about
/// 40 bytes and a node about 150 with its tables, so this is well under
/// 100 MB: gd runs in 200 MB of address space, and a failed allocation
/// aborts a Rust process instead of giving an error.
const MAX_NEW_CELLS: usize = 2_000_000;

/// The tallest expression a statement may make (a leaf has height 1).
/// Passes recurse once per level, so this bounds their stack: the
/// interpreter's thread has room for all of them at this height. Input
/// is at most 2,000 levels deep (`parse::MAX_EXPR_DEPTH`); composing
/// functions (`f(f(f(x)))`) and differentiating make taller ones.
pub const MAX_HEIGHT: u32 = 5_000;

/// How many units of work (a coefficient operation on exact numbers of
/// about 64 bits is one) one statement may do outside the node store, in
/// polynomial arithmetic: about a second, and each unit may make one term
/// of about 150 bytes, so the terms stay well under 100 MB too.
const MAX_WORK: u64 = 4_000_000;

/// How many steps of comparing expressions (see `expr::order`) one
/// statement may take: about a second. Sorting the factors of a product of
/// deep, alike calls (the derivative of `sin(sin(...(x)))` composed
/// thousands deep) compares them level by level, which makes no nodes.
const MAX_COMPARISONS: u64 = 10_000_000;

thread_local! {
    static BUDGET_START: Cell<(usize, u64)> = const { Cell::new((0, 0)) };
    static WORK_DONE: Cell<u64> = const { Cell::new(0) };
}

/// Starts a new statement's budget of cells, height, comparisons and work.
pub fn reset_budget() {
    BUDGET_START.with(|s| s.set((store_cells(), comparisons_made())));
    WORK_DONE.with(|w| w.set(0));
    forget_tallest();
}

/// Fails when the user pressed Ctrl-C or the statement has made too much
/// or too tall an expression. Cheap: passes call it once per node they
/// visit.
pub fn check_budget() -> Result<()> {
    if crate::interrupt::interrupted() {
        return Err(Error::interrupted());
    }
    let (cells_before, comparisons_before) = BUDGET_START.with(Cell::get);
    if store_cells().saturating_sub(cells_before) > MAX_NEW_CELLS {
        return Err(too_large());
    }
    if comparisons_made().saturating_sub(comparisons_before) > MAX_COMPARISONS {
        return Err(too_slow());
    }
    if tallest_made() > MAX_HEIGHT {
        return Err(too_tall());
    }
    Ok(())
}

/// Counts `units` of work against the statement's budget; fails when the
/// budget is spent or the user pressed Ctrl-C.
pub fn charge(units: u64) -> Result<()> {
    let done = WORK_DONE.with(|w| {
        let done = w.get().saturating_add(units);
        w.set(done);
        done
    });
    if done > MAX_WORK {
        return Err(Error::value(
            "the result grew too large to compute (it would take over 4 million \
             operations on its coefficients); try a lower power or a smaller expression",
        ));
    }
    check_budget()
}

fn too_large() -> Error {
    Error::value(
        "the expression grew too large (over 2 million parts); \
         try a lower derivative order or a smaller expression",
    )
}

fn too_slow() -> Error {
    Error::value(
        "the expression is too large to put in order (over 10 million steps of \
         comparing its parts); compose fewer functions or split the work into steps",
    )
}

fn too_tall() -> Error {
    Error::value(
        "the expression grew too deeply nested (over 5,000 levels); \
         compose fewer functions or split the work into steps",
    )
}

/// Rewrites `e` bottom-up: children first, then `f` on the node rebuilt
/// from the rewritten children. Each distinct node is visited once.
pub fn map_bottom_up(e: Expr, f: &mut dyn FnMut(Expr) -> Result<Expr>) -> Result<Expr> {
    let mut memo = FxHashMap::default();
    map_rec(e, f, &mut memo)
}

fn map_rec(
    e: Expr,
    f: &mut dyn FnMut(Expr) -> Result<Expr>,
    memo: &mut FxHashMap<Expr, Expr>,
) -> Result<Expr> {
    if let Some(&done) = memo.get(&e) {
        return Ok(done);
    }
    check_budget()?;
    let node = e.node();
    let kids = children(&node);
    let rebuilt = if kids.is_empty() {
        e
    } else {
        let new_kids = kids
            .iter()
            .map(|k| map_rec(*k, f, memo))
            .collect::<Result<Vec<_>>>()?;
        if new_kids == kids {
            e
        } else {
            rebuild(&node, new_kids)
        }
    };
    let out = f(rebuilt)?;
    memo.insert(e, out);
    Ok(out)
}

/// Replaces variables by expressions, all at once (so `x -> y, y -> x`
/// swaps them: a replacement is never visited again).
pub fn substitute(e: Expr, map: &HashMap<Rc<str>, Expr>) -> Result<Expr> {
    if map.is_empty() {
        return Ok(e);
    }
    let mut replace = |node: Expr| {
        Ok(match &*node.node() {
            Node::Var(name) => map.get(name).copied().unwrap_or(node),
            _ => node,
        })
    };
    let out = map_bottom_up(e, &mut replace)?;
    // A function body with an accurate form to evaluate (a derivative
    // printed expanded) keeps one when it is called.
    if let Some(accurate) = accurate_form(e) {
        keep(out, map_bottom_up(accurate, &mut replace)?);
    }
    Ok(out)
}

/// The variables `e` depends on, sorted by name.
pub fn free_vars(e: Expr) -> BTreeSet<Rc<str>> {
    collect_names(e, |node| match node {
        Node::Var(name) => Some(name.clone()),
        _ => None,
    })
}

/// Whether `e` mentions the variable `var`.
pub fn depends_on(e: Expr, var: &str) -> bool {
    free_vars(e).iter().any(|v| &**v == var)
}

/// The names of user functions `e` calls (`Node::Apply`), sorted.
pub fn applied_functions(e: Expr) -> BTreeSet<Rc<str>> {
    collect_names(e, |node| match node {
        Node::Apply(name, _) => Some(name.clone()),
        _ => None,
    })
}

/// The names `pick` finds in the nodes of `e`, each node visited once.
fn collect_names(e: Expr, pick: fn(&Node) -> Option<Rc<str>>) -> BTreeSet<Rc<str>> {
    let mut out = BTreeSet::new();
    any_node(e, |node| {
        out.extend(pick(node));
        false
    });
    out
}

/// Whether `stop` holds for a node of `e`: visits each distinct node once,
/// in no promised order, until `stop` returns true. Passes that only look
/// (free variables, data, row counts) walk with it.
pub fn any_node(e: Expr, mut stop: impl FnMut(&Node) -> bool) -> bool {
    let mut seen = FxHashSet::default();
    let mut stack = vec![e];
    while let Some(e) = stack.pop() {
        if !seen.insert(e) {
            continue;
        }
        let node = e.node();
        if stop(&node) {
            return true;
        }
        stack.extend(children(&node));
    }
    false
}

/// The size of `e` written out as a tree (shared parts counted each time
/// they would be printed), saturating. Used to pick the shorter of two
/// equal forms.
pub fn tree_size(e: Expr) -> u64 {
    let mut memo = FxHashMap::default();
    tree_size_rec(e, &mut memo)
}

fn tree_size_rec(e: Expr, memo: &mut FxHashMap<Expr, u64>) -> u64 {
    if let Some(&s) = memo.get(&e) {
        return s;
    }
    let node = e.node();
    let own: u64 = match &*node {
        // A fraction or a float takes more room than a small integer.
        Node::Num(n) => {
            if n.is_integer() {
                1
            } else {
                2
            }
        }
        _ => 1,
    };
    let size = children(&node)
        .iter()
        .fold(own, |acc, k| acc.saturating_add(tree_size_rec(*k, memo)));
    memo.insert(e, size);
    size
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::symbolic::expr::{add, mul, pow};

    #[test]
    fn substitute_is_simultaneous() {
        let (x, y) = (Expr::var("x"), Expr::var("y"));
        let e = add([x, mul([Expr::int(2), y])]);
        let map = HashMap::from([("x".into(), y), ("y".into(), x)]);
        assert_eq!(substitute(e, &map), Ok(add([y, mul([Expr::int(2), x])])));
    }

    #[test]
    fn free_vars_are_sorted_and_unique() {
        let (x, y) = (Expr::var("x"), Expr::var("y"));
        let e = add([pow(y, Expr::int(2)), mul([x, y])]);
        let names: Vec<String> = free_vars(e).iter().map(|s| s.to_string()).collect();
        assert_eq!(names, ["x", "y"]);
    }

    #[test]
    fn tree_size_counts_shared_parts_each_time() {
        let x = Expr::var("x");
        let s = add([x, Expr::int(1)]);
        // (x + 1)^(x + 1): pow, then 3 nodes on each side.
        assert_eq!(tree_size(pow(s, s)), 7);
    }
}
