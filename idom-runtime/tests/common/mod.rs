//! Helpers shared by the integration tests: a root component whose state the test sets, a checker
//! that applies every update with the independent `json-patch` crate, and small shared cells that
//! components can carry in their props (compared by identity).

#![allow(dead_code)]

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use idom_runtime::hooks::use_state;
use idom_runtime::{Component, Element, HookContext, Layout, LayoutUpdate, UseStateSetter};
use serde_json::Value;

/// A cell shared between a test and the components it mounts. Equal only to its clones, so it can
/// sit in props without making them unequal across renders.
pub(crate) struct Shared<T>(pub(crate) Arc<Mutex<T>>);

impl<T: Default> Default for Shared<T> {
    fn default() -> Self {
        Shared(Arc::default())
    }
}

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Shared(self.0.clone())
    }
}

impl<T> PartialEq for Shared<T> {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl<T> Shared<T> {
    pub(crate) fn new(value: T) -> Self {
        Shared(Arc::new(Mutex::new(value)))
    }

    pub(crate) fn with<R>(&self, f: impl FnOnce(&mut T) -> R) -> R {
        f(&mut self.0.lock().unwrap())
    }
}

impl<T: Clone> Shared<T> {
    pub(crate) fn get(&self) -> T {
        self.0.lock().unwrap().clone()
    }
}

/// An ordered log of what happened (renders, effects, cleanups, drops).
pub(crate) type Log = Shared<Vec<String>>;

impl Shared<Vec<String>> {
    pub(crate) fn push(&self, entry: impl Into<String>) {
        self.with(|v| v.push(entry.into()));
    }

    /// The entries so far, emptying the log.
    pub(crate) fn take(&self) -> Vec<String> {
        self.with(std::mem::take)
    }

    pub(crate) fn count(&self, entry: &str) -> usize {
        self.with(|v| v.iter().filter(|e| *e == entry).count())
    }
}

/// Handles exported by mounted components, by name (setters, dispatchers, ...).
pub(crate) type Registry<K, V> = Shared<HashMap<K, V>>;

impl<K: Eq + Hash, V: Clone> Shared<HashMap<K, V>> {
    pub(crate) fn put(&self, key: K, value: V) {
        self.with(|m| m.insert(key, value));
    }

    pub(crate) fn at(&self, key: &K) -> V {
        self.with(|m| m.get(key).cloned()).expect("the component registered its handle")
    }
}

/// A counter of renders, comparing by identity.
#[derive(Clone, Default)]
pub(crate) struct Counter(pub(crate) Arc<AtomicUsize>);

impl PartialEq for Counter {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Counter {
    pub(crate) fn hit(&self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }

    pub(crate) fn get(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}

type View<T> = Arc<dyn Fn(&T) -> Element + Send + Sync>;

/// The root component of a [`Harness`]: holds a `T` in `use_state` and renders it with `view`.
pub(crate) struct Driven<T> {
    init: T,
    view: View<T>,
    setter: Shared<Option<UseStateSetter<T>>>,
}

impl<T> PartialEq for Driven<T> {
    fn eq(&self, other: &Self) -> bool {
        self.setter == other.setter
    }
}

impl<T: Clone + PartialEq + Send + Sync + 'static> Component for Driven<T> {
    fn render(&self, cx: &mut HookContext<'_>) -> Element {
        let init = self.init.clone();
        let (value, set) = use_state::__call(cx, move || init);
        self.setter.with(|s| *s = Some(set));
        (self.view)(&value)
    }

    fn name(&self) -> &'static str {
        "Driven"
    }
}

/// A layout of a [`Driven`] root, with the client's model kept by applying every update.
pub(crate) struct Harness<T> {
    pub(crate) layout: Layout,
    pub(crate) model: Value,
    pub(crate) first: LayoutUpdate,
    setter: Shared<Option<UseStateSetter<T>>>,
}

impl<T: Clone + PartialEq + Send + Sync + 'static> Harness<T> {
    /// Mounts the root with `init` and applies the first update.
    pub(crate) fn new(init: T, view: impl Fn(&T) -> Element + Send + Sync + 'static) -> Self {
        let setter = Shared::default();
        let root = Driven { init, view: Arc::new(view), setter: setter.clone() };
        let mut layout = Layout::new(root);
        let first = layout.try_render().expect("the first render is an update");
        assert_eq!(first.path, "");
        let mut model = Value::Null;
        apply(&mut model, &first);
        assert_eq!(model, layout.model(), "first update differs from the layout's model");
        Harness { layout, model, first, setter }
    }

    /// The root's state setter.
    pub(crate) fn setter(&self) -> UseStateSetter<T> {
        self.setter.get().expect("the root rendered")
    }

    /// Sets the root's state and returns the update, checked against the layout's model.
    pub(crate) fn set(&mut self, value: T) -> LayoutUpdate {
        self.setter().set(value);
        self.step().expect("setting the state produced an update")
    }

    /// Sets the root's state; `None` when the render changed nothing.
    pub(crate) fn try_set(&mut self, value: T) -> Option<LayoutUpdate> {
        self.setter().set(value);
        self.step()
    }

    /// Renders what is queued (`try_render`) and checks the update.
    pub(crate) fn step(&mut self) -> Option<LayoutUpdate> {
        let update = self.layout.try_render()?;
        self.check(&update);
        Some(update)
    }

    /// Waits (at most 5 s) for the next update and checks it.
    pub(crate) async fn next(&mut self) -> LayoutUpdate {
        let update =
            tokio::time::timeout(Duration::from_secs(5), self.layout.render()).await.expect("an update within 5 s");
        self.check(&update);
        update
    }

    /// Applies an update to the client's model and compares with the layout's own model.
    pub(crate) fn check(&mut self, update: &LayoutUpdate) {
        apply(&mut self.model, update);
        assert_eq!(self.model, self.layout.model(), "patched model differs from the layout's model\n{update:?}");
    }

    /// The handler target at a JSON Pointer of the model (`"/children/0"`), for a wire event name.
    pub(crate) fn target(&self, pointer: &str, wire: &str) -> String {
        target(&self.model, pointer, wire)
    }
}

/// The handler target of the element at `pointer` for the wire event name `wire` (`onClick`).
pub(crate) fn target(model: &Value, pointer: &str, wire: &str) -> String {
    let element = model.pointer(pointer).unwrap_or_else(|| panic!("no element at {pointer} in {model}"));
    element["eventHandlers"][wire]["target"]
        .as_str()
        .unwrap_or_else(|| panic!("no {wire} handler at {pointer}: {element}"))
        .to_owned()
}

/// Applies an update with the independent `json-patch` crate.
pub(crate) fn apply(doc: &mut Value, update: &LayoutUpdate) {
    let patch: json_patch::Patch = serde_json::from_value(update.changes_json()).expect("a valid RFC 6902 patch");
    let target = if update.path.is_empty() {
        doc
    } else {
        doc.pointer_mut(&update.path).unwrap_or_else(|| panic!("update path {} not in the model", update.path))
    };
    json_patch::patch(target, &patch).unwrap_or_else(|e| panic!("patch does not apply: {e}\n{update:?}"));
}

/// Asserts an update's exact path and operations.
#[track_caller]
pub(crate) fn assert_update(update: &LayoutUpdate, path: &str, changes: Value) {
    assert_eq!((update.path.as_str(), update.changes_json()), (path, changes), "update (path, changes) differ");
}

/// Waits (at most 5 s) until `done` holds, letting other tasks and threads run.
pub(crate) async fn wait_until(what: &str, done: impl Fn() -> bool) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while !done() {
        assert!(tokio::time::Instant::now() < deadline, "timed out waiting until {what}");
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
}

/// The warnings (`tracing::warn!` and above) logged on this thread while `f` runs, as their
/// messages.
pub(crate) fn warnings<R>(f: impl FnOnce() -> R) -> (R, Vec<String>) {
    use tracing::field::{Field, Visit};
    use tracing::span::{Attributes, Id, Record};
    use tracing::{Event, Level, Metadata, Subscriber};

    struct Capture(Mutex<Vec<String>>);
    struct Message<'a>(&'a mut String);
    impl Visit for Message<'_> {
        fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
            if field.name() == "message" {
                *self.0 = format!("{value:?}");
            }
        }
    }
    impl Subscriber for Capture {
        fn enabled(&self, metadata: &Metadata<'_>) -> bool {
            *metadata.level() <= Level::WARN
        }
        fn new_span(&self, _: &Attributes<'_>) -> Id {
            Id::from_u64(1)
        }
        fn record(&self, _: &Id, _: &Record<'_>) {}
        fn record_follows_from(&self, _: &Id, _: &Id) {}
        fn event(&self, event: &Event<'_>) {
            let mut message = String::new();
            event.record(&mut Message(&mut message));
            self.0.lock().unwrap().push(message);
        }
        fn enter(&self, _: &Id) {}
        fn exit(&self, _: &Id) {}
    }

    let capture = Arc::new(Capture(Mutex::new(Vec::new())));
    let result = tracing::subscriber::with_default(capture.clone(), f);
    let messages = std::mem::take(&mut *capture.0.lock().unwrap());
    (result, messages)
}

/// A model (or part of one) with handler targets left out, to compare with plain JSON.
pub(crate) fn without_handlers(value: &Value) -> Value {
    let mut value = value.clone();
    fn strip(v: &mut Value) {
        if let Some(object) = v.as_object_mut() {
            object.remove("eventHandlers");
            if let Some(children) = object.get_mut("children").and_then(Value::as_array_mut) {
                children.iter_mut().for_each(strip);
            }
        }
    }
    strip(&mut value);
    value
}

/// An update's changes, with handler targets left out of their values.
pub(crate) fn changes_without_handlers(update: &LayoutUpdate) -> Value {
    let mut ops = update.changes_json();
    for op in ops.as_array_mut().into_iter().flatten() {
        if let Some(value) = op.get_mut("value") {
            *value = without_handlers(value);
        }
    }
    ops
}

/// The error boundary fallback the tests share: what failed, and a reset button.
pub(crate) fn oops(error: idom_runtime::BoundaryError) -> Element {
    let text = format!("{} failed: {}", error.component(), error.message().unwrap_or_default());
    idom::html! {
        <div class="oops">
            <p>{text}</p>
            <button onclick={move |_| error.reset()}>"reset"</button>
        </div>
    }
}
