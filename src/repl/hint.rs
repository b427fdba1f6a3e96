//! Hints, shown dimmed after the cursor: the parameters still to give in a
//! call, the optimizer names after `using`, the rest of the one optimizer
//! name that fits.
//!
//! Invariant: a hint never makes the line wrap; one that would is
//! shortened or dropped (`fit_hint`).

use rustyline::Context;
use rustyline::hint::{Hint, Hinter};

use gd::builtins;
use gd::descent::METHOD_NAMES;

use super::helper::{GdHelper, LONG_LINE, in_method_list, innermost_open_paren, word_start};

/// A hint shown in grey after the cursor; only some are inserted by the
/// right arrow (a parameter list is a reminder, not text to type).
pub struct GdHint {
    display: String,
    completion: Option<String>,
}

impl Hint for GdHint {
    fn display(&self) -> &str {
        &self.display
    }

    fn completion(&self) -> Option<&str> {
        self.completion.as_deref()
    }
}

impl Hinter for GdHelper {
    type Hint = GdHint;

    fn hint(&self, line: &str, pos: usize, _ctx: &Context<'_>) -> Option<GdHint> {
        if !self.color
            || pos < line.len()
            || line.len() > LONG_LINE
            || line.trim_start().starts_with(':')
        {
            return None;
        }
        let hint = self.hint_for(line)?;
        let columns = terminal_size::terminal_size().map_or(80, |(w, _)| usize::from(w.0));
        // The prompt is 4 wide; a hint that would wrap is shortened.
        let room = columns.saturating_sub(line.chars().count() + 5);
        fit_hint(hint, room)
    }
}

/// The hint, shortened to `room` columns: a list of names loses names from
/// its end (and says so with `…`); any other hint that is too long goes.
fn fit_hint(hint: GdHint, room: usize) -> Option<GdHint> {
    if hint.display.chars().count() <= room {
        return Some(hint);
    }
    if hint.completion.is_some() || !hint.display.contains(" | ") {
        return None;
    }
    let mut shown = String::new();
    for name in hint.display.split(" | ") {
        let longer = if shown.is_empty() {
            name.to_string()
        } else {
            format!("{shown} | {name}")
        };
        if longer.chars().count() + " | …".len() > room {
            break;
        }
        shown = longer;
    }
    if shown.is_empty() {
        return None;
    }
    Some(GdHint {
        display: format!("{shown} | …"),
        completion: None,
    })
}

/// After `using `: the optimizer names; after `using ad`: the rest of
/// the only name that fits.
fn method_hint(line: &str) -> Option<GdHint> {
    let start = word_start(line);
    if !in_method_list(&line[..start]) {
        return None;
    }
    let partial = &line[start..];
    if partial.is_empty() {
        return Some(GdHint {
            display: METHOD_NAMES.join(" | "),
            completion: None,
        });
    }
    let fits: Vec<&&str> = METHOD_NAMES
        .iter()
        .filter(|m| m.starts_with(partial) && **m != partial)
        .collect();
    match fits.as_slice() {
        [only] => {
            let rest = only[partial.len()..].to_string();
            Some(GdHint {
                display: rest.clone(),
                completion: Some(rest),
            })
        }
        _ => None,
    }
}

impl GdHelper {
    /// The parameters of `name`, the user's function or a built-in.
    fn params_of(&self, name: &str) -> Option<Vec<String>> {
        let names = self.names.borrow();
        if let Some((_, params)) = names.functions.iter().find(|(n, _)| n == name) {
            return Some(params.clone());
        }
        builtins::params(name).map(|ps| ps.iter().map(|p| p.to_string()).collect())
    }

    /// The hint for a line with the cursor at its end, whatever its width.
    fn hint_for(&self, line: &str) -> Option<GdHint> {
        method_hint(line).or_else(|| self.call_hint(line))
    }

    /// Inside `f(...`: the parameters still to give, and `)`.
    fn call_hint(&self, line: &str) -> Option<GdHint> {
        let open = innermost_open_paren(line)?;
        let callee_end = line[..open].trim_end().len();
        let start = word_start(&line[..callee_end]);
        let name = &line[start..callee_end];
        if name.is_empty() {
            return None;
        }
        let params = self.params_of(name)?;
        let inside = &line[open + 1..];
        let given = top_level_commas(inside);
        let current = inside.rsplit(',').next().unwrap_or("").trim();
        let rest: Vec<&str> = params.iter().skip(given).map(String::as_str).collect();
        let display = if current.is_empty() {
            format!("{})", rest.join(", "))
        } else if rest.len() > 1 {
            format!(", {})", rest[1..].join(", "))
        } else {
            ")".to_string()
        };
        Some(GdHint {
            display,
            completion: None,
        })
    }
}

fn top_level_commas(inside: &str) -> usize {
    let mut depth = 0i32;
    let mut commas = 0;
    for c in inside.chars() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth -= 1,
            ',' if depth == 0 => commas += 1,
            _ => {}
        }
    }
    commas
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::repl::helper::sample as helper;
    use rustyline::highlight::Highlighter;
    use rustyline::history::DefaultHistory;

    fn hint(line: &str) -> Option<String> {
        helper(true).hint_for(line).map(|h| h.display)
    }

    #[test]
    fn hints_parameters_and_methods() {
        assert_eq!(hint("loss(").as_deref(), Some("w, b)"));
        assert_eq!(hint("loss(1, ").as_deref(), Some("b)"));
        assert_eq!(hint("loss(1").as_deref(), Some(", b)"));
        assert_eq!(hint("3 + f (").as_deref(), Some("x)"));
        assert_eq!(hint("diff(").as_deref(), Some("expr, var[, n])"));
        assert_eq!(hint("max(sin(x), ").as_deref(), Some("b)"));
        assert_eq!(hint("g(").as_deref(), None);
        assert_eq!(hint("loss(1, 2)").as_deref(), None);
        assert_eq!(
            hint("minimize f from 0 using ").as_deref(),
            Some("gd | momentum | nesterov | adagrad | rmsprop | adam | newton")
        );
        assert_eq!(hint("minimize f from 0 using [gd, "), hint("x using "));
        assert_eq!(hint("minimize f from 0 using ad").as_deref(), None);
        assert_eq!(hint("minimize f from 0 using ada").as_deref(), None);
        assert_eq!(hint("minimize f from 0 using adam").as_deref(), None);
        assert_eq!(hint("minimize f from 0 using rms").as_deref(), Some("prop"));
        let history = DefaultHistory::new();
        let ctx = Context::new(&history);
        assert!(helper(true).hint(":help ", 6, &ctx).is_none());
        assert!(helper(true).hint("loss(", 3, &ctx).is_none());
    }

    #[test]
    fn hints_are_shortened_to_fit() {
        let list = |display: &str| GdHint {
            display: display.into(),
            completion: None,
        };
        let fitted = |display: &str, room| fit_hint(list(display), room).map(|h| h.display);
        assert_eq!(fitted("gd | adam", 9).as_deref(), Some("gd | adam"));
        assert_eq!(fitted("gd | adam | newton", 12).as_deref(), Some("gd | …"));
        assert_eq!(fitted("gd | adam", 3), None);
        assert_eq!(fitted("x, y)", 3), None);
    }

    #[test]
    fn no_hints_without_color() {
        let history = DefaultHistory::new();
        let ctx = Context::new(&history);
        assert!(helper(false).hint("loss(", 5, &ctx).is_none());
        assert_eq!(helper(false).highlight("loss(1)", 7), "loss(1)");
    }
}
