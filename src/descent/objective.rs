//! What a run descends on: a compiled program whose outputs are `[f,
//! df/dp1, ..., df/dpn]` and, for Newton's method, then the n*n second
//! derivatives row-major, all in one pass; its outputs at the current
//! point on all rows (the trace's), and with `batch N` the minibatch the
//! next update takes its gradient and Hessian from.
//!
//! Invariant: the point lives in the program; everything is allocated in
//! `Objective::new`, so evaluating and stepping allocate nothing.

use super::sampler::Sampler;
use crate::compile::{Evaluator, Program};

/// Minibatches: `size` rows per step (at most the rows there are), drawn
/// by a sampler seeded with `seed`.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Batches {
    pub size: usize,
    pub seed: u64,
}

pub(super) struct Objective<'e, E> {
    evaluator: &'e mut E,
    n: usize,
    /// About how many instructions one evaluation on all rows runs.
    cost: usize,
    /// The outputs at the point, on all rows.
    all: Vec<f64>,
    /// The outputs at the point, on the current minibatch.
    batch: Vec<f64>,
    sampler: Option<Sampler>,
}

/// What an update steps from: the gradient, the Hessian (empty without
/// one), and the size of the minibatch they were taken on, if any.
pub(super) struct Slopes<'a> {
    pub grad: &'a [f64],
    pub hessian: &'a [f64],
    pub batch: Option<usize>,
}

/// What `Objective::new` needs to know of the program.
#[derive(Copy, Clone)]
pub(super) struct Shape {
    pub n_outputs: usize,
    pub rows: usize,
    pub cost: usize,
}

impl Shape {
    /// The shape of `program`.
    ///
    /// # Panics
    /// When the program does not have `n` parameters and `n + 1` (or, with
    /// a Hessian, `n + 1 + n*n`) outputs.
    pub(super) fn of(program: &Program, n: usize) -> Shape {
        let n_outputs = program.n_outputs();
        assert_eq!(program.n_params(), n, "one start coordinate per parameter");
        assert!(
            n_outputs == n + 1 || n_outputs == n + 1 + n * n,
            "outputs are [f, gradient] or [f, gradient, Hessian]"
        );
        Shape {
            n_outputs,
            rows: program.rows(),
            cost: program.cost(),
        }
    }
}

impl<'e, E: Evaluator> Objective<'e, E> {
    /// The objective of a program of this shape at `start`.
    pub(super) fn new(
        evaluator: &'e mut E,
        shape: Shape,
        start: &[f64],
        batches: Option<Batches>,
    ) -> Objective<'e, E> {
        let (n, outputs, rows) = (start.len(), shape.n_outputs, shape.rows);
        evaluator.point_mut().copy_from_slice(start);
        let sampler = batches.map(|b| Sampler::new(rows, b.size.clamp(1, rows.max(1)), b.seed));
        Objective {
            evaluator,
            n,
            cost: shape.cost,
            all: vec![0.0; outputs],
            batch: vec![0.0; if sampler.is_some() { outputs } else { 0 }],
            sampler,
        }
    }

    /// Whether the program has the Hessian too.
    pub(super) fn has_hessian(&self) -> bool {
        self.all.len() > self.n + 1
    }

    /// About how many instructions a step runs.
    pub(super) fn cost(&self) -> usize {
        let passes = if self.sampler.is_some() { 2 } else { 1 };
        passes * self.cost
    }

    #[inline]
    pub(super) fn point(&self) -> &[f64] {
        self.evaluator.point()
    }

    #[inline]
    pub(super) fn point_mut(&mut self) -> &mut [f64] {
        self.evaluator.point_mut()
    }

    /// Evaluates at the point, on all rows: then `f` and `grad` are there.
    #[inline]
    pub(super) fn eval(&mut self) {
        self.evaluator.eval(&mut self.all);
    }

    #[inline]
    pub(super) fn f(&self) -> f64 {
        self.all[0]
    }

    #[inline]
    pub(super) fn grad(&self) -> &[f64] {
        &self.all[1..=self.n]
    }

    /// The slopes the next update takes: those on all rows just evaluated,
    /// or with minibatches those on the next minibatch; and the point to
    /// step.
    #[inline]
    pub(super) fn slopes(&mut self) -> (Slopes<'_>, &mut [f64]) {
        let n = self.n;
        let (outputs, batch) = match &mut self.sampler {
            None => (&self.all, None),
            Some(sampler) => {
                let rows = sampler.next_batch();
                self.evaluator.eval_rows(rows, &mut self.batch);
                (&self.batch, Some(rows.len()))
            }
        };
        let slopes = Slopes {
            grad: &outputs[1..=n],
            hessian: &outputs[n + 1..],
            batch,
        };
        (slopes, self.evaluator.point_mut())
    }
}

#[cfg(test)]
mod tests {
    use std::rc::Rc;
    use std::sync::atomic::AtomicBool;

    use super::*;
    use crate::descent::{Config, METHOD_NAMES, Method, Sense, run};
    use crate::symbolic::data::DataRef;
    use crate::symbolic::expr::{Func, add, call, mul, pow, sub};
    use crate::symbolic::{Expr, gradient, hessian};

    /// `[f, gradient, Hessian]` of `body` over the parameter w.
    fn program(body: Expr) -> Program {
        let params: Vec<Rc<str>> = vec!["w".into()];
        let mut out = vec![body];
        out.extend(gradient(body, &params).expect("small"));
        out.extend(hessian(body, &params).expect("small").concat());
        Program::new(&out, &["w"]).expect("compiles")
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

    fn config(method: Method, steps: u64) -> Config {
        Config {
            sense: Sense::Minimize,
            lr: 0.05,
            steps,
            tol: 0.0,
            method,
            keep_state: false,
        }
    }

    #[test]
    fn full_batch_runs_over_rows_match_the_tape_for_every_method() {
        let (over_data, written_out) = losses();
        let (mut by_rows, mut by_tape) = (program(over_data), program(written_out));
        assert_eq!((by_rows.rows(), by_tape.rows()), (3, 0));
        let stop = AtomicBool::new(false);
        for name in METHOD_NAMES {
            let config = config(Method::from_spec(name, &[]).expect("a method"), 30);
            let rows = run(&mut by_rows, &[0.5], &config, None, &stop);
            let tape = run(&mut by_tape, &[0.5], &config, None, &stop);
            assert_eq!(rows.steps, tape.steps, "{name}");
            for (a, b) in rows.trace.iter().zip(tape.trace.iter()) {
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
        let mut over_rows = program(over_data);
        let config = config(Method::Gd, 20);
        let stop = AtomicBool::new(false);
        let full = run(&mut over_rows, &[0.5], &config, None, &stop);
        let batches = Some(Batches { size: 3, seed: 9 });
        let shuffled = run(&mut over_rows, &[0.5], &config, batches, &stop);
        assert!((full.x[0] - shuffled.x[0]).abs() < 1e-12);
    }
}
