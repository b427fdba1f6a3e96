//! Native code against the interpreter, bit for bit, on every instruction,
//! on programs over rows with and without a subset, and on the register
//! file a native tape leaves.

use super::*;
use crate::compile::testing::{POINTS, data, mean, one, program, same, x, y};
use crate::compile::{DataProgram, Op, Tape, compile};
use crate::symbolic::expr::{Expr, Func, add, call, mul, pow, sub};

/// Every output of `tape` at `point`, interpreted and native.
fn both(tape: &Tape, point: &[f64]) -> (Vec<f64>, Vec<f64>) {
    let native = NativeTape::new(tape).expect("a code generator for this machine");
    let mut work = tape.workspace();
    tape.point_mut(&mut work).copy_from_slice(point);
    native.eval(tape.registers_mut(&mut work));
    let mut got = vec![0.0; tape.n_outputs()];
    tape.read_outputs(&work, &mut got);
    (tape.eval_once(point), got)
}

#[test]
fn every_instruction_matches_the_interpreter() {
    let mut outputs: Vec<Expr> = Func::ALL
        .into_iter()
        .filter(|f| !f.is_reduction())
        .map(|f| match f.arity() {
            1 => call(f, vec![x()]),
            _ => call(f, vec![x(), y()]),
        })
        .collect();
    outputs.extend([
        pow(x(), y()),
        pow(x(), Expr::int(37)),
        pow(x(), Expr::int(-3)),
        add([mul([x(), y()]), Expr::int(3)]),
        sub(x(), mul([Expr::int(5), y()])),
        sub(mul([Expr::int(7), x()]), y()),
        crate::symbolic::expr::sqrt(x()),
    ]);
    let Ok(tape) = compile(&outputs, &["x", "y"]) else {
        panic!("compiles")
    };
    let kinds: Vec<&str> = tape.ops().iter().map(op_name).collect();
    for wanted in ["muladd", "submul", "mulsub", "powi", "recip"] {
        assert!(kinds.contains(&wanted), "{wanted} in {kinds:?}");
    }
    for a in POINTS {
        for b in POINTS {
            let (want, got) = both(&tape, &[a, b]);
            for (k, (w, g)) in want.iter().zip(&got).enumerate() {
                assert!(same(*w, *g), "output {k} at ({a}, {b}): {g} vs {w}");
            }
        }
    }
}

fn op_name(op: &Op) -> &'static str {
    match op {
        Op::MulAdd(..) => "muladd",
        Op::SubMul(..) => "submul",
        Op::MulSub(..) => "mulsub",
        Op::Powi(..) => "powi",
        Op::Recip(..) => "recip",
        _ => "other",
    }
}

#[test]
fn a_native_tape_writes_only_its_outputs() {
    let tape = one(add([mul([x(), x()]), Expr::int(1)]), &["x"]);
    let native = NativeTape::new(&tape).expect("a code generator");
    let mut regs = vec![-7.0; tape.n_slots() + 3];
    regs[0] = 3.0;
    native.eval(&mut regs);
    let out = tape.outputs()[0] as usize;
    assert_eq!(regs[out], 10.0);
    for (i, r) in regs.iter().enumerate() {
        assert!(i == 0 || i == out || *r == -7.0, "slot {i} written");
    }
}

/// Every number output of `p`, interpreted and native, over `subset`.
fn rows_both(p: &DataProgram, point: &[f64], subset: Option<&[u32]>) -> (Vec<f64>, Vec<f64>) {
    let native = NativeRows::new(p).expect("a code generator");
    let mut want = vec![0.0; p.n_outputs()];
    p.eval(point, subset, &mut p.workspace(), &mut want);
    let mut work = p.workspace();
    work.scalars[..point.len()].copy_from_slice(point);
    native.eval(&mut work.scalars, subset);
    let mut got = vec![0.0; p.n_outputs()];
    p.read_outputs(&work, &mut got);
    (want, got)
}

#[test]
fn programs_over_rows_sum_as_the_interpreter_does() {
    // Lengths around the chunk and lane sizes; values whose sums round
    // differently in another order.
    for n_rows in [1usize, 3, 4, 5, 255, 256, 257, 515, 1000] {
        let xs: Vec<f64> = (0..n_rows)
            .map(|i| ((i * 37 % 101) as f64 - 50.0) * 0.1)
            .collect();
        let ys: Vec<f64> = xs.iter().map(|v| 1e16 * v.sin() + 0.3).collect();
        let (xd, yd) = (data("X", &xs), data("Y", &ys));
        let w = Expr::var("w");
        let residual = sub(mul([w, xd]), yd);
        let loss = mean(pow(residual, Expr::int(2)));
        let centered = mean(pow(sub(xd, mean(xd)), Expr::int(2)));
        let total = call(Func::Sum, vec![call(Func::Exp, vec![mul([w, xd])])]);
        let p = program(&[loss, centered, total, mul([w, w])], &["w"]);
        let (want, got) = rows_both(&p, &[0.7], None);
        assert!(
            want.iter().zip(&got).all(|(a, b)| same(*a, *b)),
            "{n_rows}: {got:?} vs {want:?}"
        );
        let subset: Vec<u32> = (0..n_rows as u32).rev().step_by(2).collect();
        let (want, got) = rows_both(&p, &[-1.3], Some(&subset));
        assert!(
            want.iter().zip(&got).all(|(a, b)| same(*a, *b)),
            "{n_rows} subset: {got:?} vs {want:?}"
        );
    }
}

#[test]
fn engines_by_name() {
    assert!(!Engine::Interpreter.chooses_native(u64::MAX));
    assert!(Engine::Native.chooses_native(0));
    assert!(Engine::Auto.chooses_native(WORTH_COMPILING));
    assert!(!Engine::Auto.chooses_native(WORTH_COMPILING - 1));
}

/// Native code takes sine and cosine from one call: that call must give
/// the numbers of the two the interpreter makes, on every kind of input.
#[test]
fn sin_cos_gives_the_numbers_of_sin_and_cos() {
    use crate::compile::calls;
    let mut bits: u64 = 0x9E37_79B9_7F4A_7C15;
    for i in 0..200_000u32 {
        bits ^= bits << 13;
        bits ^= bits >> 7;
        bits ^= bits << 17;
        let x = match i % 3 {
            0 => f64::from_bits(bits),
            1 => (bits >> 11) as f64 / (1u64 << 53) as f64 * 20.0 - 10.0,
            _ => (bits >> 11) as f64 / (1u64 << 53) as f64 * 2e6 - 1e6,
        };
        let mut cos = 0.0;
        let sin = calls::sin_cos(x, &mut cos);
        assert!(
            same(sin, calls::sin(x)) && same(cos, calls::cos(x)),
            "at {x:e}"
        );
    }
}
