//! The diff: turns a component's new output into RFC 6902 operations against the model, and
//! writes model JSON straight from the mounted tree.
//!
//! Children are matched by key when they have one and by position among the unkeyed otherwise;
//! a match also needs the same type (text, the same tag, the same component type), else the old
//! node is unmounted and the new one mounted. Matched children that left their relative order are
//! moved with the fewest `move`s: those on a longest increasing subsequence of old positions stay.
//! A list in which nothing matches is replaced with one operation on its `children` array.
//!
//! Every operation's indices are those of the model at the moment the operation applies: the
//! operations of one update are applied in order.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::Arc;

use crate::html::EventName;
use crate::layout::{Kind, Layout};
use crate::protocol::{Json, Op, PatchOp, push_pointer_token, write_json_str};
use crate::vdom::{AttrValue, Handler, Node, Str, attr_json_into};
use crate::{Element, Key};

impl Layout {
    /// Diffs `owner`'s children against `new` (normalised). `host` is the element whose model
    /// `children` holds them, at `host_path`, starting at model index `base`.
    pub(crate) fn diff_children(
        &mut self,
        owner: u32,
        new: Vec<Element>,
        host: u32,
        host_path: &mut String,
        base: usize,
        ops: &mut Vec<PatchOp>,
    ) {
        let old = std::mem::take(self.children_mut(owner));
        if old.is_empty() && new.is_empty() {
            return;
        }
        let depth = self.child_depth(owner);

        // Match new children to old ones.
        let mut matched: Vec<Option<usize>> = vec![None; new.len()];
        let mut used = vec![false; old.len()];
        let has_keys = old.iter().any(|&c| self.node_key(c).is_some());
        let mut by_key: HashMap<&Key, usize> = HashMap::new();
        if has_keys {
            by_key.reserve(old.len());
            for (i, &c) in old.iter().enumerate() {
                if let Some(k) = self.node_key(c) {
                    by_key.entry(k).or_insert(i);
                }
            }
        }
        let unkeyed_old: Vec<usize> = (0..old.len()).filter(|&i| self.node_key(old[i]).is_none()).collect();
        let mut nth_unkeyed = 0;
        for (j, element) in new.iter().enumerate() {
            let candidate = match element.key() {
                Some(k) => by_key.get(k).copied(),
                None => {
                    nth_unkeyed += 1;
                    unkeyed_old.get(nth_unkeyed - 1).copied()
                }
            };
            if let Some(i) = candidate
                && !used[i]
                && self.same_type(old[i], element)
            {
                used[i] = true;
                matched[j] = Some(i);
            }
        }
        drop(by_key);

        let mut new: Vec<Option<Element>> = new.into_iter().map(Some).collect();

        // Nothing matches and the list is a whole `children` array: one operation.
        if owner == host && matched.iter().all(Option::is_none) {
            for &c in &old {
                self.unmount(c);
            }
            let ids: Vec<u32> = new
                .iter_mut()
                .enumerate()
                .map(|(j, e)| self.mount(e.take().expect("child"), owner, j as u32, depth))
                .collect();
            *self.children_mut(owner) = ids;
            self.recount(owner);
            let len: u32 = self.children(owner).iter().map(|&c| self.n(c).count).sum();
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
            return;
        }

        // 1. Removals, last first so earlier indices stay valid.
        let mut position = Vec::with_capacity(old.len());
        let mut at = base;
        for &c in &old {
            position.push(at);
            at += self.n(c).count as usize;
        }
        for i in (0..old.len()).rev() {
            if !used[i] {
                for _ in 0..self.n(old[i]).count {
                    self.op_remove(host, host_path, position[i], ops);
                }
                self.unmount(old[i]);
            }
        }
        let mut cur: Vec<u32> = old.iter().zip(&used).filter(|(_, u)| **u).map(|(c, _)| *c).collect();

        // 2. Moves and insertions, right to left, each placed before the already placed next one.
        // New children are mounted first, left to right, so their effects run in document order.
        let stays = longest_increasing(&matched);
        let mut ids = vec![0u32; new.len()];
        for j in 0..new.len() {
            if matched[j].is_none() {
                ids[j] = self.mount(new[j].take().expect("child"), owner, j as u32, depth);
            }
        }
        for j in (0..new.len()).rev() {
            let anchor = if j + 1 < new.len() { position_of(&cur, ids[j + 1]) } else { cur.len() };
            match matched[j] {
                None => {
                    let id = ids[j];
                    let mi = base + self.count_before(&cur, anchor);
                    let mut nodes = Vec::new();
                    self.flatten(id, &mut nodes);
                    for (t, &n) in nodes.iter().enumerate() {
                        let mut json = String::new();
                        self.write_node(n, &mut json);
                        self.op_add(host, host_path, mi + t, json, ops);
                    }
                    cur.insert(anchor, id);
                }
                Some(i) if !stays[j] => {
                    let id = old[i];
                    let q = position_of(&cur, id);
                    let from = base + self.count_before(&cur, q);
                    let to = base + self.count_before(&cur, anchor);
                    let k = self.n(id).count as usize;
                    if from < to {
                        if from + k != to {
                            for _ in 0..k {
                                self.op_move(host_path, from, to - 1, ops);
                            }
                        }
                    } else {
                        for t in 0..k {
                            self.op_move(host_path, from + t, to + t, ops);
                        }
                    }
                    cur.remove(q);
                    cur.insert(if q < anchor { anchor - 1 } else { anchor }, id);
                    ids[j] = id;
                }
                Some(i) => ids[j] = old[i],
            }
        }

        // 3. Contents of matched children, left to right, in their final places.
        let mut mi = base;
        for j in 0..new.len() {
            let id = ids[j];
            {
                let node = self.n_mut(id);
                node.index = j as u32;
                node.parent = owner;
            }
            if let Some(element) = new[j].take() {
                self.update_node(id, element, host, host_path, mi, ops);
            }
            mi += self.n(id).count as usize;
        }
        *self.children_mut(owner) = ids;
        self.recount(owner);
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
                if let Kind::Text(old) = &mut self.n_mut(id).kind
                    && *old != text
                {
                    *old = text;
                    let mut json = String::new();
                    write_json_str(&mut json, old);
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
                let _ = write!(host_path, "/children/{mi}");
                self.diff_element(id, tag.key, tag.attrs, tag.handlers, host_path, ops);
                self.diff_children(id, tag.children, id, host_path, 0, ops);
                host_path.truncate(len);
            }
            Node::Component(c) => {
                let scope = self.scope_mut(id);
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
            Node::Empty | Node::Fragment(_) => unreachable!("children are normalised"),
        }
    }

    /// Diffs the attributes and handlers of a matched element at `path`.
    fn diff_element(
        &mut self,
        id: u32,
        key: Option<Key>,
        attrs: Vec<(Str, AttrValue)>,
        handlers: Vec<(EventName, Handler)>,
        path: &str,
        ops: &mut Vec<PatchOp>,
    ) {
        let generation = self.generation(id);
        let Kind::Element(el) = &mut self.n_mut(id).kind else { unreachable!("matched an element") };
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
        match &self.n(host).kind {
            Kind::Element(e) => e.len,
            _ => unreachable!("hosts are elements"),
        }
    }

    fn set_element_len(&mut self, host: u32, len: u32) {
        if let Kind::Element(e) = &mut self.n_mut(host).kind {
            e.len = len;
        }
    }

    // -----------------------------------------------------------------------------------------
    // helpers

    fn child_depth(&self, owner: u32) -> u32 {
        let mut cur = owner;
        loop {
            match &self.n(cur).kind {
                Kind::Component(s) => return s.depth,
                _ if self.n(cur).parent == crate::layout::NONE => return 0,
                _ => cur = self.n(cur).parent,
            }
        }
    }

    fn node_key(&self, idx: u32) -> Option<&Key> {
        match &self.n(idx).kind {
            Kind::Element(e) => e.key.as_ref(),
            Kind::Component(s) => s.key.as_ref(),
            Kind::Text(_) => None,
        }
    }

    fn same_type(&self, idx: u32, element: &Element) -> bool {
        match (&self.n(idx).kind, &element.0) {
            (Kind::Text(_), Node::Text(_)) => true,
            (Kind::Element(e), Node::Tag(t)) => e.name == t.name,
            (Kind::Component(s), Node::Component(c)) => s.props.component_type() == c.props.component_type(),
            _ => false,
        }
    }

    fn count_before(&self, list: &[u32], end: usize) -> usize {
        list[..end].iter().map(|&c| self.n(c).count as usize).sum()
    }

    /// The model nodes (elements and texts) a node stands for, in order.
    pub(crate) fn flatten(&self, idx: u32, out: &mut Vec<u32>) {
        match &self.n(idx).kind {
            Kind::Component(s) => s.children.iter().for_each(|&c| self.flatten(c, out)),
            _ => out.push(idx),
        }
    }

    // -----------------------------------------------------------------------------------------
    // model JSON

    /// Writes the JSON of a model node (an element or a text).
    pub(crate) fn write_node(&self, idx: u32, out: &mut String) {
        match &self.n(idx).kind {
            Kind::Text(t) => write_json_str(out, t),
            Kind::Component(_) => {
                // Only reached for a component standing alone; callers flatten first.
                out.push('[');
                self.write_children(idx, out);
                out.push(']');
            }
            Kind::Element(el) => {
                out.push_str("{\"tagName\":");
                write_json_str(out, &el.name);
                if let Some(k) = &el.key {
                    out.push_str(",\"key\":");
                    write_json_str(out, &k.to_string());
                }
                if !el.attrs.is_empty() {
                    out.push_str(",\"attributes\":{");
                    for (i, (name, value)) in el.attrs.iter().enumerate() {
                        if i > 0 {
                            out.push(',');
                        }
                        write_json_str(out, name);
                        out.push(':');
                        attr_json_into(value, out);
                    }
                    out.push('}');
                }
                if !el.handlers.is_empty() {
                    out.push_str(",\"eventHandlers\":{");
                    let generation = self.generation(idx);
                    for (i, (event, handler)) in el.handlers.iter().enumerate() {
                        if i > 0 {
                            out.push(',');
                        }
                        write_json_str(out, event.wire);
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
        for &c in self.children(idx) {
            if let Kind::Component(_) = self.n(c).kind {
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

fn write_handler(idx: u32, generation: u32, handler: &Handler, wire: &str, out: &mut String) {
    out.push_str("{\"target\":");
    match &handler.target {
        Some(t) => write_json_str(out, t),
        None => {
            let _ = write!(out, "\"{idx}:{generation}:{wire}\"");
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
            write_json_str(&mut json, name(item).as_ref());
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

fn position_of(list: &[u32], id: u32) -> usize {
    list.iter().position(|&c| c == id).expect("placed child is in the list")
}

/// For each new child, whether it stays in place: matched children whose old positions form a
/// longest increasing subsequence (in new order).
fn longest_increasing(matched: &[Option<usize>]) -> Vec<bool> {
    let seq: Vec<(usize, usize)> = matched.iter().enumerate().filter_map(|(j, m)| m.map(|i| (j, i))).collect();
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
    use super::longest_increasing;

    #[test]
    fn longest_increasing_keeps_the_most() {
        let m = |v: &[usize]| v.iter().map(|&i| Some(i)).collect::<Vec<_>>();
        assert_eq!(longest_increasing(&m(&[0, 1, 2])), vec![true; 3]);
        let swap = longest_increasing(&m(&[0, 3, 2, 1, 4]));
        assert_eq!(swap.iter().filter(|s| **s).count(), 3);
        assert_eq!(longest_increasing(&[None, Some(1), None, Some(0)]).iter().filter(|s| **s).count(), 1);
    }
}
