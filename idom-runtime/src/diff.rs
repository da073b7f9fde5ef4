//! The diff: turns a component's new output into RFC 6902 operations against the model, and
//! writes model JSON straight from the mounted tree.
//!
//! Each children list is matched on its own: an element's children, a component's output, and the
//! items of each group inside them. Children are matched by key when they have one and by position
//! among the unkeyed otherwise; holes and groups are unkeyed children like any other, so an absent
//! child or a growing list never shifts its siblings. A match also needs the same type (text, the
//! same tag, the same component type, a group, a hole), else the old node is unmounted and the new
//! one mounted. A key that appears twice in one list is logged as a warning (in every build); the
//! first child with it keeps the match, the later ones are matched as new children. Matched children that left their relative order are
//! moved with the fewest `move`s: those on a longest increasing subsequence of old positions stay.
//! A list in which nothing matches and whose nodes are the whole `children` array of their element
//! is replaced with one operation on that array.
//!
//! Every operation's indices are those of the model at the moment the operation applies: the
//! operations of one update are applied in order.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasher, Hasher, RandomState};
use std::sync::{Arc, OnceLock};

use crate::event::EventName;
use crate::layout::{Ids, Kind, Layout, NONE};
use crate::protocol::{Json, Op, PatchOp, push_pointer_token};
use crate::vdom::{AttrValue, Handler, KeyRepr, Node, OneOrMany, Str, attr_json_into, push_int, trim_trailing_places};
use crate::{Element, Key};

impl Layout {
    /// Diffs `owner`'s children against `new` (normalised). `host` is the element whose model
    /// `children` holds them, at `host_path`, starting at model index `base`.
    ///
    /// Children that match in place at the start (same key or both unkeyed, same type) and keyed
    /// children that match in place at the end are only updated; the general matching, removals,
    /// moves and insertions run on what lies between, so a list whose order did not change costs
    /// no allocation and no hashing.
    pub(crate) fn diff_children(
        &mut self,
        owner: u32,
        mut new: Vec<Element>,
        host: u32,
        host_path: &mut String,
        base: usize,
        ops: &mut Vec<PatchOp>,
    ) {
        trim_trailing_places(&mut new);
        let old = std::mem::take(self.arena.children_mut(owner));
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
            let Some(ids) =
                self.diff_middle(owner, &old, &mut new, (start, old_end, new_end), host, host_path, base, ops)
            else {
                return;
            };
            ids
        };

        // Contents of matched children, left to right, in their final places (mounted children
        // were taken out of `new`, leaving empties).
        let mut mi = base;
        for (j, (element, &id)) in new.into_iter().zip(&ids).enumerate() {
            {
                let node = self.arena.n_mut(id);
                node.index = j as u32;
                node.parent = owner;
            }
            // Mounted children were taken out of `new`, leaving holes: nothing to update there,
            // nor in a hole or a merged text's place.
            if !matches!(element.0, Node::Empty | Node::Merged) {
                self.update_node(id, element, host, host_path, mi, ops);
            }
            mi += self.arena.n(id).count as usize;
        }
        *self.arena.children_mut(owner) = ids;
        self.arena.recount(owner);
    }

    /// Matches, removes, mounts and moves the children between a common start and a common end
    /// (`old[start..old_end]` against `new[start..new_end]`). Returns the ids of all new children,
    /// or `None` when nothing matched and the whole `children` array was replaced in one
    /// operation (the children are then fully mounted).
    #[allow(clippy::too_many_arguments)]
    fn diff_middle(
        &mut self,
        owner: u32,
        old: &[u32],
        new: &mut [Element],
        (start, old_end, new_end): (usize, usize, usize),
        host: u32,
        host_path: &str,
        base: usize,
        ops: &mut Vec<PatchOp>,
    ) -> Option<Ids> {
        let depth = self.child_depth(owner);
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
            self.warn_duplicate_keys(owner, new);
        }

        // Nothing matches and the list's nodes are the whole `children` array: one operation.
        let whole_array =
            start == 0 && old_end == old.len() && base == 0 && self.count_sum(old) == self.element_len(host) as usize;
        if !any_match && whole_array {
            for &c in old {
                self.unmount(c);
            }
            let ids: Ids = new
                .iter_mut()
                .enumerate()
                .map(|(j, e)| self.mount(std::mem::take(e), owner, j as u32, depth))
                .collect();
            *self.arena.children_mut(owner) = ids;
            self.arena.recount(owner);
            let len: u32 = self.arena.children(owner).iter().map(|&c| self.arena.n(c).count).sum();
            let had = self.element_len(host) > 0;
            let path = format!("{host_path}/children");
            if len == 0 {
                if had {
                    ops.push(PatchOp { op: Op::Remove, path, from: None, value: None });
                }
            } else {
                let mut json = String::from("[");
                self.write_children(owner, &mut json);
                json.push(']');
                let op = if had { Op::Replace } else { Op::Add };
                ops.push(PatchOp { op, path, from: None, value: Some(Json(json)) });
            }
            self.set_element_len(host, len);
            return None;
        }

        // 1. Removals, last first so earlier indices stay valid.
        let base = base + self.count_sum(&old[..start]);
        let mut at = base + self.count_sum(old_mid);
        for (i, &c) in old_mid.iter().enumerate().rev() {
            let count = self.arena.n(c).count as usize;
            at -= count;
            if !used[i] {
                for _ in 0..count {
                    self.op_remove(host, host_path, at, ops);
                }
                self.unmount(c);
            }
        }

        // 2. New children are mounted, left to right so their effects run in document order.
        let mut ids = Ids::with_capacity(new.len());
        ids.extend_from_slice(&old[..start]);
        for (j, &m) in matched.iter().enumerate() {
            let id = if m == NONE {
                let j = start + j;
                self.mount(std::mem::take(&mut new[j]), owner, j as u32, depth)
            } else {
                old_mid[m as usize]
            };
            ids.push(id);
        }
        ids.extend_from_slice(&old[old_end..]);

        // 3. Moves and insertions.
        self.place(&ids[start..start + matched.len()], &matched, host, host_path, base, ops);
        Some(ids)
    }

    /// Moves matched children into their new order and inserts the mounted ones, with the fewest
    /// `move`s: those on a longest increasing subsequence of old positions stay. Works right to
    /// left, each child placed before the already placed next one; a Fenwick tree over the
    /// children's places gives each operation's index in O(log n).
    ///
    /// `ids` are the new children, `matched` their old positions (`NONE` for mounted ones), and
    /// `base` the model index of the first of them. Removed children are already gone.
    fn place(&mut self, ids: &[u32], matched: &[u32], host: u32, host_path: &str, base: usize, ops: &mut Vec<PatchOp>) {
        let stays = longest_increasing(matched);
        if matched.iter().zip(&stays).all(|(&m, &s)| m != NONE && s) {
            return;
        }
        // Places in document order at any time: a child that stays keeps one place; the children
        // placed before it (new ones and moved ones) come just before it, in new order; a child
        // waiting to move sits at its old position among the ones that stay.
        let old_len = matched.iter().filter(|&&m| m != NONE).map(|&m| m as usize + 1).max().unwrap_or(0);
        let mut old_to_new = vec![NONE; old_len];
        for (j, &m) in matched.iter().enumerate() {
            if m != NONE {
                old_to_new[m as usize] = j as u32;
            }
        }
        let mut waiting = vec![NONE; old_len];
        let mut final_place = vec![NONE; matched.len()];
        let (mut next, mut places) = (0, 0u32);
        for (i, &j) in old_to_new.iter().enumerate() {
            if j == NONE {
                continue;
            }
            if stays[j as usize] {
                while next <= j as usize {
                    final_place[next] = places;
                    places += 1;
                    next += 1;
                }
            } else {
                waiting[i] = places;
                places += 1;
            }
        }
        for place in &mut final_place[next..] {
            *place = places;
            places += 1;
        }
        let mut tree = Fenwick::new(places as usize);
        for (j, &m) in matched.iter().enumerate() {
            let count = self.arena.n(ids[j]).count;
            match m {
                NONE => {}
                _ if stays[j] => tree.add(final_place[j], count as i64),
                m => tree.add(waiting[m as usize], count as i64),
            }
        }
        for j in (0..matched.len()).rev() {
            let (id, m) = (ids[j], matched[j]);
            let count = self.arena.n(id).count;
            if m == NONE {
                let at = base + tree.before(final_place[j]);
                let mut nodes = Vec::new();
                self.flatten(id, &mut nodes);
                for (t, &n) in nodes.iter().enumerate() {
                    let mut json = String::new();
                    self.write_node(n, &mut json);
                    self.op_add(host, host_path, at + t, json, ops);
                }
            } else if !stays[j] {
                let from = base + tree.before(waiting[m as usize]);
                tree.add(waiting[m as usize], -(count as i64));
                let to = base + tree.before(final_place[j]);
                let k = count as usize;
                if from < to {
                    for _ in 0..k {
                        self.op_move(host_path, from, to + k - 1, ops);
                    }
                } else {
                    for t in 0..k {
                        self.op_move(host_path, from + t, to + t, ops);
                    }
                }
            } else {
                continue;
            }
            tree.add(final_place[j], count as i64);
        }
    }

    /// Updates a matched node (same type) to `element`, whose first model node is at `mi` in
    /// `host`'s children.
    fn update_node(
        &mut self,
        id: u32,
        element: Element,
        host: u32,
        host_path: &mut String,
        mi: usize,
        ops: &mut Vec<PatchOp>,
    ) {
        match element.0 {
            Node::Text(text) => {
                if let Kind::Text(old) = &mut self.arena.n_mut(id).kind
                    && *old != text
                {
                    *old = text;
                    let mut json = String::new();
                    json_str(&mut json, old);
                    ops.push(PatchOp {
                        op: Op::Replace,
                        path: format!("{host_path}/children/{mi}"),
                        from: None,
                        value: Some(Json(json)),
                    });
                }
            }
            Node::Tag(tag) => {
                let tag = *tag;
                let len = host_path.len();
                host_path.push_str("/children/");
                push_int(host_path, mi as i128);
                self.diff_element(id, tag.key, tag.attrs, tag.handlers, host_path, ops);
                self.diff_children(id, tag.content, id, host_path, 0, ops);
                host_path.truncate(len);
            }
            Node::Fragment(items) => {
                // A group matched a group; an empty one matched a hole, which has nothing to diff.
                if matches!(self.arena.n(id).kind, Kind::Group(_)) {
                    self.diff_children(id, items, host, host_path, mi, ops);
                }
            }
            Node::Empty | Node::Merged => {}
            Node::Component(c) => {
                let scope = self.arena.scope_mut(id);
                scope.key = c.key;
                let same = Arc::ptr_eq(&scope.props, &c.props) || scope.props.eq_any(&*c.props);
                if same && !scope.dirty {
                    return;
                }
                if !same {
                    scope.props = c.props;
                }
                self.update_component(id, host, host_path, mi, ops);
            }
        }
    }

    /// Diffs the attributes and handlers of a matched element at `path`.
    fn diff_element(
        &mut self,
        id: u32,
        key: Option<Key>,
        attrs: OneOrMany<(Str, AttrValue)>,
        handlers: OneOrMany<(EventName, Handler)>,
        path: &str,
        ops: &mut Vec<PatchOp>,
    ) {
        let generation = self.arena.generation(id);
        let Kind::Element(el) = &mut self.arena.n_mut(id).kind else { unreachable!("matched an element") };
        el.key = key;
        if el.attrs != attrs {
            diff_map(
                path,
                "attributes",
                &el.attrs,
                &attrs,
                |(n, _)| n,
                |a, b| a.1 == b.1,
                |(_, v), out| attr_json_into(v, out),
                ops,
            );
            el.attrs = attrs;
        }
        let same_shape = el.handlers.len() == handlers.len()
            && el.handlers.iter().zip(&handlers).all(|((e1, h1), (e2, h2))| {
                e1 == e2
                    && h1.target == h2.target
                    && h1.prevent_default == h2.prevent_default
                    && h1.stop_propagation == h2.stop_propagation
            });
        if same_shape {
            el.handlers = handlers;
            return;
        }
        let old = std::mem::replace(&mut el.handlers, handlers);
        let new = &el.handlers;
        let equal = |a: &(EventName, Handler), b: &(EventName, Handler)| {
            a.1.target == b.1.target
                && a.1.prevent_default == b.1.prevent_default
                && a.1.stop_propagation == b.1.stop_propagation
        };
        diff_map(
            path,
            "eventHandlers",
            &old,
            new,
            |(e, _)| e.wire,
            equal,
            |(e, h), out| write_handler(id, generation, h, e.wire, out),
            ops,
        );
        self.forget_static_targets(id, generation, &old);
        self.register_static_targets(id);
    }

    // -----------------------------------------------------------------------------------------
    // operations on a host element's `children`

    fn op_add(&mut self, host: u32, host_path: &str, at: usize, json: String, ops: &mut Vec<PatchOp>) {
        let len = self.element_len(host);
        let (path, value) = if len == 0 {
            (format!("{host_path}/children"), format!("[{json}]"))
        } else {
            (format!("{host_path}/children/{at}"), json)
        };
        ops.push(PatchOp { op: Op::Add, path, from: None, value: Some(Json(value)) });
        self.set_element_len(host, len + 1);
    }

    fn op_remove(&mut self, host: u32, host_path: &str, at: usize, ops: &mut Vec<PatchOp>) {
        let len = self.element_len(host);
        let path = if len == 1 { format!("{host_path}/children") } else { format!("{host_path}/children/{at}") };
        ops.push(PatchOp { op: Op::Remove, path, from: None, value: None });
        self.set_element_len(host, len - 1);
    }

    fn op_move(&self, host_path: &str, from: usize, to: usize, ops: &mut Vec<PatchOp>) {
        if from != to {
            ops.push(PatchOp {
                op: Op::Move,
                path: format!("{host_path}/children/{to}"),
                from: Some(format!("{host_path}/children/{from}")),
                value: None,
            });
        }
    }

    fn element_len(&self, host: u32) -> u32 {
        match &self.arena.n(host).kind {
            Kind::Element(e) => e.len,
            _ => unreachable!("hosts are elements"),
        }
    }

    fn set_element_len(&mut self, host: u32, len: u32) {
        if let Kind::Element(e) = &mut self.arena.n_mut(host).kind {
            e.len = len;
        }
    }

    // -----------------------------------------------------------------------------------------
    // helpers

    fn child_depth(&self, owner: u32) -> u32 {
        let mut cur = owner;
        loop {
            match &self.arena.n(cur).kind {
                Kind::Component(s) => return s.depth,
                _ if self.arena.n(cur).parent == crate::layout::NONE => return 0,
                _ => cur = self.arena.n(cur).parent,
            }
        }
    }

    fn node_key(&self, idx: u32) -> Option<&Key> {
        match &self.arena.n(idx).kind {
            Kind::Element(e) => e.key.as_ref(),
            Kind::Component(s) => s.key.as_ref(),
            Kind::Text(_) | Kind::Group(_) | Kind::Empty => None,
        }
    }

    /// Whether a mounted node can be updated to `element`. Holes match holes (an empty group is
    /// mounted as a hole) and groups match groups.
    fn same_type(&self, idx: u32, element: &Element) -> bool {
        match (&self.arena.n(idx).kind, &element.0) {
            (Kind::Text(_), Node::Text(_)) => true,
            (Kind::Element(e), Node::Tag(t)) => e.name == t.name,
            (Kind::Component(s), Node::Component(c)) => s.ty == c.ty,
            (Kind::Group(_), Node::Fragment(_)) | (Kind::Empty, Node::Empty | Node::Merged) => true,
            (Kind::Empty, Node::Fragment(items)) => items.is_empty(),
            _ => false,
        }
    }

    /// The model nodes the children in `list` stand for.
    fn count_sum(&self, list: &[u32]) -> usize {
        list.iter().map(|&c| self.arena.n(c).count as usize).sum()
    }

    /// Whether a mounted child and a new element match where they stand: the same key (or, unless
    /// `keyed_only`, both unkeyed) and the same type.
    fn matches_in_place(&self, idx: u32, element: &Element, keyed_only: bool) -> bool {
        let same_key = match (self.node_key(idx), element.key()) {
            (Some(a), Some(b)) => a == b,
            (None, None) => !keyed_only,
            _ => false,
        };
        same_key && self.same_type(idx, element)
    }

    /// The position of each keyed child by its key (the first one for a duplicated key), or
    /// `None` when no child has a key.
    fn key_index<'a>(&'a self, children: &[u32]) -> Option<HashMap<&'a Key, usize, KeyHashing>> {
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

    /// The model nodes (elements and texts) a node stands for, in order.
    pub(crate) fn flatten(&self, idx: u32, out: &mut Vec<u32>) {
        let node = self.arena.n(idx);
        match &node.kind {
            Kind::Element(_) | Kind::Text(_) => out.push(idx),
            Kind::Component(_) | Kind::Group(_) | Kind::Empty => {
                node.children().iter().for_each(|&c| self.flatten(c, out))
            }
        }
    }

    /// Logs a warning for each key that appears more than once in one children list (the list of
    /// `parent`), naming the component it is in. The only check for duplicate keys, in every build.
    pub(crate) fn warn_duplicate_keys(&self, parent: u32, children: &[Element]) {
        let keyed = children.iter().filter(|c| c.key().is_some()).count();
        if keyed < 2 {
            return;
        }
        let mut seen = HashSet::with_capacity_and_hasher(keyed, KeyHashing::new());
        for k in children.iter().filter_map(Element::key) {
            if !seen.insert(k) {
                let component = self.arena.owner_name(parent);
                tracing::warn!(
                    component,
                    key = %k,
                    "duplicate key `{k}` in one list of <{component}>: keys must be unique within one list; \
                     the first child with it keeps its state, the others are mounted afresh"
                );
            }
        }
    }

    // -----------------------------------------------------------------------------------------
    // model JSON

    /// Writes the JSON of a model node (an element or a text).
    pub(crate) fn write_node(&self, idx: u32, out: &mut String) {
        match &self.arena.n(idx).kind {
            Kind::Text(t) => json_str(out, t),
            Kind::Component(_) | Kind::Group(_) | Kind::Empty => {
                // Only reached for a component standing alone; callers flatten first.
                out.push('[');
                self.write_children(idx, out);
                out.push(']');
            }
            Kind::Element(el) => {
                out.push_str("{\"tagName\":");
                json_str(out, &el.name);
                if let Some(k) = &el.key {
                    out.push_str(",\"key\":");
                    match &k.0 {
                        KeyRepr::Int(i) => {
                            out.push('"');
                            push_int(out, *i);
                            out.push('"');
                        }
                        KeyRepr::Str(s) => json_str(out, s),
                    }
                }
                if !el.attrs.is_empty() {
                    out.push_str(",\"attributes\":{");
                    for (i, (name, value)) in el.attrs.iter().enumerate() {
                        if i > 0 {
                            out.push(',');
                        }
                        json_str(out, name);
                        out.push(':');
                        attr_json_into(value, out);
                    }
                    out.push('}');
                }
                if !el.handlers.is_empty() {
                    out.push_str(",\"eventHandlers\":{");
                    let generation = self.arena.generation(idx);
                    for (i, (event, handler)) in el.handlers.iter().enumerate() {
                        if i > 0 {
                            out.push(',');
                        }
                        json_str(out, event.wire);
                        out.push(':');
                        write_handler(idx, generation, handler, event.wire, out);
                    }
                    out.push('}');
                }
                if el.len > 0 {
                    out.push_str(",\"children\":[");
                    self.write_children(idx, out);
                    out.push(']');
                }
                out.push('}');
            }
        }
    }

    /// Writes the model nodes of a node's children, comma-separated.
    pub(crate) fn write_children(&self, idx: u32, out: &mut String) {
        let mut first = true;
        self.write_children_inner(idx, out, &mut first);
    }

    fn write_children_inner(&self, idx: u32, out: &mut String, first: &mut bool) {
        for &c in self.arena.children(idx) {
            if let Kind::Component(_) | Kind::Group(_) | Kind::Empty = self.arena.n(c).kind {
                self.write_children_inner(c, out, first);
            } else {
                if !*first {
                    out.push(',');
                }
                *first = false;
                self.write_node(c, out);
            }
        }
    }
}

/// Writes `s` as a JSON string literal, escaped exactly as `protocol::write_json_str` does
/// (`"`, `\\`, and control characters), with the common case of nothing to escape as one copy.
pub(crate) fn json_str(out: &mut String, s: &str) {
    let bytes = s.as_bytes();
    out.reserve(bytes.len() + 2);
    out.push('"');
    let mut start = 0;
    while let Some(offset) = bytes[start..].iter().position(|&b| b < 0x20 || b == b'"' || b == b'\\') {
        let i = start + offset;
        out.push_str(&s[start..i]);
        match bytes[i] {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            b => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.push_str("\\u00");
                out.push(char::from(HEX[usize::from(b >> 4)]));
                out.push(char::from(HEX[usize::from(b & 15)]));
            }
        }
        start = i + 1;
    }
    out.push_str(&s[start..]);
    out.push('"');
}

fn write_handler(idx: u32, generation: u32, handler: &Handler, wire: &str, out: &mut String) {
    out.push_str("{\"target\":");
    match &handler.target {
        Some(t) => json_str(out, t),
        None => {
            // "idx:generation:wire" (see `Layout::resolve_target`); none of it needs escaping.
            out.push('"');
            push_int(out, idx.into());
            out.push(':');
            push_int(out, generation.into());
            out.push(':');
            out.push_str(wire);
            out.push('"');
        }
    }
    if handler.prevent_default {
        out.push_str(",\"preventDefault\":true");
    }
    if handler.stop_propagation {
        out.push_str(",\"stopPropagation\":true");
    }
    out.push('}');
}

/// Diffs two name -> value lists stored as the JSON object `path/field`.
#[allow(clippy::too_many_arguments)]
fn diff_map<T, N: AsRef<str> + ?Sized>(
    path: &str,
    field: &str,
    old: &[T],
    new: &[T],
    name: impl Fn(&T) -> &N,
    equal: impl Fn(&T, &T) -> bool,
    write: impl Fn(&T, &mut String),
    ops: &mut Vec<PatchOp>,
) {
    let object = |items: &[T]| {
        let mut json = String::from("{");
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                json.push(',');
            }
            json_str(&mut json, name(item).as_ref());
            json.push(':');
            write(item, &mut json);
        }
        json.push('}');
        json
    };
    let whole = format!("{path}/{field}");
    if old.is_empty() {
        if !new.is_empty() {
            ops.push(PatchOp { op: Op::Add, path: whole, from: None, value: Some(Json(object(new))) });
        }
        return;
    }
    if new.is_empty() {
        ops.push(PatchOp { op: Op::Remove, path: whole, from: None, value: None });
        return;
    }
    let member = |n: &str| {
        let mut p = format!("{whole}/");
        push_pointer_token(&mut p, n);
        p
    };
    for item in old {
        let n = name(item).as_ref();
        if !new.iter().any(|x| name(x).as_ref() == n) {
            ops.push(PatchOp { op: Op::Remove, path: member(n), from: None, value: None });
        }
    }
    for item in new {
        let n = name(item).as_ref();
        let previous = old.iter().find(|x| name(x).as_ref() == n);
        if previous.is_some_and(|p| equal(p, item)) {
            continue;
        }
        let mut json = String::new();
        write(item, &mut json);
        let op = if previous.is_some() { Op::Replace } else { Op::Add };
        ops.push(PatchOp { op, path: member(n), from: None, value: Some(Json(json)) });
    }
}

/// Hashing for keys: a folded multiply (as in `foldhash`) with a random per-process seed. Much
/// cheaper than SipHash for the integer keys lists usually have, and seeded so that keys a client
/// chooses cannot be made to collide predictably.
#[derive(Clone, Copy)]
pub(crate) struct KeyHashing {
    seed: u64,
}

impl KeyHashing {
    pub(crate) fn new() -> Self {
        static SEED: OnceLock<u64> = OnceLock::new();
        let seed = *SEED.get_or_init(|| RandomState::new().hash_one(0x5eed_u64) | 1);
        KeyHashing { seed }
    }
}

impl BuildHasher for KeyHashing {
    type Hasher = KeyHasher;

    fn build_hasher(&self) -> KeyHasher {
        KeyHasher { state: self.seed, multiplier: self.seed.rotate_left(32) | 1 }
    }
}

pub(crate) struct KeyHasher {
    state: u64,
    multiplier: u64,
}

impl KeyHasher {
    fn mix(&mut self, word: u64) {
        let product = u128::from(self.state ^ word) * u128::from(self.multiplier ^ 0x9e37_79b9_7f4a_7c15);
        self.state = (product as u64) ^ ((product >> 64) as u64);
    }
}

impl Hasher for KeyHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            self.mix(u64::from_le_bytes(chunk.try_into().unwrap_or_default()));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.mix(u64::from_le_bytes(word));
        }
    }

    fn write_u8(&mut self, n: u8) {
        self.mix(u64::from(n));
    }

    fn write_u64(&mut self, n: u64) {
        self.mix(n);
    }

    fn write_usize(&mut self, n: usize) {
        self.mix(n as u64);
    }

    fn write_isize(&mut self, n: isize) {
        self.mix(n as u64);
    }

    fn write_i128(&mut self, n: i128) {
        self.mix(n as u64);
        self.mix((n >> 64) as u64);
    }

    fn finish(&self) -> u64 {
        self.state
    }
}

/// Sums of weights over places, with updates and prefix sums in O(log n).
struct Fenwick(Vec<i64>);

impl Fenwick {
    fn new(places: usize) -> Self {
        Fenwick(vec![0; places + 1])
    }

    fn add(&mut self, place: u32, weight: i64) {
        let mut i = place as usize + 1;
        while i < self.0.len() {
            self.0[i] += weight;
            i += i & i.wrapping_neg();
        }
    }

    /// The sum of the weights of all places before `place`.
    fn before(&self, place: u32) -> usize {
        let (mut i, mut sum) = (place as usize, 0);
        while i > 0 {
            sum += self.0[i];
            i &= i - 1;
        }
        sum as usize
    }
}

/// For each new child, whether it stays in place: matched children (old position, `NONE` for
/// none) whose old positions form a longest increasing subsequence (in new order).
fn longest_increasing(matched: &[u32]) -> Vec<bool> {
    let seq: Vec<(usize, u32)> =
        matched.iter().enumerate().filter(|(_, m)| **m != NONE).map(|(j, &i)| (j, i)).collect();
    // tails[k] = index into seq of the smallest tail of an increasing run of length k + 1.
    let mut tails: Vec<usize> = Vec::new();
    let mut prev = vec![usize::MAX; seq.len()];
    for (s, &(_, value)) in seq.iter().enumerate() {
        let k = tails.partition_point(|&t| seq[t].1 < value);
        if k > 0 {
            prev[s] = tails[k - 1];
        }
        if k == tails.len() {
            tails.push(s);
        } else {
            tails[k] = s;
        }
    }
    let mut stays = vec![false; matched.len()];
    let mut s = tails.last().copied().unwrap_or(usize::MAX);
    while s != usize::MAX {
        stays[seq[s].0] = true;
        s = prev[s];
    }
    stays
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn longest_increasing_keeps_the_most() {
        assert_eq!(longest_increasing(&[0, 1, 2]), vec![true; 3]);
        let swap = longest_increasing(&[0, 3, 2, 1, 4]);
        assert_eq!(swap.iter().filter(|s| **s).count(), 3);
        assert_eq!(longest_increasing(&[NONE, 1, NONE, 0]).iter().filter(|s| **s).count(), 1);
    }

    #[test]
    fn json_strings_are_written_as_the_protocol_writes_them() {
        let every_ascii: String = (0u8..0x80).map(char::from).collect();
        for s in ["", "plain", "q\"uote", "back\\slash", "nl\n\r\t", "\u{1}ctl\u{1f}", "ünï", "</script>", &every_ascii]
        {
            let (mut fast, mut reference) = (String::new(), String::new());
            json_str(&mut fast, s);
            crate::protocol::write_json_str(&mut reference, s);
            assert_eq!(fast, reference);
        }
        for n in [0i128, 7, -7, 10, 99, 100, 4_294_967_295, i128::MAX, i128::MIN] {
            let mut text = String::new();
            push_int(&mut text, n);
            assert_eq!(text, n.to_string());
        }
    }

    #[test]
    fn fenwick_sums_before_a_place() {
        let mut tree = Fenwick::new(6);
        for (place, weight) in [(0, 1), (2, 3), (5, 2)] {
            tree.add(place, weight);
        }
        assert_eq!((0..=6).map(|p| tree.before(p)).collect::<Vec<_>>(), [0, 1, 1, 4, 4, 4, 6]);
        tree.add(2, -3);
        assert_eq!(tree.before(6), 3);
    }
}
