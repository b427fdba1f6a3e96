//! A compiled program: outputs over parameters, as a flat tape or, when
//! any output uses data, as a program over the rows; with its workspace and
//! the point it is evaluated at. Descent, plots and checks run programs and
//! never ask which kind they hold.
//!
//! Invariant: this is the only place that chooses between a tape and a
//! program over rows; evaluating allocates nothing (but `values`, which
//! returns what it computed).

use super::{DataProgram, DataWork, Evaluated, Tape, Workspace, compile, compile_rows};
use crate::error::Result;
use crate::symbolic::Expr;
use crate::symbolic::data::has_data;

/// Outputs over parameters, ready to evaluate.
pub struct Program {
    code: Code,
}

enum Code {
    /// The point lives in the workspace's parameter slots, where the tape
    /// reads it in place.
    Tape(Tape, Workspace),
    Rows {
        program: DataProgram,
        work: DataWork,
        point: Vec<f64>,
    },
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
            }
        } else {
            let tape = compile(outputs, params)?;
            let work = tape.workspace();
            Code::Tape(tape, work)
        };
        Ok(Program { code })
    }

    pub fn n_params(&self) -> usize {
        match &self.code {
            Code::Tape(tape, _) => tape.n_params(),
            Code::Rows { program, .. } => program.n_params(),
        }
    }

    pub fn n_outputs(&self) -> usize {
        match &self.code {
            Code::Tape(tape, _) => tape.n_outputs(),
            Code::Rows { program, .. } => program.n_outputs(),
        }
    }

    /// The number of rows of its data: 0 without data, else the longest.
    pub fn rows(&self) -> usize {
        match &self.code {
            Code::Tape(..) => 0,
            Code::Rows { program, .. } => program.row_counts().into_iter().max().unwrap_or(0),
        }
    }

    /// About how many instructions one evaluation runs (on all rows).
    pub fn cost(&self) -> usize {
        match &self.code {
            Code::Tape(tape, _) => tape.ops().len(),
            Code::Rows { program, .. } => program.row_ops().max(1) * self.rows().max(1),
        }
    }

    /// The point the program is evaluated at.
    pub fn point(&self) -> &[f64] {
        match &self.code {
            Code::Tape(tape, work) => tape.point(work),
            Code::Rows { point, .. } => point,
        }
    }

    pub fn point_mut(&mut self) -> &mut [f64] {
        match &mut self.code {
            Code::Tape(tape, work) => tape.point_mut(work),
            Code::Rows { point, .. } => point,
        }
    }

    /// The outputs at the point, on all rows.
    pub fn eval(&mut self, out: &mut [f64]) {
        self.run_with(Eval(out));
    }

    /// Runs `user` with the evaluator of this program's kind: a hot loop
    /// written once, generic over `Evaluator`, is compiled for each kind
    /// and chooses nothing per step.
    pub fn run_with<U: WithEvaluator>(&mut self, user: U) -> U::Output {
        match &mut self.code {
            Code::Tape(tape, work) => user.run(&mut TapeAt { tape, work }),
            Code::Rows {
                program,
                work,
                point,
            } => user.run(&mut RowsAt {
                program,
                work,
                point,
            }),
        }
    }

    /// The outputs at `x`, which becomes the point (for both kinds):
    /// numbers, or one number per row for an output that uses data outside
    /// reductions.
    pub fn values(&mut self, x: &[f64]) -> Vec<Evaluated> {
        self.point_mut().copy_from_slice(x);
        match &mut self.code {
            Code::Tape(tape, work) => {
                let mut out = vec![0.0; tape.n_outputs()];
                tape.eval_in_place(work);
                tape.read_outputs(work, &mut out);
                out.into_iter().map(Evaluated::Number).collect()
            }
            Code::Rows { program, point, .. } => program.eval_all(point),
        }
    }
}

/// Where a hot loop evaluates a program: at a point it holds, on all rows
/// or on some (a program without data has one value, whatever the rows).
pub trait Evaluator {
    fn eval(&mut self, out: &mut [f64]);
    fn eval_rows(&mut self, rows: &[u32], out: &mut [f64]);
    fn point(&self) -> &[f64];
    fn point_mut(&mut self) -> &mut [f64];
}

/// Code generic over the evaluator: `Program::run_with` runs it with the
/// one that fits the program.
pub trait WithEvaluator {
    type Output;
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
