//! The judgement of a run (LANGUAGE.md section 4): its verdict and its
//! rate, read from its trace and a fixed ring of its last few points and
//! gradient norms.
//!
//! Invariant: judging reads at most the last `MAX_RATE_WINDOW` steps of the
//! trace and the ring, so its cost does not grow with the number of steps.

use super::trace::Trace;
use super::{Config, Run, Sense, Status, convergence_threshold, euclidean_norm};

/// The verdict and the rate look at the last this many steps.
pub const VERDICT_WINDOW: usize = 10;
/// Reversals among the last `VERDICT_WINDOW` steps that make a run
/// oscillating.
pub const OSCILLATION_REVERSALS: usize = 6;

/// The rate is fitted over the last half of a run, but at least its last
/// `VERDICT_WINDOW` steps and at most its last `MAX_RATE_WINDOW`.
pub const MAX_RATE_WINDOW: u64 = 1000;
/// Gradient norms below this share of the run's largest are at the
/// rounding floor, and left out of the rate.
const FLOOR: f64 = 1e-12;
/// A run improved on its start by more than this times 1 + |f(start)|
/// (and at each of its last steps) is unbounded.
const UNBOUNDED_GAIN: f64 = 1e6;
/// Rates at least this high may be oscillating.
const OSCILLATING_RATE: f64 = 0.999;

/// The judgement of a run, LANGUAGE.md section 4.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    Converged,
    Diverged,
    Unbounded,
    Oscillating,
    Converging,
    NotConverging,
}

impl Verdict {
    /// The JSON name.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Converged => "converged",
            Verdict::Diverged => "diverged",
            Verdict::Unbounded => "unbounded",
            Verdict::Oscillating => "oscillating",
            Verdict::Converging => "converging",
            Verdict::NotConverging => "not_converging",
        }
    }
}

/// The verdict, LANGUAGE.md section 4, in its order: a diverged status comes
/// first (a run that stopped on a non-finite number is never converged),
/// then converged, diverged by rate, unbounded, oscillating, converging,
/// not converging. Also whether the steps zigzag (alternate along the
/// coordinate that moves most).
pub(super) fn judge(run: &Run, config: &Config, recent: &Recent) -> (Verdict, bool) {
    let f_start = run.trace.values().first().copied().unwrap_or(run.f);
    let zigzag = oscillating(recent);
    let verdict = if run.status == Status::Diverged {
        Verdict::Diverged
    } else if run.grad_norm < convergence_threshold(config.tol) {
        Verdict::Converged
    } else if run.rate.is_some_and(|r| r > 1.0) && got_worse(config.sense, f_start, run.f) {
        Verdict::Diverged
    } else if unbounded(&run.trace, config.sense) {
        Verdict::Unbounded
    } else if zigzag && run.rate.is_some_and(|r| r >= OSCILLATING_RATE) {
        Verdict::Oscillating
    } else if run.rate.is_some_and(|r| r < 1.0) {
        Verdict::Converging
    } else {
        Verdict::NotConverging
    };
    (verdict, zigzag)
}

/// Whether the value improved at each of the last `VERDICT_WINDOW` traced
/// steps and on the start by more than `UNBOUNDED_GAIN` (1 + |f(start)|).
fn unbounded(trace: &Trace, sense: Sense) -> bool {
    let values = trace.values();
    let (Some(start), Some(end)) = (values.first(), values.last()) else {
        return false;
    };
    if values.len() <= VERDICT_WINDOW {
        return false;
    }
    let better = |a: f64, b: f64| match sense {
        Sense::Minimize => b < a,
        Sense::Maximize => b > a,
    };
    let last = &values[values.len() - VERDICT_WINDOW - 1..];
    let improving = last.windows(2).all(|w| better(w[0], w[1]));
    let gain = (end - start).abs();
    improving && better(*start, *end) && gain > UNBOUNDED_GAIN * (1.0 + start.abs())
}

/// Whether the value ended worse than it started: above when minimizing,
/// below when maximizing.
fn got_worse(sense: Sense, start: f64, end: f64) -> bool {
    match sense {
        Sense::Minimize => end > start,
        Sense::Maximize => end < start,
    }
}

/// Points kept: the last `VERDICT_WINDOW` steps, and the step before them to
/// tell whether the first of them reversed.
pub(super) const POINTS_KEPT: usize = VERDICT_WINDOW + 2;
/// Gradient norms kept: the ends of the last `VERDICT_WINDOW` steps.
const NORMS_KEPT: usize = VERDICT_WINDOW + 1;

/// A ring of the most recent points and gradient norms: push number j
/// goes to slot `j % POINTS_KEPT` of both (only the last `NORMS_KEPT` norms
/// are read).
pub(super) struct Recent {
    n_params: usize,
    points: Vec<f64>,
    norms: [f64; POINTS_KEPT],
    pushed: usize,
    /// `pushed % POINTS_KEPT`, kept without dividing (this runs every step).
    next_slot: usize,
}

impl Recent {
    pub(super) fn new(n_params: usize) -> Recent {
        Recent {
            n_params,
            points: vec![0.0; POINTS_KEPT * n_params],
            norms: [0.0; POINTS_KEPT],
            pushed: 0,
            next_slot: 0,
        }
    }

    #[inline]
    pub(super) fn push(&mut self, x: &[f64], norm: f64) {
        let (n, slot) = (self.n_params, self.next_slot);
        // A loop, not copy_from_slice: no call to memcpy for two numbers.
        for (kept, v) in self.points[slot * n..(slot + 1) * n].iter_mut().zip(x) {
            *kept = *v;
        }
        self.norms[slot] = norm;
        self.pushed += 1;
        self.next_slot = if slot + 1 == POINTS_KEPT { 0 } else { slot + 1 };
    }

    /// The ring as compiled code fills it: the points (slot j at `j * n`),
    /// the norms, and the slot of the next push.
    pub(super) fn ring_mut(&mut self) -> (&mut [f64], &mut [f64], usize) {
        (&mut self.points, &mut self.norms, self.next_slot)
    }

    /// Records that compiled code made `pushes` pushes into `ring_mut`'s
    /// slots, the next one going to `next_slot`.
    pub(super) fn pushed_natively(&mut self, pushes: usize, next_slot: usize) {
        self.pushed += pushes;
        self.next_slot = next_slot;
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

/// The per-step factor by which the gradient norm shrinks: exp of the
/// slope of the least-squares line through ln |grad_k| over the last half
/// of the run (at least its last `VERDICT_WINDOW` steps, at most its last
/// `MAX_RATE_WINDOW`), from the trace's entries there and the ring's last
/// norms, leaving out norms at the rounding floor (below `FLOOR` times the
/// run's largest). `None` with fewer than 2 such steps; 0 when the last
/// gradient is exactly 0 (solved exactly, whatever came before).
pub(super) fn rate(trace: &Trace, recent: &Recent, steps: u64) -> Option<f64> {
    if steps == 0 || recent.norms_kept() == 0 {
        return None;
    }
    if recent.norm(0) == 0.0 {
        return Some(0.0);
    }
    let window = steps
        .div_ceil(2)
        .clamp((VERDICT_WINDOW as u64).min(steps), MAX_RATE_WINDOW);
    let from = steps - window;
    let mut points: Vec<(u64, f64)> = trace
        .iter()
        .filter(|e| e.step >= from)
        .map(|e| (e.step, euclidean_norm(e.grad)))
        .collect();
    for back in 0..recent.norms_kept() {
        let step = steps - back as u64;
        if step >= from && !points.iter().any(|(s, _)| *s == step) {
            points.push((step, recent.norm(back)));
        }
    }
    let largest = trace
        .iter()
        .map(|e| euclidean_norm(e.grad))
        .chain(points.iter().map(|(_, n)| *n))
        .filter(|n| n.is_finite())
        .fold(0.0f64, f64::max);
    points.retain(|(_, n)| n.is_finite() && *n > 0.0 && *n >= FLOOR * largest);
    if points.len() < 2 {
        return None;
    }
    Some(slope(&points).exp())
}

/// The slope of the least-squares line through (step, ln norm).
fn slope(points: &[(u64, f64)]) -> f64 {
    let m = points.len() as f64;
    let mean_s = points.iter().map(|(s, _)| *s as f64).sum::<f64>() / m;
    let mean_l = points.iter().map(|(_, n)| n.ln()).sum::<f64>() / m;
    let (mut num, mut den) = (0.0, 0.0);
    for (s, n) in points {
        let ds = *s as f64 - mean_s;
        num += ds * (n.ln() - mean_l);
        den += ds * ds;
    }
    num / den
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
