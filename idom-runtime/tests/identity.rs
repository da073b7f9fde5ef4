//! The identity oracle: random trees that mix conditionals, nested loops (keyed and unkeyed),
//! fragments, texts and stateful components, under random edits that React's rules say keep every
//! surviving item's identity. Each component shows an instance number it takes when it mounts.
//! After every step:
//! - applying every update so far with the independent `json-patch` crate gives the model of a
//!   fresh layout rendered from the same tree (instance numbers aside);
//! - every component that was not removed still shows the instance it had.
//!
//! The edits: a conditional toggles (what it shows comes back freshly mounted), an unkeyed loop or
//! fragment grows or shrinks at its end, a keyed loop inserts, removes, moves or swaps items, a
//! component's props change, a text changes (to or from the empty string too).

mod common;

use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};

use common::Harness;
use idom_runtime::hooks::use_ref;
use idom_runtime::html::{self, em};
use idom_runtime::{Component, Element, HookContext};
use proptest::prelude::*;
use serde_json::Value;

/// How the items of a list are built, as `html!` would build them.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Build {
    /// A `for` loop or an iterator: a `Vec` given to `.child`.
    Loop,
    /// `Element::fragment`.
    Fragment,
}

#[derive(Clone, Debug, PartialEq)]
enum Spec {
    Text(&'static str),
    /// A stateful component with a logical id (its identity in the test), a prop that edits change,
    /// and children it renders after its own `<em>`.
    Comp {
        id: u32,
        key: Option<u32>,
        label: u8,
        children: Vec<Spec>,
    },
    El {
        tag: &'static str,
        key: Option<u32>,
        children: Vec<Spec>,
    },
    /// `if on { child }` without an `else`: `children` holds the one child.
    Cond {
        on: bool,
        children: Vec<Spec>,
    },
    List {
        build: Build,
        keyed: bool,
        children: Vec<Spec>,
    },
}

impl Spec {
    fn children(&self) -> Option<&Vec<Spec>> {
        match self {
            Spec::Text(_) => None,
            Spec::Comp { children, .. }
            | Spec::El { children, .. }
            | Spec::Cond { children, .. }
            | Spec::List { children, .. } => Some(children),
        }
    }

    fn children_mut(&mut self) -> Option<&mut Vec<Spec>> {
        match self {
            Spec::Text(_) => None,
            Spec::Comp { children, .. }
            | Spec::El { children, .. }
            | Spec::Cond { children, .. }
            | Spec::List { children, .. } => Some(children),
        }
    }
}

static INSTANCES: AtomicU32 = AtomicU32::new(0);

/// Shows `<em data-i=instance>L{id}:{label}</em>` and then its children.
#[derive(PartialEq)]
struct Probe {
    id: u32,
    label: u8,
    children: Vec<Spec>,
}

impl Component for Probe {
    fn render(&self, cx: &mut HookContext<'_>) -> Element {
        let instance = use_ref::__call(cx, || INSTANCES.fetch_add(1, Ordering::Relaxed)).get();
        let head = em().attr("data-i", instance).child(format!("L{}:{}", self.id, self.label));
        let output = html::fragment().child(head);
        self.children
            .iter()
            .fold(output, |f, c| match c {
                Spec::List { build: Build::Loop, children, .. } => f.child(build_all(children)),
                c => f.child(build(c)),
            })
            .into()
    }
}

fn build_all(list: &[Spec]) -> Vec<Element> {
    list.iter().map(build).collect()
}

/// Adds `list` to an element, one `.child` per item: a loop gives its `Vec` (one group).
fn fill(el: html::HtmlElement, list: &[Spec]) -> html::HtmlElement {
    list.iter().fold(el, |el, c| match c {
        Spec::List { build: Build::Loop, children, .. } => el.child(build_all(children)),
        c => el.child(build(c)),
    })
}

fn build(spec: &Spec) -> Element {
    match spec {
        Spec::Text(t) => Element::text(*t),
        Spec::Comp { id, key, label, children } => {
            let c = Element::component(Probe { id: *id, label: *label, children: children.clone() });
            match key {
                Some(k) => c.with_key(*k),
                None => c,
            }
        }
        Spec::El { tag, key, children } => {
            let mut el = html::custom(*tag);
            if let Some(k) = key {
                el = el.key(*k);
            }
            fill(el, children).into()
        }
        Spec::Cond { on, children } => {
            if *on {
                build(&children[0])
            } else {
                Element::empty()
            }
        }
        // A loop standing alone (the branch of a conditional), as `html!` builds it.
        Spec::List { build: Build::Loop, children, .. } => Element::fragment(build_all(children)),
        Spec::List { build: Build::Fragment, children, .. } => {
            children.iter().fold(html::fragment(), |f, c| f.child(build(c))).into()
        }
    }
}

/// The root's output: a `<main>` whose children are the tree, one `.child` per item.
#[allow(clippy::ptr_arg, reason = "a view of the harness state, which is a Vec")]
fn view(tree: &Vec<Spec>) -> Element {
    fill(html::main(), tree).into()
}

/// Logical id -> instance, read from the model.
fn instances(model: &Value, out: &mut HashMap<u32, String>) {
    if let Some(object) = model.as_object() {
        if object.get("tagName").and_then(Value::as_str) == Some("em") {
            let label = object["children"][0].as_str().unwrap();
            let id: u32 = label[1..label.find(':').unwrap()].parse().unwrap();
            let instance = object["attributes"]["data-i"].as_str().unwrap().to_owned();
            assert!(out.insert(id, instance).is_none(), "component L{id} shown twice");
        }
        if let Some(children) = object.get("children").and_then(Value::as_array) {
            children.iter().for_each(|c| instances(c, out));
        }
    }
}

/// The model with instance numbers left out.
fn masked(model: &Value) -> Value {
    let mut model = model.clone();
    fn mask(v: &mut Value) {
        if let Some(object) = v.as_object_mut() {
            if object.get("tagName").and_then(Value::as_str) == Some("em") {
                object.remove("attributes");
            }
            if let Some(children) = object.get_mut("children").and_then(Value::as_array_mut) {
                children.iter_mut().for_each(mask);
            }
        }
    }
    mask(&mut model);
    model
}

/// A small deterministic generator (proptest shrinks the seed).
struct Gen {
    state: u64,
    next_id: u32,
}

const TAGS: [&str; 3] = ["div", "span", "p"];
const WORDS: [&str; 4] = ["a", "b", "cc", ""];

impl Gen {
    fn below(&mut self, n: usize) -> usize {
        self.state ^= self.state << 13;
        self.state ^= self.state >> 7;
        self.state ^= self.state << 17;
        if n == 0 { 0 } else { (self.state % n as u64) as usize }
    }

    fn fresh(&mut self) -> u32 {
        self.next_id += 1;
        self.next_id
    }

    /// A random node; `keyed` nodes are components or elements with a fresh key.
    fn node(&mut self, depth: u32, keyed: bool) -> Spec {
        let leaf = depth >= 3;
        let kinds = if keyed {
            2
        } else if leaf {
            3
        } else {
            5
        };
        match self.below(kinds) {
            0 => Spec::Comp {
                id: self.fresh(),
                key: keyed.then(|| self.fresh()),
                label: self.below(3) as u8,
                children: self.list(depth + 1),
            },
            1 => {
                Spec::El { tag: TAGS[self.below(3)], key: keyed.then(|| self.fresh()), children: self.list(depth + 1) }
            }
            2 => Spec::Text(WORDS[self.below(4)]),
            3 => Spec::Cond { on: self.below(2) == 0, children: vec![self.node(depth + 1, false)] },
            _ => {
                let keyed = self.below(2) == 0;
                let build = if keyed || self.below(2) == 0 { Build::Loop } else { Build::Fragment };
                let n = self.below(4);
                Spec::List { build, keyed, children: (0..n).map(|_| self.node(depth + 1, keyed)).collect() }
            }
        }
    }

    fn list(&mut self, depth: u32) -> Vec<Spec> {
        if depth >= 3 {
            return Vec::new();
        }
        let n = self.below(4);
        (0..n).map(|_| self.node(depth, false)).collect()
    }

    /// Gives every component and key in `spec` fresh numbers: what comes back is a new mount.
    fn renumber(&mut self, spec: &mut Spec) {
        match spec {
            Spec::Comp { id, key, .. } => {
                *id = self.fresh();
                if let Some(k) = key {
                    *k = self.fresh();
                }
            }
            Spec::El { key: Some(k), .. } => *k = self.fresh(),
            _ => {}
        }
        if let Some(children) = spec.children_mut() {
            children.iter_mut().for_each(|c| self.renumber(c));
        }
    }

    /// One random edit somewhere in the tree (the root list itself counts as an unkeyed list).
    fn edit(&mut self, tree: &mut Vec<Spec>) {
        let mut sites = Vec::new();
        paths(tree, &mut Vec::new(), &mut sites);
        let pick = self.below(sites.len() + 1);
        if pick == sites.len() {
            return self.resize_unkeyed(tree, 0);
        }
        let path = &sites[pick];
        let depth = path.len() as u32;
        let spec = at(tree, path);
        match spec {
            Spec::Text(t) => *t = WORDS[self.below(4)],
            Spec::Comp { label, .. } => *label = (*label + 1) % 3,
            Spec::El { children, .. } => self.resize_unkeyed(children, depth),
            Spec::Cond { on, children } => {
                *on = !*on;
                if *on {
                    self.renumber(&mut children[0]);
                }
            }
            Spec::List { keyed: false, children, .. } => self.resize_unkeyed(children, depth),
            Spec::List { keyed: true, children, .. } => {
                let len = children.len();
                match self.below(4) {
                    0 => {
                        let node = self.node(depth, true);
                        children.insert(self.below(len + 1), node);
                    }
                    1 if len > 0 => {
                        children.remove(self.below(len));
                    }
                    2 if len > 0 => {
                        let node = children.remove(self.below(len));
                        children.insert(self.below(len), node);
                    }
                    _ if len > 1 => children.swap(self.below(len), self.below(len)),
                    _ => {}
                }
            }
        }
    }

    /// Unkeyed lists are matched by position: they grow or shrink at their end only.
    fn resize_unkeyed(&mut self, children: &mut Vec<Spec>, depth: u32) {
        if self.below(2) == 0 && !children.is_empty() {
            children.pop();
        } else if depth < 3 {
            let node = self.node(depth, false);
            children.push(node);
        }
    }
}

fn paths(list: &[Spec], prefix: &mut Vec<usize>, out: &mut Vec<Vec<usize>>) {
    for (i, spec) in list.iter().enumerate() {
        prefix.push(i);
        out.push(prefix.clone());
        // What an off conditional holds is not on the page: edits there would not be seen.
        let hidden = matches!(spec, Spec::Cond { on: false, .. });
        if let (Some(children), false) = (spec.children(), hidden) {
            paths(children, prefix, out);
        }
        prefix.pop();
    }
}

fn at<'a>(list: &'a mut [Spec], path: &[usize]) -> &'a mut Spec {
    let spec = &mut list[path[0]];
    if path.len() == 1 { spec } else { at(spec.children_mut().expect("a path goes through lists"), &path[1..]) }
}

fn run(seed: u64, steps: usize) {
    let mut g = Gen { state: seed | 1, next_id: 0 };
    let mut tree = g.list(0);
    let mut h = Harness::new(tree.clone(), view);
    let mut shown = HashMap::new();
    instances(&h.model, &mut shown);
    for step in 0..steps {
        let before = tree.clone();
        g.edit(&mut tree);
        // `set` applies the update with json-patch and compares it with the layout's own model.
        if h.try_set(tree.clone()).is_none() {
            assert_eq!(masked(&view_model(&before)), masked(&view_model(&tree)), "no update for a visible change");
        }
        let context = format!("seed {seed} step {step}\nbefore: {before:?}\nafter: {tree:?}");
        assert_eq!(masked(&h.model), masked(&view_model(&tree)), "differs from a fresh render: {context}");
        let mut now = HashMap::new();
        instances(&h.model, &mut now);
        for (id, instance) in &now {
            if let Some(was) = shown.get(id) {
                assert_eq!(instance, was, "component L{id} was remounted: {context}");
            }
        }
        shown = now;
    }
}

/// The model of a fresh layout of `tree`.
fn view_model(tree: &[Spec]) -> Value {
    Harness::new(tree.to_vec(), view).model
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]
    #[test]
    fn surviving_items_keep_their_instance_and_patches_reproduce_a_fresh_render(seed in any::<u64>()) {
        run(seed, 25);
    }
}

#[test]
fn a_conditional_text_between_texts_and_a_component() {
    // A case the random trees find often: a text that comes and goes between texts, before a
    // component, inside a keyed component.
    let tree = vec![
        Spec::Text("a"),
        Spec::Cond { on: true, children: vec![Spec::Text("b")] },
        Spec::Text("c"),
        Spec::Comp { id: 1, key: None, label: 0, children: vec![] },
    ];
    let mut h = Harness::new(tree.clone(), view);
    let mut first = HashMap::new();
    instances(&h.model, &mut first);
    let mut off = tree;
    off[1] = Spec::Cond { on: false, children: vec![Spec::Text("b")] };
    h.set(off);
    assert_eq!(h.model["children"][0]["children"][0], "a");
    assert_eq!(h.model["children"][0]["children"][1], "c");
    let mut now = HashMap::new();
    instances(&h.model, &mut now);
    assert_eq!(now, first);
}
