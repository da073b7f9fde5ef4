//! The diff: reconciles a mounted children list with the list a render returned, and reports
//! every change of the model to a [`PatchSink`].
//!
//! # What it does
//! Each children list is matched on its own: an element's children, a component's output, and the
//! items of each group inside them. Children are matched by key when they have one and by position
//! among the unkeyed otherwise; holes and groups are unkeyed children like any other, so an absent
//! child or a growing list never shifts its siblings. A match also needs the same type (text, the
//! same tag, the same component type, a group, a hole), else the old node is unmounted and the new
//! one mounted. Matched children that left their relative order are moved with the fewest moves:
//! those on a longest increasing subsequence of old positions stay. A list in which nothing
//! matches and whose nodes are all of their element's model children is replaced in one
//! operation. A key that appears twice in one list is logged as a warning (in every build); the
//! first child with it keeps the match, the later ones are matched as new children.
//!
//! # What it never does
//! It never writes JSON and never renders a component itself: changes go to the sink, and
//! mounting, unmounting and rendering are asked of the [`Reconciler`] (the layout), so this module
//! imports neither the layout nor the protocol.
//!
//! # Files
//! `children.rs` matches a list and removes, mounts and keeps children; `placement.rs` moves and
//! inserts them in their new order; `attributes.rs` diffs an element's attributes and handlers;
//! `template.rs` diffs a mounted template against a new render of it, hole by hole;
//! `sink.rs` is the [`PatchSink`] trait; `keys.rs` hashes keys.

mod attributes;
mod children;
mod placement;
mod sink;
mod template;

use std::sync::Arc;

pub(crate) use crate::vdom::KeyHashing;
#[cfg(test)]
pub(crate) use sink::{Edit, Recorder};
pub(crate) use sink::{ElementRef, HostRef, PatchSink};

use crate::Element;
use crate::arena::{Arena, Kind, MNode};
use crate::event::EventName;
use crate::ids::NodeId;
use crate::vdom::{Handler, Node, OneOrMany, Text, is_sole_text, pool, push_int};

/// The old position of a new child that matched none (in the diff's `matched` lists).
const UNMATCHED: u32 = u32::MAX;

/// What the diff asks of the tree it reconciles: the arena, and mounting, unmounting and
/// rendering, which run components. The layout implements it.
pub(crate) trait Reconciler {
    fn arena(&self) -> &Arena;
    fn arena_mut(&mut self) -> &mut Arena;
    /// Mounts `element` (rendering the components in it) as child `index` of `parent`.
    fn mount(&mut self, element: Element, parent: NodeId, index: u32, depth: u32) -> NodeId;
    /// Unmounts a subtree: effect cleanups are queued, tasks aborted, slots freed.
    fn unmount(&mut self, id: NodeId);
    /// Renders the component `id` (its props already set) and diffs its output at `at`.
    fn render_component<S: PatchSink>(&mut self, id: NodeId, at: &mut Place<'_>, sink: &mut S);
    /// The element `id` holds new handlers; `old` are the ones it had (fixed targets move over).
    fn handlers_replaced(&mut self, id: NodeId, old: &[(EventName, Handler)]);
}

/// Where a children list's nodes sit in the model: the element whose model `children` hold them
/// (`host`, at `path`), from model index `base` on. This is the state that travels down a diff.
pub(crate) struct Place<'p> {
    pub(crate) host: NodeId,
    pub(crate) path: &'p mut String,
    pub(crate) base: usize,
}

/// A diff in progress: the tree it reconciles and the sink its changes go to.
pub(crate) struct Diff<'a, R, S> {
    pub(crate) tree: &'a mut R,
    pub(crate) sink: &'a mut S,
}

impl<R: Reconciler, S: PatchSink> Diff<'_, R, S> {
    fn arena(&self) -> &Arena {
        self.tree.arena()
    }

    fn arena_mut(&mut self) -> &mut Arena {
        self.tree.arena_mut()
    }

    /// Updates a matched node (same type) to `element`, whose first model node is model child
    /// `mi` of the host.
    fn update_node(&mut self, id: NodeId, element: Element, at: &mut Place<'_>, mi: usize) {
        match element.0 {
            Node::Text(text) => {
                if let Kind::Text(old) = &mut self.tree.arena_mut().n_mut(id).kind
                    && *old != text
                {
                    *old = text;
                    let len = self.element_len(at.host);
                    let Kind::Text(text) = &self.tree.arena().n(id).kind else { unreachable!() };
                    self.sink.set_text(HostRef { path: at.path, len }, mi, text);
                }
            }
            Node::Tag(tag) => {
                let tag = pool::unbox(tag);
                match self.arena().n(id).kind {
                    Kind::Static(tree) => self.materialize(id, tree.element.clone()),
                    Kind::Template(..) => self.materialize_template(id),
                    _ => {}
                }
                let len = at.path.len();
                at.path.push_str("/children/");
                push_int(at.path, mi as i128);
                self.diff_element(id, tag.key, tag.fixed, tag.attrs, tag.head, tag.handlers, at.path);
                let mut content = tag.content;
                if self.has_inline_text(id) {
                    if is_sole_text(&mut content) {
                        let OneOrMany::One(Element(Node::Text(text))) = content else { unreachable!("a sole text") };
                        self.set_inline_text(id, text, at.path);
                        at.path.truncate(len);
                        return;
                    }
                    self.uninline_text(id);
                }
                self.children(id, content, &mut Place { host: id, path: &mut *at.path, base: 0 });
                at.path.truncate(len);
            }
            Node::Fragment(items) => {
                // A group matched a group; an empty one matched a hole, which has nothing to diff.
                if matches!(self.arena().n(id).kind, Kind::Group(_)) {
                    self.children(
                        id,
                        OneOrMany::Many(items),
                        &mut Place { host: at.host, path: &mut *at.path, base: mi },
                    );
                }
            }
            Node::Empty | Node::Merged => {}
            Node::Template(template, holes) => {
                let generation = self.arena().generation(id);
                let Diff { tree, sink } = self;
                if let Kind::Template(old, old_holes) = &mut tree.arena_mut().n_mut(id).kind
                    && std::ptr::eq(*old, template)
                {
                    let len = at.path.len();
                    at.path.push_str("/children/");
                    push_int(at.path, mi as i128);
                    template::diff_template(template, old_holes, holes, id, generation, at.path, *sink);
                    at.path.truncate(len);
                    return;
                }
                // Another markup: diffed as elements, so only what differs is sent.
                self.update_node(id, template.materialize(holes, None), at, mi);
            }
            Node::Static(tree) => {
                if matches!(self.arena().n(id).kind, Kind::Static(old) if std::ptr::eq(old, tree)) {
                    return;
                }
                // Another subtree with the same tag (a fallback and its result, two branches of
                // an `if`): diffed as elements, so only what differs is sent, then shared again.
                self.update_node(id, tree.element.clone(), at, mi);
                self.freeze(id, tree);
            }
            Node::Component(c) => {
                let scope = self.arena_mut().scope_mut(id);
                scope.key = c.key;
                let same = Arc::ptr_eq(&scope.props, &c.props) || scope.props.eq_any(&*c.props);
                if same && !scope.dirty {
                    return;
                }
                if !same {
                    scope.props = c.props;
                }
                let mut inner = Place { host: at.host, path: &mut *at.path, base: mi };
                self.tree.render_component(id, &mut inner, self.sink);
            }
        }
    }

    /// Whether the element `id` keeps its only child, a text, in itself (see `Tag::inline_text`).
    #[inline]
    fn has_inline_text(&self, id: NodeId) -> bool {
        matches!(&self.arena().n(id).kind, Kind::Element(e) if e.inline_text().is_some())
    }

    /// Sets the inline text of the element `id` (at `path`), telling the sink if it changed.
    #[inline]
    fn set_inline_text(&mut self, id: NodeId, text: Text, path: &str) {
        let Kind::Element(e) = &mut self.tree.arena_mut().n_mut(id).kind else { unreachable!("an element") };
        let OneOrMany::One(Element(Node::Text(old))) = &mut e.content else { unreachable!("an inline text") };
        if *old != text {
            *old = text;
            self.sink.set_text(HostRef { path, len: 1 }, 0, old);
        }
    }

    /// Gives the inline text of the element `id` a node of its own, as its one child, so its new
    /// children can be diffed against it (the model does not change).
    fn uninline_text(&mut self, id: NodeId) {
        let arena = self.tree.arena_mut();
        let Kind::Element(e) = &mut arena.n_mut(id).kind else { unreachable!("an element") };
        let OneOrMany::One(Element(Node::Text(text))) = std::mem::take(&mut e.content) else {
            unreachable!("an inline text")
        };
        let child = arena.alloc(MNode { parent: Some(id), index: 0, count: 1, irregular: 0, kind: Kind::Text(text) });
        let Kind::Element(e) = &mut arena.n_mut(id).kind else { unreachable!("an element") };
        e.children.push(child);
    }

    /// Turns a mounted template into mounted elements (the same model, no change sent), so it can
    /// be diffed against an element. Its handlers keep the targets they had (as fixed ones): the
    /// diff that follows sees each change and sends the handler its element's own target.
    fn materialize_template(&mut self, id: NodeId) {
        let generation = self.arena().generation(id);
        let Kind::Template(template, holes) = std::mem::replace(&mut self.arena_mut().n_mut(id).kind, Kind::Empty)
        else {
            unreachable!("a template")
        };
        let target = |hole, event: &str| {
            let mut text = String::new();
            crate::arena::TargetId { node: id, generation, hole: Some(hole), event }.write(&mut text);
            std::sync::Arc::from(text)
        };
        self.materialize(id, template.materialize(holes, Some(&target)));
        // The root's fixed targets were registered under the node it was built in.
        self.tree.handlers_replaced(id, &[]);
    }

    /// Turns a mounted static subtree or template into mounted elements, built from `element`
    /// (its markup: the model does not change, no change is sent), so it can be diffed against an
    /// element.
    fn materialize(&mut self, id: NodeId, element: Element) {
        let (parent, index) = {
            let node = self.arena().n(id);
            (node.parent.expect("a static subtree has a parent"), node.index)
        };
        let built = self.tree.mount(element, parent, index, 0);
        let arena = self.arena_mut();
        let node = arena.slots[built.slot()].node.take().expect("just mounted");
        for &c in node.children() {
            arena.n_mut(c).parent = Some(id);
        }
        arena.slots[id.slot()].node = Some(node);
        arena.release(built);
    }

    /// Makes an element that now shows exactly `tree` the shared static subtree again: its
    /// children are unmounted (the model keeps them: they are the subtree's), no change sent.
    fn freeze(&mut self, id: NodeId, tree: &'static crate::vdom::StaticTree) {
        let children = match &mut self.arena_mut().n_mut(id).kind {
            Kind::Element(e) => std::mem::take(&mut e.children),
            _ => return,
        };
        for c in children {
            self.tree.unmount(c);
        }
        let node = self.arena_mut().n_mut(id);
        node.irregular = 0;
        node.kind = Kind::Static(tree);
    }

    /// The model length of a host element.
    fn element_len(&self, host: NodeId) -> u32 {
        match &self.arena().n(host).kind {
            Kind::Element(e) => e.len,
            _ => unreachable!("hosts are elements"),
        }
    }

    fn set_element_len(&mut self, host: NodeId, len: u32) {
        if let Kind::Element(e) = &mut self.arena_mut().n_mut(host).kind {
            e.len = len;
        }
    }
}

/// Logs a warning for each key that appears more than once in one children list (the list of
/// `parent`), naming the component it is in. The only check for duplicate keys, in every build.
#[inline]
pub(crate) fn warn_duplicate_keys(arena: &Arena, parent: NodeId, children: &[Element]) {
    if children.len() < 2 {
        return;
    }
    let keyed = children.iter().filter(|c| c.key().is_some()).count();
    if keyed < 2 {
        return;
    }
    let mut seen = std::collections::HashSet::with_capacity_and_hasher(keyed, KeyHashing::new());
    for k in children.iter().filter_map(Element::key) {
        if !seen.insert(k) {
            let component = arena.owner_name(parent);
            tracing::warn!(
                component,
                key = %k,
                "duplicate key `{k}` in one list of <{component}>: keys must be unique within one list; \
                 the first child with it keeps its state, the others are mounted afresh"
            );
        }
    }
}

/// The diff alone, through a sink that records operations: no JSON is written or parsed.
#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::{Edit, Recorder};
    use crate::hooks::{UpdateHandle, use_update};
    use crate::html::{li, p, span, ul};
    use crate::{Component, Element, HookContext, Layout};

    /// Renders `view(state)`; the test changes the state and asks for a re-render.
    struct View {
        state: Arc<Mutex<Vec<i32>>>,
        handle: Arc<Mutex<Option<UpdateHandle>>>,
        view: fn(&[i32]) -> Element,
    }

    impl PartialEq for View {
        fn eq(&self, other: &Self) -> bool {
            Arc::ptr_eq(&self.state, &other.state)
        }
    }

    impl Component for View {
        fn render(&self, cx: &mut HookContext<'_>) -> Element {
            *self.handle.lock().unwrap() = Some(use_update::__call(cx));
            (self.view)(&self.state.lock().unwrap())
        }
    }

    /// The edits of re-rendering `view` after its state went from `before` to `after`.
    fn edits(view: fn(&[i32]) -> Element, before: &[i32], after: &[i32]) -> Vec<Edit> {
        let (state, handle) = (Arc::new(Mutex::new(before.to_vec())), Arc::new(Mutex::new(None)));
        let mut layout = Layout::new(View { state: state.clone(), handle: handle.clone(), view });
        layout.try_render();
        *state.lock().unwrap() = after.to_vec();
        handle.lock().unwrap().as_ref().unwrap().update();
        let mut recorder = Recorder::default();
        layout.render_queued(&mut recorder);
        recorder.0
    }

    fn keyed(items: &[i32]) -> Element {
        ul().child(items.iter().map(|&i| li().key(i).child(i))).into()
    }

    fn host(path: &str) -> String {
        path.to_owned()
    }

    #[test]
    fn a_keyed_swap_is_two_moves_and_nothing_else() {
        let edits = edits(keyed, &[1, 2, 3, 4], &[1, 4, 3, 2]);
        assert_eq!(
            edits,
            [
                Edit::Move { host: host("/children/0"), from: 2, to: 1 },
                Edit::Move { host: host("/children/0"), from: 3, to: 1 },
            ]
        );
    }

    #[test]
    fn a_hole_filled_before_siblings_is_one_insert() {
        fn banner(state: &[i32]) -> Element {
            let shown = state[0] == 1;
            ul().child(if shown { p().child("banner").into() } else { Element::empty() }).child(li().child("a")).into()
        }
        let edits = edits(banner, &[0], &[1]);
        assert_eq!(edits, [Edit::Insert { host: host("/children/0"), index: 0, node: "<p>".into() }]);
    }

    #[test]
    fn a_list_that_matches_nothing_is_replaced_whole() {
        let edits = edits(keyed, &[1, 2], &[3, 4, 5]);
        assert_eq!(edits, [Edit::ReplaceChildren { host: host("/children/0"), len: 3 }]);
    }

    #[test]
    fn a_lone_text_lives_in_its_element_until_a_sibling_joins_it() {
        fn view(state: &[i32]) -> Element {
            let label = if state[0] == 2 { "b" } else { "a" };
            let extra = if state[0] == 1 { Element::from(span().child("new")) } else { Element::empty() };
            p().child(label).child(extra).into()
        }
        // The text needs no node: the arena holds the root, the component and the `<p>`.
        let (state, handle) = (Arc::new(Mutex::new(vec![0])), Arc::new(Mutex::new(None)));
        let mut layout = Layout::new(View { state: state.clone(), handle: handle.clone(), view });
        layout.try_render();
        assert_eq!(layout.arena.live(), 3);
        assert_eq!(edits(view, &[0], &[2]), [Edit::SetText { host: host("/children/0"), index: 0, text: "b".into() }]);
        // A sibling gives the text a node of its own, without changing it in the model.
        assert_eq!(
            edits(view, &[0], &[1]),
            [Edit::Insert { host: host("/children/0"), index: 1, node: "<span>".into() }]
        );
        assert_eq!(edits(view, &[1], &[0]), [Edit::Remove { host: host("/children/0"), index: 1 }]);
        *state.lock().unwrap() = vec![1];
        handle.lock().unwrap().as_ref().unwrap().update();
        layout.render_queued(&mut Recorder::default());
        assert_eq!(layout.arena.live(), 5, "root, component, `<p>`, its text, and `<span>` (its lone text needs none)");
        assert_eq!(layout.model()["children"][0]["children"][0], "a");
    }

    #[test]
    fn attributes_and_texts_are_set_in_place() {
        fn view(state: &[i32]) -> Element {
            p().attr("class", if state[0] == 0 { "a" } else { "b" }).child(state[0]).into()
        }
        let edits = edits(view, &[0], &[1]);
        assert_eq!(
            edits,
            [
                Edit::SetAttribute { element: host("/children/0"), name: "class".into(), replaces: true },
                Edit::SetText { host: host("/children/0"), index: 0, text: "1".into() },
            ]
        );
    }
}
