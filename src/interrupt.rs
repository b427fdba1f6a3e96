//! The Ctrl-C flag: set by the SIGINT handler (`main`), polled by long
//! symbolic passes, descents and plots, cleared by the REPL before each
//! entry.
//!
//! Invariant: only `raise` sets the flag and only `clear` resets it; every
//! reader polls with relaxed ordering, cheap enough for a hot loop.

use std::sync::atomic::{AtomicBool, Ordering};

/// Set by the SIGINT handler; long passes and runs poll it and stop.
pub static INTERRUPT: AtomicBool = AtomicBool::new(false);

/// Whether Ctrl-C was pressed since the flag was last cleared.
pub fn interrupted() -> bool {
    INTERRUPT.load(Ordering::Relaxed)
}

/// Sets the flag (the SIGINT handler calls this).
pub fn raise() {
    INTERRUPT.store(true, Ordering::SeqCst);
}

/// Clears the flag before the next entry.
pub fn clear() {
    INTERRUPT.store(false, Ordering::SeqCst);
}
