//! Property tests for `check` over random expression trees (the
//! generator of `properties.rs`), through whole statements:
//! - an expression is equal to its expansion, its simplification and, for
//!   a derivative, to gd's own derivative printed and read back;
//! - it is never equal to itself plus 1e-6 (1 + |E|);
//! - and the fixed cases the issue names: a side undefined on all of
//!   [-10, 10] is still found unequal; domains as written.
//!
//! An identity is never called unequal and different functions never
//! equal; "cannot decide" (`ok: None`) is allowed only where neither side
//! is defined anywhere.

use proptest::prelude::*;

use gd::check::CheckOutcome;
use gd::outcome::Outcome;
use gd::session::Session;
use gd::symbolic::diff::differentiate;
use gd::symbolic::print::to_text;
use gd::symbolic::simplify::simplify;

use crate::properties::{Tree, config, tree};

/// Runs `check left == right` (after `setup`) and returns its outcome.
fn check(setup: &str, left: &str, right: &str) -> Result<CheckOutcome, String> {
    let mut session = Session::default();
    let mut found = None;
    let source = format!("{setup}\ncheck {left} == {right}");
    session
        .run_source(&source, &mut |o| {
            if let Outcome::Check(c) = o {
                found = Some(c.clone());
            }
        })
        .map_err(|e| format!("{source}: {e:?}"))?;
    found.ok_or_else(|| format!("{source}: no check outcome"))
}

/// The tree as gd prints it (which parses back: a law of `properties.rs`).
fn text(t: &Tree) -> String {
    to_text(t.build())
}

/// Trees with an infinite or nan constant are left out: the laws are about
/// functions, and `1e999` prints as an overflowing literal.
fn finite(t: &Tree) -> bool {
    !text(t).contains("1e999")
}

/// Fewer cases than the other laws: each check samples and confirms.
fn check_config() -> ProptestConfig {
    ProptestConfig {
        cases: 120,
        ..config()
    }
}

/// `check E == form(E)` is never "not equal".
fn equals_its_own(form: &str, t: &Tree) -> Result<(), TestCaseError> {
    prop_assume!(finite(t));
    let e = text(t);
    let c = check("", &e, &format!("{form}({e})")).map_err(TestCaseError::fail)?;
    prop_assert_ne!(c.ok, Some(false), "{} == {}(...): {:?}", e, form, c);
    Ok(())
}

proptest! {
    #![proptest_config(check_config())]

    #[test]
    fn an_expression_equals_its_expansion(t in tree(false)) {
        equals_its_own("expand", &t)?;
    }

    #[test]
    fn an_expression_equals_its_simplification(t in tree(false)) {
        equals_its_own("simplify", &t)?;
    }

    #[test]
    fn a_derivative_equals_its_printed_form(t in tree(false)) {
        prop_assume!(finite(&t));
        let d = simplify(differentiate(t.build(), "x").expect("small")).expect("small");
        let printed = to_text(d);
        prop_assume!(!printed.contains("1e999"));
        let e = text(&t);
        let c = check("", &format!("diff({e}, x)"), &printed).map_err(TestCaseError::fail)?;
        prop_assert_ne!(c.ok, Some(false), "diff({}, x) == {}: {:?}", e, printed, c);
    }

    #[test]
    fn a_small_difference_is_never_equal(t in tree(false)) {
        prop_assume!(finite(&t));
        let e = text(&t);
        let shifted = format!("({e}) + 1e-6 * (1 + abs({e}))");
        let c = check("", &e, &shifted).map_err(TestCaseError::fail)?;
        prop_assert_ne!(c.ok, Some(true), "{} == {}: {:?}", e, shifted, c);
    }
}

#[test]
fn a_side_undefined_on_the_sampled_interval_is_still_found() {
    let c = check("", "sqrt(x - 20)", "sqrt(x - 20) + 1").unwrap();
    assert_eq!(c.ok, Some(false));
    assert!(c.at[0].1 >= 20.0, "{:?}", c.at);
    let c = check("", "ln(x - 500)", "ln(x - 500) * 1.000001").unwrap();
    assert_eq!(c.ok, Some(false), "{c:?}");
}

#[test]
fn nothing_undecidable_is_called_equal() {
    let c = check("", "sqrt(-1 - x^2)", "ln(-1 - x^2)").unwrap();
    assert_eq!(c.ok, None);
}

#[test]
fn cancellation_in_floating_point_is_not_a_difference() {
    for (left, right) in [
        ("(x - y)^6", "expand((x - y)^6)"),
        ("(x + 1)^15", "expand((x + 1)^15)"),
        ("(2x - 3y)^6", "expand((2x - 3y)^6)"),
        ("(x + y)^10", "expand((x + y)^10)"),
        ("(x - 3)^8", "expand((x - 3)^8)"),
        ("(x + 2y)^30", "expand((x + 2y)^30)"),
    ] {
        let c = check("", left, right).unwrap();
        assert_eq!(c.ok, Some(true), "{left} == {right}: {c:?}");
    }
}

#[test]
fn rewrites_that_extend_a_domain_do_not_make_functions_equal() {
    for (left, right) in [
        ("sqrt(x)^2", "x"),
        ("(x^(1/3))^3", "x"),
        ("x^2/x", "x"),
        ("ln(x^2)", "2ln(x)"),
        ("exp(ln(x))", "x"),
    ] {
        let c = check("", left, right).unwrap();
        assert_eq!(c.ok, Some(false), "{left} == {right}: {c:?}");
    }
}
