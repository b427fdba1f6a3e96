//! A tape as machine code: its instructions in order, each value in a
//! machine register (or wherever the register allocator puts it) rather
//! than in the register file, the constants as immediates.
//!
//! Invariant: the code computes each slot with the same operation on the
//! same operands as `exec`, in tape order, so it gives the interpreter's
//! numbers bit for bit.

use std::collections::{HashMap, HashSet};

use cranelift_codegen::ir::Value;

use super::emit::{Emitter, generate};
use super::native::{Arg, ArraySpec, Kind, Native};
use crate::compile::isa::Op;
use crate::compile::tape::Tape;

/// The values of the tape's outputs, computed inline at the point
/// `params` (one value per parameter). The sine and the cosine of one
/// value take one call (`Emitter::sin_cos`).
pub fn emit_tape(e: &mut Emitter<'_>, tape: &Tape, params: &[Value]) -> Vec<Value> {
    assert_eq!(params.len(), tape.n_params(), "one value per parameter");
    let mut slots: Vec<Value> = Vec::with_capacity(tape.n_slots());
    slots.extend_from_slice(params);
    for c in tape.constants() {
        slots.push(e.f64(*c));
    }
    let both = sines_and_cosines(tape.ops());
    let mut computed: HashMap<u32, (Value, Value)> = HashMap::new();
    for op in tape.ops() {
        let value = match *op {
            Op::Sin(a) | Op::Cos(a) if both.contains(&a) => {
                let (sin, cos) = *computed
                    .entry(a)
                    .or_insert_with(|| e.sin_cos(slots[a as usize]));
                if matches!(op, Op::Sin(_)) { sin } else { cos }
            }
            _ => e.op(*op, |slot| slots[slot as usize]),
        };
        slots.push(value);
    }
    tape.outputs().iter().map(|s| slots[*s as usize]).collect()
}

/// The slots whose sine and cosine both are instructions.
fn sines_and_cosines(ops: &[Op]) -> HashSet<u32> {
    let sines: HashSet<u32> = ops
        .iter()
        .filter_map(|op| match op {
            Op::Sin(a) => Some(*a),
            _ => None,
        })
        .collect();
    let cosines = ops.iter().filter_map(|op| match op {
        Op::Cos(a) => Some(*a),
        _ => None,
    });
    cosines.filter(|a| sines.contains(a)).collect()
}

/// A tape compiled to a function of its register file: it reads the point
/// from the parameter slots and writes each output to its slot (the other
/// slots are neither read nor written).
pub struct NativeTape {
    native: Native,
}

impl NativeTape {
    /// Native code for `tape`, or `None` where there is none to be had.
    pub fn new(tape: &Tape) -> Option<NativeTape> {
        let regs = ArraySpec {
            kind: Kind::F64,
            min_len: tape.n_slots(),
        };
        let native = generate(&[regs], |e| {
            let regs = e.arg(0);
            let params: Vec<Value> = (0..tape.n_params()).map(|i| e.load(regs, i)).collect();
            let outputs = emit_tape(e, tape, &params);
            for (slot, value) in tape.outputs().iter().zip(outputs) {
                e.store(regs, *slot as usize, value);
            }
        })?;
        Some(NativeTape { native })
    }

    /// Evaluates the outputs into their slots of `regs`, from the point in
    /// its first slots.
    pub fn eval(&self, regs: &mut [f64]) {
        self.native.call(&mut [Arg::F64(regs)]);
    }
}
