//! The modules of `sk-session` import downward only (docs/architecture.md): no module imports one
//! that imports it, directly or through others. Import circles came back before because nothing
//! failed when they did; this test fails, naming the circle.
//!
//! A module is a file of `src/` (the folders `argent/` and `typed_data/` count file by file). An
//! import is any `crate::module`, `crate::Item` re-exported by `lib.rs`, or `super::module` inside a
//! folder, in code that is not a test: comments and everything from a `#[cfg(test)]` on are left
//! out, and so are the folders' `tests.rs`.
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Each module's source, by name (`request`, `argent::session`).
fn modules(src: &Path) -> BTreeMap<String, String> {
    let mut modules = BTreeMap::new();
    let mut add = |name: String, path: &Path| {
        let text = std::fs::read_to_string(path).unwrap();
        // Test code may use any module: it is not part of the order.
        let code = text.split("#[cfg(test)]").next().unwrap_or_default();
        let code: String =
            code.lines().filter(|line| !line.trim_start().starts_with("//")).collect::<Vec<_>>().join("\n");
        modules.insert(name, code);
    };
    for entry in std::fs::read_dir(src).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_stem().unwrap().to_string_lossy().to_string();
        if path.is_dir() {
            for inner in std::fs::read_dir(&path).unwrap() {
                let inner = inner.unwrap().path();
                let file = inner.file_stem().unwrap().to_string_lossy().to_string();
                match file.as_str() {
                    "tests" => {}
                    "mod" => add(name.clone(), &inner),
                    _ => add(format!("{name}::{file}"), &inner),
                }
            }
        } else if name != "lib" {
            add(name, &path);
        }
    }
    modules
}

/// The items `lib.rs` re-exports, and the module each comes from.
fn reexports(lib: &str) -> BTreeMap<String, String> {
    let mut items = BTreeMap::new();
    for statement in lib.split(';') {
        let Some(rest) = statement.trim().strip_prefix("pub use ") else { continue };
        let Some((module, names)) = rest.split_once("::") else { continue };
        for name in names.trim_matches(|c| c == '{' || c == '}').split(',') {
            let name = name.split(" as ").last().unwrap_or_default().trim();
            if !name.is_empty() {
                items.insert(name.to_string(), module.trim().to_string());
            }
        }
    }
    items
}

/// The identifiers following `prefix` in `code` (`crate::` → `request`, `Error`, …), with those of
/// a brace group (`crate::{SessionRequest, SessionToken}`).
fn following(code: &str, prefix: &str) -> Vec<String> {
    let mut names = Vec::new();
    for (at, _) in code.match_indices(prefix) {
        let rest = &code[at + prefix.len()..];
        let group = match rest.strip_prefix('{') {
            Some(inner) => inner.split('}').next().unwrap_or_default().split(',').collect(),
            None => vec![rest],
        };
        for item in group {
            let ident: String = item.trim().chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            if !ident.is_empty() {
                names.push(ident);
            }
        }
    }
    names
}

/// What each module imports (other modules of the crate).
fn graph(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let modules = modules(src);
    let reexported = reexports(&std::fs::read_to_string(src.join("lib.rs")).unwrap());
    let mut graph = BTreeMap::new();
    for (name, code) in &modules {
        let folder = name.split("::").next().unwrap_or_default();
        let mut imports = BTreeSet::new();
        for ident in following(code, "crate::") {
            let module = if modules.contains_key(&ident) || modules.keys().any(|m| m.starts_with(&format!("{ident}::")))
            {
                // `crate::argent::…` from outside the folder: the folder's `mod.rs`.
                Some(ident)
            } else {
                reexported.get(&ident).cloned()
            };
            imports.extend(module.filter(|module| module != name && module != folder));
        }
        if name.contains("::") {
            for ident in following(code, "super::") {
                let sibling = format!("{folder}::{ident}");
                if modules.contains_key(&sibling) && &sibling != name {
                    imports.insert(sibling);
                }
            }
        }
        graph.insert(name.clone(), imports);
    }
    graph
}

/// A circle of imports through `start`, if there is one.
fn circle(graph: &BTreeMap<String, BTreeSet<String>>, start: &str) -> Option<Vec<String>> {
    fn walk(
        graph: &BTreeMap<String, BTreeSet<String>>,
        start: &str,
        path: &mut Vec<String>,
        seen: &mut BTreeSet<String>,
    ) -> bool {
        let here = path.last().cloned().unwrap_or_default();
        for next in graph.get(&here).into_iter().flatten() {
            if next == start {
                path.push(next.clone());
                return true;
            }
            if seen.insert(next.clone()) {
                path.push(next.clone());
                if walk(graph, start, path, seen) {
                    return true;
                }
                path.pop();
            }
        }
        false
    }
    let mut path = vec![start.to_string()];
    walk(graph, start, &mut path, &mut BTreeSet::new()).then_some(path)
}

#[test]
fn modules_import_downward_only() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let graph = graph(&src);
    assert!(graph.len() > 20, "the modules were not found: {graph:?}");
    let circles: Vec<String> =
        graph.keys().filter_map(|module| circle(&graph, module)).map(|path| path.join(" → ")).collect();
    assert!(circles.is_empty(), "import circles among sk-session's modules:\n{}", circles.join("\n"));
}

#[test]
fn the_check_finds_a_circle() {
    let graph: BTreeMap<String, BTreeSet<String>> =
        [("a", vec!["b"]), ("b", vec!["c"]), ("c", vec!["a"]), ("d", vec!["a"])]
            .into_iter()
            .map(|(module, imports)| (module.to_string(), imports.into_iter().map(String::from).collect()))
            .collect();
    assert_eq!(circle(&graph, "a"), Some(vec!["a".into(), "b".into(), "c".into(), "a".into()]));
    assert_eq!(circle(&graph, "d"), None);
    let code = "use crate::{SessionRequest, SessionToken};\nuse crate::error::Error;\nlet x = super::token::f();";
    assert_eq!(following(code, "crate::"), ["SessionRequest", "SessionToken", "error"]);
    assert_eq!(following(code, "super::"), ["token"]);
}
