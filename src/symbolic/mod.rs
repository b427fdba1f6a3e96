//! The symbolic layer: canonical expressions (`expr`), exact numbers
//! (`num`), differentiation (`diff`), simplification and expansion
//! (`simplify`) and the two printers (`print`).
//!
//! Invariant: nothing here knows about spans, the user's session or output
//! streams; printing produces strings, it never writes them.

pub mod data;
pub mod diff;
pub mod expr;
pub mod num;
pub mod print;
pub mod rewrite;
pub mod simplify;

pub use expr::{Constant, Expr, Func, Node};
pub use num::Num;
