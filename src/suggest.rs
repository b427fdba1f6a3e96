//! Did-you-mean: the candidate nearest to a misspelt name, and a built-in
//! glued to its argument (`sinx`).
//!
//! Invariant: a suggestion is made only when it is close enough to be
//! likely; one- and two-letter names get none.

/// The candidate nearest to `name` by edit distance, if close enough.
pub fn closest<'c>(name: &str, candidates: impl Iterator<Item = &'c str>) -> Option<&'c str> {
    let limit = match name.chars().count() {
        // One- and two-letter names are all one typo apart: no guesses.
        0..=2 => return None,
        3..=5 => 2,
        _ => 3,
    };
    candidates
        .filter(|c| *c != name)
        .map(|c| (edit_distance(name, c), c))
        .filter(|(d, _)| *d <= limit)
        .min()
        .map(|(_, c)| c)
}

/// `sinx` -> "did you mean sin(x)?": one of `functions` glued to a short
/// name (the longest function that fits wins, so `sinhx` is `sinh(x)`).
pub fn glued_call<'f>(name: &str, functions: impl Iterator<Item = &'f str>) -> Option<String> {
    let mut names: Vec<&str> = functions.collect();
    names.sort_by_key(|n| std::cmp::Reverse(n.len()));
    names.iter().find_map(|f| {
        let rest = name.strip_prefix(f)?;
        let short =
            !rest.is_empty() && rest.chars().count() <= 2 && rest.chars().all(char::is_alphabetic);
        short.then(|| format!("did you mean {f}({rest})?"))
    })
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            let next = (row[j + 1] + 1).min(row[j] + 1).min(prev + cost);
            prev = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glued_calls_are_suggested() {
        let functions = || ["sin", "sinh", "exp", "sqrt", "log"].into_iter();
        assert_eq!(
            glued_call("sinx", functions()).as_deref(),
            Some("did you mean sin(x)?")
        );
        assert_eq!(
            glued_call("sinhx", functions()).as_deref(),
            Some("did you mean sinh(x)?")
        );
        assert_eq!(
            glued_call("expx", functions()).as_deref(),
            Some("did you mean exp(x)?")
        );
        assert_eq!(
            glued_call("sine", functions()),
            Some("did you mean sin(e)?".into())
        );
        assert_eq!(glued_call("expected", functions()), None);
        assert_eq!(glued_call("x", functions()), None);
    }

    #[test]
    fn closest_names() {
        let names = ["sqrt", "sin", "sigmoid"];
        assert_eq!(closest("sqr", names.into_iter()), Some("sqrt"));
        assert_eq!(closest("sigmod", names.into_iter()), Some("sigmoid"));
        assert_eq!(closest("banana", names.into_iter()), None);
        assert_eq!(closest("sn", names.into_iter()), None);
    }
}
