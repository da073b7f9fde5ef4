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
use std::time::Duration;

use serde_json::Value;

use crate::upload::Upload;

/// A boxed future run by an async event handler or effect.
pub(crate) type BoxFuture = Pin<Box<dyn Future<Output = ()> + Send + 'static>>;
/// A type-erased event handler.
pub(crate) type HandlerFn = Arc<dyn Fn(Event) -> Option<BoxFuture> + Send + Sync>;

// Defined with the list of events in idom-names, which the macros read too.
pub use idom_names::EventName;

/// Browser-side options of an event handler, applied by the client before (or instead of) sending
/// each event.
///
/// Start from [`EventOptions::new`] (or `Default`) and chain the setters; the struct is
/// `#[non_exhaustive]`, so new options can be added without breaking code that builds it this
/// way. `html!` writes the same options as handler modifiers
/// (`oninput|debounce(300)|prevent_default={...}`).
///
/// ```
/// use std::time::Duration;
/// use idom_runtime::html::{EventOptions, Rate};
///
/// let options = EventOptions::new().prevent_default().debounce(Duration::from_millis(300));
/// assert!(options.prevent_default && !options.stop_propagation);
/// assert_eq!(options.rate, Some(Rate::Debounce(Duration::from_millis(300))));
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
#[non_exhaustive]
pub struct EventOptions {
    /// Call `event.preventDefault()` in the browser, synchronously, as the event fires.
    pub prevent_default: bool,
    /// Call `event.stopPropagation()` in the browser, synchronously, as the event fires.
    pub stop_propagation: bool,
    /// Send the events at a limited rate (see [`Rate`]); `None` sends each one at once.
    pub rate: Option<Rate>,
}

impl EventOptions {
    /// No options: every event is sent at once, and the browser's default action happens.
    pub const fn new() -> Self {
        EventOptions { prevent_default: false, stop_propagation: false, rate: None }
    }

    /// Calls `event.preventDefault()` in the browser (a form that should not reload the page).
    #[must_use]
    pub const fn prevent_default(mut self) -> Self {
        self.prevent_default = true;
        self
    }

    /// Calls `event.stopPropagation()` in the browser.
    #[must_use]
    pub const fn stop_propagation(mut self) -> Self {
        self.stop_propagation = true;
        self
    }

    /// Sends an event only once the events have paused for `delay` (see [`Rate::Debounce`]).
    #[must_use]
    pub const fn debounce(mut self, delay: Duration) -> Self {
        self.rate = Some(Rate::Debounce(delay));
        self
    }

    /// Sends at most one event per `period` (see [`Rate::Throttle`]).
    #[must_use]
    pub const fn throttle(mut self, period: Duration) -> Self {
        self.rate = Some(Rate::Throttle(period));
        self
    }
}

/// [`EventOptions`] as a mounted handler keeps them: what the client is sent, in 8 bytes (the
/// rate in whole milliseconds, as on the wire) instead of 32, so a handler's hole in a template
/// stays small.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub(crate) struct WireOptions {
    pub(crate) prevent_default: bool,
    pub(crate) stop_propagation: bool,
    rate: RateKind,
    rate_ms: u32,
}

/// Which rate a [`WireOptions`] has.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
enum RateKind {
    #[default]
    None,
    Debounce,
    Throttle,
}

impl WireOptions {
    /// The model's rate field (`debounce` / `throttle`) and its milliseconds, if there is a rate.
    pub(crate) fn rate(self) -> Option<(&'static str, u32)> {
        match self.rate {
            RateKind::None => None,
            RateKind::Debounce => Some(("debounce", self.rate_ms)),
            RateKind::Throttle => Some(("throttle", self.rate_ms)),
        }
    }
}

impl From<EventOptions> for WireOptions {
    #[inline]
    fn from(options: EventOptions) -> Self {
        let (rate, rate_ms) = match options.rate {
            None => (RateKind::None, 0),
            Some(Rate::Debounce(d)) => (RateKind::Debounce, wire_millis(d)),
            Some(Rate::Throttle(d)) => (RateKind::Throttle, wire_millis(d)),
        };
        WireOptions {
            prevent_default: options.prevent_default,
            stop_propagation: options.stop_propagation,
            rate,
            rate_ms,
        }
    }
}

/// How often the browser sends the events of one handler. Both kinds run in the client, per
/// element and event; both always deliver the last event, so the server never misses a final
/// value (the last keystroke, where the scroll stopped).
///
/// - The event is read when it fires (an input's value is the one of that moment), and only the
///   latest one waits; those it replaces are never sent.
/// - An event of the same page without a rate (a click, a submit) first sends every waiting one,
///   in the order they fired, so a handler of that click already saw the final text.
/// - Waiting events are dropped if the connection drops, like events fired while disconnected.
///
/// On the wire the duration is whole milliseconds (rounded down, at most `i32::MAX`, about 24
/// days, which is what browsers' timers take).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Rate {
    /// Wait until no event has fired for this long, then send the last one (search-as-you-type).
    Debounce(Duration),
    /// Send the first event at once, then at most one per this period: the latest event of a
    /// period is sent when it ends (scroll and pointer positions).
    Throttle(Duration),
}

/// A rate's duration as it is sent: whole milliseconds, rounded down, at most `i32::MAX` (the
/// longest that browsers' timers take).
fn wire_millis(duration: Duration) -> u32 {
    const MAX_MS: u32 = i32::MAX as u32;
    u32::try_from(duration.as_millis()).map_or(MAX_MS, |ms| ms.min(MAX_MS))
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

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::{EventOptions, WireOptions};

    /// A mounted handler keeps its options as they are sent: whole milliseconds, at most
    /// `i32::MAX`, so two options that look the same to the client are the same.
    #[test]
    fn options_are_kept_as_the_client_is_sent_them() {
        let kept = |o: EventOptions| WireOptions::from(o);
        assert_eq!(kept(EventOptions::new()).rate(), None);
        assert_eq!(kept(EventOptions::new().debounce(Duration::from_micros(300_700))).rate(), Some(("debounce", 300)));
        assert_eq!(kept(EventOptions::new().throttle(Duration::from_millis(50))).rate(), Some(("throttle", 50)));
        let forever = kept(EventOptions::new().debounce(Duration::MAX)).rate();
        assert_eq!(forever, Some(("debounce", i32::MAX as u32)));
        assert_eq!(
            kept(EventOptions::new().debounce(Duration::from_micros(300_100))),
            kept(EventOptions::new().debounce(Duration::from_millis(300)))
        );
        assert_ne!(
            kept(EventOptions::new().debounce(Duration::from_millis(300))),
            kept(EventOptions::new().throttle(Duration::from_millis(300)))
        );
        let flags = kept(EventOptions::new().prevent_default().stop_propagation());
        assert!(flags.prevent_default && flags.stop_propagation && flags.rate().is_none());
        assert!(std::mem::size_of::<WireOptions>() <= 8);
    }
}
