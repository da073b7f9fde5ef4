//! Mounting and rendering: a component's render with its hooks, and mounting what it returned.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::Ordering;

use super::{Arena, Ids, Kind, Layout, MNode, ScopeData, panic_message};
use crate::Element;
use crate::diff::{Diff, PatchSink, Place, Reconciler, warn_duplicate_keys};
use crate::event::EventName;
use crate::ids::NodeId;
use crate::protocol::JsonPatch;
use crate::scope::{AncestorVisitor, EffectJob, HookContext, RenderQueue, ScopeHost, ScopeId};
use crate::vdom::Handler;
use crate::vdom::{Node, OneOrMany, is_sole_text, splice, trim_trailing_places};

impl Layout {
    // -----------------------------------------------------------------------------------------
    // rendering

    pub(super) fn mount_root(&mut self, root: Element) {
        let root_idx = self.arena.root;
        self.mount_children(root_idx, splice(root), 0);
        let len = self.arena.n(root_idx).children_count_sum(&self.arena);
        if let Kind::Element(e) = &mut self.arena.n_mut(root_idx).kind {
            e.len = len;
        }
        if self.boundary_caught {
            self.settle_boundaries();
        }
    }

    /// Renders the boundaries that caught a failure while the tree was mounted (and whatever
    /// else got queued meanwhile), so the first update already shows their fallbacks. The first
    /// update is the whole model, so the changes themselves are not reported.
    #[cold]
    fn settle_boundaries(&mut self) {
        let mut discard = JsonPatch::new();
        for _ in 0..super::MAX_PASSES {
            if !std::mem::take(&mut self.boundary_caught) {
                break;
            }
            let queued = self.take_queued();
            for &idx in &queued {
                let still_dirty = matches!(self.arena.node(idx).map(|n| &n.kind), Some(Kind::Component(s)) if s.dirty);
                if still_dirty {
                    self.rerender_scope(idx, &mut discard);
                }
            }
        }
    }

    /// Mounts a children list under `parent` (an element, component or group) and sets its
    /// counts. A list with a key twice is mounted all the same, with a warning.
    pub(super) fn mount_children(&mut self, parent: NodeId, mut list: OneOrMany<Element>, depth: u32) {
        trim_trailing_places(&mut list);
        let ids = match list {
            OneOrMany::One(child) => {
                let mut ids = Ids::new();
                ids.push(self.mount(child, parent, 0, depth));
                ids
            }
            OneOrMany::Many(items) => {
                warn_duplicate_keys(&self.arena, parent, &items);
                let n = items.len();
                let mut ids = Ids::with_capacity(n);
                for (i, child) in items.into_iter().enumerate() {
                    let before = (i == 0 && n > 16).then(|| self.arena.live());
                    ids.push(self.mount(child, parent, i as u32, depth));
                    if let Some(before) = before {
                        // Room for the rest of a long list at once, if its items are like the
                        // first (a list's rows usually are; a large first item is counted as 32
                        // nodes), so the arena grows once instead of doubling its way there.
                        let per_item = (self.arena.live() - before).min(32);
                        self.arena.reserve(per_item * (n - 1));
                    }
                }
                ids
            }
        };
        *self.arena.children_mut(parent) = ids;
        self.arena.recount(parent);
    }

    /// Mounts a child under `parent`, at position `index` of its children.
    pub(crate) fn mount(&mut self, element: Element, parent: NodeId, index: u32, depth: u32) -> NodeId {
        match element.0 {
            Node::Text(text) => {
                self.arena.alloc(MNode { parent: Some(parent), index, count: 1, irregular: 0, kind: Kind::Text(text) })
            }
            Node::Empty | Node::Merged => {
                self.arena.alloc(MNode { parent: Some(parent), index, count: 0, irregular: 0, kind: Kind::Empty })
            }
            Node::Static(tree) => self.arena.alloc(MNode {
                parent: Some(parent),
                index,
                count: 1,
                irregular: 0,
                kind: Kind::Static(tree),
            }),
            Node::Template(template, holes) => self.arena.alloc(MNode {
                parent: Some(parent),
                index,
                count: 1,
                irregular: 0,
                kind: Kind::Template(template, holes),
            }),
            Node::Fragment(items) if items.is_empty() => {
                self.arena.alloc(MNode { parent: Some(parent), index, count: 0, irregular: 0, kind: Kind::Empty })
            }
            Node::Fragment(items) => {
                let kind = Kind::Group(Box::default());
                let idx = self.arena.alloc(MNode { parent: Some(parent), index, count: 0, irregular: 0, kind });
                self.mount_children(idx, OneOrMany::Many(items), depth);
                idx
            }
            Node::Tag(mut tag) => {
                // The tag's box becomes the mounted element; its content becomes child nodes,
                // except an only text, which stays in the element.
                let inline = is_sole_text(&mut tag.content);
                let content = if inline {
                    tag.len = 1;
                    OneOrMany::new()
                } else {
                    std::mem::take(&mut tag.content)
                };
                let fixed_targets = tag.handlers.iter().any(|(_, h)| h.target.is_some());
                let idx = self.arena.alloc(MNode {
                    parent: Some(parent),
                    index,
                    count: 1,
                    irregular: 0,
                    kind: Kind::Element(tag),
                });
                if fixed_targets {
                    self.register_static_targets(idx);
                }
                if !inline {
                    self.mount_children(idx, content, depth);
                    let len = self.arena.n(idx).children_count_sum(&self.arena);
                    if let Kind::Element(e) = &mut self.arena.n_mut(idx).kind {
                        e.len = len;
                    }
                }
                idx
            }
            Node::Component(c) => {
                let scope = ScopeData::new(c.props, c.ty, c.key, depth + 1);
                let idx = self.arena.alloc(MNode {
                    parent: Some(parent),
                    index,
                    count: 0,
                    irregular: 0,
                    kind: Kind::Component(scope.boxed()),
                });
                // A component that failed under a boundary mounts nothing: the boundary replaces it.
                if let Some((output, effects)) = self.render_scope(idx) {
                    self.mount_children(idx, output, depth + 1);
                    self.effects.extend(effects);
                }
                idx
            }
        }
    }

    /// Runs a component's render with its hooks; returns its output as a children list and the
    /// effects it scheduled. A panic goes to the nearest error boundary, and then the result is
    /// `None`: the component's mounted nodes stay as they are until the boundary replaces them.
    /// Without a boundary the panic becomes an error node and marks the instance failed.
    ///
    /// An async component's render also leaves a future: the rest of its body, polled at once;
    /// the render's output is then the future's element, or its fallback while it is pending
    /// (see `suspend.rs`). A render drops the unfinished future of the render before it.
    pub(super) fn render_scope(&mut self, idx: NodeId) -> Option<(OneOrMany<Element>, Vec<EffectJob>)> {
        let scope_id = ScopeId { idx, generation: self.arena.generation(idx) };
        let scope = self.arena.scope_mut(idx);
        scope.dirty = false;
        if scope.suspended.is_some() {
            // The unfinished render of the props or state before: cancelled.
            scope.suspended = None;
            self.pending_renders -= 1;
        }
        if let Some(signal) = &scope.signal {
            signal.queued.store(false, Ordering::Release);
        }
        if let Some(message) = &scope.failed {
            return Some((OneOrMany::One(error_node(scope.props.name(), message)), Vec::new()));
        }
        let props = scope.props.clone();
        let mut signal = scope.signal.take();
        let mut hooks = std::mem::take(&mut scope.hooks);
        hooks.cursor = 0;
        let mut effects = Vec::new();
        let mut pending_render = None;
        let result = {
            let host = Host { layout: &*self, node: idx };
            let mut cx = HookContext {
                state: &mut hooks,
                signal: &mut signal,
                scope: scope_id,
                effects: &mut effects,
                host: &host,
                pending_render: &mut pending_render,
            };
            catch_unwind(AssertUnwindSafe(|| props.render(&mut cx)))
        };
        let scope = self.arena.scope_mut(idx);
        scope.hooks = hooks;
        scope.signal = signal;
        if let Some(future) = pending_render {
            return self.start_suspended(scope_id, future, result.map(|fallback| (fallback, effects)));
        }
        match result {
            Ok(element) => Some((splice(element), effects)),
            Err(panic) => self.render_failed(idx, panic_message(&*panic)),
        }
    }

    #[cold]
    pub(super) fn render_failed(
        &mut self,
        idx: NodeId,
        message: String,
    ) -> Option<(OneOrMany<Element>, Vec<EffectJob>)> {
        if self.fail_scope(idx, message) {
            return None;
        }
        let scope = self.arena.scope(idx);
        let message = scope.failed.as_deref().unwrap_or_default();
        Some((OneOrMany::One(error_node(scope.props.name(), message)), Vec::new()))
    }

    /// Re-renders a queued component in place and fixes the counts above it.
    pub(super) fn rerender_scope<S: PatchSink>(&mut self, idx: NodeId, sink: &mut S) {
        self.update_in_place(idx, sink, |layout, at, sink| layout.render_component(idx, at, sink));
    }

    /// Changes the component at `idx` where it stands (with `update`, given its place) and fixes
    /// the counts above it.
    pub(super) fn update_in_place<S: PatchSink>(
        &mut self,
        idx: NodeId,
        sink: &mut S,
        update: impl FnOnce(&mut Self, &mut Place<'_>, &mut S),
    ) {
        let old_count = self.arena.n(idx).count;
        let (host, base) = self.arena.locate(idx);
        let mut path = self.arena.element_path(host);
        update(self, &mut Place { host, path: &mut path, base }, sink);
        let new_count = self.arena.n(idx).count;
        if new_count != old_count {
            self.arena.propagate_count(idx, old_count, new_count);
        }
    }
}

/// The layout as the tree the diff reconciles.
impl Reconciler for Layout {
    fn arena(&self) -> &Arena {
        &self.arena
    }

    fn arena_mut(&mut self) -> &mut Arena {
        &mut self.arena
    }

    fn mount(&mut self, element: Element, parent: NodeId, index: u32, depth: u32) -> NodeId {
        Layout::mount(self, element, parent, index, depth)
    }

    fn unmount(&mut self, id: NodeId) {
        Layout::unmount(self, id);
    }

    fn render_component<S: PatchSink>(&mut self, id: NodeId, at: &mut Place<'_>, sink: &mut S) {
        if let Some((output, effects)) = self.render_scope(id) {
            Diff { tree: self, sink }.children(id, output, at);
            self.effects.extend(effects);
        }
    }

    fn handlers_replaced(&mut self, id: NodeId, old: &[(EventName, Handler)]) {
        let generation = self.arena.generation(id);
        self.forget_static_targets(id, generation, old);
        self.register_static_targets(id);
    }
}

/// The layout as the scope handle of the component rendering at `node`.
struct Host<'a> {
    layout: &'a Layout,
    node: NodeId,
}

impl ScopeHost for Host<'_> {
    fn queue(&self) -> std::sync::Weak<RenderQueue> {
        Arc::downgrade(&self.layout.shared)
    }

    fn ancestors(&self, found: &mut AncestorVisitor<'_>) {
        let layout = self.layout;
        let mut cur = layout.arena.n(self.node).parent;
        while let Some(id) = cur {
            let node = layout.arena.n(id);
            if let Kind::Component(scope) = &node.kind
                && found(scope.props.as_any(), &scope.hooks.slots)
            {
                return;
            }
            cur = node.parent;
        }
    }
}

/// The node shown in place of a failed component: the message in debug builds, empty in release.
fn error_node(component: &str, message: &str) -> Element {
    let node = crate::html::pre().attr("class", "idom-error");
    if cfg!(debug_assertions) { node.child(format!("{component} failed: {message}")).into() } else { node.into() }
}
