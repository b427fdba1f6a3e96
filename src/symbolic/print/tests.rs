//! The table test of the three printers: one row per expression, with its
//! text, LaTeX and s-expression side by side, so a change in layout shows
//! in all three at once.

use super::{to_latex, to_sexpr, to_text};
use crate::symbolic::expr::{
    Constant, Expr, Func, add, apply, call, div, mul, neg, pow, sqrt, sub,
};
use crate::symbolic::num::Num;

fn x() -> Expr {
    Expr::var("x")
}
fn y() -> Expr {
    Expr::var("y")
}
fn z() -> Expr {
    Expr::var("z")
}
fn n(v: i64) -> Expr {
    Expr::int(v)
}
fn r(p: i64, q: i64) -> Expr {
    Expr::num(Num::ratio(p.into(), q.into()))
}
fn f(func: Func, arg: Expr) -> Expr {
    call(func, vec![arg])
}
fn pi() -> Expr {
    Expr::constant(Constant::Pi)
}

/// (expression, text, LaTeX, s-expression).
fn table() -> Vec<(Expr, &'static str, &'static str, &'static str)> {
    let x_plus_1 = || add([x(), n(1)]);
    let x_minus_1 = || sub(x(), n(1));
    let sigmoid = || f(Func::Sigmoid, x());
    vec![
        (
            add([mul([n(2), x()]), n(3)]),
            "2x + 3",
            "2 x + 3",
            "(+ 3 (* 2 x))",
        ),
        (
            add([pow(x(), n(2)), mul([n(3), x()]), n(-5)]),
            "x^2 + 3x - 5",
            "x^{2} + 3 x - 5",
            "(+ -5 (^ x 2) (* 3 x))",
        ),
        (
            add([
                mul([n(3), pow(x(), n(2)), f(Func::Sin, x())]),
                mul([pow(x(), n(3)), f(Func::Cos, x())]),
            ]),
            "x^3 cos(x) + 3x^2 sin(x)",
            "x^{3} \\cos\\left(x\\right) + 3 x^{2} \\sin\\left(x\\right)",
            "(+ (* 3 (^ x 2) (sin x)) (* (^ x 3) (cos x)))",
        ),
        (
            mul([n(2), sub(x(), n(3))]),
            "2x - 6",
            "2 x - 6",
            "(+ -6 (* 2 x))",
        ),
        (
            add([pow(sub(x(), n(3)), n(2)), pow(sub(y(), n(2)), n(2))]),
            "(x - 3)^2 + (y - 2)^2",
            "\\left(x - 3\\right)^{2} + \\left(y - 2\\right)^{2}",
            "(+ (^ (+ -3 x) 2) (^ (+ -2 y) 2))",
        ),
        (
            div(n(1), mul([n(2), sqrt(x())])),
            "1/(2sqrt(x))",
            "\\frac{1}{2 \\sqrt{x}}",
            "(* 1/2 (^ x -1/2))",
        ),
        (sqrt(x()), "sqrt(x)", "\\sqrt{x}", "(^ x 1/2)"),
        (
            div(mul([n(-2), x()]), pow(add([pow(x(), n(2)), n(1)]), n(2))),
            "-2x/(x^2 + 1)^2",
            "-\\frac{2 x}{\\left(x^{2} + 1\\right)^{2}}",
            "(* -2 x (^ (+ 1 (^ x 2)) -2))",
        ),
        (div(x(), n(3)), "x/3", "\\frac{x}{3}", "(* 1/3 x)"),
        (mul([r(2, 3), x()]), "2x/3", "\\frac{2 x}{3}", "(* 2/3 x)"),
        (neg(div(x(), n(3))), "-x/3", "-\\frac{x}{3}", "(* -1/3 x)"),
        (neg(pow(x(), n(2))), "-x^2", "-x^{2}", "(* -1 (^ x 2))"),
        (
            pow(n(-2), x()),
            "(-2)^x",
            "\\left(-2\\right)^{x}",
            "(^ -2 x)",
        ),
        (pow(x(), n(-1)), "1/x", "\\frac{1}{x}", "(^ x -1)"),
        (
            pow(x(), pow(y(), z())),
            "x^y^z",
            "x^{y^{z}}",
            "(^ x (^ y z))",
        ),
        (
            pow(pow(x(), y()), z()),
            "(x^y)^z",
            "\\left(x^{y}\\right)^{z}",
            "(^ (^ x y) z)",
        ),
        (
            f(Func::Exp, neg(pow(x(), n(2)))),
            "exp(-x^2)",
            "e^{-x^{2}}",
            "(exp (* -1 (^ x 2)))",
        ),
        (
            mul([sigmoid(), sub(n(1), sigmoid())]),
            "sigmoid(x) (1 - sigmoid(x))",
            "\\operatorname{sigmoid}\\left(x\\right) \\left(1 - \\operatorname{sigmoid}\\left(x\\right)\\right)",
            "(* (+ 1 (* -1 (sigmoid x))) (sigmoid x))",
        ),
        (mul([n(2), x(), y()]), "2x y", "2 x y", "(* 2 x y)"),
        (
            mul([x(), x_plus_1()]),
            "x (x + 1)",
            "x \\left(x + 1\\right)",
            "(* x (+ 1 x))",
        ),
        (
            mul([f(Func::Sin, x()), f(Func::Cos, x())]),
            "sin(x) cos(x)",
            "\\sin\\left(x\\right) \\cos\\left(x\\right)",
            "(* (sin x) (cos x))",
        ),
        (
            mul([pow(x(), n(2)), y()]),
            "x^2 y",
            "x^{2} y",
            "(* y (^ x 2))",
        ),
        (
            mul([x_plus_1(), x_minus_1()]),
            "(x + 1)(x - 1)",
            "\\left(x + 1\\right) \\left(x - 1\\right)",
            "(* (+ -1 x) (+ 1 x))",
        ),
        (f(Func::Ln, x()), "ln(x)", "\\ln\\left(x\\right)", "(ln x)"),
        (pow(n(2), r(1, 2)), "sqrt(2)", "\\sqrt{2}", "(^ 2 1/2)"),
        (div(x(), y()), "x/y", "\\frac{x}{y}", "(* x (^ y -1))"),
        (
            mul([n(2), pow(x(), n(-2))]),
            "2/x^2",
            "\\frac{2}{x^{2}}",
            "(* 2 (^ x -2))",
        ),
        (
            div(n(1), mul([n(2), x()])),
            "1/(2x)",
            "\\frac{1}{2 x}",
            "(* 1/2 (^ x -1))",
        ),
        (mul([r(1, 10), x()]), "0.1x", "0.1 x", "(* 1/10 x)"),
        (
            mul([r(1, 20), pow(x(), n(2))]),
            "0.05x^2",
            "0.05 x^{2}",
            "(* 1/20 (^ x 2))",
        ),
        (mul([r(1, 4), x()]), "x/4", "\\frac{x}{4}", "(* 1/4 x)"),
        (
            mul([Expr::float(1.0 / 3.0), x()]),
            "0.3333333333333333x",
            "0.3333333333333333 x",
            "(* 0.3333333333333333 x)",
        ),
        (
            add([x(), Expr::float(1e-20)]),
            "x + 1e-20",
            "x + 10^{-20}",
            "(+ 1e-20 x)",
        ),
        (
            mul([Expr::float(1.5e30), x()]),
            "1.5e30*x",
            "1.5 \\cdot 10^{30} x",
            "(* 1.5e30 x)",
        ),
        (Expr::float(f64::INFINITY), "1e999", "\\infty", "inf"),
        (Expr::float(f64::NEG_INFINITY), "-1e999", "-\\infty", "-inf"),
        (Expr::float(f64::NAN), "(0*1e999)", "\\mathrm{NaN}", "nan"),
        (
            mul([pi(), pow(x(), n(2))]),
            "pi x^2",
            "\\pi x^{2}",
            "(* pi (^ x 2))",
        ),
        (mul([n(2), pi()]), "2pi", "2 \\pi", "(* 2 pi)"),
        (mul([n(2), pi(), x()]), "2pi x", "2 \\pi x", "(* 2 pi x)"),
        (
            apply("f", vec![x(), y()]),
            "f(x, y)",
            "f\\left(x, y\\right)",
            "(f x y)",
        ),
        (
            mul([x(), f(Func::Sin, x())]),
            "x sin(x)",
            "x \\sin\\left(x\\right)",
            "(* x (sin x))",
        ),
        (
            mul([n(2), x(), f(Func::Sin, x())]),
            "2x sin(x)",
            "2 x \\sin\\left(x\\right)",
            "(* 2 x (sin x))",
        ),
        (f(Func::Abs, x()), "abs(x)", "\\left|x\\right|", "(abs x)"),
        (pow(Expr::var("θ"), n(2)), "θ^2", "\\theta^{2}", "(^ θ 2)"),
        (
            call(Func::Max, vec![x(), n(0)]),
            "max(x, 0)",
            "\\max\\left(x, 0\\right)",
            "(max x 0)",
        ),
        (sub(n(1), x()), "1 - x", "1 - x", "(+ 1 (* -1 x))"),
        (
            sub(n(5), mul([n(2), x()])),
            "5 - 2x",
            "5 - 2 x",
            "(+ 5 (* -2 x))",
        ),
        (
            add([neg(pow(x(), n(2))), mul([n(3), x()])]),
            "-x^2 + 3x",
            "-x^{2} + 3 x",
            "(+ (* -1 (^ x 2)) (* 3 x))",
        ),
        (
            add([neg(pow(x(), n(2))), mul([n(3), x()]), n(1)]),
            "-x^2 + 3x + 1",
            "-x^{2} + 3 x + 1",
            "(+ 1 (* -1 (^ x 2)) (* 3 x))",
        ),
        (pow(x(), r(1, 3)), "x^(1/3)", "\\sqrt[3]{x}", "(^ x 1/3)"),
        (
            pow(x(), r(3, 2)),
            "x^(3/2)",
            "x^{\\frac{3}{2}}",
            "(^ x 3/2)",
        ),
        (
            pow(x(), r(-3, 2)),
            "1/x^(3/2)",
            "\\frac{1}{x^{\\frac{3}{2}}}",
            "(^ x -3/2)",
        ),
        (pow(x(), r(1, 10)), "x^0.1", "x^{0.1}", "(^ x 1/10)"),
        (
            mul([n(3), pow(n(2), x())]),
            "3*2^x",
            "3 \\cdot 2^{x}",
            "(* 3 (^ 2 x))",
        ),
        (
            pow(r(1, 2), x()),
            "(1/2)^x",
            "\\left(\\frac{1}{2}\\right)^{x}",
            "(^ 1/2 x)",
        ),
        (
            pow(x(), neg(y())),
            "1/x^y",
            "\\frac{1}{x^{y}}",
            "(^ x (* -1 y))",
        ),
        (
            pow(x(), mul([n(-2), y()])),
            "1/x^(2y)",
            "\\frac{1}{x^{2 y}}",
            "(^ x (* -2 y))",
        ),
        (
            pow(x(), div(n(1), y())),
            "x^(1/y)",
            "x^{\\frac{1}{y}}",
            "(^ x (^ y -1))",
        ),
        (
            pow(f(Func::Sin, x()), n(2)),
            "sin(x)^2",
            "\\sin^{2}\\left(x\\right)",
            "(^ (sin x) 2)",
        ),
        (
            mul([n(2), pow(x_plus_1(), n(2))]),
            "2(x + 1)^2",
            "2 \\left(x + 1\\right)^{2}",
            "(* 2 (^ (+ 1 x) 2))",
        ),
        (
            mul([n(-1), x_plus_1(), pow(y(), n(-2))]),
            "-((x + 1)/y^2)",
            "-\\frac{x + 1}{y^{2}}",
            "(* -1 (^ y -2) (+ 1 x))",
        ),
        (
            mul([n(2), x_plus_1(), x_minus_1()]),
            "2((x + 1)(x - 1))",
            "2 \\left(x + 1\\right) \\left(x - 1\\right)",
            "(* 2 (+ -1 x) (+ 1 x))",
        ),
        (
            mul([r(1, 2), x(), pow(x_plus_1(), n(-1))]),
            "x/(x + 1)/2",
            "\\frac{x}{2 \\left(x + 1\\right)}",
            "(* 1/2 x (^ (+ 1 x) -1))",
        ),
        (
            mul([n(-1), x_plus_1(), x_minus_1()]),
            "-((x + 1)(x - 1))",
            "-\\left(x + 1\\right) \\left(x - 1\\right)",
            "(* -1 (+ -1 x) (+ 1 x))",
        ),
        (
            sub(y(), mul([x_plus_1(), x_minus_1()])),
            "y - (x + 1)(x - 1)",
            "y - \\left(x + 1\\right) \\left(x - 1\\right)",
            "(+ y (* -1 (+ -1 x) (+ 1 x)))",
        ),
        (
            add([x(), div(n(1), x())]),
            "x + 1/x",
            "x + \\frac{1}{x}",
            "(+ x (^ x -1))",
        ),
        (
            add([sqrt(x()), x()]),
            "x + sqrt(x)",
            "x + \\sqrt{x}",
            "(+ x (^ x 1/2))",
        ),
        (mul([n(2), Expr::var("e1")]), "2*e1", "2 e_{1}", "(* 2 e1)"),
        (
            Expr::int(123_456_789_012_345),
            "123456789012345",
            "123456789012345",
            "123456789012345",
        ),
        (
            Expr::int(1_000_000_000_000_000),
            "1000000000000000",
            "1000000000000000",
            "1000000000000000",
        ),
        (
            Expr::int(1 << 53),
            "9007199254740992",
            "9007199254740992",
            "9007199254740992",
        ),
        (
            mul([Expr::int(-i64::MAX), x()]),
            "-9223372036854775807x",
            "-9223372036854775807 x",
            "(* -9223372036854775807 x)",
        ),
        (
            mul([x(), sqrt(n(2))]),
            "sqrt(2) x",
            "\\sqrt{2} x",
            "(* x (^ 2 1/2))",
        ),
        (
            mul([n(3), sqrt(n(2))]),
            "3sqrt(2)",
            "3 \\sqrt{2}",
            "(* 3 (^ 2 1/2))",
        ),
        (
            div(n(1), sqrt(n(2))),
            "1/sqrt(2)",
            "\\frac{1}{\\sqrt{2}}",
            "(^ 2 -1/2)",
        ),
        (
            sub(x(), r(1, 3)),
            "x - 1/3",
            "x - \\frac{1}{3}",
            "(+ -1/3 x)",
        ),
        (
            mul([f(Func::Exp, x()), x_plus_1()]),
            "(x + 1) exp(x)",
            "\\left(x + 1\\right) e^{x}",
            "(* (+ 1 x) (exp x))",
        ),
        (
            mul([x(), f(Func::Exp, x())]),
            "x exp(x)",
            "x e^{x}",
            "(* x (exp x))",
        ),
        (
            neg(div(n(1), x())),
            "-1/x",
            "-\\frac{1}{x}",
            "(* -1 (^ x -1))",
        ),
        (
            sub(y(), div(n(1), x())),
            "y - 1/x",
            "y - \\frac{1}{x}",
            "(+ y (* -1 (^ x -1)))",
        ),
        (
            f(Func::Step, x()),
            "step(x)",
            "\\operatorname{step}\\left(x\\right)",
            "(step x)",
        ),
        (
            f(Func::Log2, x()),
            "log2(x)",
            "\\log_{2}\\left(x\\right)",
            "(log2 x)",
        ),
        (
            mul([n(2), Expr::var("loss"), Expr::var("x_1")]),
            "2loss x_1",
            "2 \\mathit{loss} x_{1}",
            "(* 2 loss x_1)",
        ),
        (
            pow(mul([n(2), x()]), r(1, 3)),
            "(2x)^(1/3)",
            "\\sqrt[3]{2 x}",
            "(^ (* 2 x) 1/3)",
        ),
        (
            sqrt(pow(x(), n(2))),
            "sqrt(x^2)",
            "\\sqrt{x^{2}}",
            "(^ (^ x 2) 1/2)",
        ),
        (sub(y(), x()), "y - x", "y - x", "(+ y (* -1 x))"),
        (pow(n(2), r(1, 3)), "2^(1/3)", "\\sqrt[3]{2}", "(^ 2 1/3)"),
        (
            mul([pow(x(), n(2)), x_plus_1()]),
            "x^2 (x + 1)",
            "x^{2} \\left(x + 1\\right)",
            "(* (^ x 2) (+ 1 x))",
        ),
        (
            pow(x(), Expr::float(f64::NAN)),
            "x^(0*1e999)",
            "x^{\\mathrm{NaN}}",
            "(^ x nan)",
        ),
        (
            div(f(Func::Sin, x()), x()),
            "sin(x)/x",
            "\\frac{\\sin\\left(x\\right)}{x}",
            "(* (^ x -1) (sin x))",
        ),
        (
            div(x_plus_1(), x_minus_1()),
            "(x + 1)/(x - 1)",
            "\\frac{x + 1}{x - 1}",
            "(* (^ (+ -1 x) -1) (+ 1 x))",
        ),
        (
            mul([r(2, 3), x(), pow(y(), n(-1))]),
            "2x/(3y)",
            "\\frac{2 x}{3 y}",
            "(* 2/3 x (^ y -1))",
        ),
        (
            add([
                mul([x(), y()]),
                pow(x(), n(2)),
                pow(y(), n(2)),
                x(),
                y(),
                n(1),
            ]),
            "x^2 + x y + y^2 + x + y + 1",
            "x^{2} + x y + y^{2} + x + y + 1",
            "(+ 1 x y (^ x 2) (^ y 2) (* x y))",
        ),
        (
            pow(x(), Expr::float(f64::NEG_INFINITY)),
            "1/x^1e999",
            "\\frac{1}{x^{\\infty}}",
            "(^ x -inf)",
        ),
        (
            mul([n(-3), pow(x(), n(2)), y(), f(Func::Tanh, y())]),
            "-3x^2 y tanh(y)",
            "-3 x^{2} y \\tanh\\left(y\\right)",
            "(* -3 y (^ x 2) (tanh y))",
        ),
        (
            pow(x(), mul([r(-1, 2), y()])),
            "1/x^(y/2)",
            "\\frac{1}{x^{\\frac{y}{2}}}",
            "(^ x (* -1/2 y))",
        ),
    ]
}

#[test]
fn table_of_expressions() {
    let mut failures = Vec::new();
    for (e, text, latex, sexpr) in table() {
        let got = (to_text(e), to_latex(e), to_sexpr(e));
        if got != (text.to_string(), latex.to_string(), sexpr.to_string()) {
            failures.push(format!(
                "{sexpr}\n  text  {:?} want {text:?}\n  latex {:?} want {latex:?}\n  sexpr {:?}",
                got.0, got.1, got.2
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
