//! The arena: the mounted tree. Nodes live in slots with generations (a slot freed by an unmount
//! is reused, its generation bumped, so a stale id never reaches another node), and each node
//! caches how many model nodes it stands for, which maps it to its place in the model without a
//! walk of its siblings in the common case.
//!
//! The arena sits below the layout and the diff: the layout mounts and renders into it, the diff
//! reconciles it, and the JSON writer reads it; none of them is imported here.

use std::sync::Arc;
use std::task::Waker;

use crate::Key;
pub(crate) use crate::ids::NodeId;
use crate::scope::{HookState, RenderWaker, ScopeId, ScopeSignal};
use crate::suspense::RenderFuture;
use crate::vdom::{AnyComponent, pool};
use crate::vdom::{Holes, StaticTree, Str, Tag, Template, Text, push_digits, push_int};

pub(crate) struct Slot {
    pub(crate) generation: u32,
    pub(crate) node: Option<MNode>,
}

/// A mounted node.
pub(crate) struct MNode {
    /// The parent node; `None` for the root container only.
    pub(crate) parent: Option<NodeId>,
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
    Text(Text),
    Component(Box<ScopeData>),
    /// A group of children at one place (a non-empty fragment, `Vec` or iterator).
    Group(Box<Ids>),
    /// A hole (an absent child, an empty group, or the place of a merged text): no model node.
    Empty,
    /// A static subtree: one model node, written from its JSON, never diffed inside.
    Static(&'static StaticTree),
    /// An `html!` element tree of fixed shape: one model node, written from the template with its
    /// holes, diffed hole by hole.
    Template(&'static Template, Holes),
}

impl Kind {
    /// Whether the node's model nodes are its children's (a component or a group).
    #[inline]
    pub(crate) fn is_spliced(&self) -> bool {
        matches!(self, Kind::Component(_) | Kind::Group(_))
    }
}

/// The arena ids of a node's children.
pub(crate) type Ids = crate::ids::IdList;

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
    /// The unfinished render of an async component; dropping it cancels it.
    pub(crate) suspended: Option<Box<Suspended>>,
    pub(crate) depth: u32,
    pub(crate) dirty: bool,
}

/// The most scope boxes a thread keeps (about 400 KB): enough for a page of two thousand
/// component rows to be cleared and built again without the allocator.
pub(crate) const KEEP_SCOPES: usize = 2048;

thread_local! {
    /// Scope boxes of unmounted components, for the next components mounted on the thread.
    ///
    /// A scope is larger than the allocator's fast bins take, so freeing one costs a coalescing
    /// `free` (the profile of `table/clear` put a quarter of its instructions there).
    static KEPT_SCOPES: pool::Kept<ScopeData> = const { std::cell::RefCell::new(Vec::new()) };

    /// What an ended scope's `props` point at: one per thread, so ending a scope neither
    /// allocates nor touches another thread's counter.
    static VACANT: Arc<dyn AnyComponent> = Arc::new(Vacant);
}

/// The props of a kept scope box: a component that is never rendered.
#[derive(PartialEq)]
struct Vacant;

impl crate::Component for Vacant {
    fn render(&self, _: &mut crate::scope::HookContext<'_>) -> crate::Element {
        crate::Element::empty()
    }
}

impl ScopeData {
    /// A scope of a component not rendered yet: no hooks, children, tasks or failure.
    pub(crate) fn new(props: Arc<dyn AnyComponent>, ty: std::any::TypeId, key: Option<Key>, depth: u32) -> Self {
        ScopeData {
            props,
            ty,
            key,
            hooks: HookState::default(),
            signal: None,
            children: Ids::new(),
            failed: None,
            tasks: Vec::new(),
            suspended: None,
            depth,
            dirty: false,
        }
    }

    /// The scope in a box, a kept one when the thread has one (see [`ScopeData::end`]).
    #[inline]
    pub(crate) fn boxed(self) -> Box<ScopeData> {
        match pool::take_kept(&KEPT_SCOPES) {
            Some(mut kept) => {
                *kept = self;
                kept
            }
            None => Box::new(self),
        }
    }

    /// Ends an unmounted component's scope: its contents are dropped now (its props, hooks and
    /// children list, in the order a drop of the box would), and the box is kept for a later
    /// [`ScopeData::boxed`], or freed when the thread keeps enough.
    #[inline]
    pub(crate) fn end(mut scope: Box<ScopeData>) {
        let Ok(props) = VACANT.try_with(Arc::clone) else {
            // The thread is exiting: nothing is kept.
            return;
        };
        *scope = ScopeData::new(props, std::any::TypeId::of::<Vacant>(), None, 0);
        pool::keep_box(&KEPT_SCOPES, scope, KEEP_SCOPES);
    }
}

/// A render that has not finished: an async component's future, polled with `waker`, which
/// queues `wake` for the layout (see `layout/suspend.rs`).
pub(crate) struct Suspended {
    pub(crate) future: RenderFuture,
    pub(crate) wake: Arc<RenderWaker>,
    pub(crate) waker: Waker,
}

/// The mounted tree: slots of nodes, the free list, and the root container.
pub(crate) struct Arena {
    pub(crate) slots: Vec<Slot>,
    free: Vec<NodeId>,
    /// The root container (`{"tagName": ""}`), never removed.
    pub(crate) root: NodeId,
}

impl Drop for Arena {
    /// The elements', scopes' and templates' allocations go back to the thread's kept ones (a
    /// closed session's page becomes the next one's).
    fn drop(&mut self) {
        for slot in &mut self.slots {
            match slot.node.take() {
                Some(MNode { kind: Kind::Element(tag), .. }) => pool::recycle(tag),
                Some(MNode { kind: Kind::Component(scope), .. }) => ScopeData::end(scope),
                Some(MNode { kind: Kind::Template(template, holes), .. }) => template.end(holes),
                _ => {}
            }
        }
    }
}

impl Arena {
    /// An arena holding only the root container.
    pub(crate) fn new() -> Self {
        let container = Tag::new(Str::Borrowed(""));
        let root = MNode { parent: None, index: 0, count: 1, irregular: 0, kind: Kind::Element(Box::new(container)) };
        Arena { slots: vec![Slot { generation: 0, node: Some(root) }], free: Vec::new(), root: NodeId::from_slot(0) }
    }

    /// The number of mounted nodes.
    #[inline]
    pub(crate) fn live(&self) -> usize {
        self.slots.len() - self.free.len()
    }

    /// Room for `additional` more nodes without growing (freed slots count), as the power of two
    /// the arena would have doubled to.
    pub(crate) fn reserve(&mut self, additional: usize) {
        let needed = self.slots.len() + additional.saturating_sub(self.free.len());
        if needed > self.slots.capacity() {
            self.slots.reserve_exact(needed.next_power_of_two() - self.slots.len());
        }
    }

    #[inline]
    pub(crate) fn alloc(&mut self, node: MNode) -> NodeId {
        match self.free.pop() {
            Some(id) => {
                self.slots[id.slot()].node = Some(node);
                id
            }
            None => {
                self.slots.push(Slot { generation: 0, node: Some(node) });
                NodeId::from_slot(self.slots.len() - 1)
            }
        }
    }

    #[inline]
    pub(crate) fn release(&mut self, idx: NodeId) {
        let slot = &mut self.slots[idx.slot()];
        slot.node = None;
        self.free_slot(idx);
    }

    /// Takes a node out of the arena and frees its slot; returns it with the generation it had.
    #[inline]
    pub(crate) fn take(&mut self, idx: NodeId) -> (MNode, u32) {
        let slot = &mut self.slots[idx.slot()];
        let node = slot.node.take().expect("mounted node");
        let generation = slot.generation;
        self.free_slot(idx);
        (node, generation)
    }

    /// Puts an emptied slot on the free list, under a new generation.
    #[inline]
    fn free_slot(&mut self, idx: NodeId) {
        let slot = &mut self.slots[idx.slot()];
        slot.generation = slot.generation.wrapping_add(1);
        if self.free.len() == self.free.capacity() {
            // Room for every slot at once: unmounting a large list would otherwise grow (and copy)
            // the free list a dozen times.
            self.free.reserve(self.slots.len() - self.free.len());
        }
        self.free.push(idx);
    }

    #[inline]
    pub(crate) fn node(&self, idx: NodeId) -> Option<&MNode> {
        self.slots.get(idx.slot())?.node.as_ref()
    }

    #[inline]
    pub(crate) fn n(&self, idx: NodeId) -> &MNode {
        self.slots[idx.slot()].node.as_ref().expect("mounted node")
    }

    #[inline]
    pub(crate) fn n_mut(&mut self, idx: NodeId) -> &mut MNode {
        self.slots[idx.slot()].node.as_mut().expect("mounted node")
    }

    #[inline]
    pub(crate) fn generation(&self, idx: NodeId) -> u32 {
        self.slots[idx.slot()].generation
    }

    #[inline]
    pub(crate) fn scope(&self, idx: NodeId) -> &ScopeData {
        match &self.n(idx).kind {
            Kind::Component(s) => s,
            _ => unreachable!("node {idx:?} is not a component"),
        }
    }

    #[inline]
    pub(crate) fn scope_mut(&mut self, idx: NodeId) -> &mut ScopeData {
        match &mut self.n_mut(idx).kind {
            Kind::Component(s) => s,
            _ => unreachable!("node {idx:?} is not a component"),
        }
    }

    /// The parent of a node that is not the root container.
    #[inline]
    pub(crate) fn parent(&self, idx: NodeId) -> NodeId {
        self.n(idx).parent.expect("only the root container has no parent")
    }

    pub(crate) fn scope_alive(&self, id: ScopeId) -> bool {
        self.slots.get(id.idx.slot()).is_some_and(|s| {
            s.generation == id.generation && matches!(s.node.as_ref().map(|n| &n.kind), Some(Kind::Component(_)))
        })
    }

    #[inline]
    pub(crate) fn children(&self, idx: NodeId) -> &[NodeId] {
        self.n(idx).children()
    }

    #[inline]
    pub(crate) fn children_mut(&mut self, idx: NodeId) -> &mut Ids {
        match &mut self.n_mut(idx).kind {
            Kind::Element(e) => &mut e.children,
            Kind::Component(s) => &mut s.children,
            Kind::Group(ids) => ids,
            Kind::Text(_) | Kind::Empty | Kind::Static(_) | Kind::Template(..) => {
                unreachable!("texts, holes, static subtrees and templates have no children")
            }
        }
    }

    /// The component that owns a node (the nearest component at or above it).
    pub(crate) fn owner_scope(&self, idx: NodeId) -> Option<NodeId> {
        let mut cur = Some(idx);
        while let Some(id) = cur {
            let node = self.n(id);
            if matches!(node.kind, Kind::Component(_)) {
                return Some(id);
            }
            cur = node.parent;
        }
        None
    }

    /// The name of the component that owns a node, for messages (`root` outside any component).
    pub(crate) fn owner_name(&self, idx: NodeId) -> &'static str {
        self.owner_scope(idx).map_or("root", |scope| self.scope(scope).props.name())
    }

    /// After a component's count changed outside its parent's diff, fixes the parents' caches.
    pub(crate) fn propagate_count(&mut self, mut idx: NodeId, mut old: u32, mut new: u32) {
        loop {
            let parent = self.parent(idx);
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
    #[inline]
    pub(crate) fn recount(&mut self, idx: NodeId) {
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
    pub(crate) fn locate(&self, idx: NodeId) -> (NodeId, usize) {
        let mut offset = 0usize;
        let mut cur = idx;
        loop {
            let node = self.n(cur);
            let parent_id = self.parent(cur);
            let parent = self.n(parent_id);
            offset += if parent.irregular == 0 {
                node.index as usize
            } else {
                self.count_sum(&parent.children()[..node.index as usize])
            };
            if matches!(parent.kind, Kind::Element(_)) {
                return (parent_id, offset);
            }
            cur = parent_id;
        }
    }

    /// The JSON Pointer of an element in the model.
    pub(crate) fn element_path(&self, idx: NodeId) -> String {
        fn push(arena: &Arena, idx: NodeId, path: &mut String) {
            if idx != arena.root {
                let (host, i) = arena.locate(idx);
                push(arena, host, path);
                path.push_str("/children/");
                push_int(path, i as i128);
            }
        }
        // Room for the diff to append a few levels below without growing.
        let mut path = String::with_capacity(96);
        push(self, idx, &mut path);
        path
    }
}

impl Arena {
    /// The model nodes the children in `list` stand for.
    #[inline]
    pub(crate) fn count_sum(&self, list: &[NodeId]) -> usize {
        list.iter().map(|&c| self.n(c).count as usize).sum()
    }

    /// The depth of components a child of `owner` is mounted at (that of the nearest component at
    /// or above `owner`; 0 outside any).
    pub(crate) fn child_depth(&self, owner: NodeId) -> u32 {
        let mut cur = Some(owner);
        while let Some(id) = cur {
            if let Kind::Component(s) = &self.n(id).kind {
                return s.depth;
            }
            cur = self.n(id).parent;
        }
        0
    }

    /// The model nodes (elements and texts) a node stands for, in order.
    pub(crate) fn flatten(&self, idx: NodeId, out: &mut Vec<NodeId>) {
        let node = self.n(idx);
        match &node.kind {
            Kind::Element(_) | Kind::Text(_) | Kind::Static(_) | Kind::Template(..) => out.push(idx),
            Kind::Component(_) | Kind::Group(_) | Kind::Empty => {
                node.children().iter().for_each(|&c| self.flatten(c, out))
            }
        }
    }
}

/// The id the client sends back with an event: the element's slot, that slot's generation and the
/// event's wire name, as the text `"slot:generation:event"`; for a handler inside a template, the
/// slot is followed by the handler's hole (`"slot.hole:generation:event"`). The generation makes a
/// target of an unmounted element useless once its slot holds another node. This type is the only
/// place that writes or reads that text.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct TargetId<'a> {
    pub(crate) node: NodeId,
    pub(crate) generation: u32,
    /// The handler's hole, when the node is a template.
    pub(crate) hole: Option<u32>,
    pub(crate) event: &'a str,
}

impl<'a> TargetId<'a> {
    /// Appends the target's text (nothing in it needs JSON escaping).
    #[inline]
    pub(crate) fn write(&self, out: &mut String) {
        push_digits(out, self.node.slot() as u64);
        if let Some(hole) = self.hole {
            out.push('.');
            push_digits(out, hole.into());
        }
        out.push(':');
        push_digits(out, self.generation.into());
        out.push(':');
        out.push_str(self.event);
    }

    /// Reads a target's text; `None` for anything that is not one.
    pub(crate) fn parse(text: &'a str) -> Option<Self> {
        let mut parts = text.splitn(3, ':');
        let first = parts.next()?;
        let (slot, hole) = match first.split_once('.') {
            Some((slot, hole)) => (slot, Some(hole.parse().ok()?)),
            None => (first, None),
        };
        let slot: u32 = slot.parse().ok()?;
        let node = NodeId::checked_from_slot(usize::try_from(slot).ok()?)?;
        let generation = parts.next()?.parse().ok()?;
        let event = parts.next()?;
        Some(TargetId { node, generation, hole, event })
    }
}

impl MNode {
    #[inline]
    pub(crate) fn children(&self) -> &[NodeId] {
        match &self.kind {
            Kind::Element(e) => &e.children,
            Kind::Component(s) => &s.children,
            Kind::Group(ids) => ids,
            Kind::Text(_) | Kind::Empty | Kind::Static(_) | Kind::Template(..) => &[],
        }
    }

    #[inline]
    pub(crate) fn children_count_sum(&self, arena: &Arena) -> u32 {
        self.children().iter().map(|&c| arena.n(c).count).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A component whose props say when they are dropped (the count of `alive`).
    struct Probe {
        _alive: Arc<()>,
    }

    impl PartialEq for Probe {
        fn eq(&self, _: &Self) -> bool {
            true
        }
    }

    impl crate::Component for Probe {
        fn render(&self, _: &mut crate::scope::HookContext<'_>) -> crate::Element {
            crate::Element::empty()
        }
    }

    fn scope(alive: &Arc<()>) -> ScopeData {
        let props = Arc::new(Probe { _alive: Arc::clone(alive) });
        let scope = ScopeData::new(props, std::any::TypeId::of::<Probe>(), Some(Key::from(3)), 4);
        ScopeData { failed: Some("kept no more".to_owned()), dirty: true, ..scope }
    }

    #[test]
    fn an_ended_scope_drops_its_props_at_once_and_its_box_is_used_again() {
        std::thread::spawn(|| {
            let alive = Arc::new(());
            let boxed = scope(&alive).boxed();
            let address = &*boxed as *const ScopeData as usize;
            assert_eq!(Arc::strong_count(&alive), 2);
            ScopeData::end(boxed);
            assert_eq!(Arc::strong_count(&alive), 1, "the props outlived their scope");
            let again = scope(&alive).boxed();
            assert_eq!(&*again as *const ScopeData as usize, address, "the box was kept");
            assert_eq!((again.depth, again.dirty, again.key.clone()), (4, true, Some(Key::from(3))));
            assert_eq!(again.props.name(), "Probe");
        })
        .join()
        .unwrap();
    }

    #[test]
    fn a_thread_keeps_at_most_keep_scopes_boxes() {
        std::thread::spawn(|| {
            let alive = Arc::new(());
            let scopes: Vec<_> = (0..KEEP_SCOPES + 10).map(|_| scope(&alive).boxed()).collect();
            scopes.into_iter().for_each(ScopeData::end);
            assert_eq!(KEPT_SCOPES.with(|kept| kept.borrow().len()), KEEP_SCOPES);
            assert_eq!(Arc::strong_count(&alive), 1);
        })
        .join()
        .unwrap();
    }

    #[test]
    fn a_dropped_arena_keeps_its_scopes_boxes() {
        std::thread::spawn(|| {
            let alive = Arc::new(());
            let mut arena = Arena::new();
            let root = arena.root;
            let node = |scope: ScopeData| MNode {
                parent: Some(root),
                index: 0,
                count: 0,
                irregular: 0,
                kind: Kind::Component(scope.boxed()),
            };
            arena.alloc(node(scope(&alive)));
            arena.alloc(node(scope(&alive)));
            drop(arena);
            assert_eq!(Arc::strong_count(&alive), 1);
            assert_eq!(KEPT_SCOPES.with(|kept| kept.borrow().len()), 2);
        })
        .join()
        .unwrap();
    }
}
