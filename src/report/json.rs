//! Outcomes as JSON objects (LANGUAGE.md section 5): numbers, shown
//! values, check results and descents with their traces.
//!
//! Invariant: a number is an integer when it is one, and nan and the
//! infinities are the strings the spec names, so every object is valid
//! JSON.

use serde_json::{Map, Value as Json, json};

use super::descent::divergence_reason;
use crate::critical::Search;
use crate::descent::Sense;
use crate::outcome::{CriticalOutcome, DescentOutcome, ExplainOutcome, Shown};
use crate::symbolic::Expr;
use crate::symbolic::print::to_text;

/// Integral numbers below this in magnitude are written as JSON integers:
/// they are exact as `i64` (and as `f64`, below 2^53).
const INTEGER_BELOW: f64 = 9.0e15;

/// A number: integers as integers, non-finite as the strings the spec
/// names.
pub fn number(x: f64) -> Json {
    if x.is_nan() {
        json!("nan")
    } else if x.is_infinite() {
        json!(if x > 0.0 { "inf" } else { "-inf" })
    } else if x == x.trunc() && x.abs() < INTEGER_BELOW {
        json!(x as i64)
    } else {
        json!(x)
    }
}

pub(super) fn numbers(v: &[f64]) -> Vec<Json> {
    v.iter().map(|x| number(*x)).collect()
}

pub(super) fn texts(v: &[Expr]) -> Vec<String> {
    v.iter().map(|e| to_text(*e)).collect()
}

pub(super) fn shown_json(value: &Shown) -> Json {
    match value {
        Shown::Number(x) => number(*x),
        Shown::Vector(v) | Shown::Tuple(v) => Json::Array(numbers(v)),
        Shown::List(items) => Json::Array(items.iter().map(shown_json).collect()),
    }
}

/// `{"kind": "explain", "start": ..., "steps": [{"rule", "text"}], "result":
/// ...}`; for `grad(f)` the start and result are lists, one per parameter,
/// and each step says which parameter's derivation it belongs to (`var`).
pub(super) fn explain_json(o: &ExplainOutcome) -> Json {
    let gradient = o.gradient_of.is_some();
    let mut steps = Vec::new();
    for d in &o.derivations {
        for step in &d.steps {
            let mut object = Map::new();
            if gradient {
                object.insert("var".into(), json!(d.var));
            }
            object.insert("rule".into(), json!(step.rule.name()));
            object.insert("text".into(), json!(to_text(step.expr)));
            steps.push(Json::Object(object));
        }
    }
    let starts: Vec<String> = o.derivations.iter().map(|d| to_text(d.start)).collect();
    let results: Vec<String> = o.derivations.iter().map(|d| to_text(d.result)).collect();
    let one_or_list = |mut texts: Vec<String>| match (gradient, texts.pop()) {
        (false, Some(text)) if texts.is_empty() => json!(text),
        (_, last) => {
            texts.extend(last);
            json!(texts)
        }
    };
    json!({
        "kind": "explain",
        "start": one_or_list(starts),
        "steps": steps,
        "result": one_or_list(results),
    })
}

/// `{"kind": "critical", "function", "exact", "points": [{"x", "f", "type",
/// "eigenvalues"}], "lowest"}`; `lowest` is the lowest minimum's point or
/// null.
pub(super) fn critical_json(c: &CriticalOutcome) -> Json {
    let points: Vec<Json> = c
        .found
        .points
        .iter()
        .map(|p| {
            json!({
                "x": numbers(&p.x),
                "f": number(p.f),
                "type": p.kind.as_str(),
                "eigenvalues": numbers(&p.eigenvalues),
            })
        })
        .collect();
    let lowest = c.found.lowest.and_then(|i| c.found.points.get(i));
    json!({
        "kind": "critical",
        "function": c.function,
        "exact": c.found.search == Search::Exact,
        "points": points,
        "lowest": lowest.map_or(Json::Null, |p| Json::Array(numbers(&p.x))),
    })
}

/// `{"exp_avg": [...], "exp_avg_sq": [...]}`: a trace entry's optimizer
/// state under torch's names, one number per parameter; `{}` when there
/// is none (step 0, gd, newton).
fn state_json(d: &DescentOutcome, state: &[f64]) -> Json {
    let mut object = Map::new();
    for (name, values) in d.state_buffers(state) {
        object.insert(name.to_string(), Json::Array(numbers(values)));
    }
    Json::Object(object)
}

pub(super) fn descent_json(d: &DescentOutcome) -> Json {
    let run = &d.run;
    let mut params = Map::new();
    for (k, v) in d.settings() {
        params.insert(k.to_string(), number(v));
    }
    let trace: Vec<Json> = run
        .trace
        .iter()
        .map(|entry| {
            let mut object = json!({"step": entry.step, "x": numbers(entry.x), "f": number(entry.f), "grad": numbers(entry.grad)});
            if d.state {
                object["state"] = state_json(d, entry.state);
            }
            object
        })
        .collect();
    let mut object = Map::new();
    // The kind is "minimize" for both senses; "sense" tells them apart.
    object.insert("kind".into(), json!("minimize"));
    object.insert("function".into(), json!(d.function));
    object.insert(
        "sense".into(),
        json!(match d.sense {
            Sense::Minimize => "min",
            Sense::Maximize => "max",
        }),
    );
    object.insert("method".into(), json!(d.method.name()));
    object.insert("params".into(), Json::Object(params));
    object.insert("start".into(), Json::Array(numbers(&d.start)));
    object.insert("trace".into(), Json::Array(trace));
    if run.trace_every > 1 {
        object.insert("trace_every".into(), json!(run.trace_every));
    }
    object.insert("status".into(), json!(run.status.as_str()));
    if let Some(reason) = divergence_reason(d) {
        object.insert("reason".into(), json!(reason));
    }
    object.insert("steps".into(), json!(run.steps));
    object.insert("x".into(), Json::Array(numbers(&run.x)));
    object.insert("f".into(), number(run.f));
    object.insert("grad_norm".into(), number(run.grad_norm));
    object.insert("verdict".into(), json!(run.verdict.as_str()));
    object.insert("rate".into(), run.rate.map_or(Json::Null, number));
    if run.verdict == crate::descent::Verdict::Converged {
        object.insert("converged_at".into(), json!(run.converged_at));
        if let Some(kind) = d.critical {
            object.insert("critical".into(), json!(kind.as_str()));
        }
    }
    Json::Object(object)
}

/// The step-size theory of a comparison on a quadratic (LANGUAGE.md
/// section 5): `fastest` and `factor` null when μ ≤ 0.
pub(super) fn theory_json(q: crate::theory::Quadratic) -> Json {
    json!({
        "L": number(q.largest),
        "mu": number(q.smallest),
        "stable_below": q.stable_below().map(number),
        "fastest": q.fastest().map(number),
        "factor": q.factor().map(number),
    })
}
