//! Compiles symbolic expressions to a flat tape: one list of instructions
//! over a register file, evaluated by one tight `match` per instruction.
//!
//! Register layout: slots `0..n_params` hold the parameters, the next
//! `constants.len()` slots the constants, and instruction `i` writes slot
//! `n_params + constants.len() + i` (each instruction has its own slot, so
//! the destination is implicit). Invariant: every instruction reads only
//! slots below the one it writes, so one pass in order computes every slot;
//! evaluating allocates nothing once a `Workspace` (the register file) has
//! been prepared, and, for tapes up to 65536 slots, does no bounds checks
//! (see `run_fixed`).
//!
//! Compiling memoizes by expression handle and, below that, by instruction
//! (so `x^2` in two unrelated products is one multiplication), folds
//! instructions whose operands are all constants (with the very code that
//! evaluates them, so folding never changes a value), fuses a product used
//! once into the sum that uses it (`a*b + c`), and drops what no output uses.
//! Numeric semantics are those of `Func::apply` and IEEE arithmetic; the
//! rewrites change at most the last bits (`x^3` as `x*x*x`, `x*y^-1` as
//! `x/y`), except that `x^(k/2)` is computed with `sqrt`, which gives nan
//! rather than inf at `x = -inf`.

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::builtins;
use crate::error::{Error, ErrorKind, Result};
use crate::symbolic::data::{DataRef, Mismatch, join};
use crate::symbolic::expr::{Constant, Expr, Func, Node};
use crate::symbolic::num::Num;

mod evaluate;
mod rows;

pub use evaluate::{constant_value, evaluate};
pub use rows::{CHUNK, DataProgram, DataWork, Evaluated, compile_rows};

/// One instruction. Operands are register slots; the destination is implicit
/// (instruction `i` writes slot `Tape::first_op_slot() + i`).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Op {
    Add(u32, u32),
    Sub(u32, u32),
    Mul(u32, u32),
    Div(u32, u32),
    Neg(u32),
    /// `1 / a`
    Recip(u32),
    Sqrt(u32),
    /// `a^k` by `f64::powi`, for integer exponents too large to unroll.
    Powi(u32, i32),
    /// `a^b` by `f64::powf`.
    Powf(u32, u32),
    Sin(u32),
    Cos(u32),
    Tan(u32),
    Asin(u32),
    Acos(u32),
    Atan(u32),
    Sinh(u32),
    Cosh(u32),
    Tanh(u32),
    Exp(u32),
    Ln(u32),
    Log2(u32),
    Log10(u32),
    Abs(u32),
    Sign(u32),
    Step(u32),
    Sigmoid(u32),
    Min(u32, u32),
    Max(u32, u32),
    /// `a*b + c` (two roundings, as written: not a fused multiply-add).
    MulAdd(u32, u32, u32),
    /// `a*b - c`
    MulSub(u32, u32, u32),
    /// `a - b*c`
    SubMul(u32, u32, u32),
}

impl Op {
    /// The same instruction with every operand passed through `f`.
    fn map(self, mut f: impl FnMut(u32) -> u32) -> Op {
        use Op::*;
        match self {
            Add(a, b) => Add(f(a), f(b)),
            Sub(a, b) => Sub(f(a), f(b)),
            Mul(a, b) => Mul(f(a), f(b)),
            Div(a, b) => Div(f(a), f(b)),
            Powf(a, b) => Powf(f(a), f(b)),
            Min(a, b) => Min(f(a), f(b)),
            Max(a, b) => Max(f(a), f(b)),
            MulAdd(a, b, c) => MulAdd(f(a), f(b), f(c)),
            MulSub(a, b, c) => MulSub(f(a), f(b), f(c)),
            SubMul(a, b, c) => SubMul(f(a), f(b), f(c)),
            Powi(a, k) => Powi(f(a), k),
            Neg(a) => Neg(f(a)),
            Recip(a) => Recip(f(a)),
            Sqrt(a) => Sqrt(f(a)),
            Sin(a) => Sin(f(a)),
            Cos(a) => Cos(f(a)),
            Tan(a) => Tan(f(a)),
            Asin(a) => Asin(f(a)),
            Acos(a) => Acos(f(a)),
            Atan(a) => Atan(f(a)),
            Sinh(a) => Sinh(f(a)),
            Cosh(a) => Cosh(f(a)),
            Tanh(a) => Tanh(f(a)),
            Exp(a) => Exp(f(a)),
            Ln(a) => Ln(f(a)),
            Log2(a) => Log2(f(a)),
            Log10(a) => Log10(f(a)),
            Abs(a) => Abs(f(a)),
            Sign(a) => Sign(f(a)),
            Step(a) => Step(f(a)),
            Sigmoid(a) => Sigmoid(f(a)),
        }
    }

    /// Calls `f` on each operand, in order.
    fn for_each_operand(self, mut f: impl FnMut(u32)) {
        self.map(|a| {
            f(a);
            a
        });
    }

    /// The instruction for a built-in function of `args`, which has the
    /// function's arity (callers of `expr::call` check it), so at least one;
    /// `None` for the reductions, which are not instructions.
    fn call(func: Func, args: &[u32]) -> Option<Op> {
        let a = args[0];
        let b = || args.get(1).copied().unwrap_or(a);
        Some(match func {
            Func::Sin => Op::Sin(a),
            Func::Cos => Op::Cos(a),
            Func::Tan => Op::Tan(a),
            Func::Asin => Op::Asin(a),
            Func::Acos => Op::Acos(a),
            Func::Atan => Op::Atan(a),
            Func::Sinh => Op::Sinh(a),
            Func::Cosh => Op::Cosh(a),
            Func::Tanh => Op::Tanh(a),
            Func::Exp => Op::Exp(a),
            Func::Ln => Op::Ln(a),
            Func::Log2 => Op::Log2(a),
            Func::Log10 => Op::Log10(a),
            Func::Abs => Op::Abs(a),
            Func::Sign => Op::Sign(a),
            Func::Step => Op::Step(a),
            Func::Sigmoid => Op::Sigmoid(a),
            Func::Min => Op::Min(a, b()),
            Func::Max => Op::Max(a, b()),
            Func::Sum | Func::Mean => return None,
        })
    }
}

/// The value of one instruction, reading its operands from `r`. The only
/// place that gives instructions their meaning: evaluation and constant
/// folding both go through it.
#[inline(always)]
fn exec(op: Op, at: impl Fn(u32) -> f64) -> f64 {
    match op {
        Op::Add(a, b) => at(a) + at(b),
        Op::Sub(a, b) => at(a) - at(b),
        Op::Mul(a, b) => at(a) * at(b),
        Op::Div(a, b) => at(a) / at(b),
        Op::Neg(a) => -at(a),
        Op::Recip(a) => 1.0 / at(a),
        Op::Sqrt(a) => at(a).sqrt(),
        Op::Powi(a, k) => at(a).powi(k),
        Op::Powf(a, b) => at(a).powf(at(b)),
        Op::Sin(a) => at(a).sin(),
        Op::Cos(a) => at(a).cos(),
        Op::Tan(a) => at(a).tan(),
        Op::Asin(a) => at(a).asin(),
        Op::Acos(a) => at(a).acos(),
        Op::Atan(a) => at(a).atan(),
        Op::Sinh(a) => at(a).sinh(),
        Op::Cosh(a) => at(a).cosh(),
        Op::Tanh(a) => at(a).tanh(),
        Op::Exp(a) => at(a).exp(),
        Op::Ln(a) => at(a).ln(),
        Op::Log2(a) => at(a).log2(),
        Op::Log10(a) => at(a).log10(),
        Op::Abs(a) => at(a).abs(),
        Op::Sign(a) => builtins::sign(at(a)),
        Op::Step(a) => builtins::step(at(a)),
        Op::Sigmoid(a) => builtins::sigmoid(at(a)),
        Op::Min(a, b) => Func::Min.apply(&[at(a), at(b)]),
        Op::Max(a, b) => Func::Max.apply(&[at(a), at(b)]),
        Op::MulAdd(a, b, c) => at(a) * at(b) + at(c),
        Op::MulSub(a, b, c) => at(a) * at(b) - at(c),
        Op::SubMul(a, b, c) => at(a) - at(b) * at(c),
    }
}

/// Register files come in these sizes (see `run_fixed`); a tape with more
/// slots gets a register file of its own size and bounds-checked access.
const REGISTER_FILE_SIZES: [usize; 4] = [64, 1024, 16384, 65536];

fn register_file_size(n_slots: usize) -> usize {
    REGISTER_FILE_SIZES
        .into_iter()
        .find(|size| *size >= n_slots)
        .unwrap_or(n_slots)
}

/// Runs the instructions (instruction `i` writing slot `base + i`) on a
/// register file of a fixed power-of-two size `N` greater than every slot.
/// Masking each index with `N - 1` changes no index and lets the compiler
/// see that none is out of bounds: no bounds checks, in safe code.
fn run_fixed<const N: usize>(tape: &Tape, regs: &mut [f64; N]) {
    let base = tape.first_op_slot();
    for (i, op) in tape.ops.iter().enumerate() {
        let value = exec(*op, |slot| regs[slot as usize & (N - 1)]);
        regs[(base + i) & (N - 1)] = value;
    }
}

/// `run_fixed` for a register file of any size, with bounds checks.
fn run_checked(tape: &Tape, regs: &mut [f64]) {
    let base = tape.first_op_slot();
    for (i, op) in tape.ops.iter().enumerate() {
        let value = exec(*op, |slot| regs[slot as usize]);
        regs[base + i] = value;
    }
}

/// A compiled list of expressions over named parameters.
#[derive(Clone, Debug)]
pub struct Tape {
    /// Tells workspaces prepared for this tape from others (see `Workspace`).
    id: u64,
    n_params: usize,
    constants: Vec<f64>,
    ops: Vec<Op>,
    /// The slot holding each output.
    outputs: Vec<u32>,
}

/// The register file of one evaluation, reused across evaluations so that
/// `Tape::eval` allocates nothing. A workspace is prepared (sized, constants
/// loaded) the first time it is used with a tape, or by `Tape::workspace`;
/// using it with another tape prepares it again.
#[derive(Clone, Debug, Default)]
pub struct Workspace {
    tape_id: u64,
    regs: Vec<f64>,
}

impl Workspace {
    pub fn new() -> Workspace {
        Workspace::default()
    }
}

static NEXT_TAPE_ID: AtomicU64 = AtomicU64::new(1);

impl Tape {
    pub fn n_params(&self) -> usize {
        self.n_params
    }

    pub fn n_outputs(&self) -> usize {
        self.outputs.len()
    }

    /// The instructions, in evaluation order.
    pub fn ops(&self) -> &[Op] {
        &self.ops
    }

    /// The constants, in slots `n_params..n_params + constants().len()`.
    pub fn constants(&self) -> &[f64] {
        &self.constants
    }

    /// The slot holding each output.
    pub fn outputs(&self) -> &[u32] {
        &self.outputs
    }

    /// The slot instruction 0 writes.
    pub fn first_op_slot(&self) -> usize {
        self.n_params + self.constants.len()
    }

    /// Size of the register file.
    pub fn n_slots(&self) -> usize {
        self.first_op_slot() + self.ops.len()
    }

    /// A workspace already prepared for this tape.
    pub fn workspace(&self) -> Workspace {
        let mut work = Workspace::new();
        self.prepare(&mut work);
        work
    }

    fn prepare(&self, work: &mut Workspace) {
        work.regs.clear();
        work.regs.resize(register_file_size(self.n_slots()), 0.0);
        let consts = self.n_params..self.first_op_slot();
        work.regs[consts].copy_from_slice(&self.constants);
        work.tape_id = self.id;
    }

    /// Evaluates every output at the point `x` into `out`. Allocates nothing
    /// once `work` has been prepared for this tape.
    ///
    /// # Panics
    /// When `x.len() != n_params()` or `out.len() != n_outputs()`.
    pub fn eval(&self, x: &[f64], work: &mut Workspace, out: &mut [f64]) {
        assert_eq!(out.len(), self.outputs.len(), "one place per output");
        self.point_mut(work).copy_from_slice(x);
        self.eval_in_place(work);
        self.read_outputs(work, out);
    }

    /// The parameter slots of `work`'s register file, preparing it for this
    /// tape first if need be: write the point here, then `eval_in_place`.
    ///
    /// # Panics
    /// (`copy_from_slice` into it) when the point has not `n_params()`
    /// values.
    #[inline]
    pub fn point_mut<'w>(&self, work: &'w mut Workspace) -> &'w mut [f64] {
        if work.tape_id != self.id {
            self.prepare(work);
        }
        &mut work.regs[..self.n_params]
    }

    /// The point `work` was last evaluated at (or set to by `point_mut`).
    ///
    /// # Panics
    /// When `work` has not been prepared for this tape.
    #[inline]
    pub fn point<'w>(&self, work: &'w Workspace) -> &'w [f64] {
        assert_eq!(work.tape_id, self.id, "a workspace of this tape");
        &work.regs[..self.n_params]
    }

    /// Output `i` of the last evaluation in `work`.
    ///
    /// # Panics
    /// When `work` has not been prepared for this tape, or `i` is not below
    /// `n_outputs()`.
    #[inline]
    pub fn output(&self, work: &Workspace, i: usize) -> f64 {
        assert_eq!(work.tape_id, self.id, "a workspace of this tape");
        work.regs[self.outputs[i] as usize]
    }

    /// Every output of the last evaluation in `work`, into `out`.
    ///
    /// # Panics
    /// When `work` has not been prepared for this tape, or `out.len() !=
    /// n_outputs()`.
    #[inline]
    pub fn read_outputs(&self, work: &Workspace, out: &mut [f64]) {
        assert_eq!(work.tape_id, self.id, "a workspace of this tape");
        assert_eq!(out.len(), self.outputs.len(), "one place per output");
        for (o, slot) in out.iter_mut().zip(&self.outputs) {
            *o = work.regs[*slot as usize];
        }
    }

    /// Evaluates every output at the point in `work`'s parameter slots (see
    /// `point_mut`), leaving the results in its register file (see
    /// `output`). Copies nothing in or out: the descent loop updates the
    /// point where it lies, and reads the gradient where it was computed,
    /// with plain scalar loads and stores (copying a point in and a
    /// gradient out costs more than a small tape's arithmetic, mostly
    /// because a wide load of values just written by narrow stores stalls).
    ///
    /// # Panics
    /// When `work` has not been prepared for this tape.
    pub fn eval_in_place(&self, work: &mut Workspace) {
        assert_eq!(work.tape_id, self.id, "a workspace of this tape");
        let regs = &mut work.regs[..];
        if let Ok(regs) = <&mut [f64; 64]>::try_from(&mut *regs) {
            return run_fixed(self, regs);
        }
        if let Ok(regs) = <&mut [f64; 1024]>::try_from(&mut *regs) {
            return run_fixed(self, regs);
        }
        if let Ok(regs) = <&mut [f64; 16384]>::try_from(&mut *regs) {
            return run_fixed(self, regs);
        }
        if let Ok(regs) = <&mut [f64; 65536]>::try_from(&mut *regs) {
            return run_fixed(self, regs);
        }
        run_checked(self, regs)
    }

    /// Evaluates every output at `x` (allocating a workspace: for one-off
    /// use, not for loops).
    pub fn eval_once(&self, x: &[f64]) -> Vec<f64> {
        let mut out = vec![0.0; self.n_outputs()];
        self.eval(x, &mut self.workspace(), &mut out);
        out
    }
}

/// One instruction per line, `r3 = mul r0 r0`, for tests and debugging.
impl fmt::Display for Tape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, c) in self.constants.iter().enumerate() {
            writeln!(f, "r{} = {c:?}", self.n_params + i)?;
        }
        for (i, op) in self.ops.iter().enumerate() {
            let text = format!("{op:?}").to_lowercase();
            writeln!(f, "r{} = {text}", self.first_op_slot() + i)?;
        }
        let outputs: Vec<String> = self.outputs.iter().map(|s| format!("r{s}")).collect();
        write!(f, "out = [{}]", outputs.join(", "))
    }
}

/// Compiles `outputs` over the parameters `params` (in that order) into one
/// tape. Errors when an expression uses a variable that is not a parameter
/// or still calls a user-defined function.
pub fn compile(outputs: &[Expr], params: &[&str]) -> Result<Tape> {
    let mut builder = Builder::new(params);
    let ids = outputs
        .iter()
        .map(|e| builder.lower(*e))
        .collect::<Result<Vec<Id>>>()?;
    if !builder.columns.is_empty() {
        return Err(Error::internal(
            "an expression with data must be compiled with compile_rows",
        ));
    }
    Ok(builder.finish(&ids))
}

// ---------------------------------------------------------------- building

/// Rewrites `a*b + c`, `c + a*b`, `a*b - c` and `c - a*b` into one
/// instruction when the product has no other use (nor is an output), and
/// marks the product dead. Values are unchanged: the fused instructions round
/// twice, as the pair did.
fn fuse_multiply_adds(values: &mut [Value], live: &mut [bool], outputs: &[Id]) {
    let mut uses = vec![0u32; values.len()];
    for id in outputs {
        uses[*id as usize] += 1;
    }
    for (id, value) in values.iter().enumerate() {
        if live[id] {
            value.for_each_operand(|a| uses[a as usize] += 1);
        }
    }
    for id in 0..values.len() {
        let Value::Op(op) = values[id] else {
            continue;
        };
        if !live[id] {
            continue;
        }
        let product = |v: Id| match values[v as usize] {
            Value::Op(Op::Mul(a, b)) if uses[v as usize] == 1 => Some((v, a, b)),
            _ => None,
        };
        let fused = match op {
            Op::Add(x, y) => product(x)
                .map(|(p, a, b)| (p, Op::MulAdd(a, b, y)))
                .or_else(|| product(y).map(|(p, a, b)| (p, Op::MulAdd(a, b, x)))),
            Op::Sub(x, y) => product(x)
                .map(|(p, a, b)| (p, Op::MulSub(a, b, y)))
                .or_else(|| product(y).map(|(p, a, b)| (p, Op::SubMul(x, a, b)))),
            _ => None,
        };
        if let Some((p, op)) = fused {
            values[id] = Value::Op(op);
            live[p as usize] = false;
        }
    }
}

/// A value made while building, before slots are assigned.
type Id = u32;

#[derive(Copy, Clone, Debug)]
enum Value {
    Param,
    Const(f64),
    /// Operands are `Id`s.
    Op(Op),
    /// A data column (an index into `Builder::columns`): one value per row.
    Column(u32),
    /// `sum` or `mean` over the rows of the operand (an `Id`).
    Reduce(Func, Id),
}

impl Value {
    /// Calls `f` on each operand (`Id`), in order.
    fn for_each_operand(self, mut f: impl FnMut(Id)) {
        match self {
            Value::Op(op) => op.for_each_operand(f),
            Value::Reduce(_, a) => f(a),
            Value::Param | Value::Const(_) | Value::Column(_) => {}
        }
    }
}

/// Integer powers up to this are unrolled into multiplications.
const UNROLL_POWER: i64 = 8;

struct Builder<'a> {
    params: &'a [&'a str],
    /// In creation order, which is an evaluation order: operands first.
    values: Vec<Value>,
    /// The rows of each value: `None` for a number, the data's length for
    /// a value with one number per row.
    lengths: Vec<Option<usize>>,
    /// The first two lengths that met in one instruction.
    mismatch: Option<Mismatch>,
    /// The data columns met, in order.
    columns: Vec<DataRef>,
    by_expr: HashMap<Expr, Id>,
    by_const: HashMap<u64, Id>,
    by_op: HashMap<Op, Id>,
    by_reduce: HashMap<(Func, Id), Id>,
}

impl<'a> Builder<'a> {
    fn new(params: &'a [&'a str]) -> Builder<'a> {
        Builder {
            params,
            values: vec![Value::Param; params.len()],
            lengths: vec![None; params.len()],
            mismatch: None,
            columns: Vec::new(),
            by_expr: HashMap::new(),
            by_const: HashMap::new(),
            by_op: HashMap::new(),
            by_reduce: HashMap::new(),
        }
    }

    /// The value of `e`, made once per handle. Recursive, as deep as the
    /// expression nests (sums and products are flat, so that is shallow).
    fn lower(&mut self, e: Expr) -> Result<Id> {
        if let Some(id) = self.by_expr.get(&e) {
            return Ok(*id);
        }
        let node = e.node();
        let id = match &*node {
            Node::Num(n) => self.constant(n.to_f64()),
            Node::Const(Constant::Pi) => self.constant(std::f64::consts::PI),
            Node::Const(Constant::E) => self.constant(std::f64::consts::E),
            Node::Var(name) => self.param(name)?,
            Node::Data(data) => self.column(data),
            Node::Add(terms) => self.sum(terms)?,
            // Invariant (canonical form): a product has two or more factors,
            // the number, if any, first.
            Node::Mul(factors) => match factors[0].as_num() {
                Some(c) => self.product(c, &factors[1..])?,
                None => self.product(Num::ONE, factors)?,
            },
            Node::Pow(base, exponent) => match exponent.as_num() {
                Some(k) => self.power(*base, k)?,
                None => {
                    let (b, k) = (self.lower(*base)?, self.lower(*exponent)?);
                    self.op(Op::Powf(b, k))
                }
            },
            Node::Call(func, args) => {
                let args = args
                    .iter()
                    .map(|a| self.lower(*a))
                    .collect::<Result<Vec<Id>>>()?;
                match Op::call(*func, &args) {
                    Some(op) => self.op(op),
                    None => self.reduce(*func, args[0]),
                }
            }
            Node::Apply(name, _) => {
                return Err(Error::new(
                    ErrorKind::Name,
                    format!("the function '{name}' must be expanded before it can be compiled"),
                ));
            }
        };
        self.by_expr.insert(e, id);
        Ok(id)
    }

    fn param(&mut self, name: &str) -> Result<Id> {
        match self.params.iter().position(|p| *p == name) {
            Some(i) => Ok(i as Id),
            None if self.params.is_empty() => Err(Error::new(
                ErrorKind::Name,
                format!("'{name}' is not defined here: there are no parameters"),
            )),
            None => Err(Error::new(
                ErrorKind::Name,
                format!(
                    "'{name}' is not a parameter (the parameters are {})",
                    self.params.join(", ")
                ),
            )),
        }
    }

    fn constant(&mut self, value: f64) -> Id {
        if let Some(id) = self.by_const.get(&value.to_bits()) {
            return *id;
        }
        let id = self.push(Value::Const(value));
        self.by_const.insert(value.to_bits(), id);
        id
    }

    fn const_value(&self, id: Id) -> Option<f64> {
        match self.values[id as usize] {
            Value::Const(v) => Some(v),
            _ => None,
        }
    }

    fn push(&mut self, value: Value) -> Id {
        let mut length = None;
        match value {
            Value::Column(c) => length = Some(self.columns[c as usize].len()),
            Value::Op(op) => {
                op.for_each_operand(|a| match join(length, self.lengths[a as usize]) {
                    Ok(l) => length = l,
                    Err(m) => {
                        self.mismatch.get_or_insert(m);
                    }
                })
            }
            _ => {}
        }
        self.values.push(value);
        self.lengths.push(length);
        (self.values.len() - 1) as Id
    }

    /// The column of a data vector, loaded once per vector.
    fn column(&mut self, data: &DataRef) -> Id {
        let index = match self.columns.iter().position(|c| c == data) {
            Some(i) => i,
            None => {
                self.columns.push(data.clone());
                self.columns.len() - 1
            }
        };
        self.push(Value::Column(index as u32))
    }

    /// `sum(a)` or `mean(a)`; of a number (a value without rows), the
    /// number itself.
    fn reduce(&mut self, func: Func, a: Id) -> Id {
        if self.lengths[a as usize].is_none() {
            return a;
        }
        if let Some(id) = self.by_reduce.get(&(func, a)) {
            return *id;
        }
        let id = self.push(Value::Reduce(func, a));
        self.by_reduce.insert((func, a), id);
        id
    }

    /// The value of `op`: folded when its operands are constants, shared
    /// when the same instruction was made before.
    fn op(&mut self, op: Op) -> Id {
        let op = match op {
            // Commutative: one order, so that CSE sees a*b and b*a alike.
            Op::Add(a, b) if a > b => Op::Add(b, a),
            Op::Mul(a, b) if a > b => Op::Mul(b, a),
            _ => op,
        };
        // a*1 = a and a/1 = a exactly; canonical forms rarely leave them.
        match op {
            Op::Mul(a, b) | Op::Div(a, b) if self.const_value(b) == Some(1.0) => return a,
            Op::Mul(a, b) if self.const_value(a) == Some(1.0) => return b,
            _ => {}
        }
        if let Some(id) = self.fold(op) {
            return id;
        }
        if let Some(id) = self.by_op.get(&op) {
            return *id;
        }
        let id = self.push(Value::Op(op));
        self.by_op.insert(op, id);
        id
    }

    /// Folds an instruction with constant operands by evaluating it.
    fn fold(&mut self, op: Op) -> Option<Id> {
        let mut scratch = [0.0; 3];
        let mut n = 0;
        let mut all_constant = true;
        let local = op.map(|id| {
            match self.const_value(id) {
                Some(v) if n < scratch.len() => scratch[n] = v,
                _ => all_constant = false,
            }
            n += 1;
            (n - 1) as u32
        });
        if !all_constant {
            return None;
        }
        let value = exec(local, |slot| scratch[slot as usize]);
        Some(self.constant(value))
    }

    /// `a + b + ...`, with terms that carry a negative coefficient subtracted
    /// (`x + (-2)*y` is `x - 2*y`).
    fn sum(&mut self, terms: &[Expr]) -> Result<Id> {
        let mut added = Vec::with_capacity(terms.len());
        let mut subtracted = Vec::new();
        for term in terms {
            match self.negated_term(*term)? {
                Some(magnitude) => subtracted.push(magnitude),
                None => added.push(self.lower(*term)?),
            }
        }
        let mut acc = match added.split_first() {
            Some((first, rest)) => rest.iter().fold(*first, |a, b| self.op(Op::Add(a, *b))),
            None => {
                // Every term is negative: -(a + b + ...).
                let total = self.chain(&subtracted, Op::Add);
                return Ok(self.op(Op::Neg(total)));
            }
        };
        for magnitude in subtracted {
            acc = self.op(Op::Sub(acc, magnitude));
        }
        Ok(acc)
    }

    /// For a term `c * rest` with `c < 0`, the value of `|c| * rest`.
    fn negated_term(&mut self, term: Expr) -> Result<Option<Id>> {
        let node = term.node();
        match &*node {
            Node::Num(n) if n.is_negative() => Ok(Some(self.constant(-n.to_f64()))),
            Node::Mul(factors) => match factors[0].as_num() {
                Some(c) if c.is_negative() => Ok(Some(self.product(-c, &factors[1..])?)),
                _ => Ok(None),
            },
            _ => Ok(None),
        }
    }

    /// `coefficient * f1 * f2 * ...`, with factors of negative numeric
    /// exponent moved to a denominator (`x*y^-2` is `x / (y*y)`).
    fn product(&mut self, coefficient: Num, factors: &[Expr]) -> Result<Id> {
        if coefficient == Num::MINUS_ONE {
            let positive = self.product(Num::ONE, factors)?;
            return Ok(self.op(Op::Neg(positive)));
        }
        let mut numerator = Vec::with_capacity(factors.len() + 1);
        let mut denominator = Vec::new();
        if !coefficient.is_one() {
            numerator.push(self.constant(coefficient.to_f64()));
        }
        for factor in factors {
            let node = factor.node();
            match &*node {
                Node::Pow(base, exponent) => match exponent.as_num() {
                    Some(k) if k.is_negative() => denominator.push(self.power(*base, -k)?),
                    _ => numerator.push(self.lower(*factor)?),
                },
                _ => numerator.push(self.lower(*factor)?),
            }
        }
        if denominator.is_empty() {
            return Ok(self.chain(&numerator, Op::Mul));
        }
        let below = self.chain(&denominator, Op::Mul);
        if numerator.is_empty() {
            return Ok(self.op(Op::Recip(below)));
        }
        let above = self.chain(&numerator, Op::Mul);
        Ok(self.op(Op::Div(above, below)))
    }

    /// `v0 op v1 op v2 ...`, left to right. `values` is not empty (canonical
    /// sums and products have at least two terms; callers check the rest).
    fn chain(&mut self, values: &[Id], make: fn(Id, Id) -> Op) -> Id {
        match values.split_first() {
            Some((first, rest)) => rest.iter().fold(*first, |a, b| self.op(make(a, *b))),
            None => self.constant(f64::NAN),
        }
    }

    /// `base^k` for a number `k`: unrolled multiplications, `powi`, `sqrt`
    /// for halves, `recip` for negative exponents, else `powf`.
    fn power(&mut self, base: Expr, k: Num) -> Result<Id> {
        let b = self.lower(base)?;
        if let Some(n) = k.as_integer() {
            return Ok(self.integer_power(b, n));
        }
        if let Num::Rat(p, 2) = k {
            // b^(p/2) = b^((p-1)/2) * sqrt(b), or its reciprocal.
            let root = self.op(Op::Sqrt(b));
            let positive = match (p.abs() - 1) / 2 {
                0 => root,
                m => {
                    let whole = self.integer_power(b, m);
                    self.op(Op::Mul(whole, root))
                }
            };
            return Ok(if p < 0 {
                self.op(Op::Recip(positive))
            } else {
                positive
            });
        }
        let exponent = self.constant(k.to_f64());
        Ok(self.op(Op::Powf(b, exponent)))
    }

    fn integer_power(&mut self, b: Id, n: i64) -> Id {
        match n {
            0 => self.constant(1.0),
            1 => b,
            _ if n < 0 => {
                let positive = self.integer_power(b, n.saturating_neg());
                self.op(Op::Recip(positive))
            }
            _ if n <= UNROLL_POWER && n % 2 == 0 => {
                let half = self.integer_power(b, n / 2);
                self.op(Op::Mul(half, half))
            }
            _ if n <= UNROLL_POWER => {
                let rest = self.integer_power(b, n - 1);
                self.op(Op::Mul(rest, b))
            }
            _ => match i32::try_from(n) {
                Ok(k) => self.op(Op::Powi(b, k)),
                Err(_) => {
                    let exponent = self.constant(n as f64);
                    self.op(Op::Powf(b, exponent))
                }
            },
        }
    }

    /// What the outputs need, with multiply-adds fused.
    fn live_fused(&mut self, outputs: &[Id]) -> Vec<bool> {
        let mut live = vec![false; self.values.len()];
        for id in outputs {
            live[*id as usize] = true;
        }
        for id in (0..self.values.len()).rev() {
            if live[id] {
                self.values[id].for_each_operand(|a| live[a as usize] = true);
            }
        }
        fuse_multiply_adds(&mut self.values, &mut live, outputs);
        live
    }

    /// Keeps what the outputs need, fuses multiply-adds, and assigns slots:
    /// parameters, then constants, then instructions, in creation order.
    fn finish(mut self, outputs: &[Id]) -> Tape {
        let live = self.live_fused(outputs);
        let n_params = self.params.len();
        let mut slot = vec![0u32; self.values.len()];
        let mut constants = Vec::new();
        for (id, value) in self.values.iter().enumerate() {
            if let (true, Value::Const(v)) = (live[id], value) {
                slot[id] = (n_params + constants.len()) as u32;
                constants.push(*v);
            }
        }
        let mut ops = Vec::new();
        for (id, value) in self.values.iter().enumerate() {
            match (live[id], value) {
                (_, Value::Param) => slot[id] = id as u32,
                (true, Value::Op(op)) => {
                    slot[id] = (n_params + constants.len() + ops.len()) as u32;
                    ops.push(op.map(|a| slot[a as usize]));
                }
                _ => {}
            }
        }
        Tape {
            id: NEXT_TAPE_ID.fetch_add(1, Ordering::Relaxed),
            n_params,
            constants,
            ops,
            outputs: outputs.iter().map(|id| slot[*id as usize]).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::symbolic::expr::{add, call, div, mul, neg, pow, sqrt, sub};

    fn x() -> Expr {
        Expr::var("x")
    }
    fn y() -> Expr {
        Expr::var("y")
    }
    fn n(v: i64) -> Expr {
        Expr::int(v)
    }
    fn rat(p: i64, q: i64) -> Expr {
        Expr::num(Num::Rat(p, q))
    }

    const POINTS: [f64; 14] = [
        -2.5,
        -1.0,
        -0.5,
        -0.0,
        0.0,
        0.3,
        0.5,
        1.0,
        2.0,
        7.25,
        1e3,
        f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
    ];

    /// Equal as values: same bits, or both nan.
    fn same(a: f64, b: f64) -> bool {
        a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
    }

    /// Equal to a few ulps (rewrites such as x^3 = x*x*x may round apart).
    fn close(a: f64, b: f64) -> bool {
        same(a, b) || (a - b).abs() <= 1e-14 * a.abs().max(b.abs())
    }

    fn one(e: Expr, params: &[&str]) -> Tape {
        match compile(&[e], params) {
            Ok(tape) => tape,
            Err(err) => panic!("compile failed: {err}"),
        }
    }

    #[test]
    fn every_unary_function_computes_func_apply() {
        for func in Func::ALL
            .into_iter()
            .filter(|f| f.arity() == 1 && !f.is_reduction())
        {
            let tape = one(call(func, vec![x()]), &["x"]);
            assert_eq!(tape.ops().len(), 1, "{func:?}");
            for v in POINTS {
                let got = tape.eval_once(&[v])[0];
                let want = func.apply(&[v]);
                assert!(same(got, want), "{func:?}({v}) = {got}, want {want}");
            }
        }
    }

    #[test]
    fn min_and_max_propagate_nan_and_match_func_apply() {
        for func in [Func::Min, Func::Max] {
            let tape = one(call(func, vec![x(), y()]), &["x", "y"]);
            for a in POINTS {
                for b in POINTS {
                    let got = tape.eval_once(&[a, b])[0];
                    assert!(same(got, func.apply(&[a, b])), "{func:?}({a}, {b})");
                }
            }
            assert!(tape.eval_once(&[f64::NAN, 1.0])[0].is_nan());
            assert!(tape.eval_once(&[1.0, f64::NAN])[0].is_nan());
        }
        let tie = one(call(Func::Max, vec![x(), y()]), &["x", "y"]);
        assert_eq!(tie.eval_once(&[2.0, 2.0]), vec![2.0]);
    }

    #[test]
    fn sign_step_sigmoid_at_their_corners() {
        let outputs = [
            call(Func::Sign, vec![x()]),
            call(Func::Step, vec![x()]),
            call(Func::Sigmoid, vec![x()]),
        ];
        let Ok(tape) = compile(&outputs, &["x"]) else {
            panic!("compiles")
        };
        assert_eq!(tape.eval_once(&[0.0]), vec![0.0, 0.5, 0.5]);
        let z = (-3f64).exp();
        assert_eq!(tape.eval_once(&[-3.0]), vec![-1.0, 0.0, z / (1.0 + z)]);
        assert_eq!(tape.eval_once(&[800.0]), vec![1.0, 1.0, 1.0]);
        assert_eq!(tape.eval_once(&[-800.0]), vec![-1.0, 0.0, 0.0]);
        assert!(tape.eval_once(&[f64::NAN]).iter().all(|v| v.is_nan()));
    }

    /// Each case: an expression in x, y and the same formula in plain f64.
    #[test]
    fn every_node_kind_matches_plain_arithmetic() {
        type Plain = fn(f64, f64) -> f64;
        let cases: Vec<(Expr, Plain)> = vec![
            (n(7), |_, _| 7.0),
            (rat(-3, 4), |_, _| -0.75),
            (Expr::constant(Constant::Pi), |_, _| std::f64::consts::PI),
            (Expr::constant(Constant::E), |_, _| std::f64::consts::E),
            (x(), |x, _| x),
            (y(), |_, y| y),
            (add([x(), y(), n(3)]), |x, y| x + y + 3.0),
            (sub(x(), y()), |x, y| x - y),
            (add([n(-6), mul([n(2), x()])]), |x, _| 2.0 * x - 6.0),
            (neg(x()), |x, _| -x),
            (neg(add([x(), y()])), |x, y| -x - y),
            (mul([n(3), x(), y()]), |x, y| 3.0 * x * y),
            (mul([n(-5), x(), y()]), |x, y| -5.0 * x * y),
            (div(x(), y()), |x, y| x / y),
            (div(n(2), mul([x(), y()])), |x, y| 2.0 / (x * y)),
            (pow(x(), n(2)), |x, _| x * x),
            (pow(x(), n(3)), |x, _| x.powi(3)),
            (pow(x(), n(5)), |x, _| x.powi(5)),
            (pow(x(), n(12)), |x, _| x.powi(12)),
            (pow(x(), n(-1)), |x, _| 1.0 / x),
            (pow(x(), n(-3)), |x, _| x.powi(-3)),
            (sqrt(x()), |x, _| x.sqrt()),
            (pow(x(), rat(3, 2)), |x, _| x.powf(1.5)),
            (pow(x(), rat(-1, 2)), |x, _| x.powf(-0.5)),
            (pow(x(), rat(1, 3)), |x, _| x.powf(1.0 / 3.0)),
            (pow(x(), Expr::float(0.1234567890123456)), |x, _| {
                x.powf(0.1234567890123456)
            }),
            (pow(x(), y()), |x, y| x.powf(y)),
            (pow(n(2), x()), |x, _| 2f64.powf(x)),
            (pow(add([x(), n(-3)]), n(2)), |x, _| (x - 3.0) * (x - 3.0)),
            (
                add([
                    pow(add([n(1), neg(x())]), n(2)),
                    mul([n(100), pow(add([y(), neg(pow(x(), n(2)))]), n(2))]),
                ]),
                |x, y| (1.0 - x).powi(2) + 100.0 * (y - x * x).powi(2),
            ),
            (
                mul([call(Func::Sin, vec![x()]), call(Func::Exp, vec![y()])]),
                |x, y| x.sin() * y.exp(),
            ),
        ];
        let points = [(0.7, -1.3), (2.0, 3.0), (-4.5, 0.25), (9.0, 1.0)];
        for (e, plain) in cases {
            let tape = one(e, &["x", "y"]);
            for (a, b) in points {
                let got = tape.eval_once(&[a, b])[0];
                let want = plain(a, b);
                assert!(
                    close(got, want),
                    "{e:?} at ({a}, {b}): {got} vs {want}\n{tape}"
                );
            }
        }
    }

    #[test]
    fn powers_become_cheap_instructions() {
        let ops = |e: Expr| one(e, &["x"]).ops().to_vec();
        assert_eq!(ops(pow(x(), n(2))), vec![Op::Mul(0, 0)]);
        assert_eq!(ops(pow(x(), n(4))), vec![Op::Mul(0, 0), Op::Mul(1, 1)]);
        assert_eq!(ops(sqrt(x())), vec![Op::Sqrt(0)]);
        assert_eq!(ops(pow(x(), n(-1))), vec![Op::Recip(0)]);
        assert_eq!(ops(pow(x(), n(20))), vec![Op::Powi(0, 20)]);
        assert_eq!(ops(pow(x(), rat(-1, 2))), vec![Op::Sqrt(0), Op::Recip(1)]);
    }

    #[test]
    fn sums_with_negative_terms_subtract() {
        // 2x - 6, canonically -6 + 2x: constants 6 and 2 in slots 1 and 2.
        let tape = one(add([mul([n(2), x()]), n(-6)]), &["x"]);
        assert_eq!(tape.constants(), &[6.0, 2.0]);
        assert_eq!(tape.ops(), &[Op::MulSub(0, 2, 1)]);
        // -x - 2y
        let tape = one(neg(add([x(), mul([n(2), y()])])), &["x", "y"]);
        assert_eq!(tape.ops(), &[Op::MulAdd(1, 2, 0), Op::Neg(3)]);
        let tape = one(sub(x(), y()), &["x", "y"]);
        assert_eq!(tape.ops(), &[Op::Sub(0, 1)]);
        let tape = one(div(x(), y()), &["x", "y"]);
        assert_eq!(tape.ops(), &[Op::Div(0, 1)]);
    }

    #[test]
    fn products_used_once_fuse_into_multiply_adds() {
        let z = Expr::var("z");
        let params = ["x", "y", "z"];
        let ops = |e: Expr| one(e, &params).ops().to_vec();
        assert_eq!(ops(add([x(), mul([y(), z])])), vec![Op::MulAdd(1, 2, 0)]);
        assert_eq!(ops(sub(x(), mul([y(), z]))), vec![Op::SubMul(0, 1, 2)]);
        assert_eq!(ops(sub(mul([y(), z]), x())), vec![Op::MulSub(1, 2, 0)]);
        // A product that is also an output, or used twice, stays.
        let yz = mul([y(), z]);
        let Ok(tape) = compile(&[add([x(), yz]), yz], &params) else {
            panic!("compiles")
        };
        assert_eq!(tape.ops(), &[Op::Mul(1, 2), Op::Add(0, 3)]);
        let (a, b, c) = (0.1, 0.7, 1e17);
        assert_eq!(tape.eval_once(&[a, b, c]), vec![a + b * c, b * c]);
        let tape = one(sub(x(), mul([y(), z])), &params);
        assert_eq!(tape.eval_once(&[a, b, c]), vec![a - b * c]);
    }

    #[test]
    fn constants_fold() {
        let sin_pi = call(Func::Sin, vec![Expr::constant(Constant::Pi)]);
        let tape = one(mul([sin_pi, x()]), &["x"]);
        assert_eq!(tape.ops().len(), 1, "{tape}");
        assert_eq!(
            tape.eval_once(&[2.0]),
            vec![std::f64::consts::PI.sin() * 2.0]
        );
        let tape = one(call(Func::Exp, vec![Expr::constant(Constant::E)]), &["x"]);
        assert!(tape.ops().is_empty());
        assert_eq!(tape.eval_once(&[0.0]), vec![std::f64::consts::E.exp()]);
    }

    #[test]
    fn shared_subexpressions_are_computed_once() {
        let sin_x = call(Func::Sin, vec![x()]);
        let outputs = [mul([sin_x, y()]), add([sin_x, y()]), sin_x];
        let Ok(tape) = compile(&outputs, &["x", "y"]) else {
            panic!("compiles")
        };
        assert_eq!(tape.ops().len(), 3, "{tape}");
        let (a, b) = (0.4f64, 1.5f64);
        assert_eq!(
            tape.eval_once(&[a, b]),
            vec![a.sin() * b, a.sin() + b, a.sin()]
        );
        // x^2 inside two different products: one multiplication x*x.
        let x2 = pow(x(), n(2));
        let outputs = [mul([x2, y()]), mul([n(3), x2]), x2];
        let Ok(tape) = compile(&outputs, &["x", "y"]) else {
            panic!("compiles")
        };
        let squares = tape.ops().iter().filter(|op| **op == Op::Mul(0, 0)).count();
        assert_eq!(squares, 1, "{tape}");
        assert_eq!(tape.ops().len(), 3, "{tape}");
    }

    #[test]
    fn outputs_may_be_parameters_or_constants() {
        let Ok(tape) = compile(&[y(), n(4), x()], &["x", "y"]) else {
            panic!("compiles")
        };
        assert!(tape.ops().is_empty());
        assert_eq!((tape.n_params(), tape.n_outputs()), (2, 3));
        assert_eq!(tape.eval_once(&[1.0, 2.0]), vec![2.0, 4.0, 1.0]);
    }

    #[test]
    fn unknown_variables_and_unresolved_calls_are_errors() {
        let Err(err) = compile(&[add([x(), y()])], &["x"]) else {
            panic!("y is not a parameter")
        };
        assert_eq!(err.kind, ErrorKind::Name);
        assert!(err.message.contains("'y'"), "{}", err.message);
        assert!(err.message.contains("x"), "{}", err.message);
        let Err(err) = compile(&[crate::symbolic::expr::apply("f", vec![x()])], &["x"]) else {
            panic!("calls must be resolved")
        };
        assert_eq!(err.kind, ErrorKind::Name);
        assert!(err.message.contains("'f'"), "{}", err.message);
    }

    #[test]
    fn tapes_of_every_size_evaluate() {
        // sum of sin(k x): 4 slots per term, so every register file size
        // (up to 64, 1024, 16384, 65536 slots, then checked) gets used.
        for terms in [5i64, 100, 2_000, 12_000, 30_000] {
            let e = add((1..=terms).map(|k| call(Func::Sin, vec![mul([n(k), x()])])));
            let tape = one(e, &["x"]);
            let v = 0.37;
            let want: f64 = (1..=terms).map(|k| (k as f64 * v).sin()).sum();
            let got = tape.eval_once(&[v])[0];
            assert!((got - want).abs() < 1e-9, "{terms} terms: {got} vs {want}");
            let mut work = tape.workspace();
            let mut out = [0.0];
            tape.eval(&[-v], &mut work, &mut out);
            assert!((out[0] + want).abs() < 1e-9, "{terms} terms at -x");
        }
    }

    #[test]
    fn evaluating_in_place_reads_and_leaves_everything_in_the_workspace() {
        // f = x*y with gradient (y, x): outputs that are parameters.
        let outputs = [mul([x(), y()]), y(), x()];
        let Ok(tape) = compile(&outputs, &["x", "y"]) else {
            panic!("compiles")
        };
        let mut work = Workspace::new();
        tape.point_mut(&mut work).copy_from_slice(&[3.0, 4.0]);
        tape.eval_in_place(&mut work);
        assert_eq!(tape.point(&work), &[3.0, 4.0]);
        assert_eq!(
            (0..3).map(|i| tape.output(&work, i)).collect::<Vec<_>>(),
            [12.0, 4.0, 3.0]
        );
        let mut out = [0.0; 3];
        tape.read_outputs(&work, &mut out);
        assert_eq!(out, [12.0, 4.0, 3.0]);
        tape.point_mut(&mut work)[1] = -1.0;
        tape.eval_in_place(&mut work);
        tape.read_outputs(&work, &mut out);
        assert_eq!(out, [-3.0, -1.0, 3.0]);
        assert_eq!(tape.eval_once(&[3.0, -1.0]), out);
    }

    #[test]
    fn a_workspace_moves_between_tapes() {
        let square = one(pow(x(), n(2)), &["x"]);
        let shifted = one(add([x(), n(10)]), &["x"]);
        let mut work = Workspace::new();
        let mut out = [0.0];
        square.eval(&[3.0], &mut work, &mut out);
        assert_eq!(out, [9.0]);
        shifted.eval(&[3.0], &mut work, &mut out);
        assert_eq!(out, [13.0]);
        square.eval(&[4.0], &mut work, &mut out);
        assert_eq!(out, [16.0]);
    }
}
