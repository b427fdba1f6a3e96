//! Text for people: numbers in their shortest exact form, table cells
//! and tick labels, padding, truncation with `…`, and wrapping between
//! items or words. Every formatter of numbers and every fitter of lines is
//! here, so the tables, plots, help and messages agree.
//!
//! Invariant: widths count characters (Unicode scalar values), and
//! nothing here cuts a number: only whole items or words move.

/// A number for people: shortest form that reads back to the same double.
/// `-0` is `0`; integers up to 1e15 print in full, magnitudes above 1e15 or
/// below 1e-4 in exponent form (`1e-20`, `1.5e30`); `inf`, `-inf`, `nan`.
pub fn format_number(x: f64) -> String {
    if x.is_nan() {
        return "nan".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "inf" } else { "-inf" }.into();
    }
    if x == 0.0 {
        return "0".into();
    }
    if (1e-4..=1e15).contains(&x.abs()) {
        format!("{x}")
    } else {
        format!("{x:e}")
    }
}

/// A number in a table cell: 6 significant digits, as a textbook table
/// (the JSON output and the result line keep full precision).
pub fn table_number(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return format_number(x);
    }
    let rounded: f64 = format!("{x:.5e}").parse().unwrap_or(x);
    // Six digits and a run of zeros mislead (`-66076900000000`): large
    // numbers show their exponent, as small ones do.
    if rounded.abs() >= 1e7 {
        return format!("{rounded:e}");
    }
    format_number(rounded)
}

/// A short number for a tick label: 3 significant digits.
pub fn tick_number(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return format_number(x);
    }
    let r = round_significant(x, 3);
    if (1e-3..1e5).contains(&r.abs()) {
        return format!("{r}");
    }
    // 1.20e5 -> 1.2e5, 1.00e5 -> 1e5
    let text = format!("{x:.2e}");
    let (mantissa, exponent) = text.split_once('e').unwrap_or((&text, "0"));
    let mantissa = mantissa.trim_end_matches('0').trim_end_matches('.');
    format!("{mantissa}e{exponent}")
}

/// The labels of ticks that are multiples of a step `m * 10^step_exponent`:
/// as many decimals as the step has, as matplotlib writes them (`0.5`,
/// `1.0`, `1.5`; a step of 0.25 does not occur), in exponent form for the whole
/// axis when its largest tick is 1e5 or more, or below 1e-3 (`2e-5`,
/// `1.5e6`, and then 0 is `0`).
pub fn tick_labels(values: &[f64], step_exponent: i32) -> Vec<String> {
    let largest = values.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    let exponent_form = !(1e-3..1e5).contains(&largest);
    values
        .iter()
        .map(|&v| {
            if v == 0.0 && exponent_form {
                "0".to_string()
            } else if exponent_form {
                exponent_label(v, step_exponent)
            } else {
                let decimals = (-step_exponent).max(0) as usize;
                // -0 is 0.
                format!("{:.decimals$}", v + 0.0)
            }
        })
        .collect()
}

/// `v` as `1.5e6`: the mantissa with the digits down to the step's.
fn exponent_label(v: f64, step_exponent: i32) -> String {
    let exponent = v.abs().log10().floor() as i32;
    let digits = (exponent - step_exponent).max(0) as usize;
    let text = format!("{v:.digits$e}");
    let (mantissa, power) = text.split_once('e').unwrap_or((&text, "0"));
    let mantissa = if mantissa.contains('.') {
        mantissa.trim_end_matches('0').trim_end_matches('.')
    } else {
        mantissa
    };
    format!("{mantissa}e{power}")
}

/// The label of a decade on a log axis: `1e-5`, `1e0`, `1e3`.
pub fn decade_label(exponent: f64) -> String {
    format!("1e{}", exponent.round() as i64)
}

/// `x` rounded to `digits` significant digits, as the nearest double to
/// that decimal (so that it prints short).
pub fn round_significant(x: f64, digits: usize) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    format!("{x:.*e}", digits.saturating_sub(1))
        .parse()
        .unwrap_or(x)
}

/// `s` padded with spaces on the left to `width` characters.
pub fn pad_left(s: &str, width: usize) -> String {
    let n = s.chars().count();
    format!("{}{s}", " ".repeat(width.saturating_sub(n)))
}

/// `s` padded with spaces on the right to `width` characters.
pub fn pad_right(s: &str, width: usize) -> String {
    let n = s.chars().count();
    format!("{s}{}", " ".repeat(width.saturating_sub(n)))
}

/// `line` cut to `width` characters, ending in `…` when it was longer.
pub fn truncate(line: &str, width: usize) -> String {
    if line.chars().count() <= width || width == 0 {
        return line.to_string();
    }
    let mut out: String = line.chars().take(width - 1).collect();
    out.push('…');
    out
}

/// `items` joined by `, ` on lines indented by two, each at most `width`
/// wide when the items allow (an item is never split).
pub fn wrap(items: &[impl AsRef<str>], width: usize) -> String {
    let mut out = String::new();
    let mut line = String::new();
    for (i, item) in items.iter().enumerate() {
        let item = item.as_ref();
        let piece = if i + 1 < items.len() {
            format!("{item},")
        } else {
            item.to_string()
        };
        let needed = line.chars().count() + 1 + piece.chars().count();
        if !line.is_empty() && needed > width {
            out.push_str(&format!("{line}\n"));
            line.clear();
        }
        line.push_str(if line.is_empty() { "  " } else { " " });
        line.push_str(&piece);
    }
    out.push_str(&format!("{line}\n"));
    out
}

/// `text` (a list like `(1, 2, 3)`) starting at column `start`, broken
/// after its commas so that no line is wider than `width` when the items
/// allow; continuation lines start under the first item.
pub fn wrap_items(text: &str, width: usize, start: usize) -> String {
    let indent = start + usize::from(text.starts_with(['(', '[']));
    let mut out = String::new();
    let mut column = start;
    for (i, item) in text.split(", ").enumerate() {
        let piece = if i == 0 {
            item.to_string()
        } else {
            format!(", {item}")
        };
        // One more column for the comma that may follow.
        let more = piece.chars().count() + 1;
        if i > 0 && column + more > width {
            out.push_str(&format!(",\n{}{item}", " ".repeat(indent)));
            column = indent + item.chars().count();
        } else {
            out.push_str(&piece);
            column += piece.chars().count();
        }
    }
    out
}

/// Each line of `text` that is wider than `width` broken between words,
/// its continuation lines indented by `indent` spaces.
pub fn wrap_words(text: &str, width: usize, indent: usize) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let body = line.trim_start();
        let mut current = line[..line.len() - body.len()].to_string();
        for (i, word) in body.split(' ').enumerate() {
            let fits = current.chars().count() + 1 + word.chars().count() <= width;
            if i > 0 && !fits && !word.is_empty() {
                out.push_str(&format!("{}\n", current.trim_end()));
                current = " ".repeat(indent);
            } else if i > 0 {
                current.push(' ');
            }
            current.push_str(word);
        }
        out.push_str(&format!("{current}\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_back() {
        for x in [0.1, 1.0 / 3.0, 1e15, 1e16, 1.5e-5, -2.5, 123456.789] {
            assert_eq!(format_number(x).parse::<f64>(), Ok(x));
        }
        assert_eq!(format_number(-0.0), "0");
        assert_eq!(format_number(1e20), "1e20");
        assert_eq!(format_number(f64::NEG_INFINITY), "-inf");
    }

    #[test]
    fn cells_and_ticks_are_short() {
        assert_eq!(table_number(2.0 / 3.0), "0.666667");
        assert_eq!(table_number(-66076912345678.0), "-6.60769e13");
        assert_eq!(tick_number(123456.0), "1.23e5");
        assert_eq!(tick_number(0.5), "0.5");
        assert_eq!(pad_left("θ", 3), "  θ");
        assert_eq!(pad_right("θ", 3), "θ  ");
    }

    #[test]
    fn tick_labels_have_three_digits() {
        assert_eq!(tick_number(0.0), "0");
        assert_eq!(tick_number(1.23456), "1.23");
        assert_eq!(tick_number(-0.30000000000000004), "-0.3");
        assert_eq!(tick_number(123456.0), "1.23e5");
        assert_eq!(tick_number(0.000123), "1.23e-4");
        assert_eq!(tick_number(1.840000000000001e249), "1.84e249");
        assert_eq!(tick_number(-6.92e187), "-6.92e187");
        assert_eq!(tick_number(100000.0), "1e5");
        assert_eq!(tick_number(12345.0), "12300");
    }

    #[test]
    fn tick_labels_have_the_digits_of_their_step() {
        let labels = |v: &[f64], e| tick_labels(v, e);
        assert_eq!(labels(&[-1.0, 0.0, 1.0], 0), ["-1", "0", "1"]);
        assert_eq!(
            labels(&[0.2, 0.4, 0.6000000000000001], -1),
            ["0.2", "0.4", "0.6"]
        );
        assert_eq!(labels(&[0.5, 1.0, 1.5], -1), ["0.5", "1.0", "1.5"]);
        assert_eq!(
            labels(&[1000.0001, 1000.0002], -4),
            ["1000.0001", "1000.0002"]
        );
        assert_eq!(labels(&[0.0, 5e12], 12), ["0", "5e12"]);
        assert_eq!(labels(&[1e5, 1.5e5, 2e5], 4), ["1e5", "1.5e5", "2e5"]);
        assert_eq!(labels(&[2e-5, 4e-5], -5), ["2e-5", "4e-5"]);
        assert_eq!(labels(&[-1e300, 0.0, 1e300], 300), ["-1e300", "0", "1e300"]);
        assert_eq!(labels(&[-0.0], 0), ["0"]);
        assert_eq!(labels(&[-0.5, 0.0, 0.5], -1), ["-0.5", "0.0", "0.5"]);
        assert_eq!(decade_label(-5.0), "1e-5");
        assert_eq!(decade_label(0.0), "1e0");
        assert_eq!(decade_label(1.0000000000000002), "1e1");
    }

    #[test]
    fn items_wrap_between_commas() {
        let items: Vec<String> = ["x = 1.5", "y = 2.25", "f = 0"].map(String::from).into();
        assert_eq!(wrap(&items, 80), "  x = 1.5, y = 2.25, f = 0\n");
        assert_eq!(wrap(&items, 20), "  x = 1.5, y = 2.25,\n  f = 0\n");
        assert_eq!(wrap(&items, 5), "  x = 1.5,\n  y = 2.25,\n  f = 0\n");
    }

    #[test]
    fn lists_wrap_after_commas() {
        assert_eq!(wrap_items("(1, 2, 3)", 20, 4), "(1, 2, 3)");
        assert_eq!(wrap_items("(10, 20, 30)", 13, 4), "(10, 20,\n     30)");
        assert_eq!(wrap_items("10, 20, 30", 12, 4), "10, 20,\n    30");
        assert_eq!(wrap_items("(100000)", 5, 4), "(100000)");
    }

    #[test]
    fn text_wraps_between_words() {
        let text = "  theory: one two three\n    four five\n";
        assert_eq!(wrap_words(text, 80, 4), text);
        assert_eq!(
            wrap_words(text, 14, 4),
            "  theory: one\n    two three\n    four five\n"
        );
    }

    #[test]
    fn long_lines_end_in_an_ellipsis() {
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("abcd", 4), "abcd");
        assert_eq!(truncate("θθθθθ", 3), "θθ…");
    }
}
