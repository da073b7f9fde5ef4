//! The patch oracle: random component trees under random edits. After every update, applying all
//! updates so far to an empty document with an independent JSON Patch implementation (the
//! `json-patch` crate) must give exactly the model of a fresh layout rendered from the same state.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use idom_runtime::hooks::use_update;
use idom_runtime::html::{self, events};
use idom_runtime::{Component, Element, HookContext, Layout, LayoutUpdate, UpdateHandle};
use proptest::prelude::*;
use serde_json::Value;

/// A node of the random tree. Components keep their children in the shared state, by id.
#[derive(Clone, Debug, PartialEq)]
enum Spec {
    Text(String),
    El { tag: &'static str, key: Option<u32>, attrs: Vec<(&'static str, String)>, click: bool, children: Vec<Spec> },
    Comp { wrap: bool, id: u32, key: Option<u32> },
}

#[derive(Default)]
struct Env {
    state: Mutex<HashMap<u32, Vec<Spec>>>,
    handles: Mutex<HashMap<u32, UpdateHandle>>,
}

/// A stateful component whose children are `state[id]`: a fragment (`wrap == false`, so it adds
/// zero or more nodes to its parent) or a `<section>`.
struct Stateful {
    env: Arc<Env>,
    id: u32,
    wrap: bool,
}

impl PartialEq for Stateful {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.env, &other.env) && self.id == other.id && self.wrap == other.wrap
    }
}

struct FragmentComp(Stateful);
impl PartialEq for FragmentComp {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}

fn render_stateful(s: &Stateful, cx: &mut HookContext<'_>) -> Element {
    let handle = use_update::__call(cx);
    s.env.handles.lock().unwrap().insert(s.id, handle);
    let list = s.env.state.lock().unwrap().get(&s.id).cloned().unwrap_or_default();
    let children: Vec<Element> = list.iter().map(|spec| build(spec, &s.env)).collect();
    if s.wrap { html::section().child(children).into() } else { Element::fragment(children) }
}

impl Component for Stateful {
    fn render(&self, cx: &mut HookContext<'_>) -> Element {
        render_stateful(self, cx)
    }
}

impl Component for FragmentComp {
    fn render(&self, cx: &mut HookContext<'_>) -> Element {
        render_stateful(&self.0, cx)
    }
}

fn build(spec: &Spec, env: &Arc<Env>) -> Element {
    match spec {
        Spec::Text(t) => Element::text(t.clone()),
        Spec::El { tag, key, attrs, click, children } => {
            let mut el = html::custom(*tag);
            if let Some(k) = key {
                el = el.key(*k);
            }
            for (n, v) in attrs {
                el = el.attr(*n, v.clone());
            }
            if *click {
                el = el.on(events::onclick, |_| {});
            }
            // Up to two children are each a place of their own, as markup makes them (a lone
            // text is then kept inside its element), more are one group, as a list makes them;
            // an edit that crosses the line changes one form into the other.
            if children.len() <= 2 {
                children.iter().fold(el, |el, c| el.child(build(c, env))).into()
            } else {
                el.child(children.iter().map(|c| build(c, env)).collect::<Vec<_>>()).into()
            }
        }
        Spec::Comp { wrap, id, key } => {
            let s = Stateful { env: env.clone(), id: *id, wrap: *wrap };
            let e = if *wrap { Element::component(s) } else { Element::component(FragmentComp(s)) };
            match key {
                Some(k) => e.with_key(*k),
                None => e,
            }
        }
    }
}

/// A small deterministic generator for the edits (proptest shrinks the seed).
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 { 0 } else { (self.next() % n as u64) as usize }
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

struct Gen {
    rng: Rng,
    next_id: u32,
    next_key: u32,
}

const TAGS: [&str; 3] = ["div", "span", "p"];
const WORDS: [&str; 4] = ["a", "b", "cc", ""];

impl Gen {
    fn node(&mut self, state: &mut HashMap<u32, Vec<Spec>>, depth: u32, keyed: bool) -> Spec {
        let key = if keyed {
            self.next_key += 1;
            Some(self.next_key)
        } else {
            None
        };
        match self.rng.below(if depth > 2 { 2 } else { 4 }) {
            0 if !keyed => Spec::Text(WORDS[self.rng.below(4)].to_owned()),
            0 | 1 => {
                let n = if depth > 2 { 0 } else { self.rng.below(4) };
                let child_keyed = self.rng.chance(50);
                let children = (0..n).map(|_| self.node(state, depth + 1, child_keyed)).collect();
                Spec::El {
                    tag: TAGS[self.rng.below(3)],
                    key,
                    attrs: self.attrs(),
                    click: self.rng.chance(30),
                    children,
                }
            }
            _ => {
                self.next_id += 1;
                let id = self.next_id;
                let n = self.rng.below(3);
                let child_keyed = self.rng.chance(50);
                let children = (0..n).map(|_| self.node(state, depth + 1, child_keyed)).collect();
                state.insert(id, children);
                Spec::Comp { wrap: self.rng.chance(50), id, key }
            }
        }
    }

    fn attrs(&mut self) -> Vec<(&'static str, String)> {
        let mut attrs = Vec::new();
        for name in ["class", "title", "data-x/y"] {
            if self.rng.chance(30) {
                attrs.push((name, WORDS[self.rng.below(4)].to_owned()));
            }
        }
        attrs
    }

    /// One random edit of a children list (or of a list nested in one of its elements).
    fn edit(&mut self, list: &mut Vec<Spec>, state: &mut HashMap<u32, Vec<Spec>>, depth: u32) {
        let keyed =
            list.first().is_some_and(|s| matches!(s, Spec::El { key: Some(_), .. } | Spec::Comp { key: Some(_), .. }));
        match self.rng.below(9) {
            0 | 1 => {
                let at = self.rng.below(list.len() + 1);
                let node = self.node(state, depth, keyed);
                list.insert(at, node);
            }
            2 if !list.is_empty() => {
                let at = self.rng.below(list.len());
                list.remove(at);
            }
            3 if !list.is_empty() => {
                let from = self.rng.below(list.len());
                let node = list.remove(from);
                let to = self.rng.below(list.len() + 1);
                list.insert(to, node);
            }
            4 if list.len() > 1 => {
                let (a, b) = (self.rng.below(list.len()), self.rng.below(list.len()));
                list.swap(a, b);
            }
            5 if !list.is_empty() => {
                // Type swap at the same place, keeping the key.
                let at = self.rng.below(list.len());
                let key = match &list[at] {
                    Spec::El { key, .. } | Spec::Comp { key, .. } => *key,
                    Spec::Text(_) => None,
                };
                let mut node = self.node(state, depth, key.is_some());
                match &mut node {
                    Spec::El { key: k, .. } | Spec::Comp { key: k, .. } => *k = key,
                    Spec::Text(_) => {}
                }
                if let (Spec::Comp { wrap, id, .. }, Spec::Comp { wrap: w2, .. }) = (&list[at], &mut node)
                    && self.rng.chance(50)
                {
                    // Same id, other component type.
                    *w2 = !*wrap;
                    let children = state.get(id).cloned().unwrap_or_default();
                    if let Spec::Comp { id: new_id, .. } = &node {
                        state.insert(*new_id, children);
                    }
                }
                list[at] = node;
            }
            6 if !list.is_empty() => {
                let at = self.rng.below(list.len());
                match &mut list[at] {
                    Spec::Text(t) => *t = format!("{t}x"),
                    Spec::El { attrs, click, tag, .. } => {
                        if self.rng.chance(30) {
                            *click = !*click;
                        } else if self.rng.chance(20) {
                            *tag = TAGS[self.rng.below(3)];
                        } else {
                            *attrs = self.attrs();
                        }
                    }
                    Spec::Comp { .. } => {}
                }
            }
            7 => {
                let n = self.rng.below(4);
                let k = self.rng.chance(50);
                *list = (0..n).map(|_| self.node(state, depth, k)).collect();
            }
            _ => {
                let elements: Vec<usize> = (0..list.len()).filter(|&i| matches!(list[i], Spec::El { .. })).collect();
                if !elements.is_empty() {
                    let at = elements[self.rng.below(elements.len())];
                    if let Spec::El { children, .. } = &mut list[at] {
                        let mut inner = std::mem::take(children);
                        self.edit(&mut inner, state, depth + 1);
                        if let Spec::El { children, .. } = &mut list[at] {
                            *children = inner;
                        }
                    }
                }
            }
        }
    }
}

/// Ids of the components reachable from the root's list.
fn reachable(state: &HashMap<u32, Vec<Spec>>) -> Vec<u32> {
    fn walk(list: &[Spec], state: &HashMap<u32, Vec<Spec>>, out: &mut Vec<u32>) {
        for s in list {
            match s {
                Spec::El { children, .. } => walk(children, state, out),
                Spec::Comp { id, .. } => {
                    out.push(*id);
                    walk(state.get(id).map(Vec::as_slice).unwrap_or(&[]), state, out);
                }
                Spec::Text(_) => {}
            }
        }
    }
    let mut out = vec![0];
    walk(state.get(&0).map(Vec::as_slice).unwrap_or(&[]), state, &mut out);
    out
}

fn fresh_model(state: &HashMap<u32, Vec<Spec>>) -> Value {
    let env = Arc::new(Env { state: Mutex::new(state.clone()), handles: Mutex::default() });
    let mut layout = Layout::new(FragmentComp(Stateful { env, id: 0, wrap: false }));
    let first = layout.try_render().expect("first render");
    let mut doc = Value::Null;
    apply(&mut doc, &first);
    doc
}

/// Handler target ids are opaque and depend on allocation history: compare models without them
/// (the patched model is also compared with the layout's own model, targets included).
fn without_targets(v: &Value) -> Value {
    match v {
        Value::Object(o) => Value::Object(
            o.iter().map(|(k, v)| (k.clone(), if k == "target" { Value::Null } else { without_targets(v) })).collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(without_targets).collect()),
        other => other.clone(),
    }
}

/// Applies an update with the independent `json-patch` crate.
fn apply(doc: &mut Value, update: &LayoutUpdate) {
    let patch: json_patch::Patch = serde_json::from_value(update.changes_json()).expect("valid RFC 6902 patch");
    let target = if update.path.is_empty() { doc } else { doc.pointer_mut(&update.path).expect("update path exists") };
    json_patch::patch(target, &patch).unwrap_or_else(|e| panic!("patch failed: {e}\n{update:?}"));
}

/// Runs one random history; returns how many operations of each kind it produced
/// (add, remove, replace, move).
fn run(seed: u64, steps: usize) -> [usize; 4] {
    let mut seen = [0; 4];
    let mut g = Gen { rng: Rng(seed | 1), next_id: 0, next_key: 0 };
    let env = Arc::new(Env::default());
    let mut state = HashMap::new();
    let root: Vec<Spec> = (0..g.rng.below(5)).map(|_| g.node(&mut state, 0, false)).collect();
    state.insert(0, root);
    *env.state.lock().unwrap() = state.clone();

    let mut layout = Layout::new(FragmentComp(Stateful { env: env.clone(), id: 0, wrap: false }));
    let mut doc = Value::Null;
    apply(&mut doc, &layout.try_render().expect("first render"));
    assert_eq!(without_targets(&doc), without_targets(&fresh_model(&state)));

    for step in 0..steps {
        // One to three edits, each of some component's list, rendered together.
        for _ in 0..1 + g.rng.below(3) {
            let ids = reachable(&state);
            let id = ids[g.rng.below(ids.len())];
            let mut list = state.get(&id).cloned().unwrap_or_default();
            g.edit(&mut list, &mut state, 1);
            state.insert(id, list);
            *env.state.lock().unwrap() = state.clone();
            if let Some(h) = env.handles.lock().unwrap().get(&id) {
                h.update();
            }
        }
        if let Some(update) = layout.try_render() {
            for op in &update.changes {
                seen[op.op as usize] += 1;
            }
            apply(&mut doc, &update);
        }
        assert_eq!(doc, layout.model(), "seed {seed} step {step}: patched model differs from the layout's model");
        let expected = fresh_model(&state);
        assert_eq!(
            without_targets(&doc),
            without_targets(&expected),
            "seed {seed} step {step}: patched model differs from a fresh render"
        );
    }
    seen
}

#[test]
fn the_random_edits_exercise_every_operation() {
    let mut total = [0; 4];
    for seed in 1..40 {
        let seen = run(seed * 7919, 25);
        for (t, s) in total.iter_mut().zip(seen) {
            *t += s;
        }
    }
    assert!(total.iter().all(|&n| n > 20), "add/remove/replace/move counts: {total:?}");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]
    #[test]
    fn patches_reproduce_a_fresh_render(seed in any::<u64>()) {
        run(seed, 25);
    }
}
