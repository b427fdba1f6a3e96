//! The results of `check` in words: the verdict, the point where the sides
//! differ, and the diagnosis written as a teacher's margin note (the same
//! words in the human text and in JSON's `diagnosis.text`).
//!
//! Invariant: every expression in a note prints in gd's own syntax, so a
//! student can paste it back.

use colored::Colorize;
use serde_json::{Map, Value as Json, json};

use super::json::number;
use crate::check::{CheckOutcome, Diagnosis, PowerMistake, ProductMistake, QuotientMistake, Which};
use crate::symbolic::Expr;
use crate::symbolic::Num;
use crate::symbolic::expr::pow;
use crate::symbolic::print::to_text;
use crate::text::format_number;

pub(super) fn check_text(c: &CheckOutcome) -> String {
    match c.ok {
        Some(true) => format!("{} equal ({})\n", "✓".green().bold(), c.method.name()),
        None => format!(
            "{} cannot decide: neither side is defined at any point tried\n",
            "?".yellow().bold()
        ),
        Some(false) => {
            let component = c
                .component
                .map(|k| format!(" in component {k}"))
                .unwrap_or_default();
            let mut text = format!(
                "{} not equal{component}{}: left = {}, right = {}\n  left:  {}\n  right: {}\n",
                "✗".red().bold(),
                at_text(c),
                format_number(c.left),
                format_number(c.right),
                to_text(c.left_expr),
                to_text(c.right_expr),
            );
            if let Some(d) = c.diagnosis.as_ref().filter(|d| **d != Diagnosis::None) {
                text.push_str(&format!("  {} {}\n", "→".cyan(), diagnosis_text(c, d)));
            }
            text
        }
    }
}

/// ` at x = 1, y = 0` (and the row over data); empty for constants.
fn at_text(c: &CheckOutcome) -> String {
    let mut at: Vec<String> = point_items(&c.at);
    at.extend(c.row.map(|r| format!("row {r}")));
    if at.is_empty() {
        String::new()
    } else {
        format!(" at {}", at.join(", "))
    }
}

fn point_items(at: &[(String, f64)]) -> Vec<String> {
    at.iter()
        .map(|(v, x)| format!("{v} = {}", format_number(*x)))
        .collect()
}

pub(super) fn check_json(c: &CheckOutcome) -> Json {
    let mut object = Map::new();
    object.insert("kind".into(), json!("check"));
    object.insert("ok".into(), json!(c.ok));
    object.insert("method".into(), json!(c.method.name()));
    if c.ok == Some(false) {
        if let Some(k) = c.component {
            object.insert("component".into(), json!(k));
        }
        let mut at: Map<String, Json> = c.at.iter().map(|(v, x)| (v.clone(), number(*x))).collect();
        if let Some(row) = c.row {
            at.insert("row".into(), json!(row));
        }
        object.insert("at".into(), Json::Object(at));
        object.insert("left".into(), number(c.left));
        object.insert("right".into(), number(c.right));
        if let Some(d) = &c.diagnosis {
            object.insert(
                "diagnosis".into(),
                json!({"kind": d.kind(), "text": diagnosis_text(c, d)}),
            );
        }
    }
    Json::Object(object)
}

/// What the two sides are called: "the answer" and "the derivative" when
/// one side is a derivative, else by where they stand.
fn names(c: &CheckOutcome) -> (&'static str, &'static str) {
    match (c.derivative, c.reference) {
        (true, _) => ("the answer", "the derivative"),
        (false, Which::Left) => ("the right side", "the left"),
        (false, Which::Right) => ("the left side", "the right"),
    }
}

/// The margin note.
fn diagnosis_text(c: &CheckOutcome, d: &Diagnosis) -> String {
    let (answer, reference) = names(c);
    match d {
        Diagnosis::ChainRule { node, inner } => format!(
            "chain rule: the inner derivative {} of {} is missing",
            to_text(*inner),
            to_text(*node)
        ),
        Diagnosis::ProductRule { node, mistake } => product_text(*node, mistake),
        Diagnosis::QuotientRule {
            denominator,
            mistake,
            ..
        } => quotient_text(*denominator, *mistake),
        Diagnosis::PowerRule { node, mistake } => power_text(*node, *mistake),
        Diagnosis::Sign => format!("the sign is wrong: {answer} is minus {reference}"),
        Diagnosis::Factor(c) => {
            let c = number_text(*c);
            format!("off by a factor of {c}: {answer} is {c} times {reference}")
        }
        Diagnosis::Constant(c) => {
            let (sign, magnitude) = if c.is_negative() {
                ("minus", c.abs())
            } else {
                ("plus", *c)
            };
            format!(
                "off by a constant: {answer} is {reference} {sign} {}",
                number_text(magnitude)
            )
        }
        Diagnosis::Terms {
            right,
            wrong,
            missing,
        } => terms_text(right, wrong, missing),
        Diagnosis::Domain {
            at,
            undefined,
            isolated,
        } => domain_text(at, *undefined, *isolated),
        Diagnosis::None => "no common mistake fits".into(),
    }
}

fn product_text(node: Expr, mistake: &ProductMistake) -> String {
    match mistake {
        ProductMistake::Missing(term) => format!(
            "product rule: the term {} of the derivative of {} is missing ((u v)' = u' v + u v')",
            to_text(*term),
            to_text(node)
        ),
        ProductMistake::DerivativesMultiplied => format!(
            "product rule: the derivative of {} is u' v + u v', not u' v'",
            to_text(node)
        ),
    }
}

fn quotient_text(denominator: Expr, mistake: QuotientMistake) -> String {
    match mistake {
        QuotientMistake::Swapped => {
            "quotient rule: the numerator is the wrong way round; (u/v)' = (u' v - u v')/v^2".into()
        }
        QuotientMistake::NotSquared => format!(
            "quotient rule: the denominator is the square {}, not {}",
            to_text(pow(denominator, Expr::int(2))),
            to_text(denominator)
        ),
    }
}

fn power_text(node: Expr, mistake: PowerMistake) -> String {
    match mistake {
        PowerMistake::NotLowered => format!(
            "power rule: the exponent of {} was not lowered; (x^n)' = n x^(n - 1)",
            to_text(node)
        ),
        PowerMistake::VariableExponent => format!(
            "power rule: {} has a variable exponent, where the power rule does not apply; (a^u)' = a^u ln(a) u'",
            to_text(node)
        ),
    }
}

fn terms_text(right: &[Expr], wrong: &[Expr], missing: &[Expr]) -> String {
    let list = |items: &[Expr]| {
        items
            .iter()
            .map(|e| to_text(*e))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut parts = Vec::new();
    for (label, items) in [("right", right), ("wrong", wrong), ("missing", missing)] {
        if !items.is_empty() {
            parts.push(format!("{label}: {}", list(items)));
        }
    }
    format!("terms: {}", parts.join("; "))
}

fn domain_text(at: &[(String, f64)], undefined: Which, isolated: bool) -> String {
    let (side, other) = match undefined {
        Which::Left => ("left", "right"),
        Which::Right => ("right", "left"),
    };
    let point = point_items(at).join(", ");
    if isolated && at.len() == 1 {
        let (v, x) = &at[0];
        return format!(
            "equal for {v} ≠ {}: there the {side} side is undefined and the {other} is not",
            format_number(*x)
        );
    }
    format!(
        "equal where both are defined, but at {point} the {side} side is undefined and the {other} is not"
    )
}

/// An exact number as gd writes it: `2`, `1/2`, `-3`.
fn number_text(n: Num) -> String {
    to_text(Expr::num(n))
}
