//! The [`Layout`]: it renders a root component, keeps the tree of mounted component instances
//! with their hook state, re-renders what changed, and reports each change as a [`LayoutUpdate`]
//! of RFC 6902 JSON Patch operations.
//!
//! # What it owns
//! An arena of mounted nodes mirroring the children lists the renders built: elements, texts,
//! component instances, groups (a fragment, `Vec` or iterator child) and holes (an absent child).
//! Components and groups are spliced into their parent element and holes make no model node, so
//! each contributes zero or more model nodes to its parent's `children`; each node caches that
//! count. Holes and groups keep their place, so siblings are matched by the place they were built
//! at, never by where their nodes land in the model.
//! Component instances own their hook slots, the tasks their async handlers and effects started,
//! and a [`ScopeSignal`] that setters use to queue them for re-rendering.
//!
//! # What it never does
//! It never walks the whole tree per event, never re-renders a component that is clean and whose
//! props are equal, and never builds a `serde_json::Value` of the model to produce an update: JSON
//! text is written straight from the arena.
//!
//! # Invariants
//! - Only queued components re-render: de-duplicated, parents before children, unmounted ones
//!   skipped. A child re-rendered as part of its parent's render is not rendered again.
//! - Applying every update, in order, to an empty document reproduces exactly the model of a fresh
//!   layout rendered from the same state (the property tests hold this with an independent JSON
//!   Patch implementation).
//! - The root container (`{"tagName": ""}`) is never removed; the root component's nodes are its
//!   children.
//! - Handler targets are stable for an element instance and event, so re-rendering does not resend
//!   handlers; a target of an unmounted element is never reused for another.
//! - A panic is caught per component, and everything else goes on. A panic in a handler, an
//!   effect or a cleanup (sync or async) is logged with the component's name; the component keeps
//!   its last render and its state. A panic in a render goes to the nearest
//!   [`ErrorBoundary`](crate::ErrorBoundary) above the component, which is queued to show its
//!   fallback in the same update (the failed component's nodes stay until the boundary replaces
//!   them, so the patches touch only the boundary's nodes); without a boundary, the failed
//!   component alone shows an error node (with the message in debug builds). The routing is
//!   `scheduler.rs`'s `fail_scope`, called from `render.rs`'s `render_scope` on its cold path.
//! - An async component's render that is not finished shows its fallback and keeps its future;
//!   only the latest render of an instance can finish (a new render or an unmount drops the
//!   future), and a finished one is diffed in as any render is. Its failure is routed as a render
//!   panic. See `suspend.rs`.

mod effects;
mod render;
mod scheduler;
mod suspend;
mod targets;

use std::collections::HashMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;

use futures_util::FutureExt as _;

pub(crate) use crate::arena::{Arena, Ids, Kind, MNode, ScopeData};
use crate::ids::NodeId;
pub(crate) use scheduler::panic_message;

use crate::Element;
use crate::diff::PatchSink;
use crate::event::Event;
use crate::protocol::{JsonPatch, LayoutEvent, LayoutUpdate, write_node};
use crate::scope::{EffectJob, RenderQueue, RenderWaker, ScopeId, ScopeSignal};
use crate::sync::OrPoisoned as _;
use crate::vdom::Component;

/// How many times one `render` re-runs components that were queued while it rendered (context
/// readers, state set during render) before it leaves the rest for the next call.
const MAX_PASSES: usize = 32;

/// Renders a root component and keeps it live.
///
/// A layout owns the tree of mounted component instances and their hook state. It re-renders
/// only components that were queued (by a setter, a context change or a failure), parents before
/// children, and never a component whose props are equal and whose state is clean. Each change
/// comes out of [`render`](Self::render) as a [`LayoutUpdate`]: JSON Patch operations that,
/// applied in order to the model of the first update, give exactly the model of a fresh render.
/// A panic in a component's handler or effect is logged and the component keeps its last render;
/// a panic in its render shows the nearest [`ErrorBoundary`](crate::ErrorBoundary)'s fallback, or
/// an error node in place of that component alone. The rest of the layout goes on.
///
/// ```
/// use idom::prelude::*;
///
/// #[component]
/// fn Hello() -> Element {
///     html! { <p>"Hello"</p> }
/// }
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let mut layout = Layout::new(Hello);
/// let first = layout.render().await;
/// assert_eq!(first.path, "");
/// assert_eq!(layout.model(), serde_json::json!(
///     {"tagName": "", "children": [{"tagName": "p", "children": ["Hello"]}]}
/// ));
/// # });
/// ```
pub struct Layout {
    pub(crate) arena: Arena,
    pub(super) pending_root: Option<Element>,
    pub(crate) shared: Arc<RenderQueue>,
    pub(super) effects: Vec<EffectJob>,
    pub(super) cleanups: Vec<(ScopeId, Box<dyn FnOnce() + Send>)>,
    pub(super) static_targets: HashMap<Arc<str>, (NodeId, u32, &'static str)>,
    /// Tasks of async handlers on elements that no component owns.
    pub(super) orphan_tasks: Vec<tokio::task::AbortHandle>,
    /// Buffers kept between renders (so a render does not allocate them): the signals taken from
    /// the shared queue, and the components they queued.
    pub(super) spare_signals: Vec<Arc<ScopeSignal>>,
    pub(super) spare_queued: Vec<NodeId>,
    /// The wakers of async renders taken from the queue, polled after the queued components of
    /// the same pass rendered (see `suspend.rs`).
    pub(super) woken: Vec<Arc<RenderWaker>>,
    /// How many mounted components have an unfinished async render.
    pub(super) pending_renders: usize,
    /// Set when an error boundary caught a render failure and was queued (cold). Read only while
    /// the tree is first mounted, so the first update already shows the fallback; later, the
    /// queued boundary renders in the next pass of the same update as any queued component.
    pub(super) boundary_caught: bool,
}

impl Layout {
    /// A layout of `root`. Nothing renders until the first [`render`](Self::render).
    pub fn new<C: Component>(root: C) -> Self {
        Layout::from_element(Element::component(root))
    }

    /// A layout of any element (components inside it are mounted as usual).
    pub fn from_element(root: impl Into<Element>) -> Self {
        Layout {
            arena: Arena::new(),
            pending_root: Some(root.into()),
            shared: Arc::new(RenderQueue::new()),
            effects: Vec::new(),
            cleanups: Vec::new(),
            static_targets: HashMap::new(),
            orphan_tasks: Vec::new(),
            spare_signals: Vec::new(),
            spare_queued: Vec::new(),
            woken: Vec::new(),
            pending_renders: 0,
            boundary_caught: false,
        }
    }

    /// Waits until something changed and returns the update. The first call mounts the tree and
    /// returns an update with path `""` that builds the whole model; later calls wait until a
    /// component is queued for re-rendering (by a setter, a context change or a failure) or the
    /// future of an async component's render can go on, render every queued component, poll the
    /// woken futures, and return the changes. Renders that change nothing are not reported: the
    /// call keeps waiting.
    ///
    /// Cancel-safe: dropping the future while it waits loses nothing.
    pub async fn render(&mut self) -> LayoutUpdate {
        loop {
            if let Some(update) = self.try_render() {
                return update;
            }
            self.shared.notify.notified().await;
        }
    }

    /// Renders whatever is queued, without waiting; `None` when nothing changed.
    pub fn try_render(&mut self) -> Option<LayoutUpdate> {
        if let Some(root) = self.pending_root.take() {
            self.mount_root(root);
            let update = JsonPatch::whole_model(&self.arena);
            self.run_effects();
            return Some(update);
        }
        let mut patch = JsonPatch::new();
        self.render_queued(&mut patch);
        patch.finish()
    }

    /// Renders the queued components (after the first render), their changes going to `sink`,
    /// then runs the effects the renders scheduled.
    pub(crate) fn render_queued<S: PatchSink>(&mut self, sink: &mut S) {
        self.render_passes(sink);
        self.run_effects();
    }

    /// Renders the queued components and polls the woken async renders, pass after pass, until
    /// nothing is left (or [`MAX_PASSES`] ran).
    fn render_passes<S: PatchSink>(&mut self, sink: &mut S) {
        for _ in 0..MAX_PASSES {
            let mut queued = self.take_queued();
            if queued.is_empty() && self.woken.is_empty() {
                break;
            }
            for &idx in &queued {
                let still_dirty = matches!(self.arena.node(idx).map(|n| &n.kind), Some(Kind::Component(s)) if s.dirty);
                if still_dirty {
                    self.rerender_scope(idx, sink);
                }
            }
            queued.clear();
            self.spare_queued = queued;
            if !self.woken.is_empty() {
                self.poll_woken(sink);
            }
        }
    }

    /// Delivers an event to the handler registered under `event.target` and runs it. A sync
    /// handler runs to completion before this returns; an async one is started as a task owned by
    /// its component (cancelled if the component unmounts). An unknown target (for example an
    /// element that was removed while the event was in flight) is dropped with a debug log.
    pub async fn deliver(&mut self, event: LayoutEvent) {
        self.deliver_now(event);
    }

    /// [`deliver`](Self::deliver) without the `async`: must still be called inside a tokio runtime
    /// if the handler is async.
    pub fn deliver_now(&mut self, event: LayoutEvent) {
        let Some((idx, func)) = self.resolve_target(&event.target) else {
            tracing::debug!(target = %event.target, "event for an unknown target dropped");
            return;
        };
        let owner = self.arena.owner_scope(idx);
        let (_, data, files) = event.into_parts();
        let data = Event::from_data(data).with_files(files);
        match (catch_unwind(AssertUnwindSafe(|| func.call(data))), owner) {
            (Ok(None), _) => {}
            (Ok(Some(future)), Some(owner)) => self.spawn_owned(owner, future),
            (Ok(Some(future)), None) => {
                // A handler on an element outside any component: its task belongs to the layout.
                let handle = tokio::spawn(AssertUnwindSafe(future).catch_unwind()).abort_handle();
                self.orphan_tasks.retain(|t| !t.is_finished());
                self.orphan_tasks.push(handle);
            }
            (Err(panic), Some(owner)) => self.report_panic(owner, "event handler", &*panic),
            (Err(panic), None) => {
                tracing::error!(message = %panic_message(&*panic), "an event handler outside any component panicked");
            }
        }
    }

    /// The current model, as the client holds it after applying every update so far. Parsed from
    /// [`model_json`](Self::model_json), which the model writer always writes as valid JSON.
    pub fn model(&self) -> serde_json::Value {
        serde_json::from_str(&self.model_json()).expect("the model writer writes valid JSON")
    }

    /// The current model as JSON text.
    pub fn model_json(&self) -> String {
        let mut json = String::new();
        write_node(&self.arena, self.arena.root, &mut json);
        json
    }

    /// Mounts the tree (if not yet mounted) but drops the effects it scheduled: for prerendering.
    pub(crate) fn mount_without_effects(&mut self) {
        if let Some(root) = self.pending_root.take() {
            self.mount_root(root);
            self.effects.clear();
        }
    }

    /// Whether the first render happened (the tree is mounted).
    pub fn is_mounted(&self) -> bool {
        self.pending_root.is_none()
    }

    pub(crate) fn root_node(&self) -> NodeId {
        self.arena.root
    }

    /// Whether a component is queued for re-rendering, or an async render was woken.
    pub fn has_pending(&self) -> bool {
        !self.woken.is_empty() || !self.shared.queue.lock().or_poisoned().is_empty()
    }
}

impl Drop for Layout {
    /// Unmounts everything: every effect cleanup runs once and every task is cancelled.
    fn drop(&mut self) {
        for task in self.orphan_tasks.drain(..) {
            task.abort();
        }
        if self.pending_root.is_some() {
            return;
        }
        let children = std::mem::take(self.arena.children_mut(self.arena.root));
        for c in children {
            self.unmount(c);
        }
        self.effects.clear();
        for (id, cleanup) in std::mem::take(&mut self.cleanups) {
            if let Err(panic) = catch_unwind(AssertUnwindSafe(cleanup)) {
                tracing::error!(scope = ?id, message = %panic_message(&*panic), "effect cleanup panicked while the layout was dropped");
            }
        }
    }
}

impl std::fmt::Debug for Layout {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Layout").field("model", &self.model_json()).finish()
    }
}
