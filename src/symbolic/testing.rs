//! Shorthands for the symbolic layer's unit tests: the variables `x` and
//! `y` and integer leaves, so a test reads like the algebra it checks.

use super::expr::Expr;

pub fn x() -> Expr {
    Expr::var("x")
}

pub fn y() -> Expr {
    Expr::var("y")
}

pub fn n(v: i64) -> Expr {
    Expr::int(v)
}
