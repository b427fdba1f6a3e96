//! The descent loop: runs an optimizer (`method`: torch.optim's update rules
//! and Newton's) on a compiled tape whose outputs are `[f, df/dp1, ...,
//! df/dpn]`, records the trace, and judges the run (status, verdict, rate)
//! exactly as LANGUAGE.md section 4 defines them. The one loop, `descend`,
//! also serves losses over data (`rows`): it is generic over `Evaluate`,
//! the way to get the value and gradient at the point.
//!
//! Invariant: memory is bounded by the trace limit, whatever the number of
//! steps. Everything is allocated before the first update: the loop itself
//! allocates nothing (beyond the trace's amortised growth), the trace keeps
//! at most `TRACE_LIMIT` entries, and the verdict reads only a fixed ring of
//! the last few points and gradient norms.
//!
//! Trace entry k is the state after k updates: the point, the function's own
//! value and gradient there (also when maximizing). Entry 0 is the start, and
//! the last state is always the last entry.

mod method;
mod newton;
mod optimizer;
#[cfg(test)]
mod reference_tests;
mod rows;
pub mod rules;
mod sampler;
#[cfg(test)]
mod tests;

use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};

pub use method::{METHOD_NAMES, Method, setting_names};
pub use newton::Hessian;
pub use rows::{Batches, DataObjective, run_rows};
pub use sampler::DEFAULT_SEED;

use crate::compile::{Tape, Workspace};
use crate::text::format_number;
use optimizer::Optimizer;

/// Most entries a trace keeps; a longer run keeps every K-th step.
pub const TRACE_LIMIT: usize = 100_000;
/// A coordinate beyond this (in absolute value) means the run diverged.
pub const DIVERGENCE_BOUND: f64 = 1e100;
/// The gradient norm below which a run counts as converged when tol is 0.
pub const DEFAULT_CONVERGED_NORM: f64 = 1e-6;
/// The interrupt flag is read at least every this many steps (a power of
/// two), and more often on big tapes: see `interrupt_every`.
pub const INTERRUPT_EVERY: u64 = 4096;
/// The verdict and the rate look at the last this many steps.
pub const VERDICT_WINDOW: usize = 10;
/// Reversals among the last `VERDICT_WINDOW` steps that make a run
/// oscillating.
pub const OSCILLATION_REVERSALS: usize = 6;

/// What a run descends on: a tape with outputs `[f, df/dp1, ..., df/dpn]`
/// and, for Newton's method only, a tape of the n*n second derivatives
/// `d2f/dpi dpj`, row-major, over the same parameters.
#[derive(Copy, Clone, Debug)]
pub struct Objective<'a> {
    pub tape: &'a Tape,
    pub hessian: Option<&'a Tape>,
}

/// A tape alone is an objective without a Hessian: `run(&tape, ...)`.
impl<'a> From<&'a Tape> for Objective<'a> {
    fn from(tape: &'a Tape) -> Objective<'a> {
        Objective::new(tape)
    }
}

impl<'a> Objective<'a> {
    /// Value and gradient only: enough for every method but Newton's.
    pub fn new(tape: &'a Tape) -> Objective<'a> {
        Objective {
            tape,
            hessian: None,
        }
    }

    pub fn with_hessian(tape: &'a Tape, hessian: &'a Tape) -> Objective<'a> {
        Objective {
            tape,
            hessian: Some(hessian),
        }
    }

    /// Instructions evaluated per step, at most.
    fn ops_per_step(&self) -> usize {
        self.tape.ops().len() + self.hessian.map_or(0, |h| h.ops().len())
    }
}

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

    /// In words, naming coordinates by `params` (falling back to
    /// "coordinate i", 1-based): "at step 12, y went beyond 1e100 (y = 2e100)",
    /// "at step 3, the Hessian is singular at (x, y) = (0, 0)".
    pub fn describe(&self, params: &[&str]) -> String {
        let name = |i: usize| match params.get(i) {
            Some(p) => p.to_string(),
            None => format!("coordinate {}", i + 1),
        };
        let (step, number) = (self.step, self.number);
        match self.culprit {
            Culprit::Value => format!("at step {step}, the value became {number}"),
            Culprit::Coordinate(i) if number.is_finite() => format!(
                "at step {step}, {} went beyond 1e100 ({} = {number:e})",
                name(i),
                name(i)
            ),
            Culprit::Coordinate(i) => format!("at step {step}, {} became {number}", name(i)),
            Culprit::Gradient(i) => format!(
                "at step {step}, the gradient's {} component became {number}",
                name(i)
            ),
            Culprit::Hessian(i, j) => format!(
                "at step {step}, the Hessian's ({}, {}) entry became {number} at {}",
                name(i),
                name(j),
                self.point_in_words(params)
            ),
            Culprit::SingularHessian => format!(
                "at step {step}, the Hessian is singular at {}",
                self.point_in_words(params)
            ),
            Culprit::SingularBatchHessian(rows) => format!(
                "at step {step}, the Hessian of that minibatch (of {rows} row{}) is singular at {}: \
                 use a larger batch, or a batch size that divides the number of rows",
                if rows == 1 { "" } else { "s" },
                self.point_in_words(params)
            ),
        }
    }

    /// `x = 1`, `(x, y) = (0, 2.5)`, or `(0, 2.5)` without names.
    fn point_in_words(&self, params: &[&str]) -> String {
        let numbers: Vec<String> = self.point.iter().map(|v| format_number(*v)).collect();
        match (params.len() == numbers.len(), numbers.len()) {
            (true, 1) => format!("{} = {}", params[0], numbers[0]),
            (true, _) => format!("({}) = ({})", params.join(", "), numbers.join(", ")),
            (false, _) => format!("({})", numbers.join(", ")),
        }
    }
}

impl fmt::Display for Divergence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe(&[]))
    }
}

/// The judgement of a run, LANGUAGE.md section 4.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    Converged,
    Diverged,
    Oscillating,
    Converging,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Converged => "converged",
            Verdict::Diverged => "diverged",
            Verdict::Oscillating => "oscillating",
            Verdict::Converging => "converging",
        }
    }
}

/// The recorded states of a run, as flat arrays: entry i has step
/// `steps[i]`, point `xs[i*n..(i+1)*n]`, value `fs[i]` and gradient
/// `grads[i*n..(i+1)*n]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Trace {
    n_params: usize,
    steps: Vec<u64>,
    xs: Vec<f64>,
    fs: Vec<f64>,
    grads: Vec<f64>,
}

/// One state of a run.
#[derive(Copy, Clone, Debug, PartialEq)]
pub struct Entry<'a> {
    pub step: u64,
    pub x: &'a [f64],
    pub f: f64,
    pub grad: &'a [f64],
}

impl Trace {
    fn with_capacity(n_params: usize, entries: usize) -> Trace {
        Trace {
            n_params,
            steps: Vec::with_capacity(entries),
            xs: Vec::with_capacity(entries * n_params),
            fs: Vec::with_capacity(entries),
            grads: Vec::with_capacity(entries * n_params),
        }
    }

    fn push(&mut self, step: u64, x: &[f64], f: f64, grad: &[f64]) {
        self.steps.push(step);
        self.xs.extend_from_slice(x);
        self.fs.push(f);
        self.grads.extend_from_slice(grad);
    }

    pub fn len(&self) -> usize {
        self.steps.len()
    }

    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    pub fn n_params(&self) -> usize {
        self.n_params
    }

    pub fn entry(&self, i: usize) -> Option<Entry<'_>> {
        let n = self.n_params;
        Some(Entry {
            step: *self.steps.get(i)?,
            x: self.xs.get(i * n..(i + 1) * n)?,
            f: *self.fs.get(i)?,
            grad: self.grads.get(i * n..(i + 1) * n)?,
        })
    }

    pub fn first(&self) -> Option<Entry<'_>> {
        self.entry(0)
    }

    pub fn last(&self) -> Option<Entry<'_>> {
        self.entry(self.len().checked_sub(1)?)
    }

    pub fn iter(&self) -> impl ExactSizeIterator<Item = Entry<'_>> + '_ {
        let n = self.n_params;
        (0..self.len()).map(move |i| Entry {
            step: self.steps[i],
            x: &self.xs[i * n..(i + 1) * n],
            f: self.fs[i],
            grad: &self.grads[i * n..(i + 1) * n],
        })
    }

    /// The step of each entry.
    pub fn steps(&self) -> &[u64] {
        &self.steps
    }

    /// The value at each entry.
    pub fn values(&self) -> &[f64] {
        &self.fs
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
    /// See `rate`; `None` for a run of no steps.
    pub rate: Option<f64>,
    /// The first step whose gradient norm is below the convergence
    /// threshold (tol, or `DEFAULT_CONVERGED_NORM` when tol is 0).
    pub converged_at: Option<u64>,
}

/// The trace keeps every K-th step: 1 when the whole run fits in
/// `TRACE_LIMIT` entries, else the smallest K for which the multiples of K
/// up to `steps`, plus the last step, fit.
pub fn trace_every(steps: u64) -> u64 {
    steps.div_ceil(TRACE_LIMIT as u64 - 1).max(1)
}

/// How many steps between two reads of the interrupt flag: a power of two,
/// at most `INTERRUPT_EVERY`, such that about a million instructions run in
/// between (well under a millisecond), however big the tapes.
pub fn interrupt_every(objective: Objective<'_>) -> u64 {
    steps_per_check(objective.ops_per_step())
}

/// A power of two of steps, at most `INTERRUPT_EVERY`, that run about a
/// million instructions when each step runs `work_per_step`.
pub(crate) fn steps_per_check(work_per_step: usize) -> u64 {
    let per_check = (1u64 << 20) / (work_per_step as u64 + 1);
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

/// Runs the descent from `start`. The objective's tape has outputs `[f,
/// df/dp1, ..., df/dpn]` over the n = `start.len()` parameters; pass the
/// tape itself (`run(&tape, ...)`) or, for Newton's method,
/// `Objective::with_hessian(&tape, &hessian)`.
///
/// # Panics
/// When the tape does not have n parameters and n + 1 outputs, when the
/// Hessian tape (if any) does not have n parameters and n*n outputs, or when
/// the method needs the Hessian (`Method::needs_hessian`) and there is none.
pub fn run<'a>(
    objective: impl Into<Objective<'a>>,
    start: &[f64],
    config: &Config,
    interrupt: &AtomicBool,
) -> Run {
    let objective = objective.into();
    let tape = objective.tape;
    let n = start.len();
    assert_eq!(tape.n_params(), n, "one start coordinate per parameter");
    assert_eq!(tape.n_outputs(), n + 1, "tape outputs are [f, gradient]");
    if let Some(hessian) = objective.hessian {
        assert_eq!(hessian.n_params(), n, "the Hessian has the same parameters");
        assert_eq!(hessian.n_outputs(), n * n, "the Hessian has n*n outputs");
    }
    let check_interrupt_mask = interrupt_every(objective) - 1;
    let hessian = objective.hessian.map(Hessian::Tape);
    let optimizer = Optimizer::new(&config.method, config.sense, n, hessian);
    // The point lives in the workspace's parameter slots, where the
    // optimizer updates it and the tape reads it (see `Tape::eval_in_place`).
    let mut work = tape.workspace();
    tape.point_mut(&mut work).copy_from_slice(start);
    let mut at = TapeAt { tape, work };
    descend(&mut at, optimizer, config, check_interrupt_mask, interrupt)
}

/// Where the descent loop gets the value and gradient at its point: the
/// tape evaluated in place (`run`), or the program over data rows
/// (`run_rows`). `descend` is generic over it, so each gets a loop of its
/// own with these calls inlined, not called through a vtable.
trait Evaluate {
    /// Writes `[f, df/dp1, ..., df/dpn]` at the current point to `out`.
    fn eval(&mut self, out: &mut [f64]);

    /// The current point.
    fn point(&self) -> &[f64];

    /// Moves the point by one update of `optimizer`; `grad` is what `eval`
    /// just wrote after f. On error the culprit says why.
    fn update(
        &mut self,
        optimizer: &mut Optimizer<'_>,
        grad: &[f64],
        lr: f64,
    ) -> Result<(), (Culprit, f64)>;
}

/// A tape and its workspace, whose parameter slots hold the point.
struct TapeAt<'a> {
    tape: &'a Tape,
    work: Workspace,
}

impl Evaluate for TapeAt<'_> {
    #[inline]
    fn eval(&mut self, out: &mut [f64]) {
        self.tape.eval_in_place(&mut self.work);
        self.tape.read_outputs(&self.work, out);
    }

    #[inline]
    fn point(&self) -> &[f64] {
        self.tape.point(&self.work)
    }

    #[inline]
    fn update(
        &mut self,
        optimizer: &mut Optimizer<'_>,
        grad: &[f64],
        lr: f64,
    ) -> Result<(), (Culprit, f64)> {
        optimizer.update(self.tape.point_mut(&mut self.work), grad, lr)
    }
}

/// The descent loop of `run` and `run_rows`, from the point `at` holds:
/// evaluate, trace, check for divergence and convergence, poll the
/// interrupt flag (when `k & check_interrupt_mask` is 0), update; then the
/// last trace entry and the verdict.
fn descend<E: Evaluate>(
    at: &mut E,
    mut optimizer: Optimizer<'_>,
    config: &Config,
    check_interrupt_mask: u64,
    interrupt: &AtomicBool,
) -> Run {
    let n = at.point().len();
    let every = trace_every(config.steps);
    let threshold = convergence_threshold(config.tol);
    let expected_entries = (config.steps / every).saturating_add(2);
    let mut trace = Trace::with_capacity(n, expected_entries.min(4096) as usize);
    let mut recent = Recent::new(n);
    let mut out = vec![0.0; n + 1];
    let mut next_traced = 0u64;
    let mut converged_at = None;
    let mut reason = None;
    let mut k = 0u64;
    let status = loop {
        at.eval(&mut out);
        let (f, grad) = (out[0], &out[1..]);
        let x = at.point();
        let norm = euclidean_norm(grad);
        recent.push(x, norm);
        if k == next_traced {
            trace.push(k, x, f, grad);
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
        if let Err(found) = at.update(&mut optimizer, grad, config.lr) {
            reason = Some(Divergence::found(k, found, at.point()));
            break Status::Diverged;
        }
        k += 1;
    };
    let x = at.point().to_vec();
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

/// The verdict, LANGUAGE.md section 4, in its order: a diverged status comes
/// first (a run that stopped on a non-finite number is never converged),
/// then converged, diverged by rate, oscillating, converging.
fn judge(run: &Run, config: &Config, recent: &Recent) -> Verdict {
    let f_start = run.trace.fs.first().copied().unwrap_or(run.f);
    let growing = run.rate.is_some_and(|r| r > 1.0);
    if run.status == Status::Diverged {
        Verdict::Diverged
    } else if run.grad_norm < convergence_threshold(config.tol) {
        Verdict::Converged
    } else if growing && got_worse(config.sense, f_start, run.f) {
        Verdict::Diverged
    } else if oscillating(recent) {
        Verdict::Oscillating
    } else {
        Verdict::Converging
    }
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

/// Whether the value ended worse than it started: above when minimizing,
/// below when maximizing.
fn got_worse(sense: Sense, start: f64, end: f64) -> bool {
    match sense {
        Sense::Minimize => end > start,
        Sense::Maximize => end < start,
    }
}

// ---------------------------------------------------------------- verdict

/// Points kept: the last `VERDICT_WINDOW` steps, and the step before them to
/// tell whether the first of them reversed.
const POINTS_KEPT: usize = VERDICT_WINDOW + 2;
/// Gradient norms kept: the ends of the last `VERDICT_WINDOW` steps.
const NORMS_KEPT: usize = VERDICT_WINDOW + 1;

/// A ring of the most recent points and gradient norms: push number j
/// goes to slot `j % POINTS_KEPT` of both (only the last `NORMS_KEPT` norms
/// are read).
struct Recent {
    n_params: usize,
    points: Vec<f64>,
    norms: [f64; POINTS_KEPT],
    pushed: usize,
    /// `pushed % POINTS_KEPT`, kept without dividing (this runs every step).
    next_slot: usize,
}

impl Recent {
    fn new(n_params: usize) -> Recent {
        Recent {
            n_params,
            points: vec![0.0; POINTS_KEPT * n_params],
            norms: [0.0; POINTS_KEPT],
            pushed: 0,
            next_slot: 0,
        }
    }

    #[inline]
    fn push(&mut self, x: &[f64], norm: f64) {
        let (n, slot) = (self.n_params, self.next_slot);
        // A loop, not copy_from_slice: no call to memcpy for two numbers.
        for (kept, v) in self.points[slot * n..(slot + 1) * n].iter_mut().zip(x) {
            *kept = *v;
        }
        self.norms[slot] = norm;
        self.pushed += 1;
        self.next_slot = if slot + 1 == POINTS_KEPT { 0 } else { slot + 1 };
    }

    /// The point `back` entries before the latest (0 is the latest);
    /// `back < points_kept()`.
    fn point(&self, back: usize) -> &[f64] {
        let n = self.n_params;
        let slot = (self.pushed - 1 - back) % POINTS_KEPT;
        &self.points[slot * n..(slot + 1) * n]
    }

    fn points_kept(&self) -> usize {
        self.pushed.min(POINTS_KEPT)
    }

    /// The norm `back` entries before the latest; `back < norms_kept()`.
    fn norm(&self, back: usize) -> f64 {
        self.norms[(self.pushed - 1 - back) % POINTS_KEPT]
    }

    fn norms_kept(&self) -> usize {
        self.pushed.min(NORMS_KEPT)
    }
}

/// The geometric mean of |grad_{k+1}| / |grad_k| over the last (up to)
/// `VERDICT_WINDOW` steps, which telescopes to (|grad_last| /
/// |grad_first|)^(1/m) over the m steps. `None` with no step; 0 when the last
/// gradient is exactly 0 (solved exactly, whatever came before); inf when it
/// grew from exactly 0; nan when the norms are not finite.
fn rate(recent: &Recent) -> Option<f64> {
    let steps = recent.norms_kept().checked_sub(1).filter(|m| *m > 0)?;
    let (last, first) = (recent.norm(0), recent.norm(steps));
    if last == 0.0 {
        return Some(0.0);
    }
    Some((last / first).powf(1.0 / steps as f64))
}

/// Whether the step along the coordinate that moved most (largest sum of
/// |step| over the last `VERDICT_WINDOW` steps) went against the step before
/// it in at least `OSCILLATION_REVERSALS` of the last `VERDICT_WINDOW`
/// steps. A zero step reverses nothing. Fewer than 7 steps cannot oscillate.
fn oscillating(recent: &Recent) -> bool {
    let Some(n_steps) = recent.points_kept().checked_sub(1) else {
        return false;
    };
    if n_steps < 2 {
        return false;
    }
    // The step that ended `back` entries before the latest, along j.
    let delta = |back: usize, j: usize| recent.point(back)[j] - recent.point(back + 1)[j];
    let window = n_steps.min(VERDICT_WINDOW);
    let movement = |j: usize| (0..window).map(|b| delta(b, j).abs()).sum::<f64>();
    let Some(most) = (0..recent.n_params).max_by(|a, b| movement(*a).total_cmp(&movement(*b)))
    else {
        return false;
    };
    let compared = (n_steps - 1).min(VERDICT_WINDOW);
    let reversals = (0..compared)
        .filter(|b| delta(*b, most) * delta(b + 1, most) < 0.0)
        .count();
    reversals >= OSCILLATION_REVERSALS
}
