//! The pre-pass: comments, line joining and bracket checks, before pest.
//!
//! It reads the source as `unicode` rewrote it (`（` is a bracket here) and
//! copies it into a text of exactly the same length in bytes, so every
//! byte offset stays valid, in which comments are spaces and every
//! newline that does not end a statement (inside brackets, or after a line
//! ending in a binary operator or `=`) is a space. On the way it reports
//! what pest would handle badly or not at all: an unclosed, stray or
//! mismatched bracket, brackets nested too deeply, an unterminated string,
//! a superscript or subscript digit left over (one that follows no
//! operand, or no name); its errors point into the source as typed and
//! quote it. It reads the text as the shared
//! lexer's tokens, so a comment or a string ends where it does for the
//! explainer and the highlighter. Invariant: a text this module hands on
//! without a failure has balanced brackets nested at most
//! `MAX_BRACKET_DEPTH` deep, so the grammar's recursion is bounded.

use super::lexer::{self, Kind};
use super::unicode::{self, Normalized};
use crate::error::{Error, line_col};
use crate::syntax::Span;

/// Deepest nesting of `(` and `[` accepted.
pub(super) const MAX_BRACKET_DEPTH: usize = 200;

/// The source made ready for pest.
pub(super) struct Prepared {
    /// Same length as the source; see the module doc. When `failure` is set,
    /// only the text before `failure.stmt_start` is meaningful.
    pub clean: String,
    /// The last line ends in a binary operator or `=`: the statement goes on.
    pub continues: bool,
    pub failure: Option<Failure>,
    /// Lines that begin with `+` or `-` after a definition: statements of
    /// their own, which the writer may have meant to continue it.
    pub warnings: Vec<Error>,
}

/// The first problem found, and where its statement starts.
pub(super) struct Failure {
    pub error: Error,
    /// Byte offset where the statement holding the error starts: the text
    /// before it is whole statements, which may hold an earlier error.
    pub stmt_start: usize,
    /// An unclosed bracket: more input could complete the source.
    pub unclosed: bool,
}

/// An open bracket: the character and its byte offset.
type Open = (char, usize);

/// Runs the pre-pass over the rewritten text of `source`.
pub(super) fn prepare(source: &Normalized) -> Prepared {
    let mut scan = Scan {
        src: &source.text,
        source,
        clean: String::with_capacity(source.text.len()),
        open: Vec::new(),
        last: None,
        last_word: None,
        stmt_start: 0,
        defines: false,
        warnings: Vec::new(),
    };
    let failure = scan.run().err();
    let continues = failure.is_none()
        && (scan.last.is_some_and(is_continuation_char)
            || scan.last_word.is_some_and(|w| NEEDS_OPERAND.contains(&w)));
    Prepared {
        clean: scan.clean,
        continues,
        failure,
        warnings: scan.warnings,
    }
}

/// A binary operator, `=` (also `==`) or `,` at the end of a line joins it
/// to the next.
fn is_continuation_char(c: char) -> bool {
    matches!(c, '+' | '-' | '*' | '/' | '^' | '=' | ',')
}

/// Keywords that need an operand after them: at the end of a line, the
/// statement goes on.
const NEEDS_OPERAND: [&str; 12] = [
    "from", "lr", "steps", "tol", "using", "every", "batch", "seed", "to", "for", "in", "check",
];

/// Clause keywords: a line that begins with one continues the line above
/// (`plot` is not one: it also starts a statement of its own).
const CLAUSES: [&str; 11] = [
    "lr", "steps", "tol", "using", "every", "batch", "seed", "state", "to", "from", "for",
];

/// Whether a line beginning with this token continues the line above: an
/// operator that cannot start an expression (`* / ^ ==`; not `+` or `-`,
/// which start a statement of their own) or a clause keyword.
fn continues_above(kind: Kind, text: &str) -> bool {
    match kind {
        Kind::Op => matches!(text, "*" | "/" | "^" | "**" | "=="),
        Kind::Name => CLAUSES.contains(&text),
        _ => false,
    }
}

/// A `+` or `-` token, which at the start of a line starts a statement.
fn is_sign(kind: Kind, text: &str) -> bool {
    kind == Kind::Op && matches!(text, "+" | "-")
}

/// `h(x) = x` then a line `  - 1`: h is x, and -1 is printed on its own.
fn sign_line_warning(sign: &str, span: Span) -> Error {
    Error::syntax(
        format!(
            "this line is not part of the definition above: a line that begins \
             with '{sign}' is a statement of its own"
        ),
        span,
    )
    .with_hint(format!(
        "to continue the definition, end the line above with '{sign}'"
    ))
}

/// The state of one left-to-right scan.
struct Scan<'a> {
    /// The rewritten text, which is read; spans below are offsets into it.
    src: &'a str,
    source: &'a Normalized<'a>,
    clean: String,
    /// Brackets open at the current position, innermost last.
    open: Vec<Open>,
    /// The last character outside comments, strings and whitespace since the
    /// last statement break.
    last: Option<char>,
    /// The last token when it is a name (a keyword that needs an operand
    /// continues the line).
    last_word: Option<&'a str>,
    stmt_start: usize,
    /// The statement so far holds an `=` outside brackets: a definition.
    defines: bool,
    warnings: Vec<Error>,
}

impl<'a> Scan<'a> {
    fn run(&mut self) -> Result<(), Failure> {
        let tokens: Vec<_> = lexer::tokens(self.src).collect();
        for (i, token) in tokens.iter().enumerate() {
            let at = token.span.start;
            match token.kind {
                Kind::Comment => self.blank(token.text),
                Kind::Str if !token.is_closed_string() => {
                    return Err(self.fail(unterminated_string(at)));
                }
                Kind::Str => self.keep(token.text),
                Kind::Sep if token.text == "\n" => {
                    let next = tokens[i + 1..].iter().find(|t| t.kind != Kind::Space);
                    let defined = self.defines;
                    let ended = self.newline(next.is_some_and(|t| continues_above(t.kind, t.text)));
                    if let Some(sign) = next.filter(|t| ended && defined && is_sign(t.kind, t.text))
                    {
                        let warning = sign_line_warning(sign.text, sign.span);
                        self.warnings.push(self.source.error(warning));
                    }
                }
                Kind::Op if token.text == "=" && self.open.is_empty() => {
                    self.defines = true;
                    self.keep(token.text);
                }
                Kind::Sep => self.semicolon(at),
                Kind::Open => self.opener(token.text, at)?,
                Kind::Close => self.closer(token.text, at)?,
                Kind::Space => self.clean.push_str(token.text),
                _ => self.operand_or_operator(token.text, at)?,
            }
            match token.kind {
                Kind::Sep if token.text == ";" => self.last_word = None,
                Kind::Space | Kind::Comment | Kind::Sep => {}
                Kind::Name => self.last_word = Some(token.text),
                _ => self.last_word = None,
            }
        }
        match self.open.last() {
            Some(&open) => Err(Failure {
                unclosed: true,
                ..self.fail(self.unclosed(open))
            }),
            None => Ok(()),
        }
    }

    /// Copies text that counts: its last character is the one that decides
    /// whether a line goes on.
    fn keep(&mut self, text: &str) {
        self.clean.push_str(text);
        self.last = text.chars().last();
    }

    /// Replaces a comment by as many spaces as it has bytes.
    fn blank(&mut self, comment: &str) {
        self.clean.extend(std::iter::repeat_n(' ', comment.len()));
    }

    /// A `;` ends the statement, unless a bracket is open.
    fn semicolon(&mut self, at: usize) {
        self.clean.push(';');
        if self.open.is_empty() {
            self.stmt_start = at + 1;
            self.last = None;
            self.defines = false;
        } else {
            self.last = Some(';');
        }
    }

    /// Any other token: kept, unless it holds a superscript or subscript
    /// digit (a name reads `x²` whole, as letters and digits).
    fn operand_or_operator(&mut self, text: &str, at: usize) -> Result<(), Failure> {
        for (i, c) in text.char_indices() {
            if unicode::superscript(c).is_some() {
                return Err(self.fail(superscript(self.src, at + i)));
            }
            if unicode::subscript(c).is_some() {
                return Err(self.fail(subscript(self.src, at + i)));
            }
        }
        self.keep(text);
        Ok(())
    }

    /// A newline ends the statement unless a bracket is open or the line
    /// ends in an operator; blank and comment lines in between join too.
    /// A newline ends the statement unless a bracket is open, the line
    /// ends in an operator, `=`, `,` or a keyword that needs an operand, or
    /// the next line begins with what cannot start a statement
    /// (`next_continues`).
    /// Returns whether the statement ended.
    fn newline(&mut self, next_continues: bool) -> bool {
        let goes_on = self.last.is_some_and(is_continuation_char)
            || self.last_word.is_some_and(|w| NEEDS_OPERAND.contains(&w));
        if !self.open.is_empty() || goes_on || next_continues {
            self.clean.push(' ');
            false
        } else {
            self.clean.push('\n');
            self.stmt_start = self.clean.len();
            self.last = None;
            self.last_word = None;
            self.defines = false;
            true
        }
    }

    fn opener(&mut self, bracket: &str, at: usize) -> Result<(), Failure> {
        if self.open.len() >= MAX_BRACKET_DEPTH {
            let error = Error::syntax(
                format!("brackets are nested too deeply (more than {MAX_BRACKET_DEPTH} levels)"),
                Span::new(at, at + 1),
            );
            return Err(self.fail(error));
        }
        let c = bracket_char(bracket);
        self.open.push((c, at));
        self.keep(bracket);
        Ok(())
    }

    fn closer(&mut self, bracket: &str, at: usize) -> Result<(), Failure> {
        let c = bracket_char(bracket);
        let span = Span::new(at, at + 1);
        let typed = self.source.typed(span);
        match self.open.pop() {
            None => {
                let error = Error::syntax(format!("unexpected '{typed}'"), span)
                    .with_hint(format!("there is no '{}' for it to close", opener_of(c)));
                Err(self.fail(error))
            }
            Some((open, open_at)) if closer_of(open) != c => {
                let error = Error::syntax(
                    format!(
                        "expected '{}' to close the '{}' {}, found '{typed}'",
                        closer_of(open),
                        self.source.typed(Span::new(open_at, open_at + 1)),
                        place(self.source, open_at, at)
                    ),
                    span,
                );
                Err(self.fail(error))
            }
            Some(_) => {
                self.keep(bracket);
                Ok(())
            }
        }
    }

    /// The bracket `open` is never closed.
    fn unclosed(&self, (open, at): Open) -> Error {
        let span = Span::new(at, at + 1);
        Error::syntax(
            format!(
                "unclosed '{}': expected '{}' before the end",
                self.source.typed(span),
                closer_of(open)
            ),
            span,
        )
    }

    /// The failure of `error`, whose span is in the rewritten text.
    fn fail(&self, error: Error) -> Failure {
        Failure {
            error: self.source.error(error),
            stmt_start: self.stmt_start,
            unclosed: false,
        }
    }
}

/// The character of a bracket token.
fn bracket_char(bracket: &str) -> char {
    // The lexer's brackets are one ASCII character each.
    char::from(bracket.as_bytes()[0])
}

fn closer_of(open: char) -> char {
    if open == '[' { ']' } else { ')' }
}

fn opener_of(close: char) -> char {
    if close == ']' { '[' } else { '(' }
}

/// Where the bracket at `open_at` is, said from the point of view of an
/// error at `error_at` (both offsets into the rewritten text): "at column
/// 3" on the same line, else with the line, as typed.
pub(super) fn place(source: &Normalized, open_at: usize, error_at: usize) -> String {
    let src = source.original;
    let (line, column) = line_col(src, source.map.start(open_at));
    if line == line_col(src, source.map.start(error_at)).0 {
        format!("at column {column}")
    } else {
        format!("at line {line}, column {column}")
    }
}

fn unterminated_string(at: usize) -> Error {
    Error::syntax(
        "unterminated string: expected '\"' before the end of the line",
        Span::new(at, at + 1),
    )
}

/// The name or number just before `at` (`x` in `x²`), if any.
fn operand_before(src: &str, at: usize) -> &str {
    let before = &src[..at];
    let start = before
        .char_indices()
        .rev()
        .take_while(|&(_, c)| c.is_alphanumeric() || c == '_' || c == '.')
        .last()
        .map_or(at, |(i, _)| i);
    &before[start..]
}

/// The run of characters starting at `at` that `value` maps, mapped.
fn mapped_run(src: &str, at: usize, value: fn(char) -> Option<char>) -> (String, usize) {
    let mut text = String::new();
    let mut end = at;
    for (i, c) in src[at..].char_indices() {
        match value(c) {
            Some(v) => {
                text.push(v);
                end = at + i + c.len_utf8();
            }
            None => break,
        }
    }
    (text, end)
}

/// A superscript left over: it follows no operand (`x ²`, `+²`).
fn superscript(src: &str, at: usize) -> Error {
    let (exponent, end) = mapped_run(src, at, unicode::superscript);
    let typed = &src[at..end];
    let base = base_before(src, at, |_| true);
    Error::syntax(
        format!("'{typed}' is a power and needs its base just before it"),
        Span::new(at, end),
    )
    .with_hint(format!("write {base}{typed} or {base}^{exponent}"))
}

/// A subscript left over: it is not in a name (`2₁`, `x ₁`).
fn subscript(src: &str, at: usize) -> Error {
    let (digits, end) = mapped_run(src, at, unicode::subscript);
    let typed = &src[at..end];
    let base = base_before(src, at, |c| c.is_alphabetic() || c == '_');
    Error::syntax(
        format!("'{typed}' is a subscript and can only be part of a name"),
        Span::new(at, end),
    )
    .with_hint(format!("write {base}{typed} or {base}{digits}"))
}

/// The name or number before `at`, spaces aside, when it is short and
/// starts as `first` allows; else `x`.
fn base_before(src: &str, at: usize, first: fn(char) -> bool) -> &str {
    let base = operand_before(src, src[..at].trim_end().len());
    let fits = base.chars().next().is_some_and(first) && base.chars().count() <= 20;
    if fits { base } else { "x" }
}
