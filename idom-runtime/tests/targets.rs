//! Event handler targets: stable across re-renders, exact `eventHandlers` operations when handlers
//! or their options change, no delivery to removed elements or handlers, fixed targets
//! (`StaticEventHandler`), and the `TestLayout` helpers.

mod common;

use std::time::Duration;

use common::{Counter, Harness, Log, assert_update};
use idom_runtime::hooks::use_state;
use idom_runtime::html::{EventOptions, button, div, events, input, p, section};
use idom_runtime::testing::{StaticEventHandler, TestLayout};
use idom_runtime::{Component, Element, HookContext, LayoutEvent};
use serde_json::json;

fn click() -> Vec<serde_json::Value> {
    vec![json!({"type": "click"})]
}

#[test]
fn rerendering_with_a_new_closure_sends_no_handler_op_and_calls_the_new_closure() {
    let log = Log::default();
    let l = log.clone();
    let mut h = Harness::new(0, move |n: &i32| {
        let (l, n) = (l.clone(), *n);
        button().on(events::onclick, move |_| l.push(format!("closure of render {n}"))).child(n).into()
    });
    let target = h.target("/children/0", "onClick");
    let u = h.set(1);
    assert_update(&u, "/children/0", json!([{"op": "replace", "path": "/children/0", "value": "1"}]));
    assert_eq!(h.target("/children/0", "onClick"), target);
    h.layout.deliver_now(LayoutEvent::new(&target, click()));
    assert_eq!(log.take(), ["closure of render 1"]);
}

#[test]
fn changing_handler_options_replaces_the_handler_entry() {
    let mut h = Harness::new((false, false), |&(prevent_default, stop_propagation): &(bool, bool)| {
        let mut options = EventOptions::new();
        options.prevent_default = prevent_default;
        options.stop_propagation = stop_propagation;
        button().on_with(events::onsubmit, options, |_| {}).into()
    });
    let t = h.target("/children/0", "onSubmit");
    assert_eq!(h.model["children"][0], json!({"tagName": "button", "eventHandlers": {"onSubmit": {"target": t}}}));
    let u = h.set((true, false));
    assert_update(
        &u,
        "/children/0",
        json!([{"op": "replace", "path": "/eventHandlers/onSubmit", "value": {"target": t, "preventDefault": true}}]),
    );
    let u = h.set((true, true));
    assert_update(
        &u,
        "/children/0",
        json!([{"op": "replace", "path": "/eventHandlers/onSubmit",
                "value": {"target": t, "preventDefault": true, "stopPropagation": true}}]),
    );
    let u = h.set((false, true));
    assert_update(
        &u,
        "/children/0",
        json!([{"op": "replace", "path": "/eventHandlers/onSubmit", "value": {"target": t, "stopPropagation": true}}]),
    );
    assert_eq!(h.try_set((false, true)), None);
}

fn with_handlers(clicks: &Counter) -> Harness<Vec<&'static str>> {
    let c = clicks.clone();
    Harness::new(vec![], move |names: &Vec<&'static str>| {
        names
            .iter()
            .fold(button(), |b, name| {
                let c = c.clone();
                b.on(events::lookup(name).unwrap(), move |_| c.hit())
            })
            .child("b")
            .into()
    })
}

#[test]
fn adding_and_removing_handlers_are_exact_ops() {
    let clicks = Counter::default();
    let mut h = with_handlers(&clicks);
    assert_eq!(h.model["children"][0], json!({"tagName": "button", "children": ["b"]}));

    let u = h.set(vec!["onclick"]);
    let on_click = h.target("/children/0", "onClick");
    assert_update(
        &u,
        "/children/0",
        json!([{"op": "add", "path": "/eventHandlers", "value": {"onClick": {"target": on_click}}}]),
    );

    let u = h.set(vec!["onclick", "onkeydown"]);
    let key = h.target("/children/0", "onKeydown");
    assert_ne!(key, on_click);
    assert_update(
        &u,
        "/children/0",
        json!([{"op": "add", "path": "/eventHandlers/onKeydown", "value": {"target": key}}]),
    );
    assert_eq!(h.target("/children/0", "onClick"), on_click);

    let u = h.set(vec!["onkeydown"]);
    assert_update(&u, "/children/0", json!([{"op": "remove", "path": "/eventHandlers/onClick"}]));

    // The removed handler's target delivers nothing, the other still does.
    h.layout.deliver_now(LayoutEvent::new(&on_click, click()));
    assert_eq!(clicks.get(), 0);
    h.layout.deliver_now(LayoutEvent::new(&key, vec![json!({"type": "keydown", "key": "a"})]));
    assert_eq!(clicks.get(), 1);

    let u = h.set(vec![]);
    assert_update(&u, "/children/0", json!([{"op": "remove", "path": "/eventHandlers"}]));
    assert_eq!(h.model["children"][0], json!({"tagName": "button", "children": ["b"]}));
    h.layout.deliver_now(LayoutEvent::new(&key, vec![json!({"type": "keydown", "key": "a"})]));
    assert_eq!(clicks.get(), 1);

    // Handler order alone sends nothing.
    h.set(vec!["onclick", "onkeydown"]);
    assert_eq!(h.try_set(vec!["onkeydown", "onclick"]), None);
}

#[test]
fn a_removed_elements_target_no_longer_delivers() {
    let clicks = Counter::default();
    let c = clicks.clone();
    let mut h = Harness::new(true, move |show: &bool| {
        let c = c.clone();
        div().child(show.then(|| button().on(events::onclick, move |_| c.hit()))).into()
    });
    let target = h.target("/children/0/children/0", "onClick");
    h.layout.deliver_now(LayoutEvent::new(&target, click()));
    assert_eq!(clicks.get(), 1);
    h.set(false);
    h.layout.deliver_now(LayoutEvent::new(&target, click()));
    assert_eq!(clicks.get(), 1);
    assert_eq!(h.step(), None);
}

// ---------------------------------------------------------------------------------------------
// Fixed targets

#[derive(PartialEq)]
struct StaticCounter {
    handler: StaticEventHandler,
}

impl Component for StaticCounter {
    fn render(&self, cx: &mut HookContext<'_>) -> Element {
        let (n, set) = use_state::__call(cx, || 0);
        button()
            .on_target(events::onclick, self.handler.target(), move |_| set.update(|c| c + 1))
            .child(format!("clicked {n}"))
            .into()
    }
}

#[test]
fn a_static_event_handler_delivers_and_is_not_resent() {
    let handler = StaticEventHandler::new();
    let hd = handler.clone();
    let mut h = Harness::new(true, move |show: &bool| {
        div().child(show.then(|| Element::component(StaticCounter { handler: hd.clone() }))).into()
    });
    assert_eq!(
        h.model["children"][0]["children"][0],
        json!({"tagName": "button", "eventHandlers": {"onClick": {"target": &*handler.target()}},
               "children": ["clicked 0"]})
    );
    for n in 1..=2 {
        h.layout.deliver_now(handler.event(click()));
        let u = h.step().unwrap();
        assert_update(
            &u,
            "/children/0/children/0",
            json!([{"op": "replace", "path": "/children/0", "value": format!("clicked {n}")}]),
        );
    }
    h.set(false);
    h.layout.deliver_now(handler.event(click()));
    assert_eq!(h.step(), None);
    // Mounted again, the same fixed target reaches the new instance.
    h.set(true);
    h.layout.deliver_now(handler.event(click()));
    let u = h.step().unwrap();
    assert_update(
        &u,
        "/children/0/children/0",
        json!([{"op": "replace", "path": "/children/0", "value": "clicked 1"}]),
    );
}

#[test]
fn a_static_target_moved_to_an_earlier_parent_still_delivers() {
    let handler = StaticEventHandler::new();
    let clicks = Counter::default();
    let (hd, c) = (handler.clone(), clicks.clone());
    let mut h = Harness::new(false, move |moved: &bool| {
        let b = || {
            let c = c.clone();
            button().on_target(events::onclick, hd.target(), move |_| c.hit())
        };
        div().child(section().child(moved.then(b))).child(section().child((!moved).then(b))).into()
    });
    h.layout.deliver_now(handler.event(click()));
    assert_eq!(clicks.get(), 1);
    h.set(true);
    assert_eq!(
        h.model["children"][0]["children"][0]["children"][0]["eventHandlers"]["onClick"]["target"],
        json!(&*handler.target())
    );
    h.layout.deliver_now(handler.event(click()));
    assert_eq!(clicks.get(), 2, "the static target was lost when the old element unmounted");
}

#[test]
fn a_static_target_moved_to_a_later_parent_still_delivers() {
    let handler = StaticEventHandler::new();
    let clicks = Counter::default();
    let (hd, c) = (handler.clone(), clicks.clone());
    let mut h = Harness::new(true, move |first: &bool| {
        let b = || {
            let c = c.clone();
            button().on_target(events::onclick, hd.target(), move |_| c.hit())
        };
        div().child(section().child(first.then(b))).child(section().child((!first).then(b))).into()
    });
    h.set(false);
    h.layout.deliver_now(handler.event(click()));
    assert_eq!(clicks.get(), 1);
}

// ---------------------------------------------------------------------------------------------
// TestLayout

#[derive(PartialEq)]
struct Page;

impl Component for Page {
    fn render(&self, cx: &mut HookContext<'_>) -> Element {
        let (n, set) = use_state::__call(cx, || 0);
        let (query, set_query) = use_state::__call(cx, String::new);
        div()
            .child(p().child("Search"))
            .child(
                input()
                    .attr("name", "q")
                    .attr("value", query)
                    .on(events::oninput, move |e| set_query.set(e.value().unwrap_or_default().to_owned())),
            )
            .child(button().id("inc").on(events::onclick, move |_| set.update(|c| c + 1)).child("Count: ").child(n))
            .into()
    }
}

#[tokio::test]
async fn test_layout_finds_and_fires() {
    let mut page = TestLayout::new(Page).await;
    assert_eq!(page.text(), "SearchCount: 0");
    let b = page.find_by_text("Count: 0").unwrap();
    assert_eq!(b.path, "/children/0/children/2");
    assert_eq!(b.attr("id").as_deref(), Some("inc"));
    assert_eq!(b.text(), "Count: 0");
    assert_eq!(page.find_by_attr("id", "inc").unwrap().path, b.path);
    assert_eq!(b.target("onclick"), b.target("onClick"));
    assert!(b.target("onclick").is_some());

    let u = page.fire(&b, "onclick", json!({"type": "click"})).await.unwrap();
    assert_update(&u, "/children/0/children/2", json!([{"op": "replace", "path": "/children/0", "value": "Count: 1"}]));
    assert!(page.find_by_text("Count: 0").is_none());
    assert_eq!(page.find_by_text("Count: 1").unwrap().path, b.path);

    let q = page.find_by_attr("name", "q").unwrap();
    assert_eq!(q.path, "/children/0/children/1");
    let u = page.fire(&q, "oninput", json!({"type": "input", "value": "rust"})).await.unwrap();
    assert_update(
        &u,
        "/children/0/children/1",
        json!([{"op": "replace", "path": "/attributes/value", "value": "rust"}]),
    );
    assert_eq!(page.find_by_attr("name", "q").unwrap().attr("value").as_deref(), Some("rust"));

    assert_eq!(page.find_all_by_tag("button").len(), 1);
    assert_eq!(page.find_all_by_tag("p")[0].path, "/children/0/children/0");
    assert_eq!(page.updates().len(), 3);
    let model = page.model().clone();
    assert_eq!(model, page.layout().model());
    assert!(page.settle().is_none());
    assert!(page.next_update(Duration::from_millis(20)).await.is_none());
}
