//! Arbitrary client frames: `ClientMessage::decode`, then the decoded event delivered to a real
//! `Layout`, and `decode_update` on the same text. Nothing here may panic.
//!
//! The layout's handlers read every field accessor of `Event` but change no state, so after an
//! event the layout must have nothing to render.

#![no_main]

use std::hint::black_box;

use idom_runtime::html::{EventOptions, button, div, events, form, input, p};
use idom_runtime::protocol::{ClientMessage, decode_update};
use idom_runtime::{Event, Layout};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

/// Reads the event through every accessor (the handlers' only effect).
fn observe(e: &Event) {
    black_box((e.data().len(), e.raw(), e.get("type"), e.event_type(), e.value(), e.checked(), e.key(), e.code()));
    black_box((e.alt_key(), e.ctrl_key(), e.shift_key(), e.meta_key(), e.client_pos(), e.button()));
    black_box((e.form_value("name"), e.form_value(""), e.parse::<Value>().is_ok()));
    black_box(e.parse::<std::collections::BTreeMap<String, String>>().is_ok());
}

/// A small page: layout-assigned targets (`idx:generation:onClick`, ...) and one fixed target.
fn layout() -> Layout {
    let page = div()
        .class("app")
        .child(button().onclick(|e: Event| observe(&e)).child("Click"))
        .child(input().attr("name", "name").oninput(|e: Event| observe(&e)))
        .child(
            form()
                .on_with(events::onsubmit, EventOptions::new().prevent_default(), |e: Event| observe(&e))
                .child(p().child("form")),
        )
        .child(button().on_target(events::onclick, "fixed-click", |e: Event| observe(&e)).child("Fixed"));
    Layout::from_element(page)
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };

    // The decoder of layout updates (as a client would use it) on the same input.
    if let Ok(update) = decode_update(text) {
        black_box(update.to_message());
    }

    let message = match ClientMessage::decode(text) {
        Ok(message) => message,
        Err(error) => {
            black_box(error.to_string());
            return;
        }
    };
    // Whatever decodes must survive its own encoding.
    let again = ClientMessage::decode(&message.encode());
    assert!(again.is_ok(), "re-decoding {message:?} failed: {again:?}");

    let ClientMessage::LayoutEvent(event) = message else { return };
    let mut layout = layout();
    let first = layout.try_render().expect("the first render builds the model");
    let wire = first.to_message();
    assert!(decode_update(&wire).is_ok(), "the layout's own update does not decode: {wire}");

    layout.deliver_now(event);
    let after = layout.try_render();
    assert!(after.is_none(), "a handler that changes nothing caused an update: {after:?}");
    black_box(layout.model_json());
});
