//! The one lexer of gd's surface syntax, shared by the pre-pass, the error
//! explainer and the REPL's highlighter.
//!
//! It reads tokens as the grammar does (`2e-x` is `2`, `e`, `-`, `x`; a
//! string ends at its closing quote or at the end of the line; a comment at
//! the end of the line) but never fails: what the grammar would reject is
//! still a token, at worst one character of `Other`. Invariant: every byte
//! of the input belongs to exactly one token, so the tokens laid end to end
//! give back the input.

use crate::syntax::Span;

/// What a token is.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A name or a keyword.
    Name,
    Number,
    /// A string, with its quotes; unterminated when it lacks the closing one.
    Str,
    /// From `#` to the end of the line.
    Comment,
    /// `+ - * / ^ ** = ==`
    Op,
    /// `(` or `[`.
    Open,
    /// `)` or `]`.
    Close,
    Comma,
    /// A run of primes: `'`, `''`, ...
    Prime,
    /// A newline or `;`.
    Sep,
    /// Spaces, tabs and carriage returns: what the grammar skips.
    Space,
    /// Anything else: one character.
    Other,
    /// The empty token at the end of the input: `next` gives it, `tokens`
    /// does not.
    End,
}

/// A token: its kind, its text and where that text is.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Token<'a> {
    pub kind: Kind,
    pub text: &'a str,
    pub span: Span,
}

impl Token<'_> {
    /// A string that has its closing quote.
    pub fn is_closed_string(&self) -> bool {
        self.kind == Kind::Str && self.text.len() > 1 && self.text.ends_with('"')
    }
}

/// Every token of `src`, in order.
pub fn tokens(src: &str) -> impl Iterator<Item = Token<'_>> {
    std::iter::successors(Some(next(src, 0)), move |token| {
        Some(next(src, token.span.end))
    })
    .take_while(|token| token.kind != Kind::End)
}

/// The token that starts at byte `at` of `src` (a char boundary), or `End`
/// when `at` is the end.
pub fn next(src: &str, at: usize) -> Token<'_> {
    let rest = &src[at..];
    let mut chars = rest.chars();
    let Some(first) = chars.next() else {
        return token(src, Kind::End, at, at);
    };
    let second = chars.next();
    let (kind, len) = match first {
        '\n' | ';' => (Kind::Sep, 1),
        ' ' | '\t' | '\r' => (Kind::Space, run_len(rest, is_space)),
        '#' => (Kind::Comment, rest.find('\n').unwrap_or(rest.len())),
        '"' => (Kind::Str, string_len(rest)),
        '(' | '[' => (Kind::Open, 1),
        ')' | ']' => (Kind::Close, 1),
        ',' => (Kind::Comma, 1),
        '\'' => (Kind::Prime, run_len(rest, |c| c == '\'')),
        '*' if second == Some('*') => (Kind::Op, 2),
        '=' if second == Some('=') => (Kind::Op, 2),
        '+' | '-' | '*' | '/' | '^' | '=' => (Kind::Op, 1),
        c if c.is_ascii_digit() || (c == '.' && second.is_some_and(|d| d.is_ascii_digit())) => {
            (Kind::Number, number_len(rest))
        }
        c if is_name_start(c) => (Kind::Name, run_len(rest, is_name_char)),
        c => (Kind::Other, c.len_utf8()),
    };
    token(src, kind, at, at + len)
}

fn token(src: &str, kind: Kind, start: usize, end: usize) -> Token<'_> {
    Token {
        kind,
        text: &src[start..end],
        span: Span::new(start, end),
    }
}

/// Whether a name can start with `c`: a letter of any script, or `_`.
pub fn is_name_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

/// Whether a name can go on with `c`: a letter, a digit, `_` or a
/// combining mark (U+0300 to U+036F, which the grammar allows in names).
pub fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || ('\u{300}'..='\u{36f}').contains(&c)
}

fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r')
}

/// Length in bytes of the run of characters at the start of `text` that
/// `keep` accepts.
fn run_len(text: &str, keep: impl Fn(char) -> bool) -> usize {
    text.find(|c: char| !keep(c)).unwrap_or(text.len())
}

/// Length of the string at the start of `text`, up to its closing quote or
/// the end of the line.
fn string_len(text: &str) -> usize {
    match text[1..].find(['"', '\n']) {
        Some(i) if text[1 + i..].starts_with('"') => i + 2,
        Some(i) => i + 1,
        None => text.len(),
    }
}

/// Length of the number at the start of `text`, as the grammar reads it:
/// digits, a point, digits, and an exponent only when digits follow it.
fn number_len(text: &str) -> usize {
    let bytes = text.as_bytes();
    let digits = |from: usize| {
        bytes[from.min(bytes.len())..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count()
    };
    let mut len = digits(0);
    if bytes.get(len) == Some(&b'.') {
        len += 1 + digits(len + 1);
    }
    if matches!(bytes.get(len), Some(b'e' | b'E')) {
        let sign = usize::from(matches!(bytes.get(len + 1), Some(b'+' | b'-')));
        let exponent = digits(len + 1 + sign);
        if exponent > 0 {
            len += 1 + sign + exponent;
        }
    }
    len
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tokens of `src` as `kind:text`, spaces left out.
    fn lexed(src: &str) -> Vec<String> {
        tokens(src)
            .filter(|t| t.kind != Kind::Space)
            .map(|t| format!("{:?}:{}", t.kind, t.text))
            .collect()
    }

    #[test]
    fn numbers_are_read_as_the_grammar_reads_them() {
        assert_eq!(lexed("2e-x"), ["Number:2", "Name:e", "Op:-", "Name:x"]);
        assert_eq!(lexed("1.5e+3x"), ["Number:1.5e+3", "Name:x"]);
        assert_eq!(
            lexed(".5 5. 3..4"),
            ["Number:.5", "Number:5.", "Number:3.", "Number:.4"]
        );
        assert_eq!(lexed("1E10"), ["Number:1E10"]);
    }

    #[test]
    fn names_operators_and_primes() {
        assert_eq!(lexed("θ_1 x\u{302}"), ["Name:θ_1", "Name:x\u{302}"]);
        assert_eq!(
            lexed("f'' ** == = ^"),
            ["Name:f", "Prime:''", "Op:**", "Op:==", "Op:=", "Op:^"]
        );
        assert_eq!(
            lexed("(a, [b]);\n"),
            [
                "Open:(", "Name:a", "Comma:,", "Open:[", "Name:b", "Close:]", "Close:)", "Sep:;",
                "Sep:\n"
            ]
        );
        assert_eq!(lexed("< ²"), ["Other:<", "Other:²"]);
    }

    #[test]
    fn strings_and_comments_end_with_the_line() {
        assert_eq!(
            lexed("\"a # b\" # c\nx"),
            ["Str:\"a # b\"", "Comment:# c", "Sep:\n", "Name:x"]
        );
        assert_eq!(lexed("\"open\nx"), ["Str:\"open", "Sep:\n", "Name:x"]);
        assert!(next("\"a\"", 0).is_closed_string());
        assert!(!next("\"", 0).is_closed_string());
        assert!(!next("\"a", 0).is_closed_string());
    }

    #[test]
    fn every_byte_is_in_exactly_one_token() {
        for src in [
            "",
            "x",
            "f(x) = (x - 3)^2 # c",
            "é∂ 3..4 \t\r\n;\"",
            "\u{302}x€",
        ] {
            let mut at = 0;
            for token in tokens(src) {
                assert_eq!(token.span.start, at);
                assert!(token.span.end > at);
                at = token.span.end;
            }
            assert_eq!(at, src.len());
            assert_eq!(next(src, src.len()).kind, Kind::End);
        }
    }
}
