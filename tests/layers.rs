//! The pipeline's layers import one way only (text → kb → extract → merge → store → bus → service →
//! http): a module never names a later layer, so no cycle can form. Read from the sources, the
//! way a reviewer would check it.

use std::{fs, path::Path};

/// The layers in pipeline order.
const LAYERS: [&str; 8] = ["text", "kb", "extract", "merge", "store", "bus", "service", "http"];

/// The top-level modules a source names through `crate::` (plain paths and `use crate::{..}`
/// groups).
fn crate_modules(source: &str) -> Vec<String> {
    let code: String = source.lines().map(|line| line.split("//").next().unwrap_or_default()).collect::<Vec<_>>().join("\n");
    let mut found = Vec::new();
    for (at, _) in code.match_indices("crate::") {
        let rest = &code[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 1;
            let end = group
                .char_indices()
                .find(|&(_, c)| {
                    depth += match c {
                        '{' => 1,
                        '}' => -1,
                        _ => 0,
                    };
                    depth == 0
                })
                .map_or(group.len(), |(i, _)| i);
            found.extend(top_level_names(&group[..end]));
        } else {
            found.push(rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect());
        }
    }
    found
}

/// The first name of each path of a `use` group ("a::{b, c}, d" → a, d).
fn top_level_names(group: &str) -> Vec<String> {
    let mut names = Vec::new();
    let (mut depth, mut start) = (0, true);
    let mut name = String::new();
    for c in group.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => start = true,
            c if depth == 0 && start && (c.is_alphanumeric() || c == '_') => name.push(c),
            _ if depth == 0 && start && !name.is_empty() => {
                names.push(std::mem::take(&mut name));
                start = false;
            }
            _ => {}
        }
    }
    if !name.is_empty() {
        names.push(name);
    }
    names
}

fn sources(dir: &Path, out: &mut Vec<(String, String)>) {
    for entry in fs::read_dir(dir).expect("source directory").flatten() {
        let path = entry.path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push((path.display().to_string(), fs::read_to_string(&path).expect("source file")));
        }
    }
}

#[test]
fn crate_paths_are_read_from_plain_paths_and_groups() {
    let source = "use crate::{\n    proto::{A, B},\n    store, // old\n};\nfn f() { crate::wire::x(); }\n// crate::http";
    assert_eq!(crate_modules(source), ["proto", "store", "wire"]);
}

#[test]
fn no_layer_imports_a_later_one() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut wrong = Vec::new();
    for (rank, layer) in LAYERS.iter().enumerate() {
        let mut files = Vec::new();
        sources(&root.join(layer), &mut files);
        for (path, source) in files {
            for module in crate_modules(&source) {
                if LAYERS[rank + 1..].contains(&module.as_str()) {
                    wrong.push(format!("{path} imports crate::{module}"));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}
