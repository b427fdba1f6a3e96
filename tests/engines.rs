//! The two engines against each other: native code must give the
//! interpreter's numbers bit for bit (nan as a class) on every golden
//! script, on random expressions (every instruction and built-in), on every
//! optimizer's runs (convergence, divergence, non-finite values, thinned
//! traces), on losses over data with and without minibatches, and it must
//! stop on Ctrl-C.
//!
//! Runs are compared through their `Debug` text, which spells every number
//! by its shortest exact digits (so it tells any two bit patterns apart but
//! two nans).

use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::atomic::AtomicBool;

use proptest::prelude::*;

use gd::compile::Program;
use gd::compile::jit::{ENGINE_VARIABLE, Engine};
use gd::descent::{self, Batches, Config, METHOD_NAMES, Method, Run, Sense};
use gd::symbolic::data::DataRef;
use gd::symbolic::expr::{Func, add, call, mul, pow, sub};
use gd::symbolic::rewrite::substitute;
use gd::symbolic::{Expr, gradient, hessian};

use crate::common::{Output, gd_with_env, relative};
use crate::properties::{config, tree};

/// `[f, gradient]` (and the Hessian with `with_hessian`) of `body` over
/// `params`, on `engine`.
fn program(body: Expr, params: &[&str], with_hessian: bool, engine: Engine) -> Program {
    let names: Vec<Rc<str>> = params.iter().map(|p| Rc::from(*p)).collect();
    let mut outputs = vec![body];
    outputs.extend(gradient(body, &names).expect("differentiable"));
    if with_hessian {
        outputs.extend(hessian(body, &names).expect("twice").concat());
    }
    let mut program = Program::new(&outputs, params).expect("compiles");
    program.set_engine(engine);
    program
}

/// The run of `method` on `body` from `start` on each engine, as text.
fn both_runs(
    body: Expr,
    params: &[&str],
    start: &[f64],
    config: &Config,
    batches: Option<Batches>,
) -> (String, String) {
    let stop = AtomicBool::new(false);
    let needs_hessian = config.method.needs_hessian();
    let run = |engine| -> Run {
        let mut p = program(body, params, needs_hessian, engine);
        descent::run(&mut p, start, config, batches, &stop)
    };
    let interpreted = run(Engine::Interpreter);
    let native = run(Engine::Native);
    (format!("{interpreted:?}"), format!("{native:?}"))
}

fn method(name: &str) -> Method {
    Method::from_spec(name, &[]).expect("a method")
}

fn setup(method: Method, lr: f64, steps: u64, tol: f64, sense: Sense) -> Config {
    Config {
        sense,
        lr,
        steps,
        tol,
        method,
        keep_state: false,
    }
}

fn var(name: &str) -> Expr {
    Expr::var(name)
}

fn n(v: i64) -> Expr {
    Expr::int(v)
}

/// (1 - x)^2 + 100 (y - x^2)^2
fn rosenbrock() -> Expr {
    let (x, y) = (var("x"), var("y"));
    add([
        pow(sub(n(1), x), n(2)),
        mul([n(100), pow(sub(y, pow(x, n(2))), n(2))]),
    ])
}

/// sin(x) exp(-y^2) + ln(1 + x^2) cos(x y) + sqrt(x^2 + y^2)
fn mix() -> Expr {
    let (x, y) = (var("x"), var("y"));
    add([
        mul([
            call(Func::Sin, vec![x]),
            call(Func::Exp, vec![mul([n(-1), pow(y, n(2))])]),
        ]),
        mul([
            call(Func::Ln, vec![add([n(1), pow(x, n(2))])]),
            call(Func::Cos, vec![mul([x, y])]),
        ]),
        gd::symbolic::expr::sqrt(add([pow(x, n(2)), pow(y, n(2))])),
    ])
}

#[test]
fn every_optimizer_runs_the_same_on_both_engines() {
    let xy = ["x", "y"];
    let functions = [rosenbrock(), mix()];
    for body in functions {
        for name in METHOD_NAMES {
            for sense in [Sense::Minimize, Sense::Maximize] {
                // Short and long (thinned trace, full trace buffers, many
                // interrupt polls), a tolerance met, and divergence.
                for (lr, steps, tol) in [
                    (1e-3, 0, 0.0),
                    (1e-3, 7, 0.0),
                    (1e-3, 5_000, 0.0),
                    (1e-4, 150_000, 0.0),
                    (1e-2, 5_000, 1e-3),
                    (3.0, 200, 0.0),
                ] {
                    let config = setup(method(name), lr, steps, tol, sense);
                    let (interpreted, native) = both_runs(body, &xy, &[-1.2, 1.0], &config, None);
                    assert_eq!(
                        interpreted, native,
                        "{name} lr {lr} steps {steps} tol {tol} {sense:?}"
                    );
                }
            }
        }
    }
}

#[test]
fn the_optimizers_state_in_the_trace_is_the_same_on_both_engines() {
    let xy = ["x", "y"];
    for body in [rosenbrock(), mix()] {
        for name in METHOD_NAMES {
            // A short run, a thinned trace that fills the trace buffers,
            // and a tolerance met.
            for (lr, steps, tol) in [(1e-3, 7, 0.0), (1e-4, 150_000, 0.0), (1e-2, 5_000, 1e-3)] {
                let config = Config {
                    keep_state: true,
                    ..setup(method(name), lr, steps, tol, Sense::Minimize)
                };
                let (interpreted, native) = both_runs(body, &xy, &[-1.2, 1.0], &config, None);
                assert_eq!(
                    interpreted, native,
                    "{name} lr {lr} steps {steps} tol {tol}"
                );
            }
        }
    }
}

#[test]
fn non_finite_values_stop_both_engines_alike() {
    let x = var("x");
    // ln(x) is nan below 0, 1/x^2 infinite at 0, x^4 and exp(x) overflow,
    // sqrt(x) meets its domain's edge.
    let bodies = [
        call(Func::Ln, vec![x]),
        pow(x, n(-2)),
        pow(x, n(4)),
        call(Func::Exp, vec![x]),
        gd::symbolic::expr::sqrt(x),
    ];
    for body in bodies {
        for name in METHOD_NAMES {
            for sense in [Sense::Minimize, Sense::Maximize] {
                for lr in [0.5, 40.0] {
                    let config = setup(method(name), lr, 300, 0.0, sense);
                    let (interpreted, native) = both_runs(body, &["x"], &[0.5], &config, None);
                    assert_eq!(interpreted, native, "{name} lr {lr} {sense:?}");
                }
            }
        }
    }
}

#[test]
fn gradients_too_small_to_square_take_the_scaled_norm_on_both_engines() {
    // x^2 from 0.5 at lr 0.1 shrinks x by 0.8 a step: after about 1,600
    // steps the squares of the gradient underflow, and the norm is scaled.
    let body = pow(var("x"), n(2));
    for name in ["gd", "momentum", "nesterov"] {
        let config = setup(method(name), 0.1, 4_000, 0.0, Sense::Minimize);
        let (interpreted, native) = both_runs(body, &["x"], &[0.5], &config, None);
        assert_eq!(interpreted, native, "{name}");
        assert!(interpreted.contains("Converged") || interpreted.contains("MaxSteps"));
    }
    // Started on the minimum: a zero gradient at every step.
    let config = setup(method("adam"), 0.1, 5_000, 0.0, Sense::Minimize);
    let (interpreted, native) = both_runs(body, &["x"], &[0.0], &config, None);
    assert_eq!(interpreted, native);
}

/// A loss over rows: mean((w X + b - Y)^2) on `rows` rows.
fn regression(rows: usize) -> Expr {
    let xs: Vec<f64> = (0..rows)
        .map(|i| ((i * 37 % 101) as f64 - 50.0) * 0.03)
        .collect();
    let ys: Vec<f64> = xs
        .iter()
        .enumerate()
        .map(|(i, x)| 3.0 * x - 1.0 + (i as f64 * 1.7).sin())
        .collect();
    let x = Expr::data(DataRef::new("X", xs));
    let y = Expr::data(DataRef::new("Y", ys));
    let (w, b) = (var("w"), var("b"));
    call(Func::Mean, vec![pow(sub(add([mul([w, x]), b]), y), n(2))])
}

#[test]
fn losses_over_rows_run_the_same_on_both_engines() {
    for rows in [3usize, 4, 257, 1_001] {
        for name in METHOD_NAMES {
            for batches in [
                None,
                Some(Batches { size: 7, seed: 3 }),
                Some(Batches { size: 256, seed: 1 }),
            ] {
                let lr = if name == "newton" { 0.5 } else { 0.05 };
                let config = setup(method(name), lr, 60, 0.0, Sense::Minimize);
                let (interpreted, native) =
                    both_runs(regression(rows), &["w", "b"], &[0.0, 0.0], &config, batches);
                assert_eq!(interpreted, native, "{name} on {rows} rows, {batches:?}");
            }
        }
    }
}

/// Every golden script: `tests/cases/ok`, `tests/cases/err`, `scripts`.
fn golden_scripts() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut scripts = Vec::new();
    for folder in ["tests/cases/ok", "tests/cases/err", "scripts"] {
        for entry in std::fs::read_dir(root.join(folder)).expect("a folder of scripts") {
            let path = entry.expect("an entry").path();
            if path.extension().is_some_and(|e| e == "gd") {
                scripts.push(path);
            }
        }
    }
    scripts.sort();
    scripts
}

fn run_script(args: &[&str], engine: &str) -> Output {
    gd_with_env(args, &[(ENGINE_VARIABLE, engine)])
}

#[test]
fn every_golden_script_prints_the_same_on_both_engines() {
    let scripts = golden_scripts();
    assert!(scripts.len() > 50, "the golden scripts are found");
    for path in scripts {
        let file = relative(&path);
        for args in [vec!["--json", file.as_str()], vec![file.as_str()]] {
            let (interpreted, native) = (run_script(&args, "0"), run_script(&args, "1"));
            assert_eq!(interpreted.code, native.code, "{file}: exit codes");
            assert_eq!(interpreted.stdout, native.stdout, "{file} {args:?}: stdout");
            assert_eq!(interpreted.stderr, native.stderr, "{file} {args:?}: stderr");
        }
    }
}

proptest! {
    #![proptest_config(config())]

    /// Values, gradients and a few steps of a random method on random
    /// expressions (every instruction and built-in, kinks, min and max,
    /// nan and infinities on the way).
    #[test]
    fn random_expressions_run_the_same_on_both_engines(
        t in tree(false),
        start in (-3.0f64..3.0, -3.0f64..3.0),
        which in 0usize..6,
        lr in prop_oneof![Just(1e-3), Just(0.1), Just(2.0)],
    ) {
        let body = t.build();
        let xy = ["x", "y"];
        let mut values = Vec::new();
        for engine in [Engine::Interpreter, Engine::Native] {
            let mut p = program(body, &xy, false, engine);
            let mut out = vec![0.0; 3];
            let mut seen = Vec::new();
            for point in [[start.0, start.1], [0.0, -0.0], [1.0, f64::NAN], [f64::INFINITY, -2.5], [1e300, -1e-300]] {
                p.point_mut().copy_from_slice(&point);
                p.eval(&mut out);
                seen.push(format!("{out:?}"));
            }
            values.push(seen);
        }
        prop_assert_eq!(&values[0], &values[1]);
        let config = setup(method(METHOD_NAMES[which]), lr, 40, 0.0, Sense::Minimize);
        let (interpreted, native) = both_runs(body, &xy, &[start.0, start.1], &config, None);
        prop_assert_eq!(interpreted, native);
    }
}

proptest! {
    #![proptest_config(config())]

    /// A random expression of a data column and a parameter, its mean and
    /// sum over 1 to 600 rows (every instruction over rows, two rows per
    /// vector, chunk and lane boundaries), with its derivative: the same
    /// numbers on both engines over all rows and over minibatches.
    #[test]
    fn random_losses_over_rows_run_the_same_on_both_engines(
        t in tree(false),
        xs in proptest::collection::vec(-3.0f64..3.0, 1..600),
        start in -3.0f64..3.0,
        batch in 1usize..40,
    ) {
        let column = Expr::data(DataRef::new("X", xs));
        let map = [("x".into(), column)].into_iter().collect();
        let inner = substitute(t.build(), &map).expect("small");
        let body = add([call(Func::Mean, vec![inner]), call(Func::Sum, vec![mul([inner, var("y")])])]);
        let config = setup(method("gd"), 1e-3, 5, 0.0, Sense::Minimize);
        for batches in [None, Some(Batches { size: batch, seed: 5 })] {
            let (interpreted, native) = both_runs(body, &["y"], &[start], &config, batches);
            prop_assert_eq!(interpreted, native);
        }
    }
}

/// Runs gd on native code with `args`, sends SIGINT after 0.7 s.
fn interrupted(args: &[&str]) -> std::process::Output {
    use std::process::{Command, Stdio};
    let child = Command::new(env!("CARGO_BIN_EXE_gd"))
        .args(args)
        .env(ENGINE_VARIABLE, "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("gd runs");
    std::thread::sleep(std::time::Duration::from_millis(700));
    let killed = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status();
    assert!(killed.is_ok_and(|s| s.success()));
    child.wait_with_output().expect("gd finishes")
}

#[test]
fn sigint_stops_a_native_run() {
    let out = interrupted(&[
        "--json",
        "-e",
        "f(x, y) = (1 - x)^2 + 100(y - x^2)^2",
        "-e",
        "minimize f from (-1, 1) lr 0.0001 steps 100000000000 tol 0",
    ]);
    assert_eq!(out.status.code(), Some(130));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let last = crate::common::json_lines(&stdout)
        .pop()
        .expect("the run so far is reported");
    assert_eq!(last["status"], "interrupted");
    let steps = last["steps"].as_u64().expect("a number of steps");
    // The flag is read every INTERRUPT_EVERY steps on a program this
    // small, by Rust between two calls of the compiled loop.
    let every = gd::descent::INTERRUPT_EVERY;
    assert!(steps > 0 && steps.is_multiple_of(every), "{steps} steps");
}
