//! The cost of compiled programs on both engines (the interpreter and
//! native code), in one run, against hand-written Rust: (a) gradient
//! descent on Rosenbrock, 1,000,000 steps through `descent::run`, against a
//! plain loop with closures that records the same thinned trace; (b) the
//! whole process: the `gd` binary parsing, differentiating, running
//! 1,000,000 Rosenbrock steps and printing, against this benchmark's own
//! binary running the hand-written loop and printing (`--hand-rosenbrock`);
//! (c) value and gradient of a 2-parameter mix of sin, exp, ln, cos and
//! sqrt at 1,000,000 points through `Program::run_with` (the way gd's hot
//! loops evaluate), against closures;
//! (d) one full-batch gradient step of the mean squared error of a line
//! over 1,000,000 rows (`descent::run` on the program over rows that
//! `Program::new` makes of the loss and its symbolic gradient) against the
//! loop one writes by hand; (e) loading a 1,000,000-row CSV file (written
//! to a temp folder) with `load::load_csv`, against reading it with
//! `str::split` and `parse::<f64>` by hand (no engine runs there).
//!
//! Run with `cargo bench --bench descent` (`-- rosenbrock mix` runs only
//! those). Each measurement is repeated and the fastest repetition is kept
//! (the least disturbed by other processes); the two engines' results are
//! checked to be the same bit for bit, and against the hand-written ones,
//! so that nothing can be optimized away or be wrong. The table gives each
//! engine's time over the hand-written one, and the goal for the
//! native engine.

#[path = "timing.rs"]
mod timing;

use std::hint::black_box;
use std::rc::Rc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use gd::compile::jit::{ENGINE_VARIABLE, Engine};
use gd::compile::{Evaluator, Program, WithEvaluator};
use gd::descent::Sense;
use gd::descent::{self, Config, Method, trace_every};
use gd::load::load_csv;
use gd::symbolic::data::DataRef;
use gd::symbolic::expr::{Expr, Func, add, call, mul, neg, pow, sqrt};
use gd::symbolic::gradient;

const STEPS: u64 = 1_000_000;
const POINTS: usize = 1_000_000;
const REPETITIONS: usize = 7;

/// One row of the table: times per unit on each engine and by hand, and
/// the goal for native code over hand-written (none where no engine runs).
struct Row {
    name: &'static str,
    interpreter: f64,
    native: f64,
    hand: f64,
    goal: Option<f64>,
}

type Bench = fn() -> Row;

/// The argument that makes this binary run the hand-written whole process.
const HAND_ROSENBROCK: &str = "--hand-rosenbrock";

fn main() {
    if std::env::args().any(|a| a == HAND_ROSENBROCK) {
        return hand_rosenbrock_process();
    }
    // `cargo bench --bench descent -- mse csv` runs only those.
    let wanted: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let benches: [(&str, Bench); 5] = [
        ("rosenbrock", rosenbrock_ratio),
        ("process", process_ratio),
        ("mix", mix_ratio),
        ("mse", regression_ratio),
        ("csv", csv_load_ratio),
    ];
    let rows: Vec<Row> = benches
        .iter()
        .filter(|(key, _)| wanted.is_empty() || wanted.iter().any(|w| w == key))
        .map(|(_, bench)| bench())
        .collect();
    println!();
    println!(
        "| benchmark                        | interpreter |     JIT | hand-written | interpreter/hand | JIT/hand | goal  |"
    );
    println!(
        "|----------------------------------|-------------|---------|--------------|------------------|----------|-------|"
    );
    for row in rows {
        let goal = row.goal.map_or("-".to_string(), |g| format!("{g}x"));
        println!(
            "| {:<32} | {:>11.2} | {:>7.2} | {:>12.2} | {:>15.2}x | {:>7.2}x | {goal:<5} |",
            row.name,
            row.interpreter,
            row.native,
            row.hand,
            row.interpreter / row.hand,
            row.native / row.hand,
        );
    }
}

/// The fastest of `REPETITIONS` runs of `f`, and its last result.
fn fastest<T>(f: impl FnMut() -> T) -> (Duration, T) {
    timing::fastest(REPETITIONS, f)
}

fn var(name: &str) -> Expr {
    Expr::var(name)
}

fn n(v: i64) -> Expr {
    Expr::int(v)
}

/// The program of `[f, df/dx, df/dy]`, differentiated symbolically, on
/// `engine`.
fn value_and_gradient(body: Expr, params: [&str; 2], engine: Engine) -> Program {
    let names: Vec<Rc<str>> = params.iter().map(|p| Rc::from(*p)).collect();
    let mut outputs = vec![body];
    outputs.extend(gradient(body, &names).expect("differentiable"));
    let mut program = Program::new(&outputs, &params).expect("compiles");
    program.set_engine(engine);
    program
}

/// Equal bit for bit (nan as a class).
fn same(a: &[f64], b: &[f64]) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(x, y)| x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan()))
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

fn rosenbrock_f(x: f64, y: f64) -> f64 {
    (1.0 - x) * (1.0 - x) + 100.0 * (y - x * x) * (y - x * x)
}

fn rosenbrock_grad(x: f64, y: f64) -> [f64; 2] {
    let r = y - x * x;
    [-2.0 * (1.0 - x) - 400.0 * x * r, 200.0 * r]
}

fn rosenbrock() -> Expr {
    let (x, y) = (var("x"), var("y"));
    // (1-x)^2 + 100(y-x^2)^2
    add([
        pow(add([n(1), neg(x)]), n(2)),
        mul([n(100), pow(add([y, neg(pow(x, n(2)))]), n(2))]),
    ])
}

fn rosenbrock_ratio() -> Row {
    let config = Config {
        sense: Sense::Minimize,
        lr: 0.001,
        steps: STEPS,
        tol: 0.0,
        method: Method::Gd,
        keep_state: false,
    };
    let start = [-1.2, 1.0];
    let stop = AtomicBool::new(false);
    let time = |engine| {
        let mut program = value_and_gradient(rosenbrock(), ["x", "y"], engine);
        fastest(|| descent::run(&mut program, black_box(&start), &config, None, &stop))
    };
    let (interpreter_time, interpreted) = time(Engine::Interpreter);
    let (native_time, run) = time(Engine::Native);
    assert_eq!(run.trace.steps(), interpreted.trace.steps());
    assert!(same(&run.x, &interpreted.x) && same(run.trace.values(), interpreted.trace.values()));
    let (hand_time, hand) = fastest(|| {
        hand_descent(
            rosenbrock_f,
            rosenbrock_grad,
            black_box(start),
            0.001,
            STEPS,
        )
    });
    assert_eq!(run.trace.steps(), &hand.steps[..]);
    let (got, want) = (run.x, &hand.xs[hand.xs.len() - 2..]);
    assert!(
        got.iter().zip(want).all(|(a, b)| (a - b).abs() < 1e-9),
        "{got:?} vs {want:?}"
    );
    let per_step = |t: Duration| t.as_nanos() as f64 / STEPS as f64;
    println!(
        "rosenbrock gd, {STEPS} steps: interpreter {interpreter_time:?}, JIT {native_time:?}, by hand {hand_time:?} (x = {got:?})"
    );
    Row {
        name: "rosenbrock gd loop (ns/step)",
        interpreter: per_step(interpreter_time),
        native: per_step(native_time),
        hand: per_step(hand_time),
        goal: Some(1.5),
    }
}

// ---------------------------------------------------------------- (b)

/// The script the whole-process benchmark runs.
const PROCESS_SCRIPT: &str = "f(x, y) = (1 - x)^2 + 100(y - x^2)^2; minimize f from (-1, 1) lr 0.0001 steps 1000000 using gd";
const PROCESS_LR: f64 = 0.0001;

/// What `--hand-rosenbrock` does: the same descent by hand, then prints.
fn hand_rosenbrock_process() {
    let trace = hand_descent(
        rosenbrock_f,
        rosenbrock_grad,
        [-1.0, 1.0],
        PROCESS_LR,
        STEPS,
    );
    let x = &trace.xs[trace.xs.len() - 2..];
    let f = trace.fs[trace.fs.len() - 1];
    println!("x = {}, y = {}, f = {f}", x[0], x[1]);
}

/// The fastest of `REPETITIONS` runs of `program` with `args` and `env`,
/// and what it printed.
fn time_process(program: &str, args: &[&str], env: Option<(&str, &str)>) -> (Duration, String) {
    fastest(|| {
        let mut command = std::process::Command::new(program);
        command.args(args);
        if let Some((name, value)) = env {
            command.env(name, value);
        }
        let out = command.output().expect("runs");
        assert!(out.status.success(), "{program} failed");
        String::from_utf8_lossy(&out.stdout).into_owned()
    })
}

fn process_ratio() -> Row {
    let gd = env!("CARGO_BIN_EXE_gd");
    let args = ["-e", PROCESS_SCRIPT];
    let (interpreter_time, interpreted) = time_process(gd, &args, Some((ENGINE_VARIABLE, "0")));
    let (native_time, native) = time_process(gd, &args, None);
    assert_eq!(interpreted, native, "both engines print the same");
    let me = std::env::current_exe().expect("this benchmark's path");
    let me = me.to_string_lossy();
    let (hand_time, hand) = time_process(&me, &[HAND_ROSENBROCK], None);
    let hand_x: f64 = hand[4..hand.find(',').expect("x = ...")]
        .parse()
        .expect("x");
    assert!(native.contains(&format!("x = {hand_x}")) || (hand_x - 1.0).abs() < 1e-9);
    let ms = |t: Duration| t.as_secs_f64() * 1e3;
    println!(
        "whole process, {STEPS} Rosenbrock steps: gd (interpreter) {interpreter_time:?}, gd {native_time:?}, by hand {hand_time:?}"
    );
    Row {
        name: "whole process, 1e6 steps (ms)",
        interpreter: ms(interpreter_time),
        native: ms(native_time),
        hand: ms(hand_time),
        goal: Some(2.0),
    }
}

// ---------------------------------------------------------------- (c)

fn mix_ratio() -> Row {
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
    // Points on a spiral, away from the origin where sqrt is not smooth.
    let points: Vec<[f64; 2]> = (0..POINTS)
        .map(|i| {
            let t = i as f64 * 1e-5 + 0.1;
            [t.cos() * (0.2 + t), t.sin() * (0.1 + 0.5 * t)]
        })
        .collect();
    let time = |engine| {
        let mut program = value_and_gradient(body, ["x", "y"], engine);
        fastest(|| program.run_with(SumOver(black_box(&points))))
    };
    let (interpreter_time, interpreted) = time(Engine::Interpreter);
    let (native_time, native) = time(Engine::Native);
    assert!(same(&interpreted, &native), "{interpreted:?} vs {native:?}");
    let (hand_time, hand_sum) = fastest(|| {
        let mut sum = [0.0; 3];
        for p in black_box(&points) {
            let out = mix_by_hand(p[0], p[1]);
            sum.iter_mut().zip(out).for_each(|(s, o)| *s += o);
        }
        sum
    });
    for (a, b) in native.iter().zip(hand_sum) {
        assert!(
            (a - b).abs() <= 1e-9 * b.abs().max(1.0),
            "{native:?} vs {hand_sum:?}"
        );
    }
    let per_point = |t: Duration| t.as_nanos() as f64 / POINTS as f64;
    println!(
        "mix value+gradient, {POINTS} points: interpreter {interpreter_time:?}, JIT {native_time:?}, by hand {hand_time:?}"
    );
    Row {
        name: "mix value+gradient (ns/point)",
        interpreter: per_point(interpreter_time),
        native: per_point(native_time),
        hand: per_point(hand_time),
        goal: Some(1.3),
    }
}

/// The sums of the outputs over the points: a hot loop as gd writes them,
/// generic over the evaluator, run through `Program::run_with`.
struct SumOver<'p>(&'p [[f64; 2]]);

impl WithEvaluator for SumOver<'_> {
    type Output = [f64; 3];

    fn evaluations(&self) -> u64 {
        self.0.len() as u64
    }

    fn run<E: Evaluator>(self, evaluator: &mut E) -> [f64; 3] {
        let mut out = [0.0; 3];
        let mut sum = [0.0; 3];
        for p in self.0 {
            evaluator.point_mut().copy_from_slice(p);
            evaluator.eval(&mut out);
            sum.iter_mut().zip(out).for_each(|(s, o)| *s += o);
        }
        sum
    }
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

// ---------------------------------------------------------------- (d)

const ROWS: usize = 1_000_000;
/// Steps per run in (d): each evaluates the loss and gradient on all rows.
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

fn regression_ratio() -> Row {
    let (xs, ys) = regression_data();
    let x = Expr::data(DataRef::new("X", xs.clone()));
    let y = Expr::data(DataRef::new("Y", ys.clone()));
    let (w, b) = (var("w"), var("b"));
    let residual = add([mul([w, x]), b, neg(y)]);
    let body = call(Func::Mean, vec![pow(residual, n(2))]);
    let config = Config {
        sense: Sense::Minimize,
        lr: 0.1,
        steps: DATA_STEPS,
        tol: 0.0,
        method: Method::Gd,
        keep_state: false,
    };
    let stop = AtomicBool::new(false);
    let time = |engine| {
        let mut program = value_and_gradient(body, ["w", "b"], engine);
        fastest(|| descent::run(&mut program, black_box(&[0.0, 0.0]), &config, None, &stop))
    };
    let (interpreter_time, interpreted) = time(Engine::Interpreter);
    let (native_time, run) = time(Engine::Native);
    assert!(same(&run.x, &interpreted.x) && same(run.trace.values(), interpreted.trace.values()));
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
        "MSE of a line over {ROWS} rows, {DATA_STEPS} gd steps: interpreter {interpreter_time:?}, JIT {native_time:?}, by hand {hand_time:?}"
    );
    Row {
        name: "MSE gd step, 1M rows (us/step)",
        interpreter: per_step(interpreter_time),
        native: per_step(native_time),
        hand: per_step(hand_time),
        goal: Some(1.05),
    }
}

// ---------------------------------------------------------------- (e)

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

fn csv_load_ratio() -> Row {
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
    let per_row = |t: Duration| t.as_nanos() as f64 / ROWS as f64;
    Row {
        name: "load a 1M-row CSV (ns/row)",
        interpreter: per_row(gd_time),
        native: per_row(gd_time),
        hand: per_row(hand_time),
        goal: None,
    }
}
