//! Maths as people type it (LANGUAGE.md section 2): text from Chinese and
//! Japanese input methods, web pages and textbooks rewritten to gd's ASCII
//! form before anything else reads it, with a map from offsets in the
//! rewritten text back to offsets in what was typed.
//!
//! Outside strings and comments: full-width forms and the ideographic
//! space, `【】“”‘’′″……。`, the dashes `−` and `–`, `× · ⋅ ÷`; a run of
//! superscripts after an operand as a power in brackets (`x²` is
//! `x^(2)`), `sin²(x)` as `sin (x)^(2)` and `sin⁻¹(x)` as `asin(x)`;
//! subscript digits in a name as digits; `√` as `sqrt` around its operand.
//! A character nothing here knows is left as typed, so the parser still
//! reports it where it is.
//!
//! Invariant: the map is monotone, and an offset on a character boundary
//! of the rewritten text maps to one of the source; text that needs no
//! rewrite is borrowed as it is, with an empty map.

use std::borrow::Cow;
use std::cell::RefCell;
use std::ops::Range;

use crate::builtins;
use crate::error::Error;
use crate::syntax::Span;

/// A source rewritten to gd's ASCII forms, and the way back.
pub(super) struct Normalized<'a> {
    /// What was typed.
    pub original: &'a str,
    /// What the pre-pass, pest and the explainer read.
    pub text: Cow<'a, str>,
    pub map: OffsetMap,
}

impl Normalized<'_> {
    /// `span` of the rewritten text, as a span of what was typed.
    pub fn span(&self, span: Span) -> Span {
        self.map.span(span)
    }

    /// The typed text under `span` of the rewritten text (`（` for `(`).
    pub fn typed(&self, span: Span) -> &str {
        let span = self.span(span);
        self.original.get(span.start..span.end).unwrap_or("")
    }

    /// `error`, pointing into what was typed instead of the rewritten text.
    pub fn error(&self, mut error: Error) -> Error {
        error.span = error.span.map(|span| self.span(span));
        error
    }
}

/// Offsets in the rewritten text to offsets in the source: one segment
/// per rewrite, in order; between segments the two texts are the same.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OffsetMap {
    segments: Vec<Segment>,
}

/// A rewrite: `norm` (never empty) in the rewritten text stands for
/// `orig` in the source (empty for an inserted `)`).
#[derive(Clone, Debug, PartialEq, Eq)]
struct Segment {
    norm: Range<usize>,
    orig: Range<usize>,
}

impl OffsetMap {
    /// No rewrite: every offset maps to itself.
    pub fn is_identity(&self) -> bool {
        self.segments.is_empty()
    }

    /// Where a span that starts at `at` starts in the source: inside a
    /// rewrite, at the start of what it rewrote.
    pub fn start(&self, at: usize) -> usize {
        match self.segment_at(at) {
            None => at,
            Some(s) if at >= s.norm.end => s.orig.end + (at - s.norm.end),
            Some(s) => s.orig.start,
        }
    }

    /// Where a span that ends at `at` ends in the source: inside a
    /// rewrite, at the end of what it rewrote.
    pub fn end(&self, at: usize) -> usize {
        match self.segment_at(at) {
            None => at,
            Some(s) if at >= s.norm.end => s.orig.end + (at - s.norm.end),
            Some(s) if at == s.norm.start => s.orig.start,
            Some(s) => s.orig.end,
        }
    }

    pub fn span(&self, span: Span) -> Span {
        let start = self.start(span.start);
        Span::new(start, self.end(span.end).max(start))
    }

    /// The last segment that starts at or before `at`.
    fn segment_at(&self, at: usize) -> Option<&Segment> {
        let after = self.segments.partition_point(|s| s.norm.start <= at);
        after.checked_sub(1).map(|i| &self.segments[i])
    }
}

/// Rewrites `src` (see the module doc).
pub(super) fn normalize(src: &str) -> Normalized<'_> {
    if src.is_ascii() || !src.chars().any(is_special) {
        return Normalized {
            original: src,
            text: Cow::Borrowed(src),
            map: OffsetMap::default(),
        };
    }
    let units = units(src);
    let mut rewrite = Rewrite::new(src, &units);
    rewrite.run();
    let Emitter { text, segments, .. } = rewrite.out;
    let text = if segments.is_empty() {
        Cow::Borrowed(src)
    } else {
        Cow::Owned(text)
    };
    Normalized {
        original: src,
        text,
        map: OffsetMap { segments },
    }
}

/// Whether `c` may be rewritten somewhere (the cheap test that lets most
/// sources through untouched).
fn is_special(c: char) -> bool {
    one_for_one(c).is_some()
        || superscript(c).is_some()
        || subscript(c).is_some()
        || matches!(c, '“' | '”' | '″' | '…' | '√')
}

/// The ASCII a character stands for, on its own.
fn one_for_one(c: char) -> Option<char> {
    match c {
        // Full-width forms: the ASCII character 0xFEE0 below.
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0),
        '\u{3000}' => Some(' '),
        '【' => Some('['),
        '】' => Some(']'),
        '‘' | '’' | '′' => Some('\''),
        '。' => Some('.'),
        '−' | '–' => Some('-'),
        '×' | '·' | '⋅' => Some('*'),
        '÷' => Some('/'),
        _ => None,
    }
}

/// What a superscript stands for in a power.
pub(super) fn superscript(c: char) -> Option<char> {
    match c {
        '⁰' => Some('0'),
        '¹' => Some('1'),
        '²' => Some('2'),
        '³' => Some('3'),
        '⁴'..='⁹' => char::from_u32(c as u32 - '⁴' as u32 + '4' as u32),
        '⁺' => Some('+'),
        '⁻' => Some('-'),
        '⁽' => Some('('),
        '⁾' => Some(')'),
        'ⁿ' => Some('n'),
        _ => None,
    }
}

/// The digit a subscript digit stands for.
pub(super) fn subscript(c: char) -> Option<char> {
    match c {
        '₀'..='₉' => char::from_u32(c as u32 - '₀' as u32 + '0' as u32),
        _ => None,
    }
}

fn is_quote(c: char) -> bool {
    matches!(c, '"' | '“' | '”' | '\u{FF02}')
}

/// A letter (of any script) or `_`: a name starts here.
fn is_letter(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

/// A character that goes on with a name as the grammar reads it (letters,
/// marks, ASCII digits, `_`); subscripts are handled apart.
fn is_name_char(c: char) -> bool {
    is_letter(c) || c.is_ascii_digit() || ('\u{300}'..='\u{36f}').contains(&c)
}

/// Whether an operand can end with `c`, so that a superscript after it is
/// its power.
fn ends_operand(c: char) -> bool {
    is_name_char(c) || matches!(c, ')' | ']' | '\'' | '.')
}

// ------------------------------------------------------------- first pass

/// A character of the source after the one-for-one rewrites, or a run of
/// a string or comment (`literal`), kept as typed.
#[derive(Clone, Debug)]
struct Unit {
    c: char,
    orig: Range<usize>,
    literal: bool,
}

/// The source as units: strings (from any of `" “ ” ＂` to the next of
/// them or the end of the line, their quotes made `"`) and comments (from
/// `#` or `＃`) are literal runs; `……` is one `^`, `″` two primes.
fn units(src: &str) -> Vec<Unit> {
    let mut units = Vec::new();
    let mut chars = src.char_indices().peekable();
    let code = |c: char, orig: Range<usize>| Unit {
        c,
        orig,
        literal: false,
    };
    while let Some((at, c)) = chars.next() {
        let end = at + c.len_utf8();
        let literal_until = |stop: fn(char) -> bool| {
            let rest = &src[end..];
            end + rest.find(stop).unwrap_or(rest.len())
        };
        match c {
            _ if is_quote(c) => {
                units.push(code('"', at..end));
                let close = literal_until(|c| is_quote(c) || c == '\n');
                push_literal(&mut units, end..close);
                skip_to(&mut chars, close);
                if let Some((at, q)) = chars.next_if(|&(_, q)| is_quote(q)) {
                    units.push(code('"', at..at + q.len_utf8()));
                }
            }
            '#' | '＃' => {
                let close = literal_until(|c| c == '\n');
                units.push(code('#', at..end));
                push_literal(&mut units, end..close);
                skip_to(&mut chars, close);
            }
            '…' if chars.peek().is_some_and(|&(_, next)| next == '…') => {
                chars.next();
                units.push(code('^', at..end + '…'.len_utf8()));
            }
            '″' => {
                units.push(code('\'', at..end));
                units.push(code('\'', end..end));
            }
            _ => units.push(code(one_for_one(c).unwrap_or(c), at..end)),
        }
    }
    units
}

fn push_literal(units: &mut Vec<Unit>, orig: Range<usize>) {
    if !orig.is_empty() {
        units.push(Unit {
            c: ' ',
            orig,
            literal: true,
        });
    }
}

/// Skips the characters before byte `to`.
fn skip_to(chars: &mut std::iter::Peekable<std::str::CharIndices>, to: usize) {
    while chars.next_if(|&(at, _)| at < to).is_some() {}
}

// ------------------------------------------------------------ second pass

/// The rewritten text being written, with its segments.
struct Emitter<'a> {
    src: &'a str,
    text: String,
    segments: Vec<Segment>,
}

impl Emitter<'_> {
    /// Writes `text` for the source's `orig`; a segment unless it is the
    /// same text. `text` is never empty, so every segment has a length in
    /// the rewritten text.
    fn emit(&mut self, text: &str, orig: Range<usize>) {
        debug_assert!(!text.is_empty(), "an empty rewrite would lose its source");
        let start = self.text.len();
        self.text.push_str(text);
        if self.src.get(orig.clone()) != Some(text) {
            self.segments.push(Segment {
                norm: start..self.text.len(),
                orig,
            });
        }
    }

    fn emit_char(&mut self, c: char, orig: Range<usize>) {
        self.emit(c.encode_utf8(&mut [0; 4]), orig);
    }

    /// Where the text is now, to go back to with `rewind`.
    fn mark(&self) -> (usize, usize) {
        (self.text.len(), self.segments.len())
    }

    fn rewind(&mut self, (len, segments): (usize, usize)) {
        self.text.truncate(len);
        self.segments.truncate(segments);
    }

    fn last(&self) -> Option<char> {
        self.text.chars().next_back()
    }
}

/// The second pass over the units: names, superscripts, `√`.
struct Rewrite<'a> {
    units: &'a [Unit],
    out: Emitter<'a>,
    /// The name being read: its first unit and where its text starts.
    name: Option<(usize, (usize, usize))>,
    /// A power to write after the bracket group that comes next (`sin²(x)`).
    power_after_group: Option<String>,
    /// For each open bracket, the power to write after its closing one.
    open: Vec<Option<String>>,
    /// Unit indices before which a `)` closes a `sqrt(`, the next last.
    sqrt_closes: Vec<usize>,
    /// For a unit that opens a bracket, the unit after the one that
    /// closes it (the end when none does).
    group_ends: Vec<usize>,
}

impl<'a> Rewrite<'a> {
    fn new(src: &'a str, units: &'a [Unit]) -> Rewrite<'a> {
        Rewrite {
            units,
            out: Emitter {
                src,
                text: String::with_capacity(src.len()),
                segments: Vec::new(),
            },
            name: None,
            power_after_group: None,
            open: Vec::new(),
            sqrt_closes: Vec::new(),
            group_ends: group_ends(units),
        }
    }

    fn run(&mut self) {
        let mut i = 0;
        while i < self.units.len() {
            self.close_sqrts(i);
            i = self.step(i);
        }
        self.close_sqrts(self.units.len());
    }

    /// Writes the `)` of every `sqrt(` whose operand ends before unit `i`.
    fn close_sqrts(&mut self, i: usize) {
        while self.sqrt_closes.last().is_some_and(|&end| end <= i) {
            self.sqrt_closes.pop();
            let at = self.units[i - 1].orig.end;
            self.out.emit(")", at..at);
        }
    }

    /// Rewrites from unit `i`; returns the next unit to read.
    fn step(&mut self, i: usize) -> usize {
        let unit = &self.units[i];
        let c = unit.c;
        if unit.literal {
            self.name = None;
            let src = self.out.src;
            self.out.emit(&src[unit.orig.clone()], unit.orig.clone());
            return i + 1;
        }
        if superscript(c).is_some() && self.out.last().is_some_and(ends_operand) {
            return self.power(i);
        }
        if c == '√' {
            return self.sqrt(i);
        }
        self.track_name(i, c);
        match (c, subscript(c)) {
            (_, Some(digit)) if self.name.is_some() => self.out.emit_char(digit, unit.orig.clone()),
            ('(' | '[', _) => {
                self.open.push(self.power_after_group.take());
                self.out.emit_char(c, unit.orig.clone());
            }
            (')' | ']', _) => {
                self.out.emit_char(c, unit.orig.clone());
                if let Some(power) = self.open.pop().flatten() {
                    let at = unit.orig.end;
                    self.out.emit(&power, at..at);
                }
            }
            _ => self.out.emit_char(c, unit.orig.clone()),
        }
        i + 1
    }

    /// Keeps `name` up to date before unit `i` (`c`) is written.
    fn track_name(&mut self, i: usize, c: char) {
        let goes_on = is_name_char(c) || subscript(c).is_some();
        match self.name {
            Some(_) if goes_on => {}
            // After a number too: `2x` is a number, then a name.
            _ if is_letter(c) => self.name = Some((i, self.out.mark())),
            _ => self.name = None,
        }
    }

    /// A run of superscripts after an operand, from unit `i`: `^(...)`,
    /// or after a built-in's name and before its `(`, a power of the call
    /// (`sin²(x)`), or the inverse (`sin⁻¹(x)` is `asin(x)`).
    fn power(&mut self, i: usize) -> usize {
        let end = self.superscripts_end(i);
        let exponent: String = self.units[i..end]
            .iter()
            .filter_map(|u| superscript(u.c))
            .collect();
        let orig = self.units[i].orig.start..self.units[end - 1].orig.end;
        let call = self
            .name
            .take()
            .filter(|_| self.next_code(end) == Some('('));
        if let Some((first, mark)) = call {
            let name: String = self.units[first..i].iter().map(|u| u.c).collect();
            if exponent == "-1" && matches!(name.as_str(), "sin" | "cos" | "tan") {
                self.out.rewind(mark);
                let orig = self.units[first].orig.start..orig.end;
                self.out.emit(&format!("a{name}"), orig);
                return end;
            }
            if builtins::is_builtin_name(&name) {
                // A space holds the superscripts' place: `sin (x)` is a call.
                self.out.emit(" ", orig);
                self.power_after_group = Some(format!("^({exponent})"));
                return end;
            }
        }
        self.out.emit(&format!("^({exponent})"), orig);
        end
    }

    /// `√` at unit `i`, with those that follow it (`√√x`): each is `sqrt(`
    /// now and `)` after the operand, except that the last is `sqrt` alone
    /// before a bracket group with nothing after it. With no operand they
    /// are left as typed. Returns the unit after the last `√`.
    fn sqrt(&mut self, i: usize) -> usize {
        let mut roots = vec![i];
        let mut j = self.skip_spaces(i + 1);
        while self.code(j) == Some('√') {
            roots.push(j);
            j = self.skip_spaces(j + 1);
        }
        let last = roots[roots.len() - 1];
        self.name = None;
        let Some((end, group_alone)) = self.operand_end(last + 1) else {
            self.verbatim(i..last + 1);
            return last + 1;
        };
        for (k, &root) in roots.iter().enumerate() {
            if k > 0 {
                self.verbatim(roots[k - 1] + 1..root);
            }
            let orig = self.units[root].orig.clone();
            if root == last && group_alone {
                self.out.emit("sqrt", orig);
            } else {
                self.out.emit("sqrt(", orig);
                // Closes are nested: an inner operand ends no later than
                // an outer one, so the stack's top is always the next.
                self.sqrt_closes.push(end);
            }
        }
        last + 1
    }

    /// Units `range` as they are (after the one-for-one rewrites).
    fn verbatim(&mut self, range: Range<usize>) {
        for unit in &self.units[range] {
            self.out.emit_char(unit.c, unit.orig.clone());
        }
    }

    /// Where the operand that starts at unit `i` (after spaces) of a `√`
    /// ends, with its superscripts, and whether it is one bracket group
    /// with nothing before or after it. An operand is a number, a name with
    /// the bracket group of its call, or a bracket group.
    fn operand_end(&self, i: usize) -> Option<(usize, bool)> {
        let j = self.skip_spaces(i);
        let first = self.code(j)?;
        let (end, group_alone) = if first.is_ascii_digit()
            || (first == '.' && self.code(j + 1).is_some_and(|c| c.is_ascii_digit()))
        {
            (
                run_end(self.units, j, |c| c.is_ascii_digit() || c == '.'),
                false,
            )
        } else if is_letter(first) {
            let name_end = run_end(self.units, j, |c| is_name_char(c) || subscript(c).is_some());
            let after = self.superscripts_end(name_end);
            match self.code(after) {
                Some('(') => (self.group_ends[after], false),
                _ => (name_end, false),
            }
        } else if matches!(first, '(' | '[') {
            (self.group_ends[j], j == i)
        } else {
            return None;
        };
        let with_powers = self.superscripts_end(end);
        Some((with_powers, group_alone && with_powers == end))
    }

    /// The character of unit `i` when it is code.
    fn code(&self, i: usize) -> Option<char> {
        self.units.get(i).filter(|u| !u.literal).map(|u| u.c)
    }

    fn superscripts_end(&self, i: usize) -> usize {
        run_end(self.units, i, |c| superscript(c).is_some())
    }

    fn skip_spaces(&self, i: usize) -> usize {
        run_end(self.units, i, |c| matches!(c, ' ' | '\t'))
    }

    /// The next character of code after spaces from unit `i`.
    fn next_code(&self, i: usize) -> Option<char> {
        self.units
            .get(self.skip_spaces(i))
            .filter(|u| !u.literal)
            .map(|u| u.c)
    }
}

/// For each unit that opens a bracket, the unit after the one that
/// closes it, or the end; one pass, so that each `√` finds its operand's
/// end at once.
fn group_ends(units: &[Unit]) -> Vec<usize> {
    let mut ends = vec![units.len(); units.len()];
    let mut open = Vec::new();
    for (j, unit) in units.iter().enumerate() {
        match unit.c {
            _ if unit.literal => {}
            '(' | '[' => open.push(j),
            ')' | ']' => {
                if let Some(k) = open.pop() {
                    ends[k] = j + 1;
                }
            }
            _ => {}
        }
    }
    ends
}

/// The end of the run of code units from `i` whose characters `keep`.
fn run_end(units: &[Unit], i: usize, keep: impl Fn(char) -> bool) -> usize {
    let mut j = i;
    while units.get(j).is_some_and(|u| !u.literal && keep(u.c)) {
        j += 1;
    }
    j
}

// ------------------------------------------------- spans while lowering

/// The source being lowered on this thread. `span_of` and the other
/// lowering functions see only pest pairs, so the map they need is here
/// for the length of one parse rather than in every function's arguments.
#[derive(Default)]
struct Active {
    map: OffsetMap,
    original: String,
}

thread_local! {
    static ACTIVE: RefCell<Active> = const {
        RefCell::new(Active {
            map: OffsetMap {
                segments: Vec::new(),
            },
            original: String::new(),
        })
    };
}

/// Runs `lower` with `source`'s map as the one `original_span` uses.
pub(super) fn while_lowering<R>(source: &Normalized, lower: impl FnOnce() -> R) -> R {
    let active = if source.map.is_identity() {
        Active::default()
    } else {
        Active {
            map: source.map.clone(),
            original: source.original.to_string(),
        }
    };
    let outer = ACTIVE.with(|a| a.replace(active));
    let result = lower();
    ACTIVE.with(|a| a.replace(outer));
    result
}

/// The span of the source being lowered that `start..end` of its
/// rewritten text stands for.
pub(super) fn original_span(start: usize, end: usize) -> Span {
    ACTIVE.with(|a| a.borrow().map.span(Span::new(start, end)))
}

/// The text as typed under `span` (a span of the source) when the source
/// being lowered was rewritten, else `rewritten`.
pub(super) fn typed_text(rewritten: &str, span: Span) -> String {
    ACTIVE.with(|a| {
        let a = a.borrow();
        match a.original.get(span.start..span.end) {
            Some(typed) if !a.map.is_identity() => typed.to_string(),
            _ => rewritten.to_string(),
        }
    })
}

/// `span` widened to the character boundaries of `src` around it.
pub(super) fn on_char_boundaries(src: &str, span: Span) -> Span {
    let floor = |mut at: usize| {
        at = at.min(src.len());
        while !src.is_char_boundary(at) {
            at -= 1;
        }
        at
    };
    let mut end = span.end.min(src.len());
    while !src.is_char_boundary(end) {
        end += 1;
    }
    let start = floor(span.start);
    Span::new(start, end.max(start))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(src: &str) -> String {
        normalize(src).text.into_owned()
    }

    #[test]
    fn plain_text_is_borrowed_with_no_map() {
        for src in ["f(x) = x^2", "损失(w) = (w - 3)^2", "θ = 1 # ²√"] {
            let n = normalize(src);
            assert!(matches!(n.text, Cow::Borrowed(_)), "{src}");
            assert!(n.map.is_identity(), "{src}");
        }
    }

    #[test]
    fn full_width_forms_and_the_ideographic_space() {
        assert_eq!(norm("f（x）＝ x＾2"), "f(x)= x^2");
        assert_eq!(norm("f(x，y)；ｇ"), "f(x,y);g");
        assert_eq!(norm("１２．５＋ｘ　－３"), "12.5+x -3");
        assert_eq!(norm("ｍｉｎｉｍｉｚｅ"), "minimize");
    }

    #[test]
    fn what_a_chinese_input_method_types() {
        assert_eq!(norm("【1，2】"), "[1,2]");
        assert_eq!(norm("f’(x) + f‘ + f′"), "f'(x) + f' + f'");
        assert_eq!(norm("f″(1)"), "f''(1)");
        assert_eq!(norm("x……2"), "x^2");
        assert_eq!(norm("x…2"), "x…2");
        assert_eq!(norm("0。5"), "0.5");
    }

    #[test]
    fn dashes_and_operators() {
        assert_eq!(norm("x − 1 – 2"), "x - 1 - 2");
        assert_eq!(norm("2×x·y⋅z ÷ 4"), "2*x*y*z / 4");
    }

    #[test]
    fn strings_and_comments_are_kept() {
        assert_eq!(norm("plot f to “图（1）.svg”"), "plot f to \"图（1）.svg\"");
        assert_eq!(
            norm("plot f to \"a×b\" # x² （"),
            "plot f to \"a×b\" # x² （"
        );
        assert_eq!(norm("x² ＃ x²"), "x^(2) # x²");
        assert_eq!(norm("“a\nx²"), "\"a\nx^(2)");
    }

    #[test]
    fn superscripts_after_an_operand_are_powers() {
        assert_eq!(norm("x²"), "x^(2)");
        assert_eq!(norm("x⁻¹"), "x^(-1)");
        assert_eq!(norm("e^x²"), "e^x^(2)");
        assert_eq!(norm("x²y"), "x^(2)y");
        assert_eq!(norm("(x + 1)³"), "(x + 1)^(3)");
        assert_eq!(norm("x⁽ⁿ⁺¹⁾"), "x^((n+1))");
        assert_eq!(norm("2¹⁰"), "2^(10)");
        // Not after an operand: left for the parser to report.
        assert_eq!(norm("x ²"), "x ²");
        assert_eq!(norm("√²"), "√²");
    }

    #[test]
    fn superscripts_of_builtin_calls() {
        assert_eq!(norm("sin²(x)"), "sin (x)^(2)");
        assert_eq!(norm("cos²(2x) + 1"), "cos (2x)^(2) + 1");
        assert_eq!(norm("sin²（x²）"), "sin (x^(2))^(2)");
        assert_eq!(norm("sin⁻¹(x)"), "asin(x)");
        assert_eq!(norm("cos⁻¹(x) + tan⁻¹ (1)"), "acos(x) + atan (1)");
        assert_eq!(norm("ｓｉｎ⁻¹（x）"), "asin(x)");
        // Not a built-in, or no call: a plain power.
        assert_eq!(norm("f²(x)"), "f^(2)(x)");
        assert_eq!(norm("sin²"), "sin^(2)");
        assert_eq!(norm("ln⁻¹(x)"), "ln (x)^(-1)");
    }

    #[test]
    fn subscripts_in_names_are_digits() {
        assert_eq!(norm("θ₁ + θ₁₂"), "θ1 + θ12");
        assert_eq!(norm("x₁²"), "x1^(2)");
        assert_eq!(norm("2₁"), "2₁");
        assert_eq!(norm("₁"), "₁");
    }

    #[test]
    fn square_roots_take_their_operand() {
        assert_eq!(norm("√x"), "sqrt(x)");
        assert_eq!(norm("√(x + 1)"), "sqrt(x + 1)");
        assert_eq!(norm("√x²"), "sqrt(x^(2))");
        assert_eq!(norm("2√x"), "2sqrt(x)");
        assert_eq!(norm("√2x"), "sqrt(2)x");
        assert_eq!(norm("√(x+1)²"), "sqrt((x+1)^(2))");
        assert_eq!(norm("√f(x) + 1"), "sqrt(f(x)) + 1");
        assert_eq!(norm("√√x"), "sqrt(sqrt(x))");
        assert_eq!(norm("√ x"), "sqrt( x)");
        assert_eq!(norm("√θ₁"), "sqrt(θ1)");
        assert_eq!(norm("√sin²(x)"), "sqrt(sin (x)^(2))");
        assert_eq!(norm("√（x）"), "sqrt(x)");
        assert_eq!(norm("√(x"), "sqrt(x");
        assert_eq!(norm("√ √x"), "sqrt( sqrt(x))");
        // No operand: left for the parser to report.
        assert_eq!(norm("√ + 1"), "√ + 1");
        assert_eq!(norm("√ √"), "√ √");
    }

    #[test]
    fn long_runs_take_linear_time() {
        // Each `√` would look ahead to the end of these if nothing stopped it.
        let n = 200_000;
        for src in ["√", "√(", "√x(", "x²", "√ "] {
            let typed = src.repeat(n);
            assert!(normalize(&typed).text.len() >= n, "{src}");
        }
    }

    /// The source text each rewritten span maps back to.
    fn typed<'a>(n: &'a Normalized, needle: &str) -> &'a str {
        let at = n.text.find(needle).unwrap_or(usize::MAX);
        n.typed(Span::new(at, at + needle.len()))
    }

    #[test]
    fn spans_map_back_to_what_was_typed() {
        let n = normalize("f（ｘ）＝ √x² + θ₁");
        assert_eq!(n.text, "f(x)= sqrt(x^(2)) + θ1");
        assert_eq!(typed(&n, "f"), "f");
        assert_eq!(typed(&n, "(x)"), "（ｘ）");
        assert_eq!(typed(&n, "x"), "ｘ");
        assert_eq!(typed(&n, "sqrt(x^(2))"), "√x²");
        assert_eq!(typed(&n, "x^(2)"), "x²");
        assert_eq!(typed(&n, "θ1"), "θ₁");
        assert_eq!(typed(&n, "+"), "+");
        let n = normalize("sin²(x) + sin⁻¹(y)");
        assert_eq!(typed(&n, "sin (x)^(2)"), "sin²(x)");
        assert_eq!(typed(&n, "asin"), "sin⁻¹");
        assert_eq!(typed(&n, "(y)"), "(y)");
    }

    #[test]
    fn offsets_outside_rewrites_shift_by_what_came_before() {
        let map = normalize("（x） + q").map;
        // `q` is at 6 in "(x) + q" and at 10 in the source.
        assert_eq!((map.start(6), map.end(7)), (10, 11));
        // Inside a rewrite: its start, or its end.
        let map = normalize("x²").map;
        assert_eq!((map.start(2), map.end(2)), (1, 3));
        assert_eq!((map.start(1), map.end(1)), (1, 1));
        assert_eq!((map.start(5), map.end(5)), (3, 3));
    }

    #[test]
    fn error_spans_land_on_boundaries() {
        assert_eq!(on_char_boundaries("ａb", Span::new(1, 2)), Span::new(0, 3));
        assert_eq!(on_char_boundaries("ab", Span::new(5, 9)), Span::new(2, 2));
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        /// Text made of the characters this module rewrites, and gd's own.
        fn typed_text() -> impl Strategy<Value = String> {
            let pieces = proptest::sample::select(vec![
                "x", "sin", "θ", "2", ".", " ", "(", ")", "[", "]", "（", "）", "【", "】", "²",
                "⁻", "¹", "ⁿ", "⁽", "⁾", "₁", "√", "×", "÷", "−", "…", "″", "’", "“", "”", "\"",
                "#", "\n", "＃", "ｘ", "　", "。", "损", "^", ",", "，",
            ]);
            proptest::collection::vec(pieces, 0..24).prop_map(|v| v.concat())
        }

        proptest! {
            #[test]
            fn the_map_is_monotone_and_on_boundaries(src in typed_text()) {
                let n = normalize(&src);
                let text = n.text.as_ref();
                let mut last = (0, 0);
                for at in (0..=text.len()).filter(|&at| text.is_char_boundary(at)) {
                    let (start, end) = (n.map.start(at), n.map.end(at));
                    prop_assert!(start <= end && end <= src.len(), "{src:?} at {at}");
                    prop_assert!(src.is_char_boundary(start) && src.is_char_boundary(end));
                    prop_assert!(start >= last.0 && end >= last.1, "{src:?} at {at}");
                    last = (start, end);
                }
                prop_assert_eq!(n.map.end(text.len()), src.len());
            }

            #[test]
            fn normalize_never_panics(src in "\\PC{0,40}") {
                let n = normalize(&src);
                prop_assert_eq!(n.map.end(n.text.len()), src.len());
            }
        }
    }
}
