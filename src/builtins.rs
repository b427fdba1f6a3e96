//! The built-in names, in one table: the functions of numbers (`sin`,
//! `min`, the reductions `sum` and `mean`), the forms the language
//! evaluates itself (`diff`, `fdiff`, `grad`, `sqrt`, `log`, `load`...) and the
//! constants, each with the parameters the REPL hints after `name(`.
//! Lowering, the symbolic layer, the compiler, the session (names that
//! cannot be defined), CSV headers and the REPL read this table; none keeps
//! a list of its own (but lowering, for the constants: see README.md's
//! known debts).
//!
//! Invariant: `FUNCTIONS` lists every `Func` once, in declaration order, so
//! `Func::ALL[i] as usize == i`; a name is in exactly one of the three
//! groups.

/// A built-in function of numbers: element by element on data, except the
/// reductions. `sqrt` is `x^(1/2)`, `log` is `ln`, `log(x, b)` is
/// `ln(x)/ln(b)`: they are forms, with no variant of their own.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Func {
    Sin,
    Cos,
    Tan,
    Asin,
    Acos,
    Atan,
    Sinh,
    Cosh,
    Tanh,
    Exp,
    Ln,
    Log2,
    Log10,
    Abs,
    Sign,
    Step,
    Sigmoid,
    Min,
    Max,
    /// `sum(v)`: the sum over the rows of the data in `v`.
    Sum,
    /// `mean(v)`: the mean over the rows of the data in `v`.
    Mean,
}

/// One function: its variant, its name, and its parameters as the REPL
/// hints them (their number is the arity).
struct FunctionEntry {
    func: Func,
    name: &'static str,
    params: &'static [&'static str],
}

const fn entry(func: Func, name: &'static str, params: &'static [&'static str]) -> FunctionEntry {
    FunctionEntry { func, name, params }
}

const X: &[&str] = &["x"];

/// Every `Func`, in declaration order.
const FUNCTIONS: [FunctionEntry; 21] = [
    entry(Func::Sin, "sin", X),
    entry(Func::Cos, "cos", X),
    entry(Func::Tan, "tan", X),
    entry(Func::Asin, "asin", X),
    entry(Func::Acos, "acos", X),
    entry(Func::Atan, "atan", X),
    entry(Func::Sinh, "sinh", X),
    entry(Func::Cosh, "cosh", X),
    entry(Func::Tanh, "tanh", X),
    entry(Func::Exp, "exp", X),
    entry(Func::Ln, "ln", X),
    entry(Func::Log2, "log2", X),
    entry(Func::Log10, "log10", X),
    entry(Func::Abs, "abs", X),
    entry(Func::Sign, "sign", X),
    entry(Func::Step, "step", X),
    entry(Func::Sigmoid, "sigmoid", X),
    entry(Func::Min, "min", &["a", "b"]),
    entry(Func::Max, "max", &["a", "b"]),
    entry(Func::Sum, "sum", &["v"]),
    entry(Func::Mean, "mean", &["v"]),
];

/// The forms: names the language evaluates itself (their arguments are
/// not all numbers, or they rewrite to other nodes), with their parameter
/// hints.
pub const FORMS: [(&str, &[&str]); 11] = [
    ("diff", &["expr", "var[, n]"]),
    ("fdiff", &["f", "x0[, h]"]),
    ("cdiff", &["f", "x0[, h]"]),
    ("grad", &["f"]),
    ("hessian", &["f"]),
    ("simplify", &["expr"]),
    ("expand", &["expr"]),
    ("latex", &["expr"]),
    ("sqrt", X),
    ("log", &["x[, base]"]),
    ("load", &["\"file.csv\""]),
];

/// The constants' names (`π` is `pi`).
pub const CONSTANTS: [&str; 3] = ["pi", "π", "e"];

impl Func {
    pub const ALL: [Func; 21] = {
        let mut all = [Func::Sin; 21];
        let mut i = 0;
        while i < FUNCTIONS.len() {
            all[i] = FUNCTIONS[i].func;
            i += 1;
        }
        all
    };

    pub fn name(self) -> &'static str {
        FUNCTIONS[self as usize].name
    }

    pub fn arity(self) -> usize {
        FUNCTIONS[self as usize].params.len()
    }

    /// Whether this reduces data to a number (`sum`, `mean`).
    pub fn is_reduction(self) -> bool {
        matches!(self, Func::Sum | Func::Mean)
    }

    /// The function's value at a number (IEEE semantics: nan outside the
    /// domain, inf at poles). A reduction of one number is that number: a
    /// value without data is one row.
    pub fn apply(self, args: &[f64]) -> f64 {
        let x = args.first().copied().unwrap_or(f64::NAN);
        match self {
            Func::Sin => x.sin(),
            Func::Cos => x.cos(),
            Func::Tan => x.tan(),
            Func::Asin => x.asin(),
            Func::Acos => x.acos(),
            Func::Atan => x.atan(),
            Func::Sinh => x.sinh(),
            Func::Cosh => x.cosh(),
            Func::Tanh => x.tanh(),
            Func::Exp => x.exp(),
            Func::Ln => x.ln(),
            Func::Log2 => x.log2(),
            Func::Log10 => x.log10(),
            Func::Abs => x.abs(),
            Func::Sign => sign(x),
            Func::Step => step(x),
            Func::Sigmoid => sigmoid(x),
            Func::Min => min_max(x, args.get(1).copied(), f64::min),
            Func::Max => min_max(x, args.get(1).copied(), f64::max),
            Func::Sum | Func::Mean => x,
        }
    }
}

/// The built-in function called `name`, if any (forms are not functions).
pub fn function(name: &str) -> Option<Func> {
    FUNCTIONS.iter().find(|f| f.name == name).map(|f| f.func)
}

/// Whether `name` is a form (`diff`, `sqrt`, `load`...).
pub fn is_form(name: &str) -> bool {
    FORMS.iter().any(|(form, _)| *form == name)
}

/// Whether `name` is built in as a function or a form. Such names cannot
/// be defined (constants can: a definition shadows them).
pub fn is_builtin_name(name: &str) -> bool {
    function(name).is_some() || is_form(name)
}

/// The names of every function and form, in table order.
pub fn callable_names() -> impl Iterator<Item = &'static str> {
    FUNCTIONS
        .iter()
        .map(|f| f.name)
        .chain(FORMS.iter().map(|(name, _)| *name))
}

/// The parameters to hint after `name(` for a built-in function or form.
pub fn params(name: &str) -> Option<&'static [&'static str]> {
    let function = FUNCTIONS.iter().find(|f| f.name == name).map(|f| f.params);
    function.or_else(|| FORMS.iter().find(|(n, _)| *n == name).map(|(_, p)| *p))
}

/// -1, 0 or 1 (and nan for nan), as `torch.sign`.
pub fn sign(x: f64) -> f64 {
    if x > 0.0 {
        1.0
    } else if x < 0.0 {
        -1.0
    } else {
        x * 0.0
    }
}

/// Heaviside step with step(0) = 1/2, as NumPy's `heaviside(x, 0.5)`.
pub fn step(x: f64) -> f64 {
    if x > 0.0 {
        1.0
    } else if x < 0.0 {
        0.0
    } else if x == 0.0 {
        0.5
    } else {
        f64::NAN
    }
}

/// The logistic function, computed without overflow for large |x|.
pub fn sigmoid(x: f64) -> f64 {
    if x >= 0.0 {
        1.0 / (1.0 + (-x).exp())
    } else {
        let z = x.exp();
        z / (1.0 + z)
    }
}

/// min/max that propagate nan, as `torch.minimum` / `torch.maximum` do
/// (f64::min would quietly drop it).
fn min_max(a: f64, b: Option<f64>, pick: fn(f64, f64) -> f64) -> f64 {
    let b = b.unwrap_or(f64::NAN);
    if a.is_nan() || b.is_nan() {
        f64::NAN
    } else {
        pick(a, b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_lists_every_function_in_order() {
        for (i, f) in Func::ALL.iter().enumerate() {
            assert_eq!(*f as usize, i, "{f:?} out of place");
            assert_eq!(function(f.name()), Some(*f));
        }
        assert_eq!(Func::Min.arity(), 2);
        assert_eq!(Func::Sigmoid.arity(), 1);
    }

    #[test]
    fn a_name_is_in_one_group() {
        let mut names: Vec<&str> = callable_names().chain(CONSTANTS).collect();
        let count = names.len();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), count, "a name is listed twice");
        assert!(is_builtin_name("sqrt") && is_builtin_name("sin"));
        assert!(!is_builtin_name("pi") && !is_builtin_name("f"));
    }

    #[test]
    fn hints_for_functions_and_forms() {
        assert_eq!(params("max"), Some(&["a", "b"][..]));
        assert_eq!(params("log"), Some(&["x[, base]"][..]));
        assert_eq!(params("cos"), Some(&["x"][..]));
        assert_eq!(params("f"), None);
    }
}
