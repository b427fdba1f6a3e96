//! Maths as people type it (LANGUAGE.md section 2): inputs as they come
//! from a Chinese input method, a web page or a textbook, each evaluated
//! through the library beside its ASCII form. Both must give the same
//! number, and that number must be the one worked out by hand here.

use std::f64::consts::{E, PI};

use gd::outcome::Outcome;
use gd::session::Session;

/// (as typed, its ASCII form, the value by hand).
fn cases() -> Vec<(&'static str, &'static str, f64)> {
    vec![
        // A Chinese input method in Chinese mode: full-width punctuation.
        ("f（x）＝ x^2；f（3）", "f(x) = x^2; f(3)", 9.0),
        ("f(x，y) = x + y；f(1，2)", "f(x, y) = x + y; f(1, 2)", 3.0),
        ("１２＋３４", "12+34", 46.0),
        ("ｘ　＝　５；ｘ＊２", "x = 5; x*2", 10.0),
        ("sum(【1，2，3】)", "sum([1, 2, 3])", 6.0),
        ("0。25 × 4", "0.25 * 4", 1.0),
        ("2……10", "2^10", 1024.0),
        ("f(x) = x³；f’(2)", "f(x) = x^3; f'(2)", 12.0),
        ("f(x) = x³；f″(2)", "f(x) = x^3; f''(2)", 12.0),
        (
            "损失(w) = (w − 3)²；损失(5)",
            "损失(w) = (w - 3)^2; 损失(5)",
            4.0,
        ),
        // Web pages: the minus sign, the en dash, times, dots, divide.
        ("5 − 1", "5 - 1", 4.0),
        ("5 – 1", "5 - 1", 4.0),
        ("2×3", "2*3", 6.0),
        ("2·3⋅4", "2*3*4", 24.0),
        ("7÷2", "7/2", 3.5),
        (
            "σ(z) = 1/(1 + e^(−z))；σ(0)",
            "σ(z) = 1/(1 + e^(-z)); σ(0)",
            0.5,
        ),
        // Textbooks: superscripts, roots, subscripts, primes.
        ("x = 3；x²", "x = 3; x^2", 9.0),
        ("x = 2；x⁻¹", "x = 2; x^-1", 0.5),
        ("x = 2；e^x²", "x = 2; e^(x^2)", E.powi(4)),
        ("x = 2；y = 3；x²y", "x = 2; y = 3; x^2*y", 12.0),
        ("x = 2；3x²", "x = 2; 3x^2", 12.0),
        ("x = 3；2x² − 4x + 1", "x = 3; 2x^2 - 4x + 1", 7.0),
        ("(1 + 2)²", "(1 + 2)^2", 9.0),
        ("2³²", "2^32", 4_294_967_296.0),
        ("10⁻³", "10^-3", 0.001),
        ("n = 3；2ⁿ", "n = 3; 2^n", 8.0),
        ("x = 2；x⁽¹⁺¹⁾", "x = 2; x^(1+1)", 4.0),
        ("sin²(0.3) + cos²(0.3)", "sin(0.3)^2 + cos(0.3)^2", 1.0),
        (
            "x = 0.5；sin²(x)",
            "x = 0.5; sin(x)^2",
            0.5f64.sin().powi(2),
        ),
        ("sin⁻¹(0.5)", "asin(0.5)", PI / 6.0),
        ("cos⁻¹(0.5)", "acos(0.5)", PI / 3.0),
        ("tan⁻¹(1)", "atan(1)", PI / 4.0),
        ("√16", "sqrt(16)", 4.0),
        ("√(9 + 16)", "sqrt(9 + 16)", 5.0),
        ("x = -3；√x²", "x = -3; sqrt(x^2)", 3.0),
        ("2√9", "2sqrt(9)", 6.0),
        ("x = 3；√4x", "x = 3; sqrt(4)*x", 6.0),
        ("√√16", "sqrt(sqrt(16))", 2.0),
        (
            "f（x）＝ √(x² + 9)；f（4）",
            "f(x) = sqrt(x^2 + 9); f(4)",
            5.0,
        ),
        ("θ₁ = 2；θ₂ = 3；θ₁ + θ₂", "θ1 = 2; θ2 = 3; θ1 + θ2", 5.0),
        (
            "w₁ = 1；w₂ = 2；b = 0.5；w₁×2 + w₂×3 + b",
            "w1 = 1; w2 = 2; b = 0.5; w1*2 + w2*3 + b",
            8.5,
        ),
        ("x = 1；e^(−x²/2)", "x = 1; e^(-x^2/2)", (-0.5f64).exp()),
        // Strings and comments keep what is inside them.
        ("x = 1 ＃ x² （\nx", "x = 1 # x² （\nx", 1.0),
    ]
}

/// The last number `src` gives in a fresh session.
fn value(src: &str) -> Result<f64, String> {
    let mut session = Session::default();
    let mut last = None;
    session
        .run_source(src, &mut |outcome| {
            if let Outcome::Number(x) = outcome {
                last = Some(*x);
            }
        })
        .map_err(|e| e.to_string())?;
    last.ok_or_else(|| "no number".to_string())
}

#[test]
fn typed_maths_gives_the_value_of_its_ascii_form() {
    let cases = cases();
    assert!(cases.len() >= 25);
    for (typed, ascii, expected) in cases {
        let got = value(typed).unwrap_or_else(|e| panic!("{typed}: {e}"));
        let twin = value(ascii).unwrap_or_else(|e| panic!("{ascii}: {e}"));
        assert_eq!(got.to_bits(), twin.to_bits(), "{typed} against {ascii}");
        let close = (got - expected).abs() <= 1e-12 * expected.abs().max(1.0);
        assert!(close, "{typed} = {got}, by hand {expected}");
    }
}

#[test]
fn typed_maths_is_located_as_typed() {
    // Every column counts characters of what was typed.
    for (src, column, words) in [
        ("损失(w) = w + q", 13, "unknown name 'q'"),
        ("f（x）＝ x ＋", 10, "after '＋'"),
        ("价格 = 2 ＠ 3", 8, "'＠' (U+FF20)"),
        ("f(x) = √x² + 2×y", 16, "unknown name 'y'"),
        ("x = 1；(x + 1】", 13, "found '】'"),
    ] {
        let mut session = Session::default();
        let error = session.run_source(src, &mut |_| {}).expect_err("an error");
        let span = error.span.expect("a place");
        let (line, col) = gd::error::line_col(src, span.start);
        assert_eq!((line, col), (1, column), "{src}: {}", error.message);
        assert!(error.message.contains(words), "{src}: {}", error.message);
    }
}
