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
//! Invariant: every row instruction reads only row registers below the one
//! it writes (loads and broadcasts first, then instructions in creation
//! order), and evaluation allocates nothing once a `DataWork` is prepared.
//! Instructions mean what `exec` says: the row loops call `exec` on a
//! constant instruction, which the compiler folds to the plain operation.

use std::collections::HashMap;
use std::rc::Rc;

use super::{Builder, Id, Op, Value, exec};
use crate::error::Result;
use crate::symbolic::data::mismatch_error;
use crate::symbolic::expr::{Expr, Func};

/// Rows per chunk: the row registers of a typical loss (a dozen or two)
/// then fit in a 32 KB L1 data cache.
pub const CHUNK: usize = 256;

/// Distance between two row registers: a chunk and a cache line more, so
/// registers do not start at the same offset modulo 4 KB (loads from one
/// and stores to another would then falsely alias, which costs more than
/// half the speed).
const STRIDE: usize = CHUNK + 8;

/// Compiled expressions over parameters and data (see the module doc).
#[derive(Clone, Debug)]
pub struct DataProgram {
    n_params: usize,
    n_scalars: usize,
    constants: Vec<f64>,
    columns: Vec<Rc<[f64]>>,
    stages: Vec<Stage>,
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
struct Stage {
    /// `(destination, instruction)`, operands scalar registers.
    scalar_ops: Vec<(u32, Op)>,
    passes: Vec<Pass>,
}

/// One pass over the rows: row registers are the loaded columns, then the
/// broadcast numbers, then one per instruction.
#[derive(Clone, Debug, Default)]
struct Pass {
    /// Rows of the data this pass reads.
    n_rows: usize,
    /// Column loaded into row register i.
    loads: Vec<u32>,
    /// Scalar register copied across row register `loads.len() + j`.
    broadcasts: Vec<u32>,
    /// Instruction k writes row register `loads.len() + broadcasts.len() + k`
    /// (see `Target`).
    ops: Vec<(Op, Target)>,
    /// `(scalar destination, sum or mean, row register)`.
    reductions: Vec<(u32, Func, u32)>,
    /// Whether reduction j is summed by the instruction that computes its
    /// operand (`Target::Sum`) rather than by reading the register.
    fused: Vec<bool>,
    /// `(output index, row register)`.
    row_outputs: Vec<(usize, u32)>,
}

/// What an instruction does with its values.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum Target {
    /// Stores them in its register.
    Store,
    /// Only adds them to reduction j's sum: nothing else reads them, so
    /// they are never stored (and never read back).
    Sum(usize),
}

impl Pass {
    /// Lets an instruction whose values only a reduction reads add them up
    /// as it computes them.
    fn fuse_reductions(&mut self) {
        let first_op = self.first_op_slot();
        let mut uses = vec![0usize; self.n_slots()];
        for (op, _) in &self.ops {
            op.for_each_operand(|a| uses[a as usize] += 1);
        }
        for (_, _, register) in &self.reductions {
            uses[*register as usize] += 1;
        }
        for (_, register) in &self.row_outputs {
            uses[*register as usize] += 1;
        }
        self.fused = vec![false; self.reductions.len()];
        for (j, (_, _, register)) in self.reductions.iter().enumerate() {
            let register = *register as usize;
            if register >= first_op && uses[register] == 1 {
                self.ops[register - first_op].1 = Target::Sum(j);
                self.fused[j] = true;
            }
        }
    }

    fn first_op_slot(&self) -> usize {
        self.loads.len() + self.broadcasts.len()
    }

    fn n_slots(&self) -> usize {
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
    scalars: Vec<f64>,
    rows: Vec<f64>,
    sums: Vec<f64>,
}

/// Compiles `outputs` over the parameters `params` for evaluation over the
/// rows of the data they use. Errors as `compile` does, and when two data
/// vectors of different lengths meet in one operation.
pub fn compile_rows(outputs: &[Expr], params: &[&str]) -> Result<DataProgram> {
    let mut builder = Builder::new(params);
    let ids = outputs
        .iter()
        .map(|e| builder.lower(*e))
        .collect::<Result<Vec<Id>>>()?;
    if let Some(m) = builder.mismatch {
        return Err(mismatch_error(outputs, m));
    }
    Ok(builder.finish_rows(&ids))
}

/// What a pass computes: (the reduction, or none for an output), the row
/// value, (the output index, for an output).
type Root = (Option<Id>, Id, Option<usize>);

impl Builder<'_> {
    fn is_row(&self, id: Id) -> bool {
        self.lengths[id as usize].is_some()
    }

    /// How many reductions lie below each value.
    fn stages(&self) -> Vec<u32> {
        let mut stage = vec![0u32; self.values.len()];
        for (id, value) in self.values.iter().enumerate() {
            stage[id] = match value {
                Value::Op(op) => {
                    let mut s = 0;
                    op.for_each_operand(|a| s = s.max(stage[a as usize]));
                    s
                }
                Value::Reduce(_, a) => stage[*a as usize] + 1,
                _ => 0,
            };
        }
        stage
    }

    fn finish_rows(mut self, outputs: &[Id]) -> DataProgram {
        let live = self.live_fused(outputs);
        let stage = self.stages();
        let n_params = self.params.len();
        // Scalar registers: parameters, constants, then numbers computed.
        let mut slot = vec![0u32; self.values.len()];
        let mut constants = Vec::new();
        for (id, value) in self.values.iter().enumerate() {
            match (live[id], value) {
                (_, Value::Param) => slot[id] = id as u32,
                (true, Value::Const(v)) => {
                    slot[id] = (n_params + constants.len()) as u32;
                    constants.push(*v);
                }
                _ => {}
            }
        }
        let mut n_scalars = n_params + constants.len();
        for (id, value) in self.values.iter().enumerate() {
            let computed = matches!(value, Value::Op(_) | Value::Reduce(..));
            if live[id] && computed && !self.is_row(id as Id) {
                slot[id] = n_scalars as u32;
                n_scalars += 1;
            }
        }
        let last_stage = (0..self.values.len())
            .filter(|id| live[*id])
            .map(|id| stage[id])
            .max()
            .unwrap_or(0);
        let mut stages = Vec::new();
        for s in 0..=last_stage {
            let scalar_ops = (0..self.values.len())
                .filter(|id| live[*id] && stage[*id] == s && !self.is_row(*id as Id))
                .filter_map(|id| match self.values[id] {
                    Value::Op(op) => Some((slot[id], op.map(|a| slot[a as usize]))),
                    _ => None,
                })
                .collect();
            let passes = self.passes(s, &stage, &live, &slot, outputs);
            stages.push(Stage { scalar_ops, passes });
        }
        let outputs = outputs
            .iter()
            .map(|id| match self.lengths[*id as usize] {
                Some(n) => Output::Rows(n),
                None => Output::Number(slot[*id as usize]),
            })
            .collect();
        let n_row_slots = stages
            .iter()
            .flat_map(|s| s.passes.iter().map(Pass::n_slots))
            .max()
            .unwrap_or(0);
        DataProgram {
            n_params,
            n_scalars,
            constants,
            columns: self.columns.iter().map(|c| c.values().clone()).collect(),
            stages,
            outputs,
            n_row_slots,
        }
    }

    /// The passes of stage `s`: one per data length, each computing what
    /// the reductions of stage s and the row outputs of stage s need.
    fn passes(
        &self,
        s: u32,
        stage: &[u32],
        live: &[bool],
        slot: &[u32],
        outputs: &[Id],
    ) -> Vec<Pass> {
        let mut lengths: Vec<usize> = Vec::new();
        let mut roots: HashMap<usize, Vec<Root>> = HashMap::new();
        let mut add_root = |n: usize, root| {
            if !lengths.contains(&n) {
                lengths.push(n);
            }
            roots.entry(n).or_default().push(root);
        };
        for (id, value) in self.values.iter().enumerate() {
            if let (true, Value::Reduce(_, a)) = (live[id], value)
                && stage[*a as usize] == s
                && let Some(n) = self.lengths[*a as usize]
            {
                add_root(n, (Some(id as Id), *a, None));
            }
        }
        for (k, id) in outputs.iter().enumerate() {
            if stage[*id as usize] == s
                && let Some(n) = self.lengths[*id as usize]
            {
                add_root(n, (None, *id, Some(k)));
            }
        }
        lengths
            .into_iter()
            .map(|n| self.pass(n, &roots[&n], slot))
            .collect()
    }

    fn pass(&self, n_rows: usize, roots: &[Root], slot: &[u32]) -> Pass {
        // Every row value the roots need, and the numbers they read.
        let mut needed = vec![false; self.values.len()];
        let mut stack: Vec<Id> = roots.iter().map(|(_, row, _)| *row).collect();
        while let Some(id) = stack.pop() {
            if std::mem::replace(&mut needed[id as usize], true) {
                continue;
            }
            if let Value::Op(op) = self.values[id as usize] {
                op.for_each_operand(|a| stack.push(a));
            }
        }
        let mut pass = Pass {
            n_rows,
            ..Pass::default()
        };
        let mut row_slot: HashMap<Id, u32> = HashMap::new();
        for (id, value) in self.values.iter().enumerate() {
            if let (true, Value::Column(c)) = (needed[id], value) {
                row_slot.insert(id as Id, pass.loads.len() as u32);
                pass.loads.push(*c);
            }
        }
        let numbers: Vec<Id> = (0..self.values.len() as Id)
            .filter(|id| needed[*id as usize] && !self.is_row(*id))
            .collect();
        for id in numbers {
            row_slot.insert(id, (pass.loads.len() + pass.broadcasts.len()) as u32);
            pass.broadcasts.push(slot[id as usize]);
        }
        for (id, value) in self.values.iter().enumerate() {
            if let (true, Value::Op(op)) = (needed[id], value)
                && self.is_row(id as Id)
            {
                row_slot.insert(id as Id, pass.n_slots() as u32);
                pass.ops.push((op.map(|a| row_slot[&a]), Target::Store));
            }
        }
        for (reduce, row, output) in roots {
            let register = row_slot[row];
            match (reduce, output) {
                (Some(r), _) => {
                    if let Value::Reduce(func, _) = self.values[*r as usize] {
                        pass.reductions.push((slot[*r as usize], func, register));
                    }
                }
                (None, Some(k)) => pass.row_outputs.push((*k, register)),
                (None, None) => {}
            }
        }
        pass.fuse_reductions();
        pass
    }
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

    /// Whether every output is a number (the program can be minimized).
    pub fn is_scalar(&self) -> bool {
        self.outputs.iter().all(|o| matches!(o, Output::Number(_)))
    }

    /// Row instructions per row and reductions: for tests and benchmarks.
    pub fn row_ops(&self) -> usize {
        self.stages
            .iter()
            .flat_map(|s| &s.passes)
            .map(|p| p.ops.len())
            .sum()
    }

    /// A workspace prepared for this program.
    pub fn workspace(&self) -> DataWork {
        let mut scalars = vec![0.0; self.n_scalars];
        scalars[self.n_params..self.n_params + self.constants.len()]
            .copy_from_slice(&self.constants);
        let n_sums = self
            .stages
            .iter()
            .flat_map(|s| &s.passes)
            .map(|p| p.reductions.len())
            .max()
            .unwrap_or(0);
        DataWork {
            scalars,
            rows: vec![0.0; self.n_row_slots * STRIDE],
            sums: vec![0.0; n_sums],
        }
    }

    /// Evaluates the outputs that are numbers at the point `x`, over all
    /// rows, or over the rows listed in `subset` (for minibatches: every
    /// pass must then read data of the same length, see `row_counts`, and
    /// `mean` divides by the subset's size). Outputs with rows are nan.
    ///
    /// # Panics
    /// When `x` or `out` have the wrong length, `work` is not this
    /// program's, or a subset index is out of range.
    pub fn eval(&self, x: &[f64], subset: Option<&[u32]>, work: &mut DataWork, out: &mut [f64]) {
        assert_eq!(out.len(), self.outputs.len(), "one place per output");
        self.run(x, subset, work, &mut |_, _, _| {});
        for (o, output) in out.iter_mut().zip(&self.outputs) {
            *o = match output {
                Output::Number(slot) => work.scalars[*slot as usize],
                Output::Rows(_) => f64::NAN,
            };
        }
    }

    /// Evaluates every output at `x` over all rows (allocating: for
    /// one-off use).
    pub fn eval_all(&self, x: &[f64]) -> Vec<Evaluated> {
        let mut work = self.workspace();
        let mut vectors: Vec<Vec<f64>> = self
            .outputs
            .iter()
            .map(|o| match o {
                Output::Rows(n) => vec![0.0; *n],
                Output::Number(_) => Vec::new(),
            })
            .collect();
        self.run(x, None, &mut work, &mut |k, start, values| {
            vectors[k][start..start + values.len()].copy_from_slice(values);
        });
        self.outputs
            .iter()
            .zip(vectors)
            .map(|(o, v)| match o {
                Output::Number(slot) => Evaluated::Number(work.scalars[*slot as usize]),
                Output::Rows(_) => Evaluated::Vector(v),
            })
            .collect()
    }

    fn run(
        &self,
        x: &[f64],
        subset: Option<&[u32]>,
        work: &mut DataWork,
        sink: &mut dyn FnMut(usize, usize, &[f64]),
    ) {
        work.scalars[..self.n_params].copy_from_slice(x);
        for stage in &self.stages {
            for (dst, op) in &stage.scalar_ops {
                let value = exec(*op, |s| work.scalars[s as usize]);
                work.scalars[*dst as usize] = value;
            }
            for pass in &stage.passes {
                self.run_pass(pass, subset, work, sink);
            }
        }
    }

    fn run_pass(
        &self,
        pass: &Pass,
        subset: Option<&[u32]>,
        work: &mut DataWork,
        sink: &mut dyn FnMut(usize, usize, &[f64]),
    ) {
        let n_rows = subset.map_or(pass.n_rows, <[u32]>::len);
        let DataWork {
            scalars,
            rows,
            sums,
        } = work;
        for (j, scalar) in pass.broadcasts.iter().enumerate() {
            let register = pass.loads.len() + j;
            rows[register * STRIDE..register * STRIDE + CHUNK].fill(scalars[*scalar as usize]);
        }
        sums.fill(0.0);
        let first_op = pass.first_op_slot();
        let mut start = 0;
        while start < n_rows {
            let m = CHUNK.min(n_rows - start);
            // All rows: instructions read the columns where they lie. A
            // subset: its rows are gathered into the load registers.
            if let Some(indices) = subset {
                for (i, column) in pass.loads.iter().enumerate() {
                    let column = &self.columns[*column as usize];
                    let register = &mut rows[i * STRIDE..i * STRIDE + m];
                    for (r, index) in register.iter_mut().zip(&indices[start..start + m]) {
                        *r = column[*index as usize];
                    }
                }
            }
            let inputs = Inputs {
                columns: &self.columns,
                loads: &pass.loads,
                start,
                direct: subset.is_none(),
            };
            for (k, (op, target)) in pass.ops.iter().enumerate() {
                let (below, above) = rows.split_at_mut((first_op + k) * STRIDE);
                let out = match target {
                    Target::Store => Out::Store(&mut above[..m]),
                    Target::Sum(j) => Out::Sum(&mut sums[*j]),
                };
                run_row_op(*op, out, |a| inputs.read(below, a, m));
            }
            for (j, (_, _, register)) in pass.reductions.iter().enumerate() {
                if !pass.fused[j] {
                    sums[j] += lane_sum(inputs.read(rows, *register, m));
                }
            }
            for (k, register) in &pass.row_outputs {
                sink(*k, start, inputs.read(rows, *register, m));
            }
            start += m;
        }
        for (j, (dst, func, _)) in pass.reductions.iter().enumerate() {
            scalars[*dst as usize] = match func {
                Func::Mean => sums[j] / n_rows as f64,
                _ => sums[j],
            };
        }
    }
}

/// Where an instruction's values go: its register, or a reduction's sum.
enum Out<'a> {
    Store(&'a mut [f64]),
    Sum(&'a mut f64),
}

/// The sum of `values(0..n)` in four running lanes (so the additions
/// pipeline and vectorize), the lanes then added pairwise, the last n % 4
/// values in order. Every sum over rows is taken this way, fused or not.
#[inline(always)]
fn lanes(n: usize, value: impl Fn(usize) -> f64) -> f64 {
    let mut lanes = [0.0f64; 4];
    let whole = n - n % 4;
    let mut i = 0;
    while i < whole {
        for (k, lane) in lanes.iter_mut().enumerate() {
            *lane += value(i + k);
        }
        i += 4;
    }
    let tail: f64 = (whole..n).map(&value).sum();
    (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]) + tail
}

fn lane_sum(xs: &[f64]) -> f64 {
    lanes(xs.len(), |i| xs[i])
}

fn map1(out: Out<'_>, a: &[f64], f: impl Fn(f64) -> f64) {
    match out {
        Out::Store(out) => {
            for (o, x) in out.iter_mut().zip(a) {
                *o = f(*x);
            }
        }
        Out::Sum(sum) => *sum += lanes(a.len(), |i| f(a[i])),
    }
}

fn map2(out: Out<'_>, a: &[f64], b: &[f64], f: impl Fn(f64, f64) -> f64) {
    match out {
        Out::Store(out) => {
            for ((o, x), y) in out.iter_mut().zip(a).zip(b) {
                *o = f(*x, *y);
            }
        }
        Out::Sum(sum) => {
            let b = &b[..a.len()];
            *sum += lanes(a.len(), |i| f(a[i], b[i]));
        }
    }
}

fn map3(out: Out<'_>, a: &[f64], b: &[f64], c: &[f64], f: impl Fn(f64, f64, f64) -> f64) {
    match out {
        Out::Store(out) => {
            for (((o, x), y), z) in out.iter_mut().zip(a).zip(b).zip(c) {
                *o = f(*x, *y, *z);
            }
        }
        Out::Sum(sum) => {
            let (b, c) = (&b[..a.len()], &c[..a.len()]);
            *sum += lanes(a.len(), |i| f(a[i], b[i], c[i]));
        }
    }
}

/// Where a pass's row registers read from in the current chunk.
struct Inputs<'a> {
    columns: &'a [Rc<[f64]>],
    loads: &'a [u32],
    /// The chunk's first row.
    start: usize,
    /// Whether the load registers are read from the columns themselves (all
    /// rows, in order) rather than from the registers (a gathered subset).
    direct: bool,
}

impl Inputs<'_> {
    /// Row register `register`'s first `m` values, from `regs` or, for a
    /// load read directly, from its column.
    #[inline]
    fn read<'r>(&'r self, regs: &'r [f64], register: u32, m: usize) -> &'r [f64] {
        let register = register as usize;
        if self.direct && register < self.loads.len() {
            let column = &self.columns[self.loads[register] as usize];
            &column[self.start..self.start + m]
        } else {
            &regs[register * STRIDE..register * STRIDE + m]
        }
    }
}

/// Runs one row instruction over the chunk, its operands read by `r` (all
/// registers below the instruction's own).
fn run_row_op<'r>(op: Op, out: Out<'_>, r: impl Fn(u32) -> &'r [f64]) {
    macro_rules! unary {
        ($v:ident, $a:expr) => {
            map1(out, r($a), |x| exec(Op::$v(0), |_| x))
        };
    }
    macro_rules! binary {
        ($v:ident, $a:expr, $b:expr) => {
            map2(out, r($a), r($b), |x, y| {
                exec(Op::$v(0, 1), |s| if s == 0 { x } else { y })
            })
        };
    }
    macro_rules! ternary {
        ($v:ident, $a:expr, $b:expr, $c:expr) => {
            map3(out, r($a), r($b), r($c), |x, y, z| {
                exec(Op::$v(0, 1, 2), |s| match s {
                    0 => x,
                    1 => y,
                    _ => z,
                })
            })
        };
    }
    match op {
        Op::Add(a, b) => binary!(Add, a, b),
        Op::Sub(a, b) => binary!(Sub, a, b),
        Op::Mul(a, b) => binary!(Mul, a, b),
        Op::Div(a, b) => binary!(Div, a, b),
        Op::Powf(a, b) => binary!(Powf, a, b),
        Op::Min(a, b) => binary!(Min, a, b),
        Op::Max(a, b) => binary!(Max, a, b),
        Op::MulAdd(a, b, c) => ternary!(MulAdd, a, b, c),
        Op::MulSub(a, b, c) => ternary!(MulSub, a, b, c),
        Op::SubMul(a, b, c) => ternary!(SubMul, a, b, c),
        Op::Powi(a, k) => map1(out, r(a), |x| exec(Op::Powi(0, k), |_| x)),
        Op::Neg(a) => unary!(Neg, a),
        Op::Recip(a) => unary!(Recip, a),
        Op::Sqrt(a) => unary!(Sqrt, a),
        Op::Sin(a) => unary!(Sin, a),
        Op::Cos(a) => unary!(Cos, a),
        Op::Tan(a) => unary!(Tan, a),
        Op::Asin(a) => unary!(Asin, a),
        Op::Acos(a) => unary!(Acos, a),
        Op::Atan(a) => unary!(Atan, a),
        Op::Sinh(a) => unary!(Sinh, a),
        Op::Cosh(a) => unary!(Cosh, a),
        Op::Tanh(a) => unary!(Tanh, a),
        Op::Exp(a) => unary!(Exp, a),
        Op::Ln(a) => unary!(Ln, a),
        Op::Log2(a) => unary!(Log2, a),
        Op::Log10(a) => unary!(Log10, a),
        Op::Abs(a) => unary!(Abs, a),
        Op::Sign(a) => unary!(Sign, a),
        Op::Step(a) => unary!(Step, a),
        Op::Sigmoid(a) => unary!(Sigmoid, a),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::symbolic::data::DataRef;
    use crate::symbolic::expr::{add, call, mul, pow, sub};

    fn data(name: &str, values: &[f64]) -> Expr {
        Expr::data(DataRef::new(name, values.to_vec()))
    }

    fn mean(e: Expr) -> Expr {
        call(Func::Mean, vec![e])
    }

    fn program(outputs: &[Expr], params: &[&str]) -> DataProgram {
        compile_rows(outputs, params).expect("compiles")
    }

    #[test]
    fn mean_squared_error_and_its_gradient_in_one_pass() {
        let xs: Vec<f64> = (0..1000).map(|i| i as f64 / 100.0).collect();
        let ys: Vec<f64> = xs.iter().map(|x| 3.0 * x - 1.0 + (x * 7.0).sin()).collect();
        let (x, y) = (data("X", &xs), data("Y", &ys));
        let (w, b) = (Expr::var("w"), Expr::var("b"));
        let r = sub(add([mul([w, x]), b]), y);
        let outputs = [
            mean(pow(r, Expr::int(2))),
            mean(mul([Expr::int(2), r, x])),
            mean(mul([Expr::int(2), r])),
        ];
        let p = program(&outputs, &["w", "b"]);
        assert_eq!(p.stages.iter().map(|s| s.passes.len()).sum::<usize>(), 1);
        let (wv, bv) = (0.5, -0.25);
        let mut want = [0.0; 3];
        for (xi, yi) in xs.iter().zip(&ys) {
            let ri = wv * xi + bv - yi;
            want[0] += ri * ri / 1000.0;
            want[1] += 2.0 * ri * xi / 1000.0;
            want[2] += 2.0 * ri / 1000.0;
        }
        let mut out = [0.0; 3];
        p.eval(&[wv, bv], None, &mut p.workspace(), &mut out);
        for (g, w) in out.iter().zip(want) {
            assert!((g - w).abs() <= 1e-12 * w.abs().max(1.0), "{g} vs {w}");
        }
    }

    #[test]
    fn nested_reductions_take_two_passes() {
        let x = data("X", &[1.0, 2.0, 3.0, 4.0]);
        let variance = mean(pow(sub(x, mean(x)), Expr::int(2)));
        let p = program(&[variance], &[]);
        assert_eq!(p.eval_all(&[]), vec![Evaluated::Number(1.25)]);
    }

    #[test]
    fn row_outputs_and_numbers_together() {
        let xs: Vec<f64> = (0..600).map(f64::from).collect();
        let x = data("X", &xs);
        let p = program(&[add([mul([Expr::int(2), x]), Expr::int(1)]), mean(x)], &[]);
        let got = p.eval_all(&[]);
        let want: Vec<f64> = xs.iter().map(|v| 2.0 * v + 1.0).collect();
        assert_eq!(got, vec![Evaluated::Vector(want), Evaluated::Number(299.5)]);
    }

    #[test]
    fn subsets_of_rows() {
        let x = data("X", &[1.0, 2.0, 3.0, 4.0, 5.0]);
        let w = Expr::var("w");
        let p = program(&[mean(mul([w, x])), call(Func::Sum, vec![x])], &["w"]);
        let mut out = [0.0; 2];
        p.eval(&[2.0], Some(&[4, 0]), &mut p.workspace(), &mut out);
        assert_eq!(out, [6.0, 6.0]);
        assert_eq!(p.row_counts(), vec![5]);
    }

    #[test]
    fn different_lengths_in_one_operation_are_an_error() {
        let (x, z) = (data("X", &[1.0, 2.0]), data("Z", &[1.0, 2.0, 3.0]));
        let Err(err) = compile_rows(&[mean(add([x, z]))], &[]) else {
            panic!("lengths differ")
        };
        assert_eq!(
            err.message,
            "X has 2 values but Z has 3: vectors in one operation must have the same length"
        );
        // ... but separate reductions may have their own lengths.
        let p = program(&[sub(mean(x), mean(z))], &[]);
        assert_eq!(p.eval_all(&[]), vec![Evaluated::Number(-0.5)]);
    }

    #[test]
    fn every_instruction_over_rows_matches_exec() {
        let xs = [
            -2.5,
            -1.0,
            -0.0,
            0.0,
            0.3,
            0.5,
            1.0,
            7.25,
            f64::NAN,
            f64::INFINITY,
        ];
        let ys = [1.5, -2.0, 3.0, 0.0, -0.7, 2.0, 1.0, -1.0, 0.5, 2.0];
        let (x, y) = (data("X", &xs), data("Y", &ys));
        for func in Func::ALL.into_iter().filter(|f| !f.is_reduction()) {
            let args = if func.arity() == 2 {
                vec![x, y]
            } else {
                vec![x]
            };
            let p = program(&[call(func, args)], &[]);
            let Evaluated::Vector(got) = &p.eval_all(&[])[0] else {
                panic!("a vector")
            };
            for (i, g) in got.iter().enumerate() {
                let want = func.apply(&[xs[i], ys[i]]);
                let same = g.to_bits() == want.to_bits() || (g.is_nan() && want.is_nan());
                assert!(same, "{func:?} row {i}: {g} vs {want}");
            }
        }
    }
}
