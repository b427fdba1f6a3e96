//! The line editor's helper: the state that completion (`complete`),
//! hints (`hint`), highlighting (`highlight`) and the validator
//! (`validate`) share, and what they read in the line before the cursor.
//!
//! Invariant: the helper never touches the session. It reads a snapshot of
//! the user's names (`SharedNames`) that the REPL refreshes after each
//! entry, so evaluation can borrow the session mutably meanwhile.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use rustyline::Helper;
use rustyline::completion::FilenameCompleter;

/// The user's names as the helper sees them: functions with their
/// parameters, and values.
#[derive(Clone, Debug, Default)]
pub struct Names {
    pub functions: Vec<(String, Vec<String>)>,
    pub values: Vec<String>,
}

/// The snapshot shared between the REPL (which refreshes it) and the helper.
pub type SharedNames = Rc<RefCell<Names>>;

/// Lines longer than this (in bytes) are neither colored nor hinted: a
/// colored line is repainted whole on every key, so pasting a long line
/// would take time quadratic in its length.
pub(super) const LONG_LINE: usize = 1024;

pub struct GdHelper {
    pub(super) names: SharedNames,
    pub(super) color: bool,
    pub(super) files: FilenameCompleter,
    /// Whether to mark the bracket matching the one at the cursor (not on
    /// the final refresh of an accepted line).
    pub(super) show_bracket: Cell<bool>,
}

impl GdHelper {
    pub fn new(names: SharedNames, color: bool) -> GdHelper {
        GdHelper {
            names,
            color,
            files: FilenameCompleter::new(),
            show_bracket: Cell::new(true),
        }
    }
}

impl Helper for GdHelper {}

/// Where the name that ends at the end of `before` starts (names start
/// with a letter or `_`, so `2pi` completes `pi`).
pub(super) fn word_start(before: &str) -> usize {
    let mut start = before.len();
    for (i, c) in before.char_indices().rev() {
        if c.is_alphanumeric() || c == '_' {
            start = i;
        } else {
            break;
        }
    }
    let word = &before[start..];
    let digits = word.len() - word.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    start + digits
}

/// Whether `before` ends where an optimizer name goes: after `using `, or
/// after `[` or `,` in `using [gd, ...`.
pub(super) fn in_method_list(before: &str) -> bool {
    let Some(at) = before.rfind("using") else {
        return false;
    };
    let after = &before[at + "using".len()..];
    let own_word = at == 0 || !before[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_');
    own_word
        && after.starts_with(char::is_whitespace)
        && !after.contains(['(', '#', ';', ']'])
        && after
            .trim_end()
            .chars()
            .last()
            .is_none_or(|c| c == '[' || c == ',')
}

/// The byte index of the last `(` that is still open at the end of `line`.
pub(super) fn innermost_open_paren(line: &str) -> Option<usize> {
    let mut open: Vec<(usize, char)> = Vec::new();
    for (i, c) in line.char_indices() {
        match c {
            '(' | '[' => open.push((i, c)),
            ')' | ']' => {
                open.pop();
            }
            _ => {}
        }
    }
    match open.last() {
        Some(&(i, '(')) => Some(i),
        _ => None,
    }
}

/// A helper that knows two functions, `loss(w, b)` and `f(x)`, and one
/// value, `learning`, for the tests of each part.
#[cfg(test)]
pub(super) fn sample(color: bool) -> GdHelper {
    let names = Names {
        functions: vec![
            ("loss".into(), vec!["w".into(), "b".into()]),
            ("f".into(), vec!["x".into()]),
        ],
        values: vec!["learning".into()],
    };
    GdHelper::new(Rc::new(RefCell::new(names)), color)
}
