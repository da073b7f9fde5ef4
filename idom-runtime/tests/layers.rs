//! The runtime's layers, read from its source: no module imports one that imports it back, what a
//! render builds imports nothing of the layout, the diff, the hooks, the protocol or the server,
//! the hooks and the router never see the layout, and the core never imports the server. (The crate docs' Design
//! section draws the same picture.)

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

/// Top-level module -> the top-level modules its code names through `crate::`.
fn imports() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let lib = fs::read_to_string(src.join("lib.rs")).unwrap();
    // Items lib.rs re-exports (`pub use layout::Layout;`) name their module.
    let mut root = BTreeMap::new();
    for line in lib.lines().filter(|l| l.starts_with("pub use ")) {
        let rest = &line["pub use ".len()..];
        let Some((module, items)) = rest.split_once("::") else { continue };
        for item in items.split(|c: char| !c.is_alphanumeric() && c != '_').filter(|i| !i.is_empty()) {
            root.insert(item.to_owned(), module.to_owned());
        }
    }
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut files = vec![src.clone()];
    while let Some(path) = files.pop() {
        if path.is_dir() {
            files.extend(fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
            continue;
        }
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let relative = path.strip_prefix(&src).unwrap();
        let module = relative.components().next().unwrap().as_os_str().to_str().unwrap().trim_end_matches(".rs");
        if module == "lib" {
            continue;
        }
        let text = fs::read_to_string(&path).unwrap();
        // Unit tests may reach anywhere; comments and docs are not imports.
        let code = text.split("#[cfg(test)]\nmod tests").next().unwrap();
        let uses = graph.entry(module.to_owned()).or_default();
        for line in code.lines().map(str::trim).filter(|l| !l.starts_with("//")) {
            for (at, _) in line.match_indices("crate::") {
                let after = &line[at + "crate::".len()..];
                let names: Vec<&str> = match after.strip_prefix('{') {
                    Some(group) => group.split([',', '}', ' ']).map(|n| n.split("::").next().unwrap()).collect(),
                    None => vec![after.split(|c: char| !c.is_alphanumeric() && c != '_').next().unwrap()],
                };
                for name in names.into_iter().filter(|n| !n.is_empty()) {
                    let target = root.get(name).cloned().unwrap_or_else(|| name.to_owned());
                    if target != module {
                        uses.insert(target);
                    }
                }
            }
        }
    }
    let modules: BTreeSet<String> = graph.keys().cloned().collect();
    for uses in graph.values_mut() {
        uses.retain(|m| modules.contains(m));
    }
    graph
}

/// Every module `from` reaches through imports.
fn reach(graph: &BTreeMap<String, BTreeSet<String>>, from: &str) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut todo: Vec<&str> = graph[from].iter().map(String::as_str).collect();
    while let Some(m) = todo.pop() {
        if seen.insert(m.to_owned()) {
            todo.extend(graph[m].iter().map(String::as_str));
        }
    }
    seen
}

#[test]
fn no_module_imports_one_that_imports_it_back() {
    let graph = imports();
    for module in graph.keys() {
        assert!(!reach(&graph, module).contains(module), "{module} is in an import cycle: {graph:#?}");
    }
}

#[test]
fn what_a_render_builds_imports_nothing_above_it() {
    let graph = imports();
    for model in ["vdom", "html", "event", "component", "scope"] {
        let above: Vec<_> = reach(&graph, model)
            .into_iter()
            .filter(|m| {
                ["layout", "diff", "hooks", "router", "protocol", "server", "arena", "dispatch"].contains(&m.as_str())
            })
            .collect();
        assert!(above.is_empty(), "{model} reaches {above:?}");
    }
}

#[test]
fn hooks_see_the_scope_handle_and_not_the_layout() {
    let reached = reach(&imports(), "hooks");
    for forbidden in ["layout", "arena", "diff", "server"] {
        assert!(!reached.contains(forbidden), "hooks reach {forbidden}");
    }
}

#[test]
fn the_router_is_components_and_hooks_and_never_sees_the_layout() {
    let graph = imports();
    assert!(graph.contains_key("router"), "no router module in {graph:#?}");
    let reached = reach(&graph, "router");
    for forbidden in ["layout", "arena", "diff", "protocol", "server", "dispatch", "page", "prerender"] {
        assert!(!reached.contains(forbidden), "the router reaches {forbidden}");
    }
}

#[test]
fn the_core_never_imports_the_server() {
    let graph = imports();
    for core in [
        "vdom",
        "html",
        "event",
        "component",
        "scope",
        "hooks",
        "router",
        "arena",
        "layout",
        "diff",
        "protocol",
        "dispatch",
        "page",
    ] {
        assert!(!reach(&graph, core).contains("server"), "{core} reaches the server");
    }
}
