//! A program over rows as machine code: each pass is one fused loop over
//! its rows that computes every row instruction in machine registers, two
//! rows at a time in the two lanes of a vector, and adds each reduction's
//! values as it goes (no row registers at all).
//!
//! Invariant: sums are taken exactly as the interpreter takes them (see
//! `rows::run`): per chunk of `CHUNK` rows, four running lanes from +0 (row
//! i of the chunk in lane i % 4), the lanes added pairwise, the last m % 4
//! rows in order from -0, that chunk's total added to the pass's sum from
//! +0; `mean` divides by the rows read. So the numbers are the
//! interpreter's bit for bit.

use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::{InstBuilder, Value, types};
use cranelift_frontend::Variable;

use super::emit::{Array, Emitter, generate};
use super::native::{Arg, ArraySpec, Kind, Native};
use crate::compile::rows::{CHUNK, DataProgram, Pass};
use crate::symbolic::expr::Func;

/// Running lanes of a sum (as `rows::run`'s `lanes`).
const N_LANES: usize = 4;

/// A program over rows compiled to one function of its scalar registers
/// and, for a minibatch, the rows to read.
pub struct NativeRows {
    native: Native,
}

impl NativeRows {
    pub fn new(program: &DataProgram) -> Option<NativeRows> {
        let specs = [
            spec(Kind::F64, program.n_scalars),
            spec(Kind::U32In, 0),
            spec(Kind::I64, 1),
        ];
        let native = generate(&specs, |e| Fused::new(e, program).program())?;
        Some(NativeRows { native })
    }

    /// Runs every stage with the parameters and constants in `scalars`,
    /// over all rows or over the rows listed in `subset`, leaving every
    /// number computed in its scalar register.
    pub fn eval(&self, scalars: &mut [f64], subset: Option<&[u32]>) {
        let mut use_subset = [i64::from(subset.is_some())];
        self.native.call(&mut [
            Arg::F64(scalars),
            Arg::U32In(subset.unwrap_or(&[])),
            Arg::I64(&mut use_subset),
        ]);
    }
}

fn spec(kind: Kind, min_len: usize) -> ArraySpec {
    ArraySpec { kind, min_len }
}

/// The generator of one program's function.
struct Fused<'p, 'e, 'f> {
    e: &'e mut Emitter<'f>,
    program: &'p DataProgram,
    scalars: Array,
    subset: Array,
    columns: Vec<Array>,
    /// The value of each scalar register computed so far.
    values: Vec<Option<Value>>,
}

impl<'p, 'e, 'f> Fused<'p, 'e, 'f> {
    fn new(e: &'e mut Emitter<'f>, program: &'p DataProgram) -> Fused<'p, 'e, 'f> {
        let (scalars, subset) = (e.arg(0), e.arg(1));
        let columns = program
            .columns
            .iter()
            .map(|c| e.constant_array(c.clone()))
            .collect();
        let mut values = vec![None; program.n_scalars];
        let known = program.n_params + program.constants.len();
        for (i, value) in values.iter_mut().enumerate().take(known) {
            *value = Some(e.load(scalars, i));
        }
        Fused {
            e,
            program,
            scalars,
            subset,
            columns,
            values,
        }
    }

    fn scalar(&self, register: u32) -> Value {
        self.values[register as usize].expect("scalars are computed before they are read")
    }

    fn set_scalar(&mut self, register: u32, value: Value) {
        self.values[register as usize] = Some(value);
        self.e.store(self.scalars, register as usize, value);
    }

    fn program(mut self) {
        let use_subset = self.e.arg(2);
        let use_subset = self.e.load(use_subset, 0);
        for stage in &self.program.stages {
            for (dst, op) in &stage.scalar_ops {
                let value = self
                    .e
                    .op(*op, |s| self.values[s as usize].expect("computed"));
                self.set_scalar(*dst, value);
            }
            for pass in &stage.passes {
                self.pass(pass, use_subset);
            }
        }
    }

    /// One pass: its sums over all rows or the subset, then the reductions.
    fn pass(&mut self, pass: &Pass, use_subset: Value) {
        let sums: Vec<Variable> = pass.reductions.iter().map(|_| self.var(0.0)).collect();
        let n_rows = self.e.len(self.subset);
        let all_rows = self.e.int(pass.n_rows as i64);
        let n_rows = self.e.b.ins().select(use_subset, n_rows, all_rows);
        let (direct, gathered, done) = (self.block(), self.block(), self.block());
        self.e.b.ins().brif(use_subset, gathered, &[], direct, &[]);
        for (block, gather) in [(direct, false), (gathered, true)] {
            self.e.b.switch_to_block(block);
            self.chunks(pass, n_rows, gather, &sums);
            self.e.b.ins().jump(done, &[]);
        }
        self.e.b.switch_to_block(done);
        let count = self.e.b.ins().fcvt_from_uint(types::F64, n_rows);
        for ((dst, func, _), sum) in pass.reductions.iter().zip(&sums) {
            let sum = self.e.b.use_var(*sum);
            let value = match func {
                Func::Mean => self.e.b.ins().fdiv(sum, count),
                _ => sum,
            };
            self.set_scalar(*dst, value);
        }
    }

    /// The loop over chunks of `CHUNK` rows, adding each chunk's total to
    /// `sums`.
    fn chunks(&mut self, pass: &Pass, n_rows: Value, gather: bool, sums: &[Variable]) {
        let broadcasts = pass
            .broadcasts
            .iter()
            .map(|s| {
                let scalar = self.scalar(*s);
                self.e.b.ins().splat(types::F64X2, scalar)
            })
            .collect();
        let rows = Rows {
            pass,
            gather,
            broadcasts,
        };
        let start = self.e.b.declare_var(types::I64);
        let zero = self.e.int(0);
        self.e.b.def_var(start, zero);
        let (head, body, exit) = (self.block(), self.block(), self.block());
        self.e.b.ins().jump(head, &[]);
        self.e.b.switch_to_block(head);
        let at = self.e.b.use_var(start);
        let more = self.e.b.ins().icmp(IntCC::UnsignedLessThan, at, n_rows);
        self.e.b.ins().brif(more, body, &[], exit, &[]);
        self.e.b.switch_to_block(body);
        let left = self.e.b.ins().isub(n_rows, at);
        let chunk = self.e.int(CHUNK as i64);
        let m = self.e.b.ins().umin(left, chunk);
        self.chunk(&rows, at, m, sums);
        let next = self.e.b.ins().iadd(at, m);
        self.e.b.def_var(start, next);
        self.e.b.ins().jump(head, &[]);
        self.e.b.switch_to_block(exit);
    }

    /// The `m` rows from `at`: in fours, two vectors of two rows each
    /// (lanes 0 and 1, lanes 2 and 3), then the last rows one by one; each
    /// reduction's total of the chunk added to its sum.
    fn chunk(&mut self, rows: &Rows<'_>, at: Value, m: Value, sums: &[Variable]) {
        let whole = self.e.b.ins().band_imm_s(m, !(N_LANES as i64 - 1));
        let end_whole = self.e.b.ins().iadd(at, whole);
        let pairs: Vec<[Variable; 2]> = sums
            .iter()
            .map(|_| [self.pair_var(), self.pair_var()])
            .collect();
        self.row_loop(at, end_whole, N_LANES, |fused, r| {
            for half in 0..2 {
                let first = fused.e.b.ins().iadd_imm_s(r, 2 * half as i64);
                let values = fused.row_pair(rows, first);
                for (pair, value) in pairs.iter().zip(values) {
                    fused.add_to(pair[half], value);
                }
            }
        });
        let tails: Vec<Variable> = sums.iter().map(|_| self.var(-0.0)).collect();
        let end = self.e.b.ins().iadd(at, m);
        self.row_loop(end_whole, end, 1, |fused, r| {
            let values = fused.row(rows, r);
            for (tail, value) in tails.iter().zip(values) {
                fused.add_to(*tail, value);
            }
        });
        for ((sum, pair), tail) in sums.iter().zip(&pairs).zip(&tails) {
            self.add_chunk_total(*sum, *pair, *tail);
        }
    }

    /// `sum += ((l0 + l1) + (l2 + l3)) + tail`, the lanes those of `pair`.
    fn add_chunk_total(&mut self, sum: Variable, pair: [Variable; 2], tail: Variable) {
        let [low, high] = pair.map(|v| self.e.b.use_var(v));
        let mut lane = |v: Value, k: u8| self.e.b.ins().extractlane(v, k);
        let (l0, l1, l2, l3) = (lane(low, 0), lane(low, 1), lane(high, 0), lane(high, 1));
        let low = self.e.b.ins().fadd(l0, l1);
        let high = self.e.b.ins().fadd(l2, l3);
        let lanes = self.e.b.ins().fadd(low, high);
        let tail = self.e.b.use_var(tail);
        let total = self.e.b.ins().fadd(lanes, tail);
        self.add_to(sum, total);
    }

    /// A loop over rows `from..to`, `step` rows per iteration, running
    /// `body` on the first row of each.
    fn row_loop(
        &mut self,
        from: Value,
        to: Value,
        step: usize,
        mut body: impl FnMut(&mut Self, Value),
    ) {
        let row = self.e.b.declare_var(types::I64);
        self.e.b.def_var(row, from);
        let (head, block, exit) = (self.block(), self.block(), self.block());
        self.e.b.ins().jump(head, &[]);
        self.e.b.switch_to_block(head);
        let r = self.e.b.use_var(row);
        let more = self.e.b.ins().icmp(IntCC::UnsignedLessThan, r, to);
        self.e.b.ins().brif(more, block, &[], exit, &[]);
        self.e.b.switch_to_block(block);
        body(self, r);
        let next = self.e.b.ins().iadd_imm_s(r, step as i64);
        self.e.b.def_var(row, next);
        self.e.b.ins().jump(head, &[]);
        self.e.b.switch_to_block(exit);
    }

    /// The values of the pass's reduction operands on row `at` of the pass
    /// (of the subset, when gathering).
    fn row(&mut self, rows: &Rows<'_>, at: Value) -> Vec<Value> {
        let pass = rows.pass;
        let index = if rows.gather {
            self.e.load_at(self.subset, at)
        } else {
            at
        };
        let mut registers: Vec<Value> = Vec::with_capacity(pass.n_slots());
        for column in &pass.loads {
            let value = self.e.load_at(self.columns[*column as usize], index);
            registers.push(value);
        }
        for scalar in &pass.broadcasts {
            registers.push(self.scalar(*scalar));
        }
        for (op, _) in &pass.ops {
            let value = self.e.op(*op, |a| registers[a as usize]);
            registers.push(value);
        }
        let reduced = pass
            .reductions
            .iter()
            .map(|(_, _, r)| registers[*r as usize]);
        reduced.collect()
    }

    /// As `row`, on rows `at` and `at + 1` at once, as vectors.
    fn row_pair(&mut self, rows: &Rows<'_>, at: Value) -> Vec<Value> {
        let pass = rows.pass;
        let mut registers: Vec<Value> = Vec::with_capacity(pass.n_slots());
        for column in &pass.loads {
            let column = self.columns[*column as usize];
            let value = if rows.gather {
                let next = self.e.b.ins().iadd_imm_s(at, 1);
                let (first, second) = (
                    self.e.load_at(self.subset, at),
                    self.e.load_at(self.subset, next),
                );
                let (low, high) = (
                    self.e.load_at(column, first),
                    self.e.load_at(column, second),
                );
                let vector = self.e.b.ins().scalar_to_vector(types::F64X2, low);
                self.e.b.ins().insertlane(vector, high, 1)
            } else {
                self.e.load_pair_at(column, at)
            };
            registers.push(value);
        }
        registers.extend_from_slice(&rows.broadcasts);
        for (op, _) in &pass.ops {
            let value = self.e.op_pair(*op, |a| registers[a as usize]);
            registers.push(value);
        }
        let reduced = pass
            .reductions
            .iter()
            .map(|(_, _, r)| registers[*r as usize]);
        reduced.collect()
    }

    /// A new vector variable holding two zeros (+0).
    fn pair_var(&mut self) -> Variable {
        let var = self.e.b.declare_var(types::F64X2);
        let zero = self.e.f64(0.0);
        let zeros = self.e.b.ins().splat(types::F64X2, zero);
        self.e.b.def_var(var, zeros);
        var
    }

    /// `var = var + value`.
    fn add_to(&mut self, var: Variable, value: Value) {
        let old = self.e.b.use_var(var);
        let new = self.e.b.ins().fadd(old, value);
        self.e.b.def_var(var, new);
    }

    /// A new variable holding `init`.
    fn var(&mut self, init: f64) -> Variable {
        let var = self.e.b.declare_var(types::F64);
        let value = self.e.f64(init);
        self.e.b.def_var(var, value);
        var
    }

    fn block(&mut self) -> cranelift_codegen::ir::Block {
        self.e.b.create_block()
    }
}

/// The rows a loop reads: the pass, whether through the subset, and the
/// broadcast numbers as vectors.
struct Rows<'p> {
    pass: &'p Pass,
    gather: bool,
    broadcasts: Vec<Value>,
}
