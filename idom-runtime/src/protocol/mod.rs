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
//! turns the diff's operations into RFC 6902 and chooses each update's path.

mod json;
mod patch;

use json::json_str;
pub(crate) use json::write_node;
pub(crate) use patch::JsonPatch;

use std::fmt::{self, Write as _};

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

use crate::hooks::{Arrival, ClientCommand, History};
use crate::upload::Upload;
use crate::widget::BrowserAction;

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

/// A message from the client.
#[derive(Clone, PartialEq, Debug)]
#[non_exhaustive]
pub enum ClientMessage {
    /// An event for a handler.
    LayoutEvent(LayoutEvent),
    /// The browser moved: a link click the client intercepted, or back and forward.
    Navigate {
        /// The URL's path and query, the app's prefix included (`/app/users/7?tab=info`).
        href: String,
        /// A click (`push`) or back and forward (`pop`).
        how: Arrival,
    },
    /// The user picked files in a file input with a handler at `target`: the client waits for
    /// the URLs to send them to.
    UploadStart {
        /// The client's id for this announcement, echoed in the answer.
        upload: String,
        /// The input's `onchange` (or `oninput`) target.
        target: String,
        /// The files, as the browser describes them.
        files: Vec<FileInfo>,
    },
    /// A message of a type this version does not know; ignored.
    Unknown(String),
}

/// A file as the client announces it in an `upload-start`.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct FileInfo {
    /// The file's name (no path).
    pub name: String,
    /// Its size in bytes.
    pub size: u64,
    /// Its MIME type (empty when the browser does not know it).
    #[serde(default)]
    pub mime: String,
}

/// How a `navigate` message arrived, as the client writes it.
#[derive(Deserialize)]
#[serde(rename_all = "lowercase")]
enum How {
    Push,
    Pop,
}

impl From<How> for Arrival {
    fn from(how: How) -> Arrival {
        match how {
            How::Push => Arrival::Push,
            How::Pop => Arrival::Pop,
        }
    }
}

/// Why a client message could not be decoded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// The text is not JSON, or not a JSON object with a string `type`.
    #[error("message is not a JSON object with a string `type`: {0}")]
    NotAMessage(String),
    /// A `layout-event` whose fields have the wrong shape.
    #[error("malformed layout-event: {0}")]
    BadEvent(serde_json::Error),
    /// A `navigate` whose fields have the wrong shape.
    #[error("malformed navigate: {0}")]
    BadNavigate(serde_json::Error),
    /// An `upload-start` whose fields have the wrong shape.
    #[error("malformed upload-start: {0}")]
    BadUpload(serde_json::Error),
}

impl ClientMessage {
    /// Decodes a text frame from the client. Unknown `type`s decode to [`ClientMessage::Unknown`].
    pub fn decode(text: &str) -> Result<Self, DecodeError> {
        match Self::decode_common(text) {
            Some(message) => Ok(message),
            None => Self::decode_careful(text),
        }
    }

    fn decode_careful(text: &str) -> Result<Self, DecodeError> {
        // First the `type` alone, borrowed from the text (the other fields are skipped, not
        // kept); then the message of that type straight from the text. No map of the fields is
        // built on the way. This path words the errors, and takes the shapes the one-pass
        // decoder leaves to it.
        #[derive(Deserialize)]
        struct Envelope<'a> {
            #[serde(rename = "type", borrow)]
            kind: std::borrow::Cow<'a, str>,
        }
        let envelope: Envelope<'_> = serde_json::from_str(text).map_err(|e| DecodeError::NotAMessage(e.to_string()))?;
        match &*envelope.kind {
            "layout-event" => {
                let event: LayoutEvent = serde_json::from_str(text).map_err(DecodeError::BadEvent)?;
                Ok(ClientMessage::LayoutEvent(event))
            }
            "navigate" => {
                #[derive(Deserialize)]
                struct Navigate {
                    href: String,
                    how: How,
                }
                let n: Navigate = serde_json::from_str(text).map_err(DecodeError::BadNavigate)?;
                Ok(ClientMessage::Navigate { href: n.href, how: n.how.into() })
            }
            "upload-start" => {
                #[derive(Deserialize)]
                struct Start {
                    upload: String,
                    target: String,
                    files: Vec<FileInfo>,
                }
                let start: Start = serde_json::from_str(text).map_err(DecodeError::BadUpload)?;
                Ok(ClientMessage::UploadStart { upload: start.upload, target: start.target, files: start.files })
            }
            _ => Ok(ClientMessage::Unknown(envelope.kind.into_owned())),
        }
    }

    /// The messages a client sends, in one pass over the text: every field any message has is
    /// read where present and the type picks the ones it needs. `None` when the text is not such
    /// a message whole (an error, a missing or `null` field, a field of the wrong shape, even one
    /// the type does not use): [`decode`](Self::decode) then takes its careful path, so the
    /// outcome is the same either way (`protocol` unit test `both_decoders_agree`).
    fn decode_common(text: &str) -> Option<Self> {
        #[derive(Deserialize)]
        struct Fields<'a> {
            #[serde(rename = "type", borrow)]
            kind: std::borrow::Cow<'a, str>,
            target: Option<String>,
            data: Option<Vec<Value>>,
            href: Option<String>,
            how: Option<How>,
            upload: Option<String>,
            files: Option<Vec<FileInfo>>,
        }
        let f: Fields<'_> = serde_json::from_str(text).ok()?;
        match &*f.kind {
            "layout-event" => {
                Some(ClientMessage::LayoutEvent(LayoutEvent { target: f.target?, data: f.data?, files: Vec::new() }))
            }
            "navigate" => Some(ClientMessage::Navigate { href: f.href?, how: f.how?.into() }),
            "upload-start" => {
                Some(ClientMessage::UploadStart { upload: f.upload?, target: f.target?, files: f.files? })
            }
            _ => None,
        }
    }

    /// Encodes the message as a text frame.
    pub fn encode(&self) -> String {
        match self {
            ClientMessage::LayoutEvent(e) => {
                serde_json::json!({"type": "layout-event", "target": e.target, "data": e.data}).to_string()
            }
            ClientMessage::Navigate { href, how } => {
                let how = match how {
                    Arrival::Push => "push",
                    Arrival::Pop => "pop",
                };
                serde_json::json!({"type": "navigate", "href": href, "how": how}).to_string()
            }
            ClientMessage::UploadStart { upload, target, files } => {
                serde_json::json!({"type": "upload-start", "upload": upload, "target": target, "files": files})
                    .to_string()
            }
            ClientMessage::Unknown(kind) => serde_json::json!({ "type": kind }).to_string(),
        }
    }
}

/// The text frame of a [`ClientCommand`]: a `location` message.
///
/// ```
/// use idom::hooks::{ClientCommand, History};
/// use idom::protocol::encode_command;
///
/// let command = ClientCommand::Location { href: "/users/7".into(), how: History::Push, title: Some("User 7".into()) };
/// assert_eq!(
///     encode_command(&command),
///     r#"{"type":"location","href":"/users/7","how":"push","title":"User 7"}"#
/// );
/// ```
pub fn encode_command(command: &ClientCommand) -> String {
    let mut out = String::with_capacity(64);
    match command {
        ClientCommand::Location { href, how, title } => {
            out.push_str("{\"type\":\"location\",\"href\":");
            json_str(&mut out, href);
            out.push_str(match how {
                History::Push => ",\"how\":\"push\"",
                History::Replace => ",\"how\":\"replace\"",
            });
            if let Some(title) = title {
                out.push_str(",\"title\":");
                json_str(&mut out, title);
            }
            out.push('}');
        }
        ClientCommand::UploadUrls { upload, urls } => {
            out.push_str("{\"type\":\"upload-url\",\"upload\":");
            json_str(&mut out, upload);
            out.push_str(",\"urls\":[");
            for (i, url) in urls.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                match url {
                    Some(url) => json_str(&mut out, url),
                    None => out.push_str("null"),
                }
            }
            out.push_str("]}");
        }
        ClientCommand::WidgetCall { widget, method, args } => {
            out.push_str("{\"type\":\"widget-call\",\"widget\":");
            json_str(&mut out, widget);
            out.push_str(",\"method\":");
            json_str(&mut out, method);
            let _ = write!(out, ",\"args\":{args}}}");
        }
        ClientCommand::Action(action) => write_action(&mut out, action, None),
        ClientCommand::UploadRefused { upload, reason } => {
            out.push_str("{\"type\":\"upload-refused\",\"upload\":");
            json_str(&mut out, upload);
            out.push_str(",\"reason\":");
            json_str(&mut out, reason);
            out.push('}');
        }
    }
    out
}

/// The text frame of a browser action; a download needs `url`, where the server serves its bytes
/// (without one the client is told nothing to fetch and ignores it).
pub fn encode_action(action: &BrowserAction, url: Option<&str>) -> String {
    let mut out = String::with_capacity(64);
    write_action(&mut out, action, url);
    out
}

fn write_action(out: &mut String, action: &BrowserAction, url: Option<&str>) {
    out.push_str("{\"type\":\"action\",\"action\":");
    let element = |out: &mut String, id: &str| {
        out.push_str(",\"element\":");
        json_str(out, id);
    };
    match action {
        BrowserAction::Focus { element: id } => {
            out.push_str("\"focus\"");
            element(out, id);
        }
        BrowserAction::ScrollIntoView { element: id } => {
            out.push_str("\"scroll-into-view\"");
            element(out, id);
        }
        BrowserAction::Copy { text } => {
            out.push_str("\"copy\",\"text\":");
            json_str(out, text);
        }
        BrowserAction::Download { name, .. } => {
            out.push_str("\"download\",\"name\":");
            json_str(out, name);
            if let Some(url) = url {
                out.push_str(",\"url\":");
                json_str(out, url);
            }
        }
        BrowserAction::Eval { code, element: id } => {
            out.push_str("\"eval\",\"code\":");
            json_str(out, code);
            if let Some(id) = id {
                element(out, id);
            }
        }
    }
    out.push('}');
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
