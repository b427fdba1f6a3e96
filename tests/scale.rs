//! Long products (issue 13): the derivative of (x + 1)(x + 2)...(x + 20)
//! prints expanded, with exact integer coefficients, yet evaluates
//! accurately at its roots, where the expanded form would lose every digit:
//! programs evaluate the derivative as differentiation builds it. And a
//! product typed with thousands of factors is built in one pass.

use gd::compile::Program;
use gd::outcome::Outcome;
use gd::session::Session;
use gd::symbolic::expr::{add, mul};
use gd::symbolic::print::to_text;
use gd::symbolic::rewrite::substitute;
use gd::symbolic::simplify::{cost, simplify};
use gd::symbolic::{Expr, gradient};
use std::collections::HashMap;

const FACTORS: i64 = 20;

fn product() -> Expr {
    let x = Expr::var("x");
    mul((1..=FACTORS).map(|i| add([x, Expr::int(i)])))
}

/// d/dx at x = -i: the product of (j - i) over every other j, exactly.
fn exact_slope_at_root(i: i64) -> i128 {
    (1..=FACTORS)
        .filter(|j| *j != i)
        .map(|j| (j - i) as i128)
        .product()
}

#[test]
fn the_derivative_is_exact_at_every_root_through_a_program() {
    let derivative = gradient(product(), &["x".into()]).expect("differentiates")[0];
    assert_exact_at_roots(derivative, "x");
}

/// `e`, a derivative of the product in `var`, through a program at every
/// root, to 1e-12 relative.
fn assert_exact_at_roots(e: Expr, var: &str) {
    let mut program = Program::new(&[e], &[var]).expect("compiles");
    for i in 1..=FACTORS {
        program.point_mut()[0] = -(i as f64);
        let mut out = [0.0];
        program.eval(&mut out);
        let exact = exact_slope_at_root(i) as f64;
        let relative = ((out[0] - exact) / exact).abs();
        assert!(
            relative <= 1e-12,
            "{var} = -{i}: {} against {exact}",
            out[0]
        );
    }
}

#[test]
fn the_printed_derivative_is_the_short_expanded_polynomial() {
    let derivative = gradient(product(), &["x".into()]).expect("differentiates")[0];
    let shown = simplify(derivative).expect("simplifies");
    let text = to_text(shown);
    // 20 terms of degree 19 down to 0: no longer than SymPy's 56 operations.
    assert!(text.starts_with("20x^19 + 3990x^18 + "), "{text}");
    assert!(text.ends_with(" + 8752948036761600000"), "{text}");
    assert!(cost(shown) <= 56, "{} operations", cost(shown));
}

/// The printed (expanded) form, and the same form with x renamed as a call
/// of a function renames it, still evaluate accurately at every root:
/// programs evaluate it through the form it was simplified from.
#[test]
fn the_printed_derivative_evaluates_accurately_through_a_program() {
    let derivative = gradient(product(), &["x".into()]).expect("differentiates")[0];
    let shown = simplify(derivative).expect("simplifies");
    let y = Expr::var("y");
    let renamed = substitute(shown, &HashMap::from([("x".into(), y)])).expect("substitutes");
    assert_exact_at_roots(shown, "x");
    assert_exact_at_roots(renamed, "y");
}

/// What `source` shows, run in a session: its outcomes as JSON.
fn outcomes(source: &str) -> Vec<serde_json::Value> {
    let mut session = Session::default();
    let mut shown = Vec::new();
    session
        .run_source(source, &mut |o: &Outcome| shown.push(gd::report::json(o)))
        .expect("runs");
    shown
}

/// Ten thousand distinct factors typed with `*` and `/` make one product
/// (multiplying them in one at a time made 10,000 ever longer products, 50
/// million parts, far past the budget), with the value of the product
/// taken in plain f64.
#[test]
fn a_product_of_ten_thousand_factors_is_built_once() {
    const N: usize = 10_000;
    let factors: Vec<String> = (1..=N)
        .map(|k| match k % 3 {
            0 => format!("/ cosh(x/{k})"),
            _ => format!("* cos(x/{k})"),
        })
        .collect();
    let source = format!("p(x) = 1 {}\np(0.25)\np(-3)", factors.join(" "));
    let shown = outcomes(&source);
    let body = shown[0]["body"].as_str().unwrap();
    assert!(
        body.contains(" cos(x/2)") && body.contains("cosh(x/9999)"),
        "{}",
        &body[..100]
    );
    for (value, x) in shown[1..].iter().zip([0.25f64, -3.0]) {
        let expected: f64 = (1..=N)
            .map(|k| match k % 3 {
                0 => 1.0 / (x / k as f64).cosh(),
                _ => (x / k as f64).cos(),
            })
            .product();
        let got = value["value"].as_f64().unwrap();
        assert!(
            ((got - expected) / expected).abs() < 1e-12,
            "p({x}) is {got}, the product in f64 {expected}"
        );
    }
}
