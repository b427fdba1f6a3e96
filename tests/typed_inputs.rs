//! Maths as students type it from textbooks, tutorials and web pages
//! (LANGUAGE.md sections 2 and 3): each form, typed as written, is the
//! body of a function whose values must equal an independent Rust closure
//! of the textbook meaning. A form read another way (`x(x + 1)^2` as
//! `(x(x + 1))^2`, `1/2x` as `1/(2x)`) fails here.

use gd::outcome::Outcome;
use gd::session::Session;

type Meaning = fn(f64, f64) -> f64;

/// Forms in `x` and `y`, as typed, and what they mean.
const TABLE: &[(&str, Meaning)] = &[
    // Implicit products, as on paper.
    ("2x sin(x)", |x, _| 2.0 * x * x.sin()),
    ("x^2 cos(x) + 2x sin(x)", |x, _| {
        x * x * x.cos() + 2.0 * x * x.sin()
    }),
    ("3x^2 sin(x) + x^3 cos(x)", |x, _| {
        3.0 * x * x * x.sin() + x.powi(3) * x.cos()
    }),
    ("20x(x^2 + 1)^9", |x, _| 20.0 * x * (x * x + 1.0).powi(9)),
    ("sin(x) cos(x)", |x, _| x.sin() * x.cos()),
    ("2sin(x)cos(x)", |x, _| 2.0 * x.sin() * x.cos()),
    ("(x + 1)(x - 1)", |x, _| (x + 1.0) * (x - 1.0)),
    ("(x+1)(x-1)^2", |x, _| (x + 1.0) * (x - 1.0).powi(2)),
    ("x(x + 1)", |x, _| x * (x + 1.0)),
    ("x (x+1)^2", |x, _| x * (x + 1.0).powi(2)),
    ("x(x(x - 1))^2", |x, _| x * (x * (x - 1.0)).powi(2)),
    ("x y", |x, y| x * y),
    ("w x + b", |x, _| 0.5 * x + 0.25),
    ("x^2 y + 3x y^2", |x, y| x * x * y + 3.0 * x * y * y),
    ("2x y", |x, y| 2.0 * x * y),
    ("x^2y", |x, y| x * x * y),
    ("2(x - 3)", |x, _| 2.0 * (x - 3.0)),
    ("0.5(x - 3)^2", |x, _| 0.5 * (x - 3.0).powi(2)),
    (".5x^2", |x, _| 0.5 * x * x),
    ("1e-3x", |x, _| 1e-3 * x),
    ("2pi x", |x, _| 2.0 * std::f64::consts::PI * x),
    ("pi(x + 1)", |x, _| std::f64::consts::PI * (x + 1.0)),
    ("sigmoid(x)(1 - sigmoid(x))", |x, _| {
        let s = 1.0 / (1.0 + (-x).exp());
        s * (1.0 - s)
    }),
    // Precedence as in Wolfram Alpha.
    ("1/2x", |x, _| x / 2.0),
    ("6/2(1 + x)", |x, _| 3.0 * (1.0 + x)),
    ("2^3x", |x, _| 8.0 * x),
    ("-x^2", |x, _| -(x * x)),
    ("2^-x", |x, _| 2f64.powf(-x)),
    ("e^-x^2", |x, _| (-(x * x)).exp()),
    ("e^(2x)", |x, _| (2.0 * x).exp()),
    ("2x e^(x^2)", |x, _| 2.0 * x * (x * x).exp()),
    ("-2x exp(-x^2)", |x, _| -2.0 * x * (-(x * x)).exp()),
    // Python, NumPy and PyTorch spellings.
    ("x**2 + 3*x - 5", |x, _| x * x + 3.0 * x - 5.0),
    ("exp(x)*(x + 1)", |x, _| x.exp() * (x + 1.0)),
    ("log(x)", |x, _| x.ln()),
    ("log(x, 2)", |x, _| x.log2()),
    ("x**0.5", |x, _| x.sqrt()),
    ("1/(1 + exp(-x))", |x, _| 1.0 / (1.0 + (-x).exp())),
    ("max(x, 0)", |x, _| x.max(0.0)),
    // Textbook functions and derivatives.
    ("sqrt(x^2 + 1)", |x, _| (x * x + 1.0).sqrt()),
    ("x^(1/2)", |x, _| x.sqrt()),
    ("ln(x)/x", |x, _| x.ln() / x),
    ("x ln(x) - x", |x, _| x * x.ln() - x),
    ("x/(x^2 + 1)", |x, _| x / (x * x + 1.0)),
    ("2x/(x^2 + 1)^2", |x, _| 2.0 * x / (x * x + 1.0).powi(2)),
    ("tanh(x)", |x, _| x.tanh()),
    ("cos(2x)", |x, _| (2.0 * x).cos()),
    ("sin(x)^2 + cos(x)^2", |_, _| 1.0),
    ("abs(x - 1)", |x, _| (x - 1.0).abs()),
    ("x^3 - 3x + 1", |x, _| x.powi(3) - 3.0 * x + 1.0),
    ("(x - 3)^2 + (y - 2)^2", |x, y| {
        (x - 3.0).powi(2) + (y - 2.0).powi(2)
    }),
    ("100(y - x^2)^2 + (1 - x)^2", |x, y| {
        100.0 * (y - x * x).powi(2) + (1.0 - x).powi(2)
    }),
];

const POINTS: [(f64, f64); 4] = [(0.3, 1.7), (0.7, -0.4), (1.5, 2.5), (2.5, 0.9)];

/// The value of `source`'s last statement, a number.
fn value_of(session: &mut Session, source: &str) -> Result<f64, String> {
    let mut last = None;
    session
        .run_source(source, &mut |o| last = Some(o.clone()))
        .map_err(|e| e.message)?;
    match last {
        Some(Outcome::Number(v)) => Ok(v),
        other => Err(format!("not a number: {other:?}")),
    }
}

#[test]
fn forms_as_typed_mean_what_they_mean_on_paper() {
    assert!(TABLE.len() >= 40, "the table holds {} forms", TABLE.len());
    let mut failures = Vec::new();
    for (typed, meaning) in TABLE {
        let mut session = Session::default();
        // `w` and `b` are defined values, as in a regression exercise.
        let definition = format!("w = 0.5\nb = 0.25\nf(x, y) = {typed}");
        if let Err(e) = session.run_source(&definition, &mut |_| {}) {
            failures.push(format!("{typed}: {}", e.message));
            continue;
        }
        for (x, y) in POINTS {
            let want = meaning(x, y);
            match value_of(&mut session, &format!("f({x}, {y})")) {
                Ok(got) if (got - want).abs() <= 1e-12 * want.abs().max(1.0) => {}
                Ok(got) => failures.push(format!("{typed} at ({x}, {y}): {got}, want {want}")),
                Err(e) => failures.push(format!("{typed} at ({x}, {y}): {e}")),
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
