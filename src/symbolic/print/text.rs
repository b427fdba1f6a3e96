//! Writing a display tree as gd text that parses back (LANGUAGE.md
//! section 3) to the same canonical handle.
//!
//! Rules, on top of the layout's:
//!
//! - Products in one style, juxtaposed as section 3 reads them: a
//!   coefficient glued to what follows (`2x`, `3sqrt(2)`, `2(x + 1)^2`),
//!   one space between other factors (`2x sin(x)`, `x y^2`, `x^2 (x + 1)`,
//!   `sigmoid(x) (1 - sigmoid(x))`), none between groups (`(x + 1)(x -
//!   1)`), and `*` only where juxtaposition would read differently
//!   (`separator`): before a number (`3*2^x`, `2*e1`), and before a `(`
//!   that would be a call (`x*(x + 1)^2`, `ab*(x + 1)`).
//! - Integers of 15 digits or fewer print in full; larger ones as `1e15`
//!   when that is exact, else as a parenthesised exact product and sum.
//! - Doubles: shortest round-trip form (`format_number`); `inf` is `1e999`,
//!   `-inf` is `-1e999`, nan is `(0*1e999)`, all of which read back to the
//!   same double.
//! - Parentheses only where precedence needs them, plus two places where
//!   the canonical constructors would otherwise rebuild a different handle:
//!   a number (or a leading minus) directly before a lone sum is distributed
//!   by `mul`, so `-(x + 1)/y^2` is printed `-((x + 1)/y^2)` and
//!   `2(x + 1)(x - 1)` is printed `2((x + 1)(x - 1))`; and `x/(2(x + 1))` is
//!   printed `x/(x + 1)/2`.
//!
//! Invariant: every separator is chosen from how the factor before it ends
//! (`Edge`) and how the next one starts (`Lead`), so no two factors glue
//! into one token.

use std::rc::Rc;

use super::layout::{ATOM, D, POW, PRODUCT, level};
use crate::text::format_number;

/// `d` as gd text.
pub(super) fn write(d: &D) -> String {
    let mut text = Text::default();
    text.write(d);
    text.out
}

/// How a printed factor ends.
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
enum Edge {
    Digit,
    Name,
    /// A bracket group's `)`.
    Paren,
    /// A call's `)`: `sin(x)(1 + x)` would read as a call of a call.
    Call,
    /// A power whose exponent ends in `)`: a `(` right after it would call
    /// the exponent (`x^(a + b)(c)` is `x^((a + b)(c))`), so it needs `*`.
    PowerParen,
}

/// How a printed factor starts.
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
enum Lead {
    Digit,
    Letter,
    /// A name like `e1` that would glue onto a number as its exponent.
    ExponentLetter,
    Paren,
}

fn lead(d: &D) -> Lead {
    if level(d) < POW {
        return Lead::Paren;
    }
    match d {
        D::Float(x) if x.is_nan() => Lead::Paren,
        D::Int(_) | D::Dec(_) | D::Float(_) => Lead::Digit,
        D::Var(name) | D::Apply(name, _) => name_lead(name),
        D::Pow(base, _) if level(base) < ATOM => Lead::Paren,
        D::Pow(base, _) => lead(base),
        _ => Lead::Letter,
    }
}

fn name_lead(name: &str) -> Lead {
    let mut chars = name.chars();
    match (chars.next(), chars.next()) {
        (Some('e' | 'E'), Some(c)) if c.is_ascii_digit() => Lead::ExponentLetter,
        // A data vector written as a list, `[1, 2]`: nothing glues onto it.
        (Some('['), _) => Lead::Digit,
        _ => Lead::Letter,
    }
}

#[derive(Default)]
struct Text {
    out: String,
}

impl Text {
    fn write(&mut self, d: &D) -> Edge {
        match d {
            D::Int(digits) => self.push_number(digits),
            D::Dec(text) => self.push_number(text),
            D::Frac(p, q) => {
                self.push_number(p);
                self.out.push('/');
                self.push_number(q)
            }
            D::Float(x) => self.float(*x),
            D::Var(name) => {
                self.out.push_str(name);
                Edge::Name
            }
            D::Const(c) => {
                self.out.push_str(c.name());
                Edge::Name
            }
            D::Neg(magnitude) => {
                self.out.push('-');
                self.term(magnitude, true)
            }
            D::Sum(terms) => {
                let mut edge = Edge::Paren;
                for (i, (negative, magnitude)) in terms.iter().enumerate() {
                    match (i, negative) {
                        (0, true) => self.out.push('-'),
                        (0, false) => {}
                        (_, true) => self.out.push_str(" - "),
                        (_, false) => self.out.push_str(" + "),
                    }
                    edge = self.term(magnitude, i == 0 && *negative);
                }
                edge
            }
            D::Product { coef, num, den } => self.product(coef.as_deref(), num, den, false),
            D::Pow(base, exponent) => {
                self.write_in(base, ATOM);
                self.out.push('^');
                match self.write_in(exponent, POW) {
                    Edge::Paren | Edge::Call => Edge::PowerParen,
                    edge => edge,
                }
            }
            D::Sqrt(arg) => self.call("sqrt", std::slice::from_ref(arg)),
            D::Call(func, args) => self.call(func.name(), args),
            D::Apply(name, args) => self.call(name, args),
        }
    }

    fn write_in(&mut self, d: &D, min_level: u8) -> Edge {
        if level(d) >= min_level {
            return self.write(d);
        }
        self.out.push('(');
        self.write(d);
        self.out.push(')');
        Edge::Paren
    }

    fn push_number(&mut self, text: &str) -> Edge {
        self.out.push_str(text);
        if text.ends_with(')') {
            Edge::Paren
        } else {
            Edge::Digit
        }
    }

    fn float(&mut self, x: f64) -> Edge {
        if x.is_nan() {
            self.out.push_str("(0*1e999)");
            return Edge::Paren;
        }
        if x.is_infinite() {
            self.out.push_str(if x > 0.0 { "1e999" } else { "-1e999" });
            return Edge::Digit;
        }
        self.push_number(&format_number(x))
    }

    /// A term's magnitude; `after_minus` when a unary minus precedes it.
    fn term(&mut self, magnitude: &D, after_minus: bool) -> Edge {
        match magnitude {
            D::Product { coef, num, den } => self.product(coef.as_deref(), num, den, after_minus),
            _ => self.write_in(magnitude, PRODUCT),
        }
    }

    fn product(
        &mut self,
        coef: Option<&D>,
        num: &[Rc<D>],
        den: &[Rc<D>],
        after_minus: bool,
    ) -> Edge {
        let leads_with_sum = matches!(num.first().map(|d| &**d), Some(D::Sum(_)));
        if leads_with_sum && (coef.is_some() || after_minus) {
            // `2(x + 1)(x - 1)` would read as (2x + 2)(x - 1).
            if let Some(c) = coef {
                self.write(c);
            }
            self.out.push('(');
            self.product(None, num, den, false);
            self.out.push(')');
            return Edge::Paren;
        }
        let items: Vec<&D> = coef.into_iter().chain(num.iter().map(|d| &**d)).collect();
        let mut edge = if items.is_empty() {
            self.out.push('1');
            Edge::Digit
        } else {
            self.juxtapose(&items, coef.is_some())
        };
        if den.is_empty() {
            return edge;
        }
        // `x/(2(x + 1))` would read as x/(2x + 2): divide by the 2 last.
        let number_last =
            den.len() >= 2 && matches!(*den[0], D::Int(_)) && matches!(*den[1], D::Sum(_));
        let group: Vec<&D> = den[usize::from(number_last)..]
            .iter()
            .map(|d| &**d)
            .collect();
        self.out.push('/');
        edge = if group.len() == 1 {
            self.write_in(group[0], POW)
        } else {
            self.out.push('(');
            self.juxtapose(&group, is_number(group[0]));
            self.out.push(')');
            Edge::Paren
        };
        if number_last {
            self.out.push('/');
            edge = self.write(&den[0]);
        }
        edge
    }

    /// Factors side by side, with `*` only where juxtaposition would not
    /// parse as the same product.
    fn juxtapose(&mut self, items: &[&D], first_is_coef: bool) -> Edge {
        let mut edge = Edge::Paren;
        let mut coef_is_exponent_form = false;
        let mut one_letter = false;
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                let next = lead(item);
                let bare_group = matches!(**item, D::Sum(_));
                let separator = if i == 1 && first_is_coef {
                    match next {
                        Lead::Letter if !coef_is_exponent_form => "",
                        // `(0*1e999)` (nan) ends in `)`: see below.
                        Lead::Paren if self.out.ends_with(')') && !bare_group => "*",
                        Lead::Paren => "",
                        _ => "*",
                    }
                } else {
                    separator(edge, next, one_letter)
                };
                self.out.push_str(separator);
            }
            let start = self.out.len();
            edge = self.write_in(item, POW);
            let text = &self.out[start..];
            one_letter = ends_with_one_letter_name(text);
            if i == 0 {
                coef_is_exponent_form = text.contains('e');
            }
        }
        edge
    }

    fn call(&mut self, name: &str, args: &[Rc<D>]) -> Edge {
        self.out.push_str(name);
        self.out.push('(');
        for (i, arg) in args.iter().enumerate() {
            if i > 0 {
                self.out.push_str(", ");
            }
            self.write(arg);
        }
        self.out.push(')');
        Edge::Call
    }
}

/// What goes between a factor that ends with `edge` and the next, which
/// starts with `next`: a space where section 3 reads a product (`x y`,
/// `2x sin(x)`, `x^2 (x + 1)`, `sin(x) (1 - x)^2`: the space keeps a
/// product from looking like a call), nothing between groups (`(x +
/// 1)(x - 1)^2`, but `2^(x + 1) (x - 1)`), and `*` where juxtaposition
/// would read otherwise: a number never follows as a product, and a name
/// of two or more letters before `(` is read as a function. Brackets that
/// multiply bind like `*`, so `2^x (x + 1)^2` is 2^x·(x + 1)^2.
fn separator(edge: Edge, next: Lead, one_letter: bool) -> &'static str {
    match (edge, next) {
        (_, Lead::Digit) => "*",
        (Edge::Name, Lead::Paren) if !one_letter => "*",
        (Edge::Paren, Lead::Paren) => "",
        _ => " ",
    }
}

/// Whether `text` ends with a name of one letter (`x`, `2x`, `2^x`), which
/// before `(` multiplies.
fn ends_with_one_letter_name(text: &str) -> bool {
    let name_char = |c: char| c.is_alphanumeric() || c == '_';
    let mut tail = text.chars().rev();
    match (tail.next(), tail.next()) {
        (Some(last), before) => last.is_alphabetic() && !before.is_some_and(name_char),
        (None, _) => false,
    }
}

fn is_number(d: &D) -> bool {
    matches!(d, D::Int(_) | D::Dec(_) | D::Float(_))
}

#[cfg(test)]
mod tests {
    use crate::symbolic::num::Num;
    use crate::symbolic::print::to_text;
    use crate::symbolic::{Expr, expr};

    #[test]
    fn large_integers_print_in_full_and_read_back() {
        for n in [
            Num::int(123_456_789_012_345),
            Num::int(1_000_000_000_000_000),
            Num::int(1 << 53),
            Num::int(2).powi(70),
            -Num::int(3).powi(50),
        ] {
            let text = to_text(Expr::num(n));
            assert!(
                text.trim_start_matches('-')
                    .bytes()
                    .all(|b| b.is_ascii_digit()),
                "{text}"
            );
            assert_eq!(text, n.to_string());
        }
        let x = Expr::var("x");
        let coefficient = Expr::num(Num::int(2).powi(70));
        assert_eq!(
            to_text(expr::mul([coefficient, x])),
            "1180591620717411303424x"
        );
        assert_eq!(
            to_text(expr::div(x, coefficient)),
            "x/1180591620717411303424"
        );
    }
}
