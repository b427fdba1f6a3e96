//! The cost of the compiled tape, in one process, against hand-written Rust
//! (issue 3): (a) gradient descent on Rosenbrock, 1,000,000 steps through
//! `descent::run`, against a plain loop with closures that records the same
//! thinned trace; (b) value and gradient of a 2-parameter mix of sin, exp,
//! ln, cos and sqrt at 1,000,000 points through `Tape::eval`, against
//! closures. Prints ns per step (per point) and the ratio gd / hand-written.
//!
//! (c) one full-batch gradient step of the mean squared error of a line
//! over 1,000,000 rows (`descent::run` on the program over rows that
//! `Program::new` makes of the loss and its symbolic gradient) against the loop one
//! writes by hand; (d) loading a 1,000,000-row CSV file (written to a temp
//! folder) with `load::load_csv`, against reading it with `str::split` and
//! `parse::<f64>` by hand.
//!
//! Run with `cargo bench --bench descent`. Each measurement is repeated and
//! the fastest repetition is kept (the least disturbed by other processes);
//! both sides' results are checked against each other so that neither can
//! be optimized away or be wrong.

use std::hint::black_box;
use std::rc::Rc;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use gd::compile::{Program, Tape, compile};
use gd::descent::Sense;
use gd::descent::{self, Config, Method, trace_every};
use gd::load::load_csv;
use gd::symbolic::data::DataRef;
use gd::symbolic::expr::{Expr, Func, add, call, mul, neg, pow, sqrt};
use gd::symbolic::gradient;

const STEPS: u64 = 1_000_000;
const POINTS: usize = 1_000_000;
const REPETITIONS: usize = 7;

type Bench = fn() -> (&'static str, f64, f64);

fn main() {
    // `cargo bench --bench descent -- mse csv` runs only those.
    let wanted: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let benches: [(&str, Bench); 4] = [
        ("rosenbrock", rosenbrock_ratio),
        ("mix", mix_ratio),
        ("mse", regression_ratio),
        ("csv", csv_load_ratio),
    ];
    let results: Vec<(&str, f64, f64)> = benches
        .iter()
        .filter(|(key, _)| wanted.is_empty() || wanted.iter().any(|w| w == key))
        .map(|(_, bench)| bench())
        .collect();
    println!();
    println!("| benchmark                            |      gd | hand-written      | ratio |");
    println!("|--------------------------------------|---------|-------------------|-------|");
    for (name, gd, hand) in results {
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
    let params: Vec<Rc<str>> = vec![Rc::from("x"), Rc::from("y")];
    let mut outputs = vec![body];
    outputs.extend(gradient(body, &params).expect("differentiable"));
    let mut program = Program::new(&outputs, &["x", "y"]).expect("compiles");
    let config = Config {
        sense: Sense::Minimize,
        lr: 0.001,
        steps: STEPS,
        tol: 0.0,
        method: Method::Gd,
    };
    let start = [-1.2, 1.0];
    let stop = AtomicBool::new(false);
    let (gd_time, run) =
        fastest(|| descent::run(&mut program, black_box(&start), &config, None, &stop));
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

// ---------------------------------------------------------------- (c)

const ROWS: usize = 1_000_000;
/// Steps per run in (c): each evaluates the loss and gradient on all rows.
const DATA_STEPS: u64 = 10;

/// 1,000,000 points near y = 3x - 1.
fn regression_data() -> (Vec<f64>, Vec<f64>) {
    let xs: Vec<f64> = (0..ROWS)
        .map(|i| (i as f64 * 0.618).fract() * 4.0 - 2.0)
        .collect();
    let ys: Vec<f64> = xs
        .iter()
        .enumerate()
        .map(|(i, x)| 3.0 * x - 1.0 + ((i as f64) * 1.7).sin() * 0.1)
        .collect();
    (xs, ys)
}

/// The loss, its gradient, then `x -= lr * gradient`, as one writes it.
fn hand_regression(xs: &[f64], ys: &[f64], lr: f64, steps: u64) -> ([f64; 2], f64) {
    let n = xs.len() as f64;
    let (mut w, mut b) = (0.0, 0.0);
    let mut loss = 0.0;
    for k in 0..=steps {
        let (mut l, mut gw, mut gb) = (0.0, 0.0, 0.0);
        for (x, y) in xs.iter().zip(ys) {
            let r = w * x + b - y;
            l += r * r;
            gw += 2.0 * r * x;
            gb += 2.0 * r;
        }
        loss = l / n;
        if k == steps {
            break;
        }
        w -= lr * (gw / n);
        b -= lr * (gb / n);
    }
    ([w, b], loss)
}

fn regression_ratio() -> (&'static str, f64, f64) {
    let (xs, ys) = regression_data();
    let x = Expr::data(DataRef::new("X", xs.clone()));
    let y = Expr::data(DataRef::new("Y", ys.clone()));
    let (w, b) = (var("w"), var("b"));
    let residual = add([mul([w, x]), b, neg(y)]);
    let body = call(Func::Mean, vec![pow(residual, n(2))]);
    let params: Vec<Rc<str>> = vec![Rc::from("w"), Rc::from("b")];
    let mut outputs = vec![body];
    outputs.extend(gradient(body, &params).expect("differentiable"));
    let mut program = Program::new(&outputs, &["w", "b"]).expect("compiles");
    let config = Config {
        sense: Sense::Minimize,
        lr: 0.1,
        steps: DATA_STEPS,
        tol: 0.0,
        method: Method::Gd,
    };
    let stop = AtomicBool::new(false);
    let (gd_time, run) =
        fastest(|| descent::run(&mut program, black_box(&[0.0, 0.0]), &config, None, &stop));
    let (hand_time, (hand_x, hand_f)) =
        fastest(|| hand_regression(black_box(&xs), black_box(&ys), 0.1, DATA_STEPS));
    assert!(
        run.x.iter().zip(hand_x).all(|(a, b)| (a - b).abs() < 1e-9),
        "{:?} vs {hand_x:?}",
        run.x
    );
    assert!((run.f - hand_f).abs() < 1e-9 * hand_f.max(1.0));
    // Each run evaluates the loss and gradient DATA_STEPS + 1 times.
    let per_step = |t: Duration| t.as_micros() as f64 / (DATA_STEPS + 1) as f64;
    println!(
        "MSE of a line over {ROWS} rows, {DATA_STEPS} gd steps: descent::run {:?}, by hand {:?} ({} instructions a step)",
        gd_time,
        hand_time,
        program.cost()
    );
    (
        "MSE gd step, 1M rows (us/step)",
        per_step(gd_time),
        per_step(hand_time),
    )
}

// ---------------------------------------------------------------- (d)

/// Parses the two columns by hand: lines, commas, `parse::<f64>`.
fn hand_csv(text: &str) -> Vec<Vec<f64>> {
    let mut columns = vec![Vec::new(), Vec::new()];
    for line in text.lines().skip(1) {
        for (column, cell) in columns.iter_mut().zip(line.split(',')) {
            column.push(cell.trim().parse::<f64>().expect("a number"));
        }
    }
    columns
}

fn csv_load_ratio() -> (&'static str, f64, f64) {
    let (xs, ys) = regression_data();
    let mut text = String::from("x,y\n");
    for (x, y) in xs.iter().zip(&ys) {
        text.push_str(&format!("{x},{y}\n"));
    }
    let dir = std::env::temp_dir().join(format!("gd-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("rows.csv");
    std::fs::write(&path, &text).expect("written");
    let path_text = path.to_string_lossy().to_string();
    let (gd_time, columns) = fastest(|| load_csv(black_box(&path_text)).expect("loads"));
    let (hand_time, hand) = fastest(|| {
        let text = std::fs::read_to_string(black_box(&path)).expect("reads");
        hand_csv(&text)
    });
    assert_eq!(columns[0].1, hand[0]);
    assert_eq!(columns[1].1, hand[1]);
    let _ = std::fs::remove_dir_all(&dir);
    println!(
        "CSV of {ROWS} rows ({} MB): load_csv {:?}, by hand {:?}",
        text.len() / 1_000_000,
        gd_time,
        hand_time
    );
    (
        "load a 1M-row CSV (ns/row)",
        gd_time.as_nanos() as f64 / ROWS as f64,
        hand_time.as_nanos() as f64 / ROWS as f64,
    )
}
