//! The virtual DOM: [`Element`] and the pieces it is made of.
//!
//! An [`Element`] is a value: it describes what a component wants on the page and holds no
//! connection to any layout. Elements are cheap to build, compare with `==` (event handlers and
//! components compare by identity, everything else structurally) and are `Send + Sync`, so they
//! may travel in props, channels and state.
//!
//! # Children keep their place
//! A children list is built one child per place, as React reconciles them:
//! - an absent child (`if` without `else`, `None`, [`Element::empty`]) stays as a *hole*: a
//!   placeholder that makes no node in the model or the DOM but keeps its place, so the siblings
//!   after it keep their identity when it appears or disappears;
//! - an iterator, a `Vec`, a `for` loop or a fragment is one *group* at its place: its items are
//!   matched among themselves (by key, or by position within the group), so siblings outside it
//!   keep their identity when it grows, shrinks or reorders; keys are unique within one group;
//! - adjacent texts of one group merge, so `"Count: " {n}` is one text node on the page and one
//!   string in the model. A merged text leaves a placeholder at its own place (the count of places
//!   does not depend on which children happen to be texts); a hole or a group between two texts
//!   keeps them apart.

mod component;
mod fixed;
mod hashing;
mod key;
mod list;
pub(crate) mod pool;
mod tag;
mod template;
mod text;

use std::any::TypeId;
use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

pub use component::Component;
pub(crate) use component::{AnyComponent, ComponentNode};
pub use fixed::StaticElement;
pub(crate) use fixed::StaticTree;
pub(crate) use hashing::KeyHashing;
pub use key::Key;
pub(crate) use key::KeyRepr;
pub(crate) use list::OneOrMany;
pub use tag::{AttrValue, Style};
pub(crate) use tag::{Handler, HandlerFunc, Tag, is_sole_text};
pub use template::{
    Hole, InPlace, InPlaceHandlers, KeptInstances, Template, TemplateAttr, TemplateChild, TemplateContent, TemplateNode,
};
pub(crate) use template::{Holes, Part, Piece, Pieces};
pub(crate) use text::{Text, int_text, push_digits, push_int};

/// A shared, immutable string: `&'static str` literals are kept without allocating.
pub(crate) type Str = Cow<'static, str>;

/// A node of the virtual DOM: an HTML element, a text, a component, a fragment, or nothing.
///
/// Build elements with [`html!`](crate::html) markup or the builders in [`crate::html`]; any
/// `fn(...) -> Element` is a pure component.
///
/// ```
/// use idom_runtime::html::{div, p};
/// use idom_runtime::Element;
///
/// fn paragraphs(texts: &[&str]) -> Element {
///     div().child(texts.iter().map(|t| p().child(*t))).into()
/// }
/// assert_eq!(paragraphs(&["a", "b"]).to_json()["children"][1]["children"][0], "b");
/// ```
#[derive(Clone, Default)]
pub struct Element(pub(crate) Node);

impl PartialEq for Element {
    /// Structural equality. A template instance is compared with another render of its template
    /// hole by hole, and with anything else as the elements it stands for.
    fn eq(&self, other: &Self) -> bool {
        match (&self.0, &other.0) {
            (Node::Template(a, x), Node::Template(b, y)) if std::ptr::eq(*a, *b) => x == y,
            (Node::Template(t, holes), _) => t.materialize(holes.clone(), None) == *other,
            (_, Node::Template(t, holes)) => *self == t.materialize(holes.clone(), None),
            (a, b) => a == b,
        }
    }
}

#[derive(Clone, PartialEq, Default)]
pub(crate) enum Node {
    /// A hole: no node, but a place among the siblings.
    #[default]
    Empty,
    /// The place of a text that was merged into the text before it: no node, like a hole, but
    /// texts after it still merge into that text.
    Merged,
    Text(Text),
    Tag(Box<Tag>),
    Component(ComponentNode),
    /// A group: its items, reconciled among themselves, at one place among the siblings.
    Fragment(Vec<Element>),
    /// A subtree with no dynamic part, shared by every render of its place (see
    /// [`StaticElement`]).
    Static(&'static StaticTree),
    /// An `html!` element tree of fixed shape and its dynamic parts (see [`Template`]).
    Template(&'static Template, Holes),
}

impl Element {
    /// Nothing: renders no node at all. Among children it is a hole that keeps its place, so the
    /// siblings after it keep their state when it later becomes an element (see the module docs).
    pub fn empty() -> Self {
        Element(Node::Empty)
    }

    /// A text node.
    pub fn text(text: impl Into<Cow<'static, str>>) -> Self {
        Element(Node::Text(Text::Str(text.into())))
    }

    /// Several nodes spliced into the parent in place of this one. Among children a fragment is one
    /// group: its items are matched among themselves when it re-renders, and keys need only be
    /// unique within it.
    pub fn fragment(children: impl IntoIterator<Item = Element>) -> Self {
        let mut nodes = Vec::new();
        for child in children {
            push_child(&mut nodes, child);
        }
        Element(Node::Fragment(nodes))
    }

    /// A group of children built with `push_child` (no re-merging of its texts).
    pub(crate) fn group(children: Vec<Element>) -> Self {
        Element(Node::Fragment(children))
    }

    /// A component, rendered when the element is mounted in a [`Layout`](crate::Layout).
    pub fn component<C: Component>(component: C) -> Self {
        Element(Node::Component(ComponentNode { key: None, props: Arc::new(component), ty: TypeId::of::<C>() }))
    }

    /// Gives this element or component a key among its siblings. Keys on texts, fragments and
    /// empty elements are ignored.
    pub fn with_key(mut self, key: impl Into<Key>) -> Self {
        match &mut self.0 {
            Node::Tag(tag) => {
                tag.key = Some(key.into());
                tag.head = None;
            }
            Node::Component(c) => c.key = Some(key.into()),
            // A keyed copy: the shared subtree itself has no key.
            Node::Static(tree) => return tree.element.clone().with_key(key),
            Node::Template(t, holes) if t.is_keyed() => match holes.get_mut() {
                Some(holes) => holes[0] = Hole::key(key.into()),
                // Shared with another element: a keyed copy is its markup as elements.
                None => return t.materialize(holes.clone(), None).with_key(key),
            },
            // A template without a key: a keyed copy is its markup as elements.
            Node::Template(t, holes) => return t.materialize(holes.clone(), None).with_key(key),
            Node::Empty | Node::Merged | Node::Text(_) | Node::Fragment(_) => {}
        }
        self
    }

    /// The key, if this is a keyed element or component.
    pub fn key(&self) -> Option<&Key> {
        match &self.0 {
            Node::Tag(tag) => tag.key.as_ref(),
            Node::Component(c) => c.key.as_ref(),
            Node::Template(t, holes) => t.key(holes),
            Node::Empty | Node::Merged | Node::Text(_) | Node::Fragment(_) | Node::Static(_) => None,
        }
    }

    /// The tag name, if this is an HTML element.
    pub fn tag_name(&self) -> Option<&str> {
        match &self.0 {
            Node::Tag(tag) => Some(&tag.name),
            Node::Static(tree) => tree.element.tag_name(),
            Node::Template(t, _) => Some(t.name()),
            _ => None,
        }
    }

    /// The text, if this is a text node.
    pub fn as_text(&self) -> Option<&str> {
        match &self.0 {
            Node::Text(t) => Some(t),
            _ => None,
        }
    }
}

/// A list of children as elements build them: a `Vec` (fragments, groups) or the list of an
/// element, which keeps a single child inline. Used by [`IntoNodes`](crate::html::IntoNodes).
#[doc(hidden)]
pub trait ChildList {
    /// The children so far.
    fn items(&mut self) -> &mut [Element];
    /// Appends a child as it is (see `push_child` for the merging of texts).
    fn push_raw(&mut self, child: Element);
    /// Removes the last child.
    fn pop_raw(&mut self) -> Option<Element>;
}

macro_rules! child_list {
    ($($list:ty),*) => {$(
        impl ChildList for $list {
            #[inline]
            fn items(&mut self) -> &mut [Element] {
                self
            }
            #[inline]
            fn push_raw(&mut self, child: Element) {
                self.push(child);
            }
            #[inline]
            fn pop_raw(&mut self) -> Option<Element> {
                self.pop()
            }
        }
    )*};
}
child_list!(Vec<Element>, OneOrMany<Element>);

/// Appends a child to a children list, at a place of its own: holes and groups (fragments) stay
/// as they are, and a text after a text (with only merged places between them) is merged into it,
/// leaving [`Node::Merged`] at its place.
#[inline]
pub(crate) fn push_child(children: &mut impl ChildList, child: Element) {
    if let Node::Text(text) = child.0 {
        let items = children.items();
        let run = items.iter().rposition(|c| !matches!(c.0, Node::Merged));
        if let Some(Element(Node::Text(last))) = run.map(|i| &mut items[i]) {
            last.to_mut().push_str(text.as_str());
            children.push_raw(Element(Node::Merged));
        } else {
            children.push_raw(Element(Node::Text(text)));
        }
    } else {
        children.push_raw(child);
    }
}

/// Drops the places at the end of a children list that make no node (holes, merged texts, empty
/// groups): no sibling follows them, so they keep nobody's place, and the list is shorter to
/// mount and diff (`"Count: " {n}` is one child, not a text and a merged place).
#[inline]
pub(crate) fn trim_trailing_places(list: &mut impl ChildList) {
    while let Some(last) = list.items().last()
        && makes_no_node(last)
    {
        list.pop_raw();
    }
}

/// Whether a child is a place that makes no node: a hole, a merged text or an empty group.
#[inline]
pub(crate) fn makes_no_node(child: &Element) -> bool {
    match &child.0 {
        Node::Empty | Node::Merged => true,
        Node::Fragment(items) => items.is_empty(),
        _ => false,
    }
}

/// The children a component's output (or a layout's root) stands for: a fragment at the top is
/// its items, nothing is no children, anything else is itself.
#[inline]
pub(crate) fn splice(output: Element) -> OneOrMany<Element> {
    match output.0 {
        Node::Empty | Node::Merged => OneOrMany::new(),
        Node::Fragment(items) => OneOrMany::Many(items),
        // A component's usual output, one element: no list allocated for it.
        other => OneOrMany::One(Element(other)),
    }
}

impl fmt::Debug for Element {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Node::Empty => f.write_str("Empty"),
            Node::Merged => f.write_str("Merged"),
            Node::Text(t) => write!(f, "{t:?}"),
            Node::Fragment(children) => f.debug_list().entries(children).finish(),
            Node::Component(c) => write!(f, "<{} />", c.props.name()),
            Node::Static(tree) => tree.element.fmt(f),
            Node::Template(t, holes) => t.materialize(holes.clone(), None).fmt(f),
            Node::Tag(tag) => {
                let mut d = f.debug_struct(&tag.name);
                if let Some(k) = &tag.key {
                    d.field("key", k);
                }
                for (n, v) in tag.attributes() {
                    d.field(n, v);
                }
                for (e, _) in &tag.handlers {
                    d.field(e.html, &"<handler>");
                }
                if !tag.content.is_empty() {
                    d.field("children", &tag.content);
                }
                d.finish()
            }
        }
    }
}

impl From<&str> for Element {
    fn from(s: &str) -> Self {
        Element::text(s.to_owned())
    }
}

impl From<String> for Element {
    fn from(s: String) -> Self {
        Element::text(s)
    }
}

impl From<&String> for Element {
    fn from(s: &String) -> Self {
        Element::text(s.clone())
    }
}

impl From<Cow<'static, str>> for Element {
    fn from(s: Cow<'static, str>) -> Self {
        Element::text(s)
    }
}

/// A shared text: the page shows the string without copying it (a label kept in the state as
/// `Arc<str>` is not cloned into each render).
impl From<Arc<str>> for Element {
    fn from(s: Arc<str>) -> Self {
        Element(Node::Text(Text::Shared(s)))
    }
}

impl From<&Arc<str>> for Element {
    fn from(s: &Arc<str>) -> Self {
        Element(Node::Text(Text::Shared(Arc::clone(s))))
    }
}

impl From<char> for Element {
    fn from(c: char) -> Self {
        Element::text(c.to_string())
    }
}

impl<C: Component> From<C> for Element {
    fn from(c: C) -> Self {
        Element::component(c)
    }
}
