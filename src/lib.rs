//! gd: a small, exact and fast language for exploring gradient descent.
//!
//! Data flows one way:
//!
//! ```text
//! source --parse--> syntax tree (spans) --session--> symbolic expressions
//!   --differentiate/simplify--> --compile--> flat tape (or, for data, a
//!   program over rows in chunks) --descent--> runs --report--> human text
//!   or JSON Lines
//!   (plot: figure data --figure::terminal / figure::svg--> braille text, SVG)
//! ```
//!
//! See README.md, section Architecture, for one line per module and the
//! invariants each keeps.

pub mod builtins;
pub mod check;
pub mod compile;
pub mod defs;
pub mod descent;
pub mod error;
pub mod figure;
pub mod interrupt;
pub mod load;
pub mod lower;
pub mod outcome;
pub mod parse;
pub mod plot;
pub mod report;
pub mod session;
pub mod suggest;
pub mod symbolic;
pub mod syntax;
pub mod text;
pub mod theory;
pub mod value;
