//! Highlighting as you type: names by what they are (keyword, built-in,
//! the user's, optimizer, constant), numbers, operators, strings,
//! comments, the bracket matching the one at the cursor and brackets that
//! close nothing; the prompt and hints too.
//!
//! Invariant: only escape codes are added around the lexer's tokens, so
//! the text and its display width do not change (rustyline requires that).

use std::borrow::Cow;

use rustyline::highlight::{CmdKind, Highlighter};

use gd::builtins;
use gd::descent::METHOD_NAMES;
use gd::parse::KEYWORDS;
use gd::parse::lexer::{self, Kind, Token};

use super::helper::{GdHelper, LONG_LINE};

// ANSI styles. Only escape codes are added, so the display width of the
// line does not change (rustyline requires that).
const RESET: &str = "\x1b[0m";
const NUMBER: &str = "\x1b[36m";
const KEYWORD: &str = "\x1b[1;35m";
const BUILTIN: &str = "\x1b[34m";
const USER: &str = "\x1b[32m";
const METHOD: &str = "\x1b[33m";
const OPERATOR: &str = "\x1b[1m";
const COMMENT: &str = "\x1b[2m";
const STRING: &str = "\x1b[32m";
const BRACKET_MATCH: &str = "\x1b[1;30;46m";
const BRACKET_UNMATCHED: &str = "\x1b[1;31m";
const HINT: &str = "\x1b[2m";
const PROMPT: &str = "\x1b[1;32m";

/// The characters painted as operators, `<` and `>` among them.
const OPERATOR_CHARS: &str = "+-*/^=',;<>";

impl Highlighter for GdHelper {
    fn highlight<'l>(&self, line: &'l str, pos: usize) -> Cow<'l, str> {
        if !self.color || line.len() > LONG_LINE {
            return Cow::Borrowed(line);
        }
        let partner = if self.show_bracket.get() {
            matching_bracket(line, pos)
        } else {
            None
        };
        Cow::Owned(self.paint(line, partner))
    }

    fn highlight_prompt<'b, 's: 'b, 'p: 'b>(
        &'s self,
        prompt: &'p str,
        _default: bool,
    ) -> Cow<'b, str> {
        if self.color {
            Cow::Owned(format!("{PROMPT}{prompt}{RESET}"))
        } else {
            Cow::Borrowed(prompt)
        }
    }

    fn highlight_hint<'h>(&self, hint: &'h str) -> Cow<'h, str> {
        Cow::Owned(format!("{HINT}{hint}{RESET}"))
    }

    fn highlight_char(&self, line: &str, _pos: usize, kind: CmdKind) -> bool {
        // Repaint on every key: colors depend on the whole line (a name
        // becomes a keyword as it is typed). A long line is not colored,
        // so a typed character is just written (see `LONG_LINE`).
        self.show_bracket.set(kind != CmdKind::ForcedRefresh);
        self.color && line.len() <= LONG_LINE
    }
}

impl GdHelper {
    /// The style of a name; `after_using` when `using` comes before it.
    fn class_of_name(&self, name: &str, after_using: bool) -> Option<&'static str> {
        let names = self.names.borrow();
        if KEYWORDS.contains(&name) {
            Some(KEYWORD)
        } else if names.functions.iter().any(|(n, _)| n == name)
            || names.values.iter().any(|n| n == name)
        {
            Some(USER)
        } else if METHOD_NAMES.contains(&name) && after_using {
            Some(METHOD)
        } else if builtins::is_builtin_name(name) {
            Some(BUILTIN)
        } else if builtins::CONSTANTS.contains(&name) {
            Some(NUMBER)
        } else {
            None
        }
    }

    /// The line with color codes around its tokens; `partner` is the byte
    /// index of a bracket to mark. Linear in the line's length: one pass of
    /// the lexer, and no look back over the line per token.
    fn paint(&self, line: &str, partner: Option<usize>) -> String {
        let mut out = String::with_capacity(line.len() * 2);
        let meta_end = if line.trim_start().starts_with(':') {
            line.find(char::is_whitespace).unwrap_or(line.len())
        } else {
            0
        };
        out.push_str(&paint_span(&line[..meta_end], Some(KEYWORD)));
        let mut unmatched = unmatched_brackets(&line[meta_end..]);
        unmatched.sort_unstable();
        // Optimizer names are colored only after `using`.
        let using_end = line
            .find("using")
            .map_or(usize::MAX, |at| at + "using".len());
        for token in lexer::tokens(&line[meta_end..]) {
            let start = token.span.start + meta_end;
            let style = match token.kind {
                Kind::Number => Some(NUMBER),
                Kind::Name => self.class_of_name(token.text, using_end <= start),
                Kind::Comment => Some(COMMENT),
                Kind::Str => Some(STRING),
                Kind::Open | Kind::Close if unmatched.binary_search(&token.span.start).is_ok() => {
                    Some(BRACKET_UNMATCHED)
                }
                Kind::Open | Kind::Close if partner == Some(start) => Some(BRACKET_MATCH),
                Kind::Open | Kind::Close | Kind::Space | Kind::End => None,
                Kind::Op | Kind::Prime | Kind::Comma | Kind::Sep | Kind::Other => {
                    paint_punctuation(&mut out, token.text);
                    continue;
                }
            };
            out.push_str(&paint_span(token.text, style));
        }
        out
    }
}

/// Operators and other punctuation, painted a character at a time (`**`
/// as two `*`), so the codes do not depend on how the lexer groups them.
fn paint_punctuation(out: &mut String, text: &str) {
    for (i, c) in text.char_indices() {
        let style = OPERATOR_CHARS.contains(c).then_some(OPERATOR);
        out.push_str(&paint_span(&text[i..i + c.len_utf8()], style));
    }
}

fn paint_span(text: &str, style: Option<&str>) -> String {
    match style {
        Some(style) if !text.is_empty() => format!("{style}{text}{RESET}"),
        _ => text.to_string(),
    }
}

/// Byte indices of closing brackets with no opening one, and of brackets
/// closed by the wrong kind (`(]`). Brackets still open are not errors:
/// the statement may go on.
fn unmatched_brackets(line: &str) -> Vec<usize> {
    let mut open: Vec<(usize, &str)> = Vec::new();
    let mut stray = Vec::new();
    for t in brackets(line) {
        match t.text {
            b @ ("(" | "[") => open.push((t.span.start, b)),
            close => match open.pop() {
                Some((_, "(")) if close == ")" => {}
                Some((_, "[")) if close == "]" => {}
                Some((at, _)) => stray.extend([at, t.span.start]),
                None => stray.push(t.span.start),
            },
        }
    }
    stray
}

/// The byte index of the bracket that matches the one under the cursor, or
/// just before it.
fn matching_bracket(line: &str, pos: usize) -> Option<usize> {
    let brackets: Vec<Token> = brackets(line).collect();
    let here = brackets
        .iter()
        .position(|t| t.span.start == pos)
        .or_else(|| brackets.iter().position(|t| t.span.end == pos))?;
    let open = |t: &Token| t.kind == Kind::Open;
    let mut depth = 0i32;
    if open(&brackets[here]) {
        for t in &brackets[here..] {
            depth += if open(t) { 1 } else { -1 };
            if depth == 0 {
                return Some(t.span.start);
            }
        }
    } else {
        for t in brackets[..=here].iter().rev() {
            depth += if open(t) { -1 } else { 1 };
            if depth == 0 {
                return Some(t.span.start);
            }
        }
    }
    None
}

/// The brackets of `line`, as the lexer finds them (not in strings or
/// comments).
fn brackets(line: &str) -> impl Iterator<Item = Token<'_>> {
    lexer::tokens(line).filter(|t| matches!(t.kind, Kind::Open | Kind::Close))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::repl::helper::sample as helper;
    use rustyline::Context;
    use rustyline::hint::Hinter;
    use rustyline::history::DefaultHistory;

    /// The highlighted line with codes replaced by readable tags.
    fn tagged(line: &str, pos: usize) -> String {
        let painted = helper(true).highlight(line, pos).into_owned();
        [
            (NUMBER, "<num>"),
            (KEYWORD, "<kw>"),
            (BUILTIN, "<fn>"),
            (USER, "<user>"),
            (METHOD, "<method>"),
            (OPERATOR, "<op>"),
            (COMMENT, "<comment>"),
            (BRACKET_MATCH, "<match>"),
            (BRACKET_UNMATCHED, "<stray>"),
            (RESET, "</>"),
        ]
        .iter()
        .fold(painted, |s, (code, tag)| s.replace(code, tag))
    }

    #[test]
    fn highlights_numbers_names_keywords_and_operators() {
        assert_eq!(
            tagged("minimize loss from (0, 1e-3) using adam", 0),
            "<kw>minimize</> <user>loss</> <kw>from</> (<num>0</><op>,</> <num>1e-3</>) \
             <kw>using</> <method>adam</>"
        );
        assert_eq!(
            tagged("2e-x + sin(pi) # note", 0),
            "<num>2</><num>e</><op>-</>x <op>+</> <fn>sin</>(<num>pi</>) <comment># note</>"
        );
        assert_eq!(tagged(":help adam", 0), "<kw>:help</> adam");
        assert_eq!(tagged("θ = .5", 0), "θ <op>=</> <num>.5</>");
    }

    #[test]
    fn highlights_the_matching_bracket() {
        // Cursor just after the last ')': its partner is the first '('.
        assert_eq!(
            tagged("f((1), 2)", 9),
            "<user>f</><match>(</>(<num>1</>)<op>,</> <num>2</>)"
        );
        // Cursor on the inner '(': its partner is the inner ')'.
        assert_eq!(
            tagged("f((1), 2)", 2),
            "<user>f</>((<num>1</><match>)</><op>,</> <num>2</>)"
        );
        assert_eq!(matching_bracket("(x", 0), None);
        // A closing bracket with no partner, or of the wrong kind, is red.
        assert_eq!(tagged("x)", 0), "x<stray>)</>");
        assert_eq!(tagged("(x]", 0), "<stray>(</>x<stray>]</>");
        assert_eq!(tagged("((x)", 0), "((x)");
        assert_eq!(matching_bracket("[x]", 3), Some(0));
    }

    #[test]
    fn long_lines_are_painted_in_one_pass_and_typed_plain() {
        // A pasted 100 KB vector: `paint` is linear (this would take minutes
        // if each name looked back over the line), and past `LONG_LINE` the
        // editor neither colors nor repaints on each key.
        let items: Vec<String> = (0..20_000).map(|i| format!("{i}k")).collect();
        let line = format!("V = [{}] using adam", items.join(", "));
        assert!(line.len() > 100_000);
        let painted = helper(true).paint(&line, Some(4));
        assert!(painted.ends_with(&format!("{KEYWORD}using{RESET} {METHOD}adam{RESET}")));
        assert!(painted.contains(&format!("{NUMBER}19999{RESET}k]")));
        assert!(matches!(helper(true).highlight(&line, 0), Cow::Borrowed(_)));
        assert!(!helper(true).highlight_char(&line, line.len(), CmdKind::Other));
        let history = DefaultHistory::new();
        let ctx = Context::new(&history);
        assert!(helper(true).hint(&line, line.len(), &ctx).is_none());
        let short = &line[..100];
        assert!(helper(true).highlight_char(short, 100, CmdKind::Other));
        assert!(matches!(helper(true).highlight(short, 0), Cow::Owned(_)));
    }

    #[test]
    fn highlighting_keeps_the_text() {
        let strip = |s: &str| {
            let mut out = String::new();
            let mut in_code = false;
            for c in s.chars() {
                match (in_code, c) {
                    (false, '\x1b') => in_code = true,
                    (true, 'm') => in_code = false,
                    (false, c) => out.push(c),
                    _ => {}
                }
            }
            out
        };
        for line in [
            "f(x) = (x - 3)^2 # c",
            "load(\"a b.csv\"",
            "1.5e+3x ** 2",
            "é∂ 3..4",
            // Typed with a Chinese input method or copied from a textbook.
            "f（x）＝ x² + 2×x；f（2）",
            "损失(w) = √(w − 3)² + θ₁",
            "【1，2】 load(“a b.csv”) ‐ sin⁻¹(x) 2……3 ＃ 注",
        ] {
            for pos in 0..=line.len() {
                if line.is_char_boundary(pos) {
                    assert_eq!(strip(&helper(true).highlight(line, pos)), line);
                }
            }
        }
    }

    #[test]
    fn typed_maths_never_panics_the_helper() {
        use rustyline::completion::Completer;
        let history = DefaultHistory::new();
        let ctx = Context::new(&history);
        for line in [
            "f（x）＝ x² + 2×x",
            "f（",
            "minimize 损失 from （0，0） using ",
            "【1，2",
            "√θ₁ ÷ “",
        ] {
            for pos in (0..=line.len()).filter(|&pos| line.is_char_boundary(pos)) {
                let helper = helper(true);
                let _ = helper.highlight(line, pos);
                let _ = helper.hint(line, pos, &ctx);
                let _ = helper.complete(line, pos, &ctx);
                let _ = helper.highlight_char(line, pos, CmdKind::Other);
            }
        }
    }
}
