//! The REPL's help texts, as data: an overview with one example per kind
//! of statement, and one entry per topic (`:help minimize`, `:help adam`).
//!
//! Invariant: this is plain text; the REPL prints it, nothing here runs.

use gd::text::wrap;

/// `:help` with no topic.
pub const OVERVIEW: &str = "\
gd: define functions, differentiate them exactly, check your hand work, and
run gradient descent. One statement per line (or separated by ';').

  f(x, y) = (x - 3)^2 + (y - 2)^2      define a function
  a = 3                                define a value (also [0.01, 0.1])
  diff(x^3 sin(x), x)                  derivatives; also f', grad(f), hessian(f)
  simplify((x + 1)^2 - x^2)            also expand(...), latex(...)
  check diff(x^2, x) == 2x             is my hand derivation right?
  explain diff(x^2 sin(x), x)          the derivation, one rule per step
  critical f                           critical points, classified
  table x, f(x), fdiff(f, x) for x in [1, 2]   a row per value
  minimize f from (0, 0) lr 0.1 steps 30 using adam
  minimize f from 0 lr [0.01, 0.1, 0.5]   a list compares runs side by side
  plot f from -5 to 5                  a curve; a contour map for two parameters
  X = [1, 2, 3]                        data; loss(w) = mean((w*X - 2X)^2)
  ans                                  the last result

Commands: :help TOPIC, :load FILE, :vars, :clear, :json on|off, :quit
Keys: Tab completes, Up/Down and Ctrl-R search history, Ctrl-C cancels,
Ctrl-D quits. Topics: :help topics
";

/// One help entry: the names that lead to it and its text.
pub struct Topic {
    pub names: &'static [&'static str],
    pub text: &'static str,
}

/// Every topic, in the order `:help topics` lists them.
pub const TOPICS: &[Topic] = &[
    Topic {
        names: &[
            "define",
            "definitions",
            "function",
            "functions",
            "value",
            "values",
            "=",
        ],
        text: "\
Definitions
  f(x, y) = (x - 3)^2 + (y - 2)^2   a function; its body may use its parameters,
                                    constants, values and earlier functions
  a = 3                             a value, evaluated now: a number,
  p = (1, 2)                        a tuple,
  lrs = [0.01, 0.1]                 or a list
  g = f'                            names a function value
Names in a body are looked up when it is used, so redefining `a` changes
every function that uses it. A function may not call itself.
",
    },
    Topic {
        names: &[
            "expressions",
            "expression",
            "syntax",
            "operators",
            "precedence",
        ],
        text: "\
Expressions
  2^3^2        powers group to the right: 512 (also written **)
  -x^2         is -(x^2)
  3x, 2pi, (x + 1)(x - 1)    implicit multiplication binds like *
  6/2(1 + 2)   is 9, as in Wolfram Alpha
  (x + 1)^2 - x^2            with free variables: simplified, not evaluated
Comments run from # to the end of the line. A line ending in an operator,
or with a bracket still open, continues on the next line.
",
    },
    Topic {
        names: &[
            "builtins",
            "builtin",
            "math",
            "sin",
            "cos",
            "tan",
            "exp",
            "ln",
            "log",
            "sqrt",
            "abs",
            "sign",
            "step",
            "sigmoid",
            "min",
            "max",
            "asin",
            "acos",
            "atan",
            "sinh",
            "cosh",
            "tanh",
            "log2",
            "log10",
            "pi",
            "e",
            "constants",
        ],
        text: "\
Built-in functions
  sin cos tan asin acos atan sinh cosh tanh exp ln log log2 log10 sqrt
  abs sign step sigmoid min(a, b) max(a, b)
  log(x) is the natural logarithm; log(x, b) is base b.
  abs' = sign, step(0) = 1/2, max splits the gradient evenly at a tie.
Constants: pi (also π) and e; a parameter or definition of that name wins.
",
    },
    Topic {
        names: &["diff", "derivative", "derivatives", "'", "prime"],
        text: "\
Derivatives
  diff(x^3 sin(x), x)     the derivative with respect to x
  diff(x^4, x, 2)         the second derivative
  diff(f, x)              of a function's body
  f'   f''   f'(2)        for a function of one parameter
  grad(f)   grad(f)(1, 2)         partial derivatives, in parameter order
  hessian(f)   hessian(f)(0, 0)   second partials
Results are exact and simplified as a teacher would write them.
",
    },
    Topic {
        names: &["explain", "derivation", "steps", "rules"],
        text: "\
explain DERIVATIVE: the derivation as a teacher writes it, one rule a line
  explain diff(x^2 sin(x), x)    product, power, sin, ...
  explain f'   explain f''       from the definition of f
  explain diff(f, x, 2)          each order in turn
  explain grad(f)                one derivation per parameter
Parts not yet differentiated are written diff(u, x), so every line reads
back in gd; the last line is exactly what diff prints.
",
    },
    Topic {
        names: &["critical", "minima", "saddle", "saddles"],
        text: "\
critical NAME [from A to B]: where the gradient is 0, in a box (-10..10)
  critical f                     every real root of f', exactly, when f' is
                                 a polynomial; else Newton's method
  critical g from (-5, -5) to (5, 5)   two parameters: a box of two corners
Each point is a minimum, maximum, saddle, inflection (x^3 at 0) or
degenerate (a Hessian eigenvalue is 0); the lowest minimum is named.
",
    },
    Topic {
        names: &["table", "for", "in", "fdiff", "cdiff", "finite"],
        text: "\
Numerical derivatives and tables
  fdiff(f, 1)          (f(1 + h) - f(1))/h, h = 1e-6, in floating point
  cdiff(f, 1, 1e-4)    (f(1 + h) - f(1 - h))/(2h)
  table x, f(x), f'(x), fdiff(f, x) for x in [-2, -1, 0, 1, 2]
  table h, fdiff(f, 1, h) - f'(1) for h in [1e-2, 1e-6, 1e-10]
A table has a row per value (a list or a data vector) and a column per
expression, headed as typed; x shadows a defined x only in the table.
",
    },
    Topic {
        names: &["grad", "gradient", "hessian"],
        text: "\
Gradient and Hessian
  f(x, y) = x^2 y + y^3
  grad(f)            (2xy, x^2 + 3y^2)
  grad(f)(1, 2)      evaluated at a point
  hessian(f)         the matrix of second partials
  hessian(f)(1, 2)
",
    },
    Topic {
        names: &["simplify", "expand", "latex"],
        text: "\
Rewriting
  simplify((x + 1)^2 - x^2)    2x + 1
  expand((x + 1)^3)            x^3 + 3x^2 + 3x + 1
  latex(diff(sqrt(x), x))      the LaTeX of an expression, as a string
",
    },
    Topic {
        names: &["check", "=="],
        text: "\
check A == B
  check diff(x^3 sin(x), x) == 3x^2 sin(x) + x^3 cos(x)
  check f'(x) == 2x - 6
  check ln(x^2) == 2ln(x)      not equal: at x < 0 only the left is defined
Compares simplified forms, then evaluates both sides at many points in
[-10, 10] (and near 0 and 1); a failure names a point where they differ.
",
    },
    Topic {
        names: &[
            "minimize", "maximize", "descent", "run", "from", "lr", "steps", "tol", "every",
        ],
        text: "\
minimize NAME from START [lr RATE] [steps N] [tol T] [using METHOD] [every K]
  [state]
  minimize f from 0                     defaults: lr 0.1, steps 100, using gd
  minimize f from (0, 0) lr 0.05 steps 500 tol 1e-6
  minimize f from 0 steps 1000 every 100    show every 100th step
  minimize f from 0 lr [0.01, 0.1, 0.5, 1.1]   one run per rate, compared
  minimize f from [-5, 0, 5]            one run per start
  minimize f from (0, 0) using [gd, momentum(0.9), adam]
  maximize h from 0                     ascends
Clauses come in any order. Each run ends converged (|grad| below tol),
max_steps, diverged, or interrupted (Ctrl-C), with a verdict and a rate.
Optimizers: :help using; their state in the trace: :help state
",
    },
    Topic {
        names: &["state", "exp_avg"],
        text: "\
state: the optimizer's state after each update, under torch's names
  minimize f from 0 steps 20 using adam state      exp_avg, exp_avg_sq
  minimize f from (0, 0) using momentum state      momentum_buffer
adagrad keeps sum, rmsprop square_avg; gd and newton keep none. The
table gains a column per buffer (per parameter: exp_avg(x), exp_avg(y));
--json adds \"state\": {\"exp_avg\": [...], ...} to each trace entry ({} at
step 0, before the first update).
",
    },
    Topic {
        names: &["using", "methods", "method", "optimizers", "optimizer"],
        text: "\
using METHOD: the optimizers of torch.optim, with PyTorch's defaults
  gd              plain gradient descent (the default)
  momentum(0.9)   SGD with momentum        nesterov(0.9)  Nesterov momentum
  adagrad         Adagrad                  rmsprop        RMSprop (alpha 0.99)
  adam            Adam (0.9, 0.999)        newton         x - lr H^-1 grad
Arguments may be named: adam(beta1=0.8). :help adam and so on for each.
",
    },
    Topic {
        names: &["gd", "sgd"],
        text: "\
using gd: torch's SGD(lr)
  x = x - lr*g
  minimize f from 0 lr 0.1 using gd
",
    },
    Topic {
        names: &["momentum"],
        text: "\
using momentum(momentum = 0.9): torch's SGD(lr, momentum, dampening=0)
  b = g at the first step, then b = momentum*b + g;  x = x - lr*b
  minimize f from (0, 0) using momentum(0.8)
",
    },
    Topic {
        names: &["nesterov"],
        text: "\
using nesterov(momentum = 0.9): torch's SGD(lr, momentum, nesterov=True)
  the buffer b as for momentum, then x = x - lr*(g + momentum*b)
  minimize f from (0, 0) using nesterov
",
    },
    Topic {
        names: &["adagrad"],
        text: "\
using adagrad(lr_decay = 0, initial_accumulator_value = 0, eps = 1e-10)
  torch's Adagrad: clr = lr/(1 + (t-1)*lr_decay), s = s + g*g,
  x = x - clr*g/(sqrt(s) + eps)
  minimize f from (0, 0) lr 0.5 using adagrad
",
    },
    Topic {
        names: &["rmsprop"],
        text: "\
using rmsprop(alpha = 0.99, eps = 1e-8): torch's RMSprop
  v = alpha*v + (1 - alpha)*g*g,  x = x - lr*g/(sqrt(v) + eps)
  minimize f from (0, 0) lr 0.01 using rmsprop(alpha=0.9)
",
    },
    Topic {
        names: &["adam"],
        text: "\
using adam(beta1 = 0.9, beta2 = 0.999, eps = 1e-8): torch's Adam
  m = beta1*m + (1 - beta1)*g,  v = beta2*v + (1 - beta2)*g*g,
  bias-corrected: x = x - lr/(1 - beta1^t) * m/(sqrt(v)/sqrt(1 - beta2^t) + eps)
  minimize f from (0, 0) lr 0.1 steps 200 using adam
  minimize f from (0, 0) using adam(beta1=0.8)
",
    },
    Topic {
        names: &["newton"],
        text: "\
using newton: x = x - lr * H^-1 grad, with the exact symbolic Hessian
  minimize f from (0, 0) lr 1 steps 5 using newton
A singular Hessian stops the run and names the point.
",
    },
    Topic {
        names: &["plot", "plots", "svg", "to"],
        text: "\
plot EXPR, ... [from A to B] [to \"file.svg\"]
  plot f from -5 to 5                 a curve in the terminal
  plot f, f'                          a function beside its derivative, labelled
  plot sin(x)/x from -10 to 10        any expression in one or two variables
  plot g from (-1, -1) to (4, 4)      a contour map for two parameters
  minimize f from 0 lr 0.1 plot       the run's path and its value per step
  plot f from -5 to 5 to \"f.svg\"      an SVG file instead
Without from A to B, the range frames where the function is defined, its
zeros and its critical points.
",
    },
    Topic {
        names: &["data", "load", "sum", "mean", "batch", "seed", "csv"],
        text: "\
Data
  X = [1, 2, 3, 4, 5]                 a data vector; arithmetic is elementwise
  load(\"points.csv\")                  one vector per column, named by the header
  loss(w, b) = mean((w*X + b - Y)^2)  sum(v) and mean(v) reduce to a number
  minimize loss from (0, 0) lr 0.01 batch 2 seed 7    stochastic descent
",
    },
    Topic {
        names: &["ans"],
        text: "\
ans is the value of the last bare expression (in scripts too):
  2 + 3
  ans * 2          10
It is not listed by :vars and :clear forgets it.
",
    },
    Topic {
        names: &[
            "commands", ":help", ":load", ":vars", ":clear", ":json", ":quit", "meta",
        ],
        text: "\
Commands (a unique prefix is enough: :h, :q)
  :help [TOPIC]    this help; :help topics lists the topics
  :load FILE       run a script into this session
  :vars            your definitions, as you would type them
  :clear           forget every definition
  :json on|off     print results as JSON Lines, as gd --json does
  :quit            leave (Ctrl-D on an empty line does too)
",
    },
    Topic {
        names: &[
            "keys",
            "history",
            "keyboard",
            "completion",
            "ctrl-c",
            "ctrl-d",
        ],
        text: "\
Keys
  Tab          complete names, keywords, optimizers, commands, file names
  Up, Down     walk the history;  Ctrl-R searches it
  Ctrl-C       clears the line, or cancels a running statement
  Ctrl-D       on an empty line: quit
History is kept in the data folder (on Linux $XDG_DATA_HOME/gd/history,
usually ~/.local/share/gd/history), shared by all sessions.
",
    },
];

/// The text for `:help TOPIC`, or the answer that there is none.
pub fn lookup(topic: &str) -> Result<&'static str, String> {
    let wanted = topic.trim().to_lowercase();
    // `:load` is the command, `load` the data function.
    if wanted.starts_with(':')
        && let Some(t) = TOPICS.iter().find(|t| t.names.contains(&wanted.as_str()))
    {
        return Ok(t.text);
    }
    let wanted = wanted.trim_start_matches(':');
    if let Some(t) = TOPICS
        .iter()
        .find(|t| t.names.iter().any(|n| n.trim_start_matches(':') == wanted))
    {
        return Ok(t.text);
    }
    Err(format!(
        "no help on '{}'; topics are:\n{}",
        topic.trim(),
        wrap(&topic_names(), 76).trim_end_matches('\n')
    ))
}

/// `:help topics`: the first name of each topic, wrapped.
pub fn topics_text() -> String {
    format!("Topics (:help TOPIC):\n{}", wrap(&topic_names(), 76))
}

/// The first name of each topic: what `:help topics` lists.
pub fn topic_names() -> Vec<&'static str> {
    TOPICS.iter().map(|t| t.names[0]).collect()
}

/// Every name that `:help` knows, for completion.
pub fn all_names() -> Vec<&'static str> {
    let mut names: Vec<&str> = TOPICS
        .iter()
        .flat_map(|t| t.names.iter().copied())
        .filter(|n| n.chars().all(|c| c.is_alphanumeric() || c == '_'))
        .collect();
    names.push("topics");
    names.sort_unstable();
    names.dedup();
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_statement_and_optimizer_has_help() {
        let wanted = [
            "minimize", "maximize", "check", "plot", "diff", "grad", "hessian", "simplify",
            "expand", "latex", "define", "data", "load", "ans", "keys", "explain", "critical",
            "table", "fdiff", "state",
        ];
        for topic in wanted.iter().chain(gd::descent::METHOD_NAMES.iter()) {
            assert!(lookup(topic).is_ok(), "no help on {topic}");
        }
        for keyword in gd::parse::KEYWORDS {
            assert!(lookup(keyword).is_ok(), "no help on keyword {keyword}");
        }
    }

    #[test]
    fn help_on_adam_shows_its_defaults() {
        let text = lookup("adam").expect("works");
        assert!(text.contains("beta1 = 0.9") && text.contains("beta2 = 0.999"));
        assert_eq!(lookup("ADAM"), lookup("adam"));
        assert_eq!(lookup(":vars"), lookup("vars"));
        assert_eq!(lookup(":load"), lookup("commands"));
        assert_ne!(lookup(":load"), lookup("load"));
    }

    #[test]
    fn unknown_topic_lists_the_topics() {
        let err = lookup("banana").expect_err("an unknown topic");
        assert!(err.starts_with("no help on 'banana'; topics are:\n  define, expressions,"));
        assert!(err.lines().all(|l| l.len() <= 76), "{err}");
        assert!(err.contains("minimize") && err.contains("adam"));
    }

    #[test]
    fn lines_fit_in_80_columns() {
        for text in TOPICS.iter().map(|t| t.text).chain([OVERVIEW]) {
            for line in text.lines() {
                assert!(line.chars().count() <= 80, "too long: {line}");
            }
        }
    }
}
