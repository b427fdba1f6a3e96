//! Malformed and abusive input: each ends in a clear error with line and
//! column, or in the number the spec gives (nan, inf), never a panic, a
//! hang or a stack overflow. Runs the real binary (its big interpreter
//! stack is part of what is tested), feeding the source on stdin so that
//! NUL bytes can be sent too.

use crate::common::{gd, json_lines};

enum Expect {
    /// Exit 1 with an error at this 1-based line and column whose message
    /// contains the text (and whose hint does, when given).
    Error(usize, usize, &'static str),
    /// Exit 0, and the last result is this number (as JSON writes it,
    /// without the quotes of `"inf"`).
    Number(&'static str),
}
use Expect::{Error, Number};

fn cases() -> Vec<(String, Expect)> {
    let s = |x: &str| x.to_string();
    vec![
        (s("(1 + 2"), Error(1, 1, "unclosed '('")),
        (s("1 + 2)"), Error(1, 6, "unexpected ')'")),
        (s("[1, 2"), Error(1, 1, "unclosed '['")),
        (s("(1, 2]"), Error(1, 6, "']'")),
        (s("x +"), Error(1, 4, "expected an expression after '+'")),
        (s("2 *"), Error(1, 4, "expected an expression after '*'")),
        (s("f(x) ="), Error(1, 7, "expected an expression")),
        (s("check 1 =="), Error(1, 11, "expected an expression")),
        (s("@"), Error(1, 1, "unexpected '@'")),
        (s("1 2"), Error(1, 3, "")),
        (s("x 2"), Error(1, 3, "x*2")),
        (s("x ²"), Error(1, 3, "x^2")),
        (s("2²"), Number("4")),
        (s("\"unterminated"), Error(1, 1, "")),
        (s("from = 1"), Error(1, 1, "keyword")),
        (s("f(1) = 2"), Error(1, 3, "")),
        (s("f(x, x) = x"), Error(1, 6, "twice")),
        (s("f(x) = x + y"), Error(1, 12, "unknown name 'y'")),
        (s("f(x) = sinx"), Error(1, 8, "sin(x)")),
        (s("sqr(4)"), Error(1, 1, "sqrt")),
        (
            s("f(x) = x\nf(1, 2)"),
            Error(2, 1, "f takes 1 argument, but 2 were given"),
        ),
        (s("sin(1, 2)"), Error(1, 1, "sin takes 1 argument")),
        (s("f(x) = f(x)"), Error(1, 8, "would call itself")),
        (
            s("g(x) = x\nf(x) = g(x)\ng(x) = f(x)"),
            Error(3, 8, "g -> f -> g"),
        ),
        (s("a = x + 1"), Error(1, 5, "a(x) = x + 1")),
        (s("f(x, y) = x*y\nf'"), Error(2, 1, "grad(f)")),
        (s("f(x) = x(1, 2)"), Error(1, 8, "is not a function")),
        (s("diff()"), Error(1, 1, "diff needs an expression")),
        (
            s("grad(x^2 + y^2)"),
            Error(1, 6, "takes a function's name, not an expression"),
        ),
        (s("f'(2)"), Error(1, 1, "'f' is not defined")),
        (s("sin x"), Error(1, 5, "write sin(x)")),
        (s("f(x) = x^2\nf x"), Error(2, 1, "write f(x)")),
        (s("h(x) = k(x)"), Error(1, 8, "define it first")),
        (s("diff(x y)"), Error(1, 6, "several variables (x, y)")),
        (s("diff(x^2, 2)"), Error(1, 11, "variable name")),
        (s("diff(x^2, x, -1)"), Error(1, 14, "whole number")),
        (s("grad(1)"), Error(1, 6, "needs a function")),
        (s("minimize"), Error(1, 9, "function name")),
        (s("f(x) = x^2\nminimize f"), Error(2, 1, "starting point")),
        (
            s("minimize g from 0"),
            Error(1, 10, "'g' is not a defined function"),
        ),
        (
            s("f(x) = x^2\nminimize f from 1 steps -1"),
            Error(2, 25, "whole number"),
        ),
        (
            s("f(x) = x^2\nminimize f from 1 steps 1.5"),
            Error(2, 25, "whole number"),
        ),
        (
            s("f(x) = x^2\nminimize f from 1 lr 0"),
            Error(2, 22, "positive"),
        ),
        (
            s("f(x) = x^2\nminimize f from 1 tol -1"),
            Error(2, 23, "tol"),
        ),
        (
            s("f(x) = x^2\nminimize f from (1, 2)"),
            Error(2, 17, "1 coordinate"),
        ),
        (
            s("f(x) = x^2\nminimize f from 1 lr 0.1 lr 0.2"),
            Error(2, 26, "lr"),
        ),
        (s("1 +\0 2"), Error(1, 4, "")),
        (
            format!("{}1{}", "(".repeat(10_000), ")".repeat(10_000)),
            Error(1, 201, "nested too deeply"),
        ),
        (format!("{}1", "2^".repeat(100_000)), Error(1, 1, "nested")),
        (format!("{}1", "-".repeat(100_000)), Error(1, 1, "nested")),
        // A flat chain is one level of nesting, however long.
        (format!("{}1", "1+".repeat(500_000)), Number("500001")),
        (format!("{}1", "2*".repeat(1_100)), Number("inf")),
        (s("2^99999"), Number("inf")),
        (s("10^400"), Number("inf")),
        (s("1e999"), Number("inf")),
        (s("ln(-1)"), Number("nan")),
        (s("sqrt(-1)"), Number("nan")),
        (s("ln(0)"), Number("-inf")),
        (s("1/0"), Number("inf")),
        (s("0/0"), Number("nan")),
        (s("exp(1000)"), Number("inf")),
    ]
}

#[test]
fn bad_input_fails_cleanly() {
    let mut failures = Vec::new();
    for (source, expect) in cases() {
        let out = gd(&["--json"], Some(&source));
        let shown: String = source.chars().take(40).collect();
        let objects = json_lines(&out.stdout);
        let last = objects.last().cloned().unwrap_or_default();
        let ok = match &expect {
            Error(line, column, words) => {
                out.code == 1
                    && last["kind"] == "error"
                    && last["line"] == *line
                    && last["column"] == *column
                    && last["message"].as_str().is_some_and(|m| m.contains(words))
                    && !last["message"]
                        .as_str()
                        .is_some_and(|m| m.contains("EOI") || m.contains("rule"))
            }
            Number(value) => {
                // A finite number is a JSON number, the others strings.
                let shown = last["value"].to_string();
                out.code == 0 && last["kind"] == "number" && shown.trim_matches('"') == *value
            }
        };
        if !ok {
            failures.push(format!("{shown:?}: exit {} {last}", out.code));
        }
        assert!(
            out.code == 0 || out.code == 1,
            "{shown:?} crashed: {}",
            out.stderr
        );
    }
    assert!(
        failures.is_empty(),
        "{} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn there_are_at_least_40_cases() {
    assert!(cases().len() >= 40);
}
