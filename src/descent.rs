//! The descent loop: runs an optimizer on a compiled tape whose outputs are
//! `[f, df/dp1, ..., df/dpn]`, records the trace, and judges the run (status,
//! verdict, rate) exactly as LANGUAGE.md section 4 defines them.
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

use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::compile::Tape;
use crate::syntax::Sense;

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

/// The update rule. Each later method (momentum, nesterov, adagrad, rmsprop,
/// adam, newton) is a variant carrying its hyper-parameters, e.g.
/// `Momentum { momentum: f64 }`; its state lives in `Optimizer` as flat
/// arrays n long, allocated once per run, and `Optimizer::update` has one arm
/// per variant.
#[derive(Clone, Debug, PartialEq)]
pub enum Method {
    /// Plain gradient descent: `x -= lr * grad`.
    Gd,
}

impl Method {
    /// The name used by `using METHOD` and in the JSON output.
    pub fn name(&self) -> &'static str {
        match self {
            Method::Gd => "gd",
        }
    }
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
}

/// Why and where a run diverged.
#[derive(Copy, Clone, Debug, PartialEq)]
pub struct Divergence {
    /// The trace step at which it was seen (0 is the start).
    pub step: u64,
    pub culprit: Culprit,
    /// The offending number.
    pub number: f64,
}

impl Divergence {
    /// In words, naming coordinates by `params` (falling back to
    /// "coordinate i", 1-based): "at step 12, y went beyond 1e100 (y = 2e100)".
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
/// between (well under a millisecond), however big the tape.
pub fn interrupt_every(tape: &Tape) -> u64 {
    let per_check = (1u64 << 20) / (tape.ops().len() as u64 + 1);
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

/// Runs the descent from `start`. The tape's outputs are `[f, df/dp1, ...,
/// df/dpn]` over the n = `start.len()` parameters.
///
/// # Panics
/// When the tape does not have n parameters and n + 1 outputs.
pub fn run(tape: &Tape, start: &[f64], config: &Config, interrupt: &AtomicBool) -> Run {
    let n = start.len();
    assert_eq!(tape.n_params(), n, "one start coordinate per parameter");
    assert_eq!(tape.n_outputs(), n + 1, "tape outputs are [f, gradient]");
    let every = trace_every(config.steps);
    let check_interrupt_mask = interrupt_every(tape) - 1;
    let threshold = convergence_threshold(config.tol);
    let expected_entries = (config.steps / every).saturating_add(2);
    let mut trace = Trace::with_capacity(n, expected_entries.min(4096) as usize);
    let mut recent = Recent::new(n);
    let mut optimizer = Optimizer::new(&config.method, config.sense, n);
    let mut work = tape.workspace();
    let mut x = start.to_vec();
    let mut out = vec![0.0; n + 1];
    let mut next_traced = 0u64;
    let mut converged_at = None;
    let mut reason = None;
    let mut k = 0u64;
    tape.eval(&x, &mut work, &mut out);
    let status = loop {
        let (f, grad) = (out[0], &out[1..]);
        let norm = euclidean_norm(grad);
        recent.push(&x, norm);
        if k == next_traced {
            trace.push(k, &x, f, grad);
            next_traced = next_traced.saturating_add(every);
        }
        if let Some((culprit, number)) = find_divergence(&x, f, grad) {
            let step = k;
            reason = Some(Divergence {
                step,
                culprit,
                number,
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
        optimizer.update(&mut x, grad, config.lr);
        k += 1;
        tape.eval(&x, &mut work, &mut out);
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
fn euclidean_norm(v: &[f64]) -> f64 {
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
fn find_divergence(x: &[f64], f: f64, grad: &[f64]) -> Option<(Culprit, f64)> {
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

/// Whether the value ended worse than it started: above when minimizing,
/// below when maximizing.
fn got_worse(sense: Sense, start: f64, end: f64) -> bool {
    match sense {
        Sense::Minimize => end > start,
        Sense::Maximize => end < start,
    }
}

// ---------------------------------------------------------------- optimizer

/// A method with its state. Gradient descent has none; later methods keep
/// theirs here as flat arrays (`velocity`, `square_avg`, ...), n long.
struct Optimizer {
    method: Method,
    /// +1 to ascend, -1 to descend: torch's `maximize=True` flips the
    /// gradient, so `x -= lr * (-grad)`, which is `x += lr * grad` exactly.
    direction: f64,
}

impl Optimizer {
    fn new(method: &Method, sense: Sense, _n_params: usize) -> Optimizer {
        let direction = match sense {
            Sense::Minimize => -1.0,
            Sense::Maximize => 1.0,
        };
        Optimizer {
            method: method.clone(),
            direction,
        }
    }

    /// One update of `x` from the gradient at `x`.
    fn update(&mut self, x: &mut [f64], grad: &[f64], lr: f64) {
        match self.method {
            Method::Gd => {
                // x + (-lr)*g rounds exactly as x - lr*g.
                let scale = self.direction * lr;
                for (xi, gi) in x.iter_mut().zip(grad) {
                    *xi += scale * gi;
                }
            }
        }
    }
}

// ---------------------------------------------------------------- verdict

/// Points kept: the last `VERDICT_WINDOW` steps, and the step before them to
/// tell whether the first of them reversed.
const POINTS_KEPT: usize = VERDICT_WINDOW + 2;
/// Gradient norms kept: the ends of the last `VERDICT_WINDOW` steps.
const NORMS_KEPT: usize = VERDICT_WINDOW + 1;

/// A ring of the most recent points and gradient norms.
struct Recent {
    n_params: usize,
    points: Vec<f64>,
    norms: [f64; NORMS_KEPT],
    pushed: usize,
}

impl Recent {
    fn new(n_params: usize) -> Recent {
        Recent {
            n_params,
            points: vec![0.0; POINTS_KEPT * n_params],
            norms: [0.0; NORMS_KEPT],
            pushed: 0,
        }
    }

    fn push(&mut self, x: &[f64], norm: f64) {
        let n = self.n_params;
        let slot = self.pushed % POINTS_KEPT;
        self.points[slot * n..(slot + 1) * n].copy_from_slice(x);
        self.norms[self.pushed % NORMS_KEPT] = norm;
        self.pushed += 1;
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
        self.norms[(self.pushed - 1 - back) % NORMS_KEPT]
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compile::compile;
    use crate::symbolic::expr::{Expr, Func, add, call, mul, neg, pow, sqrt};

    fn x() -> Expr {
        Expr::var("x")
    }
    fn y() -> Expr {
        Expr::var("y")
    }
    fn n(v: i64) -> Expr {
        Expr::int(v)
    }

    fn tape(f: Expr, grad: &[Expr], params: &[&str]) -> Tape {
        let mut outputs = vec![f];
        outputs.extend_from_slice(grad);
        match compile(&outputs, params) {
            Ok(tape) => tape,
            Err(err) => panic!("compile failed: {err}"),
        }
    }

    /// (x-3)^2 and its gradient 2x - 6.
    fn parabola() -> Tape {
        let f = pow(add([x(), n(-3)]), n(2));
        tape(f, &[add([mul([n(2), x()]), n(-6)])], &["x"])
    }

    fn config(lr: f64, steps: u64) -> Config {
        Config {
            sense: Sense::Minimize,
            lr,
            steps,
            tol: 0.0,
            method: Method::Gd,
        }
    }

    fn go(tape: &Tape, start: &[f64], config: &Config) -> Run {
        run(tape, start, config, &AtomicBool::new(false))
    }

    /// The loop written out by hand: (step, x, f, grad) per entry.
    type Plain<'a> = &'a dyn Fn(&[f64]) -> (f64, Vec<f64>);
    fn by_hand(
        f: Plain<'_>,
        start: &[f64],
        lr: f64,
        steps: u64,
        tol: f64,
        ascend: bool,
    ) -> Vec<(Vec<f64>, f64, Vec<f64>)> {
        let mut x = start.to_vec();
        let mut entries = Vec::new();
        for k in 0..=steps {
            let (value, grad) = f(&x);
            entries.push((x.clone(), value, grad.clone()));
            let norm = grad.iter().map(|g| g * g).sum::<f64>().sqrt();
            if (tol > 0.0 && norm < tol) || k == steps {
                break;
            }
            for (xi, gi) in x.iter_mut().zip(&grad) {
                if ascend {
                    *xi += lr * gi;
                } else {
                    *xi -= lr * gi;
                }
            }
        }
        entries
    }

    fn close(a: f64, b: f64) -> bool {
        a == b || (a - b).abs() <= 1e-12 * (1.0 + a.abs().max(b.abs()))
    }

    fn assert_same_trace(run: &Run, hand: &[(Vec<f64>, f64, Vec<f64>)]) {
        assert_eq!(run.trace.len(), hand.len());
        for (k, (entry, (hx, hf, hg))) in run.trace.iter().zip(hand).enumerate() {
            assert_eq!(entry.step, k as u64);
            let ok = close(entry.f, *hf)
                && entry.x.iter().zip(hx).all(|(a, b)| close(*a, *b))
                && entry.grad.iter().zip(hg).all(|(a, b)| close(*a, *b));
            assert!(ok, "step {k}: {entry:?} vs {hx:?} {hf} {hg:?}");
        }
        let (hx, hf, hg) = &hand[hand.len() - 1];
        assert_eq!(run.steps, hand.len() as u64 - 1);
        assert!(close(run.f, *hf) && close(run.x[0], hx[0]) && close(run.grad[0], hg[0]));
    }

    #[test]
    fn parabola_matches_the_loop_by_hand() {
        let run = go(&parabola(), &[0.0], &config(0.1, 20));
        let plain = |x: &[f64]| ((x[0] - 3.0).powi(2), vec![2.0 * x[0] - 6.0]);
        assert_same_trace(&run, &by_hand(&plain, &[0.0], 0.1, 20, 0.0, false));
        assert_eq!(run.status, Status::MaxSteps);
        assert_eq!((run.trace_every, run.reason), (1, None));
        assert_eq!(run.verdict, Verdict::Converging);
        assert!(close(run.rate.unwrap_or(0.0), 0.8));
    }

    #[test]
    fn two_parameters_match_the_loop_by_hand() {
        let f = add([pow(add([x(), n(-3)]), n(2)), pow(add([y(), n(-2)]), n(2))]);
        let grad = [
            add([mul([n(2), x()]), n(-6)]),
            add([mul([n(2), y()]), n(-4)]),
        ];
        let run = go(&tape(f, &grad, &["x", "y"]), &[0.0, 0.0], &config(0.1, 30));
        let plain = |p: &[f64]| {
            let (x, y) = (p[0], p[1]);
            let value = (x - 3.0).powi(2) + (y - 2.0).powi(2);
            (value, vec![2.0 * x - 6.0, 2.0 * y - 4.0])
        };
        let hand = by_hand(&plain, &[0.0, 0.0], 0.1, 30, 0.0, false);
        assert_same_trace(&run, &hand);
        assert!(close(run.x[1], hand[30].0[1]));
        let norm = (run.grad[0].powi(2) + run.grad[1].powi(2)).sqrt();
        assert!(close(run.grad_norm, norm));
        assert!(close(run.rate.unwrap_or(0.0), 0.8));
    }

    #[test]
    fn quadratic_in_w_ends_near_minus_one_and_a_half() {
        let w = Expr::var("w");
        let f = add([pow(w, n(2)), mul([n(3), w]), n(-5)]);
        let run = go(
            &tape(f, &[add([mul([n(2), w]), n(3)])], &["w"]),
            &[10.0],
            &config(0.01, 1000),
        );
        let plain = |p: &[f64]| (p[0] * p[0] + 3.0 * p[0] - 5.0, vec![2.0 * p[0] + 3.0]);
        let hand = by_hand(&plain, &[10.0], 0.01, 1000, 0.0, false);
        assert_same_trace(&run, &hand);
        assert!((run.x[0] + 1.5).abs() < 1e-7, "{}", run.x[0]);
        // The norm 23 * 0.98^k first drops below 1e-6 at step 840.
        let first_below = hand.iter().position(|(_, _, g)| g[0].abs() < 1e-6);
        assert_eq!(run.converged_at, first_below.map(|k| k as u64));
        assert_eq!(run.converged_at, Some(840));
        assert_eq!(
            (run.status, run.verdict),
            (Status::MaxSteps, Verdict::Converged)
        );
    }

    #[test]
    fn tol_stops_the_run() {
        let f = add([pow(x(), n(2)), mul([n(2), x()]), n(1)]);
        let tape = tape(f, &[add([mul([n(2), x()]), n(2)])], &["x"]);
        let config = Config {
            tol: 1e-6,
            ..config(0.1, 1000)
        };
        let run = go(&tape, &[5.0], &config);
        let plain = |p: &[f64]| (p[0] * p[0] + 2.0 * p[0] + 1.0, vec![2.0 * p[0] + 2.0]);
        let hand = by_hand(&plain, &[5.0], 0.1, 1000, 1e-6, false);
        assert_same_trace(&run, &hand);
        assert_eq!(run.status, Status::Converged);
        assert_eq!(run.steps, 74);
        assert_eq!(run.converged_at, Some(74));
        assert_eq!(run.verdict, Verdict::Converged);
        assert!(run.grad_norm < 1e-6);
        // Already at the minimum: no update at all.
        let run = go(&tape, &[-1.0], &config);
        assert_eq!(
            (run.status, run.steps, run.trace.len()),
            (Status::Converged, 0, 1)
        );
        assert_eq!((run.converged_at, run.rate), (Some(0), None));
    }

    #[test]
    fn the_learning_rate_table() {
        let tape = parabola();
        let cases = [
            (0.01, Verdict::Converging, 0.98),
            (0.1, Verdict::Converging, 0.8),
            (0.5, Verdict::Converged, 0.0),
            (1.0, Verdict::Oscillating, 1.0),
            (1.1, Verdict::Diverged, 1.2),
        ];
        for (lr, verdict, rate) in cases {
            let run = go(&tape, &[0.0], &config(lr, 20));
            assert_eq!(run.verdict, verdict, "lr {lr}");
            let got = run.rate.unwrap_or(f64::NAN);
            assert!((got - rate).abs() < 1e-9, "lr {lr}: rate {got}");
            assert_eq!((run.status, run.steps), (Status::MaxSteps, 20), "lr {lr}");
        }
        let solved = go(&tape, &[0.0], &config(0.5, 20));
        assert_eq!(solved.trace.entry(1).map(|e| e.x[0]), Some(3.0));
        assert_eq!(solved.converged_at, Some(1));
        assert_eq!(go(&tape, &[0.0], &config(0.1, 20)).converged_at, None);
    }

    #[test]
    fn oscillation_follows_the_coordinate_that_moves_most() {
        // x^2 + 10y^2 at lr 0.095: x shrinks by 0.81 a step, y flips by -0.9.
        let f = add([pow(x(), n(2)), mul([n(10), pow(y(), n(2))])]);
        let grad = [mul([n(2), x()]), mul([n(20), y()])];
        let run = go(
            &tape(f, &grad, &["x", "y"]),
            &[1.0, 1.0],
            &config(0.095, 20),
        );
        assert_eq!(run.verdict, Verdict::Oscillating);
        assert!(run.rate.is_some_and(|r| r < 1.0));
        // Six steps cannot show six reversals.
        let short = go(&parabola(), &[0.0], &config(1.0, 6));
        assert_eq!(short.verdict, Verdict::Converging);
        let seven = go(&parabola(), &[0.0], &config(1.0, 7));
        assert_eq!(seven.verdict, Verdict::Oscillating);
    }

    #[test]
    fn maximize_ascends_and_reports_the_function_itself() {
        // -(x-1)^2 = -x^2 + 2x - 1, gradient -2x + 2.
        let f = neg(pow(add([x(), n(-1)]), n(2)));
        let tape = tape(f, &[add([mul([n(-2), x()]), n(2)])], &["x"]);
        let config = Config {
            sense: Sense::Maximize,
            ..config(0.1, 30)
        };
        let run = go(&tape, &[0.0], &config);
        let plain = |p: &[f64]| (-(p[0] - 1.0).powi(2), vec![-2.0 * p[0] + 2.0]);
        assert_same_trace(&run, &by_hand(&plain, &[0.0], 0.1, 30, 0.0, true));
        assert!(run.f < 0.0 && run.f > -1e-5);
        assert_eq!(run.verdict, Verdict::Converging);
        assert!(close(run.rate.unwrap_or(0.0), 0.8));
        // Descending on it would diverge: ascending at lr 1.1 does.
        let wild = Config { lr: 1.1, ..config };
        assert_eq!(go(&tape, &[0.0], &wild).verdict, Verdict::Diverged);
    }

    #[test]
    fn divergence_says_when_and_why() {
        // x^2 at lr 1.5 doubles |x| each step: 2^333 > 1e100 > 2^332.
        let square = tape(pow(x(), n(2)), &[mul([n(2), x()])], &["x"]);
        let run = go(&square, &[1.0], &config(1.5, 1000));
        assert_eq!(
            (run.status, run.verdict),
            (Status::Diverged, Verdict::Diverged)
        );
        assert_eq!(run.steps, 333);
        let Some(reason) = run.reason else {
            panic!("a reason")
        };
        assert_eq!((reason.step, reason.culprit), (333, Culprit::Coordinate(0)));
        assert_eq!(reason.number.abs(), 2f64.powi(333));
        assert!(
            reason
                .describe(&["x"])
                .starts_with("at step 333, x went beyond 1e100")
        );
        assert_eq!(run.trace.last().map(|e| e.step), Some(333));
        assert!(run.rate.is_some_and(|r| close(r, 2.0)));
        // ln(x) at -1: the value is nan at the start.
        let log = tape(call(Func::Ln, vec![x()]), &[pow(x(), n(-1))], &["x"]);
        let run = go(&log, &[-1.0], &config(0.1, 10));
        assert_eq!(run.status, Status::Diverged);
        let reason = run.reason.map(|r| (r.step, r.culprit));
        assert_eq!(reason, Some((0, Culprit::Value)));
        assert_eq!((run.steps, run.trace.len()), (0, 1));
        // sqrt(x) at 0: the value is fine, the gradient 1/(2 sqrt x) is not.
        let root = tape(
            sqrt(x()),
            &[mul([
                Expr::num(crate::symbolic::Num::HALF),
                pow(x(), Expr::num(crate::symbolic::Num::Rat(-1, 2))),
            ])],
            &["x"],
        );
        let run = go(&root, &[0.0], &config(0.1, 10));
        let Some(reason) = run.reason else {
            panic!("a reason")
        };
        assert_eq!((reason.step, reason.culprit), (0, Culprit::Gradient(0)));
        assert_eq!(
            reason.to_string(),
            "at step 0, the gradient's coordinate 1 component became inf"
        );
    }

    #[test]
    fn long_runs_keep_a_thinned_trace() {
        assert_eq!(trace_every(0), 1);
        assert_eq!(trace_every(99_999), 1);
        assert_eq!(trace_every(100_000), 2);
        assert_eq!(trace_every(1_000_000), 11);
        assert_eq!(trace_every(10_000_000), 101);
        for steps in [99_999u64, 100_000, 1_000_000, 10_000_000, u64::MAX] {
            let every = trace_every(steps);
            let entries = steps / every + 1 + u64::from(steps % every != 0);
            assert!(entries <= TRACE_LIMIT as u64, "{steps} steps");
        }
        let run = go(&parabola(), &[0.0], &config(0.1, 1_000_000));
        assert_eq!(run.steps, 1_000_000);
        assert_eq!(run.trace_every, 11);
        assert!(run.trace.len() <= TRACE_LIMIT);
        assert_eq!(run.trace.len(), 1_000_000 / 11 + 2);
        assert_eq!(run.trace.first().map(|e| e.step), Some(0));
        assert_eq!(run.trace.last().map(|e| e.step), Some(1_000_000));
        assert!(
            run.trace.steps()[..run.trace.len() - 1]
                .iter()
                .all(|s| s % 11 == 0)
        );
        let full = go(&parabola(), &[0.0], &config(0.1, 99_999));
        assert_eq!(full.trace.len(), TRACE_LIMIT);
    }

    #[test]
    fn an_interrupt_stops_the_run_and_keeps_the_trace() {
        let stop = AtomicBool::new(true);
        let run = run(&parabola(), &[0.0], &config(0.1, 1_000_000), &stop);
        assert_eq!(run.status, Status::Interrupted);
        assert_eq!((run.steps, run.trace.len()), (0, 1));
        assert_eq!((run.x.clone(), run.f), (vec![0.0], 9.0));
    }

    #[test]
    fn an_interrupt_during_a_run_stops_it_soon() {
        let stop = AtomicBool::new(false);
        let tape = parabola();
        let run = std::thread::scope(|scope| {
            scope.spawn(|| {
                std::thread::sleep(std::time::Duration::from_millis(20));
                stop.store(true, Ordering::Relaxed);
            });
            run(&tape, &[0.0], &config(0.1, 1_000_000_000), &stop)
        });
        assert_eq!(run.status, Status::Interrupted);
        assert!(
            run.steps > 0 && run.steps % INTERRUPT_EVERY == 0,
            "{}",
            run.steps
        );
        assert_eq!(run.trace.last().map(|e| e.step), Some(run.steps));
        assert_eq!(run.verdict, Verdict::Converged);
    }

    #[test]
    fn big_tapes_check_the_interrupt_more_often() {
        assert_eq!(interrupt_every(&parabola()), INTERRUPT_EVERY);
        let terms = (1..=3000).map(|k| call(Func::Sin, vec![mul([n(k), x()])]));
        let big = tape(add(terms), &[n(0)], &["x"]);
        let every = interrupt_every(&big);
        assert!(
            every.is_power_of_two() && every < INTERRUPT_EVERY,
            "{every}"
        );
        assert!(every * (big.ops().len() as u64) <= 1 << 20);
    }

    #[test]
    fn norms_neither_overflow_nor_underflow() {
        assert_eq!(euclidean_norm(&[3.0, 4.0]), 5.0);
        assert!(close(euclidean_norm(&[3e200, 4e200]), 5e200));
        assert!((euclidean_norm(&[3e-200, -4e-200]) / 5e-200 - 1.0).abs() < 1e-15);
        assert_eq!(euclidean_norm(&[0.0, -0.0]), 0.0);
        assert_eq!(euclidean_norm(&[]), 0.0);
        assert_eq!(euclidean_norm(&[f64::NEG_INFINITY, 1.0]), f64::INFINITY);
        assert!(euclidean_norm(&[f64::NAN, 1e300]).is_nan());
    }

    #[test]
    fn no_steps_means_no_rate() {
        let run = go(&parabola(), &[0.0], &config(0.1, 0));
        assert_eq!(
            (run.status, run.steps, run.rate),
            (Status::MaxSteps, 0, None)
        );
        assert_eq!(run.verdict, Verdict::Converging);
        assert_eq!(run.trace.iter().map(|e| e.f).collect::<Vec<_>>(), vec![9.0]);
    }
}
