//! Elements as built: [`Tag`], their attributes ([`AttrValue`], [`Style`]) and handlers.

use std::borrow::Cow;
use std::sync::Arc;

use super::{Element, Key, Node, OneOrMany, Str, Text, trim_trailing_places};
use crate::event::{EventName, HandlerFn, WireOptions};
use crate::ids::IdList;

/// An HTML element: tag name, key, attributes, handlers and children.
///
/// A layout mounts a tag in place: the box moves into the layout's arena, the `content` is mounted
/// as child nodes, and `children` and `len` describe those (in an element being built they are
/// empty and zero). An element whose only child is a text keeps that text in `content` instead
/// (see [`Tag::inline_text`]).
#[derive(Clone)]
pub(crate) struct Tag {
    pub(crate) name: Str,
    pub(crate) key: Option<Key>,
    /// The attributes `html!` wrote as literals, in one `static` list every render of the
    /// element shares (set only when all of its attributes are literals; then `attrs` is empty).
    pub(crate) fixed: &'static [(Str, AttrValue)],
    pub(crate) attrs: OneOrMany<(Str, AttrValue)>,
    pub(crate) handlers: OneOrMany<(EventName, Handler)>,
    /// The children as built; one child is kept inline (a `<td>` holding a text costs no list).
    /// Once mounted it is empty, or the element's only child when that is a text: such a text
    /// stays here as the element's model child 0, with no node of its own in the arena.
    pub(crate) content: OneOrMany<Element>,
    /// Once mounted: the arena ids of the child nodes.
    pub(crate) children: IdList,
    /// Once mounted: the number of model children (the length of `children` in the model).
    pub(crate) len: u32,
    /// The model JSON of the tag name and the attributes (`{"tagName":..,"attributes":{..}`,
    /// without the closing brace), when `html!` could write it at compile time: literal
    /// attributes and no key. Setting a key or an attribute afterwards clears it.
    pub(crate) head: Option<&'static str>,
}

impl PartialEq for Tag {
    /// The same element, whatever form its attributes were given in: a shared literal list or
    /// one by one, with or without a pre-written head (which says nothing the attributes do not).
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
            && self.key == other.key
            && self.attributes().eq(other.attributes())
            && self.handlers == other.handlers
            && self.content == other.content
            && self.children == other.children
            && self.len == other.len
    }
}

impl Tag {
    /// Whether this is the tag `Tag::new("")` makes, which owns no memory.
    pub(crate) fn is_empty(&self) -> bool {
        matches!(self.name, Str::Borrowed(""))
            && self.key.is_none()
            && self.fixed.is_empty()
            && matches!(&self.attrs, OneOrMany::Many(v) if v.capacity() == 0)
            && matches!(&self.handlers, OneOrMany::Many(v) if v.capacity() == 0)
            && matches!(&self.content, OneOrMany::Many(v) if v.capacity() == 0)
            && self.children.is_empty()
    }

    /// The text of a mounted element whose only child is a text, kept in the element (no arena
    /// node, no children ids; `len` is 1).
    #[inline]
    pub(crate) fn inline_text(&self) -> Option<&Text> {
        match &self.content {
            OneOrMany::One(Element(Node::Text(text))) => Some(text),
            _ => None,
        }
    }

    /// All attributes, in order: the literal ones `html!` shares, then the others.
    #[inline]
    pub(crate) fn attributes(&self) -> impl Iterator<Item = &(Str, AttrValue)> + Clone {
        self.fixed.iter().chain(self.attrs.iter())
    }

    pub(crate) fn new(name: Str) -> Self {
        Tag {
            name,
            key: None,
            fixed: &[],
            attrs: OneOrMany::new(),
            handlers: OneOrMany::new(),
            content: OneOrMany::new(),
            children: IdList::new(),
            len: 0,
            head: None,
        }
    }
}

/// Whether a children list is one text and nothing else once its trailing places are trimmed
/// (`"Count: " {n}` is); such a list is then left as `One(text)`, the form a mounted element keeps
/// its only text in. One text in a `td`, an `a` or a `button` is the commonest content there is:
/// kept inline it costs no arena slot, no children ids and no node to diff or write.
#[inline]
pub(crate) fn is_sole_text(content: &mut OneOrMany<Element>) -> bool {
    trim_trailing_places(content);
    match content {
        OneOrMany::One(only) => matches!(only.0, Node::Text(_)),
        OneOrMany::Many(items) if items.len() == 1 && matches!(items[0].0, Node::Text(_)) => {
            let only = items.pop().unwrap_or_default();
            *content = OneOrMany::One(only);
            true
        }
        OneOrMany::Many(_) => false,
    }
}

/// An event handler as stored in an element: the function and its browser-side options.
#[derive(Clone)]
pub(crate) struct Handler {
    pub(crate) func: HandlerFunc,
    /// A fixed target id chosen by the user (see `testing::StaticEventHandler`).
    pub(crate) target: Option<Arc<str>>,
    pub(crate) options: WireOptions,
}

/// Where a handler's function is.
#[derive(Clone)]
pub(crate) enum HandlerFunc {
    /// A function of its own.
    Own(HandlerFn),
    /// Function `n` of the template instance whose hole this is, kept in the instance's own
    /// allocation (see `Template::build_with`). Only a mounted template's hole holds one: turned
    /// into elements, the handler gets a function of its own.
    InTemplate(u32),
}

impl From<HandlerFn> for HandlerFunc {
    fn from(func: HandlerFn) -> Self {
        HandlerFunc::Own(func)
    }
}

impl PartialEq for Handler {
    /// The same function (by address), target and options. A function kept in a template instance
    /// has no address of its own: two of them are never equal (the instances compare by address).
    fn eq(&self, other: &Self) -> bool {
        let same_func = match (&self.func, &other.func) {
            (HandlerFunc::Own(a), HandlerFunc::Own(b)) => Arc::ptr_eq(a, b),
            _ => false,
        };
        same_func && self.target == other.target && self.options == other.options
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
