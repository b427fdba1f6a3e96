//! How long expressions live: the expression store and every table that
//! holds handles into it (large rationals, written lists, data lengths,
//! accurate forms) are cleared together when the last `StoreGuard` on
//! the thread is dropped. A `Session` owns one, so a REPL, a script run or
//! a fuzzing iteration gives its memory back when it ends.
//!
//! Invariant: a handle is read only against the store that made it. Live
//! guards on one thread share one store (two sessions open at once keep
//! each other's handles valid); once the last is dropped, a handle made
//! before is refused with a panic (the next store's handles start after
//! the old ones), never read as another session's node.

use std::cell::Cell;
use std::marker::PhantomData;

use super::{accurate, data, dataref, expr, num};

thread_local! {
    /// How many guards are alive on this thread.
    static LIVE_GUARDS: Cell<usize> = const { Cell::new(0) };
}

/// Keeps the thread's expression store alive; the last one dropped clears
/// it. Not `Send`: it belongs to the thread whose store it keeps.
pub struct StoreGuard {
    _this_thread: PhantomData<*const ()>,
}

impl Default for StoreGuard {
    fn default() -> StoreGuard {
        LIVE_GUARDS.with(|n| n.set(n.get() + 1));
        StoreGuard {
            _this_thread: PhantomData,
        }
    }
}

impl StoreGuard {
    /// Clears the store now when this is the only live guard (the REPL's
    /// `:clear` after forgetting every definition); shared, it keeps it.
    pub fn restart(&mut self) {
        if LIVE_GUARDS.with(Cell::get) == 1 {
            clear_all();
        }
    }
}

impl Drop for StoreGuard {
    fn drop(&mut self) {
        let left = LIVE_GUARDS.with(|n| {
            n.set(n.get().saturating_sub(1));
            n.get()
        });
        if left == 0 {
            clear_all();
        }
    }
}

/// Every table that holds handles, then the stores they point into.
fn clear_all() {
    accurate::clear_pairs();
    data::clear_lengths();
    dataref::clear_literals();
    expr::clear_store();
    num::clear_bigs();
}

#[cfg(test)]
mod tests {
    use std::panic::{AssertUnwindSafe, catch_unwind};

    use super::*;
    use crate::symbolic::expr::{Expr, add, pow, store_size};
    use crate::symbolic::num::Num;

    fn refused(e: Expr) -> bool {
        catch_unwind(AssertUnwindSafe(|| e.node())).is_err()
    }

    #[test]
    fn a_handle_from_a_finished_store_is_refused() {
        let guard = StoreGuard::default();
        let old = add([Expr::var("x"), Expr::int(7)]);
        drop(guard);
        assert_eq!(store_size(), 0);
        let _guard = StoreGuard::default();
        // The next store's first nodes must not answer for the old handle.
        let new = add([Expr::var("y"), Expr::int(8)]);
        assert_ne!(new, old);
        assert!(refused(old));
        assert!(!refused(new));
    }

    #[test]
    fn guards_alive_together_share_one_store() {
        let outer = StoreGuard::default();
        let inner = StoreGuard::default();
        let e = pow(Expr::var("x"), Expr::int(2));
        drop(inner);
        assert!(!refused(e));
        let mut outer = outer;
        let other = StoreGuard::default();
        outer.restart();
        assert!(
            !refused(e),
            "restart must keep a store another guard shares"
        );
        drop(other);
        outer.restart();
        assert!(refused(e));
    }

    #[test]
    fn large_numbers_are_cleared_with_the_store() {
        let guard = StoreGuard::default();
        let big = Num::int(i64::MAX) * Num::int(4);
        assert!(matches!(big, Num::Big(_)));
        let text = big.to_string();
        drop(guard);
        let _guard = StoreGuard::default();
        let again = Num::int(i64::MAX) * Num::int(4);
        assert_eq!(again.to_string(), text);
        assert!(catch_unwind(|| big.to_string()).is_err());
    }
}
