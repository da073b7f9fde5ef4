//! Rate-limited handlers (`debounce` / `throttle`): how they appear in the model, the exact
//! operation when a handler's rate changes, and the rounding of durations to the wire's whole
//! milliseconds. The limiting itself runs in the browser client (tests/browser_rate.rs).

mod common;

use std::time::Duration;

use common::{Harness, assert_update};
use idom_runtime::html::{EventOptions, Rate, div, events, input};
use idom_runtime::testing::StaticEventHandler;
use serde_json::json;

const fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

#[test]
fn the_model_carries_the_rate_in_milliseconds() {
    let page = div()
        .child(input().on_with(events::oninput, EventOptions::new().debounce(ms(300)), |_| {}))
        .child(div().on_with(events::onscroll, EventOptions::new().throttle(ms(100)).stop_propagation(), |_| {}))
        .child(input().on_with(
            events::onkeydown,
            EventOptions::new().prevent_default().debounce(Duration::from_micros(250_900)),
            |_| {},
        ));
    let h = Harness::new((), move |()| page.clone().into());
    let (input_t, scroll_t, key_t) = (
        h.target("/children/0/children/0", "onInput"),
        h.target("/children/0/children/1", "onScroll"),
        h.target("/children/0/children/2", "onKeydown"),
    );
    assert_eq!(
        h.model["children"][0],
        json!({"tagName": "div", "children": [
            {"tagName": "input", "eventHandlers": {"onInput": {"target": input_t, "debounce": 300}}},
            {"tagName": "div", "eventHandlers": {"onScroll": {"target": scroll_t, "stopPropagation": true, "throttle": 100}}},
            {"tagName": "input", "eventHandlers": {"onKeydown": {"target": key_t, "preventDefault": true, "debounce": 250}}},
        ]})
    );
    // The model text itself, as the wire carries it (integers, in this order).
    let text = h.first.to_message();
    assert!(text.contains(&format!(r#"{{"target":"{input_t}","debounce":300}}"#)), "{text}");
}

#[test]
fn changing_the_rate_replaces_the_handler_entry() {
    let mut h = Harness::new(None, |rate: &Option<Rate>| {
        let mut options = EventOptions::new();
        options.rate = *rate;
        input().on_with(events::oninput, options, |_| {}).into()
    });
    let t = h.target("/children/0", "onInput");
    assert_eq!(h.model["children"][0], json!({"tagName": "input", "eventHandlers": {"onInput": {"target": t}}}));
    let steps = [
        (Some(Rate::Debounce(ms(300))), json!({"target": t, "debounce": 300})),
        (Some(Rate::Debounce(ms(500))), json!({"target": t, "debounce": 500})),
        (Some(Rate::Throttle(ms(500))), json!({"target": t, "throttle": 500})),
        (None, json!({"target": t})),
    ];
    for (rate, value) in steps {
        let u = h.set(rate);
        assert_update(&u, "/children/0", json!([{"op": "replace", "path": "/eventHandlers/onInput", "value": value}]));
        assert_eq!(h.target("/children/0", "onInput"), t, "the target stays");
    }
    // The same rate again, or one that rounds to the same milliseconds, sends nothing.
    assert_eq!(h.try_set(None), None);
    h.set(Some(Rate::Throttle(ms(40))));
    assert_eq!(h.try_set(Some(Rate::Throttle(Duration::from_micros(40_700)))), None);
}

#[test]
fn a_rate_and_the_other_options_change_together_in_one_operation() {
    let mut h = Harness::new(false, |&on: &bool| {
        let options = if on { EventOptions::new().prevent_default().throttle(ms(16)) } else { EventOptions::new() };
        div().on_with(events::onpointermove, options, |_| {}).into()
    });
    let t = h.target("/children/0", "onPointermove");
    let u = h.set(true);
    assert_update(
        &u,
        "/children/0",
        json!([{"op": "replace", "path": "/eventHandlers/onPointermove",
                "value": {"target": t, "preventDefault": true, "throttle": 16}}]),
    );
}

#[test]
fn durations_beyond_a_browser_timer_are_clamped() {
    let page = input().on_with(events::oninput, EventOptions::new().debounce(Duration::MAX), |_| {});
    let h = Harness::new((), move |()| page.clone().into());
    assert_eq!(h.model["children"][0]["eventHandlers"]["onInput"]["debounce"], json!(2_147_483_647));
}

#[test]
fn a_static_handler_keeps_its_target_and_takes_a_rate() {
    let fixed = StaticEventHandler::new();
    let f = fixed.clone();
    let h = Harness::new((), move |()| {
        input().on_value(events::oninput, EventOptions::new().debounce(ms(200)), f.use_handler(|_| {})).into()
    });
    assert_eq!(
        h.model["children"][0]["eventHandlers"]["onInput"],
        json!({"target": &*fixed.target(), "debounce": 200})
    );
}
