//! The s-expression dump, `(+ (^ x 2) 1)`: the canonical form itself,
//! fully bracketed in prefix form, for tests where a precedence or layout
//! bug cannot hide.
//!
//! Invariant: children appear in canonical order, exactly as the
//! expression stores them; nothing is reordered or regrouped.

use crate::symbolic::expr::{Expr, Node};
use crate::symbolic::num::Num;
use crate::text::format_number;

/// `e` as an s-expression.
pub(super) fn write(e: Expr) -> String {
    let mut out = String::new();
    write_sexpr(&mut out, e);
    out
}

fn write_sexpr(out: &mut String, e: Expr) {
    let node = e.node();
    let (head, children): (&str, &[Expr]) = match &*node {
        Node::Num(n) => {
            out.push_str(&sexpr_number(*n));
            return;
        }
        Node::Const(c) => {
            out.push_str(c.name());
            return;
        }
        Node::Var(name) => {
            out.push_str(name);
            return;
        }
        Node::Data(data) => {
            out.push_str(data.name());
            return;
        }
        Node::Add(terms) => ("+", terms),
        Node::Mul(factors) => ("*", factors),
        Node::Pow(..) => ("^", &[]),
        Node::Call(func, args) => (func.name(), args),
        Node::Apply(name, args) => (&**name, args),
    };
    out.push('(');
    out.push_str(head);
    if let Node::Pow(base, exponent) = &*node {
        for child in [*base, *exponent] {
            out.push(' ');
            write_sexpr(out, child);
        }
    }
    for child in children {
        out.push(' ');
        write_sexpr(out, *child);
    }
    out.push(')');
}

fn sexpr_number(n: Num) -> String {
    match n {
        Num::Float(bits) => format_number(f64::from_bits(bits)),
        exact => exact.to_string(),
    }
}
