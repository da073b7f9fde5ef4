//! dioxus's mutations as JSON text, the message a LiveView-style transport would send for one
//! render: `{"edits":[{"type":"LoadTemplate","template":0,"index":0,"id":3}, ...]}`.
//!
//! dioxus 0.7.10 has no serde form of its `Mutation` list (its own LiveView sends a binary
//! encoding), so this writer implements `WriteMutations` and appends each mutation as a JSON
//! object to one `String`, with the enum's variant names and fields. A template goes out once per
//! connection, the first time it is loaded (`RegisterTemplate`, the template serialised with
//! dioxus-core's `serialize` feature), and is referred to by number after that, as dioxus's own
//! interpreter does.

use dioxus_core::{AttributeValue, ElementId, Template, WriteMutations};
use rustc_hash::FxHashMap;

/// The JSON writer of one connection: the templates the client already has, and the message
/// being written.
#[derive(Default)]
pub(crate) struct JsonWriter {
    out: String,
    templates: FxHashMap<Template, usize>,
}

impl JsonWriter {
    /// The message of the mutations written since the last call.
    pub(crate) fn take(&mut self) -> String {
        if self.out.is_empty() {
            return r#"{"edits":[]}"#.to_owned();
        }
        self.out.push_str("]}");
        std::mem::take(&mut self.out)
    }

    /// Starts an edit object of the given type, leaving it open.
    fn edit(&mut self, kind: &str) {
        if self.out.is_empty() {
            self.out.push_str(r#"{"edits":["#);
        } else {
            self.out.push(',');
        }
        self.out.push_str(r#"{"type":""#);
        self.out.push_str(kind);
        self.out.push('"');
    }

    fn field(&mut self, name: &str) {
        self.out.push_str(",\"");
        self.out.push_str(name);
        self.out.push_str("\":");
    }

    fn number(&mut self, name: &str, n: usize) {
        self.field(name);
        self.out.push_str(itoa::Buffer::new().format(n));
    }

    fn string(&mut self, name: &str, s: &str) {
        self.field(name);
        escape(&mut self.out, s);
    }

    fn path(&mut self, path: &[u8]) {
        self.field("path");
        self.out.push('[');
        for (i, step) in path.iter().enumerate() {
            if i > 0 {
                self.out.push(',');
            }
            self.out.push_str(itoa::Buffer::new().format(*step));
        }
        self.out.push(']');
    }

    fn id_end(&mut self, id: ElementId) {
        self.number("id", id.0);
        self.out.push('}');
    }

    fn id_m(&mut self, kind: &str, id: ElementId, m: usize) {
        self.edit(kind);
        self.number("m", m);
        self.id_end(id);
    }
}

/// Appends `s` as a JSON string.
fn escape(out: &mut String, s: &str) {
    out.push('"');
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        let escaped = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0..0x20 => "",
            _ => continue,
        };
        out.push_str(&s[start..i]);
        if escaped.is_empty() {
            out.push_str(&format!("\\u{b:04x}"));
        } else {
            out.push_str(escaped);
        }
        start = i + 1;
    }
    out.push_str(&s[start..]);
    out.push('"');
}

impl WriteMutations for JsonWriter {
    fn append_children(&mut self, id: ElementId, m: usize) {
        self.id_m("AppendChildren", id, m);
    }

    fn assign_node_id(&mut self, path: &'static [u8], id: ElementId) {
        self.edit("AssignId");
        self.path(path);
        self.id_end(id);
    }

    fn create_placeholder(&mut self, id: ElementId) {
        self.edit("CreatePlaceholder");
        self.id_end(id);
    }

    fn create_text_node(&mut self, value: &str, id: ElementId) {
        self.edit("CreateTextNode");
        self.string("value", value);
        self.id_end(id);
    }

    fn load_template(&mut self, template: Template, index: usize, id: ElementId) {
        let known = self.templates.len();
        let number = *self.templates.entry(template).or_insert(known);
        if number == known {
            self.edit("RegisterTemplate");
            self.number("number", number);
            self.field("template");
            self.out.push_str(&serde_json::to_string(&template).expect("a template serialises"));
            self.out.push('}');
        }
        self.edit("LoadTemplate");
        self.number("template", number);
        self.number("index", index);
        self.id_end(id);
    }

    fn replace_node_with(&mut self, id: ElementId, m: usize) {
        self.id_m("ReplaceWith", id, m);
    }

    fn replace_placeholder_with_nodes(&mut self, path: &'static [u8], m: usize) {
        self.edit("ReplacePlaceholder");
        self.path(path);
        self.number("m", m);
        self.out.push('}');
    }

    fn insert_nodes_after(&mut self, id: ElementId, m: usize) {
        self.id_m("InsertAfter", id, m);
    }

    fn insert_nodes_before(&mut self, id: ElementId, m: usize) {
        self.id_m("InsertBefore", id, m);
    }

    fn set_attribute(&mut self, name: &'static str, ns: Option<&'static str>, value: &AttributeValue, id: ElementId) {
        self.edit("SetAttribute");
        self.string("name", name);
        if let Some(ns) = ns {
            self.string("ns", ns);
        }
        self.field("value");
        match value {
            AttributeValue::Text(s) => escape(&mut self.out, s),
            AttributeValue::Float(f) => self.out.push_str(&serde_json::to_string(f).expect("a number")),
            AttributeValue::Int(i) => self.out.push_str(itoa::Buffer::new().format(*i)),
            AttributeValue::Bool(b) => self.out.push_str(if *b { "true" } else { "false" }),
            AttributeValue::None => self.out.push_str("null"),
            AttributeValue::Listener(_) | AttributeValue::Any(_) => panic!("not an attribute a client can hold"),
        }
        self.id_end(id);
    }

    fn set_node_text(&mut self, value: &str, id: ElementId) {
        self.edit("SetText");
        self.string("value", value);
        self.id_end(id);
    }

    fn create_event_listener(&mut self, name: &'static str, id: ElementId) {
        self.edit("NewEventListener");
        self.string("name", name);
        self.id_end(id);
    }

    fn remove_event_listener(&mut self, name: &'static str, id: ElementId) {
        self.edit("RemoveEventListener");
        self.string("name", name);
        self.id_end(id);
    }

    fn remove_node(&mut self, id: ElementId) {
        self.edit("Remove");
        self.id_end(id);
    }

    fn push_root(&mut self, id: ElementId) {
        self.edit("PushRoot");
        self.id_end(id);
    }
}

/// The element ids of the `click` listeners a message creates, in order.
pub(crate) fn click_listeners(message: &str) -> Vec<ElementId> {
    let value: serde_json::Value = serde_json::from_str(message).expect("the message is JSON");
    value["edits"]
        .as_array()
        .expect("edits")
        .iter()
        .filter(|e| e["type"] == "NewEventListener" && e["name"] == "click")
        .map(|e| ElementId(e["id"].as_u64().expect("an id") as usize))
        .collect()
}
