//! Writing a display tree as LaTeX math: `\frac` for fractions, `\sqrt`,
//! operator names (`\sin`, `\log_{2}`), Greek letters and subscripts for
//! names (`theta1` is `\theta_{1}`).
//!
//! Invariant: only the display tree is read; the layout has already
//! decided order, signs and fractions, so text and LaTeX always agree on
//! them.

use std::fmt::Write as _;
use std::rc::Rc;

use super::layout::{ATOM, D, POW, PRODUCT, level};
use crate::symbolic::expr::{Constant, Func};
use crate::text::format_number;

/// `d` as LaTeX (no surrounding `$`).
pub(super) fn write(d: &D) -> String {
    let mut latex = Latex::default();
    latex.write(d);
    latex.out
}

#[derive(Default)]
struct Latex {
    out: String,
}

impl Latex {
    fn write(&mut self, d: &D) {
        match d {
            D::Int(digits) => self.out.push_str(digits),
            D::Dec(text) => self.out.push_str(text),
            D::Frac(p, q) => {
                let _ = write!(self.out, "\\frac{{{p}}}{{{q}}}");
            }
            D::Float(x) => self.float(*x),
            D::Var(name) => self.out.push_str(&latex_name(name)),
            D::Const(Constant::Pi) => self.out.push_str("\\pi"),
            D::Const(Constant::E) => self.out.push('e'),
            D::Neg(magnitude) => {
                self.out.push('-');
                self.write_in(magnitude, PRODUCT);
            }
            D::Sum(terms) => {
                for (i, (negative, magnitude)) in terms.iter().enumerate() {
                    match (i, negative) {
                        (0, true) => self.out.push('-'),
                        (0, false) => {}
                        (_, true) => self.out.push_str(" - "),
                        (_, false) => self.out.push_str(" + "),
                    }
                    self.write_in(magnitude, PRODUCT);
                }
            }
            D::Product { coef, num, den } => {
                let items: Vec<&D> = coef.iter().chain(num.iter()).map(|d| &**d).collect();
                if den.is_empty() {
                    self.juxtapose(&items);
                    return;
                }
                self.out.push_str("\\frac{");
                self.fraction_part(&items);
                self.out.push_str("}{");
                let den: Vec<&D> = den.iter().map(|d| &**d).collect();
                self.fraction_part(&den);
                self.out.push('}');
            }
            D::Pow(base, exponent) => self.power(base, exponent),
            D::Sqrt(arg) => {
                self.out.push_str("\\sqrt{");
                self.write(arg);
                self.out.push('}');
            }
            D::Call(func, args) => self.call(*func, args),
            D::Apply(name, args) => {
                if name.chars().count() == 1 {
                    self.out.push_str(&latex_name(name));
                } else {
                    let _ = write!(self.out, "\\operatorname{{{}}}", escape(name));
                }
                self.args(args);
            }
        }
    }

    fn write_in(&mut self, d: &D, min_level: u8) {
        if latex_level(d) >= min_level {
            self.write(d);
        } else {
            self.out.push_str("\\left(");
            self.write(d);
            self.out.push_str("\\right)");
        }
    }

    fn float(&mut self, x: f64) {
        if x.is_nan() {
            self.out.push_str("\\mathrm{NaN}");
            return;
        }
        if x.is_infinite() {
            self.out
                .push_str(if x > 0.0 { "\\infty" } else { "-\\infty" });
            return;
        }
        let text = format_number(x);
        match text.split_once('e') {
            Some(("1", exponent)) => {
                let _ = write!(self.out, "10^{{{exponent}}}");
            }
            Some((mantissa, exponent)) => {
                let _ = write!(self.out, "{mantissa} \\cdot 10^{{{exponent}}}");
            }
            None => self.out.push_str(&text),
        }
    }

    /// A numerator or denominator: the braces of `\frac` group it.
    fn fraction_part(&mut self, items: &[&D]) {
        match items {
            [] => self.out.push('1'),
            [item] => self.write(item),
            _ => self.juxtapose(items),
        }
    }

    fn juxtapose(&mut self, items: &[&D]) {
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                let digit_next = latex_lead_is_digit(item);
                self.out.push_str(if digit_next { " \\cdot " } else { " " });
            }
            self.write_in(item, POW);
        }
    }

    fn power(&mut self, base: &D, exponent: &D) {
        if let D::Frac(one, n) = exponent
            && &**one == "1"
        {
            let _ = write!(self.out, "\\sqrt[{n}]{{");
            self.write(base);
            self.out.push('}');
            return;
        }
        if let (D::Call(func, args), D::Int(k)) = (base, exponent)
            && let Some(command) = operator_command(*func)
        {
            let _ = write!(self.out, "{command}^{{{k}}}");
            self.args(args);
            return;
        }
        self.write_in(base, ATOM);
        self.out.push_str("^{");
        self.write(exponent);
        self.out.push('}');
    }

    fn call(&mut self, func: Func, args: &[Rc<D>]) {
        match func {
            Func::Exp => {
                self.out.push_str("e^{");
                self.write(&args[0]);
                self.out.push('}');
            }
            Func::Abs => {
                self.out.push_str("\\left|");
                self.write(&args[0]);
                self.out.push_str("\\right|");
            }
            _ => {
                match operator_command(func) {
                    Some(command) => self.out.push_str(command),
                    None => {
                        let _ = write!(self.out, "\\operatorname{{{}}}", func.name());
                    }
                }
                self.args(args);
            }
        }
    }

    fn args(&mut self, args: &[Rc<D>]) {
        self.out.push_str("\\left(");
        for (i, arg) in args.iter().enumerate() {
            if i > 0 {
                self.out.push_str(", ");
            }
            self.write(arg);
        }
        self.out.push_str("\\right)");
    }
}

/// Like `level`, for LaTeX: `e^{x}`, `\sqrt{x}` and `1.5 \cdot 10^{30}` are
/// not bases.
fn latex_level(d: &D) -> u8 {
    match d {
        D::Call(Func::Exp, _) | D::Sqrt(_) => POW,
        D::Float(x) if format_number(*x).contains('e') => POW,
        _ => level(d),
    }
}

fn latex_lead_is_digit(d: &D) -> bool {
    match d {
        D::Int(_) | D::Dec(_) => true,
        D::Float(x) => x.is_finite(),
        D::Pow(base, exponent) => {
            !matches!(&**exponent, D::Frac(one, _) if &**one == "1")
                && latex_level(base) >= ATOM
                && latex_lead_is_digit(base)
        }
        _ => false,
    }
}

/// The LaTeX command of a function that has one (`\sin`, `\log_{2}`).
fn operator_command(func: Func) -> Option<&'static str> {
    Some(match func {
        Func::Sin => "\\sin",
        Func::Cos => "\\cos",
        Func::Tan => "\\tan",
        Func::Asin => "\\arcsin",
        Func::Acos => "\\arccos",
        Func::Atan => "\\arctan",
        Func::Sinh => "\\sinh",
        Func::Cosh => "\\cosh",
        Func::Tanh => "\\tanh",
        Func::Ln => "\\ln",
        Func::Log2 => "\\log_{2}",
        Func::Log10 => "\\log_{10}",
        Func::Min => "\\min",
        Func::Max => "\\max",
        Func::Exp
        | Func::Abs
        | Func::Sign
        | Func::Step
        | Func::Sigmoid
        | Func::Sum
        | Func::Mean => return None,
    })
}

const GREEK: [(&str, char); 34] = [
    ("alpha", 'α'),
    ("beta", 'β'),
    ("gamma", 'γ'),
    ("delta", 'δ'),
    ("epsilon", 'ε'),
    ("zeta", 'ζ'),
    ("eta", 'η'),
    ("theta", 'θ'),
    ("iota", 'ι'),
    ("kappa", 'κ'),
    ("lambda", 'λ'),
    ("mu", 'μ'),
    ("nu", 'ν'),
    ("xi", 'ξ'),
    ("pi", 'π'),
    ("rho", 'ρ'),
    ("sigma", 'σ'),
    ("tau", 'τ'),
    ("upsilon", 'υ'),
    ("phi", 'φ'),
    ("chi", 'χ'),
    ("psi", 'ψ'),
    ("omega", 'ω'),
    ("Gamma", 'Γ'),
    ("Delta", 'Δ'),
    ("Theta", 'Θ'),
    ("Lambda", 'Λ'),
    ("Xi", 'Ξ'),
    ("Pi", 'Π'),
    ("Sigma", 'Σ'),
    ("Upsilon", 'Υ'),
    ("Phi", 'Φ'),
    ("Psi", 'Ψ'),
    ("Omega", 'Ω'),
];

/// `x`, `\theta` (for `theta` and `θ`), `x_{1}` (for `x1` and `x_1`),
/// `\mathit{loss}`.
fn latex_name(name: &str) -> String {
    let digits_from = name
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_ascii_digit())
        .last()
        .map(|(i, _)| i);
    let (base, subscript) = match (name.split_once('_'), digits_from) {
        (Some((base, sub)), _) if !base.is_empty() && !sub.is_empty() => (base, Some(sub)),
        (_, Some(i)) if i > 0 => (&name[..i], Some(&name[i..])),
        _ => (name, None),
    };
    let mut out = latex_word(base);
    if let Some(sub) = subscript {
        let _ = write!(out, "_{{{}}}", latex_word(sub));
    }
    out
}

fn latex_word(word: &str) -> String {
    let mut chars = word.chars();
    let single = match (chars.next(), chars.next()) {
        (Some(c), None) => Some(c),
        _ => None,
    };
    let greek = GREEK
        .iter()
        .find(|(spelled, letter)| *spelled == word || Some(*letter) == single);
    match (greek, single) {
        (Some((spelled, _)), _) => format!("\\{spelled}"),
        (None, Some(_)) => word.to_string(),
        (None, None) if word.bytes().all(|b| b.is_ascii_digit()) => word.to_string(),
        (None, None) => format!("\\mathit{{{}}}", escape(word)),
    }
}

fn escape(name: &str) -> String {
    name.replace('_', "\\_")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_get_greek_letters_and_subscripts() {
        assert_eq!(latex_name("x"), "x");
        assert_eq!(latex_name("theta1"), "\\theta_{1}");
        assert_eq!(latex_name("θ"), "\\theta");
        assert_eq!(latex_name("x_1"), "x_{1}");
        assert_eq!(latex_name("loss"), "\\mathit{loss}");
        assert_eq!(latex_name("my_rate"), "\\mathit{my}_{\\mathit{rate}}");
    }
}
