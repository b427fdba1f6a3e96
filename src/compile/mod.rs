//! Compiles symbolic expressions to flat lists of instructions and runs
//! them: a `Tape` over parameters, evaluated by one tight `match` per
//! instruction, or a `DataProgram` over the rows of data, a chunk at a time.
//!
//! `isa` defines the instructions and what each computes (calling the
//! built-ins in `calls`), `builder` turns
//! expressions into instructions (`compile`), `tape` runs them over a
//! register file, `rows` builds and runs programs over data
//! (`compile_rows`), `jit` turns either into machine code, and `program`
//! holds a program, choosing by whether the outputs use data and, by the
//! work to do, which engine runs it; `evaluate` gives closed expressions
//! their numbers.
//! Numeric semantics are those of `Func::apply` and IEEE arithmetic.
//! Invariant: every instruction reads only values computed before it, so
//! one pass in order evaluates a program.

mod builder;
mod calls;
mod evaluate;
mod isa;
pub mod jit;
mod program;
mod rows;
mod tape;
#[cfg(test)]
mod testing;

pub use builder::compile;
pub use calls::powf;
pub use evaluate::{constant_value, evaluate};
pub use isa::Op;
pub use program::{Evaluator, Program, WithEvaluator};
pub use rows::{CHUNK, DataProgram, DataWork, Evaluated, compile_rows};
pub use tape::{Tape, Workspace};
