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
//! - A panic in a component's render, effect, cleanup or handler is caught: that component shows an
//!   error node (with the message in debug builds) and everything else goes on.

use std::any::Any;
use std::collections::HashMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::Ordering;

use futures_util::FutureExt as _;

use crate::component::{AnyComponent, Component};
use crate::event::BoxFuture;
use crate::event::Event;
use crate::protocol::{LayoutEvent, LayoutUpdate, PatchOp};
use crate::scope::{EffectJob, EffectSlot, HookContext, HookState, RenderQueue, ScopeHost, ScopeId, ScopeSignal};
use crate::sync::OrPoisoned as _;
use crate::vdom::{Handler, Node, OneOrMany, Str, Tag, push_int, splice, trim_trailing_places};
use crate::{Element, Key};

pub(crate) const NONE: u32 = u32::MAX;
/// How many times one `render` re-runs components that were queued while it rendered (context
/// readers, state set during render) before it leaves the rest for the next call.
const MAX_PASSES: usize = 32;

pub(crate) struct Slot {
    generation: u32,
    node: Option<MNode>,
}

/// A mounted node.
pub(crate) struct MNode {
    pub(crate) parent: u32,
    /// Position in the parent's `children`.
    pub(crate) index: u32,
    /// Model nodes this node contributes to its parent element: 1 for elements and texts, the sum
    /// of its children for components.
    pub(crate) count: u32,
    /// How many children have a count other than 1 (when 0, a child's model index is its position).
    pub(crate) irregular: u32,
    pub(crate) kind: Kind,
}

pub(crate) enum Kind {
    /// An element: the `Tag` the render built, moved here box and all (see [`Tag`]).
    Element(Box<ElementData>),
    Text(Str),
    Component(Box<ScopeData>),
    /// A group of children at one place (a non-empty fragment, `Vec` or iterator).
    Group(Box<Ids>),
    /// A hole (an absent child, an empty group, or the place of a merged text): no model node.
    Empty,
}

impl Kind {
    /// Whether the node's model nodes are its children's (a component or a group).
    pub(crate) fn is_spliced(&self) -> bool {
        matches!(self, Kind::Component(_) | Kind::Group(_))
    }
}

/// The arena ids of a node's children.
pub(crate) type Ids = OneOrMany<u32>;

/// A mounted element is the [`Tag`] its render built, with its `children` ids and `len` set.
pub(crate) type ElementData = Tag;

pub(crate) struct ScopeData {
    pub(crate) props: Arc<dyn AnyComponent>,
    /// The type of `props` (see `ComponentNode::ty`).
    pub(crate) ty: std::any::TypeId,
    pub(crate) key: Option<Key>,
    pub(crate) hooks: HookState,
    /// What setters and tasks use to queue this instance; made when a hook first asks for it, so
    /// a component without state (most list rows) has none.
    pub(crate) signal: Option<Arc<ScopeSignal>>,
    pub(crate) children: Ids,
    pub(crate) failed: Option<String>,
    pub(crate) tasks: Vec<tokio::task::AbortHandle>,
    pub(crate) depth: u32,
    pub(crate) dirty: bool,
}

/// Renders a root component and keeps it live.
///
/// A layout owns the tree of mounted component instances and their hook state. It re-renders
/// only components that were queued (by a setter, a context change or a failure), parents before
/// children, and never a component whose props are equal and whose state is clean. Each change
/// comes out of [`render`](Self::render) as a [`LayoutUpdate`]: JSON Patch operations that,
/// applied in order to the model of the first update, give exactly the model of a fresh render.
/// A panic in a component's render, effect or handler is caught: that component shows an error
/// node and the rest of the layout goes on.
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
    pub(crate) slots: Vec<Slot>,
    free: Vec<u32>,
    root: u32,
    pending_root: Option<Element>,
    pub(crate) shared: Arc<RenderQueue>,
    effects: Vec<EffectJob>,
    cleanups: Vec<(ScopeId, Box<dyn FnOnce() + Send>)>,
    static_targets: HashMap<Arc<str>, (u32, u32, &'static str)>,
    /// Tasks of async handlers on elements that no component owns.
    orphan_tasks: Vec<tokio::task::AbortHandle>,
    /// Buffers kept between renders (so a render does not allocate them): the signals taken from
    /// the shared queue, and the components they queued.
    spare_signals: Vec<Arc<ScopeSignal>>,
    spare_queued: Vec<u32>,
}

impl Layout {
    /// A layout of `root`. Nothing renders until the first [`render`](Self::render).
    pub fn new<C: Component>(root: C) -> Self {
        Layout::from_element(Element::component(root))
    }

    /// A layout of any element (components inside it are mounted as usual).
    pub fn from_element(root: impl Into<Element>) -> Self {
        let mut layout = Layout {
            slots: Vec::new(),
            free: Vec::new(),
            root: NONE,
            pending_root: Some(root.into()),
            shared: Arc::new(RenderQueue::new()),
            effects: Vec::new(),
            cleanups: Vec::new(),
            static_targets: HashMap::new(),
            orphan_tasks: Vec::new(),
            spare_signals: Vec::new(),
            spare_queued: Vec::new(),
        };
        let container = Tag::new(Str::Borrowed(""));
        layout.root = layout.alloc(MNode {
            parent: NONE,
            index: 0,
            count: 1,
            irregular: 0,
            kind: Kind::Element(Box::new(container)),
        });
        layout
    }

    /// Waits until something changed and returns the update. The first call mounts the tree and
    /// returns an update with path `""` that builds the whole model; later calls wait until a
    /// component is queued for re-rendering (by a setter, a context change or a failure), render
    /// every queued component, and return the changes. Renders that change nothing are not
    /// reported: the call keeps waiting.
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
        let mut ops = Vec::new();
        if let Some(root) = self.pending_root.take() {
            self.mount_root(root);
            let mut json = String::new();
            self.write_node(self.root, &mut json);
            ops.push(PatchOp {
                op: crate::protocol::Op::Add,
                path: String::new(),
                from: None,
                value: Some(crate::protocol::Json(json)),
            });
            self.run_effects();
            return Some(LayoutUpdate { path: String::new(), changes: ops });
        }
        for _ in 0..MAX_PASSES {
            let mut queued = self.take_queued();
            if queued.is_empty() {
                break;
            }
            for &idx in &queued {
                let still_dirty = matches!(self.node(idx).map(|n| &n.kind), Some(Kind::Component(s)) if s.dirty);
                if still_dirty {
                    self.rerender_scope(idx, &mut ops);
                }
            }
            queued.clear();
            self.spare_queued = queued;
        }
        self.run_effects();
        if ops.is_empty() { None } else { Some(make_update(ops)) }
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
        let Some((idx, wire)) = self.resolve_target(&event.target) else {
            tracing::debug!(target = %event.target, "event for an unknown target dropped");
            return;
        };
        let Some(Kind::Element(el)) = self.node(idx).map(|n| &n.kind) else { return };
        let Some((_, handler)) = el.handlers.iter().find(|(e, _)| e.wire == wire) else { return };
        let func = handler.func.clone();
        let owner = self.owner_scope(idx);
        let data = Event::from_data(event.data);
        match (catch_unwind(AssertUnwindSafe(|| func(data))), owner) {
            (Ok(None), _) => {}
            (Ok(Some(future)), Some(owner)) => self.spawn_owned(owner, future),
            (Ok(Some(future)), None) => {
                // A handler on an element outside any component: its task belongs to the layout.
                let handle = tokio::spawn(AssertUnwindSafe(future).catch_unwind()).abort_handle();
                self.orphan_tasks.retain(|t| !t.is_finished());
                self.orphan_tasks.push(handle);
            }
            (Err(panic), Some(owner)) => self.fail_scope(owner, panic_message(&*panic)),
            (Err(panic), None) => {
                tracing::error!(message = %panic_message(&*panic), "an event handler outside any component panicked");
            }
        }
    }

    /// The current model, as the client holds it after applying every update so far.
    pub fn model(&self) -> serde_json::Value {
        let mut json = String::new();
        self.write_node(self.root, &mut json);
        serde_json::from_str(&json).unwrap_or(serde_json::Value::Null)
    }

    /// The current model as JSON text.
    pub fn model_json(&self) -> String {
        let mut json = String::new();
        self.write_node(self.root, &mut json);
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

    pub(crate) fn root_node(&self) -> u32 {
        self.root
    }

    /// Whether a component is queued for re-rendering.
    pub fn has_pending(&self) -> bool {
        !self.shared.queue.lock().or_poisoned().is_empty() || !self.shared.failures.lock().or_poisoned().is_empty()
    }

    // -----------------------------------------------------------------------------------------
    // arena

    pub(crate) fn alloc(&mut self, node: MNode) -> u32 {
        match self.free.pop() {
            Some(idx) => {
                self.slots[idx as usize].node = Some(node);
                idx
            }
            None => {
                self.slots.push(Slot { generation: 0, node: Some(node) });
                (self.slots.len() - 1) as u32
            }
        }
    }

    fn release(&mut self, idx: u32) {
        let slot = &mut self.slots[idx as usize];
        slot.node = None;
        slot.generation = slot.generation.wrapping_add(1);
        self.free.push(idx);
    }

    pub(crate) fn node(&self, idx: u32) -> Option<&MNode> {
        self.slots.get(idx as usize)?.node.as_ref()
    }

    pub(crate) fn n(&self, idx: u32) -> &MNode {
        self.slots[idx as usize].node.as_ref().expect("mounted node")
    }

    pub(crate) fn n_mut(&mut self, idx: u32) -> &mut MNode {
        self.slots[idx as usize].node.as_mut().expect("mounted node")
    }

    pub(crate) fn generation(&self, idx: u32) -> u32 {
        self.slots[idx as usize].generation
    }

    pub(crate) fn scope(&self, idx: u32) -> &ScopeData {
        match &self.n(idx).kind {
            Kind::Component(s) => s,
            _ => unreachable!("node {idx} is not a component"),
        }
    }

    pub(crate) fn scope_mut(&mut self, idx: u32) -> &mut ScopeData {
        match &mut self.n_mut(idx).kind {
            Kind::Component(s) => s,
            _ => unreachable!("node {idx} is not a component"),
        }
    }

    fn scope_alive(&self, id: ScopeId) -> bool {
        self.slots.get(id.idx as usize).is_some_and(|s| {
            s.generation == id.generation && matches!(s.node.as_ref().map(|n| &n.kind), Some(Kind::Component(_)))
        })
    }

    pub(crate) fn children(&self, idx: u32) -> &[u32] {
        self.n(idx).children()
    }

    pub(crate) fn children_mut(&mut self, idx: u32) -> &mut Ids {
        match &mut self.n_mut(idx).kind {
            Kind::Element(e) => &mut e.children,
            Kind::Component(s) => &mut s.children,
            Kind::Group(ids) => ids,
            Kind::Text(_) | Kind::Empty => unreachable!("texts and holes have no children"),
        }
    }

    /// The component that owns a node (the nearest component at or above it).
    fn owner_scope(&self, idx: u32) -> Option<u32> {
        let mut cur = idx;
        while cur != NONE {
            let node = self.n(cur);
            if matches!(node.kind, Kind::Component(_)) {
                return Some(cur);
            }
            cur = node.parent;
        }
        None
    }

    /// The name of the component that owns a node, for messages (`root` outside any component).
    pub(crate) fn owner_name(&self, idx: u32) -> &'static str {
        self.owner_scope(idx).map_or("root", |scope| self.scope(scope).props.name())
    }

    // -----------------------------------------------------------------------------------------
    // scheduling

    fn take_queued(&mut self) -> Vec<u32> {
        let failures = std::mem::take(&mut *self.shared.failures.lock().or_poisoned());
        for (id, message) in failures {
            if self.scope_alive(id) {
                self.fail_scope(id.idx, message);
            }
        }
        // Swap the queue with an empty buffer that has room, so neither side allocates.
        let mut signals = std::mem::take(&mut self.spare_signals);
        std::mem::swap(&mut signals, &mut *self.shared.queue.lock().or_poisoned());
        let mut dirty = std::mem::take(&mut self.spare_queued);
        for signal in signals.drain(..) {
            if signal.queued.load(Ordering::Acquire) && self.scope_alive(signal.id) {
                let scope = self.scope_mut(signal.id.idx);
                if !scope.dirty {
                    scope.dirty = true;
                    dirty.push(signal.id.idx);
                }
            }
        }
        self.spare_signals = signals;
        dirty.sort_by_key(|&idx| self.scope(idx).depth);
        dirty
    }

    fn fail_scope(&mut self, idx: u32, message: String) {
        tracing::error!(component = self.scope(idx).props.name(), %message, "component failed");
        let generation = self.generation(idx);
        let shared = Arc::downgrade(&self.shared);
        let scope = self.scope_mut(idx);
        if scope.failed.is_none() {
            scope.failed = Some(message);
        }
        let id = ScopeId { idx, generation };
        scope.signal.get_or_insert_with(|| ScopeSignal::new(id, shared)).clone().mark();
    }

    fn spawn_owned(&mut self, owner: u32, future: BoxFuture) {
        let id = ScopeId { idx: owner, generation: self.generation(owner) };
        let handle = self.spawn_guarded(id, future);
        let tasks = &mut self.scope_mut(owner).tasks;
        tasks.retain(|t| !t.is_finished());
        tasks.push(handle);
    }

    /// Spawns a task whose panic fails its component instead of vanishing.
    fn spawn_guarded(&self, id: ScopeId, future: BoxFuture) -> tokio::task::AbortHandle {
        let shared = Arc::downgrade(&self.shared);
        let task = tokio::spawn(async move {
            if let Err(panic) = AssertUnwindSafe(future).catch_unwind().await
                && let Some(shared) = shared.upgrade()
            {
                shared.fail(id, panic_message(&*panic));
            }
        });
        task.abort_handle()
    }

    // -----------------------------------------------------------------------------------------
    // rendering

    fn mount_root(&mut self, root: Element) {
        let root_idx = self.root;
        self.mount_children(root_idx, splice(root), 0);
        let len = self.n(root_idx).children_count_sum(self);
        if let Kind::Element(e) = &mut self.n_mut(root_idx).kind {
            e.len = len;
        }
    }

    /// Mounts a children list under `parent` (an element, component or group) and sets its
    /// counts. A list with a key twice is mounted all the same, with a warning.
    fn mount_children(&mut self, parent: u32, mut list: Vec<Element>, depth: u32) {
        trim_trailing_places(&mut list);
        self.warn_duplicate_keys(parent, &list);
        let mut ids = Ids::with_capacity(list.len());
        for (i, child) in list.into_iter().enumerate() {
            ids.push(self.mount(child, parent, i as u32, depth));
        }
        *self.children_mut(parent) = ids;
        self.recount(parent);
    }

    /// Mounts a child under `parent`, at position `index` of its children.
    pub(crate) fn mount(&mut self, element: Element, parent: u32, index: u32, depth: u32) -> u32 {
        match element.0 {
            Node::Text(text) => self.alloc(MNode { parent, index, count: 1, irregular: 0, kind: Kind::Text(text) }),
            Node::Empty | Node::Merged => {
                self.alloc(MNode { parent, index, count: 0, irregular: 0, kind: Kind::Empty })
            }
            Node::Fragment(items) if items.is_empty() => {
                self.alloc(MNode { parent, index, count: 0, irregular: 0, kind: Kind::Empty })
            }
            Node::Fragment(items) => {
                let kind = Kind::Group(Box::default());
                let idx = self.alloc(MNode { parent, index, count: 0, irregular: 0, kind });
                self.mount_children(idx, items, depth);
                idx
            }
            Node::Tag(mut tag) => {
                // The tag's box becomes the mounted element; its content becomes child nodes.
                let content = std::mem::take(&mut tag.content);
                let idx = self.alloc(MNode { parent, index, count: 1, irregular: 0, kind: Kind::Element(tag) });
                self.register_static_targets(idx);
                self.mount_children(idx, content, depth);
                let len = self.n(idx).children_count_sum(self);
                if let Kind::Element(e) = &mut self.n_mut(idx).kind {
                    e.len = len;
                }
                idx
            }
            Node::Component(c) => {
                let scope = ScopeData {
                    props: c.props,
                    ty: c.ty,
                    key: c.key,
                    hooks: HookState::default(),
                    signal: None,
                    children: Ids::new(),
                    failed: None,
                    tasks: Vec::new(),
                    depth: depth + 1,
                    dirty: false,
                };
                let idx =
                    self.alloc(MNode { parent, index, count: 0, irregular: 0, kind: Kind::Component(Box::new(scope)) });
                let (output, effects) = self.render_scope(idx);
                self.mount_children(idx, output, depth + 1);
                self.effects.extend(effects);
                idx
            }
        }
    }

    /// Runs a component's render with its hooks; returns its output as a children list and the
    /// effects it scheduled. A panic becomes an error node and marks the instance failed.
    fn render_scope(&mut self, idx: u32) -> (Vec<Element>, Vec<EffectJob>) {
        let scope_id = ScopeId { idx, generation: self.generation(idx) };
        let scope = self.scope_mut(idx);
        scope.dirty = false;
        if let Some(signal) = &scope.signal {
            signal.queued.store(false, Ordering::Release);
        }
        if let Some(message) = &scope.failed {
            return (vec![error_node(scope.props.name(), message)], Vec::new());
        }
        let props = scope.props.clone();
        let mut signal = scope.signal.take();
        let mut hooks = std::mem::take(&mut scope.hooks);
        hooks.cursor = 0;
        let mut effects = Vec::new();
        let result = {
            let host = Host { layout: &*self, node: idx };
            let mut cx = HookContext {
                state: &mut hooks,
                signal: &mut signal,
                scope: scope_id,
                effects: &mut effects,
                host: &host,
            };
            catch_unwind(AssertUnwindSafe(|| props.render(&mut cx)))
        };
        let scope = self.scope_mut(idx);
        scope.hooks = hooks;
        scope.signal = signal;
        match result {
            Ok(element) => (splice(element), effects),
            Err(panic) => {
                let message = panic_message(&*panic);
                tracing::error!(component = props.name(), %message, "component failed to render");
                let node = error_node(props.name(), &message);
                self.scope_mut(idx).failed = Some(message);
                (vec![node], Vec::new())
            }
        }
    }

    /// Re-renders a queued component in place and fixes the counts above it.
    fn rerender_scope(&mut self, idx: u32, ops: &mut Vec<PatchOp>) {
        let old_count = self.n(idx).count;
        let (host, base) = self.locate(idx);
        let mut host_path = self.element_path(host);
        self.update_component(idx, host, &mut host_path, base, ops);
        let new_count = self.n(idx).count;
        if new_count != old_count {
            self.propagate_count(idx, old_count, new_count);
        }
    }

    /// Renders a component (its props already set) and diffs its output into the model.
    pub(crate) fn update_component(
        &mut self,
        idx: u32,
        host: u32,
        host_path: &mut String,
        base: usize,
        ops: &mut Vec<PatchOp>,
    ) {
        let (output, effects) = self.render_scope(idx);
        self.diff_children(idx, output, host, host_path, base, ops);
        self.effects.extend(effects);
    }

    /// After a component's count changed outside its parent's diff, fixes the parents' caches.
    fn propagate_count(&mut self, mut idx: u32, mut old: u32, mut new: u32) {
        loop {
            let parent = self.n(idx).parent;
            let pnode = self.n_mut(parent);
            match (old == 1, new == 1) {
                (true, false) => pnode.irregular += 1,
                (false, true) => pnode.irregular -= 1,
                _ => {}
            }
            if !pnode.kind.is_spliced() {
                return;
            }
            let before = pnode.count;
            pnode.count = before + new - old;
            (idx, old, new) = (parent, before, pnode.count);
            if old == new {
                return;
            }
        }
    }

    /// Recomputes a node's `count` (for components and groups) and `irregular` from its children.
    pub(crate) fn recount(&mut self, idx: u32) {
        let (mut sum, mut irregular) = (0u32, 0u32);
        for &c in self.children(idx) {
            let count = self.n(c).count;
            sum += count;
            irregular += u32::from(count != 1);
        }
        let node = self.n_mut(idx);
        node.irregular = irregular;
        if node.kind.is_spliced() {
            node.count = sum;
        }
    }

    /// The element whose model `children` holds this node's first model node, and that index.
    pub(crate) fn locate(&self, idx: u32) -> (u32, usize) {
        let mut offset = 0usize;
        let mut cur = idx;
        loop {
            let node = self.n(cur);
            let parent = self.n(node.parent);
            offset += if parent.irregular == 0 {
                node.index as usize
            } else {
                self.children(node.parent)[..node.index as usize].iter().map(|&c| self.n(c).count as usize).sum()
            };
            if matches!(parent.kind, Kind::Element(_)) {
                return (node.parent, offset);
            }
            cur = node.parent;
        }
    }

    /// The JSON Pointer of an element in the model.
    pub(crate) fn element_path(&self, idx: u32) -> String {
        fn push(layout: &Layout, idx: u32, path: &mut String) {
            if idx != layout.root {
                let (host, i) = layout.locate(idx);
                push(layout, host, path);
                path.push_str("/children/");
                push_int(path, i as i128);
            }
        }
        // Room for the diff to append a few levels below without growing.
        let mut path = String::with_capacity(96);
        push(self, idx, &mut path);
        path
    }

    // -----------------------------------------------------------------------------------------
    // unmounting and effects

    /// Unmounts a subtree: effect cleanups are queued (children first), tasks aborted, slots freed.
    pub(crate) fn unmount(&mut self, idx: u32) {
        let children = match &mut self.n_mut(idx).kind {
            Kind::Element(e) => std::mem::take(&mut e.children),
            Kind::Component(s) => std::mem::take(&mut s.children),
            Kind::Group(ids) => std::mem::take(&mut **ids),
            Kind::Text(_) | Kind::Empty => Ids::new(),
        };
        for c in children {
            self.unmount(c);
        }
        let generation = self.generation(idx);
        let node = self.slots[idx as usize].node.take().expect("mounted node");
        match node.kind {
            Kind::Component(mut scope) => {
                let id = ScopeId { idx, generation };
                for slot in scope.hooks.slots.iter_mut() {
                    if let Some(effect) = slot.downcast_mut::<EffectSlot>() {
                        if let Some(task) = effect.task.take() {
                            task.abort();
                        }
                        if let Some(cleanup) = effect.cleanup.take() {
                            self.cleanups.push((id, cleanup));
                        }
                    }
                }
                for task in scope.tasks.drain(..) {
                    task.abort();
                }
            }
            Kind::Element(el) => self.forget_static_targets(idx, generation, &el.handlers),
            Kind::Text(_) | Kind::Group(_) | Kind::Empty => {}
        }
        self.release(idx);
    }

    /// Runs queued cleanups, then queued effects, catching panics per component.
    fn run_effects(&mut self) {
        for (id, cleanup) in std::mem::take(&mut self.cleanups) {
            if let Err(panic) = catch_unwind(AssertUnwindSafe(cleanup)) {
                tracing::error!(scope = ?id, message = %panic_message(&*panic), "effect cleanup of an unmounted component panicked");
            }
        }
        for job in std::mem::take(&mut self.effects) {
            if !self.scope_alive(job.scope) {
                continue;
            }
            let idx = job.scope.idx;
            let Some(slot) =
                self.scope_mut(idx).hooks.slots.get_mut(job.slot).and_then(|s| s.downcast_mut::<EffectSlot>())
            else {
                continue;
            };
            if let Some(task) = slot.task.take() {
                task.abort();
            }
            let previous = slot.cleanup.take();
            let outcome = catch_unwind(AssertUnwindSafe(move || {
                if let Some(cleanup) = previous {
                    cleanup();
                }
                (job.run)()
            }));
            match outcome {
                Ok(result) => {
                    let task = result.task.map(|f| self.spawn_guarded(job.scope, f));
                    if let Some(slot) =
                        self.scope_mut(idx).hooks.slots.get_mut(job.slot).and_then(|s| s.downcast_mut::<EffectSlot>())
                    {
                        slot.cleanup = result.cleanup;
                        slot.task = task;
                    }
                }
                Err(panic) => self.fail_scope(idx, panic_message(&*panic)),
            }
        }
    }

    // -----------------------------------------------------------------------------------------
    // targets

    fn resolve_target(&self, target: &str) -> Option<(u32, &'static str)> {
        if let Some(&(idx, generation, wire)) = self.static_targets.get(target) {
            return (self.slots.get(idx as usize)?.generation == generation).then_some((idx, wire));
        }
        let mut parts = target.splitn(3, ':');
        let idx: u32 = parts.next()?.parse().ok()?;
        let generation: u32 = parts.next()?.parse().ok()?;
        let wire = parts.next()?;
        let slot = self.slots.get(idx as usize)?;
        if slot.generation != generation {
            return None;
        }
        let Some(Kind::Element(el)) = slot.node.as_ref().map(|n| &n.kind) else { return None };
        let (event, handler) = el.handlers.iter().find(|(e, _)| e.wire == wire)?;
        handler.target.is_none().then_some((idx, event.wire))
    }

    pub(crate) fn register_static_targets(&mut self, idx: u32) {
        let generation = self.generation(idx);
        if let Kind::Element(el) = &self.n(idx).kind
            && el.handlers.iter().any(|(_, h)| h.target.is_some())
        {
            let found: Vec<_> = el.handlers.iter().filter_map(|(e, h)| Some((h.target.clone()?, e.wire))).collect();
            for (t, wire) in found {
                self.static_targets.insert(t, (idx, generation, wire));
            }
        }
    }

    /// Forgets an element's fixed targets, unless another element registered the same id since
    /// (a handler that moved between parents is mounted before its old element is unmounted).
    pub(crate) fn forget_static_targets(
        &mut self,
        idx: u32,
        generation: u32,
        handlers: &[(crate::html::EventName, Handler)],
    ) {
        for (_, h) in handlers {
            if let Some(t) = &h.target
                && self.static_targets.get(t).is_some_and(|&(i, g, _)| i == idx && g == generation)
            {
                self.static_targets.remove(t);
            }
        }
    }
}

impl MNode {
    pub(crate) fn children(&self) -> &[u32] {
        match &self.kind {
            Kind::Element(e) => &e.children,
            Kind::Component(s) => &s.children,
            Kind::Group(ids) => ids,
            Kind::Text(_) | Kind::Empty => &[],
        }
    }

    fn children_count_sum(&self, layout: &Layout) -> u32 {
        self.children().iter().map(|&c| layout.n(c).count).sum()
    }
}

impl Drop for Layout {
    /// Unmounts everything: every effect cleanup runs once and every task is cancelled.
    fn drop(&mut self) {
        for task in self.orphan_tasks.drain(..) {
            task.abort();
        }
        if self.root == NONE || self.pending_root.is_some() {
            return;
        }
        let children = std::mem::take(self.children_mut(self.root));
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

/// The layout as the scope handle of the component rendering at `node`.
struct Host<'a> {
    layout: &'a Layout,
    node: u32,
}

impl ScopeHost for Host<'_> {
    fn queue(&self) -> std::sync::Weak<RenderQueue> {
        Arc::downgrade(&self.layout.shared)
    }

    fn ancestors(&self, found: &mut dyn FnMut(&dyn Any, &[Box<dyn Any + Send>]) -> bool) {
        let layout = self.layout;
        let mut cur = layout.n(self.node).parent;
        while cur != NONE {
            let node = layout.n(cur);
            if let Kind::Component(scope) = &node.kind
                && found(scope.props.as_any(), &scope.hooks.slots)
            {
                return;
            }
            cur = node.parent;
        }
    }
}

impl std::fmt::Debug for Layout {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Layout").field("model", &self.model_json()).finish()
    }
}

pub(crate) fn panic_message(panic: &(dyn Any + Send)) -> String {
    if let Some(s) = panic.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = panic.downcast_ref::<String>() {
        s.clone()
    } else {
        "panic with a non-string payload".to_owned()
    }
}

/// The node shown in place of a failed component: the message in debug builds, empty in release.
fn error_node(component: &str, message: &str) -> Element {
    let node = crate::html::pre().attr("class", "idom-error");
    if cfg!(debug_assertions) { node.child(format!("{component} failed: {message}")).into() } else { node.into() }
}

/// Builds an update from absolute operations: its path is the deepest element containing every
/// operation's target, and the operations are made relative to it.
fn make_update(mut ops: Vec<PatchOp>) -> LayoutUpdate {
    fn container(path: &str) -> &str {
        // Longest run of "/children/N" pairs, minus the last pair when the path ends with it.
        let (mut end, mut before_last) = (0, 0);
        let mut rest = path;
        while let Some(r) = rest.strip_prefix("/children/") {
            let digits = r.bytes().take_while(u8::is_ascii_digit).count();
            if digits == 0 {
                break;
            }
            before_last = end;
            end += "/children/".len() + digits;
            rest = &r[digits..];
        }
        if end == path.len() {
            end = before_last;
        }
        &path[..end]
    }
    let mut prefix: Option<&str> = None;
    for op in &ops {
        for p in std::iter::once(op.path.as_str()).chain(op.from.as_deref()) {
            let c = container(p);
            prefix = Some(match prefix {
                None => c,
                Some(prev) => common_pairs(prev, c),
            });
        }
    }
    let prefix = prefix.unwrap_or("").to_owned();
    if !prefix.is_empty() {
        for op in &mut ops {
            op.path.drain(..prefix.len());
            if let Some(from) = &mut op.from {
                from.drain(..prefix.len());
            }
        }
    }
    LayoutUpdate { path: prefix, changes: ops }
}

/// The longest common prefix of two paths made of "/children/N" pairs, on a pair boundary.
fn common_pairs<'a>(a: &'a str, b: &str) -> &'a str {
    let mut end = 0;
    let (mut ra, mut rb) = (a, b);
    while let (Some(xa), Some(xb)) = (ra.strip_prefix("/children/"), rb.strip_prefix("/children/")) {
        let da = xa.bytes().take_while(u8::is_ascii_digit).count();
        let db = xb.bytes().take_while(u8::is_ascii_digit).count();
        if da == 0 || xa[..da] != xb[..db] {
            break;
        }
        end += "/children/".len() + da;
        ra = &xa[da..];
        rb = &xb[db..];
    }
    &a[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn update_path_is_the_deepest_common_element() {
        let op = |path: &str| PatchOp { op: crate::protocol::Op::Remove, path: path.into(), from: None, value: None };
        let u = make_update(vec![op("/children/0/children/3/attributes/class")]);
        assert_eq!((u.path.as_str(), u.changes[0].path.as_str()), ("/children/0/children/3", "/attributes/class"));
        let u = make_update(vec![op("/children/0/children/3"), op("/children/0/children/12/children/1")]);
        assert_eq!(u.path, "/children/0");
        assert_eq!(u.changes[1].path, "/children/12/children/1");
        let u = make_update(vec![op("/children/1")]);
        assert_eq!((u.path.as_str(), u.changes[0].path.as_str()), ("", "/children/1"));
        let u = make_update(vec![op("/children/10/children"), op("/children/1/children")]);
        assert_eq!(u.path, "");
    }
}
