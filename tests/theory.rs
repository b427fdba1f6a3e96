//! The step-size theory line against eigenvalues computed here, in closed
//! form: for f = a x^2 + b x y + c y^2 + d x the Hessian is [[2a, b], [b,
//! 2c]], with eigenvalues a + c ± sqrt((a - c)^2 + b^2); plain gradient
//! descent is stable below 2/L and fastest at 2/(L + μ), where each step
//! shrinks the error by (L - μ)/(L + μ).

use crate::common::{gd, json_lines};

/// (a, b, c, d), all positive definite: 4ac > b^2.
const QUADRATICS: [(f64, f64, f64, f64); 8] = [
    (1.0, 0.0, 10.0, 0.0),
    (3.0, 2.0, 5.0, 0.0),
    (0.5, 0.0, 0.5, 1.0),
    (1.0, 1.9, 1.0, -2.0),
    (7.0, -3.0, 2.0, 0.5),
    (0.01, 0.0, 100.0, 0.0),
    (2.5, 4.0, 2.5, 3.0),
    (1.0, -1.0, 1.0, 0.0),
];

fn close(got: f64, want: f64) -> bool {
    (got - want).abs() <= 1e-12 * want.abs().max(1.0)
}

#[test]
fn the_theory_line_matches_eigenvalues_computed_in_the_test() {
    for (a, b, c, d) in QUADRATICS {
        let spread = ((a - c) * (a - c) + b * b).sqrt();
        let (big, small) = (a + c + spread, a + c - spread);
        let define = format!("f(x, y) = {a}x^2 + {b}x y + {c}y^2 + {d}x");
        let out = gd(
            &[
                "--json",
                "-e",
                &define,
                "-e",
                "minimize f from (1, 1) lr [0.01, 0.02] steps 3",
            ],
            None,
        );
        let lines = json_lines(&out.stdout);
        let theory = &lines.last().expect("a comparison")["theory"];
        let field = |name: &str| theory[name].as_f64().expect(name);
        let want = [
            ("L", big),
            ("mu", small),
            ("stable_below", 2.0 / big),
            ("fastest", 2.0 / (big + small)),
            ("factor", (big - small) / (big + small)),
        ];
        for (name, value) in want {
            assert!(
                close(field(name), value),
                "{define}: {name} = {}, want {value}",
                field(name)
            );
        }
    }
}
