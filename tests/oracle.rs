//! meval as an independent oracle: random arithmetic in the syntax both
//! share (fully bracketed binary operations, so that the two languages'
//! precedence rules never matter; non-negative literals, so that unary minus
//! never appears) evaluates to the same number in gd and in meval.

use proptest::prelude::*;

use gd::outcome::Outcome;
use gd::session::Session;

fn source() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        (0u32..10).prop_map(|n| n.to_string()),
        (0u32..100).prop_map(|n| format!("{}.{}", n / 10, n % 10)),
        Just("pi".to_string()),
        Just("e".to_string()),
    ];
    leaf.prop_recursive(4, 20, 2, |inner| {
        prop_oneof![
            (
                inner.clone(),
                proptest::sample::select(vec!["+", "-", "*", "/"]),
                inner.clone()
            )
                .prop_map(|(a, op, b)| format!("({a} {op} {b})")),
            (inner.clone(), 0u32..4).prop_map(|(a, k)| format!("({a} ^ {k})")),
            (
                proptest::sample::select(vec![
                    "sqrt", "exp", "ln", "abs", "sin", "cos", "tan", "atan", "sinh", "cosh", "tanh"
                ]),
                inner.clone()
            )
                .prop_map(|(f, a)| format!("{f}({a})")),
            (
                proptest::sample::select(vec!["min", "max"]),
                inner.clone(),
                inner
            )
                .prop_map(|(f, a, b)| format!("{f}({a}, {b})")),
        ]
    })
}

fn gd_value(src: &str) -> Result<f64, String> {
    let mut session = Session::default();
    let mut value = None;
    session
        .run_source(src, &mut |outcome| {
            if let Outcome::Number(x) = outcome {
                value = Some(*x);
            }
        })
        .map_err(|e| e.to_string())?;
    value.ok_or_else(|| "not a number".to_string())
}

fn agree(a: f64, b: f64) -> bool {
    if a.is_nan() || b.is_nan() {
        return a.is_nan() && b.is_nan();
    }
    if a.is_infinite() || b.is_infinite() {
        return a == b;
    }
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..crate::properties::config() })]

    #[test]
    fn gd_agrees_with_meval(src in source()) {
        let expected = meval::eval_str(&src).map_err(|e| TestCaseError::reject(format!("meval: {e}")))?;
        prop_assume!(expected.abs() < 1e12);
        let got = gd_value(&src).map_err(TestCaseError::fail)?;
        prop_assert!(agree(got, expected), "{src}: gd {got}, meval {expected}");
    }
}

#[test]
fn spec_precedence_examples() {
    // LANGUAGE.md section 3, checked against values computed by hand.
    for (src, expected) in [
        ("-2^2", -4.0),
        ("2^3^2", 512.0),
        ("2^-1", 0.5),
        ("x = 4; 1/2x", 2.0),
        ("x = 1; 2^3x", 8.0),
        ("6/2(1+2)", 9.0),
        ("2pi", std::f64::consts::TAU),
        ("2**3", 8.0),
        ("log(8, 2)", 3.0),
        ("log(e)", 1.0),
        ("step(0)", 0.5),
        ("sign(-3)", -1.0),
        ("sigmoid(0)", 0.5),
        ("min(2, 5) + max(2, 5)", 7.0),
        ("log10(1000) + log2(8)", 6.0),
    ] {
        let got = gd_value(src).unwrap_or_else(|e| panic!("{src}: {e}"));
        assert!(
            agree(got, expected),
            "{src}: got {got}, expected {expected}"
        );
    }
}
