//! Helpers to test components headless: [`StaticEventHandler`] and [`TestLayout`].
//!
//! ```
//! use idom::prelude::*;
//! use idom::testing::TestLayout;
//!
//! #[component]
//! fn Counter() -> Element {
//!     let (count, set_count) = use_state(|| 0);
//!     html! { <button onclick={move |_| set_count.update(|c| c + 1)}>"Count: " {count}</button> }
//! }
//!
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! let mut page = TestLayout::new(Counter).await;
//! let button = page.find_by_text("Count: 0").unwrap();
//! page.fire(&button, "onclick", serde_json::json!({"type": "click"})).await;
//! assert!(page.find_by_text("Count: 1").is_some());
//! # });
//! ```
//!
//! A [`StaticEventHandler`] gives a handler a target known before the first render, so a test
//! can send an event without reading the model (IDOM's "Component Layout" example):
//!
//! ```
//! use std::sync::LazyLock;
//!
//! use idom::prelude::*;
//! use idom::testing::StaticEventHandler;
//!
//! static STATIC_HANDLER: LazyLock<StaticEventHandler> = LazyLock::new(StaticEventHandler::new);
//!
//! #[component]
//! fn Counter() -> Element {
//!     let (count, set_count) = use_state(|| 0);
//!     let handler = STATIC_HANDLER.use_handler(move |_| set_count.set(count + 1));
//!     html! { <button onclick={handler}>{count}</button> }
//! }
//!
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! let mut layout = Layout::new(Counter);
//! layout.render().await;
//! layout.deliver(LayoutEvent::new(&*STATIC_HANDLER.target(), vec![])).await;
//! let update = layout.render().await;
//! assert_eq!(update.path, "/children/0");
//! assert_eq!(update.changes_json(), serde_json::json!([
//!     {"op": "replace", "path": "/children/0", "value": "1"}
//! ]));
//! # });
//! ```

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use serde_json::Value;

use crate::event::HandlerFn;
use crate::html::{HandlerOutput, IntoHandler};
use crate::protocol::{LayoutEvent, LayoutUpdate, Op, PatchOp};
use crate::{Component, Element, Event, Layout};

/// An event handler target id that does not change, so a test can deliver an event to it
/// without reading the model first. In `html!`, make a handler under it with
/// [`use_handler`](Self::use_handler) (`<button onclick={handler}>`); with the builders, attach
/// one with `on_target`:
///
/// ```
/// use idom_runtime::html::{button, events};
/// use idom_runtime::testing::StaticEventHandler;
///
/// let handler = StaticEventHandler::new();
/// let b = button().on_target(events::onclick, handler.target(), |_| println!("clicked"));
/// # let _ = b;
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StaticEventHandler {
    target: Arc<str>,
}

impl StaticEventHandler {
    /// A handler id unique in this process.
    pub fn new() -> Self {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        StaticEventHandler { target: format!("static-{}", NEXT.fetch_add(1, Ordering::Relaxed)).into() }
    }

    /// The target id, for the builders' `on_target` and for [`LayoutEvent::new`].
    pub fn target(&self) -> Arc<str> {
        self.target.clone()
    }

    /// An event for this handler carrying `data`.
    pub fn event(&self, data: Vec<Value>) -> LayoutEvent {
        LayoutEvent::new(&*self.target, data)
    }

    /// `f` as a handler under this target, for `html!` (`<button onclick={handler}>`) or the
    /// builders' [`on_value`](crate::html::HtmlElement::on_value). Not a hook: it can be called
    /// anywhere. The target must still be unique within a layout: use it on one element.
    ///
    /// ```
    /// use std::sync::LazyLock;
    ///
    /// use idom::prelude::*;
    /// use idom::testing::StaticEventHandler;
    ///
    /// static CLICK: LazyLock<StaticEventHandler> = LazyLock::new(StaticEventHandler::new);
    ///
    /// #[component]
    /// fn Counter() -> Element {
    ///     let (count, set_count) = use_state(|| 0);
    ///     let handler = CLICK.use_handler(move |_| set_count.update(|c| c + 1));
    ///     html! { <button onclick={handler}>{count}</button> }
    /// }
    ///
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let mut layout = Layout::new(Counter);
    /// layout.render().await;
    /// layout.deliver(CLICK.event(vec![])).await;
    /// let update = layout.render().await;
    /// assert_eq!(update.path, "/children/0");
    /// assert_eq!(update.changes_json(), serde_json::json!([
    ///     {"op": "replace", "path": "/children/0", "value": "1"}
    /// ]));
    /// # });
    /// ```
    pub fn use_handler<M, R, F>(&self, f: F) -> StaticHandler
    where
        F: Fn(Event) -> R + Send + Sync + 'static,
        R: HandlerOutput<M>,
    {
        let (func, _) = f.into_handler();
        StaticHandler { target: self.target.clone(), func }
    }
}

/// A handler with a fixed target, made by [`StaticEventHandler::use_handler`]; `html!` and
/// [`on_value`](crate::html::HtmlElement::on_value) attach it under that target.
#[derive(Clone)]
pub struct StaticHandler {
    target: Arc<str>,
    func: HandlerFn,
}

impl std::fmt::Debug for StaticHandler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StaticHandler").field("target", &self.target).finish_non_exhaustive()
    }
}

/// Marker of [`StaticHandler`]'s [`IntoHandler`] impl.
#[doc(hidden)]
#[derive(Debug)]
pub struct FixedTarget;

impl IntoHandler<FixedTarget> for StaticHandler {
    fn into_handler(self) -> (HandlerFn, Option<Arc<str>>) {
        (self.func, Some(self.target))
    }
}

impl Default for StaticEventHandler {
    fn default() -> Self {
        StaticEventHandler::new()
    }
}

/// A node found in a [`TestLayout`]'s model: its JSON Pointer and a copy of its JSON.
#[derive(Clone, Debug, PartialEq)]
pub struct Found {
    /// The JSON Pointer of the element in the model.
    pub path: String,
    /// The element's JSON.
    pub node: Value,
}

impl Found {
    /// The target of the element's handler for `event` (`"onclick"` or `"onClick"`).
    pub fn target(&self, event: &str) -> Option<String> {
        let wire = crate::html::events::lookup(event).map(|e| e.wire).unwrap_or(event);
        Some(self.node.get("eventHandlers")?.get(wire)?.get("target")?.as_str()?.to_owned())
    }

    /// The element's text content (all its descendant texts, concatenated).
    pub fn text(&self) -> String {
        text_of(&self.node)
    }

    /// An attribute's value as text (`true` for present boolean attributes).
    pub fn attr(&self, name: &str) -> Option<String> {
        match self.node.get("attributes")?.get(name)? {
            Value::String(s) => Some(s.clone()),
            other => Some(other.to_string()),
        }
    }
}

/// A layout under test: renders headless, keeps the client's model by applying every update,
/// finds elements and fires events at them.
#[derive(Debug)]
pub struct TestLayout {
    layout: Layout,
    model: Value,
    updates: Vec<LayoutUpdate>,
}

impl TestLayout {
    /// Mounts `root` and applies the first update.
    pub async fn new<C: Component>(root: C) -> Self {
        Self::from_element(Element::component(root)).await
    }

    /// Mounts any root element, e.g. a component under a
    /// [`ClientLink`](crate::hooks::ClientLink) to test navigation headless:
    ///
    /// ```
    /// use idom::prelude::*;
    /// use idom::hooks::{ClientLink, provide_client_link};
    /// use idom::testing::TestLayout;
    ///
    /// #[component]
    /// fn Home() -> Element {
    ///     let navigate = use_navigate();
    ///     let here = use_location();
    ///     html! { <a onclick={move |_| navigate.push("/about")}>{here.path}</a> }
    /// }
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let link = ClientLink::new("/", idom::Location { path: "/".into(), query: String::new() });
    /// let mut t = TestLayout::from_element(provide_client_link(link.clone(), html! { <Home /> })).await;
    /// let a = t.find_all_by_tag("a").remove(0);
    /// t.fire(&a, "onclick", serde_json::json!({"type": "click"})).await;
    /// assert_eq!(t.text(), "/about");
    /// assert_eq!(link.href(), "/about");
    /// # });
    /// ```
    pub async fn from_element(root: Element) -> Self {
        let mut layout = Layout::from_element(root);
        let first = layout.render().await;
        let mut model = Value::Null;
        apply_update(&mut model, &first).expect("the first update applies");
        TestLayout { layout, model, updates: vec![first] }
    }

    /// The model the client holds.
    pub fn model(&self) -> &Value {
        &self.model
    }

    /// The layout under test.
    pub fn layout(&mut self) -> &mut Layout {
        &mut self.layout
    }

    /// Every update applied so far.
    pub fn updates(&self) -> &[LayoutUpdate] {
        &self.updates
    }

    /// Renders what is queued now, applies it and returns it (`None` when nothing changed).
    pub fn settle(&mut self) -> Option<LayoutUpdate> {
        let update = self.layout.try_render()?;
        self.apply(update.clone());
        Some(update)
    }

    /// Waits (at most `timeout`) for the next update, applies it and returns it.
    pub async fn next_update(&mut self, timeout: Duration) -> Option<LayoutUpdate> {
        let update = tokio::time::timeout(timeout, self.layout.render()).await.ok()?;
        self.apply(update.clone());
        Some(update)
    }

    fn apply(&mut self, update: LayoutUpdate) {
        if let Err(e) = apply_update(&mut self.model, &update) {
            panic!("update does not apply to the model: {e}\nupdate: {update:?}\nmodel: {}", self.model);
        }
        debug_assert_eq!(self.model, self.layout.model(), "patched model differs from the layout's model");
        self.updates.push(update);
    }

    /// Delivers `data` as `event` (`"onclick"`) to `element`'s handler, then renders and applies
    /// what changed. Panics if the element has no handler for the event. Returns the update.
    pub async fn fire(&mut self, element: &Found, event: &str, data: Value) -> Option<LayoutUpdate> {
        let target = element.target(event).unwrap_or_else(|| panic!("{} has no {event} handler", element.path));
        self.layout.deliver(LayoutEvent::new(target, vec![data])).await;
        tokio::task::yield_now().await;
        self.settle()
    }

    /// The first element (depth first) whose own text children include `text`.
    pub fn find_by_text(&self, text: &str) -> Option<Found> {
        self.find(|node| {
            node.get("children").and_then(Value::as_array).is_some_and(|c| c.iter().any(|c| c.as_str() == Some(text)))
        })
    }

    /// The first element with attribute `name` equal to `value`.
    pub fn find_by_attr(&self, name: &str, value: &str) -> Option<Found> {
        self.find(|node| node.get("attributes").and_then(|a| a.get(name)).and_then(Value::as_str) == Some(value))
    }

    /// Every element with the tag `name`, in document order.
    pub fn find_all_by_tag(&self, name: &str) -> Vec<Found> {
        let mut out = Vec::new();
        walk(&self.model, "", &mut |path, node| {
            if node.get("tagName").and_then(Value::as_str) == Some(name) {
                out.push(Found { path: path.to_owned(), node: node.clone() });
            }
            false
        });
        out
    }

    /// The first element matching `predicate`, depth first.
    pub fn find(&self, predicate: impl Fn(&Value) -> bool) -> Option<Found> {
        let mut found = None;
        walk(&self.model, "", &mut |path, node| {
            if predicate(node) {
                found = Some(Found { path: path.to_owned(), node: node.clone() });
                true
            } else {
                false
            }
        });
        found
    }

    /// All the page's text, concatenated.
    pub fn text(&self) -> String {
        text_of(&self.model)
    }
}

fn walk(node: &Value, path: &str, f: &mut impl FnMut(&str, &Value) -> bool) -> bool {
    if !node.is_object() {
        return false;
    }
    if f(path, node) {
        return true;
    }
    if let Some(children) = node.get("children").and_then(Value::as_array) {
        for (i, child) in children.iter().enumerate() {
            if walk(child, &format!("{path}/children/{i}"), f) {
                return true;
            }
        }
    }
    false
}

fn text_of(node: &Value) -> String {
    match node {
        Value::String(s) => s.clone(),
        Value::Object(o) => {
            o.get("children").and_then(Value::as_array).map(|c| c.iter().map(text_of).collect()).unwrap_or_default()
        }
        _ => String::new(),
    }
}

/// Applies an update to a model (a client's work). Errors name the operation that did not apply.
pub fn apply_update(model: &mut Value, update: &LayoutUpdate) -> Result<(), String> {
    let target = if update.path.is_empty() {
        model
    } else {
        model.pointer_mut(&update.path).ok_or_else(|| format!("update path {} not found", update.path))?
    };
    for op in &update.changes {
        apply_op(target, op)?;
    }
    Ok(())
}

fn apply_op(doc: &mut Value, op: &PatchOp) -> Result<(), String> {
    let value = || op.value.as_ref().map(|v| v.to_value()).ok_or_else(|| format!("{op:?} has no value"));
    match op.op {
        Op::Add => add(doc, &op.path, value()?),
        Op::Replace => {
            let slot = if op.path.is_empty() { Some(doc) } else { doc.pointer_mut(&op.path) };
            *slot.ok_or_else(|| format!("replace: {} not found", op.path))? = value()?;
            Ok(())
        }
        Op::Remove => remove(doc, &op.path).map(drop),
        Op::Move => {
            let from = op.from.as_deref().ok_or("move without from")?;
            let v = remove(doc, from)?;
            add(doc, &op.path, v)
        }
    }
}

fn split(path: &str) -> Result<(&str, String), String> {
    let i = path.rfind('/').ok_or_else(|| format!("bad pointer {path}"))?;
    Ok((&path[..i], path[i + 1..].replace("~1", "/").replace("~0", "~")))
}

fn add(doc: &mut Value, path: &str, value: Value) -> Result<(), String> {
    if path.is_empty() {
        *doc = value;
        return Ok(());
    }
    let (parent, last) = split(path)?;
    let parent = if parent.is_empty() { Some(doc) } else { doc.pointer_mut(parent) };
    match parent.ok_or_else(|| format!("add: parent of {path} not found"))? {
        Value::Object(o) => {
            o.insert(last, value);
            Ok(())
        }
        Value::Array(a) => {
            let i = if last == "-" { a.len() } else { last.parse().map_err(|_| format!("bad index in {path}"))? };
            if i > a.len() {
                return Err(format!("add: index out of range in {path}"));
            }
            a.insert(i, value);
            Ok(())
        }
        _ => Err(format!("add: parent of {path} is not a container")),
    }
}

fn remove(doc: &mut Value, path: &str) -> Result<Value, String> {
    let (parent, last) = split(path)?;
    let parent = if parent.is_empty() { Some(doc) } else { doc.pointer_mut(parent) };
    match parent.ok_or_else(|| format!("remove: parent of {path} not found"))? {
        Value::Object(o) => o.remove(&last).ok_or_else(|| format!("remove: {path} not found")),
        Value::Array(a) => {
            let i: usize = last.parse().map_err(|_| format!("bad index in {path}"))?;
            if i >= a.len() {
                return Err(format!("remove: index out of range in {path}"));
            }
            Ok(a.remove(i))
        }
        _ => Err(format!("remove: parent of {path} is not a container")),
    }
}
