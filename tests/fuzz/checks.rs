//! What each fuzz target checks, shared by the fuzzers (`cargo fuzz`, on
//! nightly) and by `cargo test`, which replays the kept regression cases
//! (`regressions/*.gd`) on stable: the parser on any text, whole sessions
//! entry by entry, the laws of the symbolic layer on one expression, and
//! the two engines against each other on one expression.
//!
//! Invariant: a check panics only on a real fault (a panic inside gd, a
//! law broken); any error gd reports in words is a correct outcome here.

use std::collections::HashMap;
use std::rc::Rc;
use std::sync::atomic::AtomicBool;

use num_complex::Complex64;

use gd::compile::Program;
use gd::compile::jit::Engine;
use gd::defs::Defs;
use gd::descent::{self, Config, Method, Sense};
use gd::lower::{Lowerer, Mode};
use gd::outcome::Outcome;
use gd::parse::parse_program;
use gd::report::{self, Style};
use gd::session::Session;
use gd::symbolic::diff::differentiate;
use gd::symbolic::expr::{Constant, Func};
use gd::symbolic::print::to_text;
use gd::symbolic::simplify::{expand, simplify};
use gd::symbolic::store::StoreGuard;
use gd::symbolic::{Expr, Node, gradient};
use gd::syntax::StmtKind;

/// The points where the laws are checked (x, y): away from 0 and 1 and
/// from each other, where few textbook functions are special.
const POINTS: [(f64, f64); 3] = [(0.7, -1.3), (2.1, 0.4), (-0.6, 1.9)];
/// Step of the complex-step derivative: not 1e-20, since num-complex's
/// inverse trigonometric functions lose a tiny imaginary part.
const COMPLEX_STEP: f64 = 1e-7;
/// Largest value at which the laws compare numbers: beyond it one side's
/// rounding may overflow where the other's does not.
const LARGEST: f64 = 1e6;

/// The parser on any bytes (invalid UTF-8 as the binary reads it: the
/// text up to the bad byte): returns, never panics.
pub fn parse(bytes: &[u8]) {
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or_default(),
    };
    let _ = parse_program(text);
}

/// A session fed `script` one line at a time, as a REPL is: every outcome
/// is rendered as text and as JSON, errors are reported and the session
/// goes on. Nothing here writes a file: a line that would is skipped.
pub fn session(script: &str) {
    let mut session = Session::default();
    let style = Style::default();
    for line in script.lines() {
        if line.contains(" to \"") || line.contains("load(") {
            continue;
        }
        let result = session.run_source(line, &mut |outcome: &Outcome| {
            let _ = report::human(outcome, &style);
            let _ = report::json(outcome);
        });
        if let Err(error) = result {
            // An error points inside the line it is about.
            if let Some(span) = error.span {
                assert!(
                    span.start <= span.end && span.end <= line.len(),
                    "{error:?} in {line:?}"
                );
            }
        }
    }
}

/// The laws on one expression in x and y (gd text): printing then parsing
/// gives it back, `simplify` and `expand` keep its value where it is
/// defined, and its derivative by x agrees with the complex-step one where
/// it is analytic. An expression too large to handle is no fault.
pub fn laws(text: &str) {
    let _store = StoreGuard::default();
    let Ok(e) = read(text) else {
        return;
    };
    assert_eq!(read(&to_text(e)), Ok(e), "{text} printed as {}", to_text(e));
    for (name, rewrite) in [("simplify", simplify as fn(Expr) -> _), ("expand", expand)] {
        let Ok(r) = rewrite(e) else {
            continue;
        };
        assert_eq!(
            read(&to_text(r)),
            Ok(r),
            "{name}({text}) printed as {}",
            to_text(r)
        );
        for (x, y) in POINTS {
            let (before, after) = (value(e, x, y), value(r, x, y));
            if usable(before) && usable(after) {
                let scale = magnitude(e, x, y).max(magnitude(r, x, y));
                assert!(
                    agree(before, after, scale),
                    "{name}({text}) = {} at ({x}, {y}): {before} against {after}",
                    to_text(r)
                );
            }
        }
    }
    derivative_law(text, e);
}

/// d/dx e against Im e(x + ih) / h, where e is analytic near the point.
fn derivative_law(text: &str, e: Expr) {
    if !analytic(e) {
        return;
    }
    let Ok(d) = differentiate(e, "x") else {
        return;
    };
    for (x, y) in POINTS {
        let real = value(e, x, y);
        let stepped = eval(e, Complex64::new(x, COMPLEX_STEP), Complex64::new(y, 0.0));
        let numeric = stepped.im / COMPLEX_STEP;
        // Near a branch cut the complex extension is not the real function.
        let on_cut = (stepped.re - real).abs() > 1e-9 * real.abs().max(1.0);
        let exact = value(d, x, y);
        if !usable(real) || !usable(numeric) || on_cut || !exact.is_finite() {
            continue;
        }
        let scale = magnitude(d, x, y);
        assert!(
            agree(numeric, exact, scale * 1e2),
            "d/dx {text} = {} at ({x}, {y}): complex step {numeric}, symbolic {exact}",
            to_text(d)
        );
    }
}

/// The two engines on one expression in x and y (gd text): its value and
/// gradient at ordinary and special points, and a few steps of each
/// gradient method, bit for bit alike (nan as a class) on the interpreter
/// and as native code.
pub fn engines(text: &str) {
    let _store = StoreGuard::default();
    let Ok(body) = read(text) else {
        return;
    };
    let params = ["x", "y"];
    let names: Vec<Rc<str>> = params.iter().map(|p| Rc::from(*p)).collect();
    let Ok(grad) = gradient(body, &names) else {
        return;
    };
    let mut outputs = vec![body];
    outputs.extend(grad);
    let stop = AtomicBool::new(false);
    let mut seen = Vec::new();
    for engine in [Engine::Interpreter, Engine::Native] {
        let Ok(mut program) = Program::new(&outputs, &params) else {
            return;
        };
        program.set_engine(engine);
        let mut values = vec![0.0; outputs.len()];
        let mut shown = String::new();
        for point in ENGINE_POINTS {
            program.point_mut().copy_from_slice(&point);
            program.eval(&mut values);
            shown.push_str(&format!("{values:?}\n"));
        }
        for name in ["gd", "momentum", "adam", "rmsprop"] {
            let Ok(method) = Method::from_spec(name, &[]) else {
                continue;
            };
            let config = Config {
                sense: Sense::Minimize,
                lr: 0.1,
                steps: ENGINE_STEPS,
                tol: 0.0,
                method,
                // The optimizer's state too: both engines must record it alike.
                keep_state: true,
            };
            let run = descent::run(&mut program, &[0.7, -1.3], &config, None, &stop);
            shown.push_str(&format!("{run:?}\n"));
        }
        seen.push(shown);
    }
    assert_eq!(
        seen[0], seen[1],
        "{text}: the interpreter, then native code"
    );
}

/// Where the engines are compared: ordinary points, signed zeros, nan,
/// infinities and extremes.
const ENGINE_POINTS: [[f64; 2]; 5] = [
    [0.7, -1.3],
    [0.0, -0.0],
    [1.0, f64::NAN],
    [f64::INFINITY, -2.5],
    [1e300, -1e-300],
];
/// Steps of each descent the engines are compared on.
const ENGINE_STEPS: u64 = 40;

/// Parses `text` as one bare expression, lowered in an empty session.
pub fn read(text: &str) -> Result<Expr, String> {
    let program = parse_program(text).map_err(|e| format!("parse: {e}"))?;
    let [stmt] = program.stmts.as_slice() else {
        return Err(format!("{} statements", program.stmts.len()));
    };
    let StmtKind::Expr(e) = &stmt.kind else {
        return Err("not an expression".into());
    };
    let defs = Defs::default();
    Lowerer::new(&defs, Mode::Now, Vec::new())
        .scalar(e)
        .map_err(|e| format!("lower: {e}"))
}

fn usable(v: f64) -> bool {
    v.is_finite() && v.abs() < LARGEST
}

/// Equal up to rounding: relative to the largest intermediate magnitude
/// (`scale`), since a sum that cancels keeps only the rounding of its
/// terms.
fn agree(a: f64, b: f64, scale: f64) -> bool {
    (a - b).abs() <= 1e-7 * a.abs().max(b.abs()).max(scale).max(1.0)
}

/// Whether every function in `e` is analytic (no kinks: abs, sign, step,
/// min, max) and it holds no data or user function.
fn analytic(e: Expr) -> bool {
    match &*e.node() {
        Node::Num(n) => n.to_f64().is_finite(),
        Node::Const(_) | Node::Var(_) => true,
        Node::Data(_) | Node::Apply(..) => false,
        Node::Add(xs) | Node::Mul(xs) => xs.iter().all(|x| analytic(*x)),
        Node::Pow(b, p) => analytic(*b) && analytic(*p),
        Node::Call(f, xs) => {
            !matches!(
                f,
                Func::Abs | Func::Sign | Func::Step | Func::Min | Func::Max
            ) && xs.iter().all(|x| analytic(*x))
        }
    }
}

/// The value of `e` at (x, y), by this file's own evaluator.
fn value(e: Expr, x: f64, y: f64) -> f64 {
    let z = eval(e, Complex64::new(x, 0.0), Complex64::new(y, 0.0));
    if z.im == 0.0 || z.re.is_nan() {
        z.re
    } else {
        f64::NAN
    }
}

/// The largest magnitude the evaluation of `e` meets on its way: sums of
/// absolute values where `e` has sums.
fn magnitude(e: Expr, x: f64, y: f64) -> f64 {
    let point = (Complex64::new(x, 0.0), Complex64::new(y, 0.0));
    Evaluator::new(point).magnitude(e)
}

/// `e` over the complex numbers, independently of gd's compiled programs
/// (real functions off their real domain give nan).
fn eval(e: Expr, x: Complex64, y: Complex64) -> Complex64 {
    Evaluator::new((x, y)).value(e)
}

/// Evaluates at one point, each shared part once (a derivative shares
/// many).
struct Evaluator {
    point: (Complex64, Complex64),
    values: HashMap<Expr, Complex64>,
    magnitudes: HashMap<Expr, f64>,
}

impl Evaluator {
    fn new(point: (Complex64, Complex64)) -> Evaluator {
        Evaluator {
            point,
            values: HashMap::new(),
            magnitudes: HashMap::new(),
        }
    }

    fn value(&mut self, e: Expr) -> Complex64 {
        if let Some(v) = self.values.get(&e) {
            return *v;
        }
        let nan = Complex64::new(f64::NAN, f64::NAN);
        let (x, y) = self.point;
        let v = match &*e.node() {
            Node::Num(n) => Complex64::new(n.to_f64(), 0.0),
            Node::Const(Constant::Pi) => Complex64::new(std::f64::consts::PI, 0.0),
            Node::Const(Constant::E) => Complex64::new(std::f64::consts::E, 0.0),
            Node::Var(v) if &**v == "x" => x,
            Node::Var(v) if &**v == "y" => y,
            Node::Var(_) | Node::Data(_) | Node::Apply(..) => nan,
            Node::Add(xs) => xs.iter().map(|t| self.value(*t)).sum(),
            Node::Mul(xs) => xs.iter().map(|t| self.value(*t)).product(),
            Node::Pow(b, p) => {
                let b = self.value(*b);
                let exponent = self.value(*p);
                power(b, *p, exponent)
            }
            Node::Call(f, xs) => {
                let args: Vec<Complex64> = xs.iter().map(|t| self.value(*t)).collect();
                call(*f, &args)
            }
        };
        self.values.insert(e, v);
        v
    }

    fn magnitude(&mut self, e: Expr) -> f64 {
        if let Some(m) = self.magnitudes.get(&e) {
            return *m;
        }
        let v = self.value(e).norm();
        let inner = match &*e.node() {
            Node::Add(xs) => xs.iter().map(|t| self.magnitude(*t)).sum(),
            Node::Mul(xs) => xs.iter().map(|t| self.magnitude(*t).max(1.0)).product(),
            Node::Pow(b, p) => {
                let (b, p) = (self.magnitude(*b).max(1.0), self.value(*p).re.abs());
                b.powf(p)
            }
            Node::Call(_, xs) => xs.iter().map(|t| self.magnitude(*t)).fold(0.0, f64::max),
            _ => 0.0,
        };
        let m = if inner.is_nan() { v } else { v.max(inner) };
        self.magnitudes.insert(e, m);
        m
    }
}

/// `b^p`: an integer power by repeated multiplication (defined for a
/// negative base), any other through logarithms, real only for b > 0.
fn power(b: Complex64, exponent: Expr, p: Complex64) -> Complex64 {
    if let Node::Num(n) = &*exponent.node() {
        let k = n.to_f64();
        if k.fract() == 0.0 && k.abs() <= 64.0 {
            return b.powi(k as i32);
        }
        if b.im == 0.0 && b.re < 0.0 {
            return Complex64::new(f64::NAN, f64::NAN);
        }
    }
    if b.re == 0.0 && b.im == 0.0 {
        return Complex64::new(0f64.powf(p.re), 0.0);
    }
    b.powc(p)
}

fn call(f: Func, a: &[Complex64]) -> Complex64 {
    let z = a[0];
    let real = |g: fn(f64) -> f64| Complex64::new(g(z.re), 0.0);
    match f {
        Func::Sin => z.sin(),
        Func::Cos => z.cos(),
        Func::Tan => z.tan(),
        Func::Asin if z.re.abs() <= 1.0 => z.asin(),
        Func::Acos if z.re.abs() <= 1.0 => z.acos(),
        Func::Atan => z.atan(),
        Func::Sinh => z.sinh(),
        Func::Cosh => z.cosh(),
        Func::Tanh => z.tanh(),
        Func::Exp => z.exp(),
        Func::Ln if z.re > 0.0 => z.ln(),
        Func::Log2 if z.re > 0.0 => z.ln() / 2f64.ln(),
        Func::Log10 if z.re > 0.0 => z.ln() / 10f64.ln(),
        Func::Sigmoid => Complex64::new(1.0, 0.0) / (1.0 + (-z).exp()),
        Func::Abs => real(f64::abs),
        Func::Sign => real(gd::builtins::sign),
        Func::Step => real(gd::builtins::step),
        Func::Min => Complex64::new(z.re.min(a[1].re), 0.0),
        Func::Max => Complex64::new(z.re.max(a[1].re), 0.0),
        _ => Complex64::new(f64::NAN, f64::NAN),
    }
}
