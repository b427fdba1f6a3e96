//! The trace of a run: its recorded states as flat arrays (entry k is the
//! state after k updates: the point, the value and the gradient there, and
//! with `state` the optimizer's buffers after update k), and how a long run
//! is thinned to fit.
//!
//! Invariant: a trace holds at most `TRACE_LIMIT` entries, whatever the
//! number of steps, and always the first and the last state.

/// Most entries a trace keeps; a longer run keeps every K-th step.
pub const TRACE_LIMIT: usize = 100_000;
/// Most entries a trace makes room for before the run (a long run's trace
/// grows as it goes, so a run cut short has not reserved the limit).
pub(super) const ROOM_UP_FRONT: usize = 4096;

/// The recorded states of a run, as flat arrays: entry i has step
/// `steps[i]`, point `xs[i*n..(i+1)*n]`, value `fs[i]`, gradient
/// `grads[i*n..(i+1)*n]` and optimizer state `states[i*w..(i+1)*w]`, where
/// w is `state_width` (0 when the run keeps no state).
#[derive(Clone, Debug, PartialEq)]
pub struct Trace {
    n_params: usize,
    state_width: usize,
    steps: Vec<u64>,
    xs: Vec<f64>,
    fs: Vec<f64>,
    grads: Vec<f64>,
    states: Vec<f64>,
}

/// One state of a run.
#[derive(Copy, Clone, Debug, PartialEq)]
pub struct Entry<'a> {
    pub step: u64,
    pub x: &'a [f64],
    pub f: f64,
    pub grad: &'a [f64],
    /// The optimizer's state buffers after this entry's update, buffer j
    /// of coordinate i at `j * n + i` (the rule's order and torch's
    /// names); empty when the run keeps no state, and at step 0, where
    /// torch's state is still empty.
    pub state: &'a [f64],
}

impl Trace {
    /// Room for `entries`; each keeps `state_width` numbers of the
    /// optimizer's state (0 for none).
    pub(super) fn with_capacity(n_params: usize, state_width: usize, entries: usize) -> Trace {
        Trace {
            n_params,
            state_width,
            steps: Vec::with_capacity(entries),
            xs: Vec::with_capacity(entries * n_params),
            fs: Vec::with_capacity(entries),
            grads: Vec::with_capacity(entries * n_params),
            states: Vec::with_capacity(entries * state_width),
        }
    }

    /// An entry; `state` has `state_width` numbers.
    pub(super) fn push(&mut self, step: u64, x: &[f64], f: f64, grad: &[f64], state: &[f64]) {
        debug_assert_eq!(state.len(), self.state_width);
        self.steps.push(step);
        self.xs.extend_from_slice(x);
        self.fs.push(f);
        self.grads.extend_from_slice(grad);
        self.states.extend_from_slice(state);
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
        (i < self.len()).then(|| self.entry_at(i))
    }

    /// Entry i, which exists.
    fn entry_at(&self, i: usize) -> Entry<'_> {
        let (n, w) = (self.n_params, self.state_width);
        let step = self.steps[i];
        let state = match step {
            0 => &[],
            _ => &self.states[i * w..(i + 1) * w],
        };
        Entry {
            step,
            x: &self.xs[i * n..(i + 1) * n],
            f: self.fs[i],
            grad: &self.grads[i * n..(i + 1) * n],
            state,
        }
    }

    pub fn first(&self) -> Option<Entry<'_>> {
        self.entry(0)
    }

    pub fn last(&self) -> Option<Entry<'_>> {
        self.entry(self.len().checked_sub(1)?)
    }

    pub fn iter(&self) -> impl ExactSizeIterator<Item = Entry<'_>> + '_ {
        (0..self.len()).map(|i| self.entry_at(i))
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

/// The trace keeps every K-th step: 1 when the whole run fits in
/// `TRACE_LIMIT` entries, else the smallest K for which the multiples of K
/// up to `steps`, plus the last step, fit.
pub fn trace_every(steps: u64) -> u64 {
    steps.div_ceil(TRACE_LIMIT as u64 - 1).max(1)
}
