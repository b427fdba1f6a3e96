//! A compiled program: outputs over parameters, as a flat tape or, when
//! any output uses data, as a program over the rows; with its workspace,
//! the point it is evaluated at, and its native code once a run has asked
//! for it. Descent, plots and checks run programs and never ask which kind
//! they hold, nor which engine runs it.
//!
//! Invariant: this is the only place that chooses between a tape and a
//! program over rows, and between the interpreter and native code (by the
//! `Engine` and the work a run announces); native code is compiled at most
//! once per program and freed with it; evaluating allocates nothing (but
//! `values`, which returns what it computed).

use super::jit::{Engine, NativeRows, NativeTape};
use super::{DataProgram, DataWork, Evaluated, Tape, Workspace, compile, compile_rows};
use crate::error::Result;
use crate::symbolic::Expr;
use crate::symbolic::data::has_data;

/// Outputs over parameters, ready to evaluate.
pub struct Program {
    code: Code,
    engine: Engine,
}

enum Code {
    /// The point lives in the workspace's parameter slots, where the tape
    /// reads it in place.
    Tape {
        tape: Tape,
        work: Workspace,
        native: Lazy<NativeTape>,
    },
    Rows {
        program: DataProgram,
        work: DataWork,
        point: Vec<f64>,
        native: Lazy<NativeRows>,
    },
}

/// Native code, compiled the first time a run wants it.
enum Lazy<T> {
    Untried,
    Ready(T),
    /// No code generator for this machine: the interpreter runs.
    Unavailable,
}

impl<T> Lazy<T> {
    /// The code, compiled by `make` if not tried yet.
    fn get(&mut self, make: impl FnOnce() -> Option<T>) -> Option<&T> {
        if let Lazy::Untried = self {
            *self = make().map_or(Lazy::Unavailable, Lazy::Ready);
        }
        match self {
            Lazy::Ready(code) => Some(code),
            _ => None,
        }
    }

    /// `get` when `wanted`, else none.
    fn get_if(&mut self, wanted: bool, make: impl FnOnce() -> Option<T>) -> Option<&T> {
        if wanted { self.get(make) } else { None }
    }
}

impl Program {
    /// Compiles `outputs` over `params`, over the rows when any output uses
    /// data. The point starts at 0.
    pub fn new(outputs: &[Expr], params: &[&str]) -> Result<Program> {
        let code = if outputs.iter().any(|e| has_data(*e)) {
            let program = compile_rows(outputs, params)?;
            Code::Rows {
                work: program.workspace(),
                point: vec![0.0; params.len()],
                program,
                native: Lazy::Untried,
            }
        } else {
            let tape = compile(outputs, params)?;
            let work = tape.workspace();
            Code::Tape {
                tape,
                work,
                native: Lazy::Untried,
            }
        };
        Ok(Program {
            code,
            engine: Engine::default(),
        })
    }

    /// Runs on `engine` from now on (by default, the one `GD_JIT` asks
    /// for).
    pub fn set_engine(&mut self, engine: Engine) {
        self.engine = engine;
    }

    pub fn n_params(&self) -> usize {
        match &self.code {
            Code::Tape { tape, .. } => tape.n_params(),
            Code::Rows { program, .. } => program.n_params(),
        }
    }

    pub fn n_outputs(&self) -> usize {
        match &self.code {
            Code::Tape { tape, .. } => tape.n_outputs(),
            Code::Rows { program, .. } => program.n_outputs(),
        }
    }

    /// The number of rows of its data: 0 without data, else the longest.
    pub fn rows(&self) -> usize {
        match &self.code {
            Code::Tape { .. } => 0,
            Code::Rows { program, .. } => program.most_rows(),
        }
    }

    /// About how many instructions one evaluation runs (on all rows).
    pub fn cost(&self) -> usize {
        match &self.code {
            Code::Tape { tape, .. } => tape.ops().len(),
            Code::Rows { program, .. } => program.row_ops().max(1) * self.rows().max(1),
        }
    }

    /// The point the program is evaluated at.
    pub fn point(&self) -> &[f64] {
        match &self.code {
            Code::Tape { tape, work, .. } => tape.point(work),
            Code::Rows { point, .. } => point,
        }
    }

    pub fn point_mut(&mut self) -> &mut [f64] {
        match &mut self.code {
            Code::Tape { tape, work, .. } => tape.point_mut(work),
            Code::Rows { point, .. } => point,
        }
    }

    /// The outputs at the point, on all rows.
    pub fn eval(&mut self, out: &mut [f64]) {
        self.run_with(Eval(out));
    }

    /// Runs `user` with the evaluator of this program's kind and engine: a
    /// hot loop written once, generic over `Evaluator`, is compiled for
    /// each and chooses nothing per step. Native code runs when the engine
    /// says the work `user` announces is worth compiling for.
    pub fn run_with<U: WithEvaluator>(&mut self, user: U) -> U::Output {
        let work = user.evaluations().saturating_mul(self.cost() as u64);
        let wants_native = self.engine.chooses_native(work);
        match &mut self.code {
            Code::Tape { tape, work, native } => {
                let code = native.get_if(wants_native, || NativeTape::new(tape));
                match code {
                    Some(code) => user.run(&mut NativeTapeAt { tape, code, work }),
                    None => user.run(&mut TapeAt { tape, work }),
                }
            }
            Code::Rows {
                program,
                work,
                point,
                native,
            } => {
                let code = native.get_if(wants_native, || NativeRows::new(program));
                match code {
                    Some(code) => user.run(&mut NativeRowsAt {
                        program,
                        code,
                        work,
                        point,
                    }),
                    None => user.run(&mut RowsAt {
                        program,
                        work,
                        point,
                    }),
                }
            }
        }
    }

    /// The outputs at `x`, which becomes the point (for both kinds):
    /// numbers, or one number per row for an output that uses data outside
    /// reductions.
    pub fn values(&mut self, x: &[f64]) -> Vec<Evaluated> {
        self.point_mut().copy_from_slice(x);
        if let Code::Rows { program, point, .. } = &self.code {
            return program.eval_all(point);
        }
        let mut out = vec![0.0; self.n_outputs()];
        self.eval(&mut out);
        out.into_iter().map(Evaluated::Number).collect()
    }
}

/// Where a hot loop evaluates a program: at a point it holds, on all rows
/// or on some (a program without data has one value, whatever the rows).
pub trait Evaluator {
    fn eval(&mut self, out: &mut [f64]);
    fn eval_rows(&mut self, rows: &[u32], out: &mut [f64]);
    fn point(&self) -> &[f64];
    fn point_mut(&mut self) -> &mut [f64];

    /// The tape, when this evaluator runs it as native code: a caller may
    /// then compile a whole loop around it (`jit::emit_tape`), which gives
    /// the same numbers.
    fn native_tape(&self) -> Option<&Tape> {
        None
    }
}

/// Code generic over the evaluator: `Program::run_with` runs it with the
/// one that fits the program.
pub trait WithEvaluator {
    type Output;

    /// About how many evaluations `run` will make (on all rows), for the
    /// choice of engine.
    fn evaluations(&self) -> u64 {
        1
    }

    fn run<E: Evaluator>(self, evaluator: &mut E) -> Self::Output;
}

/// A tape and its workspace, whose parameter slots hold the point.
struct TapeAt<'a> {
    tape: &'a Tape,
    work: &'a mut Workspace,
}

impl Evaluator for TapeAt<'_> {
    #[inline]
    fn eval(&mut self, out: &mut [f64]) {
        self.tape.eval_in_place(self.work);
        self.tape.read_outputs(self.work, out);
    }

    #[inline]
    fn eval_rows(&mut self, _rows: &[u32], out: &mut [f64]) {
        self.eval(out);
    }

    #[inline]
    fn point(&self) -> &[f64] {
        self.tape.point(self.work)
    }

    #[inline]
    fn point_mut(&mut self) -> &mut [f64] {
        self.tape.point_mut(self.work)
    }
}

/// A tape run as native code, with the tape's workspace.
struct NativeTapeAt<'a> {
    tape: &'a Tape,
    code: &'a NativeTape,
    work: &'a mut Workspace,
}

impl Evaluator for NativeTapeAt<'_> {
    #[inline]
    fn eval(&mut self, out: &mut [f64]) {
        self.code.eval(self.tape.registers_mut(self.work));
        self.tape.read_outputs(self.work, out);
    }

    #[inline]
    fn eval_rows(&mut self, _rows: &[u32], out: &mut [f64]) {
        self.eval(out);
    }

    #[inline]
    fn point(&self) -> &[f64] {
        self.tape.point(self.work)
    }

    #[inline]
    fn point_mut(&mut self) -> &mut [f64] {
        self.tape.point_mut(self.work)
    }

    fn native_tape(&self) -> Option<&Tape> {
        Some(self.tape)
    }
}

/// A program over rows, its workspace and its point.
struct RowsAt<'a> {
    program: &'a DataProgram,
    work: &'a mut DataWork,
    point: &'a mut Vec<f64>,
}

impl Evaluator for RowsAt<'_> {
    #[inline]
    fn eval(&mut self, out: &mut [f64]) {
        self.program.eval(self.point, None, self.work, out);
    }

    #[inline]
    fn eval_rows(&mut self, rows: &[u32], out: &mut [f64]) {
        self.program.eval(self.point, Some(rows), self.work, out);
    }

    #[inline]
    fn point(&self) -> &[f64] {
        self.point
    }

    #[inline]
    fn point_mut(&mut self) -> &mut [f64] {
        self.point
    }
}

/// A program over rows run as native code.
struct NativeRowsAt<'a> {
    program: &'a DataProgram,
    code: &'a NativeRows,
    work: &'a mut DataWork,
    point: &'a mut Vec<f64>,
}

impl NativeRowsAt<'_> {
    fn eval_on(&mut self, rows: Option<&[u32]>, out: &mut [f64]) {
        let n = self.point.len();
        self.work.scalars[..n].copy_from_slice(self.point);
        self.code.eval(&mut self.work.scalars, rows);
        self.program.read_outputs(self.work, out);
    }
}

impl Evaluator for NativeRowsAt<'_> {
    #[inline]
    fn eval(&mut self, out: &mut [f64]) {
        self.eval_on(None, out);
    }

    #[inline]
    fn eval_rows(&mut self, rows: &[u32], out: &mut [f64]) {
        self.eval_on(Some(rows), out);
    }

    #[inline]
    fn point(&self) -> &[f64] {
        self.point
    }

    #[inline]
    fn point_mut(&mut self) -> &mut [f64] {
        self.point
    }
}

/// `Program::eval` through the evaluator.
struct Eval<'o>(&'o mut [f64]);

impl WithEvaluator for Eval<'_> {
    type Output = ();
    fn run<E: Evaluator>(self, evaluator: &mut E) {
        evaluator.eval(self.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::symbolic::data::DataRef;
    use crate::symbolic::expr::{Func, call, mul};

    #[test]
    fn values_move_the_point_of_either_kind() {
        let w = Expr::var("w");
        let x = Expr::data(DataRef::new("X", vec![1.0, 2.0]));
        // w*w and sum(w*X) over X = [1, 2] are both 9 at w = 3.
        let bodies = [mul([w, w]), call(Func::Sum, vec![mul([w, x])])];
        for (body, rows) in bodies.into_iter().zip([0, 2]) {
            let mut program = Program::new(&[body], &["w"]).expect("compiles");
            assert_eq!(program.rows(), rows);
            assert_eq!(program.values(&[3.0]), vec![Evaluated::Number(9.0)]);
            assert_eq!(program.point(), &[3.0]);
            let mut out = [0.0];
            program.eval(&mut out);
            assert_eq!(out, [9.0]);
        }
    }
}
