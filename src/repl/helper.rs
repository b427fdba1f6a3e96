//! The line editor's helper: tab completion, highlighting as you type,
//! hints (a function's parameters, the optimizer names) and the validator
//! that keeps a recalled multi-line entry open while it is unfinished.
//!
//! Invariant: the helper never touches the session. It reads a snapshot of
//! the user's names (`SharedNames`) that the REPL refreshes after each
//! entry, so evaluation can borrow the session mutably meanwhile.

use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::rc::Rc;

use rustyline::completion::{Completer, FilenameCompleter, Pair};
use rustyline::highlight::{CmdKind, Highlighter};
use rustyline::hint::{Hint, Hinter};
use rustyline::validate::{ValidationContext, ValidationResult, Validator};
use rustyline::{Context, Helper};

use gd::builtins;
use gd::descent::{METHOD_NAMES, setting_names};
use gd::parse::{KEYWORDS, is_incomplete};

use super::help;
use super::meta::{self, Command};

/// The user's names as the helper sees them: functions with their
/// parameters, and values.
#[derive(Clone, Debug, Default)]
pub struct Names {
    pub functions: Vec<(String, Vec<String>)>,
    pub values: Vec<String>,
}

/// The snapshot shared between the REPL (which refreshes it) and the helper.
pub type SharedNames = Rc<RefCell<Names>>;

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

/// Lines longer than this (in bytes) are neither coloured nor hinted: a
/// coloured line is repainted whole on every key, so pasting a long line
/// would take time quadratic in its length.
const LONG_LINE: usize = 1024;

pub struct GdHelper {
    names: SharedNames,
    color: bool,
    files: FilenameCompleter,
    /// Whether to mark the bracket matching the one at the cursor (not on
    /// the final refresh of an accepted line).
    show_bracket: Cell<bool>,
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

    /// Every name that completes in an expression: keywords, built-ins,
    /// constants, optimizers and the user's own, sorted, without repeats.
    fn vocabulary(&self) -> Vec<String> {
        let names = self.names.borrow();
        let mut words: Vec<String> = KEYWORDS
            .iter()
            .copied()
            .chain(builtins::callable_names())
            // Completion offers the constants as typed on any keyboard.
            .chain(builtins::CONSTANTS.into_iter().filter(|c| c.is_ascii()))
            .chain(METHOD_NAMES)
            .map(|s| s.to_string())
            .collect();
        words.extend(names.functions.iter().map(|(n, _)| n.clone()));
        words.extend(names.values.iter().cloned());
        words.sort();
        words.dedup();
        words
    }

    fn params_of(&self, name: &str) -> Option<Vec<String>> {
        let names = self.names.borrow();
        if let Some((_, params)) = names.functions.iter().find(|(n, _)| n == name) {
            return Some(params.clone());
        }
        builtins::params(name).map(|ps| ps.iter().map(|p| p.to_string()).collect())
    }

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
}

impl Helper for GdHelper {}

// ---------------------------------------------------------------- validator

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

// ---------------------------------------------------------------- completer

impl Completer for GdHelper {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _ctx: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        let before = &line[..pos];
        if let Some(rest) = before.trim_start().strip_prefix(':') {
            return self.complete_command(line, pos, rest);
        }
        // Inside a string: a file name (`load("`, `plot ... to "`).
        if before.matches('"').count() % 2 == 1 {
            let (start, found) = self.files.complete_path(line, pos)?;
            return Ok((start, close_quotes(found, &line[pos..])));
        }
        let start = word_start(before);
        let word = &before[start..];
        if in_method_list(&before[..start]) {
            let methods = METHOD_NAMES.iter().map(|m| m.to_string()).collect();
            return Ok((start, pairs(methods, word)));
        }
        if let Some(settings) = method_settings(&before[..start]) {
            let settings = settings.iter().map(|s| s.to_string()).collect();
            return Ok((start, pairs(settings, word)));
        }
        if after_function_keyword(&before[..start]) {
            let functions = self
                .names
                .borrow()
                .functions
                .iter()
                .map(|(n, _)| n.clone())
                .collect();
            return Ok((start, pairs(functions, word)));
        }
        if word.is_empty() {
            return Ok((pos, Vec::new()));
        }
        Ok((start, pairs(self.vocabulary(), word)))
    }
}

impl GdHelper {
    /// After `:`: the command names; after `:load `, file names; after
    /// `:help `, the topics.
    fn complete_command(
        &self,
        line: &str,
        pos: usize,
        rest: &str,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        let Some((word, _)) = rest.split_once(char::is_whitespace) else {
            let start = pos - rest.len() - 1;
            let commands = meta::COMMANDS.iter().map(|c| format!(":{c}")).collect();
            return Ok((start, pairs(commands, &line[start..pos])));
        };
        match meta::resolve(word) {
            Ok(Command::Load) => self.files.complete_path(line, pos),
            Ok(Command::Help) => {
                let start = word_start(&line[..pos]);
                let topics = help::all_names().iter().map(|s| s.to_string()).collect();
                Ok((start, pairs(topics, &line[start..pos])))
            }
            Ok(Command::Json) => {
                let start = word_start(&line[..pos]);
                let options = vec!["on".to_string(), "off".to_string()];
                Ok((start, pairs(options, &line[start..pos])))
            }
            _ => Ok((pos, Vec::new())),
        }
    }
}

/// File names completed inside quotes, with the quote closed after a file
/// (not after a folder, whose name goes on) unless one follows already.
fn close_quotes(found: Vec<Pair>, after: &str) -> Vec<Pair> {
    if after.starts_with('"') {
        return found;
    }
    found
        .into_iter()
        .map(|mut p| {
            if !p.replacement.ends_with(std::path::MAIN_SEPARATOR) {
                p.replacement.push('"');
            }
            p
        })
        .collect()
}

/// The settings of the optimizer whose parentheses `before` ends in, when
/// a setting's name goes there: `using adam(`, `using [gd, rmsprop(0.9, `.
fn method_settings(before: &str) -> Option<Vec<&'static str>> {
    let trimmed = before.trim_end();
    if !trimmed.ends_with(['(', ',']) {
        return None;
    }
    let open = innermost_open_paren(before)?;
    let name_end = before[..open].trim_end().len();
    let name_start = word_start(&before[..name_end]);
    if !in_method_list(&before[..name_start]) {
        return None;
    }
    setting_names(&before[name_start..name_end])
}

/// Whether `before` ends in `plot`, `minimize` or `maximize` and a space,
/// where a function's name goes.
fn after_function_keyword(before: &str) -> bool {
    let trimmed = before.trim_end();
    trimmed.len() < before.len()
        && ["plot", "minimize", "maximize"]
            .iter()
            .any(|k| trimmed.ends_with(k) && word_start(trimmed) == trimmed.len() - k.len())
}

/// Where the name that ends at the end of `before` starts (names start
/// with a letter or `_`, so `2pi` completes `pi`).
fn word_start(before: &str) -> usize {
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

fn pairs(words: Vec<String>, prefix: &str) -> Vec<Pair> {
    words
        .into_iter()
        .filter(|w| w.starts_with(prefix))
        .map(|w| Pair {
            display: w.clone(),
            replacement: w,
        })
        .collect()
}

// ---------------------------------------------------------------- hinter

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

/// Whether `before` ends where an optimizer name goes: after `using `, or
/// after `[` or `,` in `using [gd, ...`.
fn in_method_list(before: &str) -> bool {
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

/// The byte index of the last `(` that is still open at the end of `line`.
fn innermost_open_paren(line: &str) -> Option<usize> {
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

// ---------------------------------------------------------------- highlighter

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
        // Repaint on every key: colours depend on the whole line (a name
        // becomes a keyword as it is typed). A long line is not coloured,
        // so a typed character is just written (see `LONG_LINE`).
        self.show_bracket.set(kind != CmdKind::ForcedRefresh);
        self.color && line.len() <= LONG_LINE
    }
}

impl GdHelper {
    /// The line with colour codes around its tokens; `partner` is the byte
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
        // Optimizer names are coloured only after `using`.
        let using_end = line
            .find("using")
            .map_or(usize::MAX, |at| at + "using".len());
        for token in tokens(&line[meta_end..]) {
            let stray = unmatched.binary_search(&token.start).is_ok();
            let (start, end) = (token.start + meta_end, token.end + meta_end);
            let text = &line[start..end];
            let style = match token.kind {
                TokenKind::Number => Some(NUMBER),
                TokenKind::Name => self.class_of_name(text, using_end <= start),
                TokenKind::Operator => Some(OPERATOR),
                TokenKind::Comment => Some(COMMENT),
                TokenKind::String => Some(STRING),
                TokenKind::Bracket if stray => Some(BRACKET_UNMATCHED),
                TokenKind::Bracket if partner == Some(start) => Some(BRACKET_MATCH),
                TokenKind::Bracket | TokenKind::Other => None,
            };
            out.push_str(&paint_span(text, style));
        }
        out
    }
}

fn paint_span(text: &str, style: Option<&str>) -> String {
    match style {
        Some(style) if !text.is_empty() => format!("{style}{text}{RESET}"),
        _ => text.to_string(),
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum TokenKind {
    Number,
    Name,
    Operator,
    Bracket,
    Comment,
    String,
    Other,
}

#[derive(Debug, PartialEq)]
struct Token {
    start: usize,
    end: usize,
    kind: TokenKind,
}

/// A forgiving lexer for colouring: it never fails, and every byte of the
/// line belongs to exactly one token (whitespace is `Other`).
fn tokens(line: &str) -> Vec<Token> {
    let chars: Vec<(usize, char)> = line.char_indices().collect();
    let byte_at = |k: usize| chars.get(k).map_or(line.len(), |&(b, _)| b);
    let mut out = Vec::new();
    let mut k = 0;
    while k < chars.len() {
        let c = chars[k].1;
        let next = chars.get(k + 1).map(|&(_, c)| c);
        let (kind, len) = if c == '#' {
            let n = chars[k..].iter().take_while(|(_, c)| *c != '\n').count();
            (TokenKind::Comment, n)
        } else if c == '"' {
            let n = chars[k + 1..].iter().take_while(|(_, c)| *c != '"').count();
            (TokenKind::String, (n + 2).min(chars.len() - k))
        } else if c.is_ascii_digit() || (c == '.' && next.is_some_and(|n| n.is_ascii_digit())) {
            (TokenKind::Number, number_len(&chars[k..]))
        } else if c.is_alphabetic() || c == '_' {
            let n = chars[k..]
                .iter()
                .take_while(|(_, c)| c.is_alphanumeric() || *c == '_')
                .count();
            (TokenKind::Name, n)
        } else if "()[]".contains(c) {
            (TokenKind::Bracket, 1)
        } else if "+-*/^=',;<>".contains(c) {
            (TokenKind::Operator, 1)
        } else {
            (TokenKind::Other, 1)
        };
        out.push(Token {
            start: byte_at(k),
            end: byte_at(k + len),
            kind,
        });
        k += len;
    }
    out
}

/// Length in chars of the number at the start of `chars`: digits, a point,
/// digits, and an exponent only when digits follow it (`2e-x` is `2*e - x`).
fn number_len(chars: &[(usize, char)]) -> usize {
    let digit_run = |from: usize| {
        chars[from.min(chars.len())..]
            .iter()
            .take_while(|(_, c)| c.is_ascii_digit())
            .count()
    };
    let mut n = digit_run(0);
    if chars.get(n).is_some_and(|&(_, c)| c == '.') {
        n += 1 + digit_run(n + 1);
    }
    if chars.get(n).is_some_and(|&(_, c)| c == 'e' || c == 'E') {
        let sign = usize::from(chars.get(n + 1).is_some_and(|&(_, c)| c == '+' || c == '-'));
        let exponent = digit_run(n + 1 + sign);
        if exponent > 0 {
            n += 1 + sign + exponent;
        }
    }
    n
}

/// Byte indices of closing brackets with no opening one, and of brackets
/// closed by the wrong kind (`(]`). Brackets still open are not errors:
/// the statement may go on.
fn unmatched_brackets(line: &str) -> Vec<usize> {
    let mut open: Vec<(usize, &str)> = Vec::new();
    let mut stray = Vec::new();
    for t in tokens(line)
        .into_iter()
        .filter(|t| t.kind == TokenKind::Bracket)
    {
        match &line[t.start..t.end] {
            b @ ("(" | "[") => open.push((t.start, b)),
            close => match open.pop() {
                Some((_, "(")) if close == ")" => {}
                Some((_, "[")) if close == "]" => {}
                Some((at, _)) => stray.extend([at, t.start]),
                None => stray.push(t.start),
            },
        }
    }
    stray
}

/// The byte index of the bracket that matches the one under the cursor, or
/// just before it.
fn matching_bracket(line: &str, pos: usize) -> Option<usize> {
    let brackets: Vec<Token> = tokens(line)
        .into_iter()
        .filter(|t| t.kind == TokenKind::Bracket)
        .collect();
    let here = brackets
        .iter()
        .position(|t| t.start == pos)
        .or_else(|| brackets.iter().position(|t| t.end == pos))?;
    let open = |t: &Token| matches!(&line[t.start..t.end], "(" | "[");
    let mut depth = 0i32;
    if open(&brackets[here]) {
        for t in &brackets[here..] {
            depth += if open(t) { 1 } else { -1 };
            if depth == 0 {
                return Some(t.start);
            }
        }
    } else {
        for t in brackets[..=here].iter().rev() {
            depth += if open(t) { -1 } else { 1 };
            if depth == 0 {
                return Some(t.start);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use rustyline::history::DefaultHistory;

    fn helper(color: bool) -> GdHelper {
        let names = Names {
            functions: vec![
                ("loss".into(), vec!["w".into(), "b".into()]),
                ("f".into(), vec!["x".into()]),
            ],
            values: vec!["learning".into()],
        };
        GdHelper::new(Rc::new(RefCell::new(names)), color)
    }

    fn complete(line: &str) -> (usize, Vec<String>) {
        let history = DefaultHistory::new();
        let ctx = Context::new(&history);
        let (start, found) = helper(true)
            .complete(line, line.len(), &ctx)
            .expect("works");
        (start, found.into_iter().map(|p| p.replacement).collect())
    }

    fn hint(line: &str) -> Option<String> {
        helper(true).hint_for(line).map(|h| h.display)
    }

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

    #[test]
    fn completes_user_names_keywords_and_builtins() {
        assert_eq!(
            complete("lo").1,
            vec!["load", "log", "log10", "log2", "loss"]
        );
        assert_eq!(complete("minimize los"), (9, vec!["loss".into()]));
        assert_eq!(complete("y = 2lea"), (5, vec!["learning".into()]));
        assert_eq!(complete("sig").1, vec!["sigmoid", "sign"]);
        assert_eq!(complete("minimize f from 0 ste").1, vec!["step", "steps"]);
        assert_eq!(complete("x + p").1, vec!["pi", "plot"]);
        assert_eq!(complete("f from 0 using ada").1, vec!["adagrad", "adam"]);
        // After `using`, only the optimizers.
        assert_eq!(complete("f from 0 using n").1, vec!["nesterov", "newton"]);
        assert_eq!(complete("f from 0 using [gd, m").1, vec!["momentum"]);
        assert_eq!(complete("f from 0 using ").1.len(), METHOD_NAMES.len());
        assert_eq!(
            complete("f from 0 using adam steps 3 lr lea").1,
            vec!["learning"]
        );
        assert_eq!(complete("f(x) = ").1, Vec::<String>::new());
        // Inside an optimizer's parentheses, its settings.
        assert_eq!(complete("f from 0 using adam(b").1, vec!["beta1", "beta2"]);
        assert_eq!(
            complete("f from 0 using [gd, rmsprop(0.9, ").1,
            vec!["alpha", "eps"]
        );
        assert_eq!(complete("f from 0 using momentum(m").1, vec!["momentum"]);
        assert_eq!(
            complete("f from 0 using adam(0.9, b").1,
            vec!["beta1", "beta2"]
        );
        // After plot, minimize and maximize: the user's functions.
        assert_eq!(complete("plot ").1, vec!["loss", "f"]);
        assert_eq!(complete("minimize ").1, vec!["loss", "f"]);
        assert_eq!(complete("maximize l").1, vec!["loss"]);
        assert_eq!(complete("xplot ").1, Vec::<String>::new());
    }

    #[test]
    fn completes_commands_topics_and_files() {
        assert_eq!(complete(":he"), (0, vec![":help".into()]));
        assert_eq!(complete("  :c"), (2, vec![":clear".into()]));
        assert_eq!(complete(":help mom"), (6, vec!["momentum".into()]));
        assert_eq!(complete(":json o").1, vec!["on", "off"]);
        // File names come from the current folder (the crate root in tests).
        assert_eq!(complete(":load Cargo.t"), (6, vec!["Cargo.toml".into()]));
        assert_eq!(complete(":l scripts/tou").1, vec!["scripts/tour.gd"]);
        // A file closes its quote; a folder does not.
        assert_eq!(complete("load(\"Cargo.l").1, vec!["Cargo.lock\""]);
        assert_eq!(complete("load(\"scrip").1, vec!["scripts/"]);
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
    fn no_hints_without_colour() {
        let history = DefaultHistory::new();
        let ctx = Context::new(&history);
        assert!(helper(false).hint("loss(", 5, &ctx).is_none());
        assert_eq!(helper(false).highlight("loss(1)", 7), "loss(1)");
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
        // editor neither colours nor repaints on each key.
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
        ] {
            for pos in 0..=line.len() {
                if line.is_char_boundary(pos) {
                    assert_eq!(strip(&helper(true).highlight(line, pos)), line);
                }
            }
        }
    }
}
