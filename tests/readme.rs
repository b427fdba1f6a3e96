//! The README's examples are tests: every ```gd block is run through the
//! binary and must print exactly the ```text block that follows it, so the
//! documentation cannot rot.

use crate::common::gd;

/// (gd source, expected output) pairs from README.md, in order.
fn examples() -> Vec<(String, String)> {
    let readme = include_str!("../README.md");
    let mut pairs = Vec::new();
    let mut blocks: Vec<(String, String)> = Vec::new();
    let mut current: Option<(String, String)> = None;
    for line in readme.split('\n') {
        match (&mut current, line.strip_prefix("```")) {
            (None, Some(tag)) => current = Some((tag.trim().to_string(), String::new())),
            (Some(_), Some(_)) => blocks.extend(current.take()),
            (Some((_, body)), None) => {
                body.push_str(line);
                body.push('\n');
            }
            (None, None) => {}
        }
    }
    for window in blocks.windows(2) {
        if let [(tag, source), (next, output)] = window
            && tag == "gd"
            && next == "text"
        {
            pairs.push((source.clone(), output.clone()));
        }
    }
    pairs
}

#[test]
fn readme_examples_print_what_the_readme_says() {
    let examples = examples();
    assert!(
        examples.len() >= 5,
        "the README should show its examples ({} found)",
        examples.len()
    );
    for (source, expected) in examples {
        let out = gd(&[], Some(&source));
        let got = format!("{}{}", out.stdout, out.stderr);
        assert_eq!(got, expected, "README example:\n{source}");
    }
}
