//! Runs a program over data: each stage's scalar instructions, then its
//! passes over the rows a chunk at a time, each row instruction one tight
//! loop over the chunk, sums taken in running lanes.
//!
//! Invariant: evaluation allocates nothing once a `DataWork` is prepared,
//! and every sum over rows is taken the same way (see `lanes`), fused into
//! the instruction or not, so fusing never changes a value.

use std::rc::Rc;

use super::{CHUNK, DataProgram, DataWork, Evaluated, Output, Pass, Target};
use crate::compile::isa::{Op, exec};
use crate::symbolic::expr::Func;

/// Values of `f64` in a 64-byte cache line.
const CACHE_LINE: usize = 8;

/// Distance between two row registers: a chunk and a cache line more, so
/// registers do not start at the same offset modulo 4 KB (loads from one
/// and stores to another would then falsely alias, which costs more than
/// half the speed).
const STRIDE: usize = CHUNK + CACHE_LINE;

/// Running sums in `lanes` (whose last step adds four pairwise).
const N_LANES: usize = 4;

impl DataProgram {
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
        self.read_outputs(work, out);
    }

    /// The outputs that are numbers, from the scalar registers of the last
    /// evaluation in `work`; outputs with rows are nan.
    pub(in crate::compile) fn read_outputs(&self, work: &DataWork, out: &mut [f64]) {
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
    let mut lanes = [0.0f64; N_LANES];
    let whole = n - n % N_LANES;
    let mut i = 0;
    while i < whole {
        for (k, lane) in lanes.iter_mut().enumerate() {
            *lane += value(i + k);
        }
        i += N_LANES;
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
    use crate::compile::testing::{data, mean, program, same};
    use crate::symbolic::expr::{Expr, add, call, mul, pow, sub};

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
                assert!(same(*g, want), "{func:?} row {i}: {g} vs {want}");
            }
        }
    }
}
