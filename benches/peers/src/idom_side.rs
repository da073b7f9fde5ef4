//! The workloads on idom, as `benches/workloads.rs` runs them: the same components (its
//! `support/components.rs` and the table example's `app.rs`), the click delivered with
//! `Layout::deliver_now`, `try_render`, and the update's wire message (`into_message`, as a session makes it).

use std::sync::OnceLock;

use idom::prelude::*;
use serde_json::Value;

use crate::stats;
use crate::table_app;

pub(crate) use crate::components::{Children, ClickCount};

/// Finds the click target of the first element matching `predicate` in a model.
fn target(model: &Value, predicate: &dyn Fn(&Value) -> bool) -> String {
    fn walk(v: &Value, p: &dyn Fn(&Value) -> bool) -> Option<String> {
        if p(v)
            && let Some(t) = v["eventHandlers"]["onClick"]["target"].as_str()
        {
            return Some(t.to_owned());
        }
        v["children"].as_array()?.iter().find_map(|c| walk(c, p))
    }
    walk(model, predicate).expect("a clickable element")
}

pub(crate) fn click(target: &str) -> LayoutEvent {
    LayoutEvent::new(target, vec![serde_json::json!({"type": "click"})])
}

/// One measured action: deliver, render, serialise. Returns (microseconds, the text).
#[inline(never)]
pub(crate) fn act(layout: &mut Layout, event: LayoutEvent) -> (f64, String) {
    let (text, us) = stats::timed(|| {
        layout.deliver_now(event);
        let update = layout.try_render().expect("the action changes the page");
        update.into_message()
    });
    (us, std::hint::black_box(text))
}

pub(crate) fn mounted<C: idom::Component>(root: C) -> Layout {
    let mut layout = Layout::new(root);
    layout.try_render().expect("first render");
    layout
}

/// A mounted counter and its button's target.
pub(crate) fn counter() -> (Layout, String) {
    let layout = mounted(ClickCount);
    let t = target(&layout.model(), &|v| v["tagName"] == "button");
    (layout, t)
}

/// A mounted parent of `n` children and the target of child `n / 2`'s button.
pub(crate) fn children(n: usize) -> (Layout, String) {
    let layout = mounted(Children { n });
    let model = layout.model();
    let t = model["children"][0]["children"][n / 2]["eventHandlers"]["onClick"]["target"]
        .as_str()
        .expect("a child's button")
        .to_owned();
    (layout, t)
}

/// A table layout after the given setup clicks (by button id). Layouts built by the same steps
/// have the same targets, so targets are looked up once (as `benches/workloads.rs` does).
pub(crate) fn table_with(setup: &[&str]) -> Layout {
    static BUTTONS: OnceLock<Vec<(&'static str, String)>> = OnceLock::new();
    let buttons = BUTTONS.get_or_init(|| {
        let model = mounted(table_app::Table).model();
        ["run", "runlots", "add", "update", "clear", "swaprows"]
            .into_iter()
            .map(|id| (id, target(&model, &|v: &Value| v["attributes"]["id"] == id)))
            .collect()
    });
    let mut layout = mounted(table_app::Table);
    for id in setup {
        let (_, t) = buttons.iter().find(|(b, _)| b == id).expect("a known button");
        layout.deliver_now(click(t));
        layout.try_render();
    }
    layout
}

/// The target of button `id` of a table.
pub(crate) fn button(layout: &Layout, id: &str) -> String {
    target(&layout.model(), &|v: &Value| v["attributes"]["id"] == id)
}

/// The target of the n-th row's label link (`which` = 1) or remove link (`which` = 2).
pub(crate) fn row_link(layout: &Layout, row: usize, which: usize) -> String {
    let model = layout.model();
    let tbody = &model["children"][0]["children"][1]["children"][0];
    tbody["children"][row]["children"][which]["children"][0]["eventHandlers"]["onClick"]["target"]
        .as_str()
        .expect("row link")
        .to_owned()
}
