//! The seed's flow, written with the macros: a `ClickCount` component built on a custom
//! `use_counter` hook; render; deliver an event to the handler captured with
//! `StaticEventHandler`; render again; the patch replaces the text with "Click count: 1". And the
//! seed's "Component Layout" example, with the static handler used from `html!`.

use std::sync::LazyLock;

use idom::html::{button, events};
use idom::prelude::*;
use idom::testing::StaticEventHandler;
use serde_json::json;

static STATIC_HANDLER: LazyLock<StaticEventHandler> = LazyLock::new(StaticEventHandler::new);

#[hook]
fn use_counter() -> (i32, impl Fn() + Clone) {
    let (count, set_count) = use_state(|| 0);
    (count, move || set_count.update(|c| c + 1))
}

#[component]
fn ClickCount() -> Element {
    let (count, increment) = use_counter();
    button()
        .on_target(events::onclick, STATIC_HANDLER.target(), move |_| increment())
        .child(format!("Click count: {count}"))
        .into()
}

#[tokio::test]
async fn click_count_with_a_static_handler() {
    let mut layout = Layout::new(ClickCount);

    let update = layout.render().await;
    assert_eq!(update.path, "");
    assert_eq!(
        update.changes_json(),
        json!([{"op": "add", "path": "", "value": {"tagName": "", "children": [{
            "tagName": "button",
            "eventHandlers": {"onClick": {"target": &*STATIC_HANDLER.target()}},
            "children": ["Click count: 0"],
        }]}}])
    );

    layout.deliver(STATIC_HANDLER.event(vec![])).await;

    let update = layout.render().await;
    assert_eq!(update.path, "/children/0");
    assert_eq!(update.changes_json(), json!([{"op": "replace", "path": "/children/0", "value": "Click count: 1"}]));
}

/// The seed's example exactly as a user writes it, with `html!`.
#[component]
fn ClickCountMarkup() -> Element {
    let (count, increment) = use_counter();
    html! { <button onclick={move |_| increment()}>"Click count: " {count}</button> }
}

#[tokio::test]
async fn click_count_with_markup() {
    let mut page = idom::testing::TestLayout::new(ClickCountMarkup).await;
    let button = page.find_by_text("Click count: 0").expect("adjacent texts are one text node");
    let update = page.fire(&button, "onclick", json!({"type": "click"})).await.expect("an update");
    assert_eq!(update.path, "/children/0");
    assert_eq!(update.changes_json(), json!([{"op": "replace", "path": "/children/0", "value": "Click count: 1"}]));
}

/// The seed's "Component Layout" example, almost line for line: a static handler, a component
/// whose button uses it in markup, and a layout that gets an event for the handler's target.
static COUNTER_HANDLER: LazyLock<StaticEventHandler> = LazyLock::new(StaticEventHandler::new);

#[component]
fn Counter() -> Element {
    let (count, set_count) = use_state(|| 0);
    let handler = COUNTER_HANDLER.use_handler(move |_| set_count.set(count + 1));
    html! { <button onclick={handler}>{count}</button> }
}

#[tokio::test]
async fn component_layout_with_a_static_handler_in_markup() {
    let mut layout = Layout::new(Counter);

    let update = layout.render().await;
    assert_eq!(
        update.changes_json(),
        json!([{"op": "add", "path": "", "value": {"tagName": "", "children": [{
            "tagName": "button",
            "eventHandlers": {"onClick": {"target": &*COUNTER_HANDLER.target()}},
            "children": ["0"],
        }]}}])
    );

    layout.deliver(LayoutEvent::new(&*COUNTER_HANDLER.target(), vec![])).await;

    let update = layout.render().await;
    assert_eq!(update.path, "/children/0");
    assert_eq!(update.changes_json(), json!([{"op": "replace", "path": "/children/0", "value": "1"}]));

    // The target stays the same across renders, so a second event works the same way.
    layout.deliver(LayoutEvent::new(&*COUNTER_HANDLER.target(), vec![])).await;
    let update = layout.render().await;
    assert_eq!(update.changes_json(), json!([{"op": "replace", "path": "/children/0", "value": "2"}]));
}

fn paragraphs(texts: &[&str]) -> Element {
    html! { <div> for text in texts { <p>{*text}</p> } </div> }
}

#[test]
fn pure_component_paragraphs() {
    assert_eq!(
        paragraphs(&["hello", "world"]).to_json(),
        json!({"tagName": "div", "children": [
            {"tagName": "p", "children": ["hello"]},
            {"tagName": "p", "children": ["world"]},
        ]})
    );
}
