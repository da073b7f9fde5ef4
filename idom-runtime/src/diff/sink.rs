//! The diff's only link to the outside: a [`PatchSink`] receives every change of the model as one
//! semantic operation, in the order the changes apply.
//!
//! The operations speak of the model, not of JSON: insert, remove and move a child of an element,
//! replace all of its children, set a text, set and remove attributes and handlers. Indices are
//! those of the model at the moment the operation applies. The JSON Patch writer
//! (`protocol::patch`) turns them into RFC 6902 operations; [`Recorder`] keeps them as values,
//! so the diff can be tested without parsing JSON.

use crate::arena::{Arena, TargetId};
use crate::event::EventName;
use crate::ids::NodeId;
use crate::vdom::{AttrValue, Handler, Str};

/// The element whose model `children` an operation changes: its JSON Pointer in the model and how
/// many model children it holds just before the operation.
#[derive(Clone, Copy, Debug)]
pub(crate) struct HostRef<'p> {
    pub(crate) path: &'p str,
    pub(crate) len: u32,
}

/// The element whose attributes or handlers an operation changes: its JSON Pointer, and the
/// arena node and generation its handlers' targets are made of.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ElementRef<'p> {
    pub(crate) path: &'p str,
    pub(crate) node: NodeId,
    pub(crate) generation: u32,
    /// The handler's hole, when the element is inside a template (see `TargetId::hole`).
    pub(crate) hole: Option<u32>,
}

impl ElementRef<'_> {
    /// The target the client sends back for `event` of this element, unless the handler has a
    /// fixed one.
    pub(crate) fn target<'e>(&self, event: &'e str) -> TargetId<'e> {
        TargetId { node: self.node, generation: self.generation, hole: self.hole, event }
    }
}

/// Receives the changes of a diff, one semantic operation at a time.
pub(crate) trait PatchSink {
    /// Inserts `node` (an element or a text mounted in `arena`) as the model child `index`.
    fn insert(&mut self, arena: &Arena, host: HostRef<'_>, index: usize, node: NodeId);
    /// Removes the model child `index`.
    fn remove(&mut self, host: HostRef<'_>, index: usize);
    /// Moves the model child `from` to `to` (`to` counted once it is removed, as RFC 6902 does).
    fn move_child(&mut self, host: HostRef<'_>, from: usize, to: usize);
    /// Replaces every model child of the host with the `len` model nodes of `list` (an element,
    /// component or group mounted in `arena`); `len == 0` removes them all.
    fn replace_children(&mut self, arena: &Arena, host: HostRef<'_>, list: NodeId, len: u32);
    /// Sets the text of the model child `index`, a text node.
    fn set_text(&mut self, host: HostRef<'_>, index: usize, text: &str);
    /// An element without attributes gets these.
    fn set_attributes(&mut self, element: ElementRef<'_>, attributes: &[(Str, AttrValue)]);
    /// An element loses all of its attributes.
    fn remove_attributes(&mut self, element: ElementRef<'_>);
    /// Sets one attribute; `replaces` when the element had it already.
    fn set_attribute(&mut self, element: ElementRef<'_>, name: &str, value: &AttrValue, replaces: bool);
    /// Removes one attribute of an element that keeps others.
    fn remove_attribute(&mut self, element: ElementRef<'_>, name: &str);
    /// An element without handlers gets these.
    fn set_handlers(&mut self, element: ElementRef<'_>, handlers: &[(EventName, Handler)]);
    /// An element loses all of its handlers.
    fn remove_handlers(&mut self, element: ElementRef<'_>);
    /// Sets the handler of one event; `replaces` when the element had one.
    fn set_handler(&mut self, element: ElementRef<'_>, event: EventName, handler: &Handler, replaces: bool);
    /// Removes the handler of one event of an element that keeps others.
    fn remove_handler(&mut self, element: ElementRef<'_>, event: EventName);
}

/// One recorded operation (see [`Recorder`]): paths as JSON Pointers, inserted nodes by the text
/// or tag name they had.
#[cfg(test)]
#[derive(Clone, PartialEq, Debug)]
pub(crate) enum Edit {
    Insert { host: String, index: usize, node: String },
    Remove { host: String, index: usize },
    Move { host: String, from: usize, to: usize },
    ReplaceChildren { host: String, len: u32 },
    SetText { host: String, index: usize, text: String },
    SetAttributes { element: String, names: Vec<String> },
    RemoveAttributes { element: String },
    SetAttribute { element: String, name: String, replaces: bool },
    RemoveAttribute { element: String, name: String },
    SetHandlers { element: String, events: Vec<&'static str> },
    RemoveHandlers { element: String },
    SetHandler { element: String, event: &'static str, replaces: bool },
    RemoveHandler { element: String, event: &'static str },
}

/// A sink that records what the diff did, for tests of the diff alone.
#[cfg(test)]
#[derive(Default, Debug)]
pub(crate) struct Recorder(pub(crate) Vec<Edit>);

#[cfg(test)]
impl PatchSink for Recorder {
    fn insert(&mut self, arena: &Arena, host: HostRef<'_>, index: usize, node: NodeId) {
        let node = match &arena.n(node).kind {
            crate::arena::Kind::Element(el) => format!("<{}>", el.name),
            crate::arena::Kind::Text(t) => t.to_string(),
            _ => unreachable!("model nodes are elements and texts"),
        };
        self.0.push(Edit::Insert { host: host.path.to_owned(), index, node });
    }
    fn remove(&mut self, host: HostRef<'_>, index: usize) {
        self.0.push(Edit::Remove { host: host.path.to_owned(), index });
    }
    fn move_child(&mut self, host: HostRef<'_>, from: usize, to: usize) {
        self.0.push(Edit::Move { host: host.path.to_owned(), from, to });
    }
    fn replace_children(&mut self, _: &Arena, host: HostRef<'_>, _: NodeId, len: u32) {
        self.0.push(Edit::ReplaceChildren { host: host.path.to_owned(), len });
    }
    fn set_text(&mut self, host: HostRef<'_>, index: usize, text: &str) {
        self.0.push(Edit::SetText { host: host.path.to_owned(), index, text: text.to_owned() });
    }
    fn set_attributes(&mut self, element: ElementRef<'_>, attributes: &[(Str, AttrValue)]) {
        let names = attributes.iter().map(|(n, _)| n.to_string()).collect();
        self.0.push(Edit::SetAttributes { element: element.path.to_owned(), names });
    }
    fn remove_attributes(&mut self, element: ElementRef<'_>) {
        self.0.push(Edit::RemoveAttributes { element: element.path.to_owned() });
    }
    fn set_attribute(&mut self, element: ElementRef<'_>, name: &str, _: &AttrValue, replaces: bool) {
        self.0.push(Edit::SetAttribute { element: element.path.to_owned(), name: name.to_owned(), replaces });
    }
    fn remove_attribute(&mut self, element: ElementRef<'_>, name: &str) {
        self.0.push(Edit::RemoveAttribute { element: element.path.to_owned(), name: name.to_owned() });
    }
    fn set_handlers(&mut self, element: ElementRef<'_>, handlers: &[(EventName, Handler)]) {
        let events = handlers.iter().map(|(e, _)| e.wire).collect();
        self.0.push(Edit::SetHandlers { element: element.path.to_owned(), events });
    }
    fn remove_handlers(&mut self, element: ElementRef<'_>) {
        self.0.push(Edit::RemoveHandlers { element: element.path.to_owned() });
    }
    fn set_handler(&mut self, element: ElementRef<'_>, event: EventName, _: &Handler, replaces: bool) {
        self.0.push(Edit::SetHandler { element: element.path.to_owned(), event: event.wire, replaces });
    }
    fn remove_handler(&mut self, element: ElementRef<'_>, event: EventName) {
        self.0.push(Edit::RemoveHandler { element: element.path.to_owned(), event: event.wire });
    }
}
