//! Layout basics written without the macros: the first model, a click, exact patches.

use std::sync::LazyLock;

use idom_runtime::hooks::use_state;
use idom_runtime::html::{button, div, events, li, p, ul};
use idom_runtime::testing::StaticEventHandler;
use idom_runtime::{Component, Element, HookContext, Layout, LayoutEvent};
use serde_json::json;

static CLICK: LazyLock<StaticEventHandler> = LazyLock::new(StaticEventHandler::new);

#[derive(PartialEq)]
struct ClickCount;

impl Component for ClickCount {
    fn render(&self, cx: &mut HookContext<'_>) -> Element {
        let (count, set_count) = use_state::__call(cx, || 0);
        button()
            .on_target(events::onclick, CLICK.target(), move |_| set_count.update(|c| c + 1))
            .child("Click count: ")
            .child(count)
            .into()
    }
}

#[tokio::test]
async fn click_count_replaces_the_text() {
    let mut layout = Layout::new(ClickCount);
    let first = layout.render().await;
    assert_eq!(first.path, "");
    let target = CLICK.target();
    assert_eq!(
        first.changes_json(),
        json!([{"op": "add", "path": "", "value": {"tagName": "", "children": [
            {"tagName": "button", "eventHandlers": {"onClick": {"target": &*target}}, "children": ["Click count: 0"]}
        ]}}])
    );
    layout.deliver(CLICK.event(vec![json!({"type": "click"})])).await;
    let update = layout.render().await;
    assert_eq!(update.path, "/children/0");
    assert_eq!(update.changes_json(), json!([{"op": "replace", "path": "/children/0", "value": "Click count: 1"}]));
    assert_eq!(
        update.to_message(),
        r#"{"type":"layout-update","path":"/children/0","changes":[{"op":"replace","path":"/children/0","value":"Click count: 1"}]}"#
    );
}

fn paragraphs(texts: &[&str]) -> Element {
    div().child(texts.iter().map(|t| p().child(*t))).into()
}

#[test]
fn pure_component() {
    assert_eq!(
        paragraphs(&["a", "b"]).to_json(),
        json!({"tagName": "div", "children": [{"tagName": "p", "children": ["a"]}, {"tagName": "p", "children": ["b"]}]})
    );
}

#[derive(PartialEq)]
struct List;

impl Component for List {
    fn render(&self, cx: &mut HookContext<'_>) -> Element {
        let (items, set_items) = use_state::__call(cx, || vec![1, 2, 3]);
        ul().on(events::onclick, move |e| {
            let order: Vec<i32> = serde_json::from_value(e.raw().clone()).unwrap();
            set_items.set(order);
        })
        .child(items.iter().map(|i| li().key(*i).child(*i)))
        .into()
    }
}

#[tokio::test]
async fn keyed_reorder_moves() {
    let mut layout = Layout::new(List);
    layout.render().await;
    let target = layout.model()["children"][0]["eventHandlers"]["onClick"]["target"].as_str().unwrap().to_owned();
    layout.deliver(LayoutEvent::new(&target, vec![json!([3, 1, 2])])).await;
    let update = layout.render().await;
    assert_eq!(update.path, "/children/0");
    assert_eq!(update.changes_json(), json!([{"op": "move", "from": "/children/2", "path": "/children/0"}]));
    layout.deliver(LayoutEvent::new(&target, vec![json!([3, 4, 2])])).await;
    let update = layout.render().await;
    assert_eq!(
        update.changes_json(),
        json!([
            {"op": "remove", "path": "/children/1"},
            {"op": "add", "path": "/children/1", "value": {"tagName": "li", "key": "4", "children": ["4"]}}
        ])
    );
    layout.deliver(LayoutEvent::new(&target, vec![json!([])])).await;
    let update = layout.render().await;
    assert_eq!(update.changes_json(), json!([{"op": "remove", "path": "/children"}]));
    layout.deliver(LayoutEvent::new(&target, vec![json!([5])])).await;
    let update = layout.render().await;
    assert_eq!(
        update.changes_json(),
        json!([{"op": "add", "path": "/children", "value": [{"tagName": "li", "key": "5", "children": ["5"]}]}])
    );
}
