//! The runtime of compiled expressions: a `Tape` (constants, instructions,
//! output slots) and the `Workspace` register file it is evaluated in.
//!
//! Register layout: slots `0..n_params` hold the parameters, the next
//! `constants.len()` slots the constants, and instruction `i` writes slot
//! `n_params + constants.len() + i`. Invariant: every instruction reads only
//! slots below the one it writes, so one pass in order computes every slot;
//! evaluating allocates nothing once a `Workspace` has been prepared, and,
//! for tapes up to 65536 slots, does no bounds checks (see `run_fixed`).

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};

use super::isa::{Op, exec};

/// Register files of these sizes (powers of two) are indexed without bounds
/// checks (see `run_fixed`); a tape with more slots gets a register file of
/// its own size and bounds-checked access.
const SMALL_FILE: usize = 64;
const MEDIUM_FILE: usize = 1024;
const LARGE_FILE: usize = 16384;
const LARGEST_FILE: usize = 65536;
const REGISTER_FILE_SIZES: [usize; 4] = [SMALL_FILE, MEDIUM_FILE, LARGE_FILE, LARGEST_FILE];

fn register_file_size(n_slots: usize) -> usize {
    REGISTER_FILE_SIZES
        .into_iter()
        .find(|size| *size >= n_slots)
        .unwrap_or(n_slots)
}

/// Runs the instructions (instruction `i` writing slot `base + i`) on a
/// register file of a fixed power-of-two size `N` greater than every slot.
/// Masking each index with `N - 1` changes no index and lets the compiler
/// see that none is out of bounds: no bounds checks, in safe code.
fn run_fixed<const N: usize>(tape: &Tape, regs: &mut [f64; N]) {
    let base = tape.first_op_slot();
    for (i, op) in tape.ops.iter().enumerate() {
        let value = exec(*op, |slot| regs[slot as usize & (N - 1)]);
        regs[(base + i) & (N - 1)] = value;
    }
}

/// `run_fixed` for a register file of any size, with bounds checks.
fn run_checked(tape: &Tape, regs: &mut [f64]) {
    let base = tape.first_op_slot();
    for (i, op) in tape.ops.iter().enumerate() {
        let value = exec(*op, |slot| regs[slot as usize]);
        regs[base + i] = value;
    }
}

/// A compiled list of expressions over named parameters.
#[derive(Clone, Debug)]
pub struct Tape {
    /// Tells workspaces prepared for this tape from others (see `Workspace`).
    id: u64,
    n_params: usize,
    constants: Vec<f64>,
    ops: Vec<Op>,
    /// The slot holding each output.
    outputs: Vec<u32>,
}

/// The register file of one evaluation, reused across evaluations so that
/// `Tape::eval` allocates nothing. A workspace is prepared (sized, constants
/// loaded) the first time it is used with a tape, or by `Tape::workspace`;
/// using it with another tape prepares it again.
#[derive(Clone, Debug, Default)]
pub struct Workspace {
    tape_id: u64,
    regs: Vec<f64>,
}

static NEXT_TAPE_ID: AtomicU64 = AtomicU64::new(1);

impl Tape {
    /// A tape of `ops` over `n_params` parameters and `constants`, laid out
    /// as the module doc says, with a fresh id.
    pub(super) fn new(
        n_params: usize,
        constants: Vec<f64>,
        ops: Vec<Op>,
        outputs: Vec<u32>,
    ) -> Tape {
        Tape {
            id: NEXT_TAPE_ID.fetch_add(1, Ordering::Relaxed),
            n_params,
            constants,
            ops,
            outputs,
        }
    }

    pub fn n_params(&self) -> usize {
        self.n_params
    }

    pub fn n_outputs(&self) -> usize {
        self.outputs.len()
    }

    /// The instructions, in evaluation order.
    pub fn ops(&self) -> &[Op] {
        &self.ops
    }

    /// The constants, in slots `n_params..n_params + constants().len()`.
    pub fn constants(&self) -> &[f64] {
        &self.constants
    }

    /// The slot holding each output.
    pub fn outputs(&self) -> &[u32] {
        &self.outputs
    }

    /// The slot instruction 0 writes.
    pub fn first_op_slot(&self) -> usize {
        self.n_params + self.constants.len()
    }

    /// Size of the register file.
    pub fn n_slots(&self) -> usize {
        self.first_op_slot() + self.ops.len()
    }

    /// A workspace already prepared for this tape.
    pub fn workspace(&self) -> Workspace {
        let mut work = Workspace::default();
        self.prepare(&mut work);
        work
    }

    fn prepare(&self, work: &mut Workspace) {
        work.regs.clear();
        work.regs.resize(register_file_size(self.n_slots()), 0.0);
        let consts = self.n_params..self.first_op_slot();
        work.regs[consts].copy_from_slice(&self.constants);
        work.tape_id = self.id;
    }

    /// Evaluates every output at the point `x` into `out`. Allocates nothing
    /// once `work` has been prepared for this tape.
    ///
    /// # Panics
    /// When `x.len() != n_params()` or `out.len() != n_outputs()`.
    pub fn eval(&self, x: &[f64], work: &mut Workspace, out: &mut [f64]) {
        assert_eq!(out.len(), self.outputs.len(), "one place per output");
        self.point_mut(work).copy_from_slice(x);
        self.eval_in_place(work);
        self.read_outputs(work, out);
    }

    /// The parameter slots of `work`'s register file, preparing it for this
    /// tape first if need be: write the point here, then `eval_in_place`.
    ///
    /// # Panics
    /// (`copy_from_slice` into it) when the point has not `n_params()`
    /// values.
    #[inline]
    pub fn point_mut<'w>(&self, work: &'w mut Workspace) -> &'w mut [f64] {
        if work.tape_id != self.id {
            self.prepare(work);
        }
        &mut work.regs[..self.n_params]
    }

    /// The whole register file of `work`, prepared for this tape (for
    /// native code, which reads the point there and writes the outputs).
    pub(in crate::compile) fn registers_mut<'w>(&self, work: &'w mut Workspace) -> &'w mut [f64] {
        if work.tape_id != self.id {
            self.prepare(work);
        }
        &mut work.regs
    }

    /// The point `work` was last evaluated at (or set to by `point_mut`).
    ///
    /// # Panics
    /// When `work` has not been prepared for this tape.
    #[inline]
    pub fn point<'w>(&self, work: &'w Workspace) -> &'w [f64] {
        assert_eq!(work.tape_id, self.id, "a workspace of this tape");
        &work.regs[..self.n_params]
    }

    /// Output `i` of the last evaluation in `work`.
    ///
    /// # Panics
    /// When `work` has not been prepared for this tape, or `i` is not below
    /// `n_outputs()`.
    #[inline]
    pub fn output(&self, work: &Workspace, i: usize) -> f64 {
        assert_eq!(work.tape_id, self.id, "a workspace of this tape");
        work.regs[self.outputs[i] as usize]
    }

    /// Every output of the last evaluation in `work`, into `out`.
    ///
    /// # Panics
    /// When `work` has not been prepared for this tape, or `out.len() !=
    /// n_outputs()`.
    #[inline]
    pub fn read_outputs(&self, work: &Workspace, out: &mut [f64]) {
        assert_eq!(work.tape_id, self.id, "a workspace of this tape");
        assert_eq!(out.len(), self.outputs.len(), "one place per output");
        for (o, slot) in out.iter_mut().zip(&self.outputs) {
            *o = work.regs[*slot as usize];
        }
    }

    /// Evaluates every output at the point in `work`'s parameter slots (see
    /// `point_mut`), leaving the results in its register file (see
    /// `output`). Copies nothing in or out: the descent loop updates the
    /// point where it lies, and reads the gradient where it was computed,
    /// with plain scalar loads and stores (copying a point in and a
    /// gradient out costs more than a small tape's arithmetic, mostly
    /// because a wide load of values just written by narrow stores stalls).
    ///
    /// # Panics
    /// When `work` has not been prepared for this tape.
    pub fn eval_in_place(&self, work: &mut Workspace) {
        assert_eq!(work.tape_id, self.id, "a workspace of this tape");
        let regs = &mut work.regs[..];
        if let Ok(regs) = <&mut [f64; SMALL_FILE]>::try_from(&mut *regs) {
            return run_fixed(self, regs);
        }
        if let Ok(regs) = <&mut [f64; MEDIUM_FILE]>::try_from(&mut *regs) {
            return run_fixed(self, regs);
        }
        if let Ok(regs) = <&mut [f64; LARGE_FILE]>::try_from(&mut *regs) {
            return run_fixed(self, regs);
        }
        if let Ok(regs) = <&mut [f64; LARGEST_FILE]>::try_from(&mut *regs) {
            return run_fixed(self, regs);
        }
        run_checked(self, regs)
    }

    /// Evaluates every output at `x` (allocating a workspace: for one-off
    /// use, not for loops).
    pub fn eval_once(&self, x: &[f64]) -> Vec<f64> {
        let mut out = vec![0.0; self.n_outputs()];
        self.eval(x, &mut self.workspace(), &mut out);
        out
    }
}

/// One instruction per line, `r3 = mul r0 r0`, for tests and debugging.
impl fmt::Display for Tape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, c) in self.constants.iter().enumerate() {
            writeln!(f, "r{} = {c:?}", self.n_params + i)?;
        }
        for (i, op) in self.ops.iter().enumerate() {
            let text = format!("{op:?}").to_lowercase();
            writeln!(f, "r{} = {text}", self.first_op_slot() + i)?;
        }
        let outputs: Vec<String> = self.outputs.iter().map(|s| format!("r{s}")).collect();
        write!(f, "out = [{}]", outputs.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compile::compile;
    use crate::compile::testing::{n, one, x, y};
    use crate::symbolic::expr::{Func, add, call, mul, pow};

    #[test]
    fn tapes_of_every_size_evaluate() {
        // sum of sin(k x): 4 slots per term, so every register file size
        // (up to 64, 1024, 16384, 65536 slots, then checked) gets used.
        for terms in [5i64, 100, 2_000, 12_000, 30_000] {
            let e = add((1..=terms).map(|k| call(Func::Sin, vec![mul([n(k), x()])])));
            let tape = one(e, &["x"]);
            let v = 0.37;
            let want: f64 = (1..=terms).map(|k| (k as f64 * v).sin()).sum();
            let got = tape.eval_once(&[v])[0];
            assert!((got - want).abs() < 1e-9, "{terms} terms: {got} vs {want}");
            let mut work = tape.workspace();
            let mut out = [0.0];
            tape.eval(&[-v], &mut work, &mut out);
            assert!((out[0] + want).abs() < 1e-9, "{terms} terms at -x");
        }
    }

    #[test]
    fn evaluating_in_place_reads_and_leaves_everything_in_the_workspace() {
        // f = x*y with gradient (y, x): outputs that are parameters.
        let outputs = [mul([x(), y()]), y(), x()];
        let Ok(tape) = compile(&outputs, &["x", "y"]) else {
            panic!("compiles")
        };
        let mut work = Workspace::default();
        tape.point_mut(&mut work).copy_from_slice(&[3.0, 4.0]);
        tape.eval_in_place(&mut work);
        assert_eq!(tape.point(&work), &[3.0, 4.0]);
        assert_eq!(
            (0..3).map(|i| tape.output(&work, i)).collect::<Vec<_>>(),
            [12.0, 4.0, 3.0]
        );
        let mut out = [0.0; 3];
        tape.read_outputs(&work, &mut out);
        assert_eq!(out, [12.0, 4.0, 3.0]);
        tape.point_mut(&mut work)[1] = -1.0;
        tape.eval_in_place(&mut work);
        tape.read_outputs(&work, &mut out);
        assert_eq!(out, [-3.0, -1.0, 3.0]);
        assert_eq!(tape.eval_once(&[3.0, -1.0]), out);
    }

    #[test]
    fn a_workspace_moves_between_tapes() {
        let square = one(pow(x(), n(2)), &["x"]);
        let shifted = one(add([x(), n(10)]), &["x"]);
        let mut work = Workspace::default();
        let mut out = [0.0];
        square.eval(&[3.0], &mut work, &mut out);
        assert_eq!(out, [9.0]);
        shifted.eval(&[3.0], &mut work, &mut out);
        assert_eq!(out, [13.0]);
        square.eval(&[4.0], &mut work, &mut out);
        assert_eq!(out, [16.0]);
    }
}
