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

use std::fmt::{self, Write as _};

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

use crate::upload::Upload;

/// JSON text, written once by the layout and copied verbatim into messages.
#[derive(Clone, PartialEq, Eq)]
pub struct Json(pub(crate) String);

impl Json {
    /// The JSON text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Parses the text into a [`Value`]. A `Json` is only ever made from valid JSON (by the
    /// model writer, [`from_value`](Self::from_value) or deserialising), so this cannot fail.
    pub fn to_value(&self) -> Value {
        serde_json::from_str(&self.0).expect("a Json holds valid JSON text")
    }

    /// JSON text of a value.
    pub fn from_value(value: &Value) -> Self {
        Json(value.to_string())
    }
}

impl fmt::Debug for Json {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for Json {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let raw: &serde_json::value::RawValue = serde_json::from_str(&self.0).map_err(serde::ser::Error::custom)?;
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
        let op = match self.op {
            Op::Add => "add",
            Op::Remove => "remove",
            Op::Replace => "replace",
            Op::Move => "move",
        };
        let _ = write!(out, "{{\"op\":\"{op}\",");
        if let Some(from) = &self.from {
            out.push_str("\"from\":");
            json_str(out, from);
            out.push(',');
        }
        out.push_str("\"path\":");
        json_str(out, &self.path);
        if let Some(value) = &self.value {
            out.push_str(",\"value\":");
            out.push_str(&value.0);
        }
        out.push('}');
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
                    + c.value.as_ref().map_or(0, |v| v.0.len())
            })
            .sum();
        let mut out = String::with_capacity(48 + self.path.len() + size);
        self.write_message(&mut out);
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
                PatchOp { op: Op::Replace, path: "/children/0".into(), from: None, value: Some(Json("\"x\"".into())) },
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
