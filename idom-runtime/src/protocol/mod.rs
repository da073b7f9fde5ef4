//! The wire types: [`LayoutUpdate`], [`LayoutEvent`] and the JSON messages of the websocket
//! protocol (see `docs/protocol.md`).
//!
//! ```text
//! server -> client  {"type":"layout-update","path":"<JSON Pointer>","changes":[<RFC 6902 ops relative to path>]}
//! client -> server  {"type":"layout-event","target":"t12","data":[<event object>, ...]}
//! ```
//!
//! Patch values are kept as JSON text from the moment the layout writes them, so an update is
//! serialised without building a `serde_json::Value` of the model.
//!
//! `json.rs` holds the one JSON string escaper and the model's JSON (of mounted nodes and of
//! elements); `patch.rs` is the JSON Patch writer, the `PatchSink` (see `diff/sink.rs`) that
//! turns the diff's operations into RFC 6902 and chooses each update's path; `client.rs` decodes
//! the client's messages and encodes the commands sent to it.

mod client;
pub(crate) mod json;
mod patch;

pub use client::{ClientMessage, DecodeError, FileInfo, encode_action, encode_command};
use json::json_str;
pub(crate) use json::write_node;
pub(crate) use patch::JsonPatch;

use std::fmt;

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

use crate::upload::Upload;

/// JSON text, written once by the layout and copied verbatim into messages.
///
/// A large value (a new list of children, the whole model) is written after a run of spaces, the
/// room its update's message needs before it, so [`LayoutUpdate::into_message`] can write the
/// message around the value in the value's own buffer instead of copying it. The room is not part
/// of the text: [`as_str`](Self::as_str), equality and serialisation see the value alone.
#[derive(Clone)]
pub struct Json {
    text: String,
    /// Where the JSON text starts in `text` (after the room left for a message's start).
    start: usize,
}

impl Json {
    /// JSON text (the caller's word that it is valid).
    pub(crate) fn new(text: String) -> Self {
        Json { text, start: 0 }
    }

    /// JSON text written after `start` spaces of room (see [`LayoutUpdate::into_message`]).
    pub(crate) fn with_room(text: String, start: usize) -> Self {
        debug_assert!(text.as_bytes()[..start].iter().all(|&b| b == b' '), "the room is spaces");
        Json { text, start }
    }

    /// The JSON text.
    pub fn as_str(&self) -> &str {
        &self.text[self.start..]
    }

    /// Parses the text into a [`Value`]. A `Json` is only ever made from valid JSON (by the
    /// model writer, [`from_value`](Self::from_value) or deserialising), so this cannot fail.
    pub fn to_value(&self) -> Value {
        serde_json::from_str(self.as_str()).expect("a Json holds valid JSON text")
    }

    /// JSON text of a value.
    pub fn from_value(value: &Value) -> Self {
        Json::new(value.to_string())
    }
}

impl PartialEq for Json {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Json {}

impl fmt::Debug for Json {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Json {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let raw: &serde_json::value::RawValue =
            serde_json::from_str(self.as_str()).map_err(serde::ser::Error::custom)?;
        raw.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Json {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        Ok(Json::from_value(&value))
    }
}

/// An RFC 6902 operation kind. idom emits `add`, `remove`, `replace` and `move`.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Op {
    /// Insert a value (into an array: before the index).
    Add,
    /// Remove a value.
    Remove,
    /// Replace a value.
    Replace,
    /// Move a value from `from` to `path`.
    Move,
}

/// One JSON Patch operation, relative to the path of its [`LayoutUpdate`].
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct PatchOp {
    /// The operation.
    pub op: Op,
    /// The JSON Pointer it applies to.
    pub path: String,
    /// For `move`: where the value comes from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// For `add` and `replace`: the value, as JSON text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<Json>,
}

impl PatchOp {
    pub(crate) fn write_json(&self, out: &mut String) {
        self.write_head(out);
        if let Some(value) = &self.value {
            out.push_str(value.as_str());
        }
        out.push('}');
    }

    /// What [`write_json`](Self::write_json) writes before the value: `{"op":..,"path":..,` and
    /// `"value":` when it has one.
    fn write_head(&self, out: &mut String) {
        out.push_str("{\"op\":\"");
        out.push_str(match self.op {
            Op::Add => "add",
            Op::Remove => "remove",
            Op::Replace => "replace",
            Op::Move => "move",
        });
        out.push_str("\",");
        if let Some(from) = &self.from {
            out.push_str("\"from\":");
            json_str(out, from);
            out.push(',');
        }
        out.push_str("\"path\":");
        json_str(out, &self.path);
        if self.value.is_some() {
            out.push_str(",\"value\":");
        }
    }

    /// This operation as a JSON value (`{"op": ..., "path": ..., ...}`). Cannot fail: the text is
    /// written here from valid parts (see [`Json::to_value`]).
    pub fn to_value(&self) -> Value {
        let mut text = String::new();
        self.write_json(&mut text);
        serde_json::from_str(&text).expect("an operation is written as valid JSON")
    }
}

/// A change of the model: JSON Patch operations relative to `path`, a JSON Pointer to an element
/// of the model. The first update of a layout has path `""` and builds the whole model.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct LayoutUpdate {
    /// The element the changes are relative to (`""` is the model's root).
    pub path: String,
    /// The operations, to apply in order.
    pub changes: Vec<PatchOp>,
}

impl LayoutUpdate {
    /// The wire message: `{"type":"layout-update","path":...,"changes":[...]}`.
    pub fn to_message(&self) -> String {
        // Sized for the whole message up front: a large value (a new table) is copied once
        // instead of being moved by every doubling of the buffer.
        let size: usize = self
            .changes
            .iter()
            .map(|c| {
                40 + c.path.len()
                    + c.from.as_ref().map_or(0, |f| f.len() + 10)
                    + c.value.as_ref().map_or(0, |v| v.as_str().len())
            })
            .sum();
        let mut out = String::with_capacity(48 + self.path.len() + size);
        self.write_message(&mut out);
        out
    }

    /// The wire message, as [`to_message`](Self::to_message) writes it, made from the update.
    ///
    /// When the first operation's value was written with room before it (a new list of children
    /// or the whole model, see [`Json`]), the message is written around the value in the value's
    /// own buffer: the value is not copied. The room the message's start leaves unused stays as
    /// spaces before the value, which JSON allows. This is what a session sends.
    ///
    /// ```
    /// use idom::prelude::*;
    ///
    /// #[component]
    /// fn List() -> Element {
    ///     html! { <ul>{(0..100).map(|i| html! { <li>{i}</li> })}</ul> }
    /// }
    /// let mut layout = Layout::new(List);
    /// let first = layout.try_render().unwrap();
    /// let copied = first.to_message();
    /// let sent = first.into_message();
    /// let parse = |text: &str| serde_json::from_str::<serde_json::Value>(text).unwrap();
    /// assert_eq!(parse(&sent), parse(&copied));
    /// ```
    pub fn into_message(mut self) -> String {
        let Some(first) = self.changes.first_mut() else { return self.to_message() };
        let Some(value) = first.value.as_mut().filter(|v| v.start > 0) else { return self.to_message() };
        let mut head = String::with_capacity(value.start);
        head.push_str("{\"type\":\"layout-update\",\"path\":");
        json_str(&mut head, &self.path);
        head.push_str(",\"changes\":[");
        first.write_head(&mut head);
        let Some(value) = first.value.take() else { unreachable!("checked above") };
        if head.len() > value.start {
            first.value = Some(value);
            return self.to_message();
        }
        let mut out = value.text;
        out.replace_range(..head.len(), &head);
        out.push('}');
        for change in &self.changes[1..] {
            out.push(',');
            change.write_json(&mut out);
        }
        out.push_str("]}");
        out
    }

    /// Appends the wire message to `out`.
    pub fn write_message(&self, out: &mut String) {
        out.push_str("{\"type\":\"layout-update\",\"path\":");
        json_str(out, &self.path);
        out.push_str(",\"changes\":[");
        for (i, change) in self.changes.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            change.write_json(out);
        }
        out.push_str("]}");
    }

    /// The changes as a JSON array of operations, relative to `path`.
    pub fn changes_json(&self) -> Value {
        Value::Array(self.changes.iter().map(PatchOp::to_value).collect())
    }
}

/// An event from the client for the handler registered under `target`.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct LayoutEvent {
    /// The handler's target id, from the model's `eventHandlers`.
    pub target: String,
    /// The event data the client sent (usually one event object).
    #[serde(default)]
    pub data: Vec<Value>,
    /// The files of a file input's change, which never travel in the message itself.
    #[serde(skip)]
    files: Vec<Upload>,
}

impl LayoutEvent {
    /// An event for `target` carrying `data`.
    pub fn new(target: impl Into<String>, data: Vec<Value>) -> Self {
        LayoutEvent { target: target.into(), data, files: Vec::new() }
    }

    /// This event with `files` attached: the handler gets them from
    /// [`Event::files`](crate::Event::files).
    pub fn with_files(mut self, files: Vec<Upload>) -> Self {
        self.files = files;
        self
    }

    /// The files attached to this event.
    pub fn files(&self) -> &[Upload] {
        &self.files
    }

    /// The event's data and files, for the handler.
    pub(crate) fn into_parts(self) -> (String, Vec<Value>, Vec<Upload>) {
        (self.target, self.data, self.files)
    }
}

/// Decodes a `layout-update` message (as a client would), for tests and tools.
pub fn decode_update(text: &str) -> Result<LayoutUpdate, serde_json::Error> {
    #[derive(Deserialize)]
    struct Msg {
        #[serde(rename = "type")]
        kind: String,
        path: String,
        changes: Vec<PatchOp>,
    }
    let msg: Msg = serde_json::from_str(text)?;
    if msg.kind != "layout-update" {
        return Err(serde_json::Error::custom(format!("expected a layout-update, got {:?}", msg.kind)));
    }
    Ok(LayoutUpdate { path: msg.path, changes: msg.changes })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hooks::Arrival;

    mod sent_in_place {
        use std::sync::{Arc, Mutex};

        use crate::hooks::{UpdateHandle, use_update};
        use crate::html::{div, li, p, ul};
        use crate::{Component, Element, HookContext, Layout, LayoutUpdate};

        /// Shows a caption and the keyed items `first..first + n`; the test changes them.
        struct Items {
            state: Arc<Mutex<(&'static str, usize, usize)>>,
            handle: Arc<Mutex<Option<UpdateHandle>>>,
        }

        impl PartialEq for Items {
            fn eq(&self, other: &Self) -> bool {
                Arc::ptr_eq(&self.state, &other.state)
            }
        }

        impl Component for Items {
            fn render(&self, cx: &mut HookContext<'_>) -> Element {
                *self.handle.lock().unwrap() = Some(use_update::__call(cx));
                let (caption, first, n) = *self.state.lock().unwrap();
                let items = ul().child((first..first + n).map(|i| li().key(i).child(i)));
                div().child(p().child(caption)).child(items).into()
            }
        }

        /// The message of `update` made in place, after checking it against the copied one.
        /// Returns whether the first value's buffer became the message.
        fn send(update: LayoutUpdate) -> (String, bool) {
            let copied = update.to_message();
            let buffer = update.changes[0].value.as_ref().map(|v| v.text.as_ptr());
            let sent = update.into_message();
            let parse = |text: &str| serde_json::from_str::<serde_json::Value>(text).unwrap();
            assert_eq!(parse(&sent), parse(&copied));
            assert!(sent.starts_with(r#"{"type":"layout-update","path":"#), "{sent}");
            let in_place = buffer == Some(sent.as_ptr());
            (sent, in_place)
        }

        #[test]
        fn a_new_list_becomes_its_message_and_a_short_one_is_copied() {
            let state = Arc::new(Mutex::new(("rows", 0, 40)));
            let handle = Arc::new(Mutex::new(None));
            let mut layout = Layout::new(Items { state: state.clone(), handle: handle.clone() });
            // The whole model: its room fits the message's start exactly.
            let first = layout.try_render().unwrap();
            let copied = first.to_message();
            let (sent, in_place) = send(first);
            assert!(in_place, "the whole model is sent in its own buffer");
            assert_eq!(sent, copied, "no room is left over");
            let mut step = |caption, first, n| {
                *state.lock().unwrap() = (caption, first, n);
                handle.lock().unwrap().as_ref().unwrap().update();
                layout.try_render().expect("a change")
            };
            // Forty new rows replace forty: one operation, sent in place, byte for byte.
            let update = step("rows", 100, 40);
            assert_eq!(update.changes.len(), 1);
            let copied = update.to_message();
            let (sent, in_place) = send(update);
            assert!(in_place);
            assert_eq!(sent, copied);
            // Removing them all, then adding forty to the empty list (an `add`, not a `replace`).
            assert!(!send(step("rows", 100, 0)).1);
            let update = step("rows", 200, 40);
            let copied = update.to_message();
            let (sent, in_place) = send(update);
            assert!(in_place);
            assert_eq!(sent, copied);
            // A short list is written without room, and copied.
            let update = step("rows", 300, 5);
            assert!(update.changes[0].value.as_ref().is_some_and(|v| v.start == 0));
            assert!(!send(update).1);
            // The caption's text comes first: the list's room does not hold the message's start
            // then, and the message is copied.
            let update = step("new rows", 400, 40);
            assert_eq!(update.changes.len(), 2);
            assert!(!send(update).1);
        }
    }

    #[test]
    fn json_strings_escape_like_serde() {
        for s in ["plain", "q\"uote", "back\\slash", "nl\n", "\u{1}ctl", "ünï", "</script>"] {
            let mut out = String::new();
            json_str(&mut out, s);
            assert_eq!(serde_json::from_str::<String>(&out).unwrap(), s);
        }
    }

    #[test]
    fn decodes_events_and_ignores_unknown_types() {
        let msg = ClientMessage::decode(r#"{"type":"layout-event","target":"t1","data":[{"type":"click"}]}"#).unwrap();
        assert_eq!(msg, ClientMessage::LayoutEvent(LayoutEvent::new("t1", vec![serde_json::json!({"type": "click"})])));
        assert_eq!(ClientMessage::decode(r#"{"type":"ping"}"#).unwrap(), ClientMessage::Unknown("ping".into()));
        assert!(ClientMessage::decode("[1]").is_err());
        assert!(ClientMessage::decode(r#"{"type":"layout-event","target":3}"#).is_err());
        let nav = ClientMessage::decode(r#"{"type":"navigate","href":"/a?b=1","how":"pop"}"#).unwrap();
        assert_eq!(nav, ClientMessage::Navigate { href: "/a?b=1".into(), how: Arrival::Pop });
        assert_eq!(ClientMessage::decode(&nav.encode()).unwrap(), nav);
        assert!(ClientMessage::decode(r#"{"type":"navigate","href":"/a","how":"sideways"}"#).is_err());
        assert!(ClientMessage::decode(r#"{"type":"navigate","how":"push"}"#).is_err());
        let start = ClientMessage::decode(
            r#"{"type":"upload-start","upload":"1","target":"t","files":[{"name":"a.csv","size":5,"mime":"text/csv"}]}"#,
        )
        .unwrap();
        let files = vec![FileInfo { name: "a.csv".into(), size: 5, mime: "text/csv".into() }];
        assert_eq!(start, ClientMessage::UploadStart { upload: "1".into(), target: "t".into(), files });
        assert_eq!(ClientMessage::decode(&start.encode()).unwrap(), start);
        assert!(
            ClientMessage::decode(r#"{"type":"upload-start","upload":"1","target":"t","files":[{"size":-1}]}"#)
                .is_err()
        );
    }

    /// What the one-pass decoder accepts, the careful one decodes to the same message.
    #[test]
    fn both_decoders_agree() {
        let deep = format!(
            r#"{{"type":"layout-event","target":"t","data":[{{"deep":{}}}]}}"#,
            "[".repeat(200) + &"]".repeat(200)
        );
        let texts = [
            r#"{"type":"layout-event","target":"t1","data":[{"type":"click"}]}"#,
            r#"{"data":[{"type":"click","x":1.5}],"target":"t\u00e9","type":"layout-event"}"#,
            r#"{"type":"layout-event","target":"t1","data":[],"files":[{"name":"x","size":1}]}"#,
            r#"{"type":"layout-event","target":"t1","data":null}"#,
            r#"{"type":"layout-event","target":"","data":[1,"a",null]}"#,
            r#"{"type":"layout-event","target":5,"data":"x"}"#,
            r#"{"type":"layout-event","data":[]}"#,
            r#"{"type":"navigate","href":"/a?b=1","how":"push","data":"ignored"}"#,
            r#"{"type":"navigate","href":"/a","how":"pop"}"#,
            r#"{"type":"upload-start","upload":"1","target":"t","files":[{"name":"a","size":5}]}"#,
            r#"{"type":"lay\u006fut-event","target":"t1","data":[]}"#,
            r#"{"type":"something-else","payload":[1,2,3]}"#,
            r#"{"type":"layout-event","type":"navigate","target":"t","data":[]}"#,
            deep.as_str(),
        ];
        for text in texts {
            let careful = ClientMessage::decode_careful(text);
            // Where the one-pass decoder gives up, the careful path decides alone.
            if let Some(fast) = ClientMessage::decode_common(text) {
                assert_eq!(Some(&fast), careful.as_ref().ok(), "{text}");
            }
            assert_eq!(ClientMessage::decode(text).ok(), careful.ok(), "{text}");
        }
    }

    #[test]
    fn update_message_round_trips() {
        let update = LayoutUpdate {
            path: "/children/0".into(),
            changes: vec![
                PatchOp {
                    op: Op::Replace,
                    path: "/children/0".into(),
                    from: None,
                    value: Some(Json::new("\"x\"".into())),
                },
                PatchOp { op: Op::Move, path: "/children/1".into(), from: Some("/children/3".into()), value: None },
            ],
        };
        let text = update.to_message();
        assert_eq!(
            text,
            r#"{"type":"layout-update","path":"/children/0","changes":[{"op":"replace","path":"/children/0","value":"x"},{"op":"move","from":"/children/3","path":"/children/1"}]}"#
        );
        assert_eq!(decode_update(&text).unwrap(), update);
    }
}
