//! Compiles symbolic expressions to flat lists of instructions and runs
//! them: a `Tape` over parameters, evaluated by one tight `match` per
//! instruction, or a `DataProgram` over the rows of data, a chunk at a time.
//!
//! `isa` defines the instructions and what each computes, `builder` turns
//! expressions into instructions (`compile`), `tape` runs them over a
//! register file, `rows` builds and runs programs over data
//! (`compile_rows`), and `program` holds either, choosing by whether the
//! outputs use data; `evaluate` gives closed expressions their numbers.
//! Numeric semantics are those of `Func::apply` and IEEE arithmetic.
//! Invariant: every instruction reads only values computed before it, so
//! one pass in order evaluates a program.

mod builder;
mod evaluate;
mod isa;
mod program;
mod rows;
mod tape;
#[cfg(test)]
mod testing;

pub use builder::compile;
pub use evaluate::{constant_value, evaluate};
pub use isa::Op;
pub use program::{Evaluator, Program, WithEvaluator};
pub use rows::{CHUNK, DataProgram, DataWork, Evaluated, compile_rows};
pub use tape::{Tape, Workspace};
