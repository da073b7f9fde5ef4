//! `Event` accessors on payloads as the client sends them, and handlers (sync and async) whose
//! state changes arrive through `Layout::render`.

mod common;

use std::time::Duration;

use common::{Harness, Log, Shared, assert_update, wait_until};
use idom_runtime::hooks::use_state;
use idom_runtime::html::{button, div, events, form, input};
use idom_runtime::{Component, Element, Event, HookContext, Layout, LayoutEvent};
use serde::Deserialize;
use serde_json::json;

#[test]
fn input_event() {
    let e = Event::new(json!({"type": "input", "value": "héllo \"w\"", "timeStamp": 1234.5}));
    assert_eq!(e.event_type(), Some("input"));
    assert_eq!(e.value(), Some("héllo \"w\""));
    assert_eq!(e.checked(), None);
    assert_eq!(e.key(), None);
    assert_eq!(e.get("timeStamp"), Some(&json!(1234.5)));
}

#[test]
fn checkbox_change_event() {
    let e = Event::new(json!({"type": "change", "checked": true, "value": "on"}));
    assert_eq!(e.checked(), Some(true));
    assert_eq!(e.value(), Some("on"));
    let e = Event::new(json!({"type": "change", "checked": false, "value": "on"}));
    assert_eq!(e.checked(), Some(false));
}

#[test]
fn keyboard_event_and_modifiers() {
    let e = Event::new(json!({
        "type": "keydown", "key": "Enter", "code": "NumpadEnter", "repeat": false,
        "altKey": false, "ctrlKey": true, "shiftKey": false, "metaKey": true
    }));
    assert_eq!((e.key(), e.code()), (Some("Enter"), Some("NumpadEnter")));
    assert_eq!((e.alt_key(), e.ctrl_key(), e.shift_key(), e.meta_key()), (false, true, false, true));
    let bare = Event::new(json!({"type": "keyup", "key": "a"}));
    assert_eq!((bare.alt_key(), bare.ctrl_key(), bare.shift_key(), bare.meta_key()), (false, false, false, false));
}

#[test]
fn mouse_event_position_and_button() {
    let e = Event::new(json!({"type": "click", "clientX": 120.5, "clientY": 48, "button": 2, "shiftKey": true}));
    assert_eq!(e.client_pos(), Some((120.5, 48.0)));
    assert_eq!(e.button(), Some(2));
    assert!(e.shift_key());
    assert_eq!(Event::new(json!({"type": "click", "clientX": 1})).client_pos(), None);
}

#[test]
fn submit_event_form_values() {
    let e = Event::new(json!({
        "type": "submit",
        "formData": {"name": "Ada", "email": "ada@example.com", "tags": ["a", "b"], "empty": ""}
    }));
    assert_eq!(e.form_value("name"), Some("Ada"));
    assert_eq!(e.form_value("email"), Some("ada@example.com"));
    assert_eq!(e.form_value("empty"), Some(""));
    assert_eq!(e.form_value("tags"), None);
    assert_eq!(e.form_value("missing"), None);
    assert_eq!(Event::new(json!({"type": "submit"})).form_value("name"), None);
}

#[test]
fn parse_into_a_users_type() {
    #[derive(Deserialize, Debug, PartialEq)]
    struct Key {
        key: String,
        #[serde(rename = "ctrlKey")]
        ctrl: bool,
        #[serde(default)]
        repeat: bool,
    }
    let e = Event::new(json!({"type": "keydown", "key": "s", "ctrlKey": true, "extra": [1]}));
    assert_eq!(e.parse::<Key>().unwrap(), Key { key: "s".into(), ctrl: true, repeat: false });
    assert!(Event::new(json!({"type": "keydown"})).parse::<Key>().is_err());
}

#[test]
fn fields_of_another_type_or_shape_read_as_absent() {
    let e = Event::new(json!({
        "value": 3, "checked": "yes", "key": null, "clientX": "1", "clientY": 2,
        "ctrlKey": "true", "button": 1.5, "formData": "name=x"
    }));
    assert_eq!((e.value(), e.checked(), e.key(), e.client_pos()), (None, None, None, None));
    assert_eq!((e.ctrl_key(), e.button(), e.form_value("name"), e.event_type()), (false, None, None, None));
    for weird in [json!("text"), json!([1, 2]), json!(null)] {
        let e = Event::new(weird);
        assert_eq!((e.value(), e.get("type"), e.client_pos()), (None, None, None));
    }
    let empty = Event::default();
    assert_eq!(empty.raw(), &json!(null));
    assert!(empty.data().is_empty());
    assert_eq!(empty.parse::<Option<String>>().unwrap(), None);
}

#[test]
fn several_data_values() {
    let e = Event::from_data(vec![json!({"type": "drop", "value": "first"}), json!({"files": 0})]);
    assert_eq!(e.data().len(), 2);
    assert_eq!(e.value(), Some("first"));
    assert_eq!(e.raw(), &e.data()[0]);
}

// ---------------------------------------------------------------------------------------------
// Handlers in a layout

/// A controlled input and a form whose submission is logged.
#[derive(PartialEq)]
struct Editor {
    log: Log,
}

impl Component for Editor {
    fn render(&self, cx: &mut HookContext<'_>) -> Element {
        let (text, set_text) = use_state::__call(cx, String::new);
        let log = self.log.clone();
        form()
            .on(events::onsubmit, move |e| {
                log.push(format!("{} values, name = {:?}", e.data().len(), e.form_value("name")))
            })
            .child(
                input()
                    .attr("value", text)
                    .on(events::oninput, move |e| set_text.set(e.value().unwrap_or_default().to_owned())),
            )
            .into()
    }
}

#[test]
fn handlers_receive_the_data_the_client_sent() {
    let log = Log::default();
    let l = log.clone();
    let mut h = Harness::new((), move |_: &()| Element::component(Editor { log: l.clone() }));
    let typing = h.target("/children/0/children/0", "onInput");
    h.layout.deliver_now(LayoutEvent::new(&typing, vec![json!({"type": "input", "value": "ab"})]));
    let u = h.step().unwrap();
    assert_update(&u, "/children/0/children/0", json!([{"op": "replace", "path": "/attributes/value", "value": "ab"}]));
    h.layout.deliver_now(LayoutEvent::new(&typing, vec![json!({"type": "input", "value": ""})]));
    let u = h.step().unwrap();
    assert_update(&u, "/children/0/children/0", json!([{"op": "replace", "path": "/attributes/value", "value": ""}]));

    let submit = h.target("/children/0", "onSubmit");
    let data = vec![json!({"type": "submit", "formData": {"name": "Ada"}}), json!({"submitter": "ok"})];
    h.layout.deliver_now(LayoutEvent::new(submit, data));
    assert_eq!(log.take(), ["2 values, name = Some(\"Ada\")"]);
    assert_eq!(h.step(), None);
}

/// Counts clicks after a delay, from an async handler.
#[derive(PartialEq)]
struct Slow;

impl Component for Slow {
    fn render(&self, cx: &mut HookContext<'_>) -> Element {
        let (n, set) = use_state::__call(cx, || 0);
        button()
            .on(events::onclick, move |e: Event| {
                let set = set.clone();
                let by: i32 = e.get("detail").and_then(|d| d.as_i64()).unwrap_or(1) as i32;
                async move {
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    set.update(|c| c + by);
                }
            })
            .child(format!("clicks: {n}"))
            .into()
    }
}

#[tokio::test]
async fn an_async_handlers_state_change_arrives_through_render() {
    let mut h = Harness::new((), |_: &()| Element::component(Slow));
    let target = h.target("/children/0", "onClick");
    h.layout.deliver(LayoutEvent::new(&target, vec![json!({"type": "click", "detail": 1})])).await;
    assert_eq!(h.step(), None, "the handler has not finished yet");
    let u = h.next().await;
    assert_update(&u, "/children/0", json!([{"op": "replace", "path": "/children/0", "value": "clicks: 1"}]));

    // Two in flight at once: both land.
    h.layout.deliver(LayoutEvent::new(&target, vec![json!({"type": "click", "detail": 2})])).await;
    h.layout.deliver(LayoutEvent::new(&target, vec![json!({"type": "click", "detail": 3})])).await;
    while h.model["children"][0]["children"][0] != json!("clicks: 6") {
        h.next().await;
    }
}

/// Its async click handler never finishes; the future holds a guard that logs its drop.
#[derive(PartialEq)]
struct Hanging {
    log: Log,
}

struct DropGuard(Log);

impl Drop for DropGuard {
    fn drop(&mut self) {
        self.0.push("dropped");
    }
}

impl Component for Hanging {
    fn render(&self, _cx: &mut HookContext<'_>) -> Element {
        let log = self.log.clone();
        button()
            .on(events::onclick, move |_| {
                let guard = DropGuard(log.clone());
                let log = log.clone();
                async move {
                    let _guard = guard;
                    log.push("started");
                    std::future::pending::<()>().await;
                }
            })
            .into()
    }
}

#[tokio::test]
async fn an_async_handler_is_cancelled_when_its_component_unmounts() {
    let log = Log::default();
    let l = log.clone();
    let mut h = Harness::new(true, move |show: &bool| {
        div().child(show.then(|| Element::component(Hanging { log: l.clone() }))).into()
    });
    let target = h.target("/children/0/children/0", "onClick");
    h.layout.deliver(LayoutEvent::new(target, vec![json!({"type": "click"})])).await;
    wait_until("the handler started", || log.count("started") == 1).await;
    h.set(false);
    wait_until("the handler's future was dropped", || log.count("dropped") == 1).await;
}

#[tokio::test]
async fn an_async_handler_outside_any_component_runs() {
    let ran = Shared::new(false);
    let r = ran.clone();
    let mut layout = Layout::from_element(button().on(events::onclick, move |_| {
        let r = r.clone();
        async move { r.with(|ran| *ran = true) }
    }));
    layout.render().await;
    let target = common::target(&layout.model(), "/children/0", "onClick");
    layout.deliver(LayoutEvent::new(target, vec![json!({"type": "click"})])).await;
    wait_until("the async handler ran", || ran.get()).await;
}
