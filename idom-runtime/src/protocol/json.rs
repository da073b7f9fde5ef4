//! The model as JSON text: the one JSON string escaper, JSON Pointer escaping, and the JSON of
//! mounted nodes and of elements, written straight into a `String` without building a
//! `serde_json::Value`.

use crate::Element;
use crate::arena::{Arena, Kind, TargetId};
use crate::ids::NodeId;
use crate::vdom::{
    AttrValue, Handler, Hole, KeyRepr, Node, Part, Piece, Pieces, StaticTree, Tag, Template, TemplateChild,
    TemplateContent, push_int,
};

/// Writes `s` as a JSON string literal: `"`, `\` and control characters escaped (`\n`, `\r`,
/// `\t`, else `\u00XX`), everything else copied, with the common case of nothing to escape as one
/// copy. The only JSON string escaper of the crate.
#[inline]
pub(crate) fn json_str(out: &mut String, s: &str) {
    match next_escape(s.as_bytes(), 0) {
        None => {
            out.reserve(s.len() + 2);
            out.push('"');
            out.push_str(s);
            out.push('"');
        }
        Some(first) => json_str_escaped(out, s, first),
    }
}

/// [`json_str`] for a string with something to escape, the first at `first`.
#[cold]
fn json_str_escaped(out: &mut String, s: &str, first: usize) {
    let bytes = s.as_bytes();
    out.reserve(bytes.len() + 8);
    out.push('"');
    let mut start = 0;
    let mut next = Some(first);
    while let Some(i) = next {
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
        next = next_escape(bytes, start);
    }
    out.push_str(&s[start..]);
    out.push('"');
}

/// Which bytes JSON needs escaped in a string: `"`, `\` and the control characters.
const ESCAPED: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = true;
        b += 1;
    }
    table[b'"' as usize] = true;
    table[b'\\' as usize] = true;
    table
};

/// The index of the first byte at or after `from` that JSON needs escaped (`"`, `\`, or a control
/// character), looking at eight bytes at a time: labels and attribute values are mostly plain, and
/// a byte-by-byte scan cost more than the copy. A string of fewer than eight bytes (a number, an
/// event's name) is looked up byte by byte; the last bytes of a longer one are looked at as the
/// word of its last eight.
#[inline]
fn next_escape(bytes: &[u8], from: usize) -> Option<usize> {
    let n = bytes.len();
    if n - from < 8 {
        return bytes[from..].iter().position(|&b| ESCAPED[usize::from(b)]).map(|offset| from + offset);
    }
    let mut i = from;
    while i + 8 <= n {
        if let Some(at) = escape_in_word(bytes, i) {
            return Some(at);
        }
        i += 8;
    }
    // The bytes before `i` are plain, so a mark in the overlapping word is at or after `i`.
    if i < n { escape_in_word(bytes, n - 8) } else { None }
}

/// The first byte JSON needs escaped among the eight at `i`.
#[inline(always)]
fn escape_in_word(bytes: &[u8], i: usize) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut word = [0u8; 8];
    word.copy_from_slice(&bytes[i..i + 8]);
    let x = u64::from_le_bytes(word);
    // A byte of `m` has its high bit set where `x`'s byte is below 0x20, or where `x ^ "` or
    // `x ^ \` has a zero byte (the classic tests `(v - 0x01..) & !v & 0x80..` and its "less than
    // n" form). A borrow can mark bytes above a true match, never below it, so the lowest mark is
    // exact.
    let quote = x ^ (ONES * u64::from(b'"'));
    let backslash = x ^ (ONES * u64::from(b'\\'));
    let m = ((x.wrapping_sub(ONES * 0x20) & !x)
        | (quote.wrapping_sub(ONES) & !quote)
        | (backslash.wrapping_sub(ONES) & !backslash))
        & HIGH;
    (m != 0).then(|| i + (m.trailing_zeros() / 8) as usize)
}

/// Appends `token` as one JSON Pointer reference token (RFC 6901: `~` as `~0`, `/` as `~1`).
pub(crate) fn push_pointer_token(out: &mut String, token: &str) {
    if token.contains(['~', '/']) {
        out.push_str(&token.replace('~', "~0").replace('/', "~1"));
    } else {
        out.push_str(token);
    }
}

/// Writes an attribute value: a string, `true`, or a `style` object.
pub(crate) fn write_attr_value(value: &AttrValue, out: &mut String) {
    match value {
        AttrValue::Text(t) => json_str(out, t),
        AttrValue::True => out.push_str("true"),
        AttrValue::Style(s) => {
            out.push('{');
            for (i, (p, v)) in s.0.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                json_str(out, p);
                out.push(':');
                json_str(out, v);
            }
            out.push('}');
        }
    }
}

/// Writes a handler: its target (the fixed one, or the element's `target`) and its options
/// (`preventDefault`, `stopPropagation`, and `debounce` or `throttle` in milliseconds).
pub(crate) fn write_handler(target: TargetId<'_>, handler: &Handler, out: &mut String) {
    out.push_str("{\"target\":");
    match &handler.target {
        Some(t) => json_str(out, t),
        None => {
            out.push('"');
            target.write(out);
            out.push('"');
        }
    }
    let options = &handler.options;
    if options.prevent_default {
        out.push_str(",\"preventDefault\":true");
    }
    if options.stop_propagation {
        out.push_str(",\"stopPropagation\":true");
    }
    if let Some((field, ms)) = options.rate() {
        out.push_str(",\"");
        out.push_str(field);
        out.push_str("\":");
        push_int(out, i128::from(ms));
    }
    out.push('}');
}

/// Writes a key's `,"key":..` member: a text, and an integer as its decimal text.
fn write_key(key: &crate::Key, out: &mut String) {
    out.push_str(",\"key\":");
    match &key.0 {
        KeyRepr::Int(i) => {
            out.push('"');
            push_int(out, *i);
            out.push('"');
        }
        KeyRepr::Str(s) => json_str(out, s),
    }
}

/// Writes an element's `,"attributes":{..}` member, or nothing when it has no attribute.
fn write_attributes<'n, 'v>(attrs: impl Iterator<Item = (&'n str, &'v AttrValue)>, out: &mut String) {
    let mut first = true;
    for (name, value) in attrs {
        out.push_str(if std::mem::take(&mut first) { ",\"attributes\":{" } else { "," });
        json_str(out, name);
        out.push(':');
        write_attr_value(value, out);
    }
    if !first {
        out.push('}');
    }
}

/// Writes `"tagName"`, `"key"` and `"attributes"` of an element (without the braces).
fn write_head(tag: &Tag, out: &mut String) {
    if let Some(head) = tag.head {
        out.push_str(head);
        return;
    }
    out.push_str("{\"tagName\":");
    json_str(out, &tag.name);
    if let Some(k) = &tag.key {
        write_key(k, out);
    }
    write_attributes(tag.attributes().map(|(name, value)| (name.as_ref(), value)), out);
}

/// Writes the JSON of a mounted model node (an element or a text); a component, group or hole
/// standing alone is written as the array of its model nodes.
pub(crate) fn write_node(arena: &Arena, idx: NodeId, out: &mut String) {
    match &arena.n(idx).kind {
        Kind::Text(t) => json_str(out, t),
        Kind::Static(tree) => out.push_str(static_json(tree)),
        Kind::Template(template, holes) => write_template(template, holes, idx, arena.generation(idx), out),
        Kind::Component(_) | Kind::Group(_) | Kind::Empty => {
            out.push('[');
            write_children(arena, idx, out);
            out.push(']');
        }
        Kind::Element(el) => {
            write_head(el, out);
            if !el.handlers.is_empty() {
                out.push_str(",\"eventHandlers\":{");
                let generation = arena.generation(idx);
                for (i, (event, handler)) in el.handlers.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    json_str(out, event.wire);
                    out.push(':');
                    write_handler(TargetId { node: idx, generation, hole: None, event: event.wire }, handler, out);
                }
                out.push('}');
            }
            if el.len > 0 {
                out.push_str(",\"children\":[");
                match el.inline_text() {
                    Some(text) => json_str(out, text),
                    None => write_children(arena, idx, out),
                }
                out.push(']');
            }
            out.push('}');
        }
    }
}

/// Writes the model JSON of a mounted template: its literal pieces, written once and kept, with
/// its holes between them (the handlers' targets are `node`'s, one per hole).
fn write_template(template: &Template, holes: &[Hole], node: NodeId, generation: u32, out: &mut String) {
    let json = template.json(template_pieces);
    for piece in &json.pieces {
        match *piece {
            Piece::Lit(start, end) => out.push_str(&json.text[start as usize..end as usize]),
            Piece::Key => {
                if let Some(key) = template.key(holes) {
                    write_key(key, out);
                }
            }
            Piece::Text(h) => match &holes[h as usize].0 {
                Part::Text(text) => json_str(out, text),
                _ => unreachable!("a mounted template's text hole holds a text"),
            },
            Piece::Handler(h, event) => match &holes[h as usize].0 {
                Part::Handler(handler) => {
                    write_handler(TargetId { node, generation, hole: Some(h), event }, handler, out);
                }
                _ => unreachable!("a template's handler hole holds a handler"),
            },
            Piece::Attributes(e) => write_attributes(template.attributes(e as usize, holes), out),
        }
    }
}

/// A template's model JSON in pieces: everything literal written out (tags, literal attributes,
/// event names, literal texts), with a piece for each hole and each element's dynamic attributes.
fn template_pieces(template: &Template) -> Pieces {
    fn lit_end(json: &mut Pieces, from: &mut usize) {
        if json.text.len() > *from {
            json.pieces.push(Piece::Lit(*from as u32, json.text.len() as u32));
            *from = json.text.len();
        }
    }
    fn element(template: &Template, e: &mut usize, json: &mut Pieces, from: &mut usize) {
        let nodes = template.nodes();
        let at = *e;
        let (node, info) = (&nodes[at], &template.shape().elements[at]);
        *e += 1;
        json.text.push_str("{\"tagName\":");
        json_str(&mut json.text, node.name);
        if at == 0 && template.is_keyed() {
            lit_end(json, from);
            json.pieces.push(Piece::Key);
        }
        if info.attr_holes > 0 {
            lit_end(json, from);
            json.pieces.push(Piece::Attributes(at as u32));
        } else {
            // No hole: all of them literal, whichever list holds them.
            write_attributes(template.attributes(at, &[]), &mut json.text);
        }
        if !node.events.is_empty() {
            json.text.push_str(",\"eventHandlers\":{");
            for (i, event) in node.events.iter().enumerate() {
                if i > 0 {
                    json.text.push(',');
                }
                json_str(&mut json.text, event.wire);
                json.text.push(':');
                lit_end(json, from);
                json.pieces.push(Piece::Handler((info.first_hole + info.attr_holes + i) as u32, event.wire));
            }
            json.text.push('}');
        }
        match node.content {
            TemplateContent::Text => {
                json.text.push_str(",\"children\":[");
                lit_end(json, from);
                json.pieces.push(Piece::Text(info.text_hole.unwrap_or_default() as u32));
                json.text.push(']');
            }
            TemplateContent::Children([]) => {}
            TemplateContent::Children(children) => {
                json.text.push_str(",\"children\":[");
                for (i, child) in children.iter().enumerate() {
                    if i > 0 {
                        json.text.push(',');
                    }
                    match child {
                        TemplateChild::Text(text) => json_str(&mut json.text, text),
                        TemplateChild::Element => element(template, e, json, from),
                    }
                }
                json.text.push(']');
            }
        }
        json.text.push('}');
    }
    let mut json = Pieces { pieces: Vec::new(), text: String::new() };
    let (mut e, mut from) = (0, 0);
    element(template, &mut e, &mut json, &mut from);
    lit_end(&mut json, &mut from);
    json
}

/// Writes the model nodes of a node's children, comma-separated (components, groups and holes
/// are spliced).
pub(crate) fn write_children(arena: &Arena, idx: NodeId, out: &mut String) {
    fn inner(arena: &Arena, idx: NodeId, out: &mut String, first: &mut bool) {
        for &c in arena.children(idx) {
            if let Kind::Component(_) | Kind::Group(_) | Kind::Empty = arena.n(c).kind {
                inner(arena, c, out, first);
            } else {
                if !*first {
                    out.push(',');
                }
                *first = false;
                write_node(arena, c, out);
            }
        }
    }
    inner(arena, idx, out, &mut true);
}

/// The model JSON of a static subtree, written the first time it is needed and kept.
fn static_json(tree: &StaticTree) -> &str {
    tree.json.get_or_init(|| {
        let mut json = String::new();
        write_element(&tree.element, &mut json, &mut true);
        json.into_boxed_str()
    })
}

/// Writes the model nodes of an element that is not mounted, comma-separated: components as
/// `{"tagName": "", "component": "<name>"}`, no handlers.
fn write_element(e: &Element, out: &mut String, first: &mut bool) {
    fn separate(out: &mut String, first: &mut bool) {
        if !std::mem::take(first) {
            out.push(',');
        }
    }
    match &e.0 {
        Node::Empty | Node::Merged => {}
        Node::Fragment(items) => items.iter().for_each(|c| write_element(c, out, first)),
        Node::Static(tree) => {
            separate(out, first);
            out.push_str(static_json(tree));
        }
        Node::Template(template, holes) => write_element(&template.materialize(holes.clone(), None), out, first),
        Node::Text(t) => {
            separate(out, first);
            json_str(out, t);
        }
        Node::Component(c) => {
            separate(out, first);
            out.push_str("{\"tagName\":\"\",\"component\":");
            json_str(out, c.props.name());
            out.push('}');
        }
        Node::Tag(tag) => {
            separate(out, first);
            write_head(tag, out);
            let mut children = String::new();
            let mut none = true;
            tag.content.iter().for_each(|c| write_element(c, &mut children, &mut none));
            if !none {
                out.push_str(",\"children\":[");
                out.push_str(&children);
                out.push(']');
            }
            out.push('}');
        }
    }
}

impl Element {
    /// The JSON model of this element as a [`Layout`](crate::Layout) would show it, for elements
    /// that contain no components (components render only inside a layout; here they appear as
    /// `{"tagName": "", "component": "<name>"}`). Handler targets are left out; several nodes
    /// (a fragment) are an array. Written by the same writer as the layout's model. Useful for
    /// testing pure components.
    pub fn to_json(&self) -> serde_json::Value {
        let mut text = String::from("[");
        let mut first = true;
        write_element(self, &mut text, &mut first);
        text.push(']');
        let serde_json::Value::Array(mut nodes) =
            serde_json::from_str(&text).expect("the model writer writes valid JSON")
        else {
            unreachable!("an array was written")
        };
        if nodes.len() == 1 { nodes.pop().unwrap_or_default() } else { serde_json::Value::Array(nodes) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_strings_round_trip_through_serde() {
        let every_ascii: String = (0u8..0x80).map(char::from).collect();
        for s in ["", "plain", "q\"uote", "back\\slash", "nl\n\r\t", "\u{1}ctl\u{1f}", "ünï", "</script>", &every_ascii]
        {
            let mut out = String::new();
            json_str(&mut out, s);
            assert_eq!(serde_json::from_str::<String>(&out).unwrap(), s);
        }
        // Every special byte at every offset of plain runs of every length up to three words
        // (the byte-by-byte scan of a short string, the word-at-a-time scan, and the overlapping
        // last word), alone and with a second special after it.
        let plain = "abcdefghijklmnopqrstuvwx\u{7f}ü";
        for len in 0..=24 {
            for special in ['"', '\\', '\n', '\u{1}', '\u{1f}'] {
                for at in 0..=len {
                    let mut s: String = plain[..len].to_owned();
                    s.insert(at, special);
                    for text in [s.clone(), format!("{s}{}\\", &plain[..len - at])] {
                        let mut out = String::new();
                        json_str(&mut out, &text);
                        assert_eq!(serde_json::from_str::<String>(&out).unwrap(), text, "{out}");
                    }
                }
            }
            let mut out = String::new();
            json_str(&mut out, &plain[..len]);
            assert_eq!(out, format!("\"{}\"", &plain[..len]));
        }
        // And after bytes that are not ASCII letters (DEL, a two-byte character).
        for at in 0..20 {
            let mut s = plain.to_owned();
            s.insert(at, '"');
            let mut out = String::new();
            json_str(&mut out, &s);
            assert_eq!(serde_json::from_str::<String>(&out).unwrap(), s, "{out}");
        }
        for n in [
            0i128,
            7,
            -7,
            10,
            11,
            99,
            100,
            101,
            999,
            1000,
            12_345,
            -98_765,
            4_294_967_295,
            u64::MAX as i128,
            i128::MAX,
            i128::MIN,
        ] {
            let mut text = String::new();
            push_int(&mut text, n);
            assert_eq!(text, n.to_string());
        }
    }

    #[test]
    fn pointer_tokens_escape_tilde_and_slash() {
        let mut out = String::new();
        push_pointer_token(&mut out, "a/b~c");
        assert_eq!(out, "a~1b~0c");
    }
}
