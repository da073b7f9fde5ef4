//! Failures are caught per component. A panic in a render shows that component's error node (or,
//! under an `ErrorBoundary`, the boundary's fallback: see boundaries.rs) while its siblings keep
//! working; a panic in an event handler, an effect, a cleanup or async work is logged and the
//! component keeps its last render and its state. Events for unknown or stale targets are dropped.

mod common;

use common::{Counter, Harness, Registry, assert_update, warnings};
use idom_runtime::hooks::{use_effect, use_state};
use idom_runtime::html::{button, div, events, li, ul};
use idom_runtime::{Component, Element, HookContext, LayoutEvent, UseStateSetter};
use serde_json::{Value, json};
use std::sync::atomic::{AtomicBool, Ordering};

fn boom(message: &'static str) {
    panic!("{message}")
}

/// The node a failed component shows (the message only in debug builds).
fn error_node(text: &str) -> Value {
    if cfg!(debug_assertions) {
        json!({"tagName": "pre", "attributes": {"class": "idom-error"}, "children": [text]})
    } else {
        json!({"tagName": "pre", "attributes": {"class": "idom-error"}})
    }
}

type Setters = Registry<&'static str, UseStateSetter<i32>>;

/// Whether the next click of a `Fault::HandlerOnce` button panics (one test uses it).
static ARMED: AtomicBool = AtomicBool::new(true);

/// A working counter button.
#[derive(PartialEq)]
struct Good {
    setters: Setters,
}

impl Component for Good {
    fn render(&self, cx: &mut HookContext<'_>) -> Element {
        let (n, set) = use_state::__call(cx, || 0);
        self.setters.put("good", set.clone());
        button().on(events::onclick, move |_| set.update(|c| c + 1)).child(format!("good: {n}")).into()
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Fault {
    Render,
    LaterRender,
    Payload,
    Handler,
    HandlerOnce,
    AsyncHandler,
    Effect,
    AsyncEffect,
    Cleanup,
}

/// A counter button that fails in the way its `fault` says.
#[derive(PartialEq)]
struct Faulty {
    fault: Fault,
    setters: Setters,
}

impl Component for Faulty {
    fn render(&self, cx: &mut HookContext<'_>) -> Element {
        let (n, set) = use_state::__call(cx, || 0);
        self.setters.put("faulty", set.clone());
        match self.fault {
            Fault::Render => boom("boom"),
            Fault::LaterRender if n > 0 => boom("boom later"),
            Fault::Payload => std::panic::panic_any(42),
            Fault::Effect => use_effect::__call(cx, || boom("effect boom"), ()),
            Fault::AsyncEffect => use_effect::__call(
                cx,
                || async {
                    tokio::task::yield_now().await;
                    boom("async effect boom");
                },
                (),
            ),
            Fault::Cleanup => use_effect::__call(cx, || || boom("cleanup boom"), n),
            _ => {}
        }
        let b = match self.fault {
            Fault::Handler => button().on(events::onclick, |_| boom("handler boom")),
            Fault::HandlerOnce => button().on(events::onclick, move |_| {
                if ARMED.swap(false, Ordering::Relaxed) {
                    boom("handler boom");
                }
                set.update(|c| c + 1);
            }),
            Fault::AsyncHandler => button().on(events::onclick, |_| async {
                tokio::task::yield_now().await;
                boom("async boom");
            }),
            _ => button().on(events::onclick, move |_| set.update(|c| c + 1)),
        };
        b.child(format!("faulty: {n}")).into()
    }
}

fn page(fault: Fault, setters: &Setters) -> Harness<i32> {
    let s = setters.clone();
    Harness::new(0, move |n: &i32| {
        div()
            .child(Element::component(Good { setters: s.clone() }))
            .child(Element::component(Faulty { fault, setters: s.clone() }))
            .child(*n)
            .into()
    })
}

/// The model's `<div>` children with handler targets left out.
fn children(h: &Harness<i32>) -> Value {
    let mut c = h.model["children"][0]["children"].clone();
    for node in c.as_array_mut().unwrap() {
        if let Some(o) = node.as_object_mut() {
            o.remove("eventHandlers");
        }
    }
    c
}

fn good(n: i32) -> Value {
    json!({"tagName": "button", "children": [format!("good: {n}")]})
}

fn faulty(n: i32) -> Value {
    json!({"tagName": "button", "children": [format!("faulty: {n}")]})
}

/// The sibling still updates from its state and from its handler, and the parent still renders.
fn siblings_go_on(h: &mut Harness<i32>, setters: &Setters) {
    setters.at(&"good").set(10);
    let u = h.step().expect("the sibling updates");
    assert_update(&u, "/children/0/children/0", json!([{"op": "replace", "path": "/children/0", "value": "good: 10"}]));
    let target = h.target("/children/0/children/0", "onClick");
    h.layout.deliver_now(LayoutEvent::new(target, vec![json!({"type": "click"})]));
    let u = h.step().expect("the sibling's handler works");
    assert_update(&u, "/children/0/children/0", json!([{"op": "replace", "path": "/children/0", "value": "good: 11"}]));
    let u = h.set(1);
    assert_update(&u, "/children/0", json!([{"op": "replace", "path": "/children/2", "value": "1"}]));
}

/// The failed component replaces its button with the error node.
fn shows_error(u: &idom_runtime::LayoutUpdate, text: &str) {
    assert_update(
        u,
        "/children/0",
        json!([{"op": "remove", "path": "/children/1"}, {"op": "add", "path": "/children/1", "value": error_node(text)}]),
    );
}

#[test]
fn a_panic_in_the_first_render_shows_the_error_node() {
    let setters = Setters::default();
    let mut h = page(Fault::Render, &setters);
    assert_eq!(children(&h), json!([good(0), error_node("Faulty failed: boom"), "0"]));
    siblings_go_on(&mut h, &setters);
    // A failed component stays failed: re-rendering it sends nothing.
    setters.at(&"faulty").set(3);
    assert_eq!(h.step(), None);
}

#[test]
fn a_panic_in_a_later_render_replaces_the_component_with_the_error_node() {
    let setters = Setters::default();
    let mut h = page(Fault::LaterRender, &setters);
    assert_eq!(children(&h), json!([good(0), faulty(0), "0"]));
    setters.at(&"faulty").set(1);
    let u = h.step().unwrap();
    shows_error(&u, "Faulty failed: boom later");
    siblings_go_on(&mut h, &setters);
}

#[test]
fn a_panic_with_a_non_string_payload_is_reported() {
    let setters = Setters::default();
    let h = page(Fault::Payload, &setters);
    assert_eq!(children(&h), json!([good(0), error_node("Faulty failed: panic with a non-string payload"), "0"]));
}

/// A component whose handler or effect panicked kept its last render and its state: nothing was
/// sent, and its own state still updates it (from 0, so the state survived).
fn keeps_working(h: &mut Harness<i32>, setters: &Setters) {
    assert_eq!(children(h), json!([good(0), faulty(0), "0"]));
    setters.at(&"faulty").update(|c| c + 1);
    let u = h.step().expect("the component still renders");
    assert_update(
        &u,
        "/children/0/children/1",
        json!([{"op": "replace", "path": "/children/0", "value": "faulty: 1"}]),
    );
}

/// The panic was logged with the component's name and message.
fn logged(log: &[String], what: &str) {
    assert!(log.iter().any(|l| l.contains("`Faulty` panicked") && l.contains(what)), "{log:?}");
}

#[test]
fn a_panic_in_an_event_handler_keeps_the_components_render_and_state() {
    let setters = Setters::default();
    let mut h = page(Fault::Handler, &setters);
    let target = h.target("/children/0/children/1", "onClick");
    let ((), log) = warnings(|| h.layout.deliver_now(LayoutEvent::new(target, vec![json!({"type": "click"})])));
    logged(&log, "handler boom");
    assert_eq!(h.step(), None);
    keeps_working(&mut h, &setters);
    siblings_go_on(&mut h, &setters);
}

#[test]
fn after_a_handler_panicked_a_later_click_works() {
    let setters = Setters::default();
    let mut h = page(Fault::HandlerOnce, &setters);
    let target = h.target("/children/0/children/1", "onClick");
    h.layout.deliver_now(LayoutEvent::new(target.clone(), vec![json!({"type": "click"})]));
    assert_eq!(h.step(), None);
    assert_eq!(children(&h), json!([good(0), faulty(0), "0"]));
    h.layout.deliver_now(LayoutEvent::new(target, vec![json!({"type": "click"})]));
    let u = h.step().expect("the second click works");
    assert_update(
        &u,
        "/children/0/children/1",
        json!([{"op": "replace", "path": "/children/0", "value": "faulty: 1"}]),
    );
    siblings_go_on(&mut h, &setters);
}

#[test]
fn a_panic_in_an_effect_keeps_the_components_render_and_state() {
    let setters = Setters::default();
    let (mut h, log) = warnings(|| page(Fault::Effect, &setters));
    logged(&log, "effect boom");
    assert_eq!(children(&h), json!([good(0), faulty(0), "0"]));
    assert_eq!(h.step(), None, "the failure sends nothing");
    keeps_working(&mut h, &setters);
    siblings_go_on(&mut h, &setters);
}

#[test]
fn a_panic_in_an_effect_cleanup_keeps_the_components_render_and_state() {
    let setters = Setters::default();
    let mut h = page(Fault::Cleanup, &setters);
    setters.at(&"faulty").set(1);
    let (u, log) = warnings(|| h.step().unwrap());
    logged(&log, "cleanup boom");
    assert_update(
        &u,
        "/children/0/children/1",
        json!([{"op": "replace", "path": "/children/0", "value": "faulty: 1"}]),
    );
    assert_eq!(h.step(), None, "the failure sends nothing");
    assert_eq!(children(&h), json!([good(0), faulty(1), "0"]));
    setters.at(&"faulty").set(2);
    let u = h.step().expect("the component still renders");
    assert_update(
        &u,
        "/children/0/children/1",
        json!([{"op": "replace", "path": "/children/0", "value": "faulty: 2"}]),
    );
    siblings_go_on(&mut h, &setters);
}

/// Waits for the task of an async handler or effect to run (and panic), then checks that nothing
/// was sent.
async fn nothing_sent(h: &mut Harness<i32>) {
    for _ in 0..10 {
        tokio::task::yield_now().await;
    }
    let waited = tokio::time::timeout(std::time::Duration::from_millis(50), h.layout.render()).await;
    assert!(waited.is_err(), "the failure sends nothing: {waited:?}");
}

#[tokio::test]
async fn a_panic_in_an_async_effect_keeps_the_components_render_and_state() {
    let setters = Setters::default();
    let mut h = page(Fault::AsyncEffect, &setters);
    assert_eq!(children(&h), json!([good(0), faulty(0), "0"]));
    nothing_sent(&mut h).await;
    keeps_working(&mut h, &setters);
    siblings_go_on(&mut h, &setters);
}

#[tokio::test]
async fn a_panic_in_an_async_handler_keeps_the_components_render_and_state() {
    let setters = Setters::default();
    let mut h = page(Fault::AsyncHandler, &setters);
    let target = h.target("/children/0/children/1", "onClick");
    h.layout.deliver(LayoutEvent::new(target, vec![json!({"type": "click"})])).await;
    nothing_sent(&mut h).await;
    keeps_working(&mut h, &setters);
    siblings_go_on(&mut h, &setters);
}

// ---------------------------------------------------------------------------------------------
// Unknown and stale targets

#[test]
fn events_for_unknown_targets_are_dropped() {
    let setters = Setters::default();
    let mut h = page(Fault::LaterRender, &setters);
    let real = h.target("/children/0/children/0", "onClick");
    let (idx, generation) = {
        let mut parts = real.split(':');
        (parts.next().unwrap().to_owned(), parts.next().unwrap().to_owned())
    };
    for target in [
        String::new(),
        "nope".to_owned(),
        "::".to_owned(),
        "0:0:onClick".to_owned(),
        "4294967295:0:onClick".to_owned(),
        format!("{idx}:{generation}:onKeydown"),
        format!("{idx}:{}:onClick", generation.parse::<u32>().unwrap() + 1),
        format!("{idx}:{generation}"),
    ] {
        h.layout.deliver_now(LayoutEvent::new(target.clone(), vec![json!({"type": "click"})]));
        assert_eq!(h.step(), None, "target {target:?}");
    }
}

/// Buttons counting clicks per label.
fn buttons(clicks: &Counter) -> Harness<Vec<&'static str>> {
    let c = clicks.clone();
    Harness::new(vec!["a", "b"], move |labels: &Vec<&'static str>| {
        ul().child(labels.iter().map(|l| {
            let c = c.clone();
            li().child(button().on(events::onclick, move |_| c.hit()).child(*l))
        }))
        .into()
    })
}

#[test]
fn an_event_for_a_removed_element_is_dropped() {
    let clicks = Counter::default();
    let mut h = buttons(&clicks);
    let stale = h.target("/children/0/children/1/children/0", "onClick");
    h.set(vec!["a"]);
    h.layout.deliver_now(LayoutEvent::new(stale.clone(), vec![json!({"type": "click"})]));
    assert_eq!(clicks.get(), 0);
    assert_eq!(h.step(), None);

    // A new element in the freed place gets another target; the stale one still goes nowhere.
    h.set(vec!["a", "c"]);
    let fresh = h.target("/children/0/children/1/children/0", "onClick");
    assert_ne!(fresh, stale);
    h.layout.deliver_now(LayoutEvent::new(stale, vec![json!({"type": "click"})]));
    assert_eq!(clicks.get(), 0);
    h.layout.deliver_now(LayoutEvent::new(fresh, vec![json!({"type": "click"})]));
    assert_eq!(clicks.get(), 1);
}

/// A generic component (as `#[component] fn Generic<T>` would make).
#[derive(PartialEq)]
struct Generic<T>(T);

impl<T: PartialEq + Send + Sync + 'static> Component for Generic<T> {
    fn render(&self, _cx: &mut HookContext<'_>) -> Element {
        boom("boom");
        Element::empty()
    }
}

#[cfg(debug_assertions)]
#[test]
fn a_generic_components_error_names_the_component() {
    let h = Harness::new((), |_: &()| div().child(Element::component(Generic(String::new()))).into());
    let text = h.model["children"][0]["children"][0]["children"][0].as_str().unwrap().to_owned();
    assert!(text.starts_with("Generic") && text.ends_with(" failed: boom"), "{text}");
}

/// Calls a different hook first once `flip` is set.
#[derive(PartialEq)]
struct Fickle {
    setters: Setters,
}

impl Component for Fickle {
    fn render(&self, cx: &mut HookContext<'_>) -> Element {
        let flipped = self.setters.with(|s| s.contains_key("faulty"));
        if flipped {
            idom_runtime::hooks::use_ref::__call(cx, || 0u8);
        }
        let (n, set) = use_state::__call(cx, || 0);
        self.setters.put("faulty", set);
        button().child(format!("faulty: {n}")).into()
    }
}

#[cfg(debug_assertions)]
#[test]
fn hooks_called_in_another_order_fail_the_component() {
    let setters = Setters::default();
    let s = setters.clone();
    let mut h = Harness::new(0, move |_: &i32| {
        div()
            .child(Element::component(Good { setters: s.clone() }))
            .child(Element::component(Fickle { setters: s.clone() }))
            .into()
    });
    setters.at(&"faulty").set(1);
    let u = h.step().unwrap();
    shows_error(
        &u,
        "Fickle failed: hook #0 changed type between renders: hooks must be called in the same order on every render",
    );
}
