//! The runtime agrees with the one table of names in idom-names: every element of the table has a
//! builder of its kind that makes its tag, prerendering closes exactly the normal elements, and
//! every event has a constant, a lookup and a builder method that reach the model under the
//! table's wire name.

use idom_names::{ELEMENTS, EVENTS, ElementKind, ElementName};
use idom_runtime::html::{self, HtmlElement, VoidElement, div, events, input};
use idom_runtime::testing::TestLayout;
use idom_runtime::{Component, Element, HookContext, render_to_html};

/// The kind of element a builder makes, read from its type: only a [`VoidElement`] is void.
trait BuilderKind: Into<Element> {
    const KIND: ElementKind;
    fn tag(&self) -> &str;
}
impl BuilderKind for HtmlElement {
    const KIND: ElementKind = ElementKind::Normal;
    fn tag(&self) -> &str {
        self.tag_name()
    }
}
impl BuilderKind for VoidElement {
    const KIND: ElementKind = ElementKind::Void;
    fn tag(&self) -> &str {
        self.tag_name()
    }
}

/// What one builder made: its name, the element it describes, and the element.
struct Built {
    name: ElementName,
    element: Element,
}

fn built<B: BuilderKind>(builder: &'static str, made: B) -> Built {
    let tag = made.tag().to_owned().leak();
    Built { name: ElementName { tag, builder, kind: B::KIND }, element: made.into() }
}

/// Calls every builder of `idom::html`, by the names in the list the table is made from.
macro_rules! every_builder {
    (normal: [$($n:ident $ntag:literal,)*] void: [$($v:ident $vtag:literal,)*]) => {
        vec![$(built(stringify!($n), html::$n()),)* $(built(stringify!($v), html::$v()),)*]
    };
}

fn every_builder() -> Vec<Built> {
    idom_names::for_each_element!(every_builder)
}

#[test]
fn every_element_of_the_table_has_a_builder_of_its_kind() {
    let made: Vec<ElementName> = every_builder().into_iter().map(|b| b.name).collect();
    assert_eq!(made, ELEMENTS);
}

#[test]
fn the_runtimes_element_lists_are_the_table() {
    let pairs = |kind| -> Vec<(&str, &str)> {
        ELEMENTS.iter().filter(|e| e.kind == kind).map(|e| (e.builder, e.tag)).collect()
    };
    assert_eq!(html::ELEMENTS, pairs(ElementKind::Normal));
    assert_eq!(html::VOID_ELEMENTS, pairs(ElementKind::Void));
}

#[test]
fn prerender_closes_exactly_the_normal_elements() {
    for Built { name, element } in every_builder() {
        let expected = match name.kind {
            // Scripts of the model are never prerendered (see prerender.rs).
            _ if name.tag == "script" => String::new(),
            ElementKind::Normal => format!("<{0}></{0}>", name.tag),
            ElementKind::Void => format!("<{}>", name.tag),
        };
        assert_eq!(render_to_html(element), expected, "<{}>", name.tag);
    }
    assert_eq!(render_to_html(html::custom("x-input")), "<x-input></x-input>");
}

#[test]
fn every_event_has_a_constant_and_a_lookup() {
    assert_eq!(events::ALL, EVENTS);
    assert_eq!(events::onclick, EVENTS[0]);
    for &e in EVENTS {
        assert_eq!(events::lookup(e.html), Some(e));
        assert_eq!(events::lookup(e.wire), Some(e));
    }
    assert_eq!(events::lookup("onclik"), None);
}

/// A `div` and an `input` with a handler for every event, attached by the builder methods.
#[derive(PartialEq)]
struct EveryEvent;

macro_rules! every_event_method {
    ($($html:ident $wire:literal,)*) => {
        (div()$(.$html(|_| {}))*, input()$(.$html(|_| {}))*)
    };
}

impl Component for EveryEvent {
    fn render(&self, _: &mut HookContext<'_>) -> Element {
        let (normal, void) = idom_names::for_each_event!(every_event_method);
        div().child(normal).child(void).into()
    }
}

#[tokio::test]
async fn every_event_method_reaches_the_model_under_its_wire_name() {
    let layout = TestLayout::new(EveryEvent).await;
    let inner = &layout.model()["children"][0]["children"];
    for element in [&inner[0], &inner[1]] {
        let handlers = element["eventHandlers"].as_object().expect("handlers");
        let mut wire: Vec<&str> = handlers.keys().map(String::as_str).collect();
        let mut expected: Vec<&str> = EVENTS.iter().map(|e| e.wire).collect();
        wire.sort_unstable();
        expected.sort_unstable();
        assert_eq!(wire, expected, "{}", element["tagName"]);
    }
}
