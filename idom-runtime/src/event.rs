//! [`Event`]: what the browser sent when an event fired, with typed accessors.
//!
//! The client serialises each DOM event into a flat JSON object (see the wire protocol in
//! `docs/protocol.md`): `type`, and where they apply `value`, `checked`, `key`, `code`, the
//! modifier keys, mouse coordinates and `button`, and `formData` for a submitted form. Files are
//! never sent. The accessors return `None` when a field is absent or has another type, so a handler
//! never panics on unexpected data.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use serde_json::Value;

use crate::upload::Upload;

/// A boxed future run by an async event handler or effect.
pub(crate) type BoxFuture = Pin<Box<dyn Future<Output = ()> + Send + 'static>>;
/// A type-erased event handler.
pub(crate) type HandlerFn = Arc<dyn Fn(Event) -> Option<BoxFuture> + Send + Sync>;

// Defined with the list of events in idom-names, which the macros read too.
pub use idom_names::EventName;

/// Browser-side options of an event handler, applied synchronously by the client.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct EventOptions {
    /// Call `event.preventDefault()` in the browser before the event is sent.
    pub prevent_default: bool,
    /// Call `event.stopPropagation()` in the browser.
    pub stop_propagation: bool,
}

/// An event delivered to a handler: the data the client sent, with typed accessors.
///
/// ```
/// use idom_runtime::Event;
/// let e = Event::new(serde_json::json!({"type": "input", "value": "hello"}));
/// assert_eq!(e.value(), Some("hello"));
/// assert_eq!(e.checked(), None);
/// ```
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Event {
    data: Arc<[Value]>,
    /// The files of a file input's `change`, when there are any.
    files: Option<Arc<[Upload]>>,
}

static NULL: Value = Value::Null;

impl Event {
    /// An event whose first (main) data object is `data`.
    pub fn new(data: Value) -> Self {
        Event { data: Arc::from(vec![data]), files: None }
    }

    /// An event carrying every data value the client sent.
    pub fn from_data(data: Vec<Value>) -> Self {
        Event { data: Arc::from(data), files: None }
    }

    /// This event with `files` attached (what [`files`](Self::files) returns).
    pub fn with_files(mut self, files: Vec<Upload>) -> Self {
        self.files = (!files.is_empty()).then(|| Arc::from(files));
        self
    }

    /// The name a widget's `emit(name, value)` gave (a `JsComponent`'s `on_event`), if this is
    /// such an event.
    pub fn emit_name(&self) -> Option<&str> {
        (self.event_type() == Some("emit")).then(|| self.str_field("name")).flatten()
    }

    /// The value a widget's `emit(name, value)` gave (`null` when it gave none).
    pub fn emit_value(&self) -> Option<&Value> {
        self.emit_name().map(|_| self.get("value").unwrap_or(&NULL))
    }

    /// The files a file input's `onchange` got, each an [`Upload`] whose bytes stream in as the
    /// browser sends them; empty for every other event. See the guide on uploads in
    /// `docs/html.md`.
    pub fn files(&self) -> &[Upload] {
        self.files.as_deref().unwrap_or(&[])
    }

    /// Every data value the client sent (usually one event object).
    pub fn data(&self) -> &[Value] {
        &self.data
    }

    /// The main event object (the first data value), or `null`.
    pub fn raw(&self) -> &Value {
        self.data.first().unwrap_or(&NULL)
    }

    /// A field of the main event object.
    pub fn get(&self, field: &str) -> Option<&Value> {
        self.raw().get(field)
    }

    fn str_field(&self, field: &str) -> Option<&str> {
        self.get(field).and_then(Value::as_str)
    }

    fn bool_field(&self, field: &str) -> bool {
        self.get(field).and_then(Value::as_bool).unwrap_or(false)
    }

    /// The DOM event type (`click`, `input`, ...).
    pub fn event_type(&self) -> Option<&str> {
        self.str_field("type")
    }

    /// The `value` of the input, select or textarea the event came from.
    pub fn value(&self) -> Option<&str> {
        self.str_field("value")
    }

    /// Whether the checkbox or radio button the event came from is checked.
    pub fn checked(&self) -> Option<bool> {
        self.get("checked").and_then(Value::as_bool)
    }

    /// The key of a keyboard event (`"Enter"`, `"a"`).
    pub fn key(&self) -> Option<&str> {
        self.str_field("key")
    }

    /// The physical key code of a keyboard event (`"KeyA"`).
    pub fn code(&self) -> Option<&str> {
        self.str_field("code")
    }

    /// Whether Alt was held.
    pub fn alt_key(&self) -> bool {
        self.bool_field("altKey")
    }

    /// Whether Control was held.
    pub fn ctrl_key(&self) -> bool {
        self.bool_field("ctrlKey")
    }

    /// Whether Shift was held.
    pub fn shift_key(&self) -> bool {
        self.bool_field("shiftKey")
    }

    /// Whether Meta (Command, Windows) was held.
    pub fn meta_key(&self) -> bool {
        self.bool_field("metaKey")
    }

    /// The mouse position relative to the viewport, for mouse and pointer events.
    pub fn client_pos(&self) -> Option<(f64, f64)> {
        Some((self.get("clientX")?.as_f64()?, self.get("clientY")?.as_f64()?))
    }

    /// The mouse button of a mouse event (0 = main).
    pub fn button(&self) -> Option<i64> {
        self.get("button").and_then(Value::as_i64)
    }

    /// A field of a submitted form (`formData`), by the input's `name`.
    pub fn form_value(&self, name: &str) -> Option<&str> {
        self.get("formData")?.get(name)?.as_str()
    }

    /// Deserialises the main event object into your own type.
    pub fn parse<T: serde::de::DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        T::deserialize(self.raw())
    }
}
