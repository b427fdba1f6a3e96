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

/// The most units one optional attempt may spend (see `attempt`).
const ATTEMPT_WORK: u64 = 500_000;

/// Optional attempts stop being tried once the statement has done this
/// much work, keeping the rest of `MAX_WORK` for the work it asked for:
/// a statement still does at most `MAX_WORK` in all.
const ATTEMPTS_UNTIL: u64 = MAX_WORK / 4 * 3;

thread_local! {
    static BUDGET_START: Cell<(usize, u64)> = const { Cell::new((0, 0)) };
    static WORK_DONE: Cell<u64> = const { Cell::new(0) };
    /// The units the optional attempt running now may still spend; `None`
    /// outside attempts.
    static ATTEMPT_LEFT: Cell<Option<u64>> = const { Cell::new(None) };
    /// Set when an attempt's units ran out, for `attempt` to see that the
    /// error it gets is its own giving up.
    static ATTEMPT_SPENT: Cell<bool> = const { Cell::new(false) };
}

/// Starts a new statement's budget of cells, height, comparisons and work.
pub fn reset_budget() {
    BUDGET_START.with(|s| s.set((store_cells(), comparisons_made())));
    WORK_DONE.with(|w| w.set(0));
    ATTEMPT_LEFT.with(|a| a.set(None));
    ATTEMPT_SPENT.with(|a| a.set(false));
    forget_tallest();
}

/// Runs an optional attempt: a form that a pass tries and may drop (an
/// expansion or a common denominator that `simplify` compares with the
/// form it has, a check that a form may be evaluated through another). It
/// may spend `ATTEMPT_WORK` units of the statement's work; past them, or
/// once the statement has done `ATTEMPTS_UNTIL`, it gives up: `Ok(None)`,
/// as when the form does not apply, and the statement goes on. Other
/// errors (Ctrl-C, the other budgets) stop the statement as ever.
pub fn attempt<T>(f: impl FnOnce() -> Result<Option<T>>) -> Result<Option<T>> {
    let done = WORK_DONE.with(Cell::get);
    let outer = ATTEMPT_LEFT.with(Cell::get);
    let own = ATTEMPT_WORK
        .min(ATTEMPTS_UNTIL.saturating_sub(done))
        .min(outer.unwrap_or(u64::MAX));
    if own == 0 {
        return Ok(None);
    }
    ATTEMPT_LEFT.with(|a| a.set(Some(own)));
    let result = f();
    let left = ATTEMPT_LEFT.with(Cell::get).unwrap_or(0);
    // An attempt within an attempt spends its parent's units too.
    ATTEMPT_LEFT.with(|a| a.set(outer.map(|o| o.saturating_sub(own - left))));
    let spent = ATTEMPT_SPENT.with(|a| a.replace(false));
    match result {
        Err(_) if spent => Ok(None),
        other => other,
    }
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
    if let Some(left) = ATTEMPT_LEFT.with(Cell::get) {
        ATTEMPT_LEFT.with(|a| a.set(Some(left.saturating_sub(units))));
        if units > left {
            ATTEMPT_SPENT.with(|a| a.set(true));
            return Err(too_much_work());
        }
    }
    if done > MAX_WORK {
        return Err(too_much_work());
    }
    check_budget()
}

fn too_much_work() -> Error {
    Error::value(
        "the result grew too large to compute (it would take over 4 million \
         operations on its coefficients); try a lower power or a smaller expression",
    )
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

    /// Spends `units` one at a time, as a long polynomial product does.
    fn spend(units: u64) -> Result<Option<()>> {
        for _ in 0..units {
            charge(1)?;
        }
        Ok(Some(()))
    }

    #[test]
    fn an_attempt_gives_up_on_its_own_units_and_the_statement_goes_on() {
        reset_budget();
        assert_eq!(attempt(|| spend(10)), Ok(Some(())));
        assert_eq!(attempt(|| spend(ATTEMPT_WORK + 1)), Ok(None));
        // Its units were the statement's: the rest is still there.
        let done = WORK_DONE.with(Cell::get);
        assert_eq!(done, ATTEMPT_WORK + 11);
        assert_eq!(spend(MAX_WORK - done), Ok(Some(())));
        assert!(charge(1).is_err(), "the statement's own limit stays");
    }

    #[test]
    fn attempts_stop_being_tried_when_the_statement_has_worked_enough() {
        reset_budget();
        assert_eq!(spend(ATTEMPTS_UNTIL - 5), Ok(Some(())));
        // Five units left for attempts: one that needs six gives up ...
        assert_eq!(attempt(|| spend(6)), Ok(None));
        // ... and after it none is tried at all.
        let mut tried = false;
        let result = attempt(|| {
            tried = true;
            spend(1)
        });
        assert_eq!((result, tried), (Ok(None), false));
        assert_eq!(spend(MAX_WORK - ATTEMPTS_UNTIL - 1), Ok(Some(())));
    }

    #[test]
    fn an_attempt_within_an_attempt_spends_its_parents_units() {
        reset_budget();
        let outer = attempt(|| {
            let inner = attempt(|| spend(ATTEMPT_WORK - 10))?;
            assert_eq!(inner, Some(()));
            // Ten units left: the next inner attempt gives up, then so
            // does the outer one on its next charge.
            assert_eq!(attempt(|| spend(11)), Ok(None));
            spend(1)
        });
        assert_eq!(outer, Ok(None));
        assert_eq!(ATTEMPT_LEFT.with(Cell::get), None);
        assert_eq!(charge(1), Ok(()));
    }

    #[test]
    fn other_errors_pass_through_an_attempt() {
        reset_budget();
        let failed: Result<Option<()>> = attempt(|| Err(Error::value("no")));
        assert_eq!(failed, Err(Error::value("no")));
    }
}
