//! The validator: whether the editor accepts the buffer on Enter.
//!
//! Invariant: only a multi-line buffer that is unfinished (an open bracket,
//! a last line ending in an operator) is held open; one typed line is always
//! accepted, and the REPL asks for more with its own continuation prompt.

use rustyline::validate::{ValidationContext, ValidationResult, Validator};

use gd::parse::is_incomplete;

use super::helper::GdHelper;

impl Validator for GdHelper {
    /// A line typed fresh is always accepted: the REPL itself asks for the
    /// next line with a continuation prompt. A multi-line entry recalled
    /// from history (or pasted) stays open for editing while unfinished.
    fn validate(&self, ctx: &mut ValidationContext) -> rustyline::Result<ValidationResult> {
        Ok(validation(ctx.input()))
    }
}

fn validation(input: &str) -> ValidationResult {
    if input.contains('\n') && !input.trim_start().starts_with(':') && is_incomplete(input) {
        ValidationResult::Incomplete
    } else {
        ValidationResult::Valid(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validator_keeps_unfinished_multiline_entries_open() {
        let incomplete = |s| matches!(validation(s), ValidationResult::Incomplete);
        assert!(incomplete("f(x) = (x +\n  1"));
        assert!(incomplete("minimize f from (0,\n 0) lr 0.1 +"));
        assert!(!incomplete("f(x) = (x +\n 1)"));
        // One line: the REPL shows its own continuation prompt.
        assert!(!incomplete("f(x) = (x +"));
        // A stray bracket is an error to report, not more input to wait for.
        assert!(!incomplete("f(x) = x)\n+ 1"));
        assert!(!incomplete(":load (\n"));
    }
}
