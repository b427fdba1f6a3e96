//! Tests of the parser: tables of sources and the s-expressions they parse
//! to, tables of malformed sources and the errors they give, the REPL's
//! continuation rule, hostile inputs, and property tests that nothing
//! panics.

use proptest::prelude::*;

use super::{MAX_EXPR_DEPTH, is_incomplete, parse_program};
use crate::error::line_col;
use crate::syntax::{
    BinOp, Descent, Expr, ExprKind, Method, Methods, Plot, Program, Sense, Stmt, StmtKind,
};

// ------------------------------------------------------------------ dumper

/// A compact s-expression of a program, statements joined by `; `.
fn dump(program: &Program) -> String {
    let stmts: Vec<String> = program.stmts.iter().map(dump_stmt).collect();
    stmts.join("; ")
}

fn dump_stmt(stmt: &Stmt) -> String {
    match &stmt.kind {
        StmtKind::Expr(e) => dump_expr(e),
        StmtKind::DefineValue { name, value } => {
            format!("(let {} {})", name.name, dump_expr(value))
        }
        StmtKind::DefineFunction { name, params, body } => {
            let params: Vec<&str> = params.iter().map(|p| p.name.as_str()).collect();
            format!(
                "(def {} ({}) {})",
                name.name,
                params.join(" "),
                dump_expr(body)
            )
        }
        StmtKind::Check { left, right, .. } => {
            format!("(check {} {})", dump_expr(left), dump_expr(right))
        }
        StmtKind::Explain(e) => format!("(explain {})", dump_expr(e)),
        StmtKind::Table(t) => {
            let columns: Vec<String> = t
                .columns
                .iter()
                .map(|c| format!("{:?} {}", c.text, dump_expr(&c.expr)))
                .collect();
            format!(
                "(table {} (for {} {}))",
                columns.join(" "),
                t.var.name,
                dump_expr(&t.values)
            )
        }
        StmtKind::Critical { function, range } => match range {
            Some((a, b)) => format!(
                "(critical {} (from {}) (to {}))",
                function.name,
                dump_expr(a),
                dump_expr(b)
            ),
            None => format!("(critical {})", function.name),
        },
        StmtKind::Descent(descent) => dump_descent(descent),
        StmtKind::Plot(plot) => dump_plot(plot),
    }
}

fn dump_descent(d: &Descent) -> String {
    let sense = match d.sense {
        Sense::Minimize => "minimize",
        Sense::Maximize => "maximize",
    };
    let mut out = format!("({sense} {} (from {})", d.function.name, dump_expr(&d.from));
    let clauses = [
        ("lr", &d.lr),
        ("steps", &d.steps),
        ("tol", &d.tol),
        ("every", &d.every),
        ("batch", &d.batch),
        ("seed", &d.seed),
    ];
    for (keyword, value) in clauses {
        if let Some(value) = value {
            out.push_str(&format!(" ({keyword} {})", dump_expr(value)));
        }
    }
    if let Some(methods) = &d.using {
        out.push_str(&format!(" (using {})", dump_methods(methods)));
    }
    match &d.plot {
        None => {}
        Some(None) => out.push_str(" (plot)"),
        Some(Some(file)) => out.push_str(&format!(" (plot \"{}\")", file.value)),
    }
    if d.state {
        out.push_str(" (state)");
    }
    out.push(')');
    out
}

fn dump_methods(methods: &Methods) -> String {
    let list: Vec<String> = methods.list.iter().map(dump_method).collect();
    if methods.is_list {
        format!("[{}]", list.join(" "))
    } else {
        list.join(" ")
    }
}

fn dump_method(method: &Method) -> String {
    if method.args.is_empty() {
        return method.name.name.clone();
    }
    let args: Vec<String> = method
        .args
        .iter()
        .map(|arg| match &arg.name {
            Some(name) => format!("(= {} {})", name.name, dump_expr(&arg.value)),
            None => dump_expr(&arg.value),
        })
        .collect();
    format!("({} {})", method.name.name, args.join(" "))
}

fn dump_plot(plot: &Plot) -> String {
    let items: Vec<String> = plot.items.iter().map(dump_expr).collect();
    let mut out = format!("(plot {}", items.join(" "));
    if let Some((a, b)) = &plot.range {
        out.push_str(&format!(" (range {} {})", dump_expr(a), dump_expr(b)));
    }
    if let Some(file) = &plot.file {
        out.push_str(&format!(" (to \"{}\")", file.value));
    }
    out.push(')');
    out
}

fn dump_expr(e: &Expr) -> String {
    let all = |es: &[Expr]| -> String { es.iter().map(|e| format!(" {}", dump_expr(e))).collect() };
    match &e.kind {
        ExprKind::Number(text) | ExprKind::Name(text) => text.clone(),
        ExprKind::String(text) => format!("\"{text}\""),
        ExprKind::Neg(inner) => format!("(neg {})", dump_expr(inner)),
        ExprKind::Pos(inner) => format!("(pos {})", dump_expr(inner)),
        ExprKind::Binary {
            op,
            left,
            right,
            implicit,
        } => {
            let op = match (op, implicit) {
                (BinOp::Mul, true) => "*i",
                (BinOp::Add, _) => "+",
                (BinOp::Sub, _) => "-",
                (BinOp::Mul, _) => "*",
                (BinOp::Div, _) => "/",
                (BinOp::Pow, _) => "^",
            };
            format!("({op} {} {})", dump_expr(left), dump_expr(right))
        }
        ExprKind::Call { callee, args } => format!("(call {}{})", dump_expr(callee), all(args)),
        ExprKind::Prime { target, order } => {
            format!("({} {})", "'".repeat(*order as usize), dump_expr(target))
        }
        ExprKind::Tuple(es) => format!("(tuple{})", all(es)),
        ExprKind::List(es) => format!("(list{})", all(es)),
        ExprKind::Paren(inner) => format!("(paren {})", dump_expr(inner)),
    }
}

/// The depth of a tree, recursively (trees in tests are shallow enough).
fn depth(e: &Expr) -> usize {
    let max = |es: &[Expr]| es.iter().map(depth).max().unwrap_or(0);
    1 + match &e.kind {
        ExprKind::Number(_) | ExprKind::Name(_) | ExprKind::String(_) => 0,
        ExprKind::Neg(inner) | ExprKind::Pos(inner) | ExprKind::Paren(inner) => depth(inner),
        ExprKind::Prime { target, .. } => depth(target),
        ExprKind::Binary { left, right, .. } => depth(left).max(depth(right)),
        ExprKind::Call { callee, args } => depth(callee).max(max(args)),
        ExprKind::Tuple(es) | ExprKind::List(es) => max(es),
    }
}

// ------------------------------------------------------------- good inputs

#[track_caller]
fn check(src: &str, expected: &str) {
    match parse_program(src) {
        Ok(program) => assert_eq!(dump(&program), expected, "source: {src:?}"),
        Err(error) => panic!("source {src:?} failed: {error}"),
    }
}

#[test]
fn parses_the_table() {
    let table: &[(&str, &str)] = &[
        // Numbers, kept as written.
        ("12", "12"),
        ("1.5", "1.5"),
        (".5", ".5"),
        ("5.", "5."),
        ("1e-3", "1e-3"),
        ("2.5E+4", "2.5E+4"),
        ("1e999", "1e999"),
        ("2e3x", "(*i 2e3 x)"),
        ("2e-x", "(- (*i 2 e) x)"),
        // Names: Unicode letters, `_`, digits after the first; keywords as
        // prefixes of names are names.
        ("θ + η*α - π", "(- (+ θ (* η α)) π)"),
        ("_y + x_1 + x2y", "(+ (+ _y x_1) x2y)"),
        ("fromage + tolerance + top", "(+ (+ fromage tolerance) top)"),
        // Precedence and associativity.
        ("1 + 2 - 3", "(- (+ 1 2) 3)"),
        ("1 - 2 * 3", "(- 1 (* 2 3))"),
        ("8 / 4 / 2", "(/ (/ 8 4) 2)"),
        ("-x^2", "(neg (^ x 2))"),
        ("2^3^2", "(^ 2 (^ 3 2))"),
        ("2^-1", "(^ 2 (neg 1))"),
        ("2^-x^2", "(^ 2 (neg (^ x 2)))"),
        ("2**3**2", "(^ 2 (^ 3 2))"),
        ("-x*y", "(* (neg x) y)"),
        ("- -x", "(neg (neg x))"),
        ("+x - +y", "(- (pos x) (pos y))"),
        ("a - -b", "(- a (neg b))"),
        ("-f(x)", "(neg (call f x))"),
        // Implicit multiplication.
        ("3x", "(*i 3 x)"),
        ("2 x", "(*i 2 x)"),
        ("2pi", "(*i 2 pi)"),
        ("2(x+1)", "(*i 2 (paren (+ x 1)))"),
        ("-2x", "(*i (neg 2) x)"),
        ("1/2x", "(*i (/ 1 2) x)"),
        ("2^3x", "(*i (^ 2 3) x)"),
        ("6/2(1+2)", "(*i (/ 6 2) (paren (+ 1 2)))"),
        ("x^2 sin(x)", "(*i (^ x 2) (call sin x))"),
        ("x^2 + 3x - 5", "(- (+ (^ x 2) (*i 3 x)) 5)"),
        ("x y", "(*i x y)"),
        ("w x + b", "(+ (*i w x) b)"),
        ("2x sin(x)", "(*i (*i 2 x) (call sin x))"),
        ("2x y^2", "(*i (*i 2 x) (^ y 2))"),
        ("sin(x) cos(x)", "(*i (call sin x) (call cos x))"),
        ("20x(x^2+1)^9", "(*i 20 (^ (call x (+ (^ x 2) 1)) 9))"),
        ("x^y z", "(*i (^ x y) z)"),
        // Calls and products on `)`.
        ("(x+1)(x-1)", "(call (paren (+ x 1)) (- x 1))"),
        ("f(2)(3)", "(call (call f 2) 3)"),
        ("grad(f)(1, 2)", "(call (call grad f) 1 2)"),
        ("f(2) x", "(*i (call f 2) x)"),
        ("(a) b", "(*i (paren a) b)"),
        ("f (x)", "(call f x)"),
        ("x(y+1)", "(call x (+ y 1))"),
        ("f()", "(call f)"),
        ("sin(x)^2", "(^ (call sin x) 2)"),
        ("log(x, 2)", "(call log x 2)"),
        // Primes.
        ("f'", "(' f)"),
        ("f''(2)", "(call ('' f) 2)"),
        ("f'(x)^2", "(^ (call (' f) x) 2)"),
        ("2f'(1)", "(*i 2 (call (' f) 1))"),
        // Groups, tuples, lists, strings.
        ("(x)", "(paren x)"),
        ("((1))", "(paren (paren 1))"),
        ("(1, 2)", "(tuple 1 2)"),
        ("(1, 2, x+1)", "(tuple 1 2 (+ x 1))"),
        ("[]", "(list)"),
        ("[1, 2, 3]", "(list 1 2 3)"),
        ("[1, 2,]", "(list 1 2)"),
        ("[(1, 2), (3, 4)]", "(list (tuple 1 2) (tuple 3 4))"),
        ("load(\"points.csv\")", "(call load \"points.csv\")"),
        ("\"a#b;c\"", "\"a#b;c\""),
        // Definitions.
        ("a = 3", "(let a 3)"),
        ("v = (1, 2)", "(let v (tuple 1 2))"),
        ("X = [1, 2, 3]", "(let X (list 1 2 3))"),
        ("f(x) = x^2", "(def f (x) (^ x 2))"),
        (
            "f(x, y) = (x - 3)^2 + y",
            "(def f (x y) (+ (^ (paren (- x 3)) 2) y))",
        ),
        ("f (θ) = θ", "(def f (θ) θ)"),
        (
            "loss(w, b) = mean((w*X + b - Y)^2)",
            "(def loss (w b) (call mean (^ (paren (- (+ (* w X) b) Y)) 2)))",
        ),
        // Check.
        (
            "check diff(f, x) == 2x + 3",
            "(check (call diff f x) (+ (*i 2 x) 3))",
        ),
        ("check f'(x) == 2x", "(check (call (' f) x) (*i 2 x))"),
        // Tables: each column with its text, as typed.
        (
            "table x, f'(x),  fdiff(f, x) for x in [1, 2]",
            "(table \"x\" x \"f'(x)\" (call (' f) x) \"fdiff(f, x)\" (call fdiff f x) (for x (list 1 2)))",
        ),
        // Critical points.
        ("critical f", "(critical f)"),
        (
            "critical f from (-5, -5) to (5, 5)",
            "(critical f (from (tuple (neg 5) (neg 5))) (to (tuple 5 5)))",
        ),
        // Explain.
        ("explain f''", "(explain ('' f))"),
        (
            "explain diff(x^2, x, 2)",
            "(explain (call diff (^ x 2) x 2))",
        ),
        // Descent, clauses in any order.
        ("minimize f from 0", "(minimize f (from 0))"),
        (
            "maximize f from (1, 2) lr 0.1 steps 100",
            "(maximize f (from (tuple 1 2)) (lr 0.1) (steps 100))",
        ),
        (
            "minimize f steps 10 from 0 lr 0.5",
            "(minimize f (from 0) (lr 0.5) (steps 10))",
        ),
        (
            "minimize f lr 0.5 steps 10 from -1",
            "(minimize f (from (neg 1)) (lr 0.5) (steps 10))",
        ),
        (
            "minimize f from [-5, 0, 5] lr [0.01, 0.1] tol 1e-6 every 10",
            "(minimize f (from (list (neg 5) 0 5)) (lr (list 0.01 0.1)) (tol 1e-6) (every 10))",
        ),
        (
            "minimize f from 1 state using adam steps 3",
            "(minimize f (from 1) (steps 3) (using adam) (state))",
        ),
        (
            "minimize loss from (0, 0) lr 0.01 steps 100 batch 2 seed 7",
            "(minimize loss (from (tuple 0 0)) (lr 0.01) (steps 100) (batch 2) (seed 7))",
        ),
        ("minimize f from 2pi", "(minimize f (from (*i 2 pi)))"),
        (
            "minimize f from x0 lr eta",
            "(minimize f (from x0) (lr eta))",
        ),
        (
            "minimize f from 0 using adam",
            "(minimize f (from 0) (using adam))",
        ),
        (
            "minimize f using momentum(0.9) from 0",
            "(minimize f (from 0) (using (momentum 0.9)))",
        ),
        (
            "minimize f from 0 using adam(beta1=0.8, beta2 = 0.99)",
            "(minimize f (from 0) (using (adam (= beta1 0.8) (= beta2 0.99))))",
        ),
        (
            "minimize f from 0 using [gd, momentum(0.9), adam]",
            "(minimize f (from 0) (using [gd (momentum 0.9) adam]))",
        ),
        (
            "minimize f from 0 using [adam]",
            "(minimize f (from 0) (using [adam]))",
        ),
        ("minimize f from 0 plot", "(minimize f (from 0) (plot))"),
        (
            "minimize f plot to \"run.svg\" from 0 lr 0.1",
            "(minimize f (from 0) (lr 0.1) (plot \"run.svg\"))",
        ),
        // Plot.
        ("plot f", "(plot f)"),
        ("plot f, f'", "(plot f (' f))"),
        (
            "plot x^2 - 1 from -2 to 2",
            "(plot (- (^ x 2) 1) (range (neg 2) 2))",
        ),
        (
            "plot sin(x)/x, cos(x) to \"s.svg\"",
            "(plot (/ (call sin x) x) (call cos x) (to \"s.svg\"))",
        ),
        ("plot f from -5 to 5", "(plot f (range (neg 5) 5))"),
        (
            "plot g from (0, 0) to (1, 1) to \"g.svg\"",
            "(plot g (range (tuple 0 0) (tuple 1 1)) (to \"g.svg\"))",
        ),
        (
            "plot f to \"f.svg\" from 0 to 2pi",
            "(plot f (range 0 (*i 2 pi)) (to \"f.svg\"))",
        ),
        // Statement breaks, comments, continuation.
        ("", ""),
        ("a = 1; b = 2", "(let a 1); (let b 2)"),
        (";;a = 1;;\n\n", "(let a 1)"),
        ("a = 1\nb = 2\n", "(let a 1); (let b 2)"),
        ("x\r\ny\r\n", "x; y"),
        ("#!/usr/bin/env gd\nx # the answer\n", "x"),
        ("# only a comment", ""),
        ("f(x) = x +\n  1", "(def f (x) (+ x 1))"),
        ("f(x) =\n  x", "(def f (x) x)"),
        ("x = [1,\n 2,\n 3]", "(let x (list 1 2 3))"),
        ("f(x) = (x\n + 1)\ny", "(def f (x) (paren (+ x 1))); y"),
        ("x +   # comment\n\n  # more\n  1", "(+ x 1)"),
        ("x ^\n2", "(^ x 2)"),
        (
            "minimize f from 0 lr (\n 0.1)",
            "(minimize f (from 0) (lr (paren 0.1)))",
        ),
        ("a = (1, # first\n 2)", "(let a (tuple 1 2))"),
    ];
    assert!(table.len() >= 60);
    for (src, expected) in table {
        check(src, expected);
    }
}

#[test]
fn spans_are_byte_offsets_into_the_source() {
    let src = "a = 1\nθ = x + 2y";
    let program = parse_program(src).expect("parses");
    let stmt = &program.stmts[1];
    assert_eq!(&src[stmt.span.start..stmt.span.end], "θ = x + 2y");
    let StmtKind::DefineValue { name, value } = &stmt.kind else {
        panic!("not a value definition: {stmt:?}");
    };
    assert_eq!(&src[name.span.start..name.span.end], "θ");
    assert_eq!(&src[value.span.start..value.span.end], "x + 2y");
    let ExprKind::Binary { right, .. } = &value.kind else {
        panic!("not a sum: {value:?}");
    };
    assert_eq!(&src[right.span.start..right.span.end], "2y");
}

#[test]
fn spans_of_descent_parts() {
    let src = "minimize f from 0 using [gd, adam(beta1=0.8)] plot to \"a.svg\"";
    let program = parse_program(src).expect("parses");
    let StmtKind::Descent(d) = &program.stmts[0].kind else {
        panic!("not a descent");
    };
    let text = |s: crate::syntax::Span| &src[s.start..s.end];
    assert_eq!(text(d.function.span), "f");
    let using = d.using.as_ref().expect("using");
    assert_eq!(text(using.span), "[gd, adam(beta1=0.8)]");
    assert_eq!(text(using.list[1].span), "adam(beta1=0.8)");
    assert_eq!(text(using.list[1].args[0].span), "beta1=0.8");
    let file = d.plot.as_ref().and_then(|p| p.as_ref()).expect("file");
    assert_eq!(file.value, "a.svg");
    assert_eq!(text(file.span), "\"a.svg\"");
}

// -------------------------------------------------------------- bad inputs

/// One malformed source: the words its message must contain, where it
/// points (1-based line and column), and words the hint must contain.
struct Bad {
    src: String,
    message: &'static str,
    line: usize,
    column: usize,
    hint: &'static str,
}

fn bad(src: impl Into<String>, message: &'static str, line: usize, column: usize) -> Bad {
    Bad {
        src: src.into(),
        message,
        line,
        column,
        hint: "",
    }
}

impl Bad {
    fn hint(self, hint: &'static str) -> Bad {
        Bad { hint, ..self }
    }
}

#[test]
fn rejects_the_table() {
    let table = vec![
        bad("x +", "expected an expression after '+'", 1, 4),
        bad("f(x) = x +\n", "expected an expression after '+'", 1, 11),
        bad("1 +* 2", "expected an expression after '+'", 1, 4),
        bad("x = ", "expected an expression after '='", 1, 4),
        bad("f(1, )", "expected an expression after ','", 1, 6),
        bad("(1 + 2", "unclosed '(': expected ')' before the end", 1, 1),
        bad(
            "x = 1 # c\ny = [2,\n3",
            "unclosed '[': expected ']' before the end",
            2,
            5,
        ),
        bad("1 + 2)", "unexpected ')'", 1, 6),
        bad(
            "[1, 2)",
            "expected ']' to close the '[' at column 1, found ')'",
            1,
            6,
        ),
        bad(
            "(1,\n 2]",
            "expected ')' to close the '(' at line 1, column 1",
            2,
            3,
        ),
        bad(
            "minimize",
            "expected a function name after 'minimize'",
            1,
            9,
        ),
        bad(
            "minimize 3 from 0",
            "expected a function name after 'minimize'",
            1,
            10,
        ),
        bad(
            "minimize from 0",
            "expected a function name after 'minimize'",
            1,
            10,
        ),
        bad(
            "minimize f from",
            "expected a starting point after 'from'",
            1,
            16,
        ),
        bad("minimize f from 0 lr", "'lr' needs a value", 1, 21).hint("lr 0.1"),
        bad(
            "minimize f from 0 steps lr 1",
            "'steps' needs a value",
            1,
            25,
        ),
        bad(
            "minimize f from 0 lr 0.1 lr 0.2",
            "'lr' is given twice",
            1,
            26,
        ),
        bad("minimize f from 0 from 1", "'from' is given twice", 1, 19),
        bad("minimize f from 0 state 3", "unexpected '3'", 1, 25).hint("takes no value"),
        bad(
            "minimize f from 0 state state",
            "'state' is given twice",
            1,
            25,
        ),
        bad("table x for x", "expected 'in' after the variable", 1, 14),
        bad(
            "table x for [1]",
            "expected a variable name after 'for'",
            1,
            13,
        ),
        bad(
            "table x, x^2 x in [1]",
            "expected 'for' after the columns",
            1,
            16,
        ),
        bad(
            "table x for x in [1] steps 3",
            "a table ends after its list",
            1,
            22,
        ),
        bad(
            "minimize f lr 0.1",
            "'minimize' needs a starting point",
            1,
            1,
        )
        .hint("from"),
        bad(
            "minimize f from 0 using",
            "expected a method after 'using'",
            1,
            24,
        ),
        bad(
            "minimize f from 0 using adam 0.9",
            "after the method 'adam'",
            1,
            30,
        ),
        bad("minimize f from 0 rate 0.1", "unknown clause 'rate'", 1, 19).hint("lr"),
        bad(
            "minimize f from 0 steps 10 momentum",
            "unknown clause 'momentum'",
            1,
            28,
        ),
        bad("minimize f from 0 to 1", "'to' is not a clause", 1, 19),
        bad(
            "minimize f from 0 plot to",
            "expected a file name in quotes after 'to'",
            1,
            26,
        ),
        bad("minimize f from 0 plot 3", "unexpected '3'", 1, 24),
        bad(
            "plot",
            "expected a function or an expression after 'plot'",
            1,
            5,
        ),
        bad("plot f,", "expected an expression after ','", 1, 8),
        bad(
            "plot f from 0",
            "expected 'to' after the start of the range",
            1,
            14,
        ),
        bad(
            "plot f from 0 to",
            "expected the end of the range after 'to'",
            1,
            17,
        ),
        bad("plot f lr 1", "unexpected 'lr' in 'plot'", 1, 8),
        bad(
            "a = 1\n  from 0",
            "'from' is a clause of minimize, maximize or plot",
            2,
            3,
        ),
        bad(
            "minimize f from 0 using []",
            "expected a method after '['",
            1,
            26,
        ),
        bad(
            "from = 3",
            "'from' is a keyword and cannot be used as a name",
            1,
            1,
        ),
        bad(
            "f(lr) = lr^2",
            "'lr' is a keyword and cannot be used as a name",
            1,
            3,
        ),
        bad(
            "y = 2 steps",
            "'steps' is a clause of minimize, maximize or plot, not of this statement",
            1,
            7,
        ),
        bad(
            "x ²",
            "'²' is a power and needs its base just before it",
            1,
            3,
        )
        .hint("write x² or x^2"),
        bad("f(x) = 3 + ⁻¹", "'⁻¹' is a power", 1, 12).hint("write x⁻¹ or x^-1"),
        bad(
            "2₁ = 2",
            "'₁' is a subscript and can only be part of a name",
            1,
            2,
        )
        .hint("write x₁ or x1"),
        // Typed with a Chinese input method: quoted as typed, located in
        // characters of the source.
        bad("f（x）＝ x ＋", "expected an expression after '＋'", 1, 10),
        bad(
            "f（1 ＋ 2",
            "unclosed '（': expected ')' before the end",
            1,
            2,
        ),
        bad(
            "（1，2】",
            "expected ')' to close the '（' at column 1, found '】'",
            1,
            5,
        ),
        bad("x = 1 ＠ 2", "unexpected '＠' (U+FF20)", 1, 7),
        bad("x = 1 ‐ 2", "unexpected '‐' (U+2010)", 1, 7),
        bad("y = √", "unexpected '√'", 1, 5).hint("√x, √(x + 1)"),
        bad("y = x…2", "unexpected '…'", 1, 6).hint("'……'"),
        bad(
            "ｍｉｎｉｍｉｚｅ",
            "expected a function name after 'minimize'",
            1,
            9,
        ),
        bad("x 2", "missing operator between 'x' and '2'", 1, 3).hint("write x*2"),
        bad("[1 2 3]", "missing operator between '1' and '2'", 1, 4)
            .hint("separate the items of a list with commas"),
        bad(
            "sin x",
            "'sin' is a function: its argument goes in brackets",
            1,
            5,
        )
        .hint("write sin(x)"),
        bad(
            "x sqrt y",
            "'sqrt' is a function: its argument goes in brackets",
            1,
            8,
        )
        .hint("write sqrt(y)"),
        bad(
            "y = cos 2x",
            "'cos' is a function: its argument goes in brackets",
            1,
            9,
        )
        .hint("write cos(2x)"),
        bad("def f(x) = x", "gd needs no def", 1, 1).hint("write f(x) = ..."),
        bad("X = 1..5", "missing operator", 1, 7).hint("write a list, as in [1, 2, 3, 4, 5]"),
        bad("minimize f(x) from 1", "missing operator", 1, 11)
            .hint("minimize takes the function's name alone: write minimize f from ..."),
        bad("2 3", "missing operator between '2' and '3'", 1, 3),
        bad("f' x", "missing operator between 'f'' and 'x'", 1, 4),
        bad("1.5.2", "missing operator between '1.5' and '.2'", 1, 4),
        bad("[1] x", "missing operator before 'x'", 1, 5),
        bad("(x)2", "missing operator between ')' and '2'", 1, 4),
        bad("a = 1\nb = 2 3", "missing operator", 2, 7),
        bad("f(x+1) = 2", "a parameter must be a plain name", 1, 3),
        bad("f(x, x) = 1", "parameter 'x' appears twice", 1, 6),
        bad("f() = 1", "'f' needs at least one parameter", 1, 1),
        bad("2 = 3", "the left side of '=' must be a name", 1, 1),
        bad("f'(x) = 3", "the left side of '=' must be a name", 1, 1),
        bad("check 1 = 1", "'check' compares with '=='", 1, 9),
        bad("check x", "expected '==' in 'check'", 1, 8),
        bad("check", "expected an expression after 'check'", 1, 6),
        bad("a == b", "'==' is only used in 'check A == B'", 1, 3),
        bad("a = 1 b = 2", "unexpected '='", 1, 9).hint("';'"),
        bad(
            "(a = 1)",
            "expected ',' or ')' to close the '(' at column 1, found '='",
            1,
            4,
        ),
        bad("* 2", "expected an expression before '*'", 1, 1),
        bad("x @ 2", "unexpected '@'", 1, 3),
        bad("x\0", "unexpected '\\0'", 1, 2),
        bad("\"abc", "unterminated string", 1, 1),
        bad("load(\"a\nb\")", "unterminated string", 1, 6),
        // The first error in the text wins, even over a bracket problem
        // found at the end.
        bad(
            "a = 1 +* 2\nb = (1",
            "expected an expression after '+'",
            1,
            8,
        ),
        bad("a = (1\nb = 1 +* 2", "unclosed '('", 1, 5),
        bad("f(x, x) = 1\ny = 2 3", "parameter 'x' appears twice", 1, 6),
    ];
    assert!(table.len() >= 30);
    for case in table {
        let error = match parse_program(&case.src) {
            Ok(program) => panic!("{:?} parsed: {}", case.src, dump(&program)),
            Err(error) => error,
        };
        assert!(
            error.message.contains(case.message),
            "{:?}: message {:?} lacks {:?}",
            case.src,
            error.message,
            case.message
        );
        let span = error.span.expect("a syntax error has a span");
        assert_eq!(
            line_col(&case.src, span.start),
            (case.line, case.column),
            "{:?}: {:?}",
            case.src,
            error.message
        );
        let hint = error.hint.clone().unwrap_or_default();
        assert!(
            hint.contains(case.hint),
            "{:?}: hint {hint:?} lacks {:?}",
            case.src,
            case.hint
        );
        assert!(
            !error.message.contains("_stmt") && !error.message.contains("Rule"),
            "{:?}: a rule name leaked: {:?}",
            case.src,
            error.message
        );
    }
}

// ------------------------------------------------------------ hostile input

#[track_caller]
fn assert_too_deep(src: &str, message: &str) {
    match parse_program(src) {
        Ok(_) => panic!("a source of {} bytes parsed", src.len()),
        Err(error) => assert!(error.message.contains(message), "{}", error.message),
    }
}

#[test]
fn deep_brackets_are_an_error_not_a_crash() {
    let src = format!("{}{}", "(".repeat(10_000), ")".repeat(10_000));
    assert_too_deep(&src, "nested too deeply");
    let src = "[".repeat(100_000);
    assert_too_deep(&src, "nested too deeply");
}

#[test]
fn the_deepest_brackets_allowed_parse() {
    let src = format!("{}x{}", "(".repeat(200), ")".repeat(200));
    let program = parse_program(&src).expect("200 levels parse");
    let StmtKind::Expr(e) = &program.stmts[0].kind else {
        panic!("not an expression");
    };
    assert_eq!(depth(e), 201);
    let src = format!("{}x{}", "f(".repeat(200), ")".repeat(200));
    assert!(parse_program(&src).is_ok());
}

/// The number of terms of the flat chain of `+` and `-` at the root of `e`,
/// counted along its left spine without recursion.
fn chain_terms(e: &Expr) -> usize {
    let mut terms = 1;
    let mut spine = e;
    while let ExprKind::Binary { left, .. } = &spine.kind {
        terms += 1;
        spine = left;
    }
    terms
}

#[test]
fn long_flat_chains_parse() {
    // A typed-out polynomial or a long sum is flat, however many terms.
    for n in [5_000, 100_000] {
        let src = vec!["1"; n].join("+");
        let program = parse_program(&src).expect("a flat sum parses");
        let StmtKind::Expr(e) = &program.stmts[0].kind else {
            panic!("not an expression");
        };
        assert_eq!(chain_terms(e), n);
    }
    let src = (0..5_000)
        .map(|k| format!("{k}x^{k}"))
        .collect::<Vec<_>>()
        .join(" - ");
    assert!(parse_program(&src).is_ok());
    let src = vec!["x"; 100_000].join(" * ");
    assert!(parse_program(&src).is_ok());
    let src = vec!["x"; 100_000].join("/");
    assert!(parse_program(&src).is_ok());
}

#[test]
fn true_nesting_is_an_error_not_a_crash() {
    let src = format!("a = 1\nb = {}", vec!["2"; 100_000].join("^"));
    let error = parse_program(&src).expect_err("too deep");
    assert!(error.message.contains("expression is nested too deeply"));
    assert_eq!(error.span.map(|s| line_col(&src, s.start)), Some((2, 1)));
    assert_too_deep(&format!("{}x", "-".repeat(100_000)), "nested too deeply");
    assert_too_deep(&format!("f{}", "(1)".repeat(100_000)), "nested too deeply");
    assert_too_deep(
        &format!("f{}", "'".repeat(1_000)).replace('\'', "'(1)"),
        "nested too deeply",
    );
    // Depth adds up across brackets.
    let inner = vec!["x"; 1_900].join("^");
    assert_too_deep(
        &format!("{}{inner}{}", "(".repeat(150), ")".repeat(150)),
        "nested too deeply",
    );
}

#[test]
fn the_deepest_chain_allowed_parses() {
    // A chain of n powers is n levels deep: n-1 operators over leaves.
    let src = vec!["2"; MAX_EXPR_DEPTH].join("^");
    let program = parse_program(&src).expect("parses");
    let StmtKind::Expr(e) = &program.stmts[0].kind else {
        panic!("not an expression");
    };
    assert_eq!(depth(e), MAX_EXPR_DEPTH);
    let src = vec!["2"; MAX_EXPR_DEPTH + 1].join("^");
    assert!(parse_program(&src).is_err());
    // Long but shallow: fine.
    let src = format!("X = [{}]", vec!["1.5"; 100_000].join(", "));
    assert!(parse_program(&src).is_ok());
}

#[test]
fn a_megabyte_line_is_handled() {
    let name = "a".repeat(1 << 20);
    let program = parse_program(&name).expect("one long name");
    assert_eq!(program.stmts.len(), 1);
    let error = parse_program(&format!("{name} 2")).expect_err("a name, then a number");
    assert!(error.message.len() < 200, "{}", error.message);
    let src = "1;".repeat(1 << 19);
    assert_eq!(parse_program(&src).map(|p| p.stmts.len()), Ok(1 << 19));
    let src = "x@".repeat(1 << 19);
    assert!(parse_program(&src).is_err());
    let src = format!("{}\n)", "#".repeat(1 << 20));
    assert!(parse_program(&src).is_err());
}

#[test]
fn odd_characters_are_errors() {
    for src in [
        "\0",
        "x = \u{feff}1",
        "∞",
        "x = 1 ≤ 2",
        "\u{200b}",
        "é\u{301}",
        "💥",
    ] {
        let _ = parse_program(src);
    }
    let error = parse_program("x = ∞").expect_err("not a number");
    assert_eq!(error.message, "unexpected '∞' (U+221E)");
}

// ------------------------------------------------------------ continuation

#[test]
fn incomplete_input_asks_for_more() {
    for src in [
        "(",
        "f(x",
        "[1, 2,",
        "x +",
        "x = ",
        "f(x) =",
        "x **",
        "x -",
        "x /",
        "x ^",
        "x + # comment",
        "x +\n",
        "x +\n\n",
        "check a ==",
        "f(x, (1\n",
        "a = 1\nb = (",
        "minimize f from (0,\n",
        "x²(",
        "f（x",
        "【1，2，",
        "x ＋",
        "x × ",
    ] {
        assert!(is_incomplete(src), "{src:?} should be incomplete");
    }
}

#[test]
fn complete_or_broken_input_does_not() {
    for src in [
        "",
        "x",
        "x + 1",
        "f(x)",
        "f(x) = x",
        "(1))(",
        ")",
        "x + 1 # (",
        "x + 1 # +",
        "\"abc",
        "\"(\"",
        "f'",
        "x + 1\n",
        "[1, 2)",
        "x ²(",
        "f（x）",
        "a = 1；",
        "minimize f from 0",
    ] {
        assert!(!is_incomplete(src), "{src:?} should be complete");
    }
}

#[test]
fn the_repl_rule_matches_the_parser() {
    // What is incomplete fails to parse; appending what completes it parses.
    for (start, rest) in [
        ("x +", "1"),
        ("f(x", ")"),
        ("a = [1,", "2]"),
        ("f(x) =", "x"),
    ] {
        assert!(is_incomplete(start));
        assert!(parse_program(start).is_err());
        assert!(
            parse_program(&format!("{start}\n{rest}")).is_ok(),
            "{start} {rest}"
        );
    }
}

// -------------------------------------------------------------- properties

/// Tokens of gd, for random sources that get further into the grammar than
/// random text does.
const TOKENS: &[&str] = &[
    "x",
    "y",
    "f",
    "θ",
    "2",
    "1.5",
    ".5",
    "1e-3",
    "2e",
    "+",
    "-",
    "*",
    "/",
    "^",
    "**",
    "=",
    "==",
    "(",
    ")",
    "[",
    "]",
    ",",
    "'",
    ";",
    "\n",
    " ",
    "#",
    "\"f.svg\"",
    "\"",
    "minimize",
    "maximize",
    "from",
    "lr",
    "steps",
    "tol",
    "using",
    "every",
    "batch",
    "seed",
    "plot",
    "to",
    "check",
    "adam",
    "momentum(0.9)",
    "²",
    "@",
    // Maths as typed from input methods and textbooks (`unicode`).
    "（",
    "）",
    "，",
    "【",
    "＝",
    "ｘ",
    "√",
    "×",
    "−",
    "⁻¹",
    "₁",
    "“",
    "’",
    "……",
    "sin",
    "损失",
    "\0",
];

/// Spans of every node lie inside the source, on character boundaries.
fn check_spans(src: &str, program: &Program) {
    fn walk(src: &str, e: &Expr) {
        assert!(e.span.start <= e.span.end && e.span.end <= src.len());
        assert!(src.is_char_boundary(e.span.start) && src.is_char_boundary(e.span.end));
        match &e.kind {
            ExprKind::Neg(a) | ExprKind::Pos(a) | ExprKind::Paren(a) => walk(src, a),
            ExprKind::Prime { target, .. } => walk(src, target),
            ExprKind::Binary { left, right, .. } => {
                walk(src, left);
                walk(src, right);
            }
            ExprKind::Call { callee, args } => {
                walk(src, callee);
                args.iter().for_each(|a| walk(src, a));
            }
            ExprKind::Tuple(es) | ExprKind::List(es) => es.iter().for_each(|a| walk(src, a)),
            ExprKind::Number(_) | ExprKind::Name(_) | ExprKind::String(_) => {}
        }
    }
    for stmt in &program.stmts {
        assert!(stmt.span.end <= src.len());
        if let StmtKind::Expr(e) = &stmt.kind {
            walk(src, e);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn never_panics_on_any_text(src in any::<String>()) {
        let result = parse_program(&src);
        let _ = is_incomplete(&src);
        match result {
            Ok(program) => check_spans(&src, &program),
            Err(error) => {
                let span = error.span.expect("a syntax error has a span");
                prop_assert!(span.start <= src.len() && span.end <= src.len());
            }
        }
    }

    #[test]
    fn never_panics_on_token_soup(
        tokens in prop::collection::vec(prop::sample::select(TOKENS), 0..40),
        spaced in any::<bool>(),
    ) {
        let src = tokens.join(if spaced { " " } else { "" });
        let result = parse_program(&src);
        let _ = is_incomplete(&src);
        match result {
            Ok(program) => check_spans(&src, &program),
            Err(error) => {
                let span = error.span.expect("a syntax error has a span");
                prop_assert!(span.start <= src.len() && span.end <= src.len());
                prop_assert!(!error.message.is_empty());
            }
        }
    }

    /// Random arithmetic parses, and its tree is as deep as `tree_depth`
    /// predicted (checked by a debug assertion inside the parser) and as
    /// `depth` here computes.
    #[test]
    fn arithmetic_parses(
        tokens in prop::collection::vec(
            (prop::sample::select(&["", "-", "+", "--"][..]),
             prop::sample::select(&["x", "2", "(x+1)", "f(x, 2)", "g'", "[1]", "2x", "(1, 2)"][..]),
             prop::sample::select(&["+", "-", "*", "/", "^", "**", " "][..])),
            1..30),
    ) {
        let mut src = String::new();
        for (sign, operand, op) in &tokens {
            src.push_str(sign);
            src.push_str(operand);
            src.push_str(op);
        }
        src.push('y');
        if let Ok(program) = parse_program(&src) {
            for stmt in &program.stmts {
                if let StmtKind::Expr(e) = &stmt.kind {
                    prop_assert!(depth(e) <= MAX_EXPR_DEPTH);
                }
            }
        }
    }
}

#[test]
fn the_deepest_inputs_parse_on_a_small_stack() {
    let deepest = [
        format!("{}x{}", "(".repeat(200), ")".repeat(200)),
        format!("{}x{}", "f(".repeat(200), ")".repeat(200)),
        format!("{}x{}", "-(".repeat(200), ")".repeat(200)),
        vec!["2"; MAX_EXPR_DEPTH].join("^"),
        format!("{}x", "-".repeat(MAX_EXPR_DEPTH - 1)),
    ];
    let small = std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(move || {
            deepest
                .iter()
                .map(|src| parse_program(src).is_ok())
                .collect::<Vec<_>>()
        })
        .expect("a thread");
    assert_eq!(small.join().ok(), Some(vec![true; 5]));
}

#[test]
fn lines_continue_as_the_contract_says() {
    let statements = |src: &str| match parse_program(src) {
        Ok(program) => program.stmts.len(),
        Err(e) => panic!("{src:?}: {e}"),
    };
    // A clause keyword or `* / ^ ==` at the start of a line continues the
    // line above; `+` and `-` start a statement of their own.
    for (src, n) in [
        ("minimize f from 0\n  lr 0.1\n  steps 3", 1),
        ("minimize f from 0\n  using adam", 1),
        ("g(x) = x\n  * 2", 1),
        ("g(x) = x\n  ^ 2", 1),
        ("check x\n  == x", 1),
        ("h(x) = x\n  - 1", 2),
        ("h(x) = x\n  + 1", 2),
        // A line ending in `,`, `==` or a keyword that needs an operand
        // goes on.
        ("minimize f from\n  1", 1),
        ("v = [1, 2,\n 3]", 1),
        ("plot f,\n g", 1),
        ("check x ==\n x", 1),
        ("x = 1\ny = 2", 2),
        ("x = 1;\nlr2 = 3", 2),
    ] {
        assert_eq!(statements(src), n, "{src:?}");
    }
    assert!(is_incomplete("minimize f from"));
    assert!(is_incomplete("minimize f from 0 using"));
    assert!(!is_incomplete("minimize f from 0"));
}
