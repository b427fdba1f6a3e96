//! Turning pest's failures into plain words.
//!
//! pest reports the furthest position it reached. This module lexes the
//! statement up to that position with the shared lexer, looks at the
//! token before it, the token found there and the kind of statement, and
//! says what was expected in the user's terms, with a hint when there is an
//! obvious fix. It reads the text as `unicode` rewrote it, and quotes
//! tokens as they were typed (`'（'`, not `'('`). Invariant: no grammar
//! rule name ever reaches a message.

use pest::error::{ErrorVariant, InputLocation};

use super::lexer::{self, Kind, Token, is_name_start};
use super::prepass::place;
use super::unicode::Normalized;
use super::{KEYWORDS, Rule};
use crate::error::Error;
use crate::syntax::Span;

/// The clauses a descent takes, for hints.
const CLAUSES: &str = "from, lr, steps, tol, using, every, batch, seed, state and plot";

/// Explains a pest failure on `clean` (the pre-pass output of the
/// rewritten `source`), pointing into the source as typed, and says where
/// the failing statement starts in `clean`.
pub(super) fn from_pest(
    source: &Normalized,
    clean: &str,
    err: &pest::error::Error<Rule>,
) -> (Error, usize) {
    let pos = match err.location {
        InputLocation::Pos(pos) => pos,
        InputLocation::Span((start, _)) => start,
    };
    let cx = Context::new(source, clean, pos.min(clean.len()));
    let error = match &err.variant {
        // pest's own guards. Its call limit is set only by tests that count
        // the parser's work; its stack guard the pre-pass's nesting limit
        // keeps out of reach in practice.
        ErrorVariant::CustomError { message } if message.contains("call limit") => {
            Error::syntax("the input is too complex to parse", Span::new(pos, pos))
        }
        ErrorVariant::CustomError { .. } => {
            Error::syntax("the input is nested too deeply", Span::new(pos, pos))
        }
        ErrorVariant::ParsingError { .. } => explain(&cx),
    };
    (source.error(error), cx.stmt_start)
}

// ------------------------------------------------------------------ tokens

/// What the explainer reads in a token of the shared lexer.
impl Token<'_> {
    fn is_keyword(&self) -> bool {
        self.kind == Kind::Name && KEYWORDS.contains(&self.text)
    }

    fn is_word(&self, word: &str) -> bool {
        self.kind == Kind::Name && self.text == word
    }

    /// A name, a number, a string, `)`, `]` or a prime: an operand can end here.
    fn ends_operand(&self) -> bool {
        match self.kind {
            Kind::Name => !self.is_keyword(),
            Kind::Number | Kind::Str | Kind::Close | Kind::Prime => true,
            _ => false,
        }
    }

    /// A name, a number, a string, `(` or `[`: an operand can start here.
    fn starts_operand(&self) -> bool {
        match self.kind {
            Kind::Name => !self.is_keyword(),
            Kind::Number | Kind::Str | Kind::Open => true,
            _ => false,
        }
    }

    /// The end of a line or of the input: nothing more on this statement.
    fn ends_statement(&self) -> bool {
        matches!(self.kind, Kind::End | Kind::Sep)
    }
}

/// Long tokens (a 1 MB name) are cut for messages.
fn shorten(text: &str) -> String {
    const MAX: usize = 24;
    if text.chars().count() <= MAX {
        return text.to_string();
    }
    let mut short: String = text.chars().take(MAX).collect();
    short.push('…');
    short
}

fn is_name_start_str(text: &str) -> bool {
    text.chars().next().is_some_and(is_name_start)
}

/// The first token at or after byte `at` of `text` that is not space.
fn lex(text: &str, at: usize) -> Token<'_> {
    let token = lexer::next(text, at);
    if token.kind == Kind::Space {
        lexer::next(text, token.span.end)
    } else {
        token
    }
}

// ----------------------------------------------------------------- context

/// What surrounds the failure.
struct Context<'a> {
    /// The rewritten text; tokens are read from it and their spans are
    /// offsets into it.
    src: &'a str,
    source: &'a Normalized<'a>,
    clean: &'a str,
    /// The tokens of the failing statement before the failure.
    before: Vec<Token<'a>>,
    /// The token at the failure.
    found: Token<'a>,
    /// The brackets open at the failure, innermost last.
    open: Vec<Token<'a>>,
    /// Where the failing statement starts.
    stmt_start: usize,
}

impl<'a> Context<'a> {
    fn new(source: &'a Normalized<'a>, clean: &'a str, pos: usize) -> Context<'a> {
        let mut before = Vec::new();
        let mut open = Vec::new();
        let mut at = 0;
        let mut stmt_start = 0;
        let found = loop {
            let tok = lex(clean, at);
            if tok.kind == Kind::End || tok.span.end > pos {
                break tok;
            }
            match tok.kind {
                Kind::Sep if open.is_empty() => {
                    before.clear();
                    stmt_start = tok.span.end;
                }
                Kind::Open => open.push(tok),
                Kind::Close => {
                    open.pop();
                }
                _ => {}
            }
            if !(tok.kind == Kind::Sep && open.is_empty()) {
                before.push(tok);
            }
            at = tok.span.end;
        };
        Context {
            src: &source.text,
            source,
            clean,
            before,
            found,
            open,
            stmt_start,
        }
    }

    /// The token as typed (`（` where the rewritten text has `(`), cut
    /// when long.
    fn typed(&self, token: &Token) -> String {
        shorten(self.source.typed(token.span))
    }

    /// How a message names the token: `'x'`, `end of line`, an unknown
    /// character with its code point (`'∗' (U+2217)`, which looks like
    /// `*`), as typed.
    fn described(&self, token: &Token) -> String {
        match token.kind {
            Kind::End => "end of input".to_string(),
            Kind::Sep if token.text == "\n" => "end of line".to_string(),
            Kind::Other => {
                let typed = self.source.typed(token.span);
                let escaped: String = typed.chars().flat_map(char::escape_debug).collect();
                match typed.chars().next() {
                    Some(c) if !c.is_ascii() => format!("'{escaped}' (U+{:04X})", c as u32),
                    _ => format!("'{escaped}'"),
                }
            }
            _ => format!("'{}'", self.typed(token)),
        }
    }

    fn prev(&self) -> Option<&Token<'a>> {
        self.before.last()
    }

    /// The token before the previous one.
    fn prev2(&self) -> Option<&Token<'a>> {
        self.before.iter().rev().nth(1)
    }

    /// The statement's first word: `minimize`, `plot`, `check`, ...
    fn statement_word(&self) -> &str {
        match self.before.first() {
            Some(tok) if tok.kind == Kind::Name => tok.text,
            _ => "",
        }
    }

    fn in_descent(&self) -> bool {
        matches!(self.statement_word(), "minimize" | "maximize")
    }

    fn in_plot(&self) -> bool {
        self.statement_word() == "plot"
    }

    /// The last keyword before the failure, other than the one at `skip`
    /// positions from the end.
    fn last_keyword(&self, skip: usize) -> Option<&str> {
        self.before
            .iter()
            .rev()
            .skip(skip)
            .find(|tok| tok.is_keyword())
            .map(|tok| tok.text)
    }

    /// Where an "expected ... after X" error points: just after X when the
    /// line ended, else at what was found.
    fn after_span(&self, prev: &Token) -> Span {
        if self.found.ends_statement() {
            Span::new(prev.span.end, prev.span.end)
        } else {
            self.found.span
        }
    }

    fn at_found(&self, message: impl Into<String>) -> Error {
        Error::syntax(message, self.found.span)
    }

    fn unexpected(&self) -> Error {
        let error = self.at_found(format!("unexpected {}", self.described(&self.found)));
        match self.found.text {
            "√" => error.with_hint("'√' takes the operand just after it: √x, √(x + 1)"),
            "…" => {
                error.with_hint("a power is '^' (or '……', as a Chinese input method types it)")
            }
            _ => error,
        }
    }

    fn keyword_as_name(&self) -> Error {
        if let Some(error) = self.clause_in_method() {
            return error;
        }
        let is_clause = CLAUSES
            .split([',', ' '])
            .any(|word| word == self.found.text);
        let named = matches!(lex(self.clean, self.found.span.end).text, "=" | "(");
        let after_operand = self.open.is_empty() && self.prev().is_some_and(|p| p.ends_operand());
        if is_clause && !named && after_operand && !self.in_descent() && !self.in_plot() {
            return self
                .at_found(format!(
                    "'{}' is a clause of minimize, maximize or plot, not of this statement",
                    self.found.text
                ))
                .with_hint("a line that begins with a clause continues the line above");
        }
        self.at_found(format!(
            "'{}' is a keyword and cannot be used as a name",
            self.found.text
        ))
        .with_hint(format!("the keywords are {}", KEYWORDS.join(" ")))
    }

    /// `using adam(lr=0.01)`, as torch writes it: in gd, the learning rate
    /// (and the other clauses) follow the method.
    fn clause_in_method(&self) -> Option<Error> {
        const CLAUSES: [&str; 6] = ["lr", "steps", "tol", "every", "batch", "seed"];
        let clause = self.found.text;
        let inside = self.open.last()?;
        if !CLAUSES.contains(&clause) || !self.in_descent() || self.last_keyword(0) != Some("using")
        {
            return None;
        }
        let method = self
            .before
            .iter()
            .rev()
            .skip_while(|tok| tok.span.start > inside.span.start)
            .nth(1)
            .filter(|tok| tok.kind == Kind::Name)?
            .text;
        // The value as written after `=`, up to the next `,` or `)`.
        let rest = &self.src[self.found.span.end..];
        let value = rest
            .trim_start()
            .strip_prefix('=')
            .map(|v| v.split([',', ')']).next().unwrap_or("").trim())
            .filter(|v| !v.is_empty())
            .unwrap_or("...");
        let error = self.at_found(format!("'{clause}' is not a setting of {method}"));
        Some(error.with_hint(format!(
            "the {} is a clause of the descent: write `using {method} {clause} {value}`",
            if clause == "lr" {
                "learning rate"
            } else {
                clause
            }
        )))
    }
}

// ------------------------------------------------------------ the messages

fn explain(cx: &Context) -> Error {
    let Some(prev) = cx.prev().copied() else {
        return at_statement_start(cx);
    };
    if prev.is_keyword() {
        return after_keyword(cx, &prev);
    }
    match prev.kind {
        Kind::Op | Kind::Open | Kind::Comma => after_operator(cx, &prev),
        _ if prev.ends_operand() => after_operand(cx, &prev),
        _ => cx.unexpected(),
    }
}

fn at_statement_start(cx: &Context) -> Error {
    let found = &cx.found;
    let next = lex(cx.clean, found.span.end);
    let is_clause = CLAUSES.split([',', ' ']).any(|word| word == found.text);
    if found.is_keyword() && is_clause && !matches!(next.text, "=" | "(") {
        return cx
            .at_found(format!(
                "'{}' must be on the same line as its 'minimize' or 'maximize'",
                found.text
            ))
            .with_hint("a statement ends at the end of its line; put its clauses on that line");
    }
    if found.is_keyword() {
        return cx.keyword_as_name();
    }
    if found.text == ":" && next.span.start == found.span.end && is_name_start_str(next.text) {
        return cx.unexpected().with_hint(format!(
            "':{}' is a REPL command; it works at the gd> prompt",
            next.text
        ));
    }
    match (found.kind, found.text) {
        (Kind::Op, "=") => cx.at_found("expected a name before '='"),
        (Kind::Op, _) => cx.at_found(format!(
            "expected an expression before '{}'",
            cx.typed(found)
        )),
        _ => cx.unexpected(),
    }
}

fn after_keyword(cx: &Context, prev: &Token) -> Error {
    let keyword = prev.text;
    let expected = |what: &str| {
        Error::syntax(
            format!("expected {what} after '{keyword}'"),
            cx.after_span(prev),
        )
    };
    match keyword {
        "minimize" | "maximize" => {
            expected("a function name").with_hint(format!("for example: {keyword} f from 0 lr 0.1"))
        }
        "plot" if cx.before.len() == 1 => expected("a function or an expression")
            .with_hint("for example: plot f from -5 to 5, plot f, f', or plot x^2 - 1"),
        "plot" => cx
            .unexpected()
            .with_hint("write 'plot' alone, or 'plot to \"file.svg\"'"),
        "state" => cx
            .unexpected()
            .with_hint("'state' takes no value: minimize f from 0 using adam state"),
        "from" if cx.statement_word() == "critical" => expected("the start of the range")
            .with_hint("for example: critical f from -5 to 5, or from (-5, -5) to (5, 5)"),
        "to" if cx.statement_word() == "critical" => {
            expected("the end of the range").with_hint("for example: critical f from -5 to 5")
        }
        "from" if cx.in_plot() => expected("the start of the range")
            .with_hint("for example: plot f from -5 to 5, or from (-5, -5) to (5, 5)"),
        "from" => expected("a starting point")
            .with_hint("a number, a tuple like (0, 0), or a list of those like [-5, 0, 5]"),
        "to" if cx.in_plot() && cx.last_keyword(1) == Some("from") => {
            expected("the end of the range").with_hint("for example: plot f from -5 to 5")
        }
        "to" => expected("a file name in quotes").with_hint("for example: to \"out.svg\""),
        "using" => expected("a method").with_hint(
            "gd, momentum(0.9), nesterov(0.9), adagrad, rmsprop, adam, newton, \
             or a list like [gd, adam]",
        ),
        "check" => expected("an expression").with_hint("for example: check diff(x^2, x) == 2x"),
        "critical" => expected("a function name")
            .with_hint("for example: critical f, or critical f from -5 to 5"),
        "table" => expected("an expression")
            .with_hint("for example: table x, f(x), f'(x) for x in [-2, -1, 0, 1, 2]"),
        "for" => {
            expected("a variable name").with_hint("for example: table x, f(x) for x in [1, 2, 3]")
        }
        "in" => expected("a list of values")
            .with_hint("for example: for x in [-2, -1, 0, 1, 2], or for x in X (data)"),
        "explain" => expected("a derivative")
            .with_hint("for example: explain diff(x^2 sin(x), x), explain f' or explain grad(f)"),
        _ => Error::syntax(format!("'{keyword}' needs a value"), cx.after_span(prev))
            .with_hint(format!("for example: {keyword} {}", example_value(keyword))),
    }
}

fn example_value(keyword: &str) -> &'static str {
    match keyword {
        "lr" => "0.1",
        "steps" => "100",
        "tol" => "1e-6",
        "every" => "10",
        "batch" => "32",
        _ => "7",
    }
}

fn after_operator(cx: &Context, prev: &Token) -> Error {
    let found = &cx.found;
    if found.is_keyword() {
        return cx.keyword_as_name();
    }
    if found.starts_operand() {
        return cx.unexpected();
    }
    if found.kind == Kind::Other {
        return cx.unexpected();
    }
    let span = cx.after_span(prev);
    let in_methods = matches!(prev.kind, Kind::Open | Kind::Comma)
        && cx.in_descent()
        && cx.last_keyword(0) == Some("using")
        && cx.open.len() == 1;
    let what = if in_methods {
        "a method"
    } else {
        "an expression"
    };
    Error::syntax(format!("expected {what} after '{}'", cx.typed(prev)), span)
}

fn after_operand(cx: &Context, prev: &Token) -> Error {
    let clause_error = if cx.in_descent() || cx.in_plot() {
        in_clauses(cx, prev)
    } else if cx.statement_word() == "check" {
        in_check(cx, prev)
    } else if cx.statement_word() == "critical" {
        Some(in_critical(cx, prev))
    } else if cx.statement_word() == "table" {
        in_table(cx, prev)
    } else {
        None
    };
    if let Some(error) = clause_error {
        return error;
    }
    let found = &cx.found;
    if found.is_keyword() {
        return cx.keyword_as_name();
    }
    if found.kind == Kind::Op && found.text == "==" {
        return cx
            .at_found("'==' is only used in 'check A == B'")
            .with_hint("write check A == B to compare, or '=' to define");
    }
    if found.starts_operand() {
        return missing_operator(cx, prev);
    }
    if let Some(open) = cx.open.last()
        && matches!(found.kind, Kind::Op | Kind::Sep | Kind::Other)
    {
        let close = if open.text == "[" { ']' } else { ')' };
        return cx.at_found(format!(
            "expected ',' or '{close}' to close the '{}' {}, found {}",
            cx.typed(open),
            place(cx.source, open.span.start, found.span.start),
            cx.described(found)
        ));
    }
    if found.kind == Kind::Op && found.text == "=" {
        return cx
            .unexpected()
            .with_hint("put one statement per line, or separate them with ';'");
    }
    cx.unexpected()
}

/// `2 3`, `(x)2`, `x [1]`: two operands with nothing between.
fn missing_operator(cx: &Context, prev: &Token) -> Error {
    let found = &cx.found;
    let simple = |tok: &Token| matches!(tok.kind, Kind::Name | Kind::Number);
    let message = if prev.kind == Kind::Name && simple(found) {
        pair_message(&shorten(prev.text), &shorten(found.text))
    } else {
        format!(
            "missing operator between {} and {}",
            cx.described(prev),
            cx.described(found)
        )
    };
    let error = cx.at_found(message);
    if let Some(hint) = other_notation(cx, prev) {
        return error.with_hint(hint);
    }
    if found.kind == Kind::Number && cx.open.last().is_some_and(|o| o.text == "[") {
        return error.with_hint("separate the items of a list with commas: [1, 2, 3]");
    }
    if simple(prev) && simple(found) {
        error.with_hint(format!(
            "write {}*{}",
            shorten(prev.text),
            shorten(found.text)
        ))
    } else {
        error.with_hint("write '*' for a product")
    }
}

/// What `prev` then the found token mean in other notations, and how gd
/// writes it: `sin x` (a call), `def f(x) = ...` (Python), `1..5` (a
/// range), `minimize f(x)` (the function's name alone).
fn other_notation(cx: &Context, prev: &Token) -> Option<String> {
    let found = &cx.found;
    // The operand as typed: `2x` in `cos 2x`, not just its number.
    let rest = &cx.src[found.span.start..];
    let end = rest
        .find(|c: char| !(c.is_alphanumeric() || c == '.' || c == '_'))
        .unwrap_or(rest.len());
    let operand = if end == 0 { found.text } else { &rest[..end] };
    if let Some(hint) = pair_hint(prev.text, &shorten(operand)) {
        return Some(hint);
    }
    if prev.kind == Kind::Number && prev.text.ends_with('.') && found.text.starts_with('.') {
        return Some("write a list, as in [1, 2, 3, 4, 5]".into());
    }
    if cx.in_descent() && found.text == "(" && cx.before.len() == 2 {
        return Some(format!(
            "{} takes the function's name alone: write {} {} from ...",
            cx.statement_word(),
            cx.statement_word(),
            prev.text
        ));
    }
    None
}

/// `sin x` is a call written without brackets; `def f` is Python's
/// definition.
pub(super) fn pair_hint(left: &str, right: &str) -> Option<String> {
    if crate::builtins::is_builtin_name(left) {
        return Some(format!("write {left}({right})"));
    }
    (left == "def").then(|| "gd needs no def: write f(x) = ...".to_string())
}

/// The message for `left right` with nothing between: a built-in
/// function's argument needs brackets (`sin x`); anything else lacks an
/// operator.
pub(super) fn pair_message(left: &str, right: &str) -> String {
    if crate::builtins::is_builtin_name(left) {
        format!("'{left}' is a function: its argument goes in brackets")
    } else {
        format!("missing operator between '{left}' and '{right}'")
    }
}

/// Failures after an operand in a `minimize`, `maximize` or `plot` statement.
fn in_clauses(cx: &Context, prev: &Token) -> Option<Error> {
    let found = &cx.found;
    let prev2 = cx.prev2();
    let spaced = prev2.is_some_and(|p2| p2.span.end < prev.span.start);
    // `from 0 rate 0.1`: `0 rate` read as a product, then `0.1` fails.
    if prev.kind == Kind::Name && spaced && prev2.is_some_and(Token::ends_operand) {
        return Some(unknown_clause(prev.text, prev.span, cx.in_plot()));
    }
    if prev2.is_some_and(|p2| p2.is_word("using")) && !found.ends_statement() {
        return Some(
            cx.at_found(format!(
                "unexpected {} after the method '{}'",
                cx.described(found),
                prev.text
            ))
            .with_hint(format!(
                "give a method its arguments in parentheses: {}(...)",
                prev.text
            )),
        );
    }
    if cx.in_plot() && cx.last_keyword(0) == Some("from") {
        return Some(
            Error::syntax(
                "expected 'to' after the start of the range",
                cx.after_span(prev),
            )
            .with_hint("for example: plot f from -5 to 5"),
        );
    }
    if found.kind == Kind::Name {
        return Some(unknown_clause(found.text, found.span, cx.in_plot()));
    }
    None
}

pub(super) fn unknown_clause(word: &str, span: Span, in_plot: bool) -> Error {
    if in_plot {
        return Error::syntax(format!("unexpected '{}' in 'plot'", shorten(word)), span)
            .with_hint(
                "write plot f (or plot f, g, ...), then from A to B, then to \"file.svg\", each optional",
            );
    }
    let message = if KEYWORDS.contains(&word) {
        format!("'{word}' is not a clause of a descent")
    } else {
        format!("unknown clause '{}'", shorten(word))
    };
    Error::syntax(message, span).with_hint(format!(
        "the clauses are {CLAUSES}; for a product, write '*'"
    ))
}

/// Failures after an operand in a `critical` statement: its name, then
/// only `from A to B`.
fn in_critical(cx: &Context, prev: &Token) -> Error {
    if cx.last_keyword(0) == Some("from") {
        return Error::syntax(
            "expected 'to' after the start of the range",
            cx.after_span(prev),
        )
        .with_hint("for example: critical f from -5 to 5");
    }
    cx.unexpected()
        .with_hint("write critical f, or critical f from -5 to 5")
}

/// Failures after an operand in a `table` statement: it needs `for x in
/// LIST` after its columns.
fn in_table(cx: &Context, prev: &Token) -> Option<Error> {
    let found = &cx.found;
    if !cx.open.is_empty() {
        return None;
    }
    let example = "for example: table x, f(x) for x in [1, 2, 3]";
    match cx.last_keyword(0) {
        Some("for") if !found.is_word("in") => Some(
            Error::syntax("expected 'in' after the variable", cx.after_span(prev))
                .with_hint(example),
        ),
        Some("in") if !found.ends_statement() => Some(
            cx.at_found("a table ends after its list of values")
                .with_hint(example),
        ),
        Some("table") if found.ends_statement() || found.kind == Kind::Name => Some(
            Error::syntax(
                "expected 'for' after the columns of a table",
                cx.after_span(prev),
            )
            .with_hint(example),
        ),
        _ => None,
    }
}

/// Failures after an operand in a `check` statement.
fn in_check(cx: &Context, prev: &Token) -> Option<Error> {
    let found = &cx.found;
    let has_equals = cx.before.iter().any(|tok| tok.text == "==");
    if found.kind == Kind::Op && found.text == "=" {
        return Some(
            cx.at_found("'check' compares with '=='")
                .with_hint("write check A == B"),
        );
    }
    if !has_equals && cx.open.is_empty() && found.ends_statement() {
        return Some(
            Error::syntax("expected '==' in 'check'", cx.after_span(prev))
                .with_hint("write check A == B"),
        );
    }
    None
}
