//! The descent loop: runs an optimizer (`method`, `rules`: torch.optim's
//! update rules and Newton's) on a compiled objective whose outputs are
//! `[f, df/dp1, ..., df/dpn]` (and Newton's Hessian), over data with
//! minibatches when asked, records the trace, and judges the run (status,
//! verdict, rate) exactly as LANGUAGE.md section 4 defines them. On a tape
//! run as native code, the loop of the gradient methods is compiled whole
//! (`native`) and this loop runs only its rare steps.
//!
//! Invariant: memory is bounded by the trace limit, whatever the number of
//! steps. Everything is allocated before the first update: the loop itself
//! allocates nothing (beyond the trace's amortised growth), the trace keeps
//! at most `TRACE_LIMIT` entries, and the verdict reads only a fixed ring of
//! the last few points and gradient norms.
//!
//! Trace entry k is the state after k updates: the point, the function's own
//! value and gradient there (also when maximizing), and with `keep_state`
//! the optimizer's buffers as update k left them. Entry 0 is the start, and
//! the last state is always the last entry. With minibatches each entry is
//! still on all rows (so `f`, the gradient norm, `tol` and the verdict mean
//! the same with and without batches), and the update uses the gradient on
//! the next minibatch (Newton's method its Hessian on the same rows).

mod method;
mod native;
mod newton;
mod objective;
mod optimizer;
#[cfg(test)]
mod reference_tests;
pub mod rules;
mod sampler;
#[cfg(test)]
mod tests;
mod trace;
mod verdict;

use std::sync::atomic::{AtomicBool, Ordering};

pub use method::{METHOD_NAMES, Method, setting_names};
pub use objective::Batches;
pub use sampler::DEFAULT_SEED;
pub use trace::{Entry, TRACE_LIMIT, Trace, trace_every};
pub use verdict::{OSCILLATION_REVERSALS, VERDICT_WINDOW, Verdict};

use crate::compile::{Evaluator, Program, WithEvaluator};
use native::{NativeLoop, Position};
use objective::{Objective, Shape};
use optimizer::Optimizer;
use trace::ROOM_UP_FRONT;
use verdict::{Recent, judge, rate};

/// A coordinate beyond this (in absolute value) means the run diverged.
pub const DIVERGENCE_BOUND: f64 = 1e100;
/// The gradient norm below which a run counts as converged when tol is 0.
pub const DEFAULT_CONVERGED_NORM: f64 = 1e-6;
/// The interrupt flag is read at least every this many steps (a power of
/// two), and more often on big programs: see `steps_per_check`.
pub const INTERRUPT_EVERY: u64 = 4096;
/// The instructions run between two reads of the interrupt flag, about
/// (well under a millisecond).
const WORK_PER_CHECK: u64 = 1 << 20;

/// Which way a run goes: `minimize` or `maximize`.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Sense {
    Minimize,
    Maximize,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    pub sense: Sense,
    /// The learning rate (positive; the caller checks).
    pub lr: f64,
    /// The most updates.
    pub steps: u64,
    /// Stop when the gradient norm is below this; 0 turns it off.
    pub tol: f64,
    pub method: Method,
    /// Whether the trace keeps the optimizer's state (the `state` clause).
    pub keep_state: bool,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Status {
    /// The gradient norm fell below tol.
    Converged,
    /// Took `steps` updates.
    MaxSteps,
    /// A value, coordinate or gradient stopped being finite, or a coordinate
    /// went beyond `DIVERGENCE_BOUND`: see `Run::reason`.
    Diverged,
    /// The interrupt flag was set.
    Interrupted,
}

impl Status {
    /// The JSON spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Converged => "converged",
            Status::MaxSteps => "max_steps",
            Status::Diverged => "diverged",
            Status::Interrupted => "interrupted",
        }
    }
}

/// What went wrong in a diverged run.
#[derive(Copy, Clone, Debug, PartialEq)]
pub enum Culprit {
    /// The function value is not finite.
    Value,
    /// This coordinate (0-based) is not finite or beyond the bound.
    Coordinate(usize),
    /// This component (0-based) of the gradient is not finite.
    Gradient(usize),
    /// This entry (row, column, 0-based) of the Hessian is not finite
    /// (Newton's method).
    Hessian(usize, usize),
    /// The Hessian is singular (Newton's method); the number is the pivot
    /// that was too small.
    SingularHessian,
    /// The Hessian of a minibatch of this many rows is singular (Newton's
    /// method with `batch`): a small leftover batch often is.
    SingularBatchHessian(usize),
}

/// Why and where a run diverged.
#[derive(Clone, Debug, PartialEq)]
pub struct Divergence {
    /// The trace step at which it was seen (0 is the start).
    pub step: u64,
    pub culprit: Culprit,
    /// The offending number.
    pub number: f64,
    /// The point of that step (the run's last).
    pub point: Vec<f64>,
}

impl Divergence {
    /// The culprit and number found at `step`, at `point`.
    fn found(step: u64, (culprit, number): (Culprit, f64), point: &[f64]) -> Divergence {
        Divergence {
            step,
            culprit,
            number,
            point: point.to_vec(),
        }
    }
}

/// A finished run.
#[derive(Clone, Debug, PartialEq)]
pub struct Run {
    pub trace: Trace,
    /// The trace keeps every this-many-th step (and the last).
    pub trace_every: u64,
    pub status: Status,
    /// Set exactly when the status is `Diverged`.
    pub reason: Option<Divergence>,
    /// Updates taken.
    pub steps: u64,
    /// The final point, value, gradient and gradient norm.
    pub x: Vec<f64>,
    pub f: f64,
    pub grad: Vec<f64>,
    pub grad_norm: f64,
    pub verdict: Verdict,
    /// Whether the last steps alternate along the coordinate that moves
    /// most (a converging run "zigzags").
    pub zigzag: bool,
    /// See `rate`; `None` for a run of no steps.
    pub rate: Option<f64>,
    /// The first step whose gradient norm is below the convergence
    /// threshold (tol, or `DEFAULT_CONVERGED_NORM` when tol is 0).
    pub converged_at: Option<u64>,
}

/// A power of two of steps, at most `INTERRUPT_EVERY`, that run about a
/// million instructions when each step runs `work_per_step`.
pub(crate) fn steps_per_check(work_per_step: usize) -> u64 {
    let per_check = WORK_PER_CHECK / (work_per_step as u64 + 1);
    let every = match per_check.checked_ilog2() {
        Some(log) => 1u64 << log,
        None => 1,
    };
    every.min(INTERRUPT_EVERY)
}

/// The gradient norm under which a run counts as converged.
pub fn convergence_threshold(tol: f64) -> f64 {
    if tol > 0.0 {
        tol
    } else {
        DEFAULT_CONVERGED_NORM
    }
}

/// Runs the descent from `start`. The program's outputs are `[f, df/dp1,
/// ..., df/dpn]` over the n = `start.len()` parameters, then, for Newton's
/// method, the n*n second derivatives row-major. With `batches`, each
/// update takes its gradient (and Hessian) on the next minibatch of rows.
///
/// # Panics
/// When the program does not have n parameters and n + 1 or n + 1 + n*n
/// outputs, or when the method needs the Hessian
/// (`Method::needs_hessian`) and the program has none.
pub fn run(
    program: &mut Program,
    start: &[f64],
    config: &Config,
    batches: Option<Batches>,
    interrupt: &AtomicBool,
) -> Run {
    let shape = Shape::of(program, start.len());
    program.run_with(Descent {
        shape,
        start,
        config,
        batches,
        interrupt,
    })
}

/// One run, for whichever evaluator the program has.
struct Descent<'a> {
    shape: Shape,
    start: &'a [f64],
    config: &'a Config,
    batches: Option<Batches>,
    interrupt: &'a AtomicBool,
}

impl WithEvaluator for Descent<'_> {
    type Output = Run;

    /// A step evaluates on all rows, and on a minibatch too with batches.
    fn evaluations(&self) -> u64 {
        let per_step = if self.batches.is_some() { 2 } else { 1 };
        self.config.steps.saturating_add(1).saturating_mul(per_step)
    }

    fn run<E: Evaluator>(self, evaluator: &mut E) -> Run {
        let optimizer = Optimizer::new(&self.config.method, self.config.sense, self.start.len());
        // The whole loop compiles around a tape run as native code.
        let native = match (evaluator.native_tape(), self.batches) {
            (Some(tape), None) => NativeLoop::new(tape, self.config, &optimizer),
            _ => None,
        };
        let mut objective = Objective::new(evaluator, self.shape, self.start, self.batches);
        assert!(
            objective.has_hessian() || !self.config.method.needs_hessian(),
            "this method needs the Hessian"
        );
        let check_interrupt_mask = steps_per_check(objective.cost()) - 1;
        let stepping = Stepping {
            optimizer,
            native,
            check_interrupt_mask,
        };
        descend(&mut objective, stepping, self.config, self.interrupt)
    }
}

/// How `descend` makes its updates.
struct Stepping {
    optimizer: Optimizer,
    /// The loop compiled to machine code, which runs the steps where
    /// nothing rare happens.
    native: Option<NativeLoop>,
    /// The interrupt flag is read at the steps k with `k & mask == 0`.
    check_interrupt_mask: u64,
}

/// The descent loop from the objective's point: evaluate, trace, check for
/// divergence and convergence, poll the interrupt flag (when `k &
/// check_interrupt_mask` is 0), update; then the last trace entry and the
/// verdict. With a compiled loop, that runs the steps up to the next poll
/// or the last step, stopping early where something rare happens, and the
/// loop here runs the step it stopped at.
fn descend<E: Evaluator>(
    objective: &mut Objective<'_, E>,
    stepping: Stepping,
    config: &Config,
    interrupt: &AtomicBool,
) -> Run {
    let Stepping {
        mut optimizer,
        mut native,
        check_interrupt_mask,
    } = stepping;
    let n = objective.point().len();
    let every = trace_every(config.steps);
    let threshold = convergence_threshold(config.tol);
    let expected_entries = (config.steps / every).saturating_add(2);
    let state_width = match config.keep_state {
        true => optimizer.state().len(),
        false => 0,
    };
    let room = expected_entries.min(ROOM_UP_FRONT as u64) as usize;
    let mut trace = Trace::with_capacity(n, state_width, room);
    let mut recent = Recent::new(n);
    let mut next_traced = 0u64;
    let mut converged_at = None;
    let mut reason = None;
    let mut k = 0u64;
    let status = loop {
        if let Some(native) = &mut native {
            let next_poll = (k + check_interrupt_mask) & !check_interrupt_mask;
            let position = Position {
                k,
                next_traced: &mut next_traced,
                watch: converged_at.is_none(),
            };
            let stop = next_poll.min(config.steps);
            let x = objective.point_mut();
            k = native.run(position, stop, x, &mut optimizer, &mut recent, &mut trace);
        }
        objective.eval();
        let (f, grad, x) = (objective.f(), objective.grad(), objective.point());
        let norm = euclidean_norm(grad);
        recent.push(x, norm);
        if k == next_traced {
            trace.push(k, x, f, grad, &optimizer.state()[..state_width]);
            next_traced = next_traced.saturating_add(every);
        }
        if let Some(found) = find_divergence(x, f, grad) {
            reason = Some(Divergence::found(k, found, x));
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
        let (slopes, x) = objective.slopes();
        if let Err(found) = optimizer.update(x, &slopes, config.lr) {
            reason = Some(Divergence::found(k, found, objective.point()));
            break Status::Diverged;
        }
        k += 1;
    };
    let x = objective.point().to_vec();
    let (f, grad) = (objective.f(), objective.grad().to_vec());
    if trace.steps().last() != Some(&k) {
        trace.push(k, &x, f, &grad, &optimizer.state()[..state_width]);
    }
    let rate = rate(&trace, &recent, k);
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
        verdict: Verdict::NotConverging,
        zigzag: false,
        rate,
        converged_at,
    };
    (run.verdict, run.zigzag) = judge(&run, config, &recent);
    run
}

/// The Euclidean norm, also when the squares overflow or underflow (then
/// scaled by the largest component; the fast path is the usual one).
#[inline]
pub(crate) fn euclidean_norm(v: &[f64]) -> f64 {
    let sum: f64 = v.iter().map(|g| g * g).sum();
    if sum.is_nan() || (sum.is_finite() && sum >= f64::MIN_POSITIVE) {
        return sum.sqrt();
    }
    let scale = v.iter().fold(0.0f64, |m, g| m.max(g.abs()));
    if scale == 0.0 || scale.is_infinite() {
        return scale;
    }
    scale
        * v.iter()
            .map(|g| (g / scale) * (g / scale))
            .sum::<f64>()
            .sqrt()
}

/// The first thing that is not finite (or too far out): coordinates first,
/// since a bad point spoils the value and the gradient too.
#[inline]
fn find_divergence(x: &[f64], f: f64, grad: &[f64]) -> Option<(Culprit, f64)> {
    if all_fine(x, f, grad) {
        return None;
    }
    if let Some(i) = x
        .iter()
        .position(|v| !v.is_finite() || v.abs() > DIVERGENCE_BOUND)
    {
        return Some((Culprit::Coordinate(i), x[i]));
    }
    if !f.is_finite() {
        return Some((Culprit::Value, f));
    }
    let i = grad.iter().position(|g| !g.is_finite())?;
    Some((Culprit::Gradient(i), grad[i]))
}

/// Whether every coordinate is within the bound and the value and gradient
/// are finite: one pass without early exits, for the loop's fast path.
#[inline]
fn all_fine(x: &[f64], f: f64, grad: &[f64]) -> bool {
    let mut fine = f.is_finite();
    for v in x {
        // False for nan and infinities too.
        fine &= v.abs() <= DIVERGENCE_BOUND;
    }
    for g in grad {
        fine &= g.is_finite();
    }
    fine
}
