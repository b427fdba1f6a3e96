//! The judgement of a run (LANGUAGE.md section 4): its verdict and its
//! rate, read from a fixed ring of its last few points and gradient norms.
//!
//! Invariant: judging reads only the ring and the run's summary, so its
//! cost and memory do not grow with the number of steps.

use super::{Config, Run, Sense, Status, convergence_threshold};

/// The verdict and the rate look at the last this many steps.
pub const VERDICT_WINDOW: usize = 10;
/// Reversals among the last `VERDICT_WINDOW` steps that make a run
/// oscillating.
pub const OSCILLATION_REVERSALS: usize = 6;

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

/// The verdict, LANGUAGE.md section 4, in its order: a diverged status comes
/// first (a run that stopped on a non-finite number is never converged),
/// then converged, diverged by rate, oscillating, converging.
pub(super) fn judge(run: &Run, config: &Config, recent: &Recent) -> Verdict {
    let f_start = run.trace.values().first().copied().unwrap_or(run.f);
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

/// The geometric mean of |grad_{k+1}| / |grad_k| over the last (up to)
/// `VERDICT_WINDOW` steps, which telescopes to (|grad_last| /
/// |grad_first|)^(1/m) over the m steps. `None` with no step; 0 when the last
/// gradient is exactly 0 (solved exactly, whatever came before); inf when it
/// grew from exactly 0; nan when the norms are not finite.
pub(super) fn rate(recent: &Recent) -> Option<f64> {
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
