//! The messages of the client: what it sends ([`ClientMessage`], decoded in one pass over the
//! fields of every kind, with a careful second pass that words the errors), and the commands and
//! actions the server sends it besides updates.

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::LayoutEvent;
use super::json::json_str;
use crate::hooks::{Arrival, ClientCommand, History};
use crate::widget::BrowserAction;

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

    pub(super) fn decode_careful(text: &str) -> Result<Self, DecodeError> {
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
    pub(super) fn decode_common(text: &str) -> Option<Self> {
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
