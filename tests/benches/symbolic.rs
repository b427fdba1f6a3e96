//! The symbolic engine at scale (issue 13), in one process, against
//! hand-written Rust that computes the same result directly:
//! - the derivative of (x + 1)(x + 2)...(x + n), printed, for n = 20 and
//!   40 (by hand: the product's coefficients by multiplying out one factor
//!   at a time in big integers, then the derivative's);
//! - the expansion of 40 linear factors (by hand: the same multiplication);
//! - the gradient of a 1,000-term polynomial in x and y, parsed and
//!   printed (by hand: the terms differentiated and formatted);
//! - `check` of a degree-30 identity in two variables, (x + 2y)^30 against
//!   its expansion typed out (by hand: the binomial coefficients multiplied
//!   out in big integers and compared with the typed ones);
//! - `check` of a textbook derivative, right and wrong (by hand: both
//!   sides written in Rust and compared at 50 points).
//!
//! gd's side runs a whole statement through a session (parse, lower,
//! differentiate, simplify, print), as a user does. Run with `cargo bench
//! --bench symbolic`; the fastest of several repetitions is kept. Goals
//! (issue 13): n = 20 under 5 ms, n = 40 under 50 ms, the expansion under
//! 20 ms; (issue 11) the degree-30 check under 100 ms, a textbook check
//! under 10 ms.

#[path = "timing.rs"]
mod timing;

use std::time::Duration;

use gd::outcome::Outcome;
use gd::session::Session;
use gd::symbolic::print::to_text;
use num_bigint::BigInt;

const REPETITIONS: usize = 5;

type Bench = fn() -> (String, Duration, Duration);

fn main() {
    let benches: [Bench; 7] = [
        || derivative_of_product(20),
        || derivative_of_product(40),
        expansion_of_product,
        gradient_of_polynomial,
        check_of_binomial,
        || check_of_textbook_derivative(true),
        || check_of_textbook_derivative(false),
    ];
    println!("| workload                                   | gd (ms) | by hand (ms) | ratio |");
    println!("|--------------------------------------------|---------|--------------|-------|");
    for bench in benches {
        let (name, gd, hand) = bench();
        let ms = |d: Duration| d.as_secs_f64() * 1e3;
        println!(
            "| {name:<42} | {:>7.2} | {:>12.3} | {:>5.1}x |",
            ms(gd),
            ms(hand),
            ms(gd) / ms(hand)
        );
    }
}

/// The fastest of `REPETITIONS` runs of `f`, and its last result.
fn fastest<T>(f: impl FnMut() -> T) -> (Duration, T) {
    timing::fastest(REPETITIONS, f)
}

/// The printed results of running `source` in a fresh session.
fn run(source: &str) -> Vec<String> {
    let mut session = Session::default();
    let mut printed = Vec::new();
    session
        .run_source(source, &mut |o| match o {
            Outcome::Expr(e) => printed.push(to_text(*e)),
            Outcome::Exprs(es) => printed.extend(es.iter().map(|e| to_text(*e))),
            _ => {}
        })
        .expect("runs");
    printed
}

/// Whether the one `check` in `source` said equal.
fn run_check(source: &str) -> Option<bool> {
    let mut session = Session::default();
    let mut ok = None;
    session
        .run_source(source, &mut |o| {
            if let Outcome::Check(c) = o {
                ok = c.ok;
            }
        })
        .expect("runs");
    ok
}

fn product_source(n: i64) -> String {
    let factors: Vec<String> = (1..=n).map(|i| format!("(x + {i})")).collect();
    factors.join("")
}

/// The coefficients of (x + 1)...(x + n), lowest degree first, multiplied
/// out one factor at a time.
fn product_coefficients(n: i64) -> Vec<BigInt> {
    let mut coefficients = vec![BigInt::from(1)];
    for i in 1..=n {
        let mut next = vec![BigInt::from(0); coefficients.len() + 1];
        for (k, c) in coefficients.iter().enumerate() {
            next[k] += c * i;
            next[k + 1] += c;
        }
        coefficients = next;
    }
    coefficients
}

/// `c_d x^d + ... + c_0` as gd prints it.
fn polynomial_text(coefficients: &[BigInt]) -> String {
    let mut terms = Vec::new();
    for (k, c) in coefficients.iter().enumerate().rev() {
        let power = match k {
            0 => String::new(),
            1 => "x".to_string(),
            _ => format!("x^{k}"),
        };
        let number = if *c == BigInt::from(1) && k > 0 {
            String::new()
        } else {
            c.to_string()
        };
        terms.push(format!("{number}{power}"));
    }
    terms.join(" + ")
}

fn derivative_of_product(n: i64) -> (String, Duration, Duration) {
    let source = format!("diff({}, x)", product_source(n));
    let (gd_time, gd) = fastest(|| run(&source));
    let (hand_time, hand) = fastest(|| {
        let c = product_coefficients(n);
        let derivative: Vec<BigInt> = c.iter().enumerate().skip(1).map(|(k, c)| c * k).collect();
        polynomial_text(&derivative)
    });
    assert_eq!(gd, vec![hand], "the same polynomial");
    (format!("diff of {n} linear factors"), gd_time, hand_time)
}

fn expansion_of_product() -> (String, Duration, Duration) {
    let source = format!("expand({})", product_source(40));
    let (gd_time, gd) = fastest(|| run(&source));
    let (hand_time, hand) = fastest(|| polynomial_text(&product_coefficients(40)));
    assert_eq!(gd, vec![hand], "the same polynomial");
    ("expand 40 linear factors".into(), gd_time, hand_time)
}

/// 1,000 terms `c x^a y^b` with distinct exponents, from a fixed sequence.
fn polynomial_terms() -> Vec<(i64, u32, u32)> {
    let mut seed: u64 = 0x6764;
    let mut next = move |m: u64| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) % m
    };
    let mut terms = Vec::with_capacity(1000);
    for k in 0..1000u32 {
        let c = next(9) as i64 + 1 + next(3) as i64;
        terms.push((c, k / 32 + 1, k % 32 + 1));
    }
    terms
}

fn gradient_of_polynomial() -> (String, Duration, Duration) {
    let terms = polynomial_terms();
    let body: Vec<String> = terms
        .iter()
        .map(|(c, a, b)| format!("{c}x^{a} y^{b}"))
        .collect();
    let source = format!("f(x, y) = {}\ngrad(f)", body.join(" + "));
    let (gd_time, gd) = fastest(|| run(&source));
    let (hand_time, hand) = fastest(|| {
        let dx: Vec<String> = terms
            .iter()
            .map(|(c, a, b)| format!("{}x^{} y^{b}", c * *a as i64, a - 1))
            .collect();
        let dy: Vec<String> = terms
            .iter()
            .map(|(c, a, b)| format!("{}x^{a} y^{}", c * *b as i64, b - 1))
            .collect();
        (dx.join(" + "), dy.join(" + "))
    });
    assert_eq!(gd.len(), 2, "two partial derivatives");
    assert!(hand.0.len() > 1000 && gd[0].len() > 1000);
    (
        "grad of a 1,000-term polynomial in x, y".into(),
        gd_time,
        hand_time,
    )
}

/// The coefficients of (x + 2y)^30, by x's power from 30 down.
fn binomial_coefficients() -> Vec<BigInt> {
    let mut c = vec![BigInt::from(1)];
    for _ in 0..30 {
        let mut next = vec![BigInt::from(0); c.len() + 1];
        for (k, v) in c.iter().enumerate() {
            next[k] += v;
            next[k + 1] += v * 2;
        }
        c = next;
    }
    c
}

fn check_of_binomial() -> (String, Duration, Duration) {
    let typed: Vec<String> = binomial_coefficients()
        .iter()
        .enumerate()
        .map(|(k, c)| format!("{c}x^{}*y^{k}", 30 - k))
        .collect();
    let source = format!("check (x + 2y)^30 == {}", typed.join(" + "));
    let (gd_time, ok) = fastest(|| run_check(&source));
    assert_eq!(ok, Some(true), "an identity");
    let (hand_time, same) = fastest(|| {
        let parsed: Vec<BigInt> = typed
            .iter()
            .map(|t| {
                t.split('x')
                    .next()
                    .and_then(|c| c.parse().ok())
                    .expect("a coefficient")
            })
            .collect();
        parsed == binomial_coefficients()
    });
    assert!(same);
    (
        "check (x + 2y)^30 == its expansion".into(),
        gd_time,
        hand_time,
    )
}

fn check_of_textbook_derivative(right: bool) -> (String, Duration, Duration) {
    let answer = if right {
        "3x^2 sin(x) + x^3 cos(x)"
    } else {
        "3x^2 cos(x)"
    };
    let source = format!("check diff(x^3 sin(x), x) == {answer}");
    let (gd_time, ok) = fastest(|| run_check(&source));
    assert_eq!(ok, Some(right));
    let (hand_time, same) = fastest(|| {
        (0..50).all(|i| {
            let x = f64::from(i) * 0.4 - 10.0;
            let reference = 3.0 * x * x * x.sin() + x * x * x * x.cos();
            let given = if right {
                reference
            } else {
                3.0 * x * x * x.cos()
            };
            (reference - given).abs() <= 1e-10 * reference.abs().max(1.0)
        })
    });
    assert_eq!(same, right);
    let verdict = if right { "right" } else { "wrong" };
    (
        format!("check a textbook derivative ({verdict})"),
        gd_time,
        hand_time,
    )
}
