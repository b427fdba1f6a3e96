//! Figure data: ranges, levels, the log-scale decision, the panels of each
//! kind of figure.

use super::*;
use crate::compile::Program;
use crate::descent::{self, Config, Method};
use crate::outcome::Over;
use crate::symbolic::Expr;
use crate::symbolic::expr::{Func, add, call, mul, pow, sub};
use std::sync::atomic::AtomicBool;

/// `text` lowered as the body of a function of the parameters `params`.
fn body_of(text: &str, params: &[&str]) -> Expr {
    let program = crate::parse::parse_program(text).expect("parses");
    let crate::syntax::StmtKind::Expr(e) = &program.stmts[0].kind else {
        panic!("an expression")
    };
    let params = params.iter().map(|p| std::rc::Rc::from(*p)).collect();
    let defs = crate::defs::Defs::default();
    crate::lower::Lowerer::new(&defs, crate::lower::Mode::Body, params)
        .scalar(e)
        .expect("lowers")
}

/// The body of the one-parameter function `f(x) = text`.
fn function_1d(text: &str) -> Expr {
    body_of(text, &["x"])
}

fn quadratic_1d() -> Expr {
    function_1d("(x - 3)^2")
}

/// Never set: these subjects are not interrupted.
static RUNNING: AtomicBool = AtomicBool::new(false);

fn subject(body: Expr, params: &[String]) -> Subject<'_> {
    Subject::new("f", params, body, &RUNNING).expect("compiles")
}

/// A run of gd on (x - 3)^2 from 0, as the session would report it.
fn run_1d(lr: f64, steps: u64) -> DescentOutcome {
    let body = quadratic_1d();
    let grad = crate::symbolic::gradient(body, &["x".into()]).expect("differentiates");
    let mut program = Program::new(&[body, grad[0]], &["x"]).expect("compiles");
    let config = Config {
        sense: Sense::Minimize,
        lr,
        steps,
        tol: 0.0,
        method: Method::Gd,
        keep_state: false,
    };
    let flag = std::sync::atomic::AtomicBool::new(false);
    let run = descent::run(&mut program, &[0.0], &config, None, &flag);
    DescentOutcome {
        function: "f".into(),
        params: vec!["x".into()],
        body,
        gradient: grad,
        sense: Sense::Minimize,
        method: Method::Gd,
        lr,
        batches: None,
        start: vec![0.0],
        max_steps: steps,
        tol: 0.0,
        critical: None,
        every: None,
        state: false,
        run,
    }
}

/// The default ranges of `plot` for the functions `f(x) = text` (with
/// the parameters `params`).
fn ranges_of(texts: &[&str], params: &[&str]) -> Vec<(f64, f64)> {
    let names: Vec<String> = params.iter().map(|p| p.to_string()).collect();
    let mut subjects: Vec<Subject> = texts
        .iter()
        .map(|t| subject(body_of(t, params), &names))
        .collect();
    default_ranges(&mut subjects).expect("samples")
}

#[test]
fn a_default_range_frames_the_critical_points_and_zeros() {
    let one = |text| ranges_of(&[text], &["x"])[0];
    // A vertex alone: 5 either side of it.
    assert_eq!(one("(x - 3)^2"), (-2.0, 8.0));
    // Zeros at -1 and 3, a maximum at 1: 3 beyond them, 10 wide.
    assert_eq!(one("4 - (x - 1)^2"), (-4.0, 6.0));
    assert_eq!(one("x^2 - 1"), (-5.0, 5.0));
    // No minimum, but a zero.
    assert_eq!(one("x"), (-5.0, 5.0));
    // Nothing to frame in [-10, 10]: the wider search finds the vertex.
    assert_eq!(one("(x - 30)^2"), (25.0, 35.0));
    // Nothing anywhere: all of [-10, 10].
    assert_eq!(one("exp(x)"), (-10.0, 10.0));
}

#[test]
fn a_default_range_stays_where_the_function_is_defined() {
    let one = |text| ranges_of(&[text], &["x"])[0];
    // ln from just above 0 (its edge, found by bisection) past its zero.
    let (lo, hi) = one("ln(x)");
    assert!(lo > 0.0 && lo < 1e-9, "{lo}");
    assert_eq!(hi, 6.0);
    // sqrt is defined at 0 itself.
    assert_eq!(one("sqrt(x)"), (0.0, 5.0));
    let (lo, hi) = one("asin(x)");
    assert!(
        (lo + 1.0).abs() < 1e-9 && (hi - 1.0).abs() < 1e-9,
        "{lo} {hi}"
    );
    // Undefined at 0 alone: both sides of it.
    assert_eq!(one("1/x"), (-5.0, 5.0));
}

#[test]
fn several_curves_share_one_range() {
    // f and f': the vertex of one is the zero of the other.
    assert_eq!(ranges_of(&["(x - 3)^2", "2x - 6"], &["x"]), [(-2.0, 8.0)]);
    assert_eq!(ranges_of(&["x^2", "(x - 8)^2"], &["x"]), [(-1.0, 9.0)]);
    // A level line has no landmarks, and sets no bound: sin's zeros at
    // +-3 pi frame the figure.
    assert_eq!(ranges_of(&["sin(x)", "0"], &["x"]), [(-12.0, 12.0)]);
}

#[test]
fn a_default_map_frames_minima_maxima_and_saddles() {
    let two = |text| ranges_of(&[text], &["x", "y"]);
    assert_eq!(two("(x - 3)^2 + (y - 2)^2"), [(-2.0, 8.0), (-3.0, 7.0)]);
    assert_eq!(two("x^2 - y^2"), [(-5.0, 5.0), (-5.0, 5.0)]);
    assert_eq!(two("x*y"), [(-5.0, 5.0), (-5.0, 5.0)]);
    // Rosenbrock's minimum at (1, 1).
    assert_eq!(
        two("(1 - x)^2 + 100(y - x^2)^2"),
        [(-4.0, 6.0), (-4.0, 6.0)]
    );
}

#[test]
fn levels_ascend_from_the_lowest_to_the_highest_value() {
    let values: Vec<f64> = (0..1000).map(|i| (i as f64 / 10.0).powi(2)).collect();
    let l = levels(&values);
    assert_eq!(l.first(), Some(&0.0));
    assert_eq!(l.last(), Some(&(99.9f64 * 99.9)));
    assert!(l.windows(2).all(|w| w[0] < w[1]), "{l:?}");
    assert_eq!(l.len(), N_BANDS + 1);
    // Quantiles: the first inner level is near the 1/8 quantile, 12.5^2.
    assert_eq!(l[1], 160.0);
}

#[test]
fn levels_of_a_constant_are_one_band() {
    assert_eq!(levels(&[2.0, 2.0, f64::NAN]), vec![2.0, 3.0]);
}

#[test]
fn log_scale_only_for_nonnegative_values_over_two_decades() {
    assert!(log_scale([9.0, 1.0, 0.01].into_iter()));
    assert!(
        log_scale([9.0, 0.01, 0.0].into_iter()),
        "zeros sit on the edge"
    );
    assert!(
        !log_scale([9.0, 0.0, 0.0].into_iter()),
        "one positive value"
    );
    assert!(
        !log_scale([9.0, 1.0, 0.1].into_iter()),
        "two decades or less"
    );
    assert!(
        !log_scale([9.0, -1.0, 0.01].into_iter()),
        "a negative value"
    );
    assert!(!log_scale([0.0, 0.0].into_iter()));
}

#[test]
fn a_spike_does_not_flatten_a_curve() {
    let mut values: Vec<f64> = (0..100).map(|i| i as f64 / 100.0).collect();
    values[50] = 1e12;
    let (lo, hi) = curve_extent(&values).expect("a range");
    assert!(lo <= 0.0 && hi < 2.0, "{lo} {hi}");
}

#[test]
fn a_curve_with_a_spike_keeps_to_its_values() {
    // exp(x^2) over [-5, 5]: from 1 up to 7e10; the axis showed down to
    // -3e9, half the plot empty below a positive function.
    let values: Vec<f64> = (0..401)
        .map(|i| (-5.0 + i as f64 / 40.0).powi(2).exp())
        .collect();
    let (lo, hi) = curve_extent(&values).expect("a range");
    // From its minimum 1 (the panel adds its margin), and most of the
    // spike cut.
    assert_eq!(lo, 1.0);
    assert!(hi < 2e10, "{lo} {hi}");
}

/// A loss over `n` rows of data, compiled as the session would.
fn data_loss(n: usize) -> Expr {
    let xs: Vec<f64> = (0..n).map(|i| (i % 7) as f64).collect();
    let x = Expr::data(crate::symbolic::data::DataRef::new("X", xs));
    let (w, b) = (Expr::var("w"), Expr::var("b"));
    let two_x = mul([Expr::int(2), x]);
    let residual = sub(add([mul([w, x]), b]), two_x);
    call(Func::Mean, vec![pow(residual, Expr::int(2))])
}

#[test]
fn an_interrupt_stops_the_sampling() {
    let params = vec!["w".to_string(), "b".to_string()];
    let stop = AtomicBool::new(true);
    let interrupted = Subject::new("f", &params, data_loss(10), &stop).expect("compiles");
    let kind = |r: Result<Vec<(f64, f64)>>| r.err().map(|e| e.kind);
    let interrupted_kind = Some(crate::error::ErrorKind::Interrupted);
    let mut subjects = [interrupted];
    assert_eq!(kind(default_ranges(&mut subjects)), interrupted_kind);
    let figure = function_figure(&mut subjects, &[(0.0, 1.0), (0.0, 1.0)]);
    assert_eq!(figure.err().map(|e| e.kind), interrupted_kind);
    let runs = vec![run_1d(0.1, 5)];
    let one = vec!["x".to_string()];
    let mut curve = Subject::new("f", &one, quadratic_1d(), &stop).expect("compiles");
    let figure = descent_figure(&mut curve, &runs, None);
    assert_eq!(figure.err().map(|e| e.kind), interrupted_kind);
}

#[test]
fn a_loss_over_many_rows_is_sampled_on_fewer_points() {
    let params = vec!["w".to_string(), "b".to_string()];
    let small = subject(data_loss(10), &params);
    assert_eq!(small.points_per_axis(2, GRID, LEAST_GRID, ROW_BUDGET), GRID);
    let big = subject(data_loss(20_000), &params);
    let n = big.points_per_axis(2, GRID, LEAST_GRID, ROW_BUDGET);
    assert!((LEAST_GRID..GRID).contains(&n), "{n}");
    // About the budget, or the least grid.
    assert_eq!(big.program.rows(), 20_000);
    let cost = (n * n * big.program.cost()) as f64;
    assert!(n == LEAST_GRID || cost <= ROW_BUDGET * 1.1, "{n} {cost}");
}

#[test]
fn a_single_run_of_one_parameter_has_path_x_and_value_panels() {
    let body = quadratic_1d();
    let params = vec!["x".to_string()];
    let runs = vec![run_1d(0.1, 20)];
    let figure = descent_figure(&mut subject(body, &params), &runs, None).expect("draws");
    let shape: Vec<usize> = figure.rows.iter().map(Vec::len).collect();
    assert_eq!(shape, vec![1, 2]);
    let path_panel = &figure.rows[0][0];
    let path = &path_panel.series[1];
    assert_eq!(path.kind, SeriesKind::Path);
    assert_eq!(path.points.len(), 21, "one point per trace entry");
    assert_eq!(path.points[0], (0.0, 9.0));
    // The range holds the path and the minimum at 3, with a margin.
    assert!(path_panel.x_range.0 < 0.0 && path_panel.x_range.1 > 3.0);
    let value_panel = &figure.rows[1][1];
    assert!(value_panel.log_y, "9 down to about 1e-3 spans decades");
    assert_eq!(value_panel.series[0].points.len(), 21);
}

#[test]
fn a_learning_rate_comparison_has_a_panel_per_rate() {
    let body = quadratic_1d();
    let params = vec!["x".to_string()];
    let runs: Vec<DescentOutcome> = [0.01, 0.1, 0.5, 1.1]
        .iter()
        .map(|&lr| run_1d(lr, 20))
        .collect();
    let figure = descent_figure(&mut subject(body, &params), &runs, Some(Over::Lr)).expect("draws");
    let shape: Vec<usize> = figure.rows.iter().map(Vec::len).collect();
    assert_eq!(shape, vec![2, 2, 1]);
    assert_eq!(figure.rows[1][1].title, "lr 1.1: diverged");
    // The diverging run's panel is wide enough for its whole path.
    let wide = &figure.rows[1][1];
    assert!(wide.x_range.0 < -112.0, "{:?}", wide.x_range);
    let values = &figure.rows[2][0];
    assert_eq!(values.series.len(), 4);
    assert_eq!(values.series[2].label, "lr 0.5");
    // lr 0.5 reaches exactly 0: kept as 0, on a zero mark of its own
    // below the decades (not on a decade it does not have).
    assert!(values.log_y && values.zero_mark);
    assert_eq!(values.series[2].points[1].1, 0.0);
    let zero = values.zero_position().expect("a zero mark");
    assert_eq!(values.y_scaled(0.0), zero);
    assert!(zero > values.y_scaled_range().0 && zero < values.y_values_bottom());
    // The other panels and runs have no zeros, and no mark.
    assert!(!figure.rows[0][0].zero_mark);
}

// ---------------------------------------------------------------- renderers never fail

mod renderers {
    use proptest::prelude::*;

    use crate::figure::terminal::Colors;
    use crate::figure::{Contour, Figure, Panel, Series, SeriesKind, svg, terminal};

    /// Numbers as runs produce them, with the awkward ones often.
    fn number() -> impl Strategy<Value = f64> {
        prop_oneof![
            4 => -10.0f64..10.0,
            1 => Just(f64::NAN),
            1 => Just(f64::INFINITY),
            1 => Just(0.0),
            1 => -1e200f64..1e200,
            1 => -1e-200f64..1e-200,
        ]
    }

    /// A range with low < high, of any scale, up to the largest doubles.
    fn range() -> impl Strategy<Value = (f64, f64)> {
        prop_oneof![
            4 => (-1e150f64..1e150, 1e-150f64..1e150).prop_map(|(lo, span)| (lo, lo + span)),
            1 => Just((-1.7e308, 1.7e308)),
            1 => Just((1.0, 1.0000000000000002)),
        ]
    }

    fn series() -> impl Strategy<Value = Series> {
        (
            prop::collection::vec((number(), number()), 0..40),
            0usize..12,
            prop_oneof![
                Just(SeriesKind::Curve),
                Just(SeriesKind::Path),
                Just(SeriesKind::Steps)
            ],
        )
            .prop_map(|(points, run, kind)| Series {
                label: format!("run {run}"),
                kind,
                points,
                run,
            })
    }

    fn panel() -> impl Strategy<Value = Panel> {
        (
            range(),
            range(),
            prop::collection::vec(series(), 0..4),
            prop::option::of(prop::collection::vec(number(), 4)),
            prop::option::of((-100.0f64..100.0, 0.01f64..100.0)),
        )
            .prop_map(|(x_range, y_range, series, grid, decades)| Panel {
                title: "t".into(),
                x_label: "x".into(),
                y_label: "y".into(),
                x_range,
                // Values per step are the ones on a log axis.
                x_steps: decades.is_some(),
                // A log axis spans positive values only.
                y_range: match decades {
                    Some((lo, span)) => (10f64.powf(lo), 10f64.powf(lo + span)),
                    None => y_range,
                },
                log_y: decades.is_some(),
                // Zeros on a log axis get their mark whenever there are any.
                zero_mark: decades.is_some()
                    && series.iter().any(|s| s.points.iter().any(|p| p.1 == 0.0)),
                map: grid.map(|values| Contour {
                    nx: 2,
                    ny: 2,
                    levels: super::levels(&values),
                    values,
                }),
                series,
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: 64,
            rng_seed: proptest::test_runner::RngSeed::Fixed(0x706c6f74),
            ..ProptestConfig::default()
        })]

        #[test]
        fn any_figure_renders_within_the_width(
            rows in prop::collection::vec(prop::collection::vec(panel(), 1..3), 1..3),
            width in 30usize..160,
        ) {
            let figure = Figure { title: "f".into(), rows };
            let text = terminal::render(&figure, width, Colors::Plain);
            for line in text.lines() {
                prop_assert!(line.chars().count() <= width, "{line}");
            }
            let document = svg::render(&figure).expect("renders");
            prop_assert!(roxmltree::Document::parse(&document).is_ok());
        }
    }
}

#[test]
fn extents_near_the_largest_doubles_stay_finite() {
    let (lo, hi) = extent([-1.7e308, 1.7e308].into_iter(), 0.1).expect("a range");
    assert!(lo.is_finite() && hi.is_finite() && lo < hi);
    assert_eq!(extent([f64::NAN, f64::INFINITY].into_iter(), 0.1), None);
}

#[test]
fn values_never_negative_keep_their_axis_at_zero_and_above() {
    let body = quadratic_1d();
    let params = vec!["x".to_string()];
    let runs = vec![run_1d(0.1, 20)];
    let figure = descent_figure(&mut subject(body, &params), &runs, None).expect("draws");
    // x per step runs from 0 up to 2.96: no room below 0 is drawn.
    let x_per_step = &figure.rows[1][0];
    assert!(!x_per_step.log_y);
    assert_eq!(x_per_step.y_range.0, 0.0);
    assert!(x_per_step.y_range.1 > 2.96);
}
