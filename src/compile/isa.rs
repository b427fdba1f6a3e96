//! The instruction set shared by tapes and programs over rows: `Op`, its
//! operand helpers, and `exec`, the meaning of each instruction.
//!
//! Invariant: `exec` is the only place that gives instructions their meaning;
//! evaluation, constant folding and the row loops all go through it, so they
//! cannot disagree on a value (native code, `jit`, emits the same operations
//! and calls the same built-ins, `calls`).

use super::calls;
use crate::symbolic::expr::Func;

/// The most operands an instruction has (`MulAdd` and its kin).
pub(super) const MAX_OPERANDS: usize = 3;

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
    pub(super) fn map(self, mut f: impl FnMut(u32) -> u32) -> Op {
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
    pub(super) fn for_each_operand(self, mut f: impl FnMut(u32)) {
        self.map(|a| {
            f(a);
            a
        });
    }

    /// The instruction for a built-in function of `args`, which has the
    /// function's arity (callers of `expr::call` check it), so at least one;
    /// `None` for the reductions, which are not instructions.
    pub(super) fn call(func: Func, args: &[u32]) -> Option<Op> {
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

/// The value of one instruction, reading its operands through `at`. The only
/// place that gives instructions their meaning: evaluation and constant
/// folding both go through it.
#[inline(always)]
pub(super) fn exec(op: Op, at: impl Fn(u32) -> f64) -> f64 {
    match op {
        Op::Add(a, b) => at(a) + at(b),
        Op::Sub(a, b) => at(a) - at(b),
        Op::Mul(a, b) => at(a) * at(b),
        Op::Div(a, b) => at(a) / at(b),
        Op::Neg(a) => -at(a),
        Op::Recip(a) => 1.0 / at(a),
        Op::Sqrt(a) => at(a).sqrt(),
        Op::Powi(a, k) => calls::powi(at(a), k),
        Op::Powf(a, b) => calls::powf(at(a), at(b)),
        Op::Sin(a) => calls::sin(at(a)),
        Op::Cos(a) => calls::cos(at(a)),
        Op::Tan(a) => calls::tan(at(a)),
        Op::Asin(a) => calls::asin(at(a)),
        Op::Acos(a) => calls::acos(at(a)),
        Op::Atan(a) => calls::atan(at(a)),
        Op::Sinh(a) => calls::sinh(at(a)),
        Op::Cosh(a) => calls::cosh(at(a)),
        Op::Tanh(a) => calls::tanh(at(a)),
        Op::Exp(a) => calls::exp(at(a)),
        Op::Ln(a) => calls::ln(at(a)),
        Op::Log2(a) => calls::log2(at(a)),
        Op::Log10(a) => calls::log10(at(a)),
        Op::Abs(a) => at(a).abs(),
        Op::Sign(a) => calls::sign(at(a)),
        Op::Step(a) => calls::step(at(a)),
        Op::Sigmoid(a) => calls::sigmoid(at(a)),
        Op::Min(a, b) => calls::min(at(a), at(b)),
        Op::Max(a, b) => calls::max(at(a), at(b)),
        Op::MulAdd(a, b, c) => at(a) * at(b) + at(c),
        Op::MulSub(a, b, c) => at(a) * at(b) - at(c),
        Op::SubMul(a, b, c) => at(a) - at(b) * at(c),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compile::compile;
    use crate::compile::testing::{POINTS, one, same, x, y};
    use crate::symbolic::expr::call;

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
}
