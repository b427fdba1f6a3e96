//! Tests of the descent loop: trace, statuses, verdict, rate, thinning,
//! interrupts, on plain gradient descent against the loop written by hand.

use super::*;
use crate::compile::Program;
use crate::symbolic::expr::{Expr, Func, add, call, mul, neg, pow, sqrt};
use crate::symbolic::testing::{n, x, y};

fn tape(f: Expr, grad: &[Expr], params: &[&str]) -> Program {
    let mut outputs = vec![f];
    outputs.extend_from_slice(grad);
    match Program::new(&outputs, params) {
        Ok(program) => program,
        Err(err) => panic!("compile failed: {err}"),
    }
}

/// (x-3)^2 and its gradient 2x - 6.
fn parabola() -> Program {
    let f = pow(add([x(), n(-3)]), n(2));
    tape(f, &[add([mul([n(2), x()]), n(-6)])], &["x"])
}

fn config(lr: f64, steps: u64) -> Config {
    Config {
        sense: Sense::Minimize,
        lr,
        steps,
        tol: 0.0,
        method: Method::Gd,
        keep_state: false,
    }
}

fn go(program: &mut Program, start: &[f64], config: &Config) -> Run {
    run(program, start, config, None, &AtomicBool::new(false))
}

/// The loop written out by hand: (step, x, f, grad) per entry.
type Plain<'a> = &'a dyn Fn(&[f64]) -> (f64, Vec<f64>);
fn by_hand(
    f: Plain<'_>,
    start: &[f64],
    lr: f64,
    steps: u64,
    tol: f64,
    ascend: bool,
) -> Vec<(Vec<f64>, f64, Vec<f64>)> {
    let mut x = start.to_vec();
    let mut entries = Vec::new();
    for k in 0..=steps {
        let (value, grad) = f(&x);
        entries.push((x.clone(), value, grad.clone()));
        let norm = grad.iter().map(|g| g * g).sum::<f64>().sqrt();
        if (tol > 0.0 && norm < tol) || k == steps {
            break;
        }
        for (xi, gi) in x.iter_mut().zip(&grad) {
            if ascend {
                *xi += lr * gi;
            } else {
                *xi -= lr * gi;
            }
        }
    }
    entries
}

fn close(a: f64, b: f64) -> bool {
    a == b || (a - b).abs() <= 1e-12 * (1.0 + a.abs().max(b.abs()))
}

fn assert_same_trace(run: &Run, hand: &[(Vec<f64>, f64, Vec<f64>)]) {
    assert_eq!(run.trace.len(), hand.len());
    for (k, (entry, (hx, hf, hg))) in run.trace.iter().zip(hand).enumerate() {
        assert_eq!(entry.step, k as u64);
        let ok = close(entry.f, *hf)
            && entry.x.iter().zip(hx).all(|(a, b)| close(*a, *b))
            && entry.grad.iter().zip(hg).all(|(a, b)| close(*a, *b));
        assert!(ok, "step {k}: {entry:?} vs {hx:?} {hf} {hg:?}");
    }
    let (hx, hf, hg) = &hand[hand.len() - 1];
    assert_eq!(run.steps, hand.len() as u64 - 1);
    assert!(close(run.f, *hf) && close(run.x[0], hx[0]) && close(run.grad[0], hg[0]));
}

#[test]
fn parabola_matches_the_loop_by_hand() {
    let run = go(&mut parabola(), &[0.0], &config(0.1, 20));
    let plain = |x: &[f64]| ((x[0] - 3.0).powi(2), vec![2.0 * x[0] - 6.0]);
    assert_same_trace(&run, &by_hand(&plain, &[0.0], 0.1, 20, 0.0, false));
    assert_eq!(run.status, Status::MaxSteps);
    assert_eq!((run.trace_every, run.reason), (1, None));
    assert_eq!(run.verdict, Verdict::Converging);
    assert!(close(run.rate.unwrap_or(0.0), 0.8));
}

#[test]
fn two_parameters_match_the_loop_by_hand() {
    let f = add([pow(add([x(), n(-3)]), n(2)), pow(add([y(), n(-2)]), n(2))]);
    let grad = [
        add([mul([n(2), x()]), n(-6)]),
        add([mul([n(2), y()]), n(-4)]),
    ];
    let run = go(
        &mut tape(f, &grad, &["x", "y"]),
        &[0.0, 0.0],
        &config(0.1, 30),
    );
    let plain = |p: &[f64]| {
        let (x, y) = (p[0], p[1]);
        let value = (x - 3.0).powi(2) + (y - 2.0).powi(2);
        (value, vec![2.0 * x - 6.0, 2.0 * y - 4.0])
    };
    let hand = by_hand(&plain, &[0.0, 0.0], 0.1, 30, 0.0, false);
    assert_same_trace(&run, &hand);
    assert!(close(run.x[1], hand[30].0[1]));
    let norm = (run.grad[0].powi(2) + run.grad[1].powi(2)).sqrt();
    assert!(close(run.grad_norm, norm));
    assert!(close(run.rate.unwrap_or(0.0), 0.8));
}

#[test]
fn quadratic_in_w_ends_near_minus_one_and_a_half() {
    let w = Expr::var("w");
    let f = add([pow(w, n(2)), mul([n(3), w]), n(-5)]);
    let run = go(
        &mut tape(f, &[add([mul([n(2), w]), n(3)])], &["w"]),
        &[10.0],
        &config(0.01, 1000),
    );
    let plain = |p: &[f64]| (p[0] * p[0] + 3.0 * p[0] - 5.0, vec![2.0 * p[0] + 3.0]);
    let hand = by_hand(&plain, &[10.0], 0.01, 1000, 0.0, false);
    assert_same_trace(&run, &hand);
    assert!((run.x[0] + 1.5).abs() < 1e-7, "{}", run.x[0]);
    // The norm 23 * 0.98^k first drops below 1e-6 at step 840.
    let first_below = hand.iter().position(|(_, _, g)| g[0].abs() < 1e-6);
    assert_eq!(run.converged_at, first_below.map(|k| k as u64));
    assert_eq!(run.converged_at, Some(840));
    assert_eq!(
        (run.status, run.verdict),
        (Status::MaxSteps, Verdict::Converged)
    );
}

#[test]
fn tol_stops_the_run() {
    let f = add([pow(x(), n(2)), mul([n(2), x()]), n(1)]);
    let mut tape = tape(f, &[add([mul([n(2), x()]), n(2)])], &["x"]);
    let config = Config {
        tol: 1e-6,
        ..config(0.1, 1000)
    };
    let run = go(&mut tape, &[5.0], &config);
    let plain = |p: &[f64]| (p[0] * p[0] + 2.0 * p[0] + 1.0, vec![2.0 * p[0] + 2.0]);
    let hand = by_hand(&plain, &[5.0], 0.1, 1000, 1e-6, false);
    assert_same_trace(&run, &hand);
    assert_eq!(run.status, Status::Converged);
    assert_eq!(run.steps, 74);
    assert_eq!(run.converged_at, Some(74));
    assert_eq!(run.verdict, Verdict::Converged);
    assert!(run.grad_norm < 1e-6);
    // Already at the minimum: no update at all.
    let run = go(&mut tape, &[-1.0], &config);
    assert_eq!(
        (run.status, run.steps, run.trace.len()),
        (Status::Converged, 0, 1)
    );
    assert_eq!((run.converged_at, run.rate), (Some(0), None));
}

#[test]
fn the_learning_rate_table() {
    let mut tape = parabola();
    let cases = [
        (0.01, Verdict::Converging, 0.98),
        (0.1, Verdict::Converging, 0.8),
        (0.5, Verdict::Converged, 0.0),
        (1.0, Verdict::Oscillating, 1.0),
        (1.1, Verdict::Diverged, 1.2),
    ];
    for (lr, verdict, rate) in cases {
        let run = go(&mut tape, &[0.0], &config(lr, 20));
        assert_eq!(run.verdict, verdict, "lr {lr}");
        let got = run.rate.unwrap_or(f64::NAN);
        assert!((got - rate).abs() < 1e-9, "lr {lr}: rate {got}");
        assert_eq!((run.status, run.steps), (Status::MaxSteps, 20), "lr {lr}");
    }
    let solved = go(&mut tape, &[0.0], &config(0.5, 20));
    assert_eq!(solved.trace.entry(1).map(|e| e.x[0]), Some(3.0));
    assert_eq!(solved.converged_at, Some(1));
    assert_eq!(go(&mut tape, &[0.0], &config(0.1, 20)).converged_at, None);
}

#[test]
fn oscillation_follows_the_coordinate_that_moves_most() {
    // x^2 + 10y^2 at lr 0.095: x shrinks by 0.81 a step, y flips by -0.9.
    let f = add([pow(x(), n(2)), mul([n(10), pow(y(), n(2))])]);
    let grad = [mul([n(2), x()]), mul([n(20), y()])];
    let run = go(
        &mut tape(f, &grad, &["x", "y"]),
        &[1.0, 1.0],
        &config(0.095, 20),
    );
    // It alternates, but shrinks: converging, zigzagging.
    assert_eq!((run.verdict, run.zigzag), (Verdict::Converging, true));
    assert!(run.rate.is_some_and(|r| r < 1.0));
    // Six steps cannot show six reversals; at rate 1 it is not converging.
    let short = go(&mut parabola(), &[0.0], &config(1.0, 6));
    assert_eq!(short.verdict, Verdict::NotConverging);
    let seven = go(&mut parabola(), &[0.0], &config(1.0, 7));
    assert_eq!(seven.verdict, Verdict::Oscillating);
}

#[test]
fn maximize_ascends_and_reports_the_function_itself() {
    // -(x-1)^2 = -x^2 + 2x - 1, gradient -2x + 2.
    let f = neg(pow(add([x(), n(-1)]), n(2)));
    let mut tape = tape(f, &[add([mul([n(-2), x()]), n(2)])], &["x"]);
    let config = Config {
        sense: Sense::Maximize,
        ..config(0.1, 30)
    };
    let run = go(&mut tape, &[0.0], &config);
    let plain = |p: &[f64]| (-(p[0] - 1.0).powi(2), vec![-2.0 * p[0] + 2.0]);
    assert_same_trace(&run, &by_hand(&plain, &[0.0], 0.1, 30, 0.0, true));
    assert!(run.f < 0.0 && run.f > -1e-5);
    assert_eq!(run.verdict, Verdict::Converging);
    assert!(close(run.rate.unwrap_or(0.0), 0.8));
    // Descending on it would diverge: ascending at lr 1.1 does.
    let wild = Config { lr: 1.1, ..config };
    assert_eq!(go(&mut tape, &[0.0], &wild).verdict, Verdict::Diverged);
}

#[test]
fn divergence_says_when_and_why() {
    // x^2 at lr 1.5 doubles |x| each step: 2^333 > 1e100 > 2^332.
    let mut square = tape(pow(x(), n(2)), &[mul([n(2), x()])], &["x"]);
    let run = go(&mut square, &[1.0], &config(1.5, 1000));
    assert_eq!(
        (run.status, run.verdict),
        (Status::Diverged, Verdict::Diverged)
    );
    assert_eq!(run.steps, 333);
    let Some(reason) = run.reason else {
        panic!("a reason")
    };
    assert_eq!((reason.step, reason.culprit), (333, Culprit::Coordinate(0)));
    assert_eq!(reason.number.abs(), 2f64.powi(333));
    assert!(reason.number.abs() > DIVERGENCE_BOUND);
    assert_eq!(run.trace.last().map(|e| e.step), Some(333));
    assert!(run.rate.is_some_and(|r| close(r, 2.0)));
    // ln(x) at -1: the value is nan at the start.
    let mut log = tape(call(Func::Ln, vec![x()]), &[pow(x(), n(-1))], &["x"]);
    let run = go(&mut log, &[-1.0], &config(0.1, 10));
    assert_eq!(run.status, Status::Diverged);
    let reason = run.reason.map(|r| (r.step, r.culprit));
    assert_eq!(reason, Some((0, Culprit::Value)));
    assert_eq!((run.steps, run.trace.len()), (0, 1));
    // sqrt(x) at 0: the value is fine, the gradient 1/(2 sqrt x) is not.
    let mut root = tape(
        sqrt(x()),
        &[mul([
            Expr::num(crate::symbolic::Num::HALF),
            pow(x(), Expr::num(crate::symbolic::Num::Rat(-1, 2))),
        ])],
        &["x"],
    );
    let run = go(&mut root, &[0.0], &config(0.1, 10));
    let Some(reason) = run.reason else {
        panic!("a reason")
    };
    assert_eq!(
        (reason.step, reason.culprit, reason.number),
        (0, Culprit::Gradient(0), f64::INFINITY)
    );
}

#[test]
fn long_runs_keep_a_thinned_trace() {
    assert_eq!(trace_every(0), 1);
    assert_eq!(trace_every(99_999), 1);
    assert_eq!(trace_every(100_000), 2);
    assert_eq!(trace_every(1_000_000), 11);
    assert_eq!(trace_every(10_000_000), 101);
    for steps in [99_999u64, 100_000, 1_000_000, 10_000_000, u64::MAX] {
        let every = trace_every(steps);
        let entries = steps / every + 1 + u64::from(steps % every != 0);
        assert!(entries <= TRACE_LIMIT as u64, "{steps} steps");
    }
    let run = go(&mut parabola(), &[0.0], &config(0.1, 1_000_000));
    assert_eq!(run.steps, 1_000_000);
    assert_eq!(run.trace_every, 11);
    assert!(run.trace.len() <= TRACE_LIMIT);
    assert_eq!(run.trace.len(), 1_000_000 / 11 + 2);
    assert_eq!(run.trace.first().map(|e| e.step), Some(0));
    assert_eq!(run.trace.last().map(|e| e.step), Some(1_000_000));
    assert!(
        run.trace.steps()[..run.trace.len() - 1]
            .iter()
            .all(|s| s % 11 == 0)
    );
    let full = go(&mut parabola(), &[0.0], &config(0.1, 99_999));
    assert_eq!(full.trace.len(), TRACE_LIMIT);
}

#[test]
fn an_interrupt_stops_the_run_and_keeps_the_trace() {
    let stop = AtomicBool::new(true);
    let run = run(
        &mut parabola(),
        &[0.0],
        &config(0.1, 1_000_000),
        None,
        &stop,
    );
    assert_eq!(run.status, Status::Interrupted);
    assert_eq!((run.steps, run.trace.len()), (0, 1));
    assert_eq!((run.x.clone(), run.f), (vec![0.0], 9.0));
}

#[test]
fn an_interrupt_during_a_run_stops_it_soon() {
    let stop = AtomicBool::new(false);
    let mut tape = parabola();
    let run = std::thread::scope(|scope| {
        scope.spawn(|| {
            std::thread::sleep(std::time::Duration::from_millis(20));
            stop.store(true, Ordering::Relaxed);
        });
        run(&mut tape, &[0.0], &config(0.1, 1_000_000_000), None, &stop)
    });
    assert_eq!(run.status, Status::Interrupted);
    assert!(
        run.steps > 0 && run.steps % INTERRUPT_EVERY == 0,
        "{}",
        run.steps
    );
    assert_eq!(run.trace.last().map(|e| e.step), Some(run.steps));
    assert_eq!(run.verdict, Verdict::Converged);
}

#[test]
fn big_tapes_check_the_interrupt_more_often() {
    assert_eq!(steps_per_check(parabola().cost()), INTERRUPT_EVERY);
    let terms = (1..=3000).map(|k| call(Func::Sin, vec![mul([n(k), x()])]));
    let big = tape(add(terms), &[n(0)], &["x"]);
    let every = steps_per_check(big.cost());
    assert!(
        every.is_power_of_two() && every < INTERRUPT_EVERY,
        "{every}"
    );
    assert!(every * (big.cost() as u64) <= 1 << 20);
}

#[test]
fn norms_neither_overflow_nor_underflow() {
    assert_eq!(euclidean_norm(&[3.0, 4.0]), 5.0);
    assert!(close(euclidean_norm(&[3e200, 4e200]), 5e200));
    assert!((euclidean_norm(&[3e-200, -4e-200]) / 5e-200 - 1.0).abs() < 1e-15);
    assert_eq!(euclidean_norm(&[0.0, -0.0]), 0.0);
    assert_eq!(euclidean_norm(&[]), 0.0);
    assert_eq!(euclidean_norm(&[f64::NEG_INFINITY, 1.0]), f64::INFINITY);
    assert!(euclidean_norm(&[f64::NAN, 1e300]).is_nan());
}

#[test]
fn no_steps_means_no_rate() {
    let run = go(&mut parabola(), &[0.0], &config(0.1, 0));
    assert_eq!(
        (run.status, run.steps, run.rate),
        (Status::MaxSteps, 0, None)
    );
    assert_eq!(run.verdict, Verdict::NotConverging);
    assert_eq!(run.trace.iter().map(|e| e.f).collect::<Vec<_>>(), vec![9.0]);
}
