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
//! Invariant: as in `run`, everything is allocated before the first update.

use std::sync::atomic::{AtomicBool, Ordering};

use super::method::{Hessian, Optimizer};
use super::{
    Config, Divergence, Recent, Run, Status, Trace, Verdict, convergence_threshold, euclidean_norm,
    find_divergence, judge, rate, trace_every,
};
use crate::compile::DataProgram;
use crate::data::Sampler;

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
    let every = trace_every(config.steps);
    let check_interrupt_mask = interrupt_mask(program.row_ops().max(1) * n_rows.max(1));
    let threshold = convergence_threshold(config.tol);
    let expected_entries = (config.steps / every).saturating_add(2);
    let mut trace = Trace::with_capacity(n, expected_entries.min(4096) as usize);
    let mut recent = Recent::new(n);
    let hessian = objective.hessian.map(Hessian::Rows);
    let mut optimizer = Optimizer::new(&config.method, config.sense, n, hessian);
    let mut sampler = batches.map(|b| Sampler::new(n_rows, b.size.clamp(1, n_rows.max(1)), b.seed));
    let mut work = program.workspace();
    let mut x = start.to_vec();
    let mut out = vec![0.0; n + 1];
    let mut batch_out = vec![0.0; n + 1];
    let mut next_traced = 0u64;
    let mut converged_at = None;
    let mut reason = None;
    let mut k = 0u64;
    let status = loop {
        program.eval(&x, None, &mut work, &mut out);
        let (f, grad) = (out[0], &out[1..]);
        let norm = euclidean_norm(grad);
        recent.push(&x, norm);
        if k == next_traced {
            trace.push(k, &x, f, grad);
            next_traced = next_traced.saturating_add(every);
        }
        if let Some((culprit, number)) = find_divergence(&x, f, grad) {
            reason = Some(Divergence {
                step: k,
                culprit,
                number,
                point: x.clone(),
            });
            break Status::Diverged;
        }
        if converged_at.is_none() && norm < threshold {
            converged_at = Some(k);
        }
        if config.tol > 0.0 && norm < config.tol {
            break Status::Converged;
        }
        if k == config.steps {
            break Status::MaxSteps;
        }
        if k & check_interrupt_mask == 0 && interrupt.load(Ordering::Relaxed) {
            break Status::Interrupted;
        }
        let step_gradient = match &mut sampler {
            None => grad,
            Some(sampler) => {
                let rows = sampler.next_batch();
                program.eval(&x, Some(rows), &mut work, &mut batch_out);
                optimizer.use_rows(rows);
                &batch_out[1..]
            }
        };
        if let Err((culprit, number)) = optimizer.update(&mut x, step_gradient, config.lr) {
            reason = Some(Divergence {
                step: k,
                culprit,
                number,
                point: x.clone(),
            });
            break Status::Diverged;
        }
        k += 1;
    };
    let (f, grad) = (out[0], out[1..].to_vec());
    if trace.steps.last() != Some(&k) {
        trace.push(k, &x, f, &grad);
    }
    let mut run = Run {
        trace,
        trace_every: every,
        status,
        reason,
        steps: k,
        x,
        f,
        grad_norm: euclidean_norm(&grad),
        grad,
        verdict: Verdict::Converging,
        rate: rate(&recent),
        converged_at,
    };
    run.verdict = judge(&run, config, &recent);
    run
}

/// Read the interrupt flag about every million row instructions (at least
/// every step of a big data set, at most every 4096 steps).
fn interrupt_mask(work_per_step: usize) -> u64 {
    let per_check = (1u64 << 20) / (work_per_step as u64 + 1);
    let every = match per_check.checked_ilog2() {
        Some(log) => 1u64 << log,
        None => 1,
    };
    every.min(super::INTERRUPT_EVERY) - 1
}
