//! Structured generators for fuzzing (the `arbitrary` feature): bytes from
//! the fuzzer become well-formed gd text, an expression (`Formula`) or a
//! whole program (`Script`), so that a fuzzer reaches deep into statements
//! instead of stopping at syntax errors.
//!
//! Invariant: a generator only writes text; what it writes is read back by
//! the parser like anything a user types, and every statement it writes
//! asks for bounded work: descents of at most `MAX_STEPS` steps, powers and
//! derivative orders of a few, data of a few rows, and no files (no `to`,
//! no `load`).

use arbitrary::{Arbitrary, Result, Unstructured};

use crate::builtins::Func;

/// Deepest expression a generator writes (a leaf has depth 1).
const MAX_DEPTH: u32 = 6;
/// Most steps of a generated descent.
const MAX_STEPS: u32 = 30;
/// Most statements of a generated script.
const MAX_STATEMENTS: usize = 12;
/// Largest exponent of a generated integer power.
const MAX_POWER: i32 = 6;

/// One expression in `x` and `y`, fully bracketed so that its tree is the
/// one generated, in gd text.
#[derive(Clone, Debug, PartialEq)]
pub struct Formula(pub String);

impl<'a> Arbitrary<'a> for Formula {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Formula> {
        let mut text = String::new();
        expression(u, &Names::formula(), MAX_DEPTH, &mut text)?;
        Ok(Formula(text))
    }
}

/// A program of definitions, derivatives, rewrites, checks, descents,
/// plots and data, in gd text: one line per entry, as typed at a REPL
/// (a line may hold two statements separated by `;`).
#[derive(Clone, Debug, PartialEq)]
pub struct Script(pub String);

impl<'a> Arbitrary<'a> for Script {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Script> {
        let mut text = String::new();
        let count = u.int_in_range(1..=MAX_STATEMENTS)?;
        for _ in 0..count {
            if u.is_empty() {
                break;
            }
            statement(u, &mut text)?;
            text.push('\n');
        }
        Ok(Script(text))
    }
}

/// The names an expression may use beside numbers and built-ins.
struct Names {
    variables: &'static [&'static str],
    /// One-parameter functions the script defines (maybe).
    functions: &'static [&'static str],
    /// Values and data vectors the script defines (maybe).
    values: &'static [&'static str],
}

impl Names {
    fn formula() -> Names {
        Names {
            variables: &["x", "y"],
            functions: &[],
            values: &[],
        }
    }

    fn script() -> Names {
        Names {
            variables: &["x", "y"],
            functions: &["f", "h"],
            values: &["a", "X", "Y"],
        }
    }
}

/// Writes an expression at most `depth` deep.
fn expression(u: &mut Unstructured, names: &Names, depth: u32, out: &mut String) -> Result<()> {
    /// How many kinds of node there are below; the first `LEAVES` are leaves.
    const KINDS: u32 = 13;
    const LEAVES: u32 = 4;
    let kind = if depth <= 1 {
        u.int_in_range(0..=LEAVES - 1)?
    } else {
        u.int_in_range(0..=KINDS - 1)?
    };
    let next = depth - 1;
    let sub = |u: &mut Unstructured, out: &mut String| expression(u, names, next, out);
    match kind {
        0 => number(u, out)?,
        1 => out.push_str(u.choose(names.variables)?),
        2 => out.push_str(u.choose(&["pi", "e", "x", "y"])?),
        3 => match u.choose_index(names.values.len() + 1)? {
            0 => number(u, out)?,
            i => out.push_str(names.values[i - 1]),
        },
        4..=7 => {
            let op = ["+", "-", "*", "/"][(kind - 4) as usize];
            out.push('(');
            sub(u, out)?;
            out.push_str(&format!(" {op} "));
            sub(u, out)?;
            out.push(')');
        }
        8 => {
            out.push('(');
            sub(u, out)?;
            let k = u.int_in_range(-2..=MAX_POWER)?;
            out.push_str(&format!(")^{}", bracket_negative(k)));
        }
        9 => {
            out.push_str("((");
            sub(u, out)?;
            out.push_str(")^(");
            sub(u, out)?;
            out.push_str("))");
        }
        10 => {
            out.push_str("(-");
            sub(u, out)?;
            out.push(')');
        }
        11 => {
            let func = *u.choose(&Func::ALL)?;
            out.push_str(func.name());
            out.push('(');
            sub(u, out)?;
            for _ in 1..func.arity() {
                out.push_str(", ");
                sub(u, out)?;
            }
            out.push(')');
        }
        _ => match u.choose_index(names.functions.len() + 1)? {
            0 => sub(u, out)?,
            i => {
                out.push_str(names.functions[i - 1]);
                out.push('(');
                sub(u, out)?;
                out.push(')');
            }
        },
    }
    Ok(())
}

/// `-2` as `(-2)`, so that it reads as one exponent.
fn bracket_negative(k: i32) -> String {
    if k < 0 {
        format!("({k})")
    } else {
        k.to_string()
    }
}

/// A small integer, fraction, decimal or special number.
fn number(u: &mut Unstructured, out: &mut String) -> Result<()> {
    let text = match u.int_in_range(0..=3)? {
        0 => u.int_in_range(0..=9)?.to_string(),
        1 => format!("{}/{}", u.int_in_range(1..=9)?, u.int_in_range(2..=7)?),
        2 => format!("{}.{}", u.int_in_range(0..=99)?, u.int_in_range(0..=9)?),
        _ => u
            .choose(&["0", "1", "1e-3", "1e6", "1e999", "0.5"])?
            .to_string(),
    };
    if text.contains('/') {
        out.push_str(&format!("({text})"));
    } else {
        out.push_str(&text);
    }
    Ok(())
}

/// Writes one statement.
fn statement(u: &mut Unstructured, out: &mut String) -> Result<()> {
    let names = Names::script();
    let expr = |u: &mut Unstructured, depth: u32| -> Result<String> {
        let mut text = String::new();
        expression(u, &names, depth, &mut text)?;
        Ok(text)
    };
    let line = match u.int_in_range(0..=15)? {
        0 => format!("f(x) = {}", expr(u, MAX_DEPTH)?),
        1 => format!("h(x) = {}", expr(u, MAX_DEPTH - 2)?),
        2 => format!("g(x, y) = {}", expr(u, MAX_DEPTH)?),
        3 => format!("a = {}", expr(u, 3)?),
        4 => format!("{} = {}", u.choose(&["X", "Y"])?, data(u)?),
        5 => format!(
            "diff({}, x, {})",
            expr(u, MAX_DEPTH)?,
            u.int_in_range(0..=3)?
        ),
        6 => format!(
            "{}({})",
            u.choose(&["simplify", "expand", "latex"])?,
            expr(u, MAX_DEPTH)?
        ),
        7 => format!("check {} == {}", expr(u, 4)?, expr(u, 4)?),
        8 => u
            .choose(&[
                "f'",
                "f''(1)",
                "grad(g)",
                "hessian(g)(1, 2)",
                "f(2)",
                "g(1, 2)",
            ])?
            .to_string(),
        9 => format!("minimize f from {}{}", start(u)?, options(u)?),
        10 => format!(
            "maximize g from ({}, {}){}",
            start(u)?,
            start(u)?,
            options(u)?
        ),
        11 => format!(
            "loss(w, b) = mean((w*X + b - Y)^2); minimize loss from (0, 0){} batch 2 seed 7",
            options(u)?
        ),
        12 => format!("plot {}", u.choose(&["f", "g", "f, h", "f'", "loss"])?),
        13 => format!("plot {} from -2 to {}", expr(u, 4)?, u.int_in_range(1..=5)?),
        14 => format!("minimize f from [-1, 0, 1]{} plot", options(u)?),
        _ => expr(u, MAX_DEPTH)?,
    };
    out.push_str(&line);
    Ok(())
}

/// A start coordinate.
fn start(u: &mut Unstructured) -> Result<String> {
    Ok(u.choose(&["0", "1", "-1", "0.5", "3", "-2.5", "1e3"])?
        .to_string())
}

/// A data vector of a few rows.
fn data(u: &mut Unstructured) -> Result<String> {
    let rows = u.int_in_range(1..=6)?;
    let mut values = Vec::new();
    for _ in 0..rows {
        values.push(u.int_in_range(-9..=9)?.to_string());
    }
    Ok(format!("[{}]", values.join(", ")))
}

/// The options of a descent: a few steps, and maybe a rate, a tolerance,
/// a method, `every` and `state`.
fn options(u: &mut Unstructured) -> Result<String> {
    let mut text = format!(" steps {}", u.int_in_range(0..=MAX_STEPS)?);
    if u.arbitrary()? {
        let rate = u.choose(&["0.01", "0.1", "0.5", "1.1", "[0.01, 0.1]"])?;
        text.push_str(&format!(" lr {rate}"));
    }
    if u.arbitrary()? {
        text.push_str(" tol 1e-6");
    }
    if u.arbitrary()? {
        let method = u.choose(&[
            "gd",
            "momentum(0.9)",
            "nesterov(0.9)",
            "adagrad",
            "rmsprop",
            "adam",
            "adam(beta1=0.8)",
            "newton",
            "[gd, adam]",
        ])?;
        text.push_str(&format!(" using {method}"));
    }
    if u.arbitrary()? {
        text.push_str(" every 3 state");
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The text each of a few fixed byte strings makes.
    fn scripts() -> Vec<String> {
        (0u8..40)
            .map(|seed| {
                let bytes: Vec<u8> = (0..400u32)
                    .map(|i| (i.wrapping_mul(2_654_435_761) >> (seed % 24)) as u8 ^ seed)
                    .collect();
                Script::arbitrary(&mut Unstructured::new(&bytes))
                    .map(|s| s.0)
                    .unwrap_or_default()
            })
            .collect()
    }

    #[test]
    fn scripts_are_lines_of_statements_that_write_no_files() {
        let all = scripts();
        assert!(all.iter().filter(|s| !s.is_empty()).count() > 30);
        for script in &all {
            assert!(!script.contains(" to \"") && !script.contains("load("));
        }
    }

    #[test]
    fn formulas_are_bracketed_and_shallow() {
        let bytes = [7u8; 200];
        let Formula(text) =
            Formula::arbitrary(&mut Unstructured::new(&bytes)).unwrap_or(Formula(String::new()));
        let mut depth = 0i32;
        let mut deepest = 0;
        for c in text.chars() {
            depth += match c {
                '(' => 1,
                ')' => -1,
                _ => 0,
            };
            deepest = deepest.max(depth);
        }
        assert_eq!(depth, 0, "{text}");
        assert!(deepest <= 2 * MAX_DEPTH as i32, "{text}");
    }
}
