//! Templates: an `html!` element tree whose shape is fixed at compile time, rendered as its
//! dynamic parts only.
//!
//! `html!` turns a tree of two or more elements whose only dynamic parts are attribute values,
//! handlers and the text of an element (`<td>{id}</td>`) into a `static` [`Template`]: the tags,
//! the literal attributes and texts, and where each dynamic part goes. A render then builds one
//! allocation holding those parts ([`Hole`]s) and the closures of the handlers written in place
//! among them (see [`Template::build_with`]), not a tag per element and a box per handler. A
//! layout mounts it as one node; its model JSON is the template's, written once and kept, with the
//! parts written between its pieces; and a re-render of the same template compares the parts one
//! by one, each at the path the template gives it.
//!
//! Whatever a template cannot hold is found at render time and built as ordinary elements
//! instead (see [`Template::build`]): a text part that turned out to be an element, a list or
//! nothing, or a handler with a fixed target. A template that meets an element of another
//! markup in a diff becomes ordinary elements too (`Template::materialize`), so what the page
//! shows and the patches it gets never depend on which form a render took.
//!
//! A render's parts live in one allocation, which is kept for the template's next render once the
//! layout is done with it (its node unmounted, or replaced by a newer render of the same
//! template): see the `instance` module.

mod instance;

use std::fmt;
use std::sync::{Arc, OnceLock};
use std::thread::LocalKey;

use super::{
    AttrValue, Element, Handler, HandlerFunc, Key, Node, OneOrMany, Str, Tag, Text, is_sole_text, push_child, push_int,
};
use crate::event::{EventName, EventOptions};

pub(crate) use instance::Holes;
pub use instance::{InPlace, InPlaceHandlers, KeptInstances};

/// Given a handler's hole and event, the target it had in a mounted template.
pub(crate) type TargetOf<'a> = &'a dyn Fn(u32, &str) -> Arc<str>;

/// What `Template::materialize` gives each handler: the target it had, if any, and the instance
/// that runs it when it was written in place.
#[derive(Clone, Copy)]
struct Targets<'a> {
    of: Option<TargetOf<'a>>,
    instance: &'a Holes,
}

/// One of the literal attributes of a template's element: a name and a literal value.
type FixedAttr = (Str, AttrValue);

/// An `html!` element tree of fixed shape, made by `html!` as a `static` (not for hand use: the
/// holes a render passes must be the ones the nodes ask for, in order).
pub struct Template {
    nodes: &'static [TemplateNode],
    /// Whether the root has a key: then hole 0 is the key.
    keyed: bool,
    /// The thread's ended instances of this template (a `thread_local!` of the `html!` site).
    kept: &'static LocalKey<KeptInstances>,
    shape: OnceLock<Shape>,
    json: OnceLock<Pieces>,
}

/// An element of a [`Template`], in pre-order: an element's children follow it.
///
/// Its holes come in this order: its dynamic attributes, its handlers, its text (when its content
/// is [`TemplateContent::Text`]), then its children's.
#[derive(Debug)]
pub struct TemplateNode {
    /// The tag name.
    pub name: &'static str,
    /// The attributes, when all of them are literals (shared by every render, as `Tag::fixed`).
    pub fixed: &'static [FixedAttr],
    /// The attributes otherwise, in order, literal or dynamic.
    pub attrs: &'static [TemplateAttr],
    /// Its handlers' events (each handler a hole).
    pub events: &'static [EventName],
    /// What is inside it.
    pub content: TemplateContent,
}

/// An attribute of an element whose attributes are not all literals.
#[derive(Debug)]
pub enum TemplateAttr {
    /// A literal attribute.
    Fixed(FixedAttr),
    /// An attribute whose value is a hole (absent when the value is `None`).
    Hole(&'static str),
}

/// The content of a template's element.
#[derive(Debug)]
pub enum TemplateContent {
    /// Literal texts and elements (each `Element` is the next subtree in pre-order).
    Children(&'static [TemplateChild]),
    /// One text made of literals and values, which must be one text at render time (a hole).
    Text,
}

/// A child of a template's element.
#[derive(Debug)]
pub enum TemplateChild {
    /// A literal text (adjacent literals already merged).
    Text(&'static str),
    /// An element: the next subtree in pre-order.
    Element,
}

/// A dynamic part of a template, as a render made it.
#[derive(Clone, PartialEq)]
pub struct Hole(pub(crate) Part);

#[derive(Clone, PartialEq)]
pub(crate) enum Part {
    Attr(Option<AttrValue>),
    Text(Text),
    /// A text part that was not one text: the template is built as elements instead (boxed: it
    /// is rare, and would make every hole larger).
    Nodes(Box<OneOrMany<Element>>),
    /// A handler (its event is the template's).
    Handler(Handler),
    /// The root's key (hole 0 of a keyed template).
    Key(Key),
}

impl Hole {
    /// A dynamic attribute's value (`None` leaves the attribute out).
    pub fn attr(value: Option<AttrValue>) -> Self {
        Hole(Part::Attr(value))
    }

    /// The text of an element of a template, as its children were pushed (see
    /// `html::TextRun`): one text, or, for the template to be built as elements, what it is.
    #[inline]
    pub(crate) fn text_run(mut run: OneOrMany<Element>) -> Self {
        if is_sole_text(&mut run) {
            let OneOrMany::One(Element(Node::Text(text))) = run else { unreachable!("a sole text") };
            return Hole(Part::Text(text));
        }
        Hole(Part::Nodes(Box::new(run)))
    }

    /// The root's key.
    pub(crate) fn key(key: Key) -> Self {
        Hole(Part::Key(key))
    }

    /// A handler.
    pub(crate) fn handler(handler: Handler) -> Self {
        Hole(Part::Handler(handler))
    }

    /// The hole of handler `slot` of those written in place (see [`Template::build_with`]).
    #[inline]
    pub(crate) fn in_place(options: EventOptions, slot: u32) -> Self {
        Hole(Part::Handler(Handler { func: HandlerFunc::InTemplate(slot), target: None, options: options.into() }))
    }

    /// Whether a mounted template can keep this part.
    #[inline]
    fn fits(&self) -> bool {
        match &self.0 {
            Part::Attr(_) | Part::Text(_) | Part::Key(_) => true,
            Part::Nodes(_) => false,
            Part::Handler(h) => h.target.is_none(),
        }
    }

    pub(crate) fn attr_value(&self) -> Option<&AttrValue> {
        match &self.0 {
            Part::Attr(value) => value.as_ref(),
            _ => unreachable!("a template's attribute hole holds an attribute"),
        }
    }
}

/// Where a template's elements and holes are, worked out once from its nodes.
pub(crate) struct Shape {
    pub(crate) elements: Vec<ElementInfo>,
    /// The event of each hole that is a handler.
    pub(crate) events: Vec<Option<EventName>>,
    /// How many holes a render passes.
    pub(crate) holes: usize,
}

/// An element of a template, as its patches and JSON need it.
pub(crate) struct ElementInfo {
    /// The JSON Pointer of the element below the template's root (`""` for the root).
    pub(crate) path: String,
    /// Its first hole.
    pub(crate) first_hole: usize,
    /// Its dynamic attributes.
    pub(crate) attr_holes: usize,
    /// Its text hole, if its content is one.
    pub(crate) text_hole: Option<usize>,
    /// The index of the first element after its subtree (in pre-order).
    pub(crate) end: usize,
}

/// A template's model JSON as literal pieces and the holes between them (written by the
/// protocol's writer the first time a model holds the template, and kept).
pub(crate) struct Pieces {
    pub(crate) pieces: Vec<Piece>,
    /// The text the `Piece::Lit`s point into.
    pub(crate) text: String,
}

/// A piece of a template's model JSON.
pub(crate) enum Piece {
    /// Literal JSON: a range of `Pieces::text`.
    Lit(u32, u32),
    /// The `"attributes"` of element `n`, which has dynamic ones (nothing when none is present).
    Attributes(u32),
    /// The handler of hole `n` and its event's wire name.
    Handler(u32, &'static str),
    /// The text of hole `n`.
    Text(u32),
    /// The root's `"key"` (hole 0).
    Key,
}

impl Template {
    /// A template of these nodes, whose ended instances are kept in `kept` (what `html!` writes).
    pub const fn new(nodes: &'static [TemplateNode], kept: &'static LocalKey<KeptInstances>) -> Self {
        Template { nodes, keyed: false, kept, shape: OnceLock::new(), json: OnceLock::new() }
    }

    /// A template of these nodes whose root has a key (its first hole).
    pub const fn keyed(nodes: &'static [TemplateNode], kept: &'static LocalKey<KeptInstances>) -> Self {
        Template { nodes, keyed: true, kept, shape: OnceLock::new(), json: OnceLock::new() }
    }

    /// Ends a render of this template that the layout is done with (see `Holes::end`).
    #[inline]
    pub(crate) fn end(&self, holes: Holes) {
        holes.end(self.kept);
    }

    /// The key of an instance's root, if the template has one.
    #[inline]
    pub(crate) fn key<'a>(&self, holes: &'a [Hole]) -> Option<&'a Key> {
        match holes.first() {
            Some(Hole(Part::Key(key))) if self.keyed => Some(key),
            _ => None,
        }
    }

    /// Whether the root has a key (hole 0).
    #[inline]
    pub(crate) fn is_keyed(&self) -> bool {
        self.keyed
    }

    /// The element a render of this template is: the template and its holes, or, when a hole
    /// does not fit in a template (a text part that is not one text, a handler with a fixed
    /// target), the same markup as ordinary elements.
    #[inline]
    pub fn build<const N: usize>(&'static self, holes: [Hole; N]) -> Element {
        self.finish(Holes::new(self.kept, holes, None::<()>))
    }

    /// [`build`](Self::build) for a render with handler closures written in place: their
    /// functions are kept in the allocation of the holes (so a row's handlers cost no allocation
    /// of their own), and each of their holes (`Hole::in_place`) names one by its place in
    /// `handlers`.
    #[inline]
    pub fn build_with<const N: usize, H: InPlaceHandlers>(&'static self, holes: [Hole; N], handlers: H) -> Element {
        self.finish(Holes::new(self.kept, holes, Some(handlers)))
    }

    fn finish(&'static self, holes: Holes) -> Element {
        debug_assert_eq!(holes.len(), self.shape().holes, "a template's holes do not match its nodes");
        if holes.iter().all(Hole::fits) { Element(Node::Template(self, holes)) } else { self.materialize(holes, None) }
    }

    /// The root's tag name.
    pub(crate) fn name(&self) -> &'static str {
        self.nodes[0].name
    }

    /// The same markup as ordinary elements, the holes moved into them (copied, when another
    /// element shares them). With `targets` (given a handler's hole and event, the target it has
    /// in a mounted template), each handler gets that target as a fixed one. A handler written in
    /// place gets a function of its own that runs it from the instance.
    pub(crate) fn materialize(&self, mut instance: Holes, targets: Option<TargetOf<'_>>) -> Element {
        let holes = instance.take();
        let mut holes = holes.into_iter().enumerate();
        let targets = Targets { of: targets, instance: &instance };
        let key = if self.keyed {
            let Some((_, Hole(Part::Key(key)))) = holes.next() else { unreachable!("a keyed template's first hole") };
            Some(key)
        } else {
            None
        };
        let mut at = 0;
        let mut tag = self.tag_at(&mut at, &mut holes, targets);
        tag.key = key;
        Element(Node::Tag(tag))
    }

    fn tag_at(
        &self,
        at: &mut usize,
        holes: &mut impl Iterator<Item = (usize, Hole)>,
        targets: Targets<'_>,
    ) -> Box<Tag> {
        let node = &self.nodes[*at];
        *at += 1;
        // From the thread's kept boxes, as the builders take them.
        let mut tag = super::pool::new_tag(Str::Borrowed(node.name));
        tag.fixed = node.fixed;
        for attr in node.attrs {
            match attr {
                TemplateAttr::Fixed(fixed) => tag.attrs.push(fixed.clone()),
                TemplateAttr::Hole(name) => {
                    if let Some((_, Hole(Part::Attr(Some(value))))) = holes.next() {
                        tag.attrs.push((Str::Borrowed(name), value));
                    }
                }
            }
        }
        for &event in node.events {
            let Some((i, Hole(Part::Handler(mut handler)))) = holes.next() else {
                unreachable!("a template's handler hole holds a handler")
            };
            if let Some(target) = targets.of
                && handler.target.is_none()
            {
                handler.target = Some(target(i as u32, event.wire));
            }
            if let HandlerFunc::InTemplate(slot) = handler.func {
                let instance = targets.instance.clone();
                handler.func = HandlerFunc::Own(Arc::new(move |e| instance.call(slot, e)));
            }
            tag.handlers.push((event, handler));
        }
        match node.content {
            TemplateContent::Text => match holes.next() {
                Some((_, Hole(Part::Text(text)))) => tag.content.push(Element(Node::Text(text))),
                Some((_, Hole(Part::Nodes(nodes)))) => tag.content = *nodes,
                _ => unreachable!("a template's text hole holds a text"),
            },
            TemplateContent::Children(children) => {
                for child in children {
                    let child = match child {
                        TemplateChild::Text(text) => Element::text(*text),
                        TemplateChild::Element => Element(Node::Tag(self.tag_at(at, holes, targets))),
                    };
                    push_child(&mut tag.content, child);
                }
            }
        }
        tag
    }

    /// The template's nodes, in pre-order.
    pub(crate) fn nodes(&self) -> &'static [TemplateNode] {
        self.nodes
    }

    /// Where its elements and holes are.
    pub(crate) fn shape(&self) -> &Shape {
        self.shape.get_or_init(|| Shape::new(self.nodes, self.keyed))
    }

    /// Its model JSON in pieces, written by `write` the first time.
    pub(crate) fn json(&self, write: impl FnOnce(&Template) -> Pieces) -> &Pieces {
        self.json.get_or_init(|| write(self))
    }

    /// The attributes present on element `e` (literal and dynamic, in order).
    pub(crate) fn attributes<'a>(
        &self,
        e: usize,
        holes: &'a [Hole],
    ) -> impl Iterator<Item = (&'static str, &'a AttrValue)> + use<'a> {
        let node: &'static TemplateNode = &self.nodes[e];
        let fixed = node.fixed.iter().map(|(n, v)| (n.as_ref(), v));
        let mut hole = self.shape().elements[e].first_hole;
        let others = node.attrs.iter().filter_map(move |attr| match attr {
            TemplateAttr::Fixed((n, v)) => Some((n.as_ref(), v)),
            TemplateAttr::Hole(name) => {
                hole += 1;
                holes[hole - 1].attr_value().map(|v| (*name, v))
            }
        });
        fixed.chain(others)
    }

    /// The text of element `e` of an instance, if its content is a text hole.
    pub(crate) fn text<'a>(&self, e: usize, holes: &'a [Hole]) -> Option<&'a str> {
        match &holes[self.shape().elements[e].text_hole?].0 {
            Part::Text(text) => Some(text.as_str()),
            _ => None,
        }
    }

    /// The handler of hole `hole` of a mounted instance, if it is one for `event` (a target's).
    pub(crate) fn handler<'a>(&self, holes: &'a [Hole], hole: u32, event: &str) -> Option<&'a Handler> {
        if self.shape().events.get(hole as usize)?.is_none_or(|e| e.wire != event) {
            return None;
        }
        match &holes.get(hole as usize)?.0 {
            Part::Handler(handler) => Some(handler),
            _ => None,
        }
    }
}

impl Shape {
    fn new(nodes: &'static [TemplateNode], keyed: bool) -> Self {
        let mut shape = Shape { elements: Vec::with_capacity(nodes.len()), events: Vec::new(), holes: 0 };
        let (mut at, mut hole) = (0, usize::from(keyed));
        shape.element(nodes, &mut at, &mut hole, "");
        shape.holes = hole;
        shape
    }

    fn element(&mut self, nodes: &'static [TemplateNode], at: &mut usize, hole: &mut usize, path: &str) {
        let node = &nodes[*at];
        *at += 1;
        let attr_holes = node.attrs.iter().filter(|a| matches!(a, TemplateAttr::Hole(_))).count();
        let first_hole = *hole;
        *hole += attr_holes + node.events.len();
        self.events.resize(first_hole + attr_holes, None);
        self.events.extend(node.events.iter().map(|&e| Some(e)));
        let text_hole = matches!(node.content, TemplateContent::Text).then(|| {
            *hole += 1;
            *hole - 1
        });
        let me = self.elements.len();
        self.elements.push(ElementInfo { path: path.to_owned(), first_hole, attr_holes, text_hole, end: 0 });
        if let TemplateContent::Children(children) = node.content {
            for (i, child) in children.iter().enumerate() {
                if let TemplateChild::Element = child {
                    let mut child_path = format!("{path}/children/");
                    push_int(&mut child_path, i as i128);
                    self.element(nodes, at, hole, &child_path);
                }
            }
        }
        self.elements[me].end = *at;
    }
}

impl PartialEq for Template {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self, other)
    }
}

impl fmt::Debug for Hole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Part::Attr(value) => f.debug_tuple("Attr").field(value).finish(),
            Part::Text(text) => f.debug_tuple("Text").field(&text.as_str()).finish(),
            Part::Nodes(nodes) => f.debug_tuple("Nodes").field(&&nodes[..]).finish(),
            Part::Handler(_) => f.write_str("Handler"),
            Part::Key(key) => f.debug_tuple("Key").field(key).finish(),
        }
    }
}

impl fmt::Debug for Template {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Template").field("root", &self.name()).finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::{Handler, Hole};

    /// A row keeps one hole per dynamic part for as long as it is shown: the largest part, a
    /// handler, sets the size (the event is the template's, its options are kept in 8 bytes as
    /// they are sent, and the rare non-text is boxed).
    #[test]
    fn a_hole_is_the_size_of_a_handler_and_a_tag() {
        let (hole, handler) = (std::mem::size_of::<Hole>(), std::mem::size_of::<Handler>());
        assert!(hole <= handler + 8 && hole <= 48, "a hole is {hole} bytes, a handler {handler}");
    }
}
