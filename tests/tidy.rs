//! The house rules that the compiler does not check: imports run one way
//! (down the layers that README.md's Architecture section lists, which
//! src/lib.rs's doc mirrors), every source file opens with a `//!`
//! paragraph, and only `parse` uses pest.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The layer of each top-level module, from the ```text block after
/// "### Layers" in README.md (`L3  parse symbolic`).
fn layers() -> BTreeMap<String, usize> {
    let readme = include_str!("../README.md");
    let section = readme
        .split("### Layers")
        .nth(1)
        .expect("README.md has a ### Layers section");
    layers_in(section).expect("the Layers section has a ```text block")
}

/// The layers of the first ```text block in `text`: a line `L3  parse
/// symbolic` puts those modules in layer 3; words in parentheses are notes.
fn layers_in(text: &str) -> Option<BTreeMap<String, usize>> {
    let block = text.split("```text\n").nth(1)?.split("```").next()?;
    let mut layers = BTreeMap::new();
    for line in block.lines() {
        let line = line.split('(').next().unwrap_or(line);
        let mut words = line.split_whitespace();
        let Some(level) = words.next().and_then(|l| l.strip_prefix('L')) else {
            continue;
        };
        let level: usize = level.parse().expect("a layer is L and a number");
        for module in words {
            let twice = layers.insert(module.to_string(), level).is_some();
            assert!(!twice, "{module} is in two layers");
        }
    }
    Some(layers)
}

/// Every `.rs` file under `dir`, sorted.
fn sources(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut folders = vec![dir.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).expect("src is readable") {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// The module path of a file under src: `src/symbolic/print/text.rs` is
/// `[symbolic, print, text]`; `mod.rs` names its folder; `lib.rs` is `[]`.
fn module_path(src: &Path, file: &Path) -> Vec<String> {
    let relative = file.strip_prefix(src).expect("under src");
    let mut parts: Vec<String> = relative
        .with_extension("")
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    if parts.last().is_some_and(|p| p == "mod" || p == "lib") {
        parts.pop();
    }
    parts
}

/// The files of the binary: `main.rs` and the modules it declares.
fn in_binary(path: &[String]) -> bool {
    matches!(
        path.first().map(String::as_str),
        Some("main" | "printer" | "repl")
    )
}

/// `text` without comments and the contents of string and char literals,
/// so that paths in them are not read as imports (and a `'"'` does not
/// start a string that hides the code after it).
fn code_only(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '/' if chars.peek() == Some(&'/') => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            '"' => {
                out.push('"');
                let mut escaped = false;
                for c in chars.by_ref() {
                    if c == '"' && !escaped {
                        break;
                    }
                    escaped = c == '\\' && !escaped;
                }
                out.push('"');
            }
            '\'' => {
                // A char literal ('"', '{', '\'') is blanked; a lifetime
                // ('a, '_) is code.
                let mut ahead = chars.clone();
                let literal = matches!(
                    (ahead.next(), ahead.next()),
                    (Some('\\'), _) | (Some(_), Some('\''))
                );
                out.push('\'');
                if literal {
                    let mut escaped = false;
                    for c in chars.by_ref() {
                        if c == '\'' && !escaped {
                            break;
                        }
                        escaped = c == '\\' && !escaped;
                    }
                    out.push('\'');
                }
            }
            _ => out.push(c),
        }
    }
    out
}

/// Files declared `#[cfg(test)] mod name;`: tests may reach anywhere.
fn test_files(src: &Path, files: &[PathBuf]) -> Vec<Vec<String>> {
    let mut tests = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(file).expect("readable");
        let mut lines = text.lines().map(str::trim);
        while let Some(line) = lines.next() {
            if line != "#[cfg(test)]" {
                continue;
            }
            if let Some(name) = lines
                .next()
                .and_then(|l| l.strip_prefix("mod "))
                .and_then(|l| l.strip_suffix(';'))
            {
                // `src/a.rs` and `src/a/mod.rs` both declare `a::name`.
                let mut path = module_path(src, file);
                path.push(name.to_string());
                tests.push(path);
            }
        }
    }
    tests
}

/// The code of `text` outside `#[cfg(test)] mod tests { ... }` blocks.
fn without_test_blocks(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find("#[cfg(test)]") {
        out.push_str(&rest[..at]);
        let after = &rest[at..];
        let Some(open) = after.find(['{', ';']) else {
            break;
        };
        if after.as_bytes()[open] == b';' {
            rest = &after[open + 1..];
            continue;
        }
        let mut depth = 0;
        let mut end = after.len();
        for (i, c) in after.char_indices().skip(open) {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        end = i + 1;
                        break;
                    }
                }
                _ => {}
            }
        }
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

/// The top-level modules `code` (of the file at `path`) refers to through
/// `crate::` and `super::` paths, including `crate::{a, b::c}` groups.
fn referenced(code: &str, path: &[String]) -> Vec<String> {
    let mut found = Vec::new();
    let bytes = code.as_bytes();
    let word_start = |i: usize| {
        i == 0
            || !(bytes[i - 1].is_ascii_alphanumeric()
                || bytes[i - 1] == b'_'
                || bytes[i - 1] == b':')
    };
    for (i, _) in code.match_indices("crate::") {
        if word_start(i) && !code[..i].ends_with('$') {
            found.extend(first_names(&code[i + "crate::".len()..]));
        }
    }
    for (i, _) in code.match_indices("super::") {
        if !word_start(i) {
            continue;
        }
        // `super::super::x` from a file climbs one module per `super`.
        let mut rest = &code[i..];
        let mut module = path.to_vec();
        while let Some(after) = rest.strip_prefix("super::") {
            module.pop();
            rest = after;
        }
        match module.first() {
            Some(top) => found.push(top.clone()),
            None => found.extend(first_names(rest)),
        }
    }
    found
}

/// The first name of a path (`a` of `a::b`), or every first name of a
/// group (`{a, b::c}`).
fn first_names(rest: &str) -> Vec<String> {
    let name = |s: &str| {
        s.trim_start()
            .split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .next()
            .unwrap_or("")
            .to_string()
    };
    let Some(group) = rest.strip_prefix('{') else {
        return vec![name(rest)];
    };
    let mut depth = 0;
    let mut names = Vec::new();
    let mut start = 0;
    for (i, c) in group.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => {
                names.push(name(&group[start..i]));
                break;
            }
            '}' => depth -= 1,
            ',' if depth == 0 => {
                names.push(name(&group[start..i]));
                start = i + 1;
            }
            _ => {}
        }
    }
    names.retain(|n| !n.is_empty() && n != "self");
    names
}

#[test]
fn imports_run_down_the_layers() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let layers = layers();
    let files = sources(&src);
    let tests = test_files(&src, &files);
    let mut wrong = Vec::new();
    for file in &files {
        let path = module_path(&src, file);
        let Some(top) = path.first() else { continue };
        if in_binary(&path) || tests.iter().any(|t| path.starts_with(t)) {
            continue;
        }
        let Some(&level) = layers.get(top) else {
            wrong.push(format!("src/{top} is not in README.md's layers"));
            continue;
        };
        let text = std::fs::read_to_string(file).expect("readable");
        // Literals first, so that a brace in one does not end a test block.
        let code = without_test_blocks(&code_only(&text));
        for target in referenced(&code, &path) {
            if &target == top {
                continue;
            }
            match layers.get(&target) {
                Some(&other) if other < level => {}
                Some(&other) => wrong.push(format!(
                    "{} (L{level}) refers to {target} (L{other})",
                    file.display()
                )),
                None => wrong.push(format!(
                    "{} refers to {target}, which is not in README.md's layers",
                    file.display()
                )),
            }
        }
    }
    for module in layers.keys() {
        let exists = src.join(format!("{module}.rs")).exists() || src.join(module).is_dir();
        if !exists {
            wrong.push(format!(
                "README.md's layers list {module}, which is not in src"
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "imports against the layers:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn lib_rs_mirrors_the_readme_layers() {
    let lib = include_str!("../src/lib.rs");
    let doc: String = lib
        .lines()
        .filter_map(|line| line.strip_prefix("//!"))
        .map(|line| format!("{}\n", line.strip_prefix(' ').unwrap_or(line)))
        .collect();
    let mirrored = layers_in(&doc).expect("src/lib.rs's doc has a ```text block of the layers");
    assert_eq!(
        mirrored,
        layers(),
        "src/lib.rs's layers differ from README.md's"
    );
}

#[test]
fn every_file_opens_with_its_doc_and_only_parse_uses_pest() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut wrong = Vec::new();
    for file in sources(&src) {
        let text = std::fs::read_to_string(&file).expect("readable");
        if !text.starts_with("//!") {
            wrong.push(format!(
                "{} does not open with a //! paragraph",
                file.display()
            ));
        }
        let in_parse = module_path(&src, &file)
            .first()
            .is_some_and(|m| m == "parse");
        let code = code_only(&text);
        if !in_parse && (code.contains("pest::") || code.contains("pest_derive")) {
            wrong.push(format!("{} uses pest outside parse", file.display()));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn the_reader_sees_groups_and_climbs_supers() {
    let path = ["descent".to_string(), "objective".to_string()];
    let code = "use crate::{compile::Program, text, self};\nuse super::super::lower::x;\nuse super::Culprit;";
    assert_eq!(
        referenced(code, &path),
        vec!["compile", "text", "lower", "descent"]
    );
    assert_eq!(
        code_only("let s = \"crate::x\"; // crate::y\n"),
        "let s = \"\"; \n"
    );
    assert_eq!(
        without_test_blocks("a\n#[cfg(test)]\nmod tests { use crate::x; }\nb"),
        "a\n\nb"
    );
    // A quote or a brace in a char literal hides no code and ends no block.
    assert_eq!(
        code_only("a('\"'); crate::x; b::<'_>('{', '\\'')"),
        "a(''); crate::x; b::<'_>('', '')"
    );
    assert_eq!(
        without_test_blocks(&code_only(
            "a\n#[cfg(test)]\nmod tests { fn f() { let _ = '}'; } }\nuse crate::y;"
        )),
        "a\n\nuse crate::y;"
    );
}
