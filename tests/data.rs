//! Data: fits against the closed-form least-squares line, minibatch
//! reproducibility, every row once per epoch, and the compiled programs
//! over rows against a naive per-row evaluation.

use std::path::PathBuf;

use proptest::prelude::*;
use serde_json::Value as Json;

use gd::compile::{Evaluated, compile, compile_rows};
use gd::symbolic::Expr;
use gd::symbolic::data::{DataRef, has_data};
use gd::symbolic::diff::differentiate;
use gd::symbolic::expr::{Func, add, call, mul, pow, sub};
use gd::symbolic::rewrite::substitute;

use crate::common::{gd, json_lines};
use crate::properties::{config, tree};

/// A small deterministic generator (a 64-bit LCG): the tests' data do not
/// depend on gd's own random numbers.
struct Lcg(u64);

impl Lcg {
    /// Uniform in [0, 1).
    fn next(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Writes `text` to a file of its own in the temp folder.
fn temp_file(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("gd-data-tests-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    std::fs::write(&path, text).expect("temp file");
    path
}

/// The JSON objects of running `lines` as one script.
fn run(lines: &[&str]) -> Vec<Json> {
    let mut args = vec!["--json"];
    for line in lines {
        args.push("-e");
        args.push(line);
    }
    let out = gd(&args, None);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    json_lines(&out.stdout)
}

fn last_minimize(objects: &[Json]) -> &Json {
    objects
        .iter()
        .rev()
        .find(|o| o["kind"] == "minimize")
        .expect("a descent")
}

fn numbers(v: &Json) -> Vec<f64> {
    v.as_array()
        .expect("an array")
        .iter()
        .map(|x| x.as_f64().expect("a number"))
        .collect()
}

#[test]
fn linear_regression_agrees_with_least_squares() {
    // y = 1.7x + 0.4 plus noise: the best line is not the generating one.
    let mut rng = Lcg(11);
    let rows: Vec<(f64, f64)> = (0..200)
        .map(|_| {
            let x = 4.0 * rng.next() - 1.0;
            (x, 1.7 * x + 0.4 + (rng.next() - 0.5))
        })
        .collect();
    let mut csv = String::from("x,y\n");
    for (x, y) in &rows {
        csv.push_str(&format!("{x},{y}\n"));
    }
    let path = temp_file("least_squares.csv", &csv);
    let load = format!("load(\"{}\")", path.display());
    let objects = run(&[
        &load,
        "loss(w, b) = mean((w*x + b - y)^2)",
        "minimize loss from (0, 0) lr 0.1 steps 100000 tol 1e-12",
    ]);
    // The closed form: w = cov(x, y) / var(x), b = mean(y) - w mean(x).
    let n = rows.len() as f64;
    let mean_x = rows.iter().map(|r| r.0).sum::<f64>() / n;
    let mean_y = rows.iter().map(|r| r.1).sum::<f64>() / n;
    let cov: f64 = rows.iter().map(|(x, y)| (x - mean_x) * (y - mean_y)).sum();
    let var: f64 = rows.iter().map(|(x, _)| (x - mean_x).powi(2)).sum();
    let w = cov / var;
    let b = mean_y - w * mean_x;
    let run = last_minimize(&objects);
    assert_eq!(run["status"], "converged", "{run}");
    let found = numbers(&run["x"]);
    assert!((found[0] - w).abs() < 1e-9, "w = {} vs {w}", found[0]);
    assert!((found[1] - b).abs() < 1e-9, "b = {} vs {b}", found[1]);
    assert!(
        (w - 1.7).abs() > 1e-3 && (b - 0.4).abs() > 1e-3,
        "noise moves the answer"
    );
}

/// The trace of a minibatch run, as JSON.
fn sgd_trace(seed: u64, method: &str) -> Json {
    let minimize =
        format!("minimize loss from (0, 0) lr 0.01 steps 40 batch 3 seed {seed} using {method}");
    let objects = run(&[
        "X = [1, 2, 3, 4, 5, 6, 7, 8]",
        "Y = 2X + 1 + [0.3, -0.2, 0.1, 0, -0.4, 0.2, 0.1, -0.1]",
        "loss(w, b) = mean((w*X + b - Y)^2)",
        &minimize,
    ]);
    last_minimize(&objects)["trace"].clone()
}

#[test]
fn minibatches_are_reproducible_from_the_seed() {
    for method in ["gd", "adam", "newton"] {
        assert_eq!(sgd_trace(7, method), sgd_trace(7, method), "{method}");
        assert_ne!(sgd_trace(7, method), sgd_trace(8, method), "{method}");
    }
}

#[test]
fn every_row_is_used_once_per_epoch() {
    // d sum(w*X)/dw = sum of the batch's X: after an epoch of batches of 2
    // (2 + 2 + 1 rows) at lr 1, w = -(the sum of every X), exactly when each
    // row was used once; the trace's f is the loss on all rows.
    let objects = run(&[
        "X = [1, 10, 100, 1000, 10000]",
        "f(w) = sum(w*X)",
        "minimize f from 0 lr 1 steps 6 batch 2 seed 3",
    ]);
    let trace = last_minimize(&objects)["trace"]
        .as_array()
        .expect("a trace")
        .clone();
    let w_at = |k: usize| trace[k]["x"][0].as_f64().expect("w");
    assert_eq!(w_at(3), -11111.0);
    assert_eq!(w_at(6), -22222.0);
    let partial: Vec<f64> = (1..3).map(w_at).collect();
    assert!(partial.iter().all(|w| *w > -11111.0), "{partial:?}");
    assert_eq!(trace[3]["f"].as_f64(), Some(-11111.0 * 11111.0));
}

#[test]
fn batch_larger_than_the_data_uses_every_row() {
    let objects = run(&[
        "X = [1, 2, 3]",
        "f(w) = mean((w - X)^2)",
        "minimize f from 0 lr 0.5 steps 1 batch 10",
    ]);
    let run = last_minimize(&objects);
    // Reported as asked; the sampler uses every row.
    assert_eq!(run["params"]["batch"], 10);
    assert_eq!(run["params"]["seed"], 0);
    // One full step of lr 0.5 on mean((w - X)^2) lands on mean(X).
    assert_eq!(numbers(&run["x"]), vec![2.0]);
}

// ---------------------------------------------------------------- compiled vs naive

fn data(name: &str, values: &[f64]) -> Expr {
    Expr::data(DataRef::new(name, values.to_vec()))
}

/// `mean(e)` of an expression in the row variable `x` and the parameter
/// `y`, evaluated naively: one scalar tape run per row, then averaged.
fn naive_mean(e: Expr, xs: &[f64], y: f64) -> f64 {
    let tape = compile(&[e], &["x", "y"]).expect("compiles");
    let total: f64 = xs.iter().map(|x| tape.eval_once(&[*x, y])[0]).sum();
    total / xs.len() as f64
}

fn close(a: f64, b: f64) -> bool {
    (a.is_nan() && b.is_nan()) || a == b || (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

proptest! {
    #![proptest_config(config())]

    /// A random expression of a data column and a parameter, reduced with
    /// mean over 1 to 700 rows (so chunk boundaries are crossed), compiled
    /// over rows, equals the per-row evaluation averaged.
    #[test]
    fn compiled_mean_equals_per_row_evaluation(
        t in tree(false),
        xs in proptest::collection::vec(-3.0f64..3.0, 1..700),
        y in -3.0f64..3.0,
    ) {
        let e = t.build();
        let column = data("X", &xs);
        let map = [("x".into(), column)].into_iter().collect();
        let over_rows = call(Func::Mean, vec![substitute(e, &map).expect("small")]);
        let program = compile_rows(&[over_rows], &["y"]).expect("compiles");
        let Evaluated::Number(got) = program.eval_all(&[y])[0] else {
            panic!("a number")
        };
        let want = naive_mean(e, &xs, y);
        prop_assume!(want.is_finite() || want.is_nan());
        prop_assert!(close(got, want), "{got} vs {want}");
    }

    /// d sum(e) = sum(de) and d mean(e) = mean(de): the symbolic derivative
    /// of a reduction over data equals the per-row derivatives reduced.
    #[test]
    fn derivatives_of_reductions_are_reductions_of_derivatives(
        t in tree(false),
        xs in proptest::collection::vec(-3.0f64..3.0, 1..40),
        y in -3.0f64..3.0,
        use_sum in any::<bool>(),
    ) {
        let e = t.build();
        let func = if use_sum { Func::Sum } else { Func::Mean };
        let map = [("x".into(), data("X", &xs))].into_iter().collect();
        let inner = substitute(e, &map).expect("small");
        let derivative = differentiate(call(func, vec![inner]), "y").expect("small");
        let program = compile_rows(&[derivative], &["y"]).expect("compiles");
        let Evaluated::Number(got) = program.eval_all(&[y])[0] else {
            panic!("a number")
        };
        let per_row = compile(&[differentiate(e, "y").expect("small")], &["x", "y"]).expect("compiles");
        // Without data left (x cancelled or absent) a reduction is one row.
        let rows: &[f64] = if has_data(inner) { &xs } else { &xs[..1] };
        let total: f64 = rows.iter().map(|x| per_row.eval_once(&[*x, y])[0]).sum();
        let want = if use_sum { total } else { total / rows.len() as f64 };
        prop_assume!(want.is_finite());
        prop_assert!(close(got, want), "{got} vs {want}");
    }

    /// The MSE loss and its gradient on a subset of rows equal the same
    /// sums written out by hand over those rows.
    #[test]
    fn loss_and_gradient_on_a_minibatch(
        rows in proptest::collection::vec((-5.0f64..5.0, -5.0f64..5.0), 1..600),
        (w, b) in (-2.0f64..2.0, -2.0f64..2.0),
        picks in proptest::collection::vec(0usize..1000, 1..300),
    ) {
        let xs: Vec<f64> = rows.iter().map(|r| r.0).collect();
        let ys: Vec<f64> = rows.iter().map(|r| r.1).collect();
        let (x, yv) = (data("X", &xs), data("Y", &ys));
        let (pw, pb) = (Expr::var("w"), Expr::var("b"));
        let r = sub(add([mul([pw, x]), pb]), yv);
        let outputs = [
            call(Func::Mean, vec![pow(r, Expr::int(2))]),
            call(Func::Mean, vec![mul([Expr::int(2), r, x])]),
            call(Func::Sum, vec![mul([Expr::int(2), r])]),
        ];
        let program = compile_rows(&outputs, &["w", "b"]).expect("compiles");
        let subset: Vec<u32> = picks.iter().map(|p| (p % rows.len()) as u32).collect();
        let mut out = [0.0; 3];
        program.eval(&[w, b], Some(&subset), &mut program.workspace(), &mut out);
        let mut want = [0.0; 3];
        for i in &subset {
            let (xi, yi) = rows[*i as usize];
            let ri = w * xi + b - yi;
            want[0] += ri * ri;
            want[1] += 2.0 * ri * xi;
            want[2] += 2.0 * ri;
        }
        let m = subset.len() as f64;
        let want = [want[0] / m, want[1] / m, want[2]];
        for k in 0..3 {
            prop_assert!(close(out[k], want[k]), "output {k}: {} vs {}", out[k], want[k]);
        }
    }
}

/// The expression `text` lowered in `session` (as a bare expression).
fn lower_in(session: &gd::session::Session, text: &str) -> Expr {
    let program = gd::parse::parse_program(text).expect("parses");
    let gd::syntax::StmtKind::Expr(e) = &program.stmts[0].kind else {
        panic!("an expression")
    };
    gd::lower::Lowerer::new(session.defs(), gd::lower::Mode::Now, Vec::new())
        .scalar(e)
        .expect("lowers")
}

#[test]
fn expressions_over_data_print_and_parse_back_to_the_same_handle() {
    let mut session = gd::session::Session::default();
    session
        .run_source(
            "X = [1, 2, 3]\nY = [2, 4, 7]\nloss(w, b) = mean((w*X + b - Y)^2)",
            &mut |_| {},
        )
        .expect("runs");
    let cases = [
        "mean((w*X + b - Y)^2)",
        "2mean(X*(b + w*X - Y))",
        "w + 3*[1, 2]",
        "sum(w*X*[1, 2, 4]) - mean(sigmoid(w*X))",
        "mean(Y - sigmoid(b + w*X))*X",
        "X^2 + w*X/Y",
    ];
    for text in cases {
        let e = lower_in(&session, text);
        let printed = gd::symbolic::print::to_text(e);
        assert_eq!(
            lower_in(&session, &printed),
            e,
            "{text} printed as {printed}"
        );
    }
}
