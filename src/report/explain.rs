//! A derivation as a teacher writes it on the board: the derivative asked
//! for, then one line per step, `= expression`, with the rule it applied
//! at the right, aligned when the lines fit the width; for `grad(f)` one
//! derivation per parameter and the gradient at the end.
//!
//! Invariant: every expression is printed whole, in gd syntax, so each
//! line can be typed back.

use colored::Colorize;

use super::Style;
use super::values::exprs_text;
use crate::outcome::ExplainOutcome;
use crate::symbolic::explain::Derivation;
use crate::symbolic::print::to_text;
use crate::text::pad_right;

/// Before each step's `=`.
const STEP_INDENT: &str = "  = ";
/// Between the longest expression and the rules' column.
const RULE_GAP: usize = 4;

pub(super) fn explain_text(o: &ExplainOutcome, style: &Style) -> String {
    let blocks: Vec<String> = o
        .derivations
        .iter()
        .map(|d| derivation_text(d, style.fit_width()))
        .collect();
    let mut out = blocks.join("\n");
    if let Some(name) = &o.gradient_of {
        let results: Vec<_> = o.derivations.iter().map(|d| d.result).collect();
        out.push_str(&format!("\ngrad({name}) = {}\n", exprs_text(&results)));
    }
    out
}

fn derivation_text(d: &Derivation, width: usize) -> String {
    let mut out = format!("{}\n", to_text(d.start));
    if d.steps.is_empty() {
        out.push_str(&format!("{STEP_INDENT}{}\n", to_text(d.result)));
        return out;
    }
    let lines: Vec<(String, &str)> = d
        .steps
        .iter()
        .map(|s| (format!("{STEP_INDENT}{}", to_text(s.expr)), s.rule.name()))
        .collect();
    let longest = lines
        .iter()
        .map(|(l, _)| l.chars().count())
        .max()
        .unwrap_or(0);
    let widest_rule = lines.iter().map(|(_, r)| r.len()).max().unwrap_or(0);
    let aligned = longest + RULE_GAP + widest_rule <= width;
    for (line, rule) in &lines {
        let padded = if aligned {
            pad_right(line, longest + RULE_GAP)
        } else {
            format!("{line}  ")
        };
        out.push_str(&format!("{padded}{}\n", rule.dimmed()));
    }
    out
}
