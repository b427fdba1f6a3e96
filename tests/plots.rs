//! SVG figures read back with an XML parser: each step of a path is a
//! point at the pixel that the axis's own tick labels put it at, and the
//! figure has axes, tick labels, axis labels and a legend.

use std::path::PathBuf;

use crate::common::{gd, json_lines};

/// A fresh path for an SVG file under the system's temporary folder.
fn temp_svg(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("gd-plots-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

/// Runs `source` with `--json`; its JSON objects and the SVG written.
fn run(source: &str, svg: &PathBuf) -> (Vec<serde_json::Value>, String) {
    let _ = std::fs::remove_file(svg);
    let out = gd(&["--json", "-e", source], None);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let objects = json_lines(&out.stdout);
    let text = std::fs::read_to_string(svg).expect("the SVG file was written");
    let _ = std::fs::remove_file(svg);
    (objects, text)
}

fn number(node: roxmltree::Node, attribute: &str) -> f64 {
    node.attribute(attribute).unwrap().parse().unwrap()
}

/// A chart's frame: its y axis (a vertical line) and x axis (a horizontal
/// one from the same corner), drawn by plotters as two-point polylines.
struct Frame {
    left: f64,
    right: f64,
    top: f64,
    bottom: f64,
}

fn segments(doc: &roxmltree::Document) -> Vec<((f64, f64), (f64, f64))> {
    doc.descendants()
        .filter(|n| n.has_tag_name("polyline"))
        .filter_map(|n| {
            let points: Vec<(f64, f64)> = n
                .attribute("points")?
                .split_whitespace()
                .map(|p| {
                    let (x, y) = p.split_once(',').unwrap();
                    (x.parse().unwrap(), y.parse().unwrap())
                })
                .collect();
            (points.len() == 2).then(|| (points[0], points[1]))
        })
        .collect()
}

/// Every chart's frame, in drawing order (rows top to bottom, panels left
/// to right).
fn frames(doc: &roxmltree::Document) -> Vec<Frame> {
    let lines = segments(doc);
    lines
        .iter()
        .filter(|(a, b)| a.0 == b.0 && b.1 - a.1 > 100.0)
        .filter_map(|&(top, bottom)| {
            // The x axis starts a pixel off the y axis's end.
            let near = |a: f64, b: f64| (a - b).abs() <= 1.5;
            let x_axis = lines.iter().find(|(a, b)| {
                a.1 == b.1 && near(a.1, bottom.1) && near(a.0, bottom.0) && b.0 - a.0 > 100.0
            })?;
            Some(Frame {
                left: top.0,
                right: x_axis.1.0,
                top: top.1,
                bottom: bottom.1,
            })
        })
        .collect()
}

/// An affine map from data to pixels fitted on the tick labels of one
/// axis: (value written in the label, pixel where it is drawn).
struct Scale {
    ticks: Vec<(f64, f64)>,
}

impl Scale {
    fn pixel(&self, v: f64) -> f64 {
        let (v0, p0) = self.ticks[0];
        let (v1, p1) = self.ticks[self.ticks.len() - 1];
        p0 + (v - v0) * (p1 - p0) / (v1 - v0)
    }

    /// The value at a pixel.
    fn value(&self, p: f64) -> f64 {
        let (v0, p0) = self.ticks[0];
        let (v1, p1) = self.ticks[self.ticks.len() - 1];
        v0 + (p - p0) * (v1 - v0) / (p1 - p0)
    }

    /// Every tick lies on the line through the first and last (the labels
    /// are what they claim to be).
    fn check(&self) {
        assert!(self.ticks.len() >= 3, "ticks: {:?}", self.ticks);
        for &(v, p) in &self.ticks {
            assert!((self.pixel(v) - p).abs() <= 1.5, "tick {v} at {p}");
        }
    }
}

/// The tick labels of a chart: y labels are right-aligned left of its y
/// axis, x labels centred just under its x axis. The x scale is checked
/// to be linear; the y scale is left to the caller (it may be a log axis).
fn scales(doc: &roxmltree::Document, frame: &Frame) -> (Scale, Scale) {
    let mut xs = Vec::new();
    let mut ys = Vec::new();
    for t in doc.descendants().filter(|n| n.has_tag_name("text")) {
        let Some(Ok(value)) = t.text().map(|s| s.trim().parse::<f64>()) else {
            continue;
        };
        let (x, y) = (number(t, "x"), number(t, "y"));
        let anchor = t.attribute("text-anchor");
        let beside = x < frame.left && x > frame.left - 80.0;
        if anchor == Some("end") && beside && y >= frame.top && y <= frame.bottom {
            ys.push((value, y));
        }
        let under = y > frame.bottom && y < frame.bottom + 20.0;
        if anchor == Some("middle") && under && x >= frame.left && x <= frame.right {
            xs.push((value, x));
        }
    }
    let x = Scale { ticks: xs };
    x.check();
    (x, Scale { ticks: ys })
}

/// The filled circles of a color inside the first chart, in drawing order.
fn points(doc: &roxmltree::Document, frame: &Frame, fill: &str) -> Vec<(f64, f64)> {
    doc.descendants()
        .filter(|n| n.has_tag_name("circle") && n.attribute("fill") == Some(fill))
        .map(|n| (number(n, "cx"), number(n, "cy")))
        .filter(|&(x, y)| {
            x >= frame.left - 5.0
                && x <= frame.right + 5.0
                && y >= frame.top - 5.0
                && y <= frame.bottom + 5.0
        })
        .collect()
}

fn texts(doc: &roxmltree::Document) -> Vec<String> {
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text().map(|s| s.trim().to_string()))
        .collect()
}

/// The trace of the first descent object: (point, value) per step.
fn trace(objects: &[serde_json::Value]) -> Vec<(Vec<f64>, f64)> {
    let descent = objects.iter().find(|o| o["kind"] == "minimize").unwrap();
    descent["trace"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let x = e["x"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_f64().unwrap())
                .collect();
            (x, e["f"].as_f64().unwrap())
        })
        .collect()
}

const RUN_0: &str = "#D62728";

fn assert_points_at(found: &[(f64, f64)], expected: &[(f64, f64)]) {
    assert_eq!(found.len(), expected.len(), "one point per step");
    for (k, (f, e)) in found.iter().zip(expected).enumerate() {
        assert!(
            (f.0 - e.0).abs() <= 1.5 && (f.1 - e.1).abs() <= 1.5,
            "step {k}: drawn at {f:?}, expected {e:?}"
        );
    }
}

#[test]
fn a_path_on_a_curve_has_a_point_per_step_where_the_axes_say() {
    let svg = temp_svg("curve.svg");
    let source = format!(
        "f(x) = (x - 3)^2\nminimize f from 0 lr 0.1 steps 12 plot to \"{}\"",
        svg.display()
    );
    let (objects, text) = run(&source, &svg);
    let kinds = kinds_of(&objects);
    assert_eq!(kinds, ["function", "minimize", "plot"]);
    assert_eq!(objects[2]["file"], svg.display().to_string());
    let doc = roxmltree::Document::parse(&text).unwrap();
    let frame = &frames(&doc)[0];
    let (sx, sy) = scales(&doc, frame);
    sy.check();
    let expected: Vec<(f64, f64)> = trace(&objects)
        .iter()
        .map(|(x, f)| (sx.pixel(x[0]), sy.pixel(*f)))
        .collect();
    assert_eq!(expected.len(), 13);
    assert_points_at(&points(&doc, frame, RUN_0), &expected);
    // Below: x per step, and the value per step on a log axis (its tick
    // labels are powers of ten spaced evenly).
    let all = frames(&doc);
    assert_eq!(all.len(), 3, "path, x per step, f per step");
    let (sx, sy) = scales(&doc, &all[1]);
    sy.check();
    let expected: Vec<(f64, f64)> = trace(&objects)
        .iter()
        .enumerate()
        .map(|(k, (x, _))| (sx.pixel(k as f64), sy.pixel(x[0])))
        .collect();
    assert_points_at(&points(&doc, &all[1], RUN_0), &expected);
    let (sx, sy) = scales(&doc, &all[2]);
    let log = Scale {
        ticks: sy.ticks.iter().map(|&(v, p)| (v.log10(), p)).collect(),
    };
    log.check();
    let expected: Vec<(f64, f64)> = trace(&objects)
        .iter()
        .enumerate()
        .map(|(k, (_, f))| (sx.pixel(k as f64), log.pixel(f.log10())))
        .collect();
    assert_points_at(&points(&doc, &all[2], RUN_0), &expected);
    let words = texts(&doc);
    for label in [
        "x",
        "f(x)",
        "gd, lr 0.1",
        "start",
        "end",
        "step",
        "x per step",
    ] {
        assert!(words.iter().any(|w| w == label), "'{label}' in {words:?}");
    }
    assert!(words.iter().any(|w| w == "f(x) per step (log scale)"));
}

#[test]
fn a_path_on_a_contour_map_has_a_point_per_step_and_a_key() {
    let svg = temp_svg("contour.svg");
    let source = format!(
        "g(x, y) = (x - 3)^2 + 5(y - 2)^2\nminimize g from (0, 0) lr 0.05 steps 15 plot to \"{}\"",
        svg.display()
    );
    let (objects, text) = run(&source, &svg);
    let doc = roxmltree::Document::parse(&text).unwrap();
    let frame = &frames(&doc)[0];
    let (sx, sy) = scales(&doc, frame);
    sy.check();
    let expected: Vec<(f64, f64)> = trace(&objects)
        .iter()
        .map(|(x, _)| (sx.pixel(x[0]), sy.pixel(x[1])))
        .collect();
    assert_eq!(expected.len(), 16);
    assert_points_at(&points(&doc, frame, RUN_0), &expected);
    let words = texts(&doc);
    for label in ["x", "y", "levels", "gd, lr 0.05", "start", "end"] {
        assert!(words.iter().any(|w| w == label), "'{label}' in {words:?}");
    }
    let key: Vec<&String> = words.iter().filter(|w| w.contains(" – ")).collect();
    assert_eq!(key.len(), 8, "one key entry per level: {key:?}");
    // The filled levels are rectangles inside the chart.
    let rects = doc.descendants().filter(|n| n.has_tag_name("rect")).count();
    assert!(rects > 100, "{rects} rectangles");
}

#[test]
fn a_learning_rate_comparison_draws_every_run_labelled() {
    let svg = temp_svg("rates.svg");
    let source = format!(
        "f(x) = (x - 3)^2\nminimize f from 0 lr [0.01, 0.1, 0.5, 1.1] steps 20 plot to \"{}\"",
        svg.display()
    );
    let (objects, text) = run(&source, &svg);
    let kinds = kinds_of(&objects);
    assert_eq!(kinds, ["function", "compare", "plot"]);
    let words = texts(&doc_texts(&text));
    for title in [
        "lr 0.01: converging",
        "lr 0.1: converging",
        "lr 0.5: converged",
        "lr 1.1: diverged",
    ] {
        assert!(words.iter().any(|w| w == title), "'{title}' in {words:?}");
    }
    for label in ["lr 0.01", "lr 0.1", "lr 0.5", "lr 1.1"] {
        assert!(words.iter().any(|w| w == label), "legend '{label}'");
    }
}

/// The polylines of a color with more than two points (curves, not
/// legend swatches), as pixel points.
fn curves(doc: &roxmltree::Document, stroke: &str) -> Vec<Vec<(f64, f64)>> {
    doc.descendants()
        .filter(|n| n.has_tag_name("polyline") && n.attribute("stroke") == Some(stroke))
        .filter_map(|n| {
            let points: Vec<(f64, f64)> = n
                .attribute("points")?
                .split_whitespace()
                .map(|p| {
                    let (x, y) = p.split_once(',').unwrap();
                    (x.parse().unwrap(), y.parse().unwrap())
                })
                .collect();
            (points.len() > 2).then_some(points)
        })
        .collect()
}

const RUN_1: &str = "#1F77B4";

#[test]
fn a_function_beside_its_derivative_is_two_labelled_curves_where_the_axes_say() {
    let svg = temp_svg("derivative.svg");
    let source = format!(
        "f(x) = (x - 3)^2\nplot f, f' from 0 to 6 to \"{}\"",
        svg.display()
    );
    let (objects, text) = run(&source, &svg);
    assert_eq!(kinds_of(&objects), ["function", "plot"]);
    let doc = doc_texts(&text);
    let frame = &frames(&doc)[0];
    let (sx, sy) = scales(&doc, frame);
    sy.check();
    // Every vertex of each curve lies on its function, where the tick
    // labels put it (pixels are whole: within 2 of it).
    let f = |x: f64| (x - 3.0) * (x - 3.0);
    let derivative = |x: f64| 2.0 * x - 6.0;
    for (color, f) in [(RUN_0, &f as &dyn Fn(f64) -> f64), (RUN_1, &derivative)] {
        let lines = curves(&doc, color);
        let vertices: Vec<(f64, f64)> = lines.into_iter().flatten().collect();
        assert!(vertices.len() > 100, "{color}: {} vertices", vertices.len());
        for (px, py) in vertices {
            let x = sx.value(px);
            assert!(
                (sy.pixel(f(x)) - py).abs() <= 2.0,
                "{color} at x = {x}: {py}"
            );
        }
    }
    let words = texts(&doc);
    for label in ["f(x), f'(x)", "f(x) = (x - 3)^2", "f'(x) = 2x - 6", "x"] {
        assert!(words.iter().any(|w| w == label), "'{label}' in {words:?}");
    }
}

#[test]
fn an_exact_zero_on_a_log_axis_has_a_mark_of_its_own() {
    let svg = temp_svg("zero.svg");
    let source = format!(
        "f(x) = (x - 3)^2\nminimize f from 0 lr [0.1, 0.5] steps 20 plot to \"{}\"",
        svg.display()
    );
    let (_, text) = run(&source, &svg);
    let doc = doc_texts(&text);
    let all = frames(&doc);
    let values = all.last().expect("the value per step");
    let (sx, sy) = scales(&doc, values);
    // Decades evenly spaced, and below them 0, on its own.
    let zeros: Vec<&(f64, f64)> = sy.ticks.iter().filter(|t| t.0 == 0.0).collect();
    let decades: Vec<(f64, f64)> = sy.ticks.iter().copied().filter(|t| t.0 != 0.0).collect();
    let log = Scale {
        ticks: decades.iter().map(|&(v, p)| (v.log10(), p)).collect(),
    };
    log.check();
    assert!(
        decades.iter().all(|&(v, _)| v.log10().fract() == 0.0),
        "{decades:?}"
    );
    let [&(_, zero)] = zeros[..] else {
        panic!("one zero mark: {:?}", sy.ticks)
    };
    let lowest_decade = decades.iter().map(|t| t.1).fold(0.0, f64::max);
    assert!(
        zero > lowest_decade + 20.0,
        "0 at {zero}, decades down to {lowest_decade}"
    );
    // lr 0.5 lands on 3 in one step: every later point sits on the mark.
    let found = points(&doc, values, RUN_1);
    assert_eq!(found.len(), 21);
    for (k, &(x, y)) in found.iter().enumerate().skip(1) {
        assert!(
            (x - sx.pixel(k as f64)).abs() <= 1.5 && (y - zero).abs() <= 1.5,
            "step {k}"
        );
    }
    assert!((found[0].1 - log.pixel(9f64.log10())).abs() <= 1.5);
}

fn doc_texts(text: &str) -> roxmltree::Document<'_> {
    roxmltree::Document::parse(text).unwrap()
}

#[test]
fn a_terminal_plot_in_json_is_text_without_color() {
    let out = gd(&["--json", "-e", "f(x) = x^2\nplot f from -1 to 1"], None);
    let objects = json_lines(&out.stdout);
    assert_eq!(objects[1]["kind"], "plot");
    let text = objects[1]["text"].as_str().unwrap();
    assert!(!text.contains('\x1b'));
    assert!(text.contains('┤') && text.contains('⠉'), "{text}");
    assert!(text.lines().all(|l| l.chars().count() <= 80));
}

/// A loss with many instructions per row: over 100,000 rows its plot
/// takes about 12 s even on the least grid (optimized build).
const HEAVY_LOSS: &str = "L(w, b) = mean((w*u + b - v)^2 + sin(w*u + b)^2 + cos(w*v - b)^2 \
    + exp(-(w*u - b)^2) + sqrt(1 + (w*v)^2))";

/// `plot` of a loss over 100,000 rows takes seconds; SIGINT stops it
/// within a fraction of that, with exit 130 and no plot (it used to run to
/// the end and exit 0).
#[test]
fn sigint_stops_a_plot_of_a_loss_over_many_rows() {
    use std::io::{BufRead, BufReader, Write};
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};
    let csv = temp_svg("many_rows.csv");
    let mut file = std::io::BufWriter::new(std::fs::File::create(&csv).unwrap());
    writeln!(file, "u,v").unwrap();
    for i in 0..100_000 {
        let u = (i % 1000) as f64 / 500.0 - 1.0;
        writeln!(file, "{u},{}", 2.0 * u + 1.0).unwrap();
    }
    drop(file);
    let load = format!("load(\"{}\")", csv.display());
    let mut child = Command::new(env!("CARGO_BIN_EXE_gd"))
        .args(["--json", "-e", &load, "-e", HEAVY_LOSS])
        .args(["-e", "plot L"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("gd runs");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    // Once L is defined, the plot is being drawn.
    let defined = lines
        .by_ref()
        .map_while(Result::ok)
        .any(|line| line.contains("\"kind\":\"function\""));
    assert!(defined, "L was defined");
    std::thread::sleep(Duration::from_millis(200));
    let sent = Instant::now();
    let killed = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status();
    assert!(killed.is_ok_and(|s| s.success()));
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    let status = child.wait().expect("gd finishes");
    let took = sent.elapsed();
    let _ = std::fs::remove_file(&csv);
    assert_eq!(status.code(), Some(130), "{rest:?}");
    assert!(took < Duration::from_secs(3), "took {took:?}");
    assert!(
        rest.iter().all(|l| !l.contains("\"kind\":\"plot\"")),
        "{rest:?}"
    );
}

/// The `kind` of each JSON object, in order.
fn kinds_of(objects: &[serde_json::Value]) -> Vec<&str> {
    objects
        .iter()
        .map(|o| o["kind"].as_str().unwrap())
        .collect()
}
