//! Every method against torch.optim's documented algorithms, written out
//! again here plainly and independently of `method.rs`: a loop over
//! `Vec<f64>` with hand-derived closures for the value, gradient and Hessian,
//! following the pseudo-code of torch's documentation (SGD, Adagrad,
//! RMSprop, Adam) literally, e.g. Adam's `m_hat = m / (1 - beta1^t)`,
//! `v_hat = v / (1 - beta2^t)`, `x -= lr * m_hat / (sqrt(v_hat) + eps)`.
//! Runs on compiled tapes (gradient and Hessian differentiated symbolically)
//! must agree with them at every trace entry to 1e-12 (relative, and
//! absolute near 0), on 1-, 2- and 3-parameter functions, minimizing and
//! maximizing. First steps are also checked against numbers worked out by
//! hand.

use std::rc::Rc;
use std::sync::atomic::AtomicBool;

use super::*;
use crate::compile::Program;
use crate::symbolic::Num;
use crate::symbolic::expr::{Expr, Func, add, call, mul, neg, pow, sub};
use crate::symbolic::gradient;

type State = (Vec<f64>, f64, Vec<f64>);
type Plain = fn(&[f64]) -> (f64, Vec<f64>);
type PlainHessian = fn(&[f64]) -> Vec<f64>;
/// The value and gradient at a point.
type ValueAndGradient<'a> = dyn Fn(&[f64]) -> (f64, Vec<f64>) + 'a;

/// What a reference run descends on: value and gradient, Hessian, start.
struct Target<'a> {
    f: &'a ValueAndGradient<'a>,
    hessian: &'a (dyn Fn(&[f64]) -> Vec<f64> + 'a),
    start: &'a [f64],
}

/// A smooth test function: its expression, and the same by hand.
struct Case {
    name: &'static str,
    params: &'static [&'static str],
    body: fn() -> Expr,
    plain: Plain,
    hessian: PlainHessian,
    start: &'static [f64],
    /// A learning rate that neither crawls nor diverges, for the SGD family
    /// and for the adaptive methods.
    lr_sgd: f64,
    lr_adaptive: f64,
}

fn var(name: &str) -> Expr {
    Expr::var(name)
}
fn n(v: i64) -> Expr {
    Expr::int(v)
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "(x-3)^2",
            params: &["x"],
            body: || pow(add([var("x"), n(-3)]), n(2)),
            plain: |p| ((p[0] - 3.0).powi(2), vec![2.0 * (p[0] - 3.0)]),
            hessian: |_| vec![2.0],
            start: &[0.0],
            lr_sgd: 0.1,
            lr_adaptive: 0.1,
        },
        Case {
            name: "rosenbrock",
            params: &["x", "y"],
            body: rosenbrock,
            plain: |p| {
                let (x, y) = (p[0], p[1]);
                let value = (1.0 - x).powi(2) + 100.0 * (y - x * x).powi(2);
                let dx = -2.0 * (1.0 - x) - 400.0 * x * (y - x * x);
                (value, vec![dx, 200.0 * (y - x * x)])
            },
            hessian: |p| {
                let (x, y) = (p[0], p[1]);
                vec![
                    1200.0 * x * x - 400.0 * y + 2.0,
                    -400.0 * x,
                    -400.0 * x,
                    200.0,
                ]
            },
            start: &[-1.2, 1.0],
            lr_sgd: 0.001,
            lr_adaptive: 0.002,
        },
        Case {
            // Positive definite: H = [[2, 1, 1], [1, 4, -1], [1, -1, 6]].
            name: "quadratic with cross terms",
            params: &["x", "y", "z"],
            body: quadratic3,
            plain: |p| {
                let (x, y, z) = (p[0], p[1], p[2]);
                let value = x * x + 2.0 * y * y + 3.0 * z * z + x * y - y * z + x * z - 4.0 * x + y
                    - 2.0 * z;
                let grad = vec![
                    2.0 * x + y + z - 4.0,
                    4.0 * y + x - z + 1.0,
                    6.0 * z - y + x - 2.0,
                ];
                (value, grad)
            },
            hessian: |_| vec![2.0, 1.0, 1.0, 1.0, 4.0, -1.0, 1.0, -1.0, 6.0],
            start: &[1.0, -1.0, 2.0],
            lr_sgd: 0.05,
            lr_adaptive: 0.05,
        },
        Case {
            name: "exp(x/2) - x + sin(x*y) + y^2/2",
            params: &["x", "y"],
            body: exp_sin_mix,
            plain: |p| {
                let (x, y) = (p[0], p[1]);
                let value = (x / 2.0).exp() - x + (x * y).sin() + y * y / 2.0;
                let dx = 0.5 * (x / 2.0).exp() - 1.0 + y * (x * y).cos();
                let dy = x * (x * y).cos() + y;
                (value, vec![dx, dy])
            },
            hessian: |p| {
                let (x, y) = (p[0], p[1]);
                let (s, c) = ((x * y).sin(), (x * y).cos());
                let xy = c - x * y * s;
                vec![0.25 * (x / 2.0).exp() - y * y * s, xy, xy, 1.0 - x * x * s]
            },
            start: &[1.5, -0.5],
            lr_sgd: 0.1,
            lr_adaptive: 0.05,
        },
    ]
}

/// (1-x)^2 + 100(y-x^2)^2
fn rosenbrock() -> Expr {
    let (x, y) = (var("x"), var("y"));
    add([
        pow(add([n(1), neg(x)]), n(2)),
        mul([n(100), pow(add([y, neg(pow(x, n(2)))]), n(2))]),
    ])
}

/// x^2 + 2y^2 + 3z^2 + xy - yz + xz - 4x + y - 2z
fn quadratic3() -> Expr {
    let (x, y, z) = (var("x"), var("y"), var("z"));
    add([
        pow(x, n(2)),
        mul([n(2), pow(y, n(2))]),
        mul([n(3), pow(z, n(2))]),
        mul([x, y]),
        neg(mul([y, z])),
        mul([x, z]),
        mul([n(-4), x]),
        y,
        mul([n(-2), z]),
    ])
}

/// exp(x/2) - x + sin(x*y) + y^2/2
fn exp_sin_mix() -> Expr {
    let (x, y) = (var("x"), var("y"));
    let half = Expr::num(Num::HALF);
    add([
        call(Func::Exp, vec![mul([half, x])]),
        neg(x),
        call(Func::Sin, vec![mul([x, y])]),
        mul([half, pow(y, n(2))]),
    ])
}

/// The program of `body` (negated when `negate`): [f, gradient, Hessian],
/// differentiated symbolically.
fn program(case: &Case, negate: bool) -> Program {
    let body = if negate {
        neg((case.body)())
    } else {
        (case.body)()
    };
    let params: Vec<Rc<str>> = case.params.iter().map(|p| Rc::from(*p)).collect();
    let grad = gradient(body, &params).expect("differentiable");
    let rows: Vec<Expr> = grad
        .iter()
        .flat_map(|g| gradient(*g, &params).expect("twice differentiable"))
        .collect();
    let mut outputs = vec![body];
    outputs.extend(grad);
    outputs.extend(rows);
    Program::new(&outputs, case.params).expect("compiles")
}

fn run_method(case: &Case, method: &Method, lr: f64, steps: u64, sense: Sense) -> Run {
    let mut program = program(case, sense == Sense::Maximize);
    let config = Config {
        sense,
        lr,
        steps,
        tol: 0.0,
        method: method.clone(),
        keep_state: false,
    };
    run(
        &mut program,
        case.start,
        &config,
        None,
        &AtomicBool::new(false),
    )
}

// ------------------------------------------------- torch's documentation

/// The plain loop: entry t is the state after t updates; `update(t, x, g)`
/// makes update t (1-based) from the gradient g, already negated when
/// maximizing (torch's `maximize=True`), as every algorithm's first line.
fn descend(
    f: &ValueAndGradient<'_>,
    start: &[f64],
    steps: u64,
    maximize: bool,
    mut update: impl FnMut(u64, &mut Vec<f64>, &[f64]),
) -> Vec<State> {
    let mut x = start.to_vec();
    let mut states = Vec::new();
    for t in 0..=steps {
        let (value, grad) = f(&x);
        states.push((x.clone(), value, grad.clone()));
        if t == steps {
            break;
        }
        let g: Vec<f64> = grad
            .iter()
            .map(|g| if maximize { -g } else { *g })
            .collect();
        update(t + 1, &mut x, &g);
    }
    states
}

/// torch.optim.SGD, dampening 0: b_1 = g_1, b_t = mu b_{t-1} + g_t;
/// nesterov: g_t = g_t + mu b_t, else g_t = b_t; x_t = x_{t-1} - lr g_t.
/// momentum 0 is plain gradient descent.
fn torch_sgd(at: &Target, lr: f64, steps: u64, mu: f64, nesterov: bool, max: bool) -> Vec<State> {
    let mut b = vec![0.0; at.start.len()];
    descend(at.f, at.start, steps, max, |t, x, g| {
        for i in 0..x.len() {
            let mut d = g[i];
            if mu != 0.0 {
                b[i] = if t == 1 { g[i] } else { mu * b[i] + g[i] };
                d = if nesterov { g[i] + mu * b[i] } else { b[i] };
            }
            x[i] -= lr * d;
        }
    })
}

/// torch.optim.Adagrad, lr_decay eta: clr = lr / (1 + (t-1) eta);
/// sum_t = sum_{t-1} + g_t^2 (sum_0 = initial_accumulator_value);
/// x_t = x_{t-1} - clr g_t / (sqrt(sum_t) + eps).
fn torch_adagrad(
    at: &Target,
    lr: f64,
    steps: u64,
    (eta, initial, eps): (f64, f64, f64),
    max: bool,
) -> Vec<State> {
    let mut sum = vec![initial; at.start.len()];
    descend(at.f, at.start, steps, max, |t, x, g| {
        let clr = lr / (1.0 + (t as f64 - 1.0) * eta);
        for i in 0..x.len() {
            sum[i] += g[i] * g[i];
            x[i] -= clr * g[i] / (sum[i].sqrt() + eps);
        }
    })
}

/// torch.optim.RMSprop, not centered, no momentum:
/// v_t = alpha v_{t-1} + (1 - alpha) g_t^2;
/// x_t = x_{t-1} - lr g_t / (sqrt(v_t) + eps).
fn torch_rmsprop(at: &Target, lr: f64, steps: u64, alpha: f64, eps: f64, max: bool) -> Vec<State> {
    let mut v = vec![0.0; at.start.len()];
    descend(at.f, at.start, steps, max, |_, x, g| {
        for i in 0..x.len() {
            v[i] = alpha * v[i] + (1.0 - alpha) * g[i] * g[i];
            x[i] -= lr * g[i] / (v[i].sqrt() + eps);
        }
    })
}

/// torch.optim.Adam, amsgrad off: m_t = b1 m_{t-1} + (1 - b1) g_t;
/// v_t = b2 v_{t-1} + (1 - b2) g_t^2; m_hat = m_t / (1 - b1^t);
/// v_hat = v_t / (1 - b2^t); x_t = x_{t-1} - lr m_hat / (sqrt(v_hat) + eps).
fn torch_adam(
    at: &Target,
    lr: f64,
    steps: u64,
    (b1, b2, eps): (f64, f64, f64),
    max: bool,
) -> Vec<State> {
    let (mut m, mut v) = (vec![0.0; at.start.len()], vec![0.0; at.start.len()]);
    descend(at.f, at.start, steps, max, |t, x, g| {
        for i in 0..x.len() {
            m[i] = b1 * m[i] + (1.0 - b1) * g[i];
            v[i] = b2 * v[i] + (1.0 - b2) * g[i] * g[i];
            let m_hat = m[i] / (1.0 - b1.powi(t as i32));
            let v_hat = v[i] / (1.0 - b2.powi(t as i32));
            x[i] -= lr * m_hat / (v_hat.sqrt() + eps);
        }
    })
}

/// Newton's method: x_t = x_{t-1} - lr H^-1 g, with H^-1 by the adjugate
/// (Cramer's rule) for 1, 2 or 3 parameters. Maximizing f is minimizing -f,
/// whose gradient and Hessian are both negated: the same step.
fn plain_newton(at: &Target, lr: f64, steps: u64) -> Vec<State> {
    descend(at.f, at.start, steps, false, |_, x, g| {
        let h = (at.hessian)(x);
        let d = inverse_times(&h, g);
        for i in 0..x.len() {
            x[i] -= lr * d[i];
        }
    })
}

fn inverse_times(h: &[f64], g: &[f64]) -> Vec<f64> {
    match g.len() {
        1 => vec![g[0] / h[0]],
        2 => {
            let det = h[0] * h[3] - h[1] * h[2];
            vec![
                (h[3] * g[0] - h[1] * g[1]) / det,
                (-h[2] * g[0] + h[0] * g[1]) / det,
            ]
        }
        3 => {
            let m = |r: usize, c: usize| h[r * 3 + c];
            let minor = |r0, r1, c0, c1| m(r0, c0) * m(r1, c1) - m(r0, c1) * m(r1, c0);
            let cof = [
                [minor(1, 2, 1, 2), -minor(1, 2, 0, 2), minor(1, 2, 0, 1)],
                [-minor(0, 2, 1, 2), minor(0, 2, 0, 2), -minor(0, 2, 0, 1)],
                [minor(0, 1, 1, 2), -minor(0, 1, 0, 2), minor(0, 1, 0, 1)],
            ];
            let det = m(0, 0) * cof[0][0] + m(0, 1) * cof[0][1] + m(0, 2) * cof[0][2];
            // inverse = adjugate / det, adjugate = cofactors transposed.
            (0..3)
                .map(|i| (0..3).map(|j| cof[j][i] * g[j]).sum::<f64>() / det)
                .collect()
        }
        _ => unreachable!("cases have 1 to 3 parameters"),
    }
}

/// The reference run of `method` on `case`, or on its negative when
/// maximizing (as the runs below do).
fn reference(case: &Case, method: &Method, lr: f64, steps: u64, max: bool) -> Vec<State> {
    let sign = if max { -1.0 } else { 1.0 };
    let f = |p: &[f64]| {
        let (value, grad) = (case.plain)(p);
        (sign * value, grad.iter().map(|g| sign * g).collect())
    };
    let hessian = |p: &[f64]| (case.hessian)(p).iter().map(|h| sign * h).collect();
    let target = Target {
        f: &f,
        hessian: &hessian,
        start: case.start,
    };
    let case = &target;
    match *method {
        Method::Gd => torch_sgd(case, lr, steps, 0.0, false, max),
        Method::Momentum { momentum } => torch_sgd(case, lr, steps, momentum, false, max),
        Method::Nesterov { momentum } => torch_sgd(case, lr, steps, momentum, true, max),
        Method::Adagrad {
            lr_decay,
            initial_accumulator_value,
            eps,
        } => torch_adagrad(
            case,
            lr,
            steps,
            (lr_decay, initial_accumulator_value, eps),
            max,
        ),
        Method::Rmsprop { alpha, eps } => torch_rmsprop(case, lr, steps, alpha, eps, max),
        Method::Adam { beta1, beta2, eps } => torch_adam(case, lr, steps, (beta1, beta2, eps), max),
        Method::Newton => plain_newton(case, lr, steps),
    }
}

/// The function itself, for newton's reference.
fn target(case: &Case) -> Target<'_> {
    Target {
        f: &case.plain,
        hessian: &case.hessian,
        start: case.start,
    }
}

// ---------------------------------------------------------------- checks

/// Equal to `tol`, relative, or absolute below 1 (values and gradients
/// that approach 0 lose their relative precision to cancellation).
fn close_to(a: f64, b: f64, tol: f64) -> bool {
    a == b || (a - b).abs() <= tol * a.abs().max(b.abs()).max(1.0)
}

fn close(a: f64, b: f64) -> bool {
    close_to(a, b, 1e-12)
}

fn all_close(a: &[f64], b: &[f64], tol: f64) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(a, b)| close_to(*a, *b, tol))
}

/// Every entry: the point equals the reference's to 1e-12; the value and
/// gradient equal the hand-written ones at that point to 1e-12, and the
/// reference's to 1e-9 (the contract). (The value and gradient cannot
/// match the reference's to 1e-12 on ill-conditioned functions: near
/// Rosenbrock's valley, a difference of one part in 1e15 in the point
/// moves the gradient by one part in 1e12.)
fn assert_matches(run: &Run, want: &[State], plain: &ValueAndGradient<'_>, what: &str) {
    assert_eq!(run.trace.len(), want.len(), "{what}: trace length");
    assert_eq!(run.trace_every, 1, "{what}");
    for (entry, (x, f, g)) in run.trace.iter().zip(want) {
        let (f_here, g_here) = plain(entry.x);
        let ok = all_close(entry.x, x, 1e-12)
            && close(entry.f, f_here)
            && all_close(entry.grad, &g_here, 1e-12)
            && close_to(entry.f, *f, 1e-9)
            && all_close(entry.grad, g, 1e-9);
        assert!(
            ok,
            "{what}, step {}: {entry:?}\nwant {x:?} {f} {g:?}\nhere {f_here} {g_here:?}",
            entry.step
        );
    }
}

fn methods() -> Vec<Method> {
    let spec = |name: &str, args: &[(Option<&str>, f64)]| {
        Method::from_spec(name, args).expect("a valid method")
    };
    vec![
        spec("gd", &[]),
        spec("momentum", &[]),
        spec("momentum", &[(None, 0.5)]),
        spec("nesterov", &[]),
        spec("nesterov", &[(None, 0.7)]),
        spec("adagrad", &[]),
        spec("adagrad", &[(None, 0.01)]),
        spec("adagrad", &[(Some("initial_accumulator_value"), 0.5)]),
        spec("rmsprop", &[]),
        spec("rmsprop", &[(Some("alpha"), 0.9), (Some("eps"), 1e-6)]),
        spec("adam", &[]),
        spec("adam", &[(None, 0.8), (None, 0.99)]),
        spec("adam", &[(Some("beta1"), 0.5), (Some("eps"), 1e-6)]),
        spec("newton", &[]),
    ]
}

fn lr_for(case: &Case, method: &Method) -> f64 {
    match method {
        Method::Gd | Method::Momentum { .. } | Method::Nesterov { .. } => case.lr_sgd,
        Method::Newton => 0.5,
        // RMSprop's first step is lr / sqrt(1 - alpha), 10 lr at alpha 0.99.
        Method::Rmsprop { .. } => case.lr_adaptive / 10.0,
        _ => case.lr_adaptive,
    }
}

/// RMSprop, having no momentum, ends up hovering around a minimum in a
/// band about lr wide, where it is chaotic: a difference in the last bit of
/// a gradient (here between the tape's and the hand-written one; in torch
/// between its vectorized and scalar kernels) grows tenfold every few steps.
/// Its comparison stops before it gets there (it agrees bit for bit for as
/// long as the gradients do: see the next test).
fn steps_for(method: &Method) -> u64 {
    match method {
        Method::Rmsprop { .. } => 60,
        _ => 200,
    }
}

fn check_every_method(sense: Sense) {
    for case in cases() {
        for method in methods() {
            let lr = lr_for(&case, &method);
            let steps = steps_for(&method);
            let run = run_method(&case, &method, lr, steps, sense);
            let what = format!("{method:?} on {} ({sense:?})", case.name);
            assert_eq!(run.status, Status::MaxSteps, "{what}: {:?}", run.reason);
            let maximize = sense == Sense::Maximize;
            let want = reference(&case, &method, lr, steps, maximize);
            // The run maximizes -f, and reports -f and its gradient.
            let sign = if maximize { -1.0 } else { 1.0 };
            let plain = |p: &[f64]| {
                let (value, grad) = (case.plain)(p);
                (sign * value, grad.iter().map(|g| sign * g).collect())
            };
            assert_matches(&run, &want, &plain, &what);
        }
    }
}

#[test]
fn every_method_matches_torchs_documented_algorithm() {
    check_every_method(Sense::Minimize);
}

/// Maximizing -f: torch's maximize=True negates the gradient first; the
/// run reports -f and its gradient.
#[test]
fn maximize_matches_torchs_maximize_for_every_method() {
    check_every_method(Sense::Maximize);
}

#[test]
fn rmsprop_agrees_bit_for_bit_when_the_gradients_do() {
    // (x-3)^2: the tape's 2x - 6 and the closure's 2(x - 3) round alike.
    let case = &cases()[0];
    let method = Method::Rmsprop {
        alpha: 0.9,
        eps: 1e-6,
    };
    let run = run_method(case, &method, 0.1, 1000, Sense::Minimize);
    let want = reference(case, &method, 0.1, 1000, false);
    let got: Vec<State> = run
        .trace
        .iter()
        .map(|e| (e.x.to_vec(), e.f, e.grad.to_vec()))
        .collect();
    assert_eq!(got, want);
}

#[test]
fn newton_at_full_rate_on_rosenbrock_reaches_the_minimum() {
    let case = &cases()[1];
    let run = run_method(case, &Method::Newton, 1.0, 10, Sense::Minimize);
    let want = plain_newton(&target(case), 1.0, 10);
    assert_matches(&run, &want, &case.plain, "newton on rosenbrock");
    // From (-1.2, 1): g = (-215.6, -88), H = [[1330, 480], [480, 200]],
    // det 35600, H^-1 g = (-880, -13552) / 35600, so x1 = -1.2 + 880/35600
    // and y1 = 1 + 13552/35600; then on to (1, 1).
    let second = run.trace.entry(1).map(|e| e.x.to_vec());
    let want = [-1.2 + 880.0 / 35600.0, 1.0 + 13552.0 / 35600.0];
    assert!(second.is_some_and(|x| close(x[0], want[0]) && close(x[1], want[1])));
    assert!((run.x[0] - 1.0).abs() < 1e-12 && (run.x[1] - 1.0).abs() < 1e-12);
    assert_eq!(run.verdict, Verdict::Converged);
}

// ------------------------------------------------- first steps by hand

fn first_steps(method: &str, args: &[(Option<&str>, f64)], steps: u64) -> Vec<f64> {
    let method = Method::from_spec(method, args).expect("a valid method");
    let run = run_method(&cases()[0], &method, 0.1, steps, Sense::Minimize);
    run.trace.iter().map(|e| e.x[0]).collect()
}

fn assert_steps(got: &[f64], want: &[f64]) {
    assert_eq!(got.len(), want.len());
    for (k, (a, b)) in got.iter().zip(want).enumerate() {
        assert!(
            (a - b).abs() <= 1e-15 * b.abs().max(1.0),
            "step {k}: {a} vs {b}"
        );
    }
}

/// (x-3)^2 from 0 at lr 0.1: g = 2x - 6.
#[test]
fn first_steps_worked_out_by_hand() {
    // momentum 0.9: g0 = -6, b = -6, x1 = 0.6; g1 = -4.8, b = 0.9*-6 - 4.8
    // = -10.2, x2 = 0.6 + 1.02 = 1.62; g2 = -2.76, b = -9.18 - 2.76 = -11.94,
    // x3 = 1.62 + 1.194 = 2.814.
    assert_steps(&first_steps("momentum", &[], 3), &[0.0, 0.6, 1.62, 2.814]);
    // nesterov 0.9: b = -6, d = -6 + 0.9*-6 = -11.4, x1 = 1.14; g1 = -3.72,
    // b = -5.4 - 3.72 = -9.12, d = -3.72 - 8.208 = -11.928, x2 = 2.3328.
    assert_steps(&first_steps("nesterov", &[], 2), &[0.0, 1.14, 2.3328]);
    // adam: m1 = 0.1*-6 = -0.6, v1 = 0.001*36 = 0.036; m_hat = -6,
    // v_hat = 36, x1 = 0.1 * 6 / (6 + 1e-8) = 0.0999999998333333336...
    // g1 = -5.8 (and a hair), m2 = 0.9*-0.6 + 0.1*-5.8 = -1.12,
    // v2 = 0.999*0.036 + 0.001*33.64 = 0.069604, m_hat = -1.12/0.19
    // = -5.894737, v_hat = 0.069604/0.001999 = 34.81941 (sqrt 5.900797),
    // x2 = x1 + 0.1 * 5.894737/5.900797 = 0.19989729258521171 (40 digits:
    // 0.1998972925852117065983...); x3 = 0.2996184765492533918...
    assert_steps(
        &first_steps("adam", &[], 3),
        &[
            0.0,
            0.09999999983333333,
            0.19989729258521171,
            0.2996184765492534,
        ],
    );
    // adagrad: s = 36, x1 = 0.1 * 6 / (6 + 1e-10) = 0.0999999999983333...;
    // g1 = -5.8, s = 69.64, x2 = x1 + 0.58 / 8.34506 = 0.16950220968226862.
    assert_steps(
        &first_steps("adagrad", &[], 2),
        &[0.0, 0.09999999999833334, 0.16950220968226862],
    );
    // rmsprop: v = 0.01*36 = 0.36, x1 = 0.1 * 6 / (0.6 + 1e-8)
    // = 0.99999998333333361...; g1 = -4.0, v = 0.3564 + 0.16 = 0.5164,
    // x2 = x1 + 0.4 / 0.718610 = 1.5566303187801559.
    assert_steps(
        &first_steps("rmsprop", &[], 2),
        &[0.0, 0.9999999833333336, 1.5566303187801558],
    );
    // newton at lr 0.1: x - 0.1 * (2x - 6)/2 = 0.9x + 0.3: 0, 0.3, 0.57.
    assert_steps(&first_steps("newton", &[], 2), &[0.0, 0.3, 0.57]);
}

// ---------------------------------------------------------------- newton

#[test]
fn newton_solves_a_quadratic_in_one_step() {
    let case = &cases()[2];
    let config = Config {
        sense: Sense::Minimize,
        lr: 1.0,
        steps: 10,
        tol: 1e-9,
        method: Method::Newton,
        keep_state: false,
    };
    let stop = AtomicBool::new(false);
    let solved = run(&mut program(case, false), case.start, &config, None, &stop);
    assert_eq!((solved.status, solved.steps), (Status::Converged, 1));
    // H (x, y, z) = (4, -1, 2) (det H = 34, Cramer's rule): x = 89/34,
    // y = -33/34, z = -9/34.
    let want = [89.0 / 34.0, -33.0 / 34.0, -9.0 / 34.0];
    assert!(
        solved
            .x
            .iter()
            .zip(want)
            .all(|(a, b)| (a - b).abs() < 1e-14)
    );
    assert!(solved.grad_norm < 1e-14);
    // Maximizing the negated quadratic takes the same step.
    let config = Config {
        sense: Sense::Maximize,
        ..config
    };
    let run = run(&mut program(case, true), case.start, &config, None, &stop);
    assert_eq!((run.status, run.steps), (Status::Converged, 1));
    assert!(run.x.iter().zip(want).all(|(a, b)| (a - b).abs() < 1e-14));
}

fn newton_run(body: Expr, params: &[&str], start: &[f64], lr: f64) -> Run {
    let case_params: Vec<Rc<str>> = params.iter().map(|p| Rc::from(*p)).collect();
    let grad = gradient(body, &case_params).expect("differentiable");
    let rows: Vec<Expr> = grad
        .iter()
        .flat_map(|g| gradient(*g, &case_params).expect("differentiable"))
        .collect();
    let mut outputs = vec![body];
    outputs.extend(grad);
    outputs.extend(rows);
    let mut program = Program::new(&outputs, params).expect("compiles");
    let config = Config {
        sense: Sense::Minimize,
        lr,
        steps: 10,
        tol: 0.0,
        method: Method::Newton,
        keep_state: false,
    };
    run(&mut program, start, &config, None, &AtomicBool::new(false))
}

#[test]
fn a_singular_hessian_stops_newton_where_it_is() {
    // x^4 and x^3 at 0: H = 0, but the gradient is 0 too: the run starts
    // where it should end, and has converged (LANGUAGE.md section 4).
    for k in [3, 4] {
        let run = newton_run(pow(var("x"), n(k)), &["x"], &[0.0], 1.0);
        assert_eq!(
            (run.status, run.verdict, run.x.clone()),
            (Status::MaxSteps, Verdict::Converged, vec![0.0])
        );
        assert_eq!(run.converged_at, Some(0));
    }
    // x^3 + x at 0: H = 6x = 0 where the gradient is 1.
    let run = newton_run(add([pow(var("x"), n(3)), var("x")]), &["x"], &[0.0], 1.0);
    assert_eq!(
        (run.status, run.verdict),
        (Status::Diverged, Verdict::Diverged)
    );
    let reason = run.reason.expect("a reason");
    assert_eq!((reason.step, reason.culprit), (0, Culprit::SingularHessian));
    assert_eq!(reason.point, vec![0.0]);
    // x^3 + y^2 from (2, 1) at lr 2: x - 2 * 3x^2/6x = 0, y - 2y = -y, so
    // at step 1 the point is (0, -1) and H = diag(0, 2).
    let body = add([pow(var("x"), n(3)), pow(var("y"), n(2))]);
    let run = newton_run(body, &["x", "y"], &[2.0, 1.0], 2.0);
    assert_eq!((run.status, run.steps), (Status::Diverged, 1));
    assert_eq!((run.x.clone(), run.trace.len()), (vec![0.0, -1.0], 2));
    let reason = run.reason.expect("a reason");
    assert_eq!((reason.step, reason.culprit), (1, Culprit::SingularHessian));
    assert_eq!(reason.point, vec![0.0, -1.0]);
    // (x + y)^2 is singular everywhere.
    let body = pow(add([var("x"), var("y")]), n(2));
    let run = newton_run(body, &["x", "y"], &[1.0, 0.5], 1.0);
    let reason = run.reason.map(|r| (r.step, r.culprit));
    assert_eq!(reason, Some((0, Culprit::SingularHessian)));
}

#[test]
fn a_hessian_that_is_not_finite_stops_newton() {
    // x^(3/2) - x at 0: the gradient 1.5 sqrt(x) - 1 is -1, the Hessian
    // 0.75 / sqrt(x) is inf.
    let body = sub(pow(var("x"), Expr::num(Num::Rat(3, 2))), var("x"));
    let run = newton_run(body, &["x"], &[0.0], 1.0);
    assert_eq!(run.status, Status::Diverged);
    let reason = run.reason.expect("a reason");
    assert_eq!(
        (reason.step, reason.culprit, reason.number),
        (0, Culprit::Hessian(0, 0), f64::INFINITY)
    );
    assert_eq!(reason.point, vec![0.0]);
}

#[test]
fn settings_do_what_they_say() {
    // adam with beta1 0 and beta2 0 is sign descent: x1 = x0 - lr * g/(|g| + eps).
    let method = Method::from_spec("adam", &[(None, 0.0), (None, 0.0)]).expect("valid");
    let run = run_method(&cases()[0], &method, 0.1, 1, Sense::Minimize);
    assert!(close(run.x[0], 0.1 * 6.0 / (6.0 + 1e-8)));
    // momentum 0 is gd exactly.
    let plain = run_method(&cases()[1], &Method::Gd, 0.001, 50, Sense::Minimize);
    let heavy = Method::Momentum { momentum: 0.0 };
    let still = run_method(&cases()[1], &heavy, 0.001, 50, Sense::Minimize);
    assert_eq!(plain.trace, still.trace);
}
