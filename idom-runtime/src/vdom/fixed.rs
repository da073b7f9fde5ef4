//! Static subtrees: markup with no dynamic part, built once per place in the code and shared.
//!
//! `html!` knows at compile time which elements have only literal attributes and literal (or
//! static) children, no handlers and no key. Each such subtree becomes a `static`
//! [`StaticElement`]: the first render builds it, the first model that holds it writes its JSON once; every later
//! render hands out a pointer to it. A layout mounts it as one node that holds the pointer, writes
//! the pre-written JSON as it is, and never diffs inside it (two renders of the same place are the
//! same subtree).

use std::fmt;
use std::sync::OnceLock;

use super::{Element, Node};

/// A subtree of `html!` markup with no dynamic part, built on first use and shared after.
///
/// `html!` makes these itself (one `static` per subtree); writing one by hand is possible too:
///
/// ```
/// use idom_runtime::Element;
/// use idom_runtime::html::{footer, p};
/// use idom_runtime::__private::StaticElement;
///
/// static FOOTER: StaticElement = StaticElement::new(|| footer().child(p().child("Made with idom")).into());
/// let a: Element = FOOTER.get();
/// let b: Element = FOOTER.get();
/// assert_eq!(a, b);
/// assert_eq!(a.to_json()["children"][0]["children"][0], "Made with idom");
/// ```
pub struct StaticElement {
    build: fn() -> Element,
    tree: OnceLock<StaticTree>,
}

/// A built static subtree and its model JSON, written the first time a model needs it.
pub(crate) struct StaticTree {
    pub(crate) element: Element,
    pub(crate) json: OnceLock<Box<str>>,
}

impl StaticElement {
    /// A static subtree that `build` makes on first use. `build` must return the same markup
    /// every time (it runs once) and nothing that needs a layout: no components, no handlers.
    pub const fn new(build: fn() -> Element) -> Self {
        StaticElement { build, tree: OnceLock::new() }
    }

    /// The subtree, built the first time: later calls allocate nothing.
    #[inline]
    pub fn get(&'static self) -> Element {
        Element(Node::Static(self.tree.get_or_init(|| StaticTree::new((self.build)()))))
    }
}

impl StaticTree {
    fn new(element: Element) -> Self {
        debug_assert!(is_static(&element), "a static subtree holds a component or a handler");
        StaticTree { element, json: OnceLock::new() }
    }
}

/// Whether an element has nothing a layout would have to run or register.
fn is_static(element: &Element) -> bool {
    match &element.0 {
        Node::Component(_) => false,
        Node::Tag(tag) => tag.handlers.is_empty() && tag.key.is_none() && tag.content.iter().all(is_static),
        Node::Fragment(items) => items.iter().all(is_static),
        Node::Empty | Node::Merged | Node::Text(_) | Node::Static(_) => true,
        Node::Template(..) => false,
    }
}

impl PartialEq for StaticTree {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self, other) || self.element == other.element
    }
}

impl fmt::Debug for StaticElement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StaticElement").field("built", &self.tree.get().is_some()).finish_non_exhaustive()
    }
}
