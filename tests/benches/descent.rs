//! The cost of the compiled tape, in one process, against hand-written Rust
//! (issue 3): (a) gradient descent on Rosenbrock, 1,000,000 steps through
//! `descent::run`, against a plain loop with closures that records the same
//! thinned trace; (b) value and gradient of a 2-parameter mix of sin, exp,
//! ln, cos and sqrt at 1,000,000 points through `Tape::eval`, against
//! closures. Prints ns per step (per point) and the ratio gd / hand-written.
//!
//! Run with `cargo bench --bench descent`. Each measurement is repeated and
//! the fastest repetition is kept (the least disturbed by other processes);
//! both sides' results are checked against each other so that neither can
//! be optimized away or be wrong.

use std::hint::black_box;
use std::rc::Rc;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use gd::compile::{Tape, compile};
use gd::descent::{self, Config, Method, trace_every};
use gd::lower::gradient;
use gd::symbolic::expr::{Expr, Func, add, call, mul, neg, pow, sqrt};
use gd::syntax::Sense;

const STEPS: u64 = 1_000_000;
const POINTS: usize = 1_000_000;
const REPETITIONS: usize = 7;

fn main() {
    let rosenbrock = rosenbrock_ratio();
    let mix = mix_ratio();
    println!();
    println!("| benchmark                            | gd (ns) | hand-written (ns) | ratio |");
    println!("|--------------------------------------|---------|-------------------|-------|");
    for (name, gd, hand) in [rosenbrock, mix] {
        println!(
            "| {name:<36} | {gd:>7.2} | {hand:>17.2} | {:>4.2}x |",
            gd / hand
        );
    }
}

/// The fastest of `REPETITIONS` runs of `f`, and its last result.
fn fastest<T>(mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut best = Duration::MAX;
    let mut result = None;
    for _ in 0..REPETITIONS {
        let start = Instant::now();
        let value = black_box(f());
        best = best.min(start.elapsed());
        result = Some(value);
    }
    match result {
        Some(value) => (best, value),
        None => unreachable!("REPETITIONS > 0"),
    }
}

fn var(name: &str) -> Expr {
    Expr::var(name)
}

fn n(v: i64) -> Expr {
    Expr::int(v)
}

/// The tape of `[f, df/dx, df/dy]`, differentiated symbolically.
fn value_and_gradient(body: Expr) -> Tape {
    let params: Vec<Rc<str>> = vec![Rc::from("x"), Rc::from("y")];
    let mut outputs = vec![body];
    outputs.extend(gradient(body, &params).expect("differentiable"));
    compile(&outputs, &["x", "y"]).expect("compiles")
}

// ---------------------------------------------------------------- (a)

/// A trace as `descent::run` keeps it: every K-th step and the last.
#[derive(Default)]
struct HandTrace {
    steps: Vec<u64>,
    xs: Vec<f64>,
    fs: Vec<f64>,
    grads: Vec<f64>,
}

impl HandTrace {
    fn push(&mut self, step: u64, x: [f64; 2], f: f64, g: [f64; 2]) {
        self.steps.push(step);
        self.xs.extend_from_slice(&x);
        self.fs.push(f);
        self.grads.extend_from_slice(&g);
    }
}

/// Gradient descent written by hand, recording the same thinned trace.
fn hand_descent(
    f: impl Fn(f64, f64) -> f64,
    grad: impl Fn(f64, f64) -> [f64; 2],
    start: [f64; 2],
    lr: f64,
    steps: u64,
) -> HandTrace {
    let every = trace_every(steps);
    let mut trace = HandTrace::default();
    let mut x = start;
    let mut next_traced = 0;
    for k in 0..=steps {
        let g = grad(x[0], x[1]);
        if k == next_traced || k == steps {
            trace.push(k, x, f(x[0], x[1]), g);
            next_traced += every;
        }
        if k == steps {
            break;
        }
        x = [x[0] - lr * g[0], x[1] - lr * g[1]];
    }
    trace
}

fn rosenbrock_ratio() -> (&'static str, f64, f64) {
    let (x, y) = (var("x"), var("y"));
    // (1-x)^2 + 100(y-x^2)^2
    let body = add([
        pow(add([n(1), neg(x)]), n(2)),
        mul([n(100), pow(add([y, neg(pow(x, n(2)))]), n(2))]),
    ]);
    let tape = value_and_gradient(body);
    let config = Config {
        sense: Sense::Minimize,
        lr: 0.001,
        steps: STEPS,
        tol: 0.0,
        method: Method::Gd,
    };
    let start = [-1.2, 1.0];
    let stop = AtomicBool::new(false);
    let (gd_time, run) = fastest(|| descent::run(&tape, black_box(&start), &config, &stop));
    let f = |x: f64, y: f64| (1.0 - x) * (1.0 - x) + 100.0 * (y - x * x) * (y - x * x);
    let grad = |x: f64, y: f64| {
        let r = y - x * x;
        [-2.0 * (1.0 - x) - 400.0 * x * r, 200.0 * r]
    };
    let (hand_time, hand) = fastest(|| hand_descent(f, grad, black_box(start), 0.001, STEPS));
    assert_eq!(run.trace.len(), hand.steps.len());
    assert_eq!(run.trace.steps(), &hand.steps[..]);
    let (got, want) = (run.x, &hand.xs[hand.xs.len() - 2..]);
    assert!(
        got.iter().zip(want).all(|(a, b)| (a - b).abs() < 1e-9),
        "{got:?} vs {want:?}"
    );
    let per_step = |t: Duration| t.as_nanos() as f64 / STEPS as f64;
    println!(
        "rosenbrock gd, {STEPS} steps: descent::run {:?}, by hand {:?} (x = {got:?})",
        gd_time, hand_time
    );
    (
        "rosenbrock gd loop (ns/step)",
        per_step(gd_time),
        per_step(hand_time),
    )
}

// ---------------------------------------------------------------- (b)

fn mix_ratio() -> (&'static str, f64, f64) {
    let (x, y) = (var("x"), var("y"));
    // sin(x)*exp(-y^2) + ln(1+x^2)*cos(x*y) + sqrt(x^2+y^2)
    let body = add([
        mul([
            call(Func::Sin, vec![x]),
            call(Func::Exp, vec![neg(pow(y, n(2)))]),
        ]),
        mul([
            call(Func::Ln, vec![add([n(1), pow(x, n(2))])]),
            call(Func::Cos, vec![mul([x, y])]),
        ]),
        sqrt(add([pow(x, n(2)), pow(y, n(2))])),
    ]);
    let tape = value_and_gradient(body);
    // Points on a spiral, away from the origin where sqrt is not smooth.
    let points: Vec<[f64; 2]> = (0..POINTS)
        .map(|i| {
            let t = i as f64 * 1e-5 + 0.1;
            [t.cos() * (0.2 + t), t.sin() * (0.1 + 0.5 * t)]
        })
        .collect();
    let (gd_time, gd_sum) = fastest(|| {
        let mut work = tape.workspace();
        let mut out = [0.0; 3];
        let mut sum = [0.0; 3];
        for p in black_box(&points) {
            tape.eval(p, &mut work, &mut out);
            sum.iter_mut().zip(out).for_each(|(s, o)| *s += o);
        }
        sum
    });
    let (hand_time, hand_sum) = fastest(|| {
        let mut sum = [0.0; 3];
        for p in black_box(&points) {
            let out = mix_by_hand(p[0], p[1]);
            sum.iter_mut().zip(out).for_each(|(s, o)| *s += o);
        }
        sum
    });
    for (a, b) in gd_sum.iter().zip(hand_sum) {
        assert!(
            (a - b).abs() <= 1e-9 * b.abs().max(1.0),
            "{gd_sum:?} vs {hand_sum:?}"
        );
    }
    let per_point = |t: Duration| t.as_nanos() as f64 / POINTS as f64;
    println!(
        "mix value+gradient, {POINTS} points: Tape::eval {:?}, by hand {:?}",
        gd_time, hand_time
    );
    (
        "mix value+gradient (ns/point)",
        per_point(gd_time),
        per_point(hand_time),
    )
}

/// The value and gradient as one would write them, sharing what repeats.
fn mix_by_hand(x: f64, y: f64) -> [f64; 3] {
    let (sin_x, cos_x) = x.sin_cos();
    let e = (-y * y).exp();
    let l = (1.0 + x * x).ln();
    let (sin_xy, cos_xy) = (x * y).sin_cos();
    let r = (x * x + y * y).sqrt();
    let value = sin_x * e + l * cos_xy + r;
    let dx = cos_x * e + 2.0 * x / (1.0 + x * x) * cos_xy - l * y * sin_xy + x / r;
    let dy = -2.0 * y * sin_x * e - l * x * sin_xy + y / r;
    [value, dx, dy]
}
