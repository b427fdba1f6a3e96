//! The teaching statements against independent oracles: `fdiff`, `cdiff`
//! and a table of them against their formulas in plain f64 arithmetic
//! written here (the function too, as a closure: gd's programs compute
//! `x^3` as `(x*x)*x`, as torch does). Numbers are compared bit for bit,
//! read from the JSON text by Rust's own parser (serde_json's default
//! parser may be one bit off). The optimizer's state of `state` against
//! torch's update rules written out here, and the same on both engines.

use proptest::prelude::*;
use serde_json::Value;

use gd::outcome::Outcome;
use gd::session::Session;

use crate::common::{gd, gd_with_env, json_lines};

/// The JSON objects of `source`, which must run, and its output lines.
fn run_lines(source: &str) -> (Vec<Value>, Vec<String>) {
    let out = gd(&["--json", "-e", source], None);
    assert_eq!(out.code, 0, "{source}: {}{}", out.stdout, out.stderr);
    let lines = out.stdout.lines().map(String::from).collect();
    (json_lines(&out.stdout), lines)
}

fn run(source: &str) -> Vec<Value> {
    run_lines(source).0
}

/// The numbers of `key` in a JSON line (a number, or arrays of them),
/// parsed exactly.
fn exact_numbers(line: &str, key: &str) -> Vec<f64> {
    let at = line.find(&format!("\"{key}\":")).expect("the key") + key.len() + 3;
    line[at..]
        .chars()
        .take_while(|c| c.is_ascii_digit() || "+-.eE[],".contains(*c))
        .collect::<String>()
        .split(['[', ']', ','])
        .filter(|piece| !piece.is_empty())
        .map(|piece| piece.parse().expect("a number"))
        .collect()
}

fn forward(f: Plain, x0: f64, h: f64) -> f64 {
    (f(x0 + h) - f(x0)) / h
}

fn central(f: Plain, x0: f64, h: f64) -> f64 {
    (f(x0 + h) - f(x0 - h)) / (2.0 * h)
}

/// A function of one number, written in plain Rust.
type Plain = fn(f64) -> f64;

/// Functions as gd reads them and as plain Rust computes them.
const FUNCTIONS: [(&str, Plain); 3] = [
    ("x^3", |x| x * x * x),
    ("sin(x) exp(x)", |x| x.sin() * x.exp()),
    ("ln(x) + 1/x", |x| x.ln() + 1.0 / x),
];

#[test]
fn finite_differences_are_their_floating_point_formulas() {
    for (body, f) in FUNCTIONS {
        for x0 in [1.0, 0.5, 2.3] {
            for h in [1e-2, 1e-6, 1e-9, 1e-12] {
                let source = format!("f(x) = {body}; fdiff(f, {x0}, {h}); cdiff(f, {x0}, {h})");
                let (_, lines) = run_lines(&source);
                let got: Vec<f64> = lines[1..]
                    .iter()
                    .flat_map(|line| exact_numbers(line, "value"))
                    .collect();
                let want = [forward(f, x0, h), central(f, x0, h)];
                assert_eq!(got, want, "{source}");
            }
        }
    }
}

#[test]
fn the_default_step_is_a_millionth() {
    let (_, lines) = run_lines("f(x) = sin(x) exp(x); fdiff(f, 0.5); cdiff(f, 0.5)");
    let f: Plain = |x| x.sin() * x.exp();
    assert_eq!(exact_numbers(&lines[1], "value"), [forward(f, 0.5, 1e-6)]);
    assert_eq!(exact_numbers(&lines[2], "value"), [central(f, 0.5, 1e-6)]);
}

#[test]
fn rounding_shows_at_tiny_steps() {
    // (f(1 + 1e-12) - f(1))/1e-12 for x^3: about 2.7e-4 off the exact 3.
    let objects = run("f(x) = x^3; fdiff(f, 1, 1e-12)");
    let error = objects[1]["value"].as_f64().expect("a number") - 3.0;
    assert!((error - 2.667e-4).abs() < 1e-6, "error {error}");
}

#[test]
fn a_table_is_a_row_per_value() {
    let source = "f(x) = x^2; table x, f(x), f'(x), fdiff(f, x) for x in [-2, -1, 0.5, 1, 2]";
    let (objects, lines) = run_lines(source);
    let table = &objects[1];
    assert_eq!(table["kind"], "table");
    assert_eq!(
        table["columns"],
        serde_json::json!(["x", "f(x)", "f'(x)", "fdiff(f, x)"])
    );
    let cells = exact_numbers(&lines[1], "rows");
    assert_eq!(cells.len(), 5 * 4);
    for (row, x) in cells.chunks(4).zip([-2.0, -1.0, 0.5, 1.0, 2.0]) {
        let want = [x, x * x, 2.0 * x, forward(|x| x * x, x, 1e-6)];
        assert_eq!(row, want);
    }
}

#[test]
fn a_table_shadows_a_defined_name_and_leaves_it() {
    let objects = run("x = 5; table x, x^2 for x in [1, 2]; x");
    assert_eq!(objects[1]["rows"], serde_json::json!([[1, 1], [2, 4]]));
    assert_eq!(objects[2]["value"], 5);
}

/// torch.optim's update rules, written out from its documentation for
/// float64 tensors, one parameter vector at a time: the state after each
/// update under torch's names.
struct Torch {
    method: &'static str,
    lr: f64,
    step: u32,
    buffers: Vec<(&'static str, Vec<f64>)>,
}

impl Torch {
    fn new(method: &'static str, lr: f64, n: usize) -> Torch {
        let names: &[&str] = match method {
            "momentum" | "nesterov" => &["momentum_buffer"],
            "adagrad" => &["sum"],
            "rmsprop" => &["square_avg"],
            "adam" => &["exp_avg", "exp_avg_sq"],
            _ => &[],
        };
        let buffers = names.iter().map(|name| (*name, vec![0.0; n])).collect();
        Torch {
            method,
            lr,
            step: 0,
            buffers,
        }
    }

    /// One update of `x` by the gradient `g` there.
    fn update(&mut self, x: &mut [f64], g: &[f64]) {
        self.step += 1;
        let (lr, t) = (self.lr, self.step);
        for i in 0..x.len() {
            let gi = g[i];
            let delta = match self.method {
                "gd" => gi,
                "momentum" | "nesterov" => {
                    let b = &mut self.buffers[0].1[i];
                    *b = if t == 1 { gi } else { 0.9 * *b + gi };
                    if self.method == "nesterov" {
                        gi + 0.9 * *b
                    } else {
                        *b
                    }
                }
                "adagrad" => {
                    let s = &mut self.buffers[0].1[i];
                    *s += gi * gi;
                    gi / (s.sqrt() + 1e-10)
                }
                "rmsprop" => {
                    let s = &mut self.buffers[0].1[i];
                    *s = 0.99 * *s + (1.0 - 0.99) * gi * gi;
                    gi / (s.sqrt() + 1e-8)
                }
                "adam" => {
                    let m = &mut self.buffers[0].1[i];
                    *m += (1.0 - 0.9) * (gi - *m);
                    let m = *m;
                    let v = &mut self.buffers[1].1[i];
                    *v = 0.999 * *v + (1.0 - 0.999) * gi * gi;
                    let (bias1, bias2) =
                        (1.0 - 0.9f64.powi(t as i32), 1.0 - 0.999f64.powi(t as i32));
                    m / bias1 / (v.sqrt() / bias2.sqrt() + 1e-8)
                }
                other => panic!("no rule for {other}"),
            };
            x[i] -= lr * delta;
        }
    }
}

/// f(x, y) = (x - 1)^2 + 3(y + 2)^2 + x*y, and its gradient by hand.
const BOWL: &str = "f(x, y) = (x - 1)^2 + 3(y + 2)^2 + x*y";

fn bowl_gradient(p: &[f64]) -> Vec<f64> {
    let (x, y) = (p[0], p[1]);
    vec![2.0 * (x - 1.0) + y, 6.0 * (y + 2.0) + x]
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-12 * a.abs().max(b.abs()).max(1.0)
}

#[test]
fn state_is_torchs_state_after_each_update() {
    for method in ["momentum", "nesterov", "adagrad", "rmsprop", "adam", "gd"] {
        let source =
            format!("{BOWL}; minimize f from (0.5, 0.5) lr 0.05 steps 6 using {method} state");
        let objects = run(&source);
        let trace = objects[1]["trace"].as_array().expect("a trace");
        let mut torch = Torch::new(method, 0.05, 2);
        let mut x = vec![0.5, 0.5];
        assert_eq!(
            trace[0]["state"],
            serde_json::json!({}),
            "{method}: no state at step 0"
        );
        for entry in &trace[1..] {
            let g = bowl_gradient(&x);
            torch.update(&mut x, &g);
            let state = entry["state"].as_object().expect("a state");
            assert_eq!(state.len(), torch.buffers.len(), "{method}: {state:?}");
            for (name, want) in &torch.buffers {
                let got: Vec<f64> = state[*name]
                    .as_array()
                    .expect("numbers")
                    .iter()
                    .map(|v| v.as_f64().expect("a number"))
                    .collect();
                let agree = got.iter().zip(want).all(|(a, b)| close(*a, *b));
                assert!(
                    agree,
                    "{method} {name} at step {}: {got:?} vs {want:?}",
                    entry["step"]
                );
            }
            let got_x: Vec<f64> = entry["x"]
                .as_array()
                .expect("x")
                .iter()
                .map(|v| v.as_f64().expect("a number"))
                .collect();
            assert!(
                got_x.iter().zip(&x).all(|(a, b)| close(*a, *b)),
                "{method} x: {got_x:?} vs {x:?}"
            );
        }
    }
}

#[test]
fn without_state_the_trace_has_no_state_field() {
    let objects = run(&format!(
        "{BOWL}; minimize f from (0, 0) steps 2 using adam"
    ));
    let trace = objects[1]["trace"].as_array().expect("a trace");
    assert!(trace.iter().all(|entry| entry.get("state").is_none()));
}

/// The state is the same with and without native code (the compiled loop
/// writes it into its own trace buffer).
#[test]
fn state_is_the_same_on_both_engines() {
    let source = format!(
        "{BOWL}; minimize f from (0.5, 0.5) lr 0.01 steps 3000 every 500 using [adam, rmsprop, momentum] state"
    );
    let outputs: Vec<String> = ["0", "1"]
        .iter()
        .map(|engine| {
            let out = gd_with_env(&["--json", "-e", &source], &[("GD_JIT", engine)]);
            assert_eq!(out.code, 0, "{}", out.stderr);
            out.stdout
        })
        .collect();
    assert!(outputs[0].contains("\"exp_avg_sq\""));
    assert_eq!(outputs[0], outputs[1]);
}

/// The number `source`'s last statement prints, run in a session.
fn last_number(source: &str) -> f64 {
    let mut session = Session::default();
    let mut last = None;
    session
        .run_source(source, &mut |o| {
            if let Outcome::Number(v) = o {
                last = Some(*v);
            }
        })
        .expect("runs");
    last.expect("a number")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..crate::properties::config() })]

    /// Any point and any step from 1e-13 to 0.1: the differences are their
    /// formulas in plain f64, bit for bit (the numbers are written with
    /// their shortest exact digits, which read back as the same doubles).
    #[test]
    fn finite_differences_anywhere(which in 0..FUNCTIONS.len(), x0 in 0.1f64..3.0, exponent in -13.0f64..-1.0) {
        let (body, f) = FUNCTIONS[which];
        let h = 10f64.powf(exponent);
        let define = format!("f(x) = {body}\n");
        let got_forward = last_number(&format!("{define}fdiff(f, {x0:?}, {h:?})"));
        let got_central = last_number(&format!("{define}cdiff(f, {x0:?}, {h:?})"));
        prop_assert_eq!(got_forward.to_bits(), forward(f, x0, h).to_bits());
        prop_assert_eq!(got_central.to_bits(), central(f, x0, h).to_bits());
    }
}
