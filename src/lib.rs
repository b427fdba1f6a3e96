//! gd: a small, exact and fast language for exploring gradient descent.
//!
//! Data flows one way, and so do imports, down nine layers:
//!
//! ```text
//! L0  syntax builtins text suggest interrupt theory   (leaves)
//! L1  error generate                                 (fuzzing's generators, with the `arbitrary` feature)
//! L2  figure                                           (figures and renderers)
//! L3  parse symbolic                                   (text to trees, expressions)
//! L4  value compile                                    (values, programs as tapes or machine code)
//! L5  check critical defs descent                      (the engines)
//! L6  lower load outcome                               (meaning, data, results)
//! L7  plot                                             (figure data)
//! L8  session report                                   (statements, words)
//! ```
//!
//! source --parse--> syntax tree --lower--> symbolic expressions --compile-->
//! `Program` (interpreted, or run as machine code) --descent/check/plot-->
//! runs --session--> outcomes --report--> human text or JSON Lines.
//! README.md, section Architecture, has a line per module, the two engines
//! and the invariants each keeps; `tests/tidy.rs` holds the layers.

pub mod builtins;
pub mod check;
pub mod compile;
pub mod critical;
pub mod defs;
pub mod descent;
pub mod error;
pub mod figure;
#[cfg(feature = "arbitrary")]
pub mod generate;
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
