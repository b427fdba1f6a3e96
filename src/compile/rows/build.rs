//! Lays out a program over data: the builder's values, staged by how many
//! reductions lie below them, become scalar instructions and passes over
//! the rows, one pass per data length and stage.
//!
//! Invariant: a pass's row registers are its loads, then its broadcasts,
//! then one per instruction in creation order, so each reads only registers
//! below its own.

use std::collections::HashMap;

use super::{DataProgram, Output, Pass, Stage, Target};
use crate::compile::builder::{Builder, Id, Value};
use crate::error::Result;
use crate::symbolic::data::mismatch_error;
use crate::symbolic::expr::Expr;

/// Compiles `outputs` over the parameters `params` for evaluation over the
/// rows of the data they use. Errors as `compile` does, and when two data
/// vectors of different lengths meet in one operation.
pub fn compile_rows(outputs: &[Expr], params: &[&str]) -> Result<DataProgram> {
    let mut builder = Builder::new(params);
    let ids = outputs
        .iter()
        .map(|e| builder.lower(*e))
        .collect::<Result<Vec<Id>>>()?;
    if let Some(m) = builder.mismatch {
        return Err(mismatch_error(outputs, m));
    }
    Ok(builder.finish_rows(&ids))
}

/// What a pass computes: (the reduction, or none for an output), the row
/// value, (the output index, for an output).
type Root = (Option<Id>, Id, Option<usize>);
impl Builder<'_> {
    fn is_row(&self, id: Id) -> bool {
        self.lengths[id as usize].is_some()
    }

    /// How many reductions lie below each value.
    fn stages(&self) -> Vec<u32> {
        let mut stage = vec![0u32; self.values.len()];
        for (id, value) in self.values.iter().enumerate() {
            stage[id] = match value {
                Value::Op(op) => {
                    let mut s = 0;
                    op.for_each_operand(|a| s = s.max(stage[a as usize]));
                    s
                }
                Value::Reduce(_, a) => stage[*a as usize] + 1,
                _ => 0,
            };
        }
        stage
    }

    fn finish_rows(mut self, outputs: &[Id]) -> DataProgram {
        let live = self.live_fused(outputs);
        let stage = self.stages();
        let n_params = self.params.len();
        // Scalar registers: parameters, constants, then numbers computed.
        let mut slot = vec![0u32; self.values.len()];
        let mut constants = Vec::new();
        for (id, value) in self.values.iter().enumerate() {
            match (live[id], value) {
                (_, Value::Param) => slot[id] = id as u32,
                (true, Value::Const(v)) => {
                    slot[id] = (n_params + constants.len()) as u32;
                    constants.push(*v);
                }
                _ => {}
            }
        }
        let mut n_scalars = n_params + constants.len();
        for (id, value) in self.values.iter().enumerate() {
            let computed = matches!(value, Value::Op(_) | Value::Reduce(..));
            if live[id] && computed && !self.is_row(id as Id) {
                slot[id] = n_scalars as u32;
                n_scalars += 1;
            }
        }
        let last_stage = (0..self.values.len())
            .filter(|id| live[*id])
            .map(|id| stage[id])
            .max()
            .unwrap_or(0);
        let mut stages = Vec::new();
        for s in 0..=last_stage {
            let scalar_ops = (0..self.values.len())
                .filter(|id| live[*id] && stage[*id] == s && !self.is_row(*id as Id))
                .filter_map(|id| match self.values[id] {
                    Value::Op(op) => Some((slot[id], op.map(|a| slot[a as usize]))),
                    _ => None,
                })
                .collect();
            let passes = self.passes(s, &stage, &live, &slot, outputs);
            stages.push(Stage { scalar_ops, passes });
        }
        let outputs = outputs
            .iter()
            .map(|id| match self.lengths[*id as usize] {
                Some(n) => Output::Rows(n),
                None => Output::Number(slot[*id as usize]),
            })
            .collect();
        let n_row_slots = stages
            .iter()
            .flat_map(|s| s.passes.iter().map(Pass::n_slots))
            .max()
            .unwrap_or(0);
        DataProgram {
            n_params,
            n_scalars,
            constants,
            columns: self.columns.iter().map(|c| c.values().clone()).collect(),
            stages,
            outputs,
            n_row_slots,
        }
    }

    /// The passes of stage `s`: one per data length, each computing what
    /// the reductions of stage s and the row outputs of stage s need.
    fn passes(
        &self,
        s: u32,
        stage: &[u32],
        live: &[bool],
        slot: &[u32],
        outputs: &[Id],
    ) -> Vec<Pass> {
        let mut lengths: Vec<usize> = Vec::new();
        let mut roots: HashMap<usize, Vec<Root>> = HashMap::new();
        let mut add_root = |n: usize, root| {
            if !lengths.contains(&n) {
                lengths.push(n);
            }
            roots.entry(n).or_default().push(root);
        };
        for (id, value) in self.values.iter().enumerate() {
            if let (true, Value::Reduce(_, a)) = (live[id], value)
                && stage[*a as usize] == s
                && let Some(n) = self.lengths[*a as usize]
            {
                add_root(n, (Some(id as Id), *a, None));
            }
        }
        for (k, id) in outputs.iter().enumerate() {
            if stage[*id as usize] == s
                && let Some(n) = self.lengths[*id as usize]
            {
                add_root(n, (None, *id, Some(k)));
            }
        }
        lengths
            .into_iter()
            .map(|n| self.pass(n, &roots[&n], slot))
            .collect()
    }

    fn pass(&self, n_rows: usize, roots: &[Root], slot: &[u32]) -> Pass {
        // Every row value the roots need, and the numbers they read.
        let mut needed = vec![false; self.values.len()];
        let mut stack: Vec<Id> = roots.iter().map(|(_, row, _)| *row).collect();
        while let Some(id) = stack.pop() {
            if std::mem::replace(&mut needed[id as usize], true) {
                continue;
            }
            if let Value::Op(op) = self.values[id as usize] {
                op.for_each_operand(|a| stack.push(a));
            }
        }
        let mut pass = Pass {
            n_rows,
            ..Pass::default()
        };
        let mut row_slot: HashMap<Id, u32> = HashMap::new();
        for (id, value) in self.values.iter().enumerate() {
            if let (true, Value::Column(c)) = (needed[id], value) {
                row_slot.insert(id as Id, pass.loads.len() as u32);
                pass.loads.push(*c);
            }
        }
        let numbers: Vec<Id> = (0..self.values.len() as Id)
            .filter(|id| needed[*id as usize] && !self.is_row(*id))
            .collect();
        for id in numbers {
            row_slot.insert(id, (pass.loads.len() + pass.broadcasts.len()) as u32);
            pass.broadcasts.push(slot[id as usize]);
        }
        for (id, value) in self.values.iter().enumerate() {
            if let (true, Value::Op(op)) = (needed[id], value)
                && self.is_row(id as Id)
            {
                row_slot.insert(id as Id, pass.n_slots() as u32);
                pass.ops.push((op.map(|a| row_slot[&a]), Target::Store));
            }
        }
        for (reduce, row, output) in roots {
            let register = row_slot[row];
            match (reduce, output) {
                (Some(r), _) => {
                    if let Value::Reduce(func, _) = self.values[*r as usize] {
                        pass.reductions.push((slot[*r as usize], func, register));
                    }
                }
                (None, Some(k)) => pass.row_outputs.push((*k, register)),
                (None, None) => {}
            }
        }
        pass.fuse_reductions();
        pass
    }
}

impl Pass {
    /// Lets an instruction whose values only a reduction reads add them up
    /// as it computes them.
    fn fuse_reductions(&mut self) {
        let first_op = self.first_op_slot();
        let mut uses = vec![0usize; self.n_slots()];
        for (op, _) in &self.ops {
            op.for_each_operand(|a| uses[a as usize] += 1);
        }
        for (_, _, register) in &self.reductions {
            uses[*register as usize] += 1;
        }
        for (_, register) in &self.row_outputs {
            uses[*register as usize] += 1;
        }
        self.fused = vec![false; self.reductions.len()];
        for (j, (_, _, register)) in self.reductions.iter().enumerate() {
            let register = *register as usize;
            if register >= first_op && uses[register] == 1 {
                self.ops[register - first_op].1 = Target::Sum(j);
                self.fused[j] = true;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compile::Evaluated;
    use crate::compile::testing::{data, mean, program};
    use crate::symbolic::expr::{add, mul, pow, sub};

    #[test]
    fn mean_squared_error_and_its_gradient_in_one_pass() {
        let xs: Vec<f64> = (0..1000).map(|i| i as f64 / 100.0).collect();
        let ys: Vec<f64> = xs.iter().map(|x| 3.0 * x - 1.0 + (x * 7.0).sin()).collect();
        let (x, y) = (data("X", &xs), data("Y", &ys));
        let (w, b) = (Expr::var("w"), Expr::var("b"));
        let r = sub(add([mul([w, x]), b]), y);
        let outputs = [
            mean(pow(r, Expr::int(2))),
            mean(mul([Expr::int(2), r, x])),
            mean(mul([Expr::int(2), r])),
        ];
        let p = program(&outputs, &["w", "b"]);
        assert_eq!(p.stages.iter().map(|s| s.passes.len()).sum::<usize>(), 1);
        let (wv, bv) = (0.5, -0.25);
        let mut want = [0.0; 3];
        for (xi, yi) in xs.iter().zip(&ys) {
            let ri = wv * xi + bv - yi;
            want[0] += ri * ri / 1000.0;
            want[1] += 2.0 * ri * xi / 1000.0;
            want[2] += 2.0 * ri / 1000.0;
        }
        let mut out = [0.0; 3];
        p.eval(&[wv, bv], None, &mut p.workspace(), &mut out);
        for (g, w) in out.iter().zip(want) {
            assert!((g - w).abs() <= 1e-12 * w.abs().max(1.0), "{g} vs {w}");
        }
    }

    #[test]
    fn different_lengths_in_one_operation_are_an_error() {
        let (x, z) = (data("X", &[1.0, 2.0]), data("Z", &[1.0, 2.0, 3.0]));
        let Err(err) = compile_rows(&[mean(add([x, z]))], &[]) else {
            panic!("lengths differ")
        };
        assert_eq!(
            err.message,
            "X has 2 values but Z has 3: vectors in one operation must have the same length"
        );
        // ... but separate reductions may have their own lengths.
        let p = program(&[sub(mean(x), mean(z))], &[]);
        assert_eq!(p.eval_all(&[]), vec![Evaluated::Number(-0.5)]);
    }
}
