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
        // `len` is one letter from `ln` and `exit` two from `exp`: short
        // names get a suggestion only one typo away.
        3..=5 => 1,
        _ => 3,
    };
    candidates
        .filter(|c| *c != name)
        .map(|c| (edit_distance(name, c), c))
        .filter(|(d, _)| *d <= limit)
        .min()
        .map(|(_, c)| c)
}

/// What to do instead of a function other tools have and gd does not
/// (`len`, `range`, `integrate`, `exit`...): a did-you-mean by spelling
/// would mislead there (`len` is not `ln`, `exit` is not `exp`).
pub fn known_elsewhere(name: &str) -> Option<&'static str> {
    Some(match name {
        "derivative" | "deriv" | "derive" | "differentiate" | "gradient" | "D" => {
            "derivatives are diff(EXPR, x), f' and grad(f)"
        }
        "integrate" | "integral" | "int" | "antiderivative" => {
            "gd differentiates; it does not integrate"
        }
        "range" | "linspace" | "arange" | "seq" => "write a list, as in [1, 2, 3, 4, 5]",
        "len" | "length" | "size" | "numel" | "count" => {
            "gd has no len; sum(X^0) counts the values of X"
        }
        "exit" | "quit" => "to leave, type :quit or press Ctrl-D",
        "print" | "show" | "display" => "a bare expression prints its value: write it alone",
        "solve" | "roots" | "argmin" => {
            "critical NAME finds where f' = 0; minimize NAME from START descends"
        }
        _ => return None,
    })
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

/// Edits (insert, delete, replace, swap two neighbours) from `a` to `b`:
/// `adma` is one swap from `adam`.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    // d[i][j]: edits from a[..i] to b[..j].
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    d[a.len()][b.len()]
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
    fn no_misleading_suggestions() {
        let builtins = || ["ln", "exp", "sin", "sqrt", "adam"].into_iter();
        assert_eq!(closest("len", builtins()), Some("ln"));
        assert!(known_elsewhere("len").is_some_and(|h| h.contains("no len")));
        assert_eq!(closest("exit", builtins()), None);
        assert!(known_elsewhere("exit").is_some_and(|h| h.contains(":quit")));
        assert_eq!(closest("adma", builtins()), Some("adam"));
        assert_eq!(closest("sine", builtins()), Some("sin"));
        assert_eq!(known_elsewhere("sine"), None);
        assert_eq!(edit_distance("adma", "adam"), 1);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
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
