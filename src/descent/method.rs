//! The optimizers of `using METHOD` as typed values: PyTorch's names and
//! defaults, `using NAME(args)` read into a `Method` (positional and named
//! arguments, ranges checked, errors in plain words), and the way back to
//! each method's update rule in `rules`.
//!
//! Invariant: a `Method` always holds values in its settings' ranges.

use super::rules::{self, RULES, Range, Rule, Setting};
use crate::text::format_number;

/// The optimizer with its hyper-parameters (the learning rate is in
/// `Config`). Defaults are torch's; `Method::from_spec` builds one from
/// `using NAME(args)`. Each method's update is its rule's (`Method::rule`),
/// where the formulas are written out.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Method {
    /// `gd`, torch's `SGD(lr)`.
    #[default]
    Gd,
    /// `momentum(momentum)`, torch's `SGD(lr, momentum, dampening=0)`.
    Momentum { momentum: f64 },
    /// `nesterov(momentum)`, torch's `SGD(lr, momentum, nesterov=True)`.
    Nesterov { momentum: f64 },
    /// `adagrad(lr_decay, initial_accumulator_value, eps)`, torch's
    /// `Adagrad` (weight_decay 0).
    Adagrad {
        lr_decay: f64,
        initial_accumulator_value: f64,
        eps: f64,
    },
    /// `rmsprop(alpha, eps)`, torch's `RMSprop` (not centered, no
    /// momentum, weight_decay 0).
    Rmsprop { alpha: f64, eps: f64 },
    /// `adam(beta1, beta2, eps)`, torch's `Adam` (amsgrad off,
    /// weight_decay 0).
    Adam { beta1: f64, beta2: f64, eps: f64 },
    /// `newton` (not in torch): `x = x - lr * H^-1 g` on the symbolic
    /// Hessian.
    Newton,
}

/// The method names `using` accepts, in the documented order.
pub const METHOD_NAMES: [&str; 7] = [
    "gd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "newton",
];

impl Method {
    /// The name used by `using METHOD` and in the JSON output.
    pub fn name(&self) -> &'static str {
        self.rule().name
    }

    /// Builds a method from `using NAME(args)`: positional arguments in the
    /// order of `settings()`, then named ones (`adam(0.8, eps=1e-6)`);
    /// omitted ones take torch's defaults. Errors are plain words.
    pub fn from_spec(name: &str, args: &[(Option<&str>, f64)]) -> Result<Method, String> {
        let spec = RULES
            .iter()
            .find(|s| s.name == name)
            .ok_or_else(|| unknown_method(name))?;
        let mut given: Vec<Option<f64>> = vec![None; spec.settings.len()];
        let mut named_seen = false;
        for (position, (arg_name, value)) in args.iter().enumerate() {
            let index = match arg_name {
                Some(arg_name) => {
                    named_seen = true;
                    index_of(spec, arg_name)?
                }
                None if named_seen => {
                    return Err(format!(
                        "in {}(...), an argument without a name cannot follow a named one",
                        spec.name
                    ));
                }
                None if position >= spec.settings.len() => {
                    return Err(too_many(spec, args.len()));
                }
                None => position,
            };
            if given[index].is_some() {
                let setting = spec.settings[index].name;
                return Err(format!("{setting} is given twice in {}(...)", spec.name));
            }
            given[index] = Some(*value);
        }
        let values = spec
            .settings
            .iter()
            .zip(given)
            .map(|(setting, value)| check(setting, value.unwrap_or(setting.default)))
            .collect::<Result<Vec<f64>, String>>()?;
        Ok(Method::build(spec, &values))
    }

    /// The hyper-parameters, in the order `from_spec` takes them
    /// positionally (adam: beta1, beta2, eps); gd and newton have none.
    pub fn settings(&self) -> Vec<(&'static str, f64)> {
        let names = self.rule().settings.iter().map(|s| s.name);
        names.zip(self.values()).collect()
    }

    /// The values of the settings, in positional order.
    pub fn values(&self) -> Vec<f64> {
        match *self {
            Method::Gd | Method::Newton => vec![],
            Method::Momentum { momentum } | Method::Nesterov { momentum } => vec![momentum],
            Method::Adagrad {
                lr_decay,
                initial_accumulator_value,
                eps,
            } => vec![lr_decay, initial_accumulator_value, eps],
            Method::Rmsprop { alpha, eps } => vec![alpha, eps],
            Method::Adam { beta1, beta2, eps } => vec![beta1, beta2, eps],
        }
    }

    /// Whether `descent::run` needs the Hessian for this method.
    pub fn needs_hessian(&self) -> bool {
        self.rule().direction == rules::Direction::Newton
    }

    /// The method's update rule (its settings, state and formulas).
    pub fn rule(&self) -> &'static Rule {
        match self {
            Method::Gd => &rules::GD,
            Method::Momentum { .. } => &rules::MOMENTUM,
            Method::Nesterov { .. } => &rules::NESTEROV,
            Method::Adagrad { .. } => &rules::ADAGRAD,
            Method::Rmsprop { .. } => &rules::RMSPROP,
            Method::Adam { .. } => &rules::ADAM,
            Method::Newton => &rules::NEWTON,
        }
    }

    /// The method of `rule` with these values of its settings, in order.
    fn build(rule: &Rule, v: &[f64]) -> Method {
        match rule.name {
            "momentum" => Method::Momentum { momentum: v[0] },
            "nesterov" => Method::Nesterov { momentum: v[0] },
            "adagrad" => Method::Adagrad {
                lr_decay: v[0],
                initial_accumulator_value: v[1],
                eps: v[2],
            },
            "rmsprop" => Method::Rmsprop {
                alpha: v[0],
                eps: v[1],
            },
            "adam" => Method::Adam {
                beta1: v[0],
                beta2: v[1],
                eps: v[2],
            },
            "newton" => Method::Newton,
            _ => Method::Gd,
        }
    }
}

/// The settings `using NAME(...)` takes, in positional order (for
/// completion); `None` for an unknown name.
pub fn setting_names(method: &str) -> Option<Vec<&'static str>> {
    let rule = RULES.iter().find(|s| s.name == method)?;
    Some(rule.settings.iter().map(|s| s.name).collect())
}

fn names_of(rule: &Rule) -> String {
    let names: Vec<&str> = rule.settings.iter().map(|s| s.name).collect();
    names.join(", ")
}

fn index_of(rule: &Rule, arg_name: &str) -> Result<usize, String> {
    if let Some(i) = rule.settings.iter().position(|s| s.name == arg_name) {
        return Ok(i);
    }
    if rule.settings.is_empty() {
        return Err(format!("{} takes no arguments", rule.name));
    }
    let names = rule.settings.iter().map(|s| s.name);
    let hint = match crate::suggest::closest(arg_name, names) {
        Some(close) => format!(": did you mean '{close}'?"),
        None => String::new(),
    };
    Err(format!(
        "{} has no argument '{arg_name}'{hint} (its arguments are {})",
        rule.name,
        names_of(rule)
    ))
}

fn too_many(rule: &Rule, given: usize) -> String {
    match rule.settings.len() {
        0 => format!("{} takes no arguments", rule.name),
        1 => format!(
            "{} takes at most 1 argument ({}), not {given}",
            rule.name,
            names_of(rule)
        ),
        most => format!(
            "{} takes at most {most} arguments ({}), not {given}",
            rule.name,
            names_of(rule)
        ),
    }
}

/// The value, when it is in the setting's range.
fn check(setting: &Setting, v: f64) -> Result<f64, String> {
    let (ok, wanted) = match setting.range {
        Range::Fraction => ((0.0..1.0).contains(&v), "at least 0 and less than 1"),
        Range::PositiveFraction => (v > 0.0 && v < 1.0, "greater than 0 and less than 1"),
        Range::Positive => (v > 0.0 && v.is_finite(), "positive and finite"),
        Range::NonNegative => (v >= 0.0 && v.is_finite(), "at least 0 and finite"),
    };
    if ok {
        return Ok(v);
    }
    Err(format!(
        "{} must be {wanted}, not {}",
        setting.name,
        format_number(v)
    ))
}

fn unknown_method(name: &str) -> String {
    let all = METHOD_NAMES.join(", ");
    match crate::suggest::closest(name, METHOD_NAMES.into_iter()) {
        Some(close) => {
            format!("unknown method '{name}': did you mean '{close}'? (the methods are {all})")
        }
        None => format!("unknown method '{name}' (the methods are {all})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(name: &str, args: &[(Option<&str>, f64)]) -> Result<Method, String> {
        Method::from_spec(name, args)
    }

    fn error(name: &str, args: &[(Option<&str>, f64)]) -> String {
        match spec(name, args) {
            Ok(method) => panic!("{name}{args:?} gave {method:?}"),
            Err(message) => message,
        }
    }

    #[test]
    fn defaults_are_torchs() {
        let defaults: Vec<(&str, Vec<(&str, f64)>)> = METHOD_NAMES
            .iter()
            .map(|name| match spec(name, &[]) {
                Ok(method) => (method.name(), method.settings()),
                Err(e) => panic!("{name}: {e}"),
            })
            .collect();
        let want: Vec<(&str, Vec<(&str, f64)>)> = vec![
            ("gd", vec![]),
            ("momentum", vec![("momentum", 0.9)]),
            ("nesterov", vec![("momentum", 0.9)]),
            (
                "adagrad",
                vec![
                    ("lr_decay", 0.0),
                    ("initial_accumulator_value", 0.0),
                    ("eps", 1e-10),
                ],
            ),
            ("rmsprop", vec![("alpha", 0.99), ("eps", 1e-8)]),
            (
                "adam",
                vec![("beta1", 0.9), ("beta2", 0.999), ("eps", 1e-8)],
            ),
            ("newton", vec![]),
        ];
        assert_eq!(defaults, want);
        assert_eq!(Method::default(), Method::Gd);
        assert!(Method::Newton.needs_hessian() && !Method::Gd.needs_hessian());
    }

    /// `build` matches on names and `METHOD_NAMES` is a list of its own:
    /// both must follow `RULES`.
    #[test]
    fn every_rule_is_a_method_by_its_name() {
        let names: Vec<&str> = RULES.iter().map(|rule| rule.name).collect();
        assert_eq!(names, METHOD_NAMES);
        for rule in RULES {
            let method = spec(rule.name, &[]).expect("defaults are in range");
            assert_eq!(method.rule().name, rule.name);
        }
    }

    #[test]
    fn positional_and_named_arguments() {
        let adam = |beta1, beta2, eps| Ok(Method::Adam { beta1, beta2, eps });
        assert_eq!(
            spec("adam", &[(None, 0.8), (None, 0.99)]),
            adam(0.8, 0.99, 1e-8)
        );
        assert_eq!(
            spec("adam", &[(Some("beta1"), 0.8), (Some("eps"), 1e-6)]),
            adam(0.8, 0.999, 1e-6)
        );
        assert_eq!(
            spec("adam", &[(None, 0.5), (Some("eps"), 1e-6)]),
            adam(0.5, 0.999, 1e-6)
        );
        assert_eq!(
            spec("momentum", &[(None, 0.5)]),
            Ok(Method::Momentum { momentum: 0.5 })
        );
        assert_eq!(
            spec("momentum", &[(None, 0.0)]),
            Ok(Method::Momentum { momentum: 0.0 })
        );
        assert_eq!(
            spec("nesterov", &[(Some("momentum"), 0.5)]),
            Ok(Method::Nesterov { momentum: 0.5 })
        );
        assert_eq!(
            spec("rmsprop", &[(Some("alpha"), 0.9)]),
            Ok(Method::Rmsprop {
                alpha: 0.9,
                eps: 1e-8
            })
        );
        assert_eq!(
            spec("adagrad", &[(Some("initial_accumulator_value"), 0.1)]),
            Ok(Method::Adagrad {
                lr_decay: 0.0,
                initial_accumulator_value: 0.1,
                eps: 1e-10
            })
        );
        // settings() lists the arguments in positional order: they read back.
        let method = Method::Adam {
            beta1: 0.5,
            beta2: 0.75,
            eps: 1e-3,
        };
        let args: Vec<(Option<&str>, f64)> =
            method.settings().iter().map(|(_, v)| (None, *v)).collect();
        assert_eq!(spec("adam", &args), Ok(method));
    }

    #[test]
    fn errors_in_plain_words() {
        assert_eq!(
            error("adma", &[]),
            "unknown method 'adma': did you mean 'adam'? (the methods are gd, momentum, \
             nesterov, adagrad, rmsprop, adam, newton)"
        );
        assert_eq!(
            error("sgd", &[]).split(':').nth(1),
            Some(
                " did you mean 'gd'? (the methods are gd, momentum, nesterov, adagrad, rmsprop, adam, newton)"
            )
        );
        assert_eq!(
            error("lbfgs", &[]),
            "unknown method 'lbfgs' (the methods are gd, momentum, nesterov, adagrad, \
             rmsprop, adam, newton)"
        );
        assert_eq!(
            error("adam", &[(Some("beta"), 0.5)]),
            "adam has no argument 'beta': did you mean 'beta1'? (its arguments are beta1, \
             beta2, eps)"
        );
        assert_eq!(
            error("rmsprop", &[(Some("momentum"), 0.5)]),
            "rmsprop has no argument 'momentum' (its arguments are alpha, eps)"
        );
        assert_eq!(error("gd", &[(Some("lr"), 0.5)]), "gd takes no arguments");
        assert_eq!(error("newton", &[(None, 1.0)]), "newton takes no arguments");
        assert_eq!(
            error(
                "adam",
                &[(None, 0.9), (None, 0.99), (None, 1e-8), (None, 0.0)]
            ),
            "adam takes at most 3 arguments (beta1, beta2, eps), not 4"
        );
        assert_eq!(
            error("momentum", &[(None, 0.9), (None, 0.1)]),
            "momentum takes at most 1 argument (momentum), not 2"
        );
        assert_eq!(
            error("adam", &[(Some("beta1"), 1.0)]),
            "beta1 must be at least 0 and less than 1, not 1"
        );
        assert_eq!(
            error("adam", &[(None, 0.9), (None, -0.5)]),
            "beta2 must be at least 0 and less than 1, not -0.5"
        );
        assert_eq!(
            error("adam", &[(Some("eps"), 0.0)]),
            "eps must be positive and finite, not 0"
        );
        assert_eq!(
            error("rmsprop", &[(None, 0.9), (None, f64::INFINITY)]),
            "eps must be positive and finite, not inf"
        );
        assert_eq!(
            error("rmsprop", &[(None, f64::NAN)]),
            "alpha must be at least 0 and less than 1, not nan"
        );
        assert_eq!(
            error("momentum", &[(None, 1.5)]),
            "momentum must be at least 0 and less than 1, not 1.5"
        );
        assert_eq!(
            error("nesterov", &[(None, 0.0)]),
            "momentum must be greater than 0 and less than 1, not 0"
        );
        assert_eq!(
            error("adagrad", &[(Some("lr_decay"), -1.0)]),
            "lr_decay must be at least 0 and finite, not -1"
        );
        assert_eq!(
            error("adam", &[(Some("eps"), 1e-6), (None, 0.8)]),
            "in adam(...), an argument without a name cannot follow a named one"
        );
        assert_eq!(
            error("adam", &[(None, 0.8), (Some("beta1"), 0.7)]),
            "beta1 is given twice in adam(...)"
        );
    }
}
