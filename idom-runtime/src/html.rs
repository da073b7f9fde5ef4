//! Builders for HTML elements: one function per standard element, plus [`custom`] elements and
//! [`fragment`]s. The `html!` macro expands to these; they are also pleasant to use directly:
//!
//! ```
//! use idom_runtime::html::{button, div, input, p};
//! use idom_runtime::Element;
//!
//! let page: Element = div()
//!     .attr("class", "card")
//!     .child(p().child("Hello"))
//!     .child(input().attr("type", "text").attr("disabled", true))
//!     .child(button().onclick(|_| {}).child("OK"))
//!     .into();
//! assert_eq!(page.to_json()["children"][1]["attributes"]["disabled"], true);
//! ```
//!
//! Void elements (`input`, `br`, `img`, ...) return a [`VoidElement`], which has no child methods,
//! so "children on a void element" is a compile error here as it is in `html!`.

use std::borrow::Cow;
use std::fmt;
use std::future::Future;
use std::sync::Arc;

use crate::event::{BoxFuture, Event, HandlerFn};
pub use crate::event::{EventName, EventOptions, Rate};
pub use crate::vdom::{AttrValue, Style};
use crate::vdom::{ChildList, Handler, Node, OneOrMany, Tag, pool, push_child};
use crate::{Element, Key};

/// Marker for handlers that return `()`.
#[doc(hidden)]
#[derive(Debug)]
pub struct SyncHandler;
/// Marker for handlers that return a future.
#[doc(hidden)]
#[derive(Debug)]
pub struct AsyncHandler;

/// What an event handler may return: `()`, or a future (`async move { ... }`) that the layout runs
/// to completion (and cancels if the component unmounts).
#[diagnostic::on_unimplemented(
    message = "an event handler must return `()` or a `Future<Output = ()> + Send + 'static`, not `{Self}`",
    label = "this handler returns `{Self}`",
    note = "write `move |e: Event| {{ ... }}` or `move |e: Event| async move {{ ... }}`"
)]
pub trait HandlerOutput<M> {
    #[doc(hidden)]
    fn into_future(self) -> Option<BoxFuture>;
}

impl HandlerOutput<SyncHandler> for () {
    fn into_future(self) -> Option<BoxFuture> {
        None
    }
}

impl<F: Future<Output = ()> + Send + 'static> HandlerOutput<AsyncHandler> for F {
    fn into_future(self) -> Option<BoxFuture> {
        Some(Box::pin(self))
    }
}

pub(crate) fn handler<M, R, F>(f: F) -> HandlerFn
where
    F: Fn(Event) -> R + Send + Sync + 'static,
    R: HandlerOutput<M>,
{
    Arc::new(move |e| f(e).into_future())
}

/// A handler given as a value, as `html!` passes `onclick={handler}` when `handler` is not a
/// closure written in place: a closure or function taking an [`Event`], or a
/// [`StaticHandler`](crate::testing::StaticHandler), which also fixes the handler's target.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an event handler",
    label = "expected a closure or function taking an `Event`, or a `StaticHandler`",
    note = "write `move |e: Event| {{ ... }}`, or make a `StaticHandler` with `StaticEventHandler::use_handler`"
)]
pub trait IntoHandler<M> {
    /// The type-erased handler and its fixed target, if it has one.
    #[doc(hidden)]
    fn into_handler(self) -> (HandlerFn, Option<Arc<str>>);
}

impl<M, R, F> IntoHandler<M> for F
where
    F: Fn(Event) -> R + Send + Sync + 'static,
    R: HandlerOutput<M>,
{
    fn into_handler(self) -> (HandlerFn, Option<Arc<str>>) {
        (handler(self), None)
    }
}

/// Something that can stand as an attribute value. `None` and `false` leave the attribute out.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be used as an attribute value",
    label = "expected text, a number, a bool, an `Option` of those, or a `Style`",
    note = "convert it with `.to_string()` or `format!(..)`"
)]
pub trait IntoAttrValue {
    /// The value, or `None` when the attribute should be absent.
    fn into_attr_value(self) -> Option<AttrValue>;
}

impl IntoAttrValue for AttrValue {
    fn into_attr_value(self) -> Option<AttrValue> {
        Some(self)
    }
}
impl IntoAttrValue for &str {
    fn into_attr_value(self) -> Option<AttrValue> {
        Some(AttrValue::Text(Cow::Owned(self.to_owned())))
    }
}
impl IntoAttrValue for String {
    fn into_attr_value(self) -> Option<AttrValue> {
        Some(AttrValue::Text(Cow::Owned(self)))
    }
}
impl IntoAttrValue for &String {
    fn into_attr_value(self) -> Option<AttrValue> {
        Some(AttrValue::Text(Cow::Owned(self.clone())))
    }
}
impl IntoAttrValue for Cow<'static, str> {
    fn into_attr_value(self) -> Option<AttrValue> {
        Some(AttrValue::Text(self))
    }
}
impl IntoAttrValue for bool {
    fn into_attr_value(self) -> Option<AttrValue> {
        self.then_some(AttrValue::True)
    }
}
impl IntoAttrValue for Style {
    fn into_attr_value(self) -> Option<AttrValue> {
        Some(AttrValue::Style(self))
    }
}
impl<T: IntoAttrValue> IntoAttrValue for Option<T> {
    fn into_attr_value(self) -> Option<AttrValue> {
        self.and_then(IntoAttrValue::into_attr_value)
    }
}
macro_rules! attr_from_display {
    ($($t:ty),*) => {$(
        impl IntoAttrValue for $t {
            fn into_attr_value(self) -> Option<AttrValue> {
                Some(AttrValue::Text(Cow::Owned(self.to_string())))
            }
        }
    )*};
}
attr_from_display!(u128, f32, f64, char);

macro_rules! attr_from_int {
    ($($t:ty),*) => {$(
        impl IntoAttrValue for $t {
            fn into_attr_value(self) -> Option<AttrValue> {
                Some(AttrValue::Text(Cow::Owned(crate::vdom::int_text(self as i128))))
            }
        }
    )*};
}
attr_from_int!(i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, usize);

/// Marker: a single node.
#[doc(hidden)]
#[derive(Debug)]
pub struct OneNode;
/// Marker: an iterator of nodes.
#[doc(hidden)]
#[derive(Debug)]
pub struct ManyNodes;

/// Something that can stand as children: text, numbers, elements, and `Option`s, `Vec`s or
/// iterators of those.
///
/// Each `.child(..)` adds one place among the siblings: a single node, or, for an `Option`, a
/// `Vec` or an iterator, one group whose items are matched among themselves when the list
/// re-renders (see [`Element`] on how children keep their place).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be rendered as a child node",
    label = "expected text, a number, an `Element`, or an `Option`/iterator of those",
    note = "convert it with `.to_string()` or `format!(..)`, or build an `Element`"
)]
pub trait IntoNodes<M> {
    /// Appends the nodes to a children list.
    #[doc(hidden)]
    fn push_into(self, children: &mut impl ChildList);
}

impl<T: Into<Element>> IntoNodes<OneNode> for T {
    fn push_into(self, children: &mut impl ChildList) {
        push_child(children, self.into());
    }
}

impl<I> IntoNodes<ManyNodes> for I
where
    I: IntoIterator,
    I::Item: Into<Element>,
{
    /// The items become one group at one place (see [`Element::fragment`]).
    fn push_into(self, children: &mut impl ChildList) {
        let nodes = self.into_iter();
        let mut group = Vec::with_capacity(nodes.size_hint().0);
        for child in nodes {
            push_child(&mut group, child.into());
        }
        children.push_raw(Element(Node::Fragment(group)));
    }
}

/// Builder of an HTML element that may have children. Turn it into an [`Element`] with `.into()`.
#[derive(Clone)]
#[must_use = "an element builder does nothing until it is used as an Element"]
pub struct HtmlElement(Box<Tag>);

/// Builder of a void HTML element (`input`, `br`, `img`, ...): like [`HtmlElement`] without
/// children.
#[derive(Clone)]
#[must_use = "an element builder does nothing until it is used as an Element"]
pub struct VoidElement(Box<Tag>);

/// Builder of a fragment: several nodes spliced into the parent.
#[derive(Clone, Default)]
#[must_use = "a fragment builder does nothing until it is used as an Element"]
pub struct Fragment(Vec<Element>);

/// Starts a fragment.
pub fn fragment() -> Fragment {
    Fragment(Vec::new())
}

impl Fragment {
    /// Adds children (see [`IntoNodes`]).
    pub fn child<M>(mut self, child: impl IntoNodes<M>) -> Self {
        child.push_into(&mut self.0);
        self
    }
}

impl fmt::Debug for HtmlElement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HtmlElement").field("tag", &self.0.name).finish_non_exhaustive()
    }
}

impl fmt::Debug for VoidElement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VoidElement").field("tag", &self.0.name).finish_non_exhaustive()
    }
}

impl fmt::Debug for Fragment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(&self.0).finish()
    }
}

impl From<Fragment> for Element {
    fn from(f: Fragment) -> Self {
        Element(Node::Fragment(f.0))
    }
}

/// A custom element (a tag name containing `-`, such as `my-widget`); it may have children.
pub fn custom(name: impl Into<Cow<'static, str>>) -> HtmlElement {
    HtmlElement(pool::new_tag(name.into()))
}

macro_rules! common_methods {
    ($builder:ident) => {
        impl $builder {
            /// The tag name.
            pub fn tag_name(&self) -> &str {
                &self.0.name
            }

            /// Sets the key among siblings (see [`Key`]).
            pub fn key(mut self, key: impl Into<Key>) -> Self {
                self.0.key = Some(key.into());
                self.0.head = None;
                self
            }

            /// Sets an attribute by its HTML name (`class`, `for`, `data-id`). A `style` string is
            /// parsed into properties; `None` or `false` removes the attribute. Names starting with
            /// `on` are refused (use [`on`](Self::on)): an attribute can never carry a script.
            #[inline]
            pub fn attr(mut self, name: impl Into<Cow<'static, str>>, value: impl IntoAttrValue) -> Self {
                let name = name.into();
                if name.len() > 2 && name.get(..2).is_some_and(|p| p.eq_ignore_ascii_case("on")) {
                    tracing::warn!(attribute = %name, "event attributes must be set with `on`, not as text; ignored");
                    return self;
                }
                let value = match value.into_attr_value() {
                    Some(AttrValue::Text(css)) if name == "style" => Some(AttrValue::Style(Style::parse(&css))),
                    other => other,
                };
                if !self.0.fixed.is_empty() {
                    // Set by hand over `html!`'s literal list: the list becomes ordinary attributes.
                    let fixed = std::mem::take(&mut self.0.fixed);
                    self.0.attrs = fixed.iter().cloned().collect();
                }
                if !self.0.attrs.is_empty() {
                    self.0.attrs.retain(|(n, _)| *n != name);
                }
                if let Some(value) = value {
                    self.0.attrs.push((name, value));
                }
                self.0.head = None;
                self
            }

            /// The model JSON of the tag name and the attributes set so far, written by `html!`
            /// at compile time for literal attributes; the writer copies it instead of writing
            /// them. Not for hand use: it must match the attributes exactly.
            #[doc(hidden)]
            pub fn __head(mut self, head: &'static str) -> Self {
                self.0.head = Some(head);
                self
            }

            /// The attributes `html!` wrote as literals (all of the element's), as the `static`
            /// list it made of them: every render shares it. Not for hand use: it replaces the
            /// attributes set so far, and the names are not checked.
            #[doc(hidden)]
            pub fn __fixed(mut self, attrs: &'static [(Cow<'static, str>, AttrValue)]) -> Self {
                if !self.0.attrs.is_empty() {
                    // (A fresh builder has none: writing the empty list over itself would be a
                    // drop of it on every literal element.)
                    self.0.attrs = OneOrMany::new();
                }
                self.0.fixed = attrs;
                self
            }

            /// Sets the `class` attribute.
            pub fn class(self, class: impl IntoAttrValue) -> Self {
                self.attr("class", class)
            }

            /// Sets the `style` attribute from a [`Style`] or a CSS string.
            pub fn style(self, style: impl Into<Style>) -> Self {
                self.attr("style", style.into())
            }

            /// Sets the `id` attribute.
            pub fn id(self, id: impl IntoAttrValue) -> Self {
                self.attr("id", id)
            }

            /// Attaches an event handler. The handler receives the [`Event`] the browser sent and
            /// returns `()` or a future (`async move { ... }`).
            pub fn on<M, R, F>(self, event: EventName, handler: F) -> Self
            where
                F: Fn(Event) -> R + Send + Sync + 'static,
                R: HandlerOutput<M>,
            {
                self.on_with(event, EventOptions::default(), handler)
            }

            /// Attaches an event handler with browser-side [`EventOptions`]: `preventDefault`,
            /// `stopPropagation`, and a [`Rate`] limit (what `html!` writes as
            /// `oninput|debounce(300)`).
            ///
            /// ```
            /// use std::time::Duration;
            /// use idom_runtime::html::{EventOptions, events, input};
            ///
            /// let debounced = EventOptions::new().debounce(Duration::from_millis(300));
            /// let search = input().on_with(events::oninput, debounced, |e| println!("{:?}", e.value()));
            /// let mut layout = idom_runtime::Layout::from_element(search);
            /// layout.try_render();
            /// assert_eq!(layout.model()["children"][0]["eventHandlers"]["onInput"]["debounce"], 300);
            /// ```
            pub fn on_with<M, R, F>(self, event: EventName, options: EventOptions, handler: F) -> Self
            where
                F: Fn(Event) -> R + Send + Sync + 'static,
                R: HandlerOutput<M>,
            {
                self.on_handler(event, Handler {
                    func: self::handler(handler).into(),
                    target: None,
                    options: options.into(),
                })
            }

            /// Attaches an event handler under a fixed target id instead of the one the layout
            /// assigns. Meant for tests (see `testing::StaticEventHandler`); ids must be unique
            /// within a layout.
            pub fn on_target<M, R, F>(self, event: EventName, target: impl Into<Arc<str>>, handler: F) -> Self
            where
                F: Fn(Event) -> R + Send + Sync + 'static,
                R: HandlerOutput<M>,
            {
                self.on_handler(event, Handler {
                    func: self::handler(handler).into(),
                    target: Some(target.into()),
                    options: EventOptions::new().into(),
                })
            }

            /// Attaches a handler given as a value (see [`IntoHandler`]): what `html!` expands
            /// `onclick={handler}` (and `onclick|prevent_default={handler}`) to when `handler` is
            /// not a closure written in place. A
            /// [`StaticHandler`](crate::testing::StaticHandler) keeps its fixed target.
            pub fn on_value<M>(self, event: EventName, options: EventOptions, handler: impl IntoHandler<M>) -> Self {
                let (func, target) = handler.into_handler();
                self.on_handler(event, Handler {
                    func: func.into(),
                    target,
                    options: options.into(),
                })
            }

            fn on_handler(mut self, event: EventName, h: Handler) -> Self {
                match self.0.handlers.iter_mut().find(|(e, _)| *e == event) {
                    Some(slot) => slot.1 = h,
                    None => self.0.handlers.push((event, h)),
                }
                self
            }
        }

        impl From<$builder> for Element {
            fn from(b: $builder) -> Self {
                Element(Node::Tag(b.0))
            }
        }
    };
}
common_methods!(HtmlElement);
common_methods!(VoidElement);

/// The text of an element of an `html!` template as a render builds it: its literals and values
/// pushed as `HtmlElement::child` pushes them (adjacent texts merged), then made its hole.
#[doc(hidden)]
#[derive(Default)]
pub struct TextRun(OneOrMany<Element>);

impl TextRun {
    /// An empty run.
    #[inline]
    pub fn new() -> Self {
        TextRun(OneOrMany::new())
    }

    /// Adds a literal or a value.
    #[inline]
    pub fn child<M>(mut self, child: impl IntoNodes<M>) -> Self {
        child.push_into(&mut self.0);
        self
    }

    /// The run as the template's hole.
    #[inline]
    pub fn hole(self) -> crate::vdom::Hole {
        crate::vdom::Hole::text_run(self.0)
    }
}

impl fmt::Debug for TextRun {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("TextRun").field(&&self.0[..]).finish()
    }
}

impl HtmlElement {
    /// Adds children (see [`IntoNodes`]): text, numbers, elements, options and iterators of them.
    pub fn child<M>(mut self, child: impl IntoNodes<M>) -> Self {
        child.push_into(&mut self.0.content);
        self
    }
}

// The events and the elements are listed once, in idom-names; each `for_each_*!` below feeds
// that list to the macro named, which turns it into items here.

macro_rules! events {
    ($($html:ident $wire:literal,)*) => {
        /// Event names, one constant per DOM event, named as the HTML attribute (`onclick`).
        #[allow(non_upper_case_globals)]
        pub mod events {
            use super::EventName;
            $(
                #[doc = concat!("The `", stringify!($html), "` event (`", $wire, "` in the model).")]
                pub const $html: EventName = EventName { html: stringify!($html), wire: $wire };
            )*
            /// Every known event, in this order.
            pub const ALL: &[EventName] = idom_names::EVENTS;

            /// Looks an event up by its HTML name (`onclick`) or its wire name (`onClick`).
            pub fn lookup(name: &str) -> Option<EventName> {
                idom_names::event(name)
            }
        }

        macro_rules! event_methods {
            ($builder:ident) => {
                impl $builder {
                    $(
                        #[doc = concat!("Attaches a handler for `", stringify!($html), "`.")]
                        pub fn $html<M, R, F>(self, handler: F) -> Self
                        where
                            F: Fn(Event) -> R + Send + Sync + 'static,
                            R: HandlerOutput<M>,
                        {
                            self.on(events::$html, handler)
                        }
                    )*
                }
            };
        }
        event_methods!(HtmlElement);
        event_methods!(VoidElement);
    };
}
idom_names::for_each_event!(events);

macro_rules! tags {
    (normal: [$($t:ident $name:literal,)*] void: [$($v:ident $vname:literal,)*]) => {
        $(
            #[doc = concat!("The `<", $name, ">` element.")]
            pub fn $t() -> HtmlElement {
                HtmlElement(pool::new_tag(Cow::Borrowed($name)))
            }
        )*
        $(
            #[doc = concat!("The void `<", $vname, ">` element (no children).")]
            pub fn $v() -> VoidElement {
                VoidElement(pool::new_tag(Cow::Borrowed($vname)))
            }
        )*
        /// Every element with children known to the builders: `(function name, tag name)`.
        pub const ELEMENTS: &[(&str, &str)] = &[$((stringify!($t), $name)),*];
        /// Every void element: `(function name, tag name)`.
        pub const VOID_ELEMENTS: &[(&str, &str)] = &[$((stringify!($v), $vname)),*];
    };
}
idom_names::for_each_element!(tags);
