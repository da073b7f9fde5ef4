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

use std::any::TypeId;
use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use crate::component::{AnyComponent, Component};
use crate::event::{EventName, HandlerFn};

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
#[derive(Clone, PartialEq, Default)]
pub struct Element(pub(crate) Node);

#[derive(Clone, PartialEq, Default)]
pub(crate) enum Node {
    /// A hole: no node, but a place among the siblings.
    #[default]
    Empty,
    /// The place of a text that was merged into the text before it: no node, like a hole, but
    /// texts after it still merge into that text.
    Merged,
    Text(Str),
    Tag(Box<Tag>),
    Component(ComponentNode),
    /// A group: its items, reconciled among themselves, at one place among the siblings.
    Fragment(Vec<Element>),
}

/// An HTML element: tag name, key, attributes, handlers and children.
///
/// A layout mounts a tag in place: the box moves into the layout's arena, the `content` is mounted
/// as child nodes, and `children` and `len` describe those (in an element being built they are
/// empty and zero).
#[derive(Clone, PartialEq)]
pub(crate) struct Tag {
    pub(crate) name: Str,
    pub(crate) key: Option<Key>,
    pub(crate) attrs: OneOrMany<(Str, AttrValue)>,
    pub(crate) handlers: OneOrMany<(EventName, Handler)>,
    /// The children as built (empty once mounted).
    pub(crate) content: Vec<Element>,
    /// Once mounted: the arena ids of the child nodes.
    pub(crate) children: OneOrMany<u32>,
    /// Once mounted: the number of model children (the length of `children` in the model).
    pub(crate) len: u32,
}

impl Tag {
    pub(crate) fn new(name: Str) -> Self {
        Tag {
            name,
            key: None,
            attrs: OneOrMany::new(),
            handlers: OneOrMany::new(),
            content: Vec::new(),
            children: OneOrMany::new(),
            len: 0,
        }
    }
}

/// A list that keeps a single item inline. Most elements have one attribute, one handler, one
/// child: as a `Vec` each of those lists would be an allocation of room for four.
#[derive(Clone, Debug)]
pub(crate) enum OneOrMany<T> {
    One(T),
    /// Any other number of items (an empty `Vec` does not allocate).
    Many(Vec<T>),
}

impl<T> OneOrMany<T> {
    pub(crate) const fn new() -> Self {
        OneOrMany::Many(Vec::new())
    }

    /// An empty list with room for `n` items (no allocation for one or none).
    pub(crate) fn with_capacity(n: usize) -> Self {
        OneOrMany::Many(if n > 1 { Vec::with_capacity(n) } else { Vec::new() })
    }

    pub(crate) fn push(&mut self, item: T) {
        match self {
            OneOrMany::Many(items) if items.capacity() == 0 => *self = OneOrMany::One(item),
            OneOrMany::Many(items) => items.push(item),
            OneOrMany::One(_) => {
                let OneOrMany::One(first) = std::mem::take(self) else { unreachable!() };
                *self = OneOrMany::Many(vec![first, item]);
            }
        }
    }

    pub(crate) fn retain(&mut self, mut keep: impl FnMut(&T) -> bool) {
        match self {
            OneOrMany::One(item) if !keep(item) => *self = OneOrMany::new(),
            OneOrMany::One(_) => {}
            OneOrMany::Many(items) => items.retain(keep),
        }
    }
}

impl<T> FromIterator<T> for OneOrMany<T> {
    fn from_iter<I: IntoIterator<Item = T>>(items: I) -> Self {
        let items = items.into_iter();
        let mut list = OneOrMany::with_capacity(items.size_hint().0);
        for item in items {
            list.push(item);
        }
        list
    }
}

impl<T: Clone> OneOrMany<T> {
    pub(crate) fn extend_from_slice(&mut self, items: &[T]) {
        for item in items {
            self.push(item.clone());
        }
    }
}

impl<T> Default for OneOrMany<T> {
    fn default() -> Self {
        OneOrMany::new()
    }
}

impl<T> std::ops::Deref for OneOrMany<T> {
    type Target = [T];

    fn deref(&self) -> &[T] {
        match self {
            OneOrMany::One(item) => std::slice::from_ref(item),
            OneOrMany::Many(items) => items,
        }
    }
}

impl<T> std::ops::DerefMut for OneOrMany<T> {
    fn deref_mut(&mut self) -> &mut [T] {
        match self {
            OneOrMany::One(item) => std::slice::from_mut(item),
            OneOrMany::Many(items) => items,
        }
    }
}

impl<T: PartialEq> PartialEq for OneOrMany<T> {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl<'a, T> IntoIterator for &'a OneOrMany<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<T> IntoIterator for OneOrMany<T> {
    type Item = T;
    type IntoIter = std::iter::Chain<std::option::IntoIter<T>, std::vec::IntoIter<T>>;

    fn into_iter(self) -> Self::IntoIter {
        match self {
            OneOrMany::One(item) => Some(item).into_iter().chain(Vec::new()),
            OneOrMany::Many(items) => None.into_iter().chain(items),
        }
    }
}

/// A mounted component: its props (the component value itself) and an optional key.
#[derive(Clone)]
pub(crate) struct ComponentNode {
    pub(crate) key: Option<Key>,
    pub(crate) props: Arc<dyn AnyComponent>,
    /// The component's type, kept here so matching a list of components makes no virtual calls.
    pub(crate) ty: TypeId,
}

impl PartialEq for ComponentNode {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key && (Arc::ptr_eq(&self.props, &other.props) || self.props.eq_any(&*other.props))
    }
}

/// An event handler as stored in an element: the function and its browser-side options.
#[derive(Clone)]
pub(crate) struct Handler {
    pub(crate) func: HandlerFn,
    /// A fixed target id chosen by the user (see `testing::StaticEventHandler`).
    pub(crate) target: Option<Arc<str>>,
    pub(crate) prevent_default: bool,
    pub(crate) stop_propagation: bool,
}

impl PartialEq for Handler {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.func, &other.func)
            && self.target == other.target
            && self.prevent_default == other.prevent_default
            && self.stop_propagation == other.stop_propagation
    }
}

/// The value of an attribute: text, a present boolean attribute, or a structured `style`.
#[derive(Clone, PartialEq, Debug)]
pub enum AttrValue {
    /// A text value, sent as a JSON string.
    Text(Cow<'static, str>),
    /// A boolean attribute that is present (`disabled`), sent as JSON `true`.
    True,
    /// A structured `style`, sent as a JSON object of CSS properties.
    Style(Style),
}

/// A structured `style` attribute: CSS properties in the order they were set.
///
/// A string such as `"color: red; margin-top: 4px"` given to the `style` attribute is parsed into
/// this form, so the model always carries `style` as an object.
///
/// ```
/// use idom_runtime::html::Style;
/// let s = Style::new().set("color", "red").set("margin-top", "4px");
/// assert_eq!(s, Style::parse("color: red; margin-top: 4px;"));
/// ```
#[derive(Clone, PartialEq, Debug, Default)]
pub struct Style(pub(crate) Vec<(Str, Str)>);

impl Style {
    /// An empty style.
    pub fn new() -> Self {
        Style(Vec::new())
    }

    /// Sets a CSS property (hyphenated name, as in CSS), replacing an earlier value.
    pub fn set(mut self, property: impl Into<Cow<'static, str>>, value: impl Into<Cow<'static, str>>) -> Self {
        let property = property.into();
        let value = value.into();
        match self.0.iter_mut().find(|(p, _)| *p == property) {
            Some(slot) => slot.1 = value,
            None => self.0.push((property, value)),
        }
        self
    }

    /// Parses CSS declarations (`"a: b; c: d"`); declarations without a `:` are skipped.
    pub fn parse(css: &str) -> Self {
        let mut style = Style::new();
        for declaration in css.split(';') {
            if let Some((property, value)) = declaration.split_once(':') {
                let (property, value) = (property.trim(), value.trim());
                if !property.is_empty() {
                    style = style.set(property.to_owned(), value.to_owned());
                }
            }
        }
        style
    }

    /// The properties in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(p, v)| (&**p, &**v))
    }
}

impl From<&str> for Style {
    fn from(css: &str) -> Self {
        Style::parse(css)
    }
}

impl From<String> for Style {
    fn from(css: String) -> Self {
        Style::parse(&css)
    }
}

/// The key of an element or component among its siblings: children with keys are matched by key
/// when a list re-renders, so their state and DOM nodes follow them when the list is reordered.
///
/// Made from strings or integers; it travels as a string in the model and never reaches the DOM.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct Key(pub(crate) KeyRepr);

#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub(crate) enum KeyRepr {
    Int(i128),
    Str(Str),
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            KeyRepr::Int(i) => write!(f, "{i}"),
            KeyRepr::Str(s) => f.write_str(s),
        }
    }
}

impl From<&str> for Key {
    fn from(s: &str) -> Self {
        Key(KeyRepr::Str(Cow::Owned(s.to_owned())))
    }
}

impl From<String> for Key {
    fn from(s: String) -> Self {
        Key(KeyRepr::Str(Cow::Owned(s)))
    }
}

impl From<&String> for Key {
    fn from(s: &String) -> Self {
        Key(KeyRepr::Str(Cow::Owned(s.clone())))
    }
}

macro_rules! key_from_int {
    ($($t:ty),*) => {$(
        impl From<$t> for Key {
            fn from(i: $t) -> Self {
                Key(KeyRepr::Int(i as i128))
            }
        }
        impl From<&$t> for Key {
            fn from(i: &$t) -> Self {
                Key(KeyRepr::Int(*i as i128))
            }
        }
    )*};
}
key_from_int!(i8, i16, i32, i64, isize, u8, u16, u32, u64, usize);

impl Element {
    /// Nothing: renders no node at all. Among children it is a hole that keeps its place, so the
    /// siblings after it keep their state when it later becomes an element (see the module docs).
    pub fn empty() -> Self {
        Element(Node::Empty)
    }

    /// A text node.
    pub fn text(text: impl Into<Cow<'static, str>>) -> Self {
        Element(Node::Text(text.into()))
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

    /// A component, rendered when the element is mounted in a [`Layout`](crate::Layout).
    pub fn component<C: Component>(component: C) -> Self {
        Element(Node::Component(ComponentNode { key: None, props: Arc::new(component), ty: TypeId::of::<C>() }))
    }

    /// Gives this element or component a key among its siblings. Keys on texts, fragments and
    /// empty elements are ignored.
    pub fn with_key(mut self, key: impl Into<Key>) -> Self {
        match &mut self.0 {
            Node::Tag(tag) => tag.key = Some(key.into()),
            Node::Component(c) => c.key = Some(key.into()),
            Node::Empty | Node::Merged | Node::Text(_) | Node::Fragment(_) => {}
        }
        self
    }

    /// The key, if this is a keyed element or component.
    pub fn key(&self) -> Option<&Key> {
        match &self.0 {
            Node::Tag(tag) => tag.key.as_ref(),
            Node::Component(c) => c.key.as_ref(),
            Node::Empty | Node::Merged | Node::Text(_) | Node::Fragment(_) => None,
        }
    }

    /// The tag name, if this is an HTML element.
    pub fn tag_name(&self) -> Option<&str> {
        match &self.0 {
            Node::Tag(tag) => Some(&tag.name),
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

    /// The JSON model of this element as a [`Layout`](crate::Layout) would show it, for elements
    /// that contain no components (components render only inside a layout; here they appear as
    /// `{"tagName": "", "component": "<name>"}`). Handler targets are left out. Useful for testing
    /// pure components.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::{Map, Value};
        fn node(e: &Element, out: &mut Vec<Value>) {
            match &e.0 {
                Node::Empty | Node::Merged => {}
                Node::Text(t) => out.push(Value::String(t.to_string())),
                Node::Fragment(children) => children.iter().for_each(|c| node(c, out)),
                Node::Component(c) => {
                    let mut m = Map::new();
                    m.insert("tagName".into(), "".into());
                    m.insert("component".into(), c.props.name().into());
                    out.push(Value::Object(m));
                }
                Node::Tag(tag) => {
                    let mut m = Map::new();
                    m.insert("tagName".into(), Value::String(tag.name.to_string()));
                    if let Some(k) = &tag.key {
                        m.insert("key".into(), Value::String(k.to_string()));
                    }
                    if !tag.attrs.is_empty() {
                        let attrs = tag.attrs.iter().map(|(n, v)| (n.to_string(), attr_json(v)));
                        m.insert("attributes".into(), Value::Object(attrs.collect()));
                    }
                    let mut children = Vec::new();
                    tag.content.iter().for_each(|c| node(c, &mut children));
                    if !children.is_empty() {
                        m.insert("children".into(), Value::Array(children));
                    }
                    out.push(Value::Object(m));
                }
            }
        }
        let mut out = Vec::new();
        node(self, &mut out);
        if out.len() == 1 { out.pop().unwrap_or_default() } else { Value::Array(out) }
    }
}

/// Writes an attribute value as JSON text.
pub(crate) fn attr_json_into(v: &AttrValue, out: &mut String) {
    use crate::diff::json_str as write_json_str;
    match v {
        AttrValue::Text(t) => write_json_str(out, t),
        AttrValue::True => out.push_str("true"),
        AttrValue::Style(s) => {
            out.push('{');
            for (i, (p, v)) in s.0.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json_str(out, p);
                out.push(':');
                write_json_str(out, v);
            }
            out.push('}');
        }
    }
}

pub(crate) fn attr_json(v: &AttrValue) -> serde_json::Value {
    match v {
        AttrValue::Text(t) => serde_json::Value::String(t.to_string()),
        AttrValue::True => serde_json::Value::Bool(true),
        AttrValue::Style(s) => serde_json::Value::Object(
            s.0.iter().map(|(p, v)| (p.to_string(), serde_json::Value::String(v.to_string()))).collect(),
        ),
    }
}

/// Appends a child to a children list, at a place of its own: holes and groups (fragments) stay
/// as they are, and a text after a text (with only merged places between them) is merged into it,
/// leaving [`Node::Merged`] at its place.
pub(crate) fn push_child(children: &mut Vec<Element>, child: Element) {
    if let Node::Text(text) = child.0 {
        let run = children.iter().rposition(|c| !matches!(c.0, Node::Merged));
        if let Some(Element(Node::Text(last))) = run.map(|i| &mut children[i]) {
            last.to_mut().push_str(&text);
            children.push(Element(Node::Merged));
        } else {
            children.push(Element(Node::Text(text)));
        }
    } else {
        children.push(child);
    }
}

/// Drops the places at the end of a children list that make no node (holes, merged texts, empty
/// groups): no sibling follows them, so they keep nobody's place, and the list is shorter to
/// mount and diff (`"Count: " {n}` is one child, not a text and a merged place).
pub(crate) fn trim_trailing_places(list: &mut Vec<Element>) {
    while let Some(last) = list.last()
        && match &last.0 {
            Node::Empty | Node::Merged => true,
            Node::Fragment(items) => items.is_empty(),
            _ => false,
        }
    {
        list.pop();
    }
}

/// The children a component's output (or a layout's root) stands for: a fragment at the top is
/// its items, nothing is no children, anything else is itself.
pub(crate) fn splice(output: Element) -> Vec<Element> {
    match output.0 {
        Node::Empty | Node::Merged => Vec::new(),
        Node::Fragment(items) => items,
        other => vec![Element(other)],
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
            Node::Tag(tag) => {
                let mut d = f.debug_struct(&tag.name);
                if let Some(k) = &tag.key {
                    d.field("key", k);
                }
                for (n, v) in &tag.attrs {
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

impl From<char> for Element {
    fn from(c: char) -> Self {
        Element::text(c.to_string())
    }
}

/// Appends the decimal digits of an integer (without `core::fmt`, which costs more than the
/// digits for the small numbers a page shows).
pub(crate) fn push_int(out: &mut String, value: i128) {
    if value < 0 {
        out.push('-');
    }
    let n = value.unsigned_abs();
    match u64::try_from(n) {
        // 64-bit division is many times cheaper than 128-bit.
        Ok(n) => push_digits(out, n),
        Err(_) => out.push_str(&n.to_string()),
    }
}

fn push_digits(out: &mut String, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.reserve(digits.len() - at);
    for &digit in &digits[at..] {
        out.push(char::from(digit));
    }
}

/// The decimal text of an integer.
pub(crate) fn int_text(value: i128) -> String {
    let mut text = String::with_capacity(8);
    push_int(&mut text, value);
    text
}

macro_rules! element_from_int {
    ($($t:ty),*) => {$(
        impl From<$t> for Element {
            fn from(v: $t) -> Self {
                Element::text(int_text(v as i128))
            }
        }
        impl From<&$t> for Element {
            fn from(v: &$t) -> Self {
                Element::text(int_text(*v as i128))
            }
        }
    )*};
}
element_from_int!(i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, usize);

macro_rules! element_from_display {
    ($($t:ty),*) => {$(
        impl From<$t> for Element {
            fn from(v: $t) -> Self {
                Element::text(v.to_string())
            }
        }
        impl From<&$t> for Element {
            fn from(v: &$t) -> Self {
                Element::text(v.to_string())
            }
        }
    )*};
}
element_from_display!(u128, f32, f64);

impl<C: Component> From<C> for Element {
    fn from(c: C) -> Self {
        Element::component(c)
    }
}
