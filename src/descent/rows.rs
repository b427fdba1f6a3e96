//! The descent loop on a loss over data: the same optimizers, trace, status
//! and verdict as `run`, on a program compiled over rows (see
//! `compile::rows`), with minibatches when asked.
//!
//! Each step evaluates the loss and its gradient on all rows at the current
//! point: that is the trace entry (so `f`, the gradient norm, `tol` and the
//! verdict mean the same with and without batches). With `batch N`, the
//! update then uses the gradient on the next minibatch from the `Sampler`
//! (Newton's method takes its Hessian on the same rows).
//!
//! The loop itself is `descend`, shared with `run`; this file says how to
//! evaluate on rows and step on a minibatch (`RowsAt`).
//!
//! Invariant: as in `run`, everything is allocated before the first update.

use std::sync::atomic::AtomicBool;

use super::newton::Hessian;
use super::optimizer::Optimizer;
use super::sampler::Sampler;
use super::{Config, Culprit, Evaluate, Run, descend};
use crate::compile::{DataProgram, DataWork};

/// A loss over data: a program with outputs `[f, df/dp1, ..., df/dpn]` and,
/// for Newton's method, one of the n*n second derivatives.
#[derive(Copy, Clone, Debug)]
pub struct DataObjective<'a> {
    pub program: &'a DataProgram,
    pub hessian: Option<&'a DataProgram>,
}

/// Minibatches: `size` rows per step (at most the rows there are), drawn
/// by a sampler seeded with `seed`.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Batches {
    pub size: usize,
    pub seed: u64,
}

/// Runs the descent from `start` on a loss over data; `batches` makes it
/// stochastic. Every program must read data of one length when batched.
///
/// # Panics
/// When the programs do not have `start.len()` parameters and the right
/// number of outputs, or the method needs the Hessian and there is none.
pub fn run_rows(
    objective: DataObjective<'_>,
    start: &[f64],
    config: &Config,
    batches: Option<Batches>,
    interrupt: &AtomicBool,
) -> Run {
    let program = objective.program;
    let n = start.len();
    assert_eq!(program.n_params(), n, "one start coordinate per parameter");
    assert_eq!(program.n_outputs(), n + 1, "outputs are [f, gradient]");
    let n_rows = program.row_counts().into_iter().max().unwrap_or(0);
    // About every million row instructions (at least every step of a big
    // data set, at most every 4096 steps).
    let work_per_step = program.row_ops().max(1) * n_rows.max(1);
    let check_interrupt_mask = super::steps_per_check(work_per_step) - 1;
    let hessian = objective.hessian.map(Hessian::Rows);
    let optimizer = Optimizer::new(&config.method, config.sense, n, hessian);
    let mut at = RowsAt {
        program,
        work: program.workspace(),
        x: start.to_vec(),
        sampler: batches.map(|b| Sampler::new(n_rows, b.size.clamp(1, n_rows.max(1)), b.seed)),
        batch_out: vec![0.0; n + 1],
    };
    descend(&mut at, optimizer, config, check_interrupt_mask, interrupt)
}

/// A program over data at the point `x`, and the minibatches if any.
struct RowsAt<'a> {
    program: &'a DataProgram,
    work: DataWork,
    x: Vec<f64>,
    sampler: Option<Sampler>,
    /// `[f, gradient]` on the current minibatch.
    batch_out: Vec<f64>,
}

impl Evaluate for RowsAt<'_> {
    /// On all rows, batched or not.
    #[inline]
    fn eval(&mut self, out: &mut [f64]) {
        self.program.eval(&self.x, None, &mut self.work, out);
    }

    #[inline]
    fn point(&self) -> &[f64] {
        &self.x
    }

    /// With batches, the update uses the gradient on the next minibatch
    /// (and Newton's method its Hessian on the same rows), not `grad`.
    #[inline]
    fn update(
        &mut self,
        optimizer: &mut Optimizer<'_>,
        grad: &[f64],
        lr: f64,
    ) -> Result<(), (Culprit, f64)> {
        let step_gradient = match &mut self.sampler {
            None => grad,
            Some(sampler) => {
                let rows = sampler.next_batch();
                self.program
                    .eval(&self.x, Some(rows), &mut self.work, &mut self.batch_out);
                optimizer.use_rows(rows);
                &self.batch_out[1..]
            }
        };
        optimizer.update(&mut self.x, step_gradient, lr)
    }
}

#[cfg(test)]
mod tests {
    use std::rc::Rc;

    use super::*;
    use crate::compile::{compile, compile_rows};
    use crate::descent::Sense;
    use crate::descent::{Method, run};
    use crate::symbolic::Expr;
    use crate::symbolic::data::DataRef;
    use crate::symbolic::expr::{Func, add, call, mul, pow, sub};
    use crate::symbolic::gradient;

    /// `[f, gradient]` of `body` over the parameter w.
    fn outputs(body: Expr) -> Vec<Expr> {
        let params: Vec<Rc<str>> = vec!["w".into()];
        let mut out = vec![body];
        out.extend(gradient(body, &params).expect("small"));
        out
    }

    /// mean((w*X - Y)^2) over three rows, as data and written out by hand.
    fn losses() -> (Expr, Expr) {
        let (xs, ys) = ([1.0, 2.0, 3.0], [2.0, 4.5, 5.0]);
        let w = Expr::var("w");
        let x = Expr::data(DataRef::new("X", xs.to_vec()));
        let y = Expr::data(DataRef::new("Y", ys.to_vec()));
        let over_data = call(Func::Mean, vec![pow(sub(mul([w, x]), y), Expr::int(2))]);
        let terms = xs.iter().zip(ys).map(|(xi, yi)| {
            let residual = sub(mul([Expr::float(*xi), w]), Expr::float(yi));
            pow(residual, Expr::int(2))
        });
        let written_out = mul([Expr::num(crate::symbolic::Num::Rat(1, 3)), add(terms)]);
        (over_data, written_out)
    }

    #[test]
    fn full_batch_runs_match_the_tape_for_every_method() {
        let (over_data, written_out) = losses();
        let program = compile_rows(&outputs(over_data), &["w"]).expect("compiles");
        let tape = compile(&outputs(written_out), &["w"]).expect("compiles");
        let hessian_of = |body: Expr| gradient(outputs(body)[1], &["w".into()]).expect("small");
        let h_rows = compile_rows(&hessian_of(over_data), &["w"]).expect("compiles");
        let h_tape = compile(&hessian_of(written_out), &["w"]).expect("compiles");
        let stop = AtomicBool::new(false);
        for name in crate::descent::METHOD_NAMES {
            let method = Method::from_spec(name, &[]).expect("a method");
            let config = Config {
                sense: Sense::Minimize,
                lr: 0.05,
                steps: 30,
                tol: 0.0,
                method,
            };
            let objective = DataObjective {
                program: &program,
                hessian: Some(&h_rows),
            };
            let by_rows = run_rows(objective, &[0.5], &config, None, &stop);
            let by_tape = run(
                crate::descent::Objective::with_hessian(&tape, &h_tape),
                &[0.5],
                &config,
                &stop,
            );
            assert_eq!(by_rows.steps, by_tape.steps, "{name}");
            for (a, b) in by_rows.trace.iter().zip(by_tape.trace.iter()) {
                let close = |p: f64, q: f64| (p - q).abs() <= 1e-12 * p.abs().max(1.0);
                assert!(
                    close(a.x[0], b.x[0]) && close(a.f, b.f),
                    "{name}: {a:?} vs {b:?}"
                );
            }
        }
    }

    #[test]
    fn a_batch_of_every_row_is_full_batch_descent_up_to_order() {
        let (over_data, _) = losses();
        let program = compile_rows(&outputs(over_data), &["w"]).expect("compiles");
        let config = Config {
            sense: Sense::Minimize,
            lr: 0.05,
            steps: 20,
            tol: 0.0,
            method: Method::Gd,
        };
        let objective = DataObjective {
            program: &program,
            hessian: None,
        };
        let stop = AtomicBool::new(false);
        let full = run_rows(objective, &[0.5], &config, None, &stop);
        let batches = Some(Batches { size: 3, seed: 9 });
        let shuffled = run_rows(objective, &[0.5], &config, batches, &stop);
        assert!((full.x[0] - shuffled.x[0]).abs() < 1e-12);
    }
}
