//! Unkeyed children, matched by position and type: appends, truncations, tag changes, text edits
//! and merges, components contributing zero or several nodes next to siblings, and attributes.

mod common;

use common::{Harness, Registry, assert_update};
use idom_runtime::hooks::use_state;
use idom_runtime::html::{Style, b, custom, div, input, li, p, span, ul};
use idom_runtime::{Component, Element, HookContext, UseStateSetter};
use serde_json::{Value, json};

fn texts(items: &[&'static str]) -> Element {
    ul().child(items.iter().map(|t| li().child(*t))).into()
}

fn item(t: &str) -> Value {
    json!({"tagName": "li", "children": [t]})
}

#[test]
fn append_by_position() {
    let mut h = Harness::new(vec!["a", "b"], |v: &Vec<_>| texts(v));
    let u = h.set(vec!["a", "b", "c"]);
    assert_update(&u, "/children/0", json!([{"op": "add", "path": "/children/2", "value": item("c")}]));
}

#[test]
fn truncate_removes_from_the_end() {
    let mut h = Harness::new(vec!["a", "b", "c"], |v: &Vec<_>| texts(v));
    let u = h.set(vec!["a"]);
    assert_update(
        &u,
        "/children/0",
        json!([{"op": "remove", "path": "/children/2"}, {"op": "remove", "path": "/children/1"}]),
    );
}

#[test]
fn removing_the_first_shifts_contents_by_position() {
    let mut h = Harness::new(vec!["a", "b", "c"], |v: &Vec<_>| texts(v));
    let u = h.set(vec!["b", "c"]);
    assert_update(
        &u,
        "/children/0",
        json!([
            {"op": "remove", "path": "/children/2"},
            {"op": "replace", "path": "/children/0/children/0", "value": "b"},
            {"op": "replace", "path": "/children/1/children/0", "value": "c"},
        ]),
    );
}

#[test]
fn text_edit_at_a_position_is_one_replace() {
    let mut h = Harness::new(vec!["a", "b", "c"], |v: &Vec<_>| texts(v));
    let u = h.set(vec!["a", "x", "c"]);
    assert_update(&u, "/children/0/children/1", json!([{"op": "replace", "path": "/children/0", "value": "x"}]));
}

fn tags(names: &[&'static str]) -> Element {
    div().child(names.iter().map(|t| custom(*t).child("x"))).into()
}

#[test]
fn change_of_tag_at_a_position_is_remove_then_add() {
    let mut h = Harness::new(vec!["p", "span", "p"], |v: &Vec<_>| tags(v));
    let u = h.set(vec!["p", "div", "p"]);
    assert_update(
        &u,
        "/children/0",
        json!([
            {"op": "remove", "path": "/children/1"},
            {"op": "add", "path": "/children/1", "value": {"tagName": "div", "children": ["x"]}},
        ]),
    );
}

#[test]
fn change_of_every_tag_replaces_the_children_array() {
    let mut h = Harness::new(vec!["p", "p"], |v: &Vec<_>| tags(v));
    let u = h.set(vec!["span", "span"]);
    let span_x = json!({"tagName": "span", "children": ["x"]});
    assert_update(&u, "/children/0", json!([{"op": "replace", "path": "/children", "value": [span_x, span_x]}]));
}

#[test]
fn text_becoming_an_element_replaces_the_children_array() {
    let mut h = Harness::new(
        false,
        |bold: &bool| {
            if *bold { p().child(b().child("hi")).into() } else { p().child("hi").into() }
        },
    );
    assert_eq!(h.model["children"][0], json!({"tagName": "p", "children": ["hi"]}));
    let u = h.set(true);
    assert_update(
        &u,
        "/children/0",
        json!([{"op": "replace", "path": "/children", "value": [{"tagName": "b", "children": ["hi"]}]}]),
    );
}

#[test]
fn adjacent_texts_merge_into_one_node() {
    let mut h = Harness::new(1, |n: &i32| p().child("a").child(*n).into());
    assert_eq!(h.model["children"][0], json!({"tagName": "p", "children": ["a1"]}));
    let u = h.set(2);
    assert_update(&u, "/children/0", json!([{"op": "replace", "path": "/children/0", "value": "a2"}]));
}

#[test]
fn texts_merge_within_a_group_but_not_across_holes_or_groups() {
    let h = Harness::new((), |_: &()| {
        p().child("x")
            .child("w")
            .child(Element::empty())
            .child(Element::fragment(["y".into(), "y".into(), Element::empty(), "z".into()]))
            .child(None::<Element>)
            .child(1.5)
            .into()
    });
    assert_eq!(h.model["children"][0], json!({"tagName": "p", "children": ["xw", "yy", "z", "1.5"]}));
}

/// Renders a text: a component's nodes are not merged with the parent's texts.
#[derive(PartialEq)]
struct Word(&'static str);

impl Component for Word {
    fn render(&self, _cx: &mut HookContext<'_>) -> Element {
        Element::text(self.0)
    }
}

#[test]
fn a_components_text_stays_a_node_of_its_own() {
    let h = Harness::new((), |_: &()| p().child("a").child(Element::component(Word("b"))).child("c").into());
    assert_eq!(h.model["children"][0], json!({"tagName": "p", "children": ["a", "b", "c"]}));
}

// ---------------------------------------------------------------------------------------------
// Components contributing zero or several nodes

/// A fragment of `n` spans, `n` in its own state.
struct Multi {
    name: &'static str,
    init: usize,
    setters: Registry<&'static str, UseStateSetter<usize>>,
}

impl PartialEq for Multi {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name && self.init == other.init && self.setters == other.setters
    }
}

impl Component for Multi {
    fn render(&self, cx: &mut HookContext<'_>) -> Element {
        let init = self.init;
        let (n, set) = use_state::__call(cx, move || init);
        self.setters.put(self.name, set);
        Element::fragment((0..n).map(|i| span().child(format!("{}{i}", self.name)).into()))
    }
}

/// `Multi` followed by a `span` "tail", all spliced into the parent.
#[derive(PartialEq)]
struct Outer(Multi);

impl Component for Outer {
    fn render(&self, _cx: &mut HookContext<'_>) -> Element {
        let inner = Multi { name: self.0.name, init: self.0.init, setters: self.0.setters.clone() };
        Element::fragment([Element::component(inner), span().child("tail").into()])
    }
}

fn spn(t: &str) -> Value {
    json!({"tagName": "span", "children": [t]})
}

fn ptext(t: &str) -> Value {
    json!({"tagName": "p", "children": [t]})
}

#[test]
fn fragment_component_grows_and_shrinks_between_siblings() {
    let setters = Registry::default();
    let s = setters.clone();
    let mut h = Harness::new("after", move |after: &&'static str| {
        let multi = Multi { name: "m", init: 0, setters: s.clone() };
        div().child(p().child("before")).child(Element::component(multi)).child(p().child(*after)).into()
    });
    assert_eq!(h.model["children"][0]["children"], json!([ptext("before"), ptext("after")]));

    setters.at(&"m").set(2);
    let u = h.step().unwrap();
    assert_update(
        &u,
        "/children/0",
        json!([
            {"op": "add", "path": "/children/1", "value": spn("m1")},
            {"op": "add", "path": "/children/1", "value": spn("m0")},
        ]),
    );
    assert_eq!(h.model["children"][0]["children"], json!([ptext("before"), spn("m0"), spn("m1"), ptext("after")]));

    // The parent's sibling after the fragment is found past its two nodes.
    let u = h.set("after!");
    assert_update(&u, "/children/0/children/3", json!([{"op": "replace", "path": "/children/0", "value": "after!"}]));

    setters.at(&"m").set(3);
    let u = h.step().unwrap();
    assert_update(&u, "/children/0", json!([{"op": "add", "path": "/children/3", "value": spn("m2")}]));

    setters.at(&"m").set(0);
    let u = h.step().unwrap();
    assert_update(
        &u,
        "/children/0",
        json!([
            {"op": "remove", "path": "/children/3"},
            {"op": "remove", "path": "/children/2"},
            {"op": "remove", "path": "/children/1"},
        ]),
    );
    let u = h.set("end");
    assert_update(&u, "/children/0/children/1", json!([{"op": "replace", "path": "/children/0", "value": "end"}]));
}

#[test]
fn nested_fragment_components_count_their_nodes() {
    let setters = Registry::default();
    let s = setters.clone();
    let mut h = Harness::new("after", move |after: &&'static str| {
        let outer = Outer(Multi { name: "m", init: 1, setters: s.clone() });
        div().child(p().child("before")).child(Element::component(outer)).child(p().child(*after)).into()
    });
    assert_eq!(h.model["children"][0]["children"], json!([ptext("before"), spn("m0"), spn("tail"), ptext("after")]));
    setters.at(&"m").set(3);
    let u = h.step().unwrap();
    assert_update(
        &u,
        "/children/0",
        json!([
            {"op": "add", "path": "/children/2", "value": spn("m2")},
            {"op": "add", "path": "/children/2", "value": spn("m1")},
        ]),
    );
    let u = h.set("x");
    assert_update(&u, "/children/0/children/5", json!([{"op": "replace", "path": "/children/0", "value": "x"}]));
    setters.at(&"m").set(0);
    let u = h.step().unwrap();
    assert_update(
        &u,
        "/children/0",
        json!([
            {"op": "remove", "path": "/children/3"},
            {"op": "remove", "path": "/children/2"},
            {"op": "remove", "path": "/children/1"},
        ]),
    );
    assert_eq!(h.model["children"][0]["children"], json!([ptext("before"), spn("tail"), ptext("x")]));
    let u = h.set("y");
    assert_update(&u, "/children/0/children/2", json!([{"op": "replace", "path": "/children/0", "value": "y"}]));
}

#[test]
fn a_fragment_component_as_the_only_child_empties_and_fills_the_children_array() {
    let setters = Registry::default();
    let s = setters.clone();
    let mut h = Harness::new((), move |_: &()| {
        div().child(Element::component(Multi { name: "m", init: 1, setters: s.clone() })).into()
    });
    setters.at(&"m").set(0);
    let u = h.step().unwrap();
    assert_update(&u, "/children/0", json!([{"op": "remove", "path": "/children"}]));
    assert_eq!(h.model["children"][0], json!({"tagName": "div"}));
    setters.at(&"m").set(1);
    let u = h.step().unwrap();
    assert_update(&u, "/children/0", json!([{"op": "add", "path": "/children", "value": [spn("m0")]}]));
}

#[test]
fn parent_appends_after_a_fragment_component() {
    let setters = Registry::default();
    let s = setters.clone();
    let mut h = Harness::new(false, move |more: &bool| {
        let multi = Multi { name: "m", init: 2, setters: s.clone() };
        let mut d = div().child(Element::component(multi));
        if *more {
            d = d.child(p().child("more"));
        }
        d.into()
    });
    let u = h.set(true);
    assert_update(&u, "/children/0", json!([{"op": "add", "path": "/children/2", "value": ptext("more")}]));
    let u = h.set(false);
    assert_update(&u, "/children/0", json!([{"op": "remove", "path": "/children/2"}]));
}

// ---------------------------------------------------------------------------------------------
// Attributes

type Attrs = Vec<(&'static str, &'static str)>;

fn with_attrs(attrs: &[(&'static str, &'static str)]) -> Element {
    attrs.iter().fold(p(), |e, (n, v)| e.attr(*n, *v)).child("x").into()
}

#[test]
fn attributes_object_appears_and_disappears() {
    let mut h = Harness::new(Attrs::new(), |v: &Vec<_>| with_attrs(v));
    assert_eq!(h.model["children"][0], json!({"tagName": "p", "children": ["x"]}));
    let u = h.set(vec![("class", "a")]);
    assert_update(&u, "/children/0", json!([{"op": "add", "path": "/attributes", "value": {"class": "a"}}]));
    let u = h.set(vec![]);
    assert_update(&u, "/children/0", json!([{"op": "remove", "path": "/attributes"}]));
    assert_eq!(h.model["children"][0], json!({"tagName": "p", "children": ["x"]}));
}

#[test]
fn attribute_add_change_remove() {
    let mut h = Harness::new(vec![("class", "a")], |v: &Vec<_>| with_attrs(v));
    let u = h.set(vec![("class", "a"), ("title", "t")]);
    assert_update(&u, "/children/0", json!([{"op": "add", "path": "/attributes/title", "value": "t"}]));
    let u = h.set(vec![("class", "b"), ("title", "t")]);
    assert_update(&u, "/children/0", json!([{"op": "replace", "path": "/attributes/class", "value": "b"}]));
    let u = h.set(vec![("class", "b")]);
    assert_update(&u, "/children/0", json!([{"op": "remove", "path": "/attributes/title"}]));
    let u = h.set(vec![("title", "b")]);
    assert_update(
        &u,
        "/children/0",
        json!([
            {"op": "remove", "path": "/attributes/class"},
            {"op": "add", "path": "/attributes/title", "value": "b"},
        ]),
    );
}

#[test]
fn attribute_order_alone_sends_nothing() {
    let mut h = Harness::new(vec![("class", "a"), ("title", "t")], |v: &Vec<_>| with_attrs(v));
    assert_eq!(h.try_set(vec![("title", "t"), ("class", "a")]), None);
}

#[test]
fn attribute_names_are_escaped_in_pointers() {
    let mut h = Harness::new(vec![("data-x/y", "1"), ("a~b", "2")], |v: &Vec<_>| with_attrs(v));
    let u = h.set(vec![("data-x/y", "3"), ("a~b", "4")]);
    assert_update(
        &u,
        "/children/0",
        json!([
            {"op": "replace", "path": "/attributes/data-x~1y", "value": "3"},
            {"op": "replace", "path": "/attributes/a~0b", "value": "4"},
        ]),
    );
}

#[test]
fn style_strings_become_objects() {
    let mut h = Harness::new("color: red; margin-top: 4px;", |css: &&'static str| div().attr("style", *css).into());
    assert_eq!(
        h.model["children"][0],
        json!({"tagName": "div", "attributes": {"style": {"color": "red", "margin-top": "4px"}}})
    );
    let u = h.set("color:blue");
    assert_update(
        &u,
        "/children/0",
        json!([{"op": "replace", "path": "/attributes/style", "value": {"color": "blue"}}]),
    );
    // The same style built as a `Style` sends nothing.
    let built = Harness::new((), |_: &()| div().style(Style::new().set("color", "blue")).into());
    assert_eq!(built.model, h.model);
}

#[test]
fn boolean_attributes_are_true_or_absent() {
    let mut h =
        Harness::new(true, |disabled: &bool| input().attr("type", "checkbox").attr("disabled", *disabled).into());
    assert_eq!(
        h.model["children"][0],
        json!({"tagName": "input", "attributes": {"type": "checkbox", "disabled": true}})
    );
    let u = h.set(false);
    assert_update(&u, "/children/0", json!([{"op": "remove", "path": "/attributes/disabled"}]));
    let u = h.set(true);
    assert_update(&u, "/children/0", json!([{"op": "add", "path": "/attributes/disabled", "value": true}]));
}

#[test]
fn none_attributes_are_absent() {
    let mut h = Harness::new(None, |title: &Option<&'static str>| {
        p().attr("title", *title).attr("hidden", false).attr("data-n", 3).into()
    });
    assert_eq!(h.model["children"][0], json!({"tagName": "p", "attributes": {"data-n": "3"}}));
    let u = h.set(Some("t"));
    assert_update(&u, "/children/0", json!([{"op": "add", "path": "/attributes/title", "value": "t"}]));
    let u = h.set(None);
    assert_update(&u, "/children/0", json!([{"op": "remove", "path": "/attributes/title"}]));
}

#[test]
fn event_attributes_given_as_text_are_refused() {
    let h = Harness::new((), |_: &()| p().attr("onclick", "alert(1)").attr("ONLOAD", "x").child("x").into());
    assert_eq!(h.model["children"][0], json!({"tagName": "p", "children": ["x"]}));
}

#[test]
fn a_root_rendering_nothing_has_no_children_array() {
    let mut h = Harness::new(false, |some: &bool| if *some { p().child("x").into() } else { Element::empty() });
    assert_eq!(h.model, json!({"tagName": ""}));
    let u = h.set(true);
    assert_update(&u, "", json!([{"op": "add", "path": "/children", "value": [ptext("x")]}]));
    let u = h.set(false);
    assert_update(&u, "", json!([{"op": "remove", "path": "/children"}]));
    assert_eq!(h.model, json!({"tagName": ""}));
}

#[test]
fn texts_and_attributes_are_escaped() {
    let nasty = "q\"uote \\ nl\n tab\t \u{1} ünï </script>";
    let mut h = Harness::new("plain", |t: &&'static str| p().attr("title", *t).child(*t).into());
    let u = h.set(nasty);
    assert_update(
        &u,
        "/children/0",
        json!([
            {"op": "replace", "path": "/attributes/title", "value": nasty},
            {"op": "replace", "path": "/children/0", "value": nasty},
        ]),
    );
}

#[test]
fn siblings_are_found_while_fragment_counts_go_back_and_forth() {
    let setters = Registry::default();
    let s = setters.clone();
    let mut h = Harness::new((), move |_: &()| {
        div()
            .child(Element::component(Outer(Multi { name: "m", init: 1, setters: s.clone() })))
            .child(Element::component(Multi { name: "s", init: 1, setters: s.clone() }))
            .into()
    });
    // [m0, tail, s0]
    let (m, s) = (setters.at(&"m"), setters.at(&"s"));
    let mut expect = |n_m: usize, n_s: usize, at: usize| {
        m.set(n_m);
        h.step();
        s.set(n_s);
        let u = h.step().unwrap();
        assert_update(
            &u,
            "/children/0",
            json!([{"op": "add", "path": format!("/children/{at}"), "value": spn(&format!("s{}", n_s - 1))}]),
        );
        s.set(n_s - 1);
        let u = h.step().unwrap();
        assert_update(&u, "/children/0", json!([{"op": "remove", "path": format!("/children/{at}")}]));
    };
    expect(2, 2, 4);
    expect(1, 2, 3);
    expect(0, 2, 2);
    expect(1, 2, 3);
}
