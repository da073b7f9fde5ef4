//! The JSON Patch writer: the [`PatchSink`] that turns the diff's operations into RFC 6902
//! operations on the model, and chooses the path of each update.
//!
//! It keeps the model's shape rules: an element without children has no `children` array (its
//! first child is added as a whole array, removing its last one removes the array), and likewise
//! for `attributes` and `eventHandlers`.

use super::json::{json_str, push_pointer_token, write_attr_value, write_children, write_handler, write_node};
use super::{Json, LayoutUpdate, Op, PatchOp};
use crate::arena::Arena;
use crate::diff::{ElementRef, HostRef, PatchSink};
use crate::event::EventName;
use crate::ids::NodeId;
use crate::vdom::{AttrValue, Handler, Str};

/// The fewest model nodes of a new list whose JSON is written with room for its message's start.
const ROOM_FROM: u32 = 32;

/// Collects the operations of one update with absolute paths; [`finish`](Self::finish) makes the
/// update.
#[derive(Default, Debug)]
pub(crate) struct JsonPatch {
    ops: Vec<PatchOp>,
}

impl JsonPatch {
    pub(crate) fn new() -> Self {
        JsonPatch::default()
    }

    /// The update that builds the whole model: one `add` at the root.
    pub(crate) fn whole_model(arena: &Arena) -> LayoutUpdate {
        // Room for the message's start: `{"type":"layout-update","path":"","changes":[`, then
        // `{"op":"add","path":"","value":` (see `LayoutUpdate::into_message`).
        const ROOM: usize = 75;
        let mut json = String::with_capacity(1024);
        json.extend(std::iter::repeat_n(' ', ROOM));
        write_node(arena, arena.root, &mut json);
        let op = PatchOp { op: Op::Add, path: String::new(), from: None, value: Some(Json::with_room(json, ROOM)) };
        LayoutUpdate { path: String::new(), changes: vec![op] }
    }

    /// The update, or `None` when nothing changed: its path is the deepest element that contains
    /// every operation's target, and the operations are made relative to it.
    pub(crate) fn finish(self) -> Option<LayoutUpdate> {
        (!self.ops.is_empty()).then(|| make_update(self.ops))
    }

    fn push(&mut self, op: Op, path: String, value: Option<String>) {
        self.ops.push(PatchOp { op, path, from: None, value: value.map(Json::new) });
    }

    fn member(element: &str, field: &str, name: &str) -> String {
        let mut path = format!("{element}/{field}/");
        push_pointer_token(&mut path, name);
        path
    }
}

impl PatchSink for JsonPatch {
    fn insert(&mut self, arena: &Arena, host: HostRef<'_>, index: usize, node: NodeId) {
        let mut json = String::new();
        if host.len == 0 {
            json.push('[');
            write_node(arena, node, &mut json);
            json.push(']');
            self.push(Op::Add, format!("{}/children", host.path), Some(json));
        } else {
            write_node(arena, node, &mut json);
            self.push(Op::Add, format!("{}/children/{index}", host.path), Some(json));
        }
    }

    fn remove(&mut self, host: HostRef<'_>, index: usize) {
        let path =
            if host.len == 1 { format!("{}/children", host.path) } else { format!("{}/children/{index}", host.path) };
        self.push(Op::Remove, path, None);
    }

    fn move_child(&mut self, host: HostRef<'_>, from: usize, to: usize) {
        self.ops.push(PatchOp {
            op: Op::Move,
            path: format!("{}/children/{to}", host.path),
            from: Some(format!("{}/children/{from}", host.path)),
            value: None,
        });
    }

    fn replace_children(&mut self, arena: &Arena, host: HostRef<'_>, list: NodeId, len: u32) {
        let path = format!("{}/children", host.path);
        if len == 0 {
            self.push(Op::Remove, path, None);
        } else {
            let op = if host.len > 0 { Op::Replace } else { Op::Add };
            // A long list is written after the room its message's start needs when this is the
            // update's only operation (see `LayoutUpdate::into_message`): `{"type":"layout-update",
            // "path":<host>,"changes":[{"op":..,"path":"/children","value":`. Short ones are
            // copied: the room would be a large part of their message.
            let room = if len >= ROOM_FROM { 84 + host.path.len() + if op == Op::Add { 0 } else { 4 } } else { 0 };
            // A guess at the size (a table row is ~430 bytes), so a new list of a thousand rows
            // grows its buffer a few times instead of a dozen. (Sizing it by its first node
            // measured faster mounting and a slower `table/clear`, from where the allocator then
            // put the rows.)
            let mut json = String::with_capacity(room + 2 + len as usize * 256);
            json.extend(std::iter::repeat_n(' ', room));
            json.push('[');
            write_children(arena, list, &mut json);
            json.push(']');
            self.ops.push(PatchOp { op, path, from: None, value: Some(Json::with_room(json, room)) });
        }
    }

    fn set_text(&mut self, host: HostRef<'_>, index: usize, text: &str) {
        let mut json = String::new();
        json_str(&mut json, text);
        self.push(Op::Replace, format!("{}/children/{index}", host.path), Some(json));
    }

    fn set_attributes(&mut self, element: ElementRef<'_>, attributes: &[(Str, AttrValue)]) {
        let mut json = String::from("{");
        for (i, (name, value)) in attributes.iter().enumerate() {
            if i > 0 {
                json.push(',');
            }
            json_str(&mut json, name);
            json.push(':');
            write_attr_value(value, &mut json);
        }
        json.push('}');
        self.push(Op::Add, format!("{}/attributes", element.path), Some(json));
    }

    fn remove_attributes(&mut self, element: ElementRef<'_>) {
        self.push(Op::Remove, format!("{}/attributes", element.path), None);
    }

    fn set_attribute(&mut self, element: ElementRef<'_>, name: &str, value: &AttrValue, replaces: bool) {
        let mut json = String::new();
        write_attr_value(value, &mut json);
        let op = if replaces { Op::Replace } else { Op::Add };
        self.push(op, Self::member(element.path, "attributes", name), Some(json));
    }

    fn remove_attribute(&mut self, element: ElementRef<'_>, name: &str) {
        self.push(Op::Remove, Self::member(element.path, "attributes", name), None);
    }

    fn set_handlers(&mut self, element: ElementRef<'_>, handlers: &[(EventName, Handler)]) {
        let mut json = String::from("{");
        for (i, (event, handler)) in handlers.iter().enumerate() {
            if i > 0 {
                json.push(',');
            }
            json_str(&mut json, event.wire);
            json.push(':');
            write_handler(element.target(event.wire), handler, &mut json);
        }
        json.push('}');
        self.push(Op::Add, format!("{}/eventHandlers", element.path), Some(json));
    }

    fn remove_handlers(&mut self, element: ElementRef<'_>) {
        self.push(Op::Remove, format!("{}/eventHandlers", element.path), None);
    }

    fn set_handler(&mut self, element: ElementRef<'_>, event: EventName, handler: &Handler, replaces: bool) {
        let mut json = String::new();
        write_handler(element.target(event.wire), handler, &mut json);
        let op = if replaces { Op::Replace } else { Op::Add };
        self.push(op, Self::member(element.path, "eventHandlers", event.wire), Some(json));
    }

    fn remove_handler(&mut self, element: ElementRef<'_>, event: EventName) {
        self.push(Op::Remove, Self::member(element.path, "eventHandlers", event.wire), None);
    }
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
