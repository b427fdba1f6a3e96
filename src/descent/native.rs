//! The descent loop as machine code, for the gradient methods on a tape:
//! the tape inline, then the gradient norm, the divergence check, the ring
//! of recent points and norms, the trace entries and the update (the rule's
//! lines from `rules`, emitted as written), many steps per call, with the
//! point and the optimizer's state in machine registers.
//!
//! The loop leaves to Rust every step where something rare happens: it
//! stops *before* a step whose value, point or gradient is not fine, whose
//! gradient norm needs `euclidean_norm`'s scaled path (but for a zero
//! gradient, whose norm is 0 either way), whose norm crosses the
//! convergence threshold while that is watched, or whose trace entry finds
//! the buffer full, and at the step it was told to stop at (an interrupt
//! poll, or the last step). `descend` then runs that step as it runs every
//! step, and calls the loop again.
//!
//! Invariant: a step run here changes the point, the state, the ring, the
//! trace and the count of updates exactly as `descend`'s Rust step would,
//! bit for bit: the same tape (`jit::emit_tape`), the same lines in the
//! same order (`optimizer::apply` folds those whose operands are all known
//! when the code is generated), the same sum of squares for the norm.

use cranelift_codegen::ir::condcodes::{FloatCC, IntCC};
use cranelift_codegen::ir::{Block, BlockArg, InstBuilder, Value, types};
use cranelift_frontend::{FuncInstBuilder, Variable};

use super::optimizer::{Optimizer, apply};
use super::rules::{Direction, Formula, MAX_REGISTERS, Operand, Rule, Target};
use super::trace::Trace;
use super::verdict::{POINTS_KEPT, Recent};
use super::{Config, DIVERGENCE_BOUND, convergence_threshold, trace_every};
use crate::compile::Tape;
use crate::compile::jit::{Arg, ArraySpec, Emitter, Kind, Native, emit_tape, generate};

/// The integers the loop reads and writes, by index in its integer array.
const K: usize = 0;
const STOP: usize = 1;
const SLOT: usize = 2;
const NEXT_TRACED: usize = 3;
const TRACED: usize = 4;
const WATCH: usize = 5;
const N_INTS: usize = 6;

/// Trace entries the loop writes before it hands them to Rust.
const TRACE_BUFFER: usize = 256;

/// The arguments, in order.
const X: usize = 0;
const STATE: usize = 1;
const RING_POINTS: usize = 2;
const RING_NORMS: usize = 3;
const TRACE_VALUES: usize = 4;
const TRACE_STEPS: usize = 5;
const INTS: usize = 6;

/// A compiled loop for one run, with its trace buffer.
pub(super) struct NativeLoop {
    native: Native,
    n: usize,
    /// Entry j: the point, the value, the gradient, then the optimizer's
    /// state when the run keeps it (`2n + 1 + state_width` numbers).
    values: Vec<f64>,
    state_width: usize,
    steps: Vec<i64>,
}

/// Where the loop is: what `descend` keeps between steps.
pub(super) struct Position<'a> {
    pub k: u64,
    pub next_traced: &'a mut u64,
    /// Whether the first step under the convergence threshold is still to
    /// be found.
    pub watch: bool,
}

impl NativeLoop {
    /// The loop of `config`'s method on `tape` (outputs `[f, gradient]`),
    /// or `None` when it has no compiled loop (Newton's method, no
    /// parameters, a number of steps beyond the integers the loop counts
    /// in, no code generator).
    pub(super) fn new(tape: &Tape, config: &Config, optimizer: &Optimizer) -> Option<NativeLoop> {
        let rule = config.method.rule();
        let n = tape.n_params();
        let counts = n > 0 && i64::try_from(config.steps).is_ok();
        if rule.direction != Direction::Gradient || !counts {
            return None;
        }
        let state_width = match config.keep_state {
            true => rule.state.len() * n,
            false => 0,
        };
        let entry = 2 * n + 1 + state_width;
        let specs = [
            spec(Kind::F64, n),
            spec(Kind::F64, rule.state.len() * n),
            spec(Kind::F64, POINTS_KEPT * n),
            spec(Kind::F64, POINTS_KEPT),
            spec(Kind::F64, TRACE_BUFFER * entry),
            spec(Kind::I64, TRACE_BUFFER),
            spec(Kind::I64, N_INTS),
        ];
        let setup = Setup {
            rule,
            settings: optimizer.settings(),
            sign: optimizer.sign(),
            lr: config.lr,
            threshold: convergence_threshold(config.tol),
            every: trace_every(config.steps),
            state_width,
        };
        let native = generate(&specs, |e| LoopCode::new(e, tape, &setup).emit())?;
        Some(NativeLoop {
            native,
            n,
            values: vec![0.0; TRACE_BUFFER * entry],
            steps: vec![0; TRACE_BUFFER],
            state_width,
        })
    }

    /// Runs steps from `at.k` up to `stop` (not included), updating `x`,
    /// the optimizer's state and count of updates, the ring and the trace;
    /// returns the step to run in Rust next.
    pub(super) fn run(
        &mut self,
        at: Position<'_>,
        stop: u64,
        x: &mut [f64],
        optimizer: &mut Optimizer,
        recent: &mut Recent,
        trace: &mut Trace,
    ) -> u64 {
        let (points, norms, slot) = recent.ring_mut();
        let mut ints = [0i64; N_INTS];
        ints[K] = at.k as i64;
        ints[STOP] = stop as i64;
        ints[SLOT] = slot as i64;
        ints[NEXT_TRACED] = *at.next_traced as i64;
        ints[WATCH] = i64::from(at.watch);
        self.native.call(&mut [
            Arg::F64(x),
            Arg::F64(optimizer.state_mut()),
            Arg::F64(points),
            Arg::F64(norms),
            Arg::F64(&mut self.values),
            Arg::I64(&mut self.steps),
            Arg::I64(&mut ints),
        ]);
        let k = ints[K] as u64;
        recent.pushed_natively((k - at.k) as usize, ints[SLOT] as usize);
        optimizer.set_updates(k);
        *at.next_traced = ints[NEXT_TRACED] as u64;
        let n = self.n;
        let traced = ints[TRACED] as usize;
        for (step, entry) in self.steps[..traced]
            .iter()
            .zip(self.values.chunks(2 * n + 1 + self.state_width))
        {
            let (grad, state) = entry[n + 1..].split_at(n);
            trace.push(*step as u64, &entry[..n], entry[n], grad, state);
        }
        k
    }
}

fn spec(kind: Kind, min_len: usize) -> ArraySpec {
    ArraySpec { kind, min_len }
}

/// What the code is generated for.
struct Setup<'a> {
    rule: &'static Rule,
    settings: &'a [f64],
    sign: f64,
    lr: f64,
    threshold: f64,
    every: u64,
    /// The numbers of state each trace entry keeps (0 for none).
    state_width: usize,
}

/// A number a line reads: known when the code is generated, or computed.
#[derive(Copy, Clone)]
enum Num {
    Known(f64),
    Value(Value),
}

/// The generator of one loop.
struct LoopCode<'s, 'e, 'f> {
    e: &'e mut Emitter<'f>,
    tape: &'s Tape,
    setup: &'s Setup<'s>,
    n: usize,
    x: Vec<Variable>,
    /// Buffer j of coordinate i at `j * n + i`.
    state: Vec<Variable>,
    ints: [Variable; N_INTS],
}

impl<'s, 'e, 'f> LoopCode<'s, 'e, 'f> {
    fn new(e: &'e mut Emitter<'f>, tape: &'s Tape, setup: &'s Setup<'s>) -> LoopCode<'s, 'e, 'f> {
        let n = tape.n_params();
        let x = (0..n).map(|i| variable(e, X, i, types::F64)).collect();
        let n_state = setup.rule.state.len() * n;
        let state = (0..n_state)
            .map(|i| variable(e, STATE, i, types::F64))
            .collect();
        let ints =
            [K, STOP, SLOT, NEXT_TRACED, TRACED, WATCH].map(|i| variable(e, INTS, i, types::I64));
        LoopCode {
            e,
            tape,
            setup,
            n,
            x,
            state,
            ints,
        }
    }

    fn emit(mut self) {
        let (head, body, step, trace, update, exit) = (
            self.block(),
            self.block(),
            self.block(),
            self.block(),
            self.block(),
            self.block(),
        );
        self.e.b.ins().jump(head, &[]);

        self.e.b.switch_to_block(head);
        let k = self.int(K);
        let stop = self.int(STOP);
        let at_stop = self
            .e
            .b
            .ins()
            .icmp(IntCC::UnsignedGreaterThanOrEqual, k, stop);
        self.e.b.ins().brif(at_stop, exit, &[], body, &[]);

        self.e.b.switch_to_block(body);
        let x: Vec<Value> = self.x.iter().map(|v| self.e.b.use_var(*v)).collect();
        let outputs = emit_tape(self.e, self.tape, &x);
        let (f, grad) = (outputs[0], &outputs[1..=self.n]);
        let sum = self.sum_of_squares(grad);
        let norm = self.e.b.ins().sqrt(sum);
        let fine = self.fine(f, &x, grad, sum, norm);
        self.e.b.ins().brif(fine, step, &[], exit, &[]);

        self.e.b.switch_to_block(step);
        self.push_ring(&x, norm);
        let next = self.int(NEXT_TRACED);
        let traced_now = self.e.b.ins().icmp(IntCC::Equal, k, next);
        self.e.b.ins().brif(traced_now, trace, &[], update, &[]);

        self.e.b.switch_to_block(trace);
        self.write_trace(k, &x, f, grad);
        self.e.b.ins().jump(update, &[]);

        self.e.b.switch_to_block(update);
        self.update(k, grad);
        let next_k = self.e.b.ins().iadd_imm_s(k, 1);
        self.e.b.def_var(self.ints[K], next_k);
        self.e.b.ins().jump(head, &[]);

        self.e.b.switch_to_block(exit);
        self.store_back();
    }

    /// `g0*g0 + g1*g1 + ...` left to right (`euclidean_norm`'s sum; its
    /// fold from -0 adds nothing to the first square).
    fn sum_of_squares(&mut self, grad: &[Value]) -> Value {
        let squares: Vec<Value> = grad.iter().map(|g| self.e.b.ins().fmul(*g, *g)).collect();
        let mut sum = self.e.f64(-0.0);
        for square in squares {
            sum = self.e.b.ins().fadd(sum, square);
        }
        sum
    }

    /// Whether the step can run here: everything finite and in bounds
    /// (`all_fine`), the norm on `euclidean_norm`'s fast path, not below
    /// the threshold while watched, and room in the trace buffer.
    fn fine(&mut self, f: Value, x: &[Value], grad: &[Value], sum: Value, norm: Value) -> Value {
        // `euclidean_norm`'s fast path, or a gradient of zeros (whose
        // scaled norm is the same 0; squares that underflow are not
        // zeros): a run resting on a minimum stays here.
        let smallest = self.e.f64(f64::MIN_POSITIVE);
        let unscaled = self.ins().fcmp(FloatCC::GreaterThanOrEqual, sum, smallest);
        let (small, merge) = (self.block(), self.block());
        let norm_fine = self.e.b.append_block_param(merge, types::I8);
        self.ins()
            .brif(unscaled, merge, &[BlockArg::Value(unscaled)], small, &[]);
        self.e.b.switch_to_block(small);
        let zero = self.e.f64(0.0);
        let mut all_zero = self.ins().fcmp(FloatCC::Equal, sum, zero);
        for g in grad {
            let is_zero = self.ins().fcmp(FloatCC::Equal, *g, zero);
            all_zero = self.ins().band(all_zero, is_zero);
        }
        self.ins().jump(merge, &[BlockArg::Value(all_zero)]);
        self.e.b.switch_to_block(merge);
        let mut fine = norm_fine;
        // v - v is 0 for a finite v and nan for nan and the infinities, so
        // the sum of those is a number exactly when all are finite.
        let mut zeros = self.ins().fsub(sum, sum);
        for v in [f].iter().chain(grad) {
            let zero = self.ins().fsub(*v, *v);
            zeros = self.ins().fadd(zeros, zero);
        }
        let finite = self.ins().fcmp(FloatCC::Ordered, zeros, zeros);
        fine = self.ins().band(fine, finite);
        let bound = self.e.f64(DIVERGENCE_BOUND);
        for v in x {
            let size = self.e.b.ins().fabs(*v);
            let ok = self.e.b.ins().fcmp(FloatCC::LessThanOrEqual, size, bound);
            fine = self.e.b.ins().band(fine, ok);
        }
        let threshold = self.e.f64(self.setup.threshold);
        let below = self.e.b.ins().fcmp(FloatCC::LessThan, norm, threshold);
        let watch = self.int(WATCH);
        let watched = self.e.b.ins().icmp_imm_s(IntCC::NotEqual, watch, 0);
        let crossing = self.e.b.ins().band(below, watched);
        let (k, next, traced) = (self.int(K), self.int(NEXT_TRACED), self.int(TRACED));
        let traced_now = self.e.b.ins().icmp(IntCC::Equal, k, next);
        let full = self
            .e
            .b
            .ins()
            .icmp_imm_s(IntCC::Equal, traced, TRACE_BUFFER as i64);
        let no_room = self.e.b.ins().band(traced_now, full);
        let rare = self.e.b.ins().bor(crossing, no_room);
        self.e.b.ins().band_not(fine, rare)
    }

    /// `Recent::push`: the point and norm into the slot, the slot on.
    fn push_ring(&mut self, x: &[Value], norm: Value) {
        let slot = self.int(SLOT);
        let points = self.e.arg(RING_POINTS);
        let point = self.e.record(points, slot, self.n);
        for (i, v) in x.iter().enumerate() {
            self.e.store_in(&point, i, *v);
        }
        let norms = self.e.arg(RING_NORMS);
        let kept = self.e.record(norms, slot, 1);
        self.e.store_in(&kept, 0, norm);
        let next = self.ins().iadd_imm_s(slot, 1);
        let wraps = self
            .ins()
            .icmp_imm_s(IntCC::Equal, next, POINTS_KEPT as i64);
        let zero = self.e.int(0);
        let next = self.ins().select(wraps, zero, next);
        self.e.b.def_var(self.ints[SLOT], next);
    }

    /// A trace entry into the buffer; the next traced step, saturating.
    fn write_trace(&mut self, k: Value, x: &[Value], f: Value, grad: &[Value]) {
        let traced = self.int(TRACED);
        let steps = self.e.arg(TRACE_STEPS);
        let step = self.e.record(steps, traced, 1);
        self.e.store_in(&step, 0, k);
        let values = self.e.arg(TRACE_VALUES);
        let state: Vec<Value> = self.state[..self.setup.state_width]
            .iter()
            .map(|var| self.e.b.use_var(*var))
            .collect();
        let width = 2 * self.n + 1 + state.len();
        let entry = self.e.record(values, traced, width);
        for (j, v) in x.iter().chain([&f]).chain(grad).chain(&state).enumerate() {
            self.e.store_in(&entry, j, *v);
        }
        let one_more = self.ins().iadd_imm_s(traced, 1);
        self.e.b.def_var(self.ints[TRACED], one_more);
        let next = self.int(NEXT_TRACED);
        let every = self.setup.every as i64;
        let later = self.ins().iadd_imm_s(next, every);
        let overflows = self.ins().icmp(IntCC::UnsignedLessThan, later, next);
        let most = self.e.int(-1);
        let later = self.ins().select(overflows, most, later);
        self.e.b.def_var(self.ints[NEXT_TRACED], later);
    }

    /// `run_lines`: the rule's per-step lines, then its lines for each
    /// coordinate, for update number `k + 1`.
    fn update(&mut self, k: Value, grad: &[Value]) {
        let rule = self.setup.rule;
        let number = self.e.b.ins().iadd_imm_s(k, 1);
        let step = self.e.b.ins().fcvt_from_uint(types::F64, number);
        let first = self.e.b.ins().icmp_imm_s(IntCC::Equal, k, 0);
        let context = Context { step, first };
        let mut scalars = [Num::Known(f64::NAN); MAX_REGISTERS];
        for line in rule.per_step {
            let value = self.formula(line.formula, &context, &|operand| match operand {
                Operand::Scalar(j) => Some(scalars[j]),
                _ => None,
            });
            if let Target::Scalar(j) = line.target {
                scalars[j] = value;
            }
        }
        for (i, g) in grad.iter().enumerate() {
            // torch's g: negated when maximizing (`sign * g`, where
            // multiplying by 1 changes nothing and by -1 only the sign).
            let g = match self.setup.sign < 0.0 {
                true => self.ins().fneg(*g),
                false => *g,
            };
            let mut temps = [Num::Known(f64::NAN); MAX_REGISTERS];
            for line in rule.per_coordinate {
                let states: Vec<Value> = (0..rule.state.len())
                    .map(|j| self.e.b.use_var(self.state[j * self.n + i]))
                    .collect();
                let value = self.formula(line.formula, &context, &|operand| match operand {
                    Operand::Grad => Some(Num::Value(g)),
                    Operand::State(j) => Some(Num::Value(states[j])),
                    Operand::Scalar(j) => Some(scalars[j]),
                    Operand::Temp(j) => Some(temps[j]),
                    _ => None,
                });
                match line.target {
                    Target::Temp(j) => temps[j] = value,
                    Target::State(j) => {
                        let value = self.value(value);
                        self.e.b.def_var(self.state[j * self.n + i], value);
                    }
                    Target::AddToX => {
                        let (x, value) = (self.e.b.use_var(self.x[i]), self.value(value));
                        let moved = self.e.b.ins().fadd(x, value);
                        self.e.b.def_var(self.x[i], moved);
                    }
                    // Scalars are written by the per-step lines only.
                    Target::Scalar(_) => {}
                }
            }
        }
    }

    /// One line's formula, its operands read by `local` first (the
    /// coordinate's and the step's registers) and else from the setup.
    fn formula(
        &mut self,
        formula: Formula,
        context: &Context,
        local: &dyn Fn(Operand) -> Option<Num>,
    ) -> Num {
        let setup = self.setup;
        let read = |operand: Operand| {
            local(operand).unwrap_or(match operand {
                Operand::Lr => Num::Known(setup.lr),
                Operand::Setting(j) => Num::Known(setup.settings[j]),
                Operand::Const(c) => Num::Known(c),
                Operand::Step => Num::Value(context.step),
                // No compiled loop for Newton's method; other operands
                // are local.
                _ => Num::Known(f64::NAN),
            })
        };
        let operands = operands(formula).map(|o| o.map(read));
        let known = |o: Option<Num>| !matches!(o, Some(Num::Value(_)));
        if !matches!(formula, Formula::FirstStep(..)) && operands.iter().all(|o| known(*o)) {
            let value = |operand: Operand| match read(operand) {
                Num::Known(v) => v,
                Num::Value(_) => f64::NAN,
            };
            return Num::Known(apply(formula, value, false));
        }
        let [a, b, c] = operands.map(|o| o.map(|v| self.value(v)));
        let (a, b) = (a.expect("an operand"), b);
        Num::Value(match formula {
            Formula::Neg(_) => self.ins().fneg(a),
            Formula::Sqrt(_) => self.ins().sqrt(a),
            Formula::Add(..) => self.ins().fadd(a, b.expect("two")),
            Formula::Sub(..) => self.ins().fsub(a, b.expect("two")),
            Formula::Mul(..) => self.ins().fmul(a, b.expect("two")),
            Formula::Div(..) => self.ins().fdiv(a, b.expect("two")),
            Formula::Pow(..) => self.e.powf(a, b.expect("two")),
            Formula::FirstStep(..) => self.ins().select(context.first, a, b.expect("two")),
            Formula::Lerp(_, _, w) => {
                let weight = read(w);
                self.lerp(a, b.expect("two"), weight, c.expect("three"))
            }
        })
    }

    /// `optimizer::lerp`, choosing its branch now when the weight is known.
    fn lerp(&mut self, a: Value, b: Value, weight: Num, w: Value) -> Value {
        let near_a = |c: &mut Self| {
            let d = c.ins().fsub(b, a);
            let scaled = c.ins().fmul(w, d);
            c.ins().fadd(a, scaled)
        };
        let near_b = |c: &mut Self| {
            let d = c.ins().fsub(b, a);
            let one = c.e.f64(1.0);
            let rest = c.ins().fsub(one, w);
            let scaled = c.ins().fmul(d, rest);
            c.ins().fsub(b, scaled)
        };
        match weight {
            Num::Known(v) if v.abs() < 0.5 => near_a(self),
            Num::Known(_) => near_b(self),
            Num::Value(_) => {
                let (low, high) = (near_a(self), near_b(self));
                let size = self.ins().fabs(w);
                let half = self.e.f64(0.5);
                let small = self.ins().fcmp(FloatCC::LessThan, size, half);
                self.ins().select(small, low, high)
            }
        }
    }

    fn value(&mut self, num: Num) -> Value {
        match num {
            Num::Known(v) => self.e.f64(v),
            Num::Value(v) => v,
        }
    }

    /// The point, the state and the integers back into their arrays.
    fn store_back(&mut self) {
        for (i, var) in self.x.clone().into_iter().enumerate() {
            let v = self.e.b.use_var(var);
            self.e.store(self.e.arg(X), i, v);
        }
        for (i, var) in self.state.clone().into_iter().enumerate() {
            let v = self.e.b.use_var(var);
            self.e.store(self.e.arg(STATE), i, v);
        }
        for (i, var) in self.ints.into_iter().enumerate() {
            let v = self.e.b.use_var(var);
            self.e.store(self.e.arg(INTS), i, v);
        }
    }

    fn ins(&mut self) -> FuncInstBuilder<'_, 'f> {
        self.e.b.ins()
    }

    fn int(&mut self, which: usize) -> Value {
        self.e.b.use_var(self.ints[which])
    }

    fn block(&mut self) -> Block {
        self.e.b.create_block()
    }
}

/// A variable holding element `index` of argument `arg`.
fn variable(e: &mut Emitter<'_>, arg: usize, index: usize, ty: types::Type) -> Variable {
    let var = e.b.declare_var(ty);
    let value = e.load(e.arg(arg), index);
    e.b.def_var(var, value);
    var
}

/// What the lines of one update read besides registers.
struct Context {
    /// The update's number, from 1.
    step: Value,
    /// Whether it is the first update.
    first: Value,
}

/// A formula's operands, in order (`None` past its arity).
fn operands(formula: Formula) -> [Option<Operand>; 3] {
    match formula {
        Formula::Neg(a) | Formula::Sqrt(a) => [Some(a), None, None],
        Formula::Add(a, b)
        | Formula::Sub(a, b)
        | Formula::Mul(a, b)
        | Formula::Div(a, b)
        | Formula::Pow(a, b)
        | Formula::FirstStep(a, b) => [Some(a), Some(b), None],
        Formula::Lerp(a, b, w) => [Some(a), Some(b), Some(w)],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compile::compile;
    use crate::descent::{METHOD_NAMES, Method, Sense};
    use crate::symbolic::expr::{Expr, mul};

    /// The gradient methods get a compiled loop (else the engine tests
    /// would compare the interpreter with itself); Newton's method does not.
    #[test]
    fn every_gradient_method_compiles_its_loop() {
        let x = Expr::var("x");
        let Ok(tape) = compile(&[mul([x, x]), mul([Expr::int(2), x])], &["x"]) else {
            panic!("compiles")
        };
        for name in METHOD_NAMES {
            let method = Method::from_spec(name, &[]).expect("a method");
            let config = Config {
                sense: Sense::Minimize,
                lr: 0.1,
                steps: 10,
                tol: 0.0,
                method,
                keep_state: false,
            };
            let optimizer = Optimizer::new(&config.method, config.sense, 1);
            let compiled = NativeLoop::new(&tape, &config, &optimizer).is_some();
            assert_eq!(compiled, name != "newton", "{name}");
        }
    }
}
