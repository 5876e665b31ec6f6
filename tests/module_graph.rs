//! The layering of `src/` (docs/architecture.md, "What may import what"): no import cycle
//! between the crate's top-level modules, and the adapter (`wasm`) imported by nothing.
//!
//! An edge `a → b` is any `crate::b` path in a file of module `a` outside its unit tests (the
//! `#[cfg(test)]` module at the end of a file may reach across layers to build fixtures).

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is the failure report
#![cfg(not(target_arch = "wasm32"))]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level module a file belongs to (`src/cert/x509.rs` → `cert`, `src/der.rs` → `der`).
fn module_of(src: &Path, file: &Path) -> Option<String> {
    let rel = file.strip_prefix(src).ok()?;
    let first = rel.components().next()?.as_os_str().to_string_lossy().into_owned();
    let name = first.strip_suffix(".rs").unwrap_or(&first).to_owned();
    (name != "lib").then_some(name)
}

/// `(target module, line number)` of every `crate::x` outside comments and the unit tests.
fn references(text: &str) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    let lines: Vec<&str> = text.lines().collect();
    for (n, line) in lines.iter().enumerate() {
        let trimmed = line.trim_start();
        // `#[cfg(test)]` (or `#[cfg(all(test, …))]`), maybe more attributes, then `mod tests`:
        // the unit tests start here.
        if trimmed.starts_with("#[cfg(")
            && trimmed.contains("test")
            && lines[n + 1..]
                .iter()
                .map(|l| l.trim_start())
                .find(|l| !l.starts_with("#["))
                .is_some_and(|l| l.starts_with("mod tests"))
        {
            break;
        }
        if trimmed.starts_with("//") {
            continue;
        }
        let code = line.split("//").next().unwrap_or("");
        for (i, _) in code.match_indices("crate::") {
            let rest = &code[i + "crate::".len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() && name.chars().next().is_some_and(|c| c.is_ascii_lowercase()) {
                out.push((name, n + 1));
            }
        }
    }
    out
}

/// module → (imported module → first place it is imported)
fn graph() -> BTreeMap<String, BTreeMap<String, String>> {
    let src = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut graph: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for file in &files {
        let Some(from) = module_of(&src, file) else { continue };
        let text = std::fs::read_to_string(file).unwrap();
        let edges = graph.entry(from.clone()).or_default();
        for (to, line) in references(&text) {
            if to != from {
                let at = format!("{}:{line}", file.strip_prefix(&src).unwrap().display());
                edges.entry(to).or_insert(at);
            }
        }
    }
    graph
}

/// A cycle through `start`, as the path of modules, if there is one.
fn cycle_through(graph: &BTreeMap<String, BTreeMap<String, String>>, start: &str) -> Option<Vec<String>> {
    let mut stack = vec![(start.to_owned(), vec![start.to_owned()])];
    let mut seen = BTreeSet::new();
    while let Some((node, path)) = stack.pop() {
        for next in graph.get(&node).into_iter().flat_map(|e| e.keys()) {
            if next == start {
                let mut p = path.clone();
                p.push(start.to_owned());
                return Some(p);
            }
            if seen.insert(next.clone()) {
                let mut p = path.clone();
                p.push(next.clone());
                stack.push((next.clone(), p));
            }
        }
    }
    None
}

#[test]
fn no_import_cycle_between_top_level_modules() {
    let graph = graph();
    assert!(graph.len() > 10, "read only {} modules", graph.len());
    let mut cycles = Vec::new();
    for start in graph.keys() {
        if let Some(path) = cycle_through(&graph, start) {
            let hops: Vec<String> = path
                .windows(2)
                .map(|w| format!("{} → {} ({})", w[0], w[1], graph[&w[0]][&w[1]]))
                .collect();
            cycles.push(hops.join(", "));
        }
    }
    assert!(cycles.is_empty(), "import cycles in src/:\n{}", cycles.join("\n"));
}

#[test]
fn nothing_imports_the_js_adapter() {
    for (from, edges) in graph() {
        assert!(
            !edges.contains_key("wasm"),
            "{from} imports the wasm adapter ({})",
            edges["wasm"]
        );
    }
}
