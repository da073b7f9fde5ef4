//! Matching one children list: children that match in place at both ends are only updated; the
//! rest is matched by key or by position among the unkeyed, and what did not match is removed or
//! mounted.

use std::collections::HashMap;
use std::sync::Arc;

use super::UNMATCHED as NONE;
use super::{Diff, HostRef, KeyHashing, PatchSink, Place, Reconciler, warn_duplicate_keys};
use crate::arena::{Ids, Kind};
use crate::ids::NodeId;
use crate::vdom::{Node, OneOrMany, makes_no_node, trim_trailing_places};
use crate::{Element, Key};

impl<R: Reconciler, S: PatchSink> Diff<'_, R, S> {
    /// Diffs `owner`'s children (an element's, a component's or a group's) against `new`, whose
    /// model nodes sit at `at`.
    ///
    /// Children that match in place at the start (same key or both unkeyed, same type) and keyed
    /// children that match in place at the end are only updated; the general matching, removals,
    /// moves and insertions run on what lies between, so a list whose order did not change costs
    /// no allocation and no hashing. One new child that matches the one old child in place (a
    /// component's usual output, an element's text) is updated without making a list of it.
    pub(crate) fn children(&mut self, owner: NodeId, new: OneOrMany<Element>, at: &mut Place<'_>) {
        let element = match new {
            OneOrMany::Many(items) => return self.children_list(owner, items, at),
            OneOrMany::One(element) => element,
        };
        let only = match *self.arena().children(owner) {
            [id] if !makes_no_node(&element) && self.matches_in_place(id, &element, false) => id,
            _ => return self.children_list(owner, vec![element], at),
        };
        let old = std::mem::take(self.arena_mut().children_mut(owner));
        let mut mi = at.base;
        self.matched_child(owner, 0, element, only, at, &mut mi);
        let arena = self.arena_mut();
        *arena.children_mut(owner) = old;
        arena.recount(owner);
    }

    /// [`children`](Self::children) for a list of any length.
    fn children_list(&mut self, owner: NodeId, mut new: Vec<Element>, at: &mut Place<'_>) {
        trim_trailing_places(&mut new);
        let old = std::mem::take(self.arena_mut().children_mut(owner));
        if old.is_empty() && new.is_empty() {
            return;
        }
        let common = old.len().min(new.len());
        let mut start = 0;
        while start < common && self.matches_in_place(old[start], &new[start], false) {
            start += 1;
        }
        // Only keyed children at the end: unkeyed ones are matched by their position among the
        // unkeyed counted from the start, which the middle may shift.
        let (mut old_end, mut new_end) = (old.len(), new.len());
        while old_end > start && new_end > start && self.matches_in_place(old[old_end - 1], &new[new_end - 1], true) {
            old_end -= 1;
            new_end -= 1;
        }
        let ids = if start == old_end && start == new_end {
            old
        } else {
            let Some(ids) = self.middle(owner, &old, &mut new, (start, old_end, new_end), at) else {
                return;
            };
            ids
        };

        // Contents of matched children, left to right, in their final places.
        let mut mi = at.base;
        for (j, (element, &id)) in new.into_iter().zip(&ids).enumerate() {
            self.matched_child(owner, j, element, id, at, &mut mi);
        }
        let arena = self.arena_mut();
        *arena.children_mut(owner) = ids;
        arena.recount(owner);
    }

    /// Updates the matched child `id` (now the `j`th of `owner`, at model index `mi`, which it
    /// moves past) to `element`.
    #[inline(always)]
    fn matched_child(
        &mut self,
        owner: NodeId,
        j: usize,
        element: Element,
        id: NodeId,
        at: &mut Place<'_>,
        mi: &mut usize,
    ) {
        let node = self.arena_mut().n_mut(id);
        node.index = j as u32;
        node.parent = Some(owner);
        let count = node.count as usize;
        // Mounted children were taken out of `new`, leaving holes: nothing to update there, nor
        // in a hole or a merged text's place, nor in a component given the same props (by
        // pointer: a memoised row) that is not waiting to render. Matched children have equal
        // keys, so nothing of it changes.
        let unchanged = match (&element.0, &node.kind) {
            (Node::Empty | Node::Merged, _) => true,
            (Node::Component(c), Kind::Component(s)) => Arc::ptr_eq(&s.props, &c.props) && !s.dirty,
            _ => false,
        };
        if !unchanged {
            self.update_node(id, element, at, *mi);
        }
        *mi += if unchanged { count } else { self.arena().n(id).count as usize };
    }

    /// Matches, removes, mounts and moves the children between a common start and a common end
    /// (`old[start..old_end]` against `new[start..new_end]`). Returns the ids of all new children,
    /// or `None` when nothing matched and all of the host's model children were replaced in one
    /// operation (the children are then fully mounted).
    fn middle(
        &mut self,
        owner: NodeId,
        old: &[NodeId],
        new: &mut [Element],
        (start, old_end, new_end): (usize, usize, usize),
        at: &Place<'_>,
    ) -> Option<Ids> {
        let depth = self.arena().child_depth(owner);
        let (old_mid, new_mid) = (&old[start..old_end], &new[start..new_end]);

        // Match new children to old ones: by key, or by position among the unkeyed.
        let mut matched = vec![NONE; new_mid.len()];
        let mut used = vec![false; old_mid.len()];
        let mut any_match = false;
        let mut check_duplicates = false;
        {
            let by_key = self.key_index(old_mid);
            let mut unkeyed_old = old_mid.iter().enumerate().filter(|(_, c)| self.node_key(**c).is_none());
            for (j, element) in new_mid.iter().enumerate() {
                let candidate = match element.key() {
                    Some(k) => {
                        let found = by_key.as_ref().and_then(|m| m.get(k).copied());
                        // A key met twice, or a new key (which may repeat one kept in place), can
                        // be a duplicate: the whole list is checked below.
                        check_duplicates |= found.is_none_or(|i| used[i]);
                        found
                    }
                    None => unkeyed_old.next().map(|(i, _)| i),
                };
                if let Some(i) = candidate
                    && !used[i]
                    && self.same_type(old_mid[i], element)
                {
                    used[i] = true;
                    matched[j] = i as u32;
                    any_match = true;
                }
            }
        }
        if check_duplicates {
            warn_duplicate_keys(self.arena(), owner, new);
        }

        // Nothing matches and the list's nodes are all of the host's model children: one operation.
        let whole_array = start == 0
            && old_end == old.len()
            && at.base == 0
            && self.arena().count_sum(old) == self.element_len(at.host) as usize;
        if !any_match && whole_array {
            for &c in old {
                self.tree.unmount(c);
            }
            let ids: Ids = new
                .iter_mut()
                .enumerate()
                .map(|(j, e)| self.tree.mount(std::mem::take(e), owner, j as u32, depth))
                .collect();
            let arena = self.tree.arena_mut();
            *arena.children_mut(owner) = ids;
            arena.recount(owner);
            let len: u32 = arena.count_sum(arena.children(owner)) as u32;
            let had = self.element_len(at.host);
            if len > 0 || had > 0 {
                self.sink.replace_children(self.tree.arena(), HostRef { path: at.path, len: had }, owner, len);
            }
            self.set_element_len(at.host, len);
            return None;
        }

        // 1. Removals, last first so earlier indices stay valid.
        let base = at.base + self.arena().count_sum(&old[..start]);
        let mut index = base + self.arena().count_sum(old_mid);
        for (i, &c) in old_mid.iter().enumerate().rev() {
            let count = self.arena().n(c).count as usize;
            index -= count;
            if !used[i] {
                for _ in 0..count {
                    let len = self.element_len(at.host);
                    self.sink.remove(HostRef { path: at.path, len }, index);
                    self.set_element_len(at.host, len - 1);
                }
                self.tree.unmount(c);
            }
        }

        // 2. New children are mounted, left to right so their effects run in document order.
        let mut ids = Ids::with_capacity(new.len());
        ids.extend_from_slice(&old[..start]);
        for (j, &m) in matched.iter().enumerate() {
            let id = if m == NONE {
                let j = start + j;
                self.tree.mount(std::mem::take(&mut new[j]), owner, j as u32, depth)
            } else {
                old_mid[m as usize]
            };
            ids.push(id);
        }
        ids.extend_from_slice(&old[old_end..]);

        // 3. Moves and insertions.
        self.place(&ids[start..start + matched.len()], &matched, at, base);
        Some(ids)
    }

    fn node_key(&self, idx: NodeId) -> Option<&Key> {
        match &self.arena().n(idx).kind {
            Kind::Element(e) => e.key.as_ref(),
            Kind::Component(s) => s.key.as_ref(),
            Kind::Template(t, holes) => t.key(holes),
            Kind::Text(_) | Kind::Group(_) | Kind::Empty | Kind::Static(_) => None,
        }
    }

    /// Whether a mounted node can be updated to `element`. Holes match holes (an empty group is
    /// mounted as a hole) and groups match groups.
    fn same_type(&self, idx: NodeId, element: &Element) -> bool {
        match (&self.arena().n(idx).kind, &element.0) {
            (Kind::Text(_), Node::Text(_)) => true,
            (Kind::Element(e), Node::Tag(t)) => e.name == t.name,
            (Kind::Component(s), Node::Component(c)) => s.ty == c.ty,
            (Kind::Group(_), Node::Fragment(_)) | (Kind::Empty, Node::Empty | Node::Merged) => true,
            (Kind::Empty, Node::Fragment(items)) => items.is_empty(),
            // A static subtree matches itself, and any element (static or not) of its tag.
            (Kind::Static(a), Node::Static(b)) => {
                std::ptr::eq(*a, *b) || same_tag(a.element.tag_name(), b.element.tag_name())
            }
            (Kind::Static(a), Node::Tag(t)) => same_tag(a.element.tag_name(), Some(&t.name)),
            (Kind::Element(e), Node::Static(b)) => same_tag(Some(&e.name), b.element.tag_name()),
            // A template matches itself, and any element of its root's tag.
            (Kind::Template(a, _), Node::Template(b, _)) => std::ptr::eq(*a, *b) || a.name() == b.name(),
            (Kind::Template(a, _), _) => same_tag(Some(a.name()), element.tag_name()),
            (Kind::Element(e), Node::Template(b, _)) => e.name == b.name(),
            (Kind::Static(a), Node::Template(b, _)) => same_tag(a.element.tag_name(), Some(b.name())),
            _ => false,
        }
    }

    /// Whether a mounted child and a new element match where they stand: the same key (or, unless
    /// `keyed_only`, both unkeyed) and the same type.
    fn matches_in_place(&self, idx: NodeId, element: &Element, keyed_only: bool) -> bool {
        let same_key = |a: Option<&Key>, b: Option<&Key>| match (a, b) {
            (Some(a), Some(b)) => a == b,
            (None, None) => !keyed_only,
            _ => false,
        };
        // Rows of a list are components or elements: one look at the node for those.
        match (&self.arena().n(idx).kind, &element.0) {
            (Kind::Component(s), Node::Component(c)) => s.ty == c.ty && same_key(s.key.as_ref(), c.key.as_ref()),
            (Kind::Element(e), Node::Tag(t)) => same_key(e.key.as_ref(), t.key.as_ref()) && e.name == t.name,
            _ => self.matches_otherwise(idx, element, keyed_only),
        }
    }

    /// [`matches_in_place`](Self::matches_in_place) for every other pair of node and element:
    /// kept out of line, so that the look at a list's rows stays a short function.
    #[inline(never)]
    fn matches_otherwise(&self, idx: NodeId, element: &Element, keyed_only: bool) -> bool {
        let same_key = match (self.node_key(idx), element.key()) {
            (Some(a), Some(b)) => a == b,
            (None, None) => !keyed_only,
            _ => false,
        };
        same_key && self.same_type(idx, element)
    }

    /// The position of each keyed child by its key (the first one for a duplicated key), or
    /// `None` when no child has a key.
    fn key_index(&self, children: &[NodeId]) -> Option<HashMap<&Key, usize, KeyHashing>> {
        let keyed = children.iter().filter(|&&c| self.node_key(c).is_some()).count();
        if keyed == 0 {
            return None;
        }
        let mut by_key = HashMap::with_capacity_and_hasher(keyed, KeyHashing::new());
        for (i, &c) in children.iter().enumerate() {
            if let Some(k) = self.node_key(c) {
                by_key.entry(k).or_insert(i);
            }
        }
        Some(by_key)
    }
}

/// Whether two nodes are elements with the same tag name.
fn same_tag(a: Option<&str>, b: Option<&str>) -> bool {
    a.is_some() && a == b
}
