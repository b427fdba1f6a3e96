//! Compiled expressions over data: the same instructions as a `Tape`, run
//! over the rows of the data a chunk at a time.
//!
//! A value is a number (parameters, constants, what depends only on them,
//! reductions) or a row value (one number per row: data columns and what is
//! computed from them). Numbers live in one small register file; row values
//! live in row registers of `CHUNK` numbers each. Each instruction that
//! depends on the rows runs as one tight loop over a chunk (so dispatching
//! it costs once per 256 rows, and the loop vectorizes), its registers stay
//! in the L1 cache, and `sum` / `mean` accumulate over the chunks.
//!
//! Reductions may nest (`mean((X - mean(X))^2)`): values are staged by how
//! many reductions lie below them. Stage s first computes its numbers, then
//! makes one pass over the rows for the reductions of stage s (one pass per
//! data length), so a loss and its whole gradient take one pass over the
//! data per step. A number used by row instructions is copied across a row
//! register once per pass (a broadcast). Over all rows, instructions read
//! the data columns where they lie; over a minibatch, its rows are gathered
//! into the load registers first. An instruction whose values only a
//! reduction reads adds them up as it computes them, without storing them.
//!
//! `build` lays a program out in stages and passes; `run` evaluates it.
//!
//! Invariant: every row instruction reads only row registers below the one
//! it writes (loads and broadcasts first, then instructions in creation
//! order), and evaluation allocates nothing once a `DataWork` is prepared.
//! Instructions mean what `exec` says: the row loops call `exec` on a
//! constant instruction, which the compiler folds to the plain operation.

use std::rc::Rc;

use super::isa::Op;
use crate::symbolic::expr::Func;

mod build;
mod run;

pub use build::compile_rows;

/// Rows per chunk: the row registers of a typical loss (a dozen or two)
/// then fit in a 32 KB L1 data cache.
pub const CHUNK: usize = 256;

/// Compiled expressions over parameters and data (see the module doc).
#[derive(Clone, Debug)]
pub struct DataProgram {
    pub(in crate::compile) n_params: usize,
    pub(in crate::compile) n_scalars: usize,
    pub(in crate::compile) constants: Vec<f64>,
    pub(in crate::compile) columns: Vec<Rc<[f64]>>,
    pub(in crate::compile) stages: Vec<Stage>,
    outputs: Vec<Output>,
    n_row_slots: usize,
}

/// Where an output is found after a run.
#[derive(Copy, Clone, Debug)]
enum Output {
    /// In this scalar register.
    Number(u32),
    /// One number per row, of this many rows, copied out by a pass.
    Rows(usize),
}

#[derive(Clone, Debug, Default)]
pub(in crate::compile) struct Stage {
    /// `(destination, instruction)`, operands scalar registers.
    pub(in crate::compile) scalar_ops: Vec<(u32, Op)>,
    pub(in crate::compile) passes: Vec<Pass>,
}

/// One pass over the rows: row registers are the loaded columns, then the
/// broadcast numbers, then one per instruction.
#[derive(Clone, Debug, Default)]
pub(in crate::compile) struct Pass {
    /// Rows of the data this pass reads.
    pub(in crate::compile) n_rows: usize,
    /// Column loaded into row register i.
    pub(in crate::compile) loads: Vec<u32>,
    /// Scalar register copied across row register `loads.len() + j`.
    pub(in crate::compile) broadcasts: Vec<u32>,
    /// Instruction k writes row register `loads.len() + broadcasts.len() + k`
    /// (see `Target`).
    pub(in crate::compile) ops: Vec<(Op, Target)>,
    /// `(scalar destination, sum or mean, row register)`.
    pub(in crate::compile) reductions: Vec<(u32, Func, u32)>,
    /// Whether reduction j is summed by the instruction that computes its
    /// operand (`Target::Sum`) rather than by reading the register.
    fused: Vec<bool>,
    /// `(output index, row register)`.
    row_outputs: Vec<(usize, u32)>,
}

/// What an instruction does with its values.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(in crate::compile) enum Target {
    /// Stores them in its register.
    Store,
    /// Only adds them to reduction j's sum: nothing else reads them, so
    /// they are never stored (and never read back).
    Sum(usize),
}

impl Pass {
    fn first_op_slot(&self) -> usize {
        self.loads.len() + self.broadcasts.len()
    }

    pub(in crate::compile) fn n_slots(&self) -> usize {
        self.first_op_slot() + self.ops.len()
    }
}

/// An output's value: a number, or one number per row.
#[derive(Clone, Debug, PartialEq)]
pub enum Evaluated {
    Number(f64),
    Vector(Vec<f64>),
}

/// The registers of one evaluation, reused across evaluations.
#[derive(Clone, Debug, Default)]
pub struct DataWork {
    pub(in crate::compile) scalars: Vec<f64>,
    rows: Vec<f64>,
    sums: Vec<f64>,
}

impl DataProgram {
    pub fn n_params(&self) -> usize {
        self.n_params
    }

    pub fn n_outputs(&self) -> usize {
        self.outputs.len()
    }

    /// The distinct numbers of rows the passes read (one for a loss over
    /// data of one length; none when no output uses data).
    pub fn row_counts(&self) -> Vec<usize> {
        let mut counts: Vec<usize> = Vec::new();
        for pass in self.stages.iter().flat_map(|s| &s.passes) {
            if !counts.contains(&pass.n_rows) {
                counts.push(pass.n_rows);
            }
        }
        counts
    }

    /// The most rows a pass reads (0 when no output uses data), without
    /// allocating.
    pub fn most_rows(&self) -> usize {
        let passes = self.stages.iter().flat_map(|s| &s.passes);
        passes.map(|p| p.n_rows).max().unwrap_or(0)
    }

    /// Row instructions per row and reductions (a program's cost per row).
    pub fn row_ops(&self) -> usize {
        self.stages
            .iter()
            .flat_map(|s| &s.passes)
            .map(|p| p.ops.len())
            .sum()
    }
}
