//! Critical points against values worked out by hand or in closed form,
//! and against gradients and Hessians written out here by hand.

use std::rc::Rc;

use super::*;
use crate::symbolic::expr::{Func, add, call, mul, pow, sub};

fn var(name: &str) -> Expr {
    Expr::var(name)
}

fn n(v: i64) -> Expr {
    Expr::int(v)
}

fn params(names: &[&str]) -> Vec<Rc<str>> {
    names.iter().map(|p| Rc::from(*p)).collect()
}

fn find(body: Expr, names: &[&str], ranges: &[(f64, f64)]) -> Critical {
    critical_points(body, &params(names), ranges).expect("a search")
}

fn kinds(c: &Critical) -> Vec<Kind> {
    c.points.iter().map(|p| p.kind).collect()
}

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * b.abs().max(1.0)
}

const BOX: (f64, f64) = (-10.0, 10.0);

#[test]
fn a_cubic_exactly() {
    // f = x^3 - 3x: f' = 3(x - 1)(x + 1), f'' = 6x.
    let c = find(
        sub(pow(var("x"), n(3)), mul([n(3), var("x")])),
        &["x"],
        &[BOX],
    );
    assert_eq!(c.search, Search::Exact);
    let points: Vec<(f64, f64, Kind, f64)> = c
        .points
        .iter()
        .map(|p| (p.x[0], p.f, p.kind, p.eigenvalues[0]))
        .collect();
    assert_eq!(
        points,
        [
            (-1.0, 2.0, Kind::Maximum, -6.0),
            (1.0, -2.0, Kind::Minimum, 6.0)
        ]
    );
    assert_eq!(c.lowest, Some(1));
}

#[test]
fn higher_orders_decide_flat_points() {
    let x = var("x");
    let one = |body: Expr| {
        let c = find(body, &["x"], &[BOX]);
        assert_eq!(c.search, Search::Exact);
        assert_eq!(c.points.len(), 1);
        (
            c.points[0].x[0],
            c.points[0].kind,
            c.points[0].eigenvalues[0],
        )
    };
    assert_eq!(one(pow(x, n(4))), (0.0, Kind::Minimum, 0.0));
    assert_eq!(one(mul([n(-1), pow(x, n(4))])), (0.0, Kind::Maximum, 0.0));
    assert_eq!(one(pow(x, n(3))), (0.0, Kind::Inflection, 0.0));
    assert_eq!(one(pow(x, n(5))), (0.0, Kind::Inflection, 0.0));
    // (x - 1/3)^6: a root that is no double, of multiplicity 5 in f'.
    let shifted = pow(
        add([x, Expr::num(crate::symbolic::Num::ratio(-1, 3))]),
        n(6),
    );
    assert_eq!(one(shifted), (1.0 / 3.0, Kind::Minimum, 0.0));
}

#[test]
fn irrational_roots_are_the_nearest_doubles() {
    // (x^2 - 2)^2: minima at -sqrt(2) and sqrt(2), a maximum at 0.
    let body = pow(sub(pow(var("x"), n(2)), n(2)), n(2));
    let c = find(body, &["x"], &[BOX]);
    let xs: Vec<f64> = c.points.iter().map(|p| p.x[0]).collect();
    assert_eq!(xs, [-2f64.sqrt(), 0.0, 2f64.sqrt()]);
    assert_eq!(kinds(&c), [Kind::Minimum, Kind::Maximum, Kind::Minimum]);
    // f'' = 12x^2 - 8: 16 at the minima, -8 at the top.
    assert!(close(c.points[0].eigenvalues[0], 16.0, 1e-14));
    assert_eq!(c.points[1].eigenvalues[0], -8.0);
    assert_eq!(c.points[1].f, 4.0);
    assert_eq!(c.lowest, Some(0));
}

#[test]
fn only_the_box_is_searched() {
    let body = sub(pow(var("x"), n(3)), mul([n(3), var("x")]));
    let c = find(body, &["x"], &[(0.0, 5.0)]);
    assert_eq!(c.points.len(), 1);
    assert_eq!(c.points[0].x, [1.0]);
    let c = find(body, &["x"], &[(-1.0, 1.0)]);
    assert_eq!(c.points.len(), 2, "ends are in the box");
}

#[test]
fn a_constant_derivative() {
    let c = find(mul([n(2), var("x")]), &["x"], &[BOX]);
    assert_eq!((c.points.len(), c.lowest), (0, None));
    assert!(critical_points(n(3), &params(&["x"]), &[BOX]).is_err());
}

#[test]
fn the_convex_tutorial_function_has_one_minimum() {
    // f = sin(x) + x^2/2: f' = cos(x) + x, f'' = 1 - sin(x) >= 0.
    let x = var("x");
    let body = add([
        call(Func::Sin, vec![x]),
        mul([Expr::num(crate::symbolic::Num::HALF), pow(x, n(2))]),
    ]);
    let c = find(body, &["x"], &[BOX]);
    assert!(matches!(c.search, Search::Newton { .. }));
    assert_eq!(kinds(&c), [Kind::Minimum]);
    // cos(x) + x = 0 by Newton's method, written out here.
    let mut root = 0.0f64;
    for _ in 0..50 {
        root -= (root.cos() + root) / (1.0 - root.sin());
    }
    assert!(close(c.points[0].x[0], root, 1e-12), "{:?}", c.points[0]);
    assert!(close(root, -0.739_085_133_215_160_6, 1e-15));
    assert!(close(c.points[0].eigenvalues[0], 1.0 - root.sin(), 1e-12));
}

/// Himmelblau's function, (x^2 + y - 11)^2 + (x + y^2 - 7)^2.
fn himmelblau() -> Expr {
    let (x, y) = (var("x"), var("y"));
    add([
        pow(add([pow(x, n(2)), y, n(-11)]), n(2)),
        pow(add([x, pow(y, n(2)), n(-7)]), n(2)),
    ])
}

fn himmelblau_gradient(x: f64, y: f64) -> [f64; 2] {
    let (a, b) = (x * x + y - 11.0, x + y * y - 7.0);
    [4.0 * x * a + 2.0 * b, 2.0 * a + 4.0 * y * b]
}

#[test]
fn himmelblau_has_four_minima_a_maximum_and_four_saddles() {
    let c = find(himmelblau(), &["x", "y"], &[(-5.0, 5.0), (-5.0, 5.0)]);
    let count = |kind| c.points.iter().filter(|p| p.kind == kind).count();
    assert_eq!(
        (
            count(Kind::Minimum),
            count(Kind::Maximum),
            count(Kind::Saddle)
        ),
        (4, 1, 4),
        "{:?}",
        c.points
    );
    // The minima, from the literature (one of them exact).
    let minima = [
        (3.0, 2.0),
        (-2.805118, 3.131312),
        (-3.779310, -3.283186),
        (3.584428, -1.848126),
    ];
    for (mx, my) in minima {
        let p = c
            .points
            .iter()
            .find(|p| (p.x[0] - mx).abs() < 1e-5 && (p.x[1] - my).abs() < 1e-5);
        let p = p.unwrap_or_else(|| panic!("no minimum near ({mx}, {my}): {:?}", c.points));
        assert_eq!(p.kind, Kind::Minimum);
        assert!(p.f.abs() < 1e-20, "{p:?}");
        let [gx, gy] = himmelblau_gradient(p.x[0], p.x[1]);
        assert!(gx.abs() < 1e-10 && gy.abs() < 1e-10, "{p:?}");
    }
    let top = c
        .points
        .iter()
        .find(|p| p.kind == Kind::Maximum)
        .expect("a top");
    assert!((top.x[0] + 0.270845).abs() < 1e-5 && (top.x[1] + 0.923039).abs() < 1e-5);
    assert!((top.f - 181.617).abs() < 1e-3);
    assert!(c.lowest.is_some_and(|i| c.points[i].kind == Kind::Minimum));
}

#[test]
fn rosenbrock_has_one_minimum() {
    let (x, y) = (var("x"), var("y"));
    let body = add([
        pow(sub(n(1), x), n(2)),
        mul([n(100), pow(sub(y, pow(x, n(2))), n(2))]),
    ]);
    let c = find(body, &["x", "y"], &[BOX, BOX]);
    assert_eq!(c.points.len(), 1, "{:?}", c.points);
    let p = &c.points[0];
    assert_eq!(
        (p.x.as_slice(), p.f, p.kind),
        ([1.0, 1.0].as_slice(), 0.0, Kind::Minimum)
    );
    // H at (1, 1) = [802 -400; -400 200]: eigenvalues 501 -+ sqrt(250601).
    let root = 250_601f64.sqrt();
    assert!(
        close(p.eigenvalues[0], 501.0 - root, 1e-9) && close(p.eigenvalues[1], 501.0 + root, 1e-12)
    );
}

#[test]
fn saddles_and_degenerate_points() {
    let (x, y) = (var("x"), var("y"));
    let c = find(sub(pow(x, n(2)), pow(y, n(2))), &["x", "y"], &[BOX, BOX]);
    assert_eq!(kinds(&c), [Kind::Saddle]);
    assert_eq!(c.points[0].eigenvalues, [-2.0, 2.0]);
    assert_eq!(c.lowest, None);
    // x^4 + y^2: the Hessian at 0 is [0 0; 0 2].
    let c = find(add([pow(x, n(4)), pow(y, n(2))]), &["x", "y"], &[BOX, BOX]);
    assert_eq!(kinds(&c), [Kind::Degenerate]);
}
