//! The second engine: compiled programs as machine code, generated with
//! Cranelift. A tape becomes one function of its register file
//! (`NativeTape`), a program over rows one fused loop per pass
//! (`NativeRows`), and callers that compile a whole loop around a tape
//! (descent's) emit it inline with `emit_tape` into a function of their own
//! (`generate`, `Emitter`).
//!
//! `emit` writes the code, `native` owns and calls it (the crate's only
//! `unsafe`), `tape` and `rows` compile the two kinds of program. Which
//! engine runs is `Engine`'s choice, made in `Program`.
//!
//! Invariant: native code computes what the interpreter computes, bit for
//! bit (nan as a class): the same IEEE operations in the same order, never
//! fused, and every built-in through the very function `exec` calls
//! (`calls`).

mod emit;
#[allow(unsafe_code)]
mod native;
mod rows;
mod tape;

use std::sync::OnceLock;

pub use emit::{Array, Emitter, Record, generate};
pub use native::{Arg, ArraySpec, Kind, Native};
pub use rows::NativeRows;
pub use tape::{NativeTape, emit_tape};

/// The environment variable that chooses the engine: `0` the interpreter
/// always, `1` native code always (where there is a code generator),
/// anything else or nothing: by the work to do.
pub const ENGINE_VARIABLE: &str = "GD_JIT";

/// Instructions a run must execute before compiling to native code pays
/// for itself: compiling a small tape and its descent loop costs about 3
/// million machine instructions (under a millisecond), and native code
/// saves one to three nanoseconds per instruction of the program, so the
/// break-even lies near half a million; four times that leaves a margin.
pub const WORTH_COMPILING: u64 = 2_000_000;

/// Which engine runs a program.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Engine {
    /// The interpreter, always.
    Interpreter,
    /// Native code whenever it can be had.
    Native,
    /// Native code for runs of at least `WORTH_COMPILING` instructions.
    Auto,
}

impl Engine {
    /// The engine `GD_JIT` asks for (read once).
    pub fn from_env() -> Engine {
        static ENGINE: OnceLock<Engine> = OnceLock::new();
        *ENGINE.get_or_init(|| match std::env::var(ENGINE_VARIABLE).as_deref() {
            Ok("0") => Engine::Interpreter,
            Ok("1") => Engine::Native,
            _ => Engine::Auto,
        })
    }

    /// Whether a run of about `work` instructions should run native code.
    pub fn chooses_native(self, work: u64) -> bool {
        match self {
            Engine::Interpreter => false,
            Engine::Native => true,
            Engine::Auto => work >= WORTH_COMPILING,
        }
    }
}

impl Default for Engine {
    fn default() -> Engine {
        Engine::from_env()
    }
}

#[cfg(test)]
mod tests;
