//! The one error type of gd: a kind (who is at fault), a message in plain
//! words, an optional hint, and the span it points at.
//!
//! Rendering to text (`file:line:col`, the line, a caret) lives here too, as
//! a pure function returning a `String`: invariant, nothing in this module
//! writes to stdout or stderr. Columns count characters (Unicode scalar
//! values); the caret is placed and sized by display width, so it sits
//! under a wide (CJK) character.

use unicode_width::UnicodeWidthChar;

use crate::syntax::Span;

/// Who is at fault, which decides nothing but helps tests and tools.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// The text does not follow the grammar.
    Syntax,
    /// Unknown names, wrong arity, recursion, wrong kind of value.
    Name,
    /// A number out of range, a domain error, a size limit.
    Value,
    /// The user pressed Ctrl-C.
    Interrupted,
    /// A bug in gd: should never happen, reported rather than panicking.
    Internal,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Error {
    pub kind: ErrorKind,
    pub message: String,
    /// A suggestion shown after the message ("write x*(y+1)").
    pub hint: Option<String>,
    /// Where in the current source; `None` when there is no spot to show.
    pub span: Option<Span>,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error {
            kind,
            message: message.into(),
            hint: None,
            span: None,
        }
    }

    pub fn syntax(message: impl Into<String>, span: Span) -> Error {
        Error::new(ErrorKind::Syntax, message).at(span)
    }

    pub fn name(message: impl Into<String>, span: Span) -> Error {
        Error::new(ErrorKind::Name, message).at(span)
    }

    pub fn value(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Value, message)
    }

    pub fn interrupted() -> Error {
        Error::new(ErrorKind::Interrupted, "interrupted")
    }

    pub fn internal(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Internal, message)
    }

    /// Two vectors of different lengths met in one operation: each side's
    /// length and, when it is named data, its name.
    pub fn length_mismatch(left: (usize, Option<&str>), right: (usize, Option<&str>)) -> Error {
        let ((a, a_name), (b, b_name)) = (left, right);
        let values = if a == 1 { "value" } else { "values" };
        let (left, right) = match (a_name, b_name) {
            (Some(x), Some(z)) => (x, z),
            (Some(x), None) => (x, "a list"),
            (None, Some(z)) => ("a list", z),
            (None, None) => ("one vector", "another"),
        };
        Error::value(format!(
            "{left} has {a} {values} but {right} has {b}: vectors in one operation must have the same length"
        ))
    }

    /// Points the error at `span` unless it already points somewhere.
    pub fn at(mut self, span: Span) -> Error {
        if self.span.is_none() {
            self.span = Some(span);
        }
        self
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Error {
        self.hint = Some(hint.into());
        self
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, " ({hint})")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

/// 1-based line and column (in characters) of byte offset `pos` in `src`.
pub fn line_col(src: &str, pos: usize) -> (usize, usize) {
    let pos = floor_char_boundary(src, pos.min(src.len()));
    let before = &src[..pos];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = src[line_start..pos].chars().count() + 1;
    (line, column)
}

fn floor_char_boundary(s: &str, mut pos: usize) -> usize {
    while pos > 0 && !s.is_char_boundary(pos) {
        pos -= 1;
    }
    pos
}

/// Renders an error the way pest and rustc do:
///
/// ```text
/// error: expected an expression after '+'
///  --> script.gd:3:7
///   |
/// 3 | f(x) = x +
///   |           ^
///   = help: ...
/// ```
///
/// `source_name` is the file path, `-e` or `stdin`. Plain text: color, if
/// any, is added by the caller.
/// A warning, rendered as an error is but headed `warning:`.
pub fn render_warning(warning: &Error, source_name: &str, src: &str) -> String {
    let text = render(warning, source_name, src);
    match text.strip_prefix("error: ") {
        Some(rest) => format!("warning: {rest}"),
        None => text,
    }
}

pub fn render(error: &Error, source_name: &str, src: &str) -> String {
    let mut out = format!("error: {}\n", error.message);
    if let Some(span) = error.span {
        let (line, column) = line_col(src, span.start);
        // split('\n') keeps a trailing empty line, so a caret at the very end
        // of the source still has a line to sit under.
        let text = src.split('\n').nth(line - 1).unwrap_or("");
        let text = text.strip_suffix('\r').unwrap_or(text);
        let shown: String = text
            .chars()
            .map(|c| if c == '\t' { ' ' } else { c })
            .collect();
        let shown = clip_line(&shown, column);
        let (pad, width) = caret(src, span, &shown);
        let gutter = " ".repeat(line.to_string().len());
        out.push_str(&format!("{gutter}--> {source_name}:{line}:{column}\n"));
        out.push_str(&format!("{gutter} |\n"));
        out.push_str(&format!("{line} | {}\n", shown.text));
        out.push_str(&format!(
            "{gutter} | {}{}\n",
            " ".repeat(pad),
            "^".repeat(width)
        ));
    } else if !source_name.is_empty() {
        out.push_str(&format!(" --> {source_name}\n"));
    }
    if let Some(hint) = &error.hint {
        out.push_str(&format!("  = help: {hint}\n"));
    }
    out
}

struct Clipped {
    text: String,
    caret_column: usize,
}

/// Long lines (a 1 MB line, say) are cut to a window around the caret.
fn clip_line(line: &str, column: usize) -> Clipped {
    const WINDOW: usize = 60;
    let n = line.chars().count();
    if n <= 2 * WINDOW {
        return Clipped {
            text: line.to_string(),
            caret_column: column,
        };
    }
    let start = column.saturating_sub(WINDOW).max(1);
    let end = (column + WINDOW).min(n + 1);
    let mut text: String = line.chars().skip(start - 1).take(end - start).collect();
    let mut caret_column = column - start + 1;
    if start > 1 {
        text.insert_str(0, "...");
        caret_column += 3;
    }
    if end <= n {
        text.push_str("...");
    }
    Clipped { text, caret_column }
}

/// The caret's indent and length in terminal columns: the display width
/// of the shown line before the caret, and of the spanned text on its line
/// (at least 1, at most what is left of the shown line).
fn caret(src: &str, span: Span, shown: &Clipped) -> (usize, usize) {
    let start = floor_char_boundary(src, span.start.min(src.len()));
    let end = floor_char_boundary(src, span.end.min(src.len())).max(start);
    let spanned = src[start..end].split('\n').next().unwrap_or("");
    let mut before = shown.text.chars();
    let pad = display_width(before.by_ref().take(shown.caret_column - 1));
    let room = display_width(before);
    let width = display_width(spanned.chars());
    (pad, width.min(room.max(1)).max(1))
}

/// Columns a terminal gives `chars`: 2 for a wide (CJK) character, 0 for a
/// combining mark or a control character, 1 for a tab (shown as a space).
fn display_width(chars: impl Iterator<Item = char>) -> usize {
    chars
        .map(|c| if c == '\t' { 1 } else { c.width().unwrap_or(0) })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters() {
        let src = "a = 1\nθ = x +";
        assert_eq!(line_col(src, 0), (1, 1));
        assert_eq!(line_col(src, 6), (2, 1));
        // 'θ' is two bytes: the '=' is the third character of line 2.
        assert_eq!(line_col(src, 9), (2, 3));
    }

    #[test]
    fn render_puts_caret_under_span() {
        let src = "f(x) = x +\n";
        let error = Error::syntax("expected an expression after '+'", Span::new(10, 10));
        let text = render(&error, "t.gd", src);
        assert_eq!(
            text,
            "error: expected an expression after '+'\n --> t.gd:1:11\n  |\n1 | f(x) = x +\n  |           ^\n"
        );
    }

    #[test]
    fn the_caret_sits_under_wide_characters() {
        let src = "损失(w) = w + q";
        let at = src.find('q').unwrap_or(0);
        let error = Error::name("unknown name 'q'", Span::new(at, at + 1));
        let text = render(&error, "-e", src);
        // Column 13 counts characters; the caret is indented by 14
        // columns, as the two CJK characters are two columns wide each.
        assert!(text.contains("-e:1:13"), "{text}");
        assert!(text.ends_with("\n  |               ^\n"), "{text}");
        let error = Error::name("unknown function '损失'", Span::new(0, 6));
        assert!(render(&error, "-e", src).ends_with("  | ^^^^\n"));
        let combining = "x\u{302} = y";
        let error = Error::name("unknown name 'y'", Span::new(7, 8));
        assert!(render(&error, "-e", combining).ends_with("  |      ^\n"));
    }

    #[test]
    fn render_clips_long_lines() {
        let src = format!("{}?", "1+".repeat(10_000));
        let error = Error::syntax("unexpected '?'", Span::new(20_000, 20_001));
        let text = render(&error, "-e", &src);
        assert!(text.contains("-e:1:20001"), "{text}");
        let caret_line = text.lines().nth(4).unwrap_or("");
        let code_line = text.lines().nth(3).unwrap_or("");
        let caret_at = caret_line.find('^').unwrap_or(0);
        assert_eq!(code_line.as_bytes()[caret_at], b'?');
        assert!(text.len() < 400);
    }
}
