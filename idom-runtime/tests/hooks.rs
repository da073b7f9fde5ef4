//! Hooks other than `use_state` and `use_effect`: `use_reducer`, `use_memo`, `use_callback`,
//! `use_ref`, `use_update` and context.

mod common;

use common::{Counter, Harness, Shared, assert_update};
use idom_runtime::hooks::{use_callback, use_context, use_memo, use_memo_list, use_reducer, use_ref, use_update};
use idom_runtime::html::{div, li, p, ul};
use idom_runtime::{
    Callback, Component, Context, Dispatch, Element, HookContext, UpdateHandle, UseRef, create_context,
};
use serde_json::json;

// ---------------------------------------------------------------------------------------------
// use_reducer

#[derive(Clone, Copy, Debug, PartialEq)]
enum Action {
    Add(i32),
    Reset,
}

struct Reducer {
    dispatches: Shared<Vec<Dispatch<Action>>>,
    renders: Counter,
}

impl PartialEq for Reducer {
    fn eq(&self, other: &Self) -> bool {
        self.dispatches == other.dispatches && self.renders == other.renders
    }
}

impl Component for Reducer {
    fn render(&self, cx: &mut HookContext<'_>) -> Element {
        self.renders.hit();
        let (n, dispatch) = use_reducer::__call(
            cx,
            |n: &i32, action: Action| match action {
                Action::Add(k) => n + k,
                Action::Reset => 0,
            },
            || 0,
        );
        self.dispatches.with(|d| d.push(dispatch));
        p().child(format!("n = {n}")).into()
    }
}

#[test]
fn use_reducer_applies_actions_in_order() {
    let dispatches = Shared::default();
    let renders = Counter::default();
    let (d, r) = (dispatches.clone(), renders.clone());
    let mut h =
        Harness::new((), move |_: &()| Element::component(Reducer { dispatches: d.clone(), renders: r.clone() }));
    let dispatch = dispatches.with(|d| d[0].clone());
    dispatch.dispatch(Action::Add(1));
    let u = h.step().unwrap();
    assert_update(&u, "/children/0", json!([{"op": "replace", "path": "/children/0", "value": "n = 1"}]));

    dispatch.dispatch(Action::Add(2));
    dispatch.dispatch(Action::Add(3));
    let u = h.step().unwrap();
    assert_update(&u, "/children/0", json!([{"op": "replace", "path": "/children/0", "value": "n = 6"}]));
    assert_eq!(renders.get(), 3);

    // An action that leaves the state equal does not re-render.
    dispatch.dispatch(Action::Add(0));
    assert_eq!(h.step(), None);
    assert_eq!(renders.get(), 3);

    dispatch.dispatch(Action::Reset);
    let u = h.step().unwrap();
    assert_update(&u, "/children/0", json!([{"op": "replace", "path": "/children/0", "value": "n = 0"}]));
    // The dispatcher is the same across renders.
    dispatches.with(|d| assert!(d.iter().all(|x| *x == d[0]), "{d:?}"));
}

// ---------------------------------------------------------------------------------------------
// use_memo, use_callback

#[derive(PartialEq)]
struct Memo {
    dep: i32,
    other: i32,
    computes: Counter,
}

impl Component for Memo {
    fn render(&self, cx: &mut HookContext<'_>) -> Element {
        let (dep, computes) = (self.dep, self.computes.clone());
        let tenfold = use_memo::__call(
            cx,
            move || {
                computes.hit();
                dep * 10
            },
            dep,
        );
        p().child(format!("{tenfold}/{}", self.other)).into()
    }
}

#[test]
fn use_memo_recomputes_only_when_deps_change() {
    let computes = Counter::default();
    let c = computes.clone();
    let mut h = Harness::new((1, 0), move |&(dep, other): &(i32, i32)| {
        Element::component(Memo { dep, other, computes: c.clone() })
    });
    assert_eq!(h.model["children"][0], json!({"tagName": "p", "children": ["10/0"]}));
    assert_eq!(computes.get(), 1);
    let u = h.set((1, 1));
    assert_update(&u, "/children/0", json!([{"op": "replace", "path": "/children/0", "value": "10/1"}]));
    assert_eq!(computes.get(), 1);
    let u = h.set((2, 1));
    assert_update(&u, "/children/0", json!([{"op": "replace", "path": "/children/0", "value": "20/1"}]));
    assert_eq!(computes.get(), 2);
    h.set((2, 2));
    assert_eq!(computes.get(), 2);
}

// ---------------------------------------------------------------------------------------------
// use_memo_list

#[derive(PartialEq)]
struct MemoRows {
    items: Vec<(u32, &'static str)>,
    title: &'static str,
    builds: Counter,
}

impl Component for MemoRows {
    fn render(&self, cx: &mut HookContext<'_>) -> Element {
        let builds = self.builds.clone();
        let rows = use_memo_list::__call(
            cx,
            self.items.iter(),
            |&&(id, label)| (id, label),
            move |&(_, label)| {
                builds.hit();
                li().child(label).into()
            },
        );
        ul().attr("title", self.title).child(rows).into()
    }
}

#[test]
fn use_memo_list_builds_only_new_or_changed_items() {
    let builds = Counter::default();
    let b = builds.clone();
    let mut h = Harness::new((vec![(1, "a"), (2, "b"), (3, "c")], "t"), move |(items, title)| {
        Element::component(MemoRows { items: items.clone(), title, builds: b.clone() })
    });
    let li = |key: &str, text: &str| json!({"tagName": "li", "key": key, "children": [text]});
    assert_eq!(h.model["children"][0]["children"], json!([li("1", "a"), li("2", "b"), li("3", "c")]));
    assert_eq!(builds.get(), 3);
    // The parent renders again for another reason: every element is reused.
    let u = h.set((vec![(1, "a"), (2, "b"), (3, "c")], "u"));
    assert_update(&u, "/children/0", json!([{"op": "replace", "path": "/attributes/title", "value": "u"}]));
    assert_eq!(builds.get(), 3);
    // One item's deps change: one build, one text replaced.
    let u = h.set((vec![(1, "a"), (2, "B"), (3, "c")], "u"));
    assert_update(&u, "/children/0/children/1", json!([{"op": "replace", "path": "/children/0", "value": "B"}]));
    assert_eq!(builds.get(), 4);
    // A reorder builds nothing and moves by key.
    let u = h.set((vec![(3, "c"), (1, "a"), (2, "B")], "u"));
    assert_eq!(builds.get(), 4);
    assert!(u.changes.iter().all(|c| c.to_value()["op"] == "move"), "{:?}", u.changes_json());
    // An item that leaves loses its entry: when it comes back, it is built again.
    h.set((vec![(3, "c"), (2, "B")], "u"));
    assert_eq!(builds.get(), 4);
    h.set((vec![(3, "c"), (1, "a"), (2, "B")], "u"));
    assert_eq!(builds.get(), 5);
    assert_eq!(h.model["children"][0]["children"], json!([li("3", "c"), li("1", "a"), li("2", "B")]));
    // A key given twice in one render is built for each place (the diff warns about the key).
    h.set((vec![(3, "c"), (3, "c")], "u"));
    assert_eq!(builds.get(), 6);
    // An emptied list drops every entry at once: the items that come back are built again, and
    // the entries are found by key afterwards as before.
    h.set((Vec::new(), "u"));
    assert_eq!(builds.get(), 6);
    h.set((vec![(3, "c"), (1, "a")], "u"));
    assert_eq!(builds.get(), 8);
    h.set((vec![(1, "a"), (3, "c")], "u"));
    assert_eq!(builds.get(), 8);
    assert_eq!(h.model["children"][0]["children"], json!([li("1", "a"), li("3", "c")]));
}

/// Lists that grow, shrink, reorder, change labels and repeat keys, in a pseudo-random sequence:
/// each render shows the list as given and builds exactly the items whose key is new, whose label
/// changed, or that repeat a key already used in the same render.
#[test]
fn use_memo_list_follows_any_sequence_of_lists() {
    const LABELS: [&str; 3] = ["a", "b", "c"];
    let builds = Counter::default();
    let b = builds.clone();
    let mut h = Harness::new((Vec::new(), "t"), move |(items, title)| {
        Element::component(MemoRows { items: items.clone(), title, builds: b.clone() })
    });
    let mut seed = 0x9e37_79b9_u64;
    let mut next = move |n: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % n
    };
    // The entries the hook holds after each render: each key's label when first met.
    let mut kept: std::collections::HashMap<u32, &str> = std::collections::HashMap::new();
    let mut items: Vec<(u32, &'static str)> = Vec::new();
    let mut shown_items = items.clone();
    for step in 0..300 {
        match next(6) {
            // Insert an item somewhere.
            0 | 1 => {
                let id = next(16) as u32;
                items.insert(next(items.len() as u64 + 1) as usize, (id, LABELS[id as usize % 3]));
            }
            // Remove one.
            2 if !items.is_empty() => {
                items.remove(next(items.len() as u64) as usize);
            }
            // Swap two.
            3 if items.len() > 1 => {
                let (i, j) = (next(items.len() as u64) as usize, next(items.len() as u64) as usize);
                items.swap(i, j);
            }
            // Relabel one.
            4 if !items.is_empty() => {
                let i = next(items.len() as u64) as usize;
                items[i].1 = LABELS[next(3) as usize];
            }
            _ => {}
        }
        if items == shown_items {
            // An equal state renders nothing.
            continue;
        }
        shown_items = items.clone();
        let before = builds.get();
        h.setter().set((items.clone(), "t"));
        h.step();
        let mut expected = 0;
        let mut now: std::collections::HashMap<u32, &str> = std::collections::HashMap::new();
        for &(id, label) in &items {
            if now.contains_key(&id) || kept.get(&id) != Some(&label) {
                expected += 1;
            }
            now.entry(id).or_insert(label);
        }
        kept = now;
        assert_eq!(builds.get() - before, expected, "builds at step {step}: {items:?}");
        let shown: Vec<_> = items
            .iter()
            .map(|(id, label)| json!({"tagName": "li", "key": id.to_string(), "children": [label]}))
            .collect();
        let model = &h.model["children"][0];
        assert_eq!(model.get("children").cloned().unwrap_or(json!([])), json!(shown), "step {step}");
    }
}

/// Receives a callback as a prop; counts its renders.
#[derive(PartialEq)]
struct Button {
    on_press: Callback<i32, i32>,
    renders: Counter,
}

impl Component for Button {
    fn render(&self, _cx: &mut HookContext<'_>) -> Element {
        self.renders.hit();
        p().child(self.on_press.emit(1)).into()
    }
}

#[derive(PartialEq)]
struct WithCallback {
    dep: i32,
    other: i32,
    seen: Shared<Vec<Callback<i32, i32>>>,
    button_renders: Counter,
}

impl Component for WithCallback {
    fn render(&self, cx: &mut HookContext<'_>) -> Element {
        let dep = self.dep;
        let on_press = use_callback::__call(cx, move |x: i32| x + dep, dep);
        self.seen.with(|s| s.push(on_press.clone()));
        let button = Button { on_press, renders: self.button_renders.clone() };
        div().child(self.other).child(Element::component(button)).into()
    }
}

#[test]
fn use_callback_is_equal_across_renders_until_deps_change() {
    let seen = Shared::default();
    let button_renders = Counter::default();
    let (s, b) = (seen.clone(), button_renders.clone());
    let mut h = Harness::new((0, 0), move |&(dep, other): &(i32, i32)| {
        Element::component(WithCallback { dep, other, seen: s.clone(), button_renders: b.clone() })
    });
    let u = h.set((0, 1));
    assert_update(&u, "/children/0", json!([{"op": "replace", "path": "/children/0", "value": "1"}]));
    assert_eq!(button_renders.get(), 1, "an equal callback keeps the child from re-rendering");
    let u = h.set((5, 1));
    assert_update(&u, "/children/0/children/1", json!([{"op": "replace", "path": "/children/0", "value": "6"}]));
    assert_eq!(button_renders.get(), 2);
    let seen = seen.get();
    assert_eq!(seen.len(), 3);
    assert_eq!(seen[0], seen[1]);
    assert_ne!(seen[1], seen[2]);
    assert_eq!(seen[2].emit(1), 6);
}

// ---------------------------------------------------------------------------------------------
// use_ref, use_update

#[derive(PartialEq)]
struct WithRef {
    handles: Shared<Option<(UseRef<i32>, UpdateHandle)>>,
    renders: Counter,
}

impl Component for WithRef {
    fn render(&self, cx: &mut HookContext<'_>) -> Element {
        self.renders.hit();
        let r = use_ref::__call(cx, || 1);
        let update = use_update::__call(cx);
        let value = r.get();
        self.handles.with(|h| *h = Some((r, update)));
        p().child(format!("ref = {value}")).into()
    }
}

#[test]
fn use_ref_keeps_a_value_without_rerendering() {
    let handles = Shared::default();
    let renders = Counter::default();
    let (hd, r) = (handles.clone(), renders.clone());
    let mut h = Harness::new((), move |_: &()| Element::component(WithRef { handles: hd.clone(), renders: r.clone() }));
    let (r1, update) = handles.get().unwrap();
    r1.set(5);
    r1.with_mut(|v| *v += 1);
    assert!(!h.layout.has_pending());
    assert_eq!(h.step(), None);
    assert_eq!(renders.get(), 1);

    // use_update re-renders; the ref kept its value and is the same ref.
    update.update();
    let u = h.step().unwrap();
    assert_update(&u, "/children/0", json!([{"op": "replace", "path": "/children/0", "value": "ref = 6"}]));
    assert_eq!(renders.get(), 2);
    let (r2, _) = handles.get().unwrap();
    assert_eq!(r1, r2);
    assert_eq!(r2.with(|v| *v), 6);
}

#[derive(PartialEq)]
struct External {
    text: Shared<String>,
    handle: Shared<Option<UpdateHandle>>,
    renders: Counter,
}

impl Component for External {
    fn render(&self, cx: &mut HookContext<'_>) -> Element {
        self.renders.hit();
        let update = use_update::__call(cx);
        self.handle.with(|h| *h = Some(update));
        p().child(self.text.get()).into()
    }
}

#[test]
fn use_update_rerenders_from_outside_state() {
    let text = Shared::new("one".to_owned());
    let handle = Shared::default();
    let renders = Counter::default();
    let (t, hd, r) = (text.clone(), handle.clone(), renders.clone());
    let mut h = Harness::new((), move |_: &()| {
        Element::component(External { text: t.clone(), handle: hd.clone(), renders: r.clone() })
    });
    text.with(|t| *t = "two".to_owned());
    assert_eq!(h.step(), None, "nothing happens until the update handle is called");
    let update = handle.get().unwrap();
    update.update();
    update.update();
    let u = h.step().unwrap();
    assert_update(&u, "/children/0", json!([{"op": "replace", "path": "/children/0", "value": "two"}]));
    assert_eq!(renders.get(), 2);
    // A forced render that changes nothing sends nothing.
    update.update();
    assert_eq!(h.step(), None);
    assert_eq!(renders.get(), 3);
}

// ---------------------------------------------------------------------------------------------
// Context

#[derive(PartialEq)]
struct Reader {
    name: &'static str,
    ctx: Context<&'static str>,
    renders: Counter,
}

impl Component for Reader {
    fn render(&self, cx: &mut HookContext<'_>) -> Element {
        self.renders.hit();
        let value = use_context::__call(cx, &self.ctx);
        p().child(format!("{}: {value}", self.name)).into()
    }
}

fn reader(name: &'static str, ctx: &Context<&'static str>, renders: &Counter) -> Element {
    Element::component(Reader { name, ctx: ctx.clone(), renders: renders.clone() })
}

fn ptext(t: &str) -> serde_json::Value {
    json!({"tagName": "p", "children": [t]})
}

#[test]
fn context_default_without_a_provider() {
    let theme = create_context("light");
    let renders = Counter::default();
    let h = Harness::new((), move |_: &()| reader("r", &theme, &renders));
    assert_eq!(h.model["children"][0], ptext("r: light"));
}

#[test]
fn the_nearest_provider_wins() {
    let theme = create_context("light");
    let other = create_context("other");
    let renders = Counter::default();
    let h = Harness::new((), move |_: &()| {
        theme.provide(
            "outer",
            div()
                .child(reader("a", &theme, &renders))
                .child(theme.provide("inner", reader("b", &theme, &renders)))
                .child(other.provide("zzz", reader("c", &theme, &renders)))
                .child(other.provide("zzz", reader("d", &other, &renders))),
        )
    });
    assert_eq!(
        h.model["children"][0]["children"],
        json!([ptext("a: outer"), ptext("b: inner"), ptext("c: outer"), ptext("d: zzz")])
    );
}

/// Props always equal: only its own state or context could re-render it.
#[derive(PartialEq)]
struct Memoised {
    ctx: Context<&'static str>,
    renders: Counter,
    reader_renders: Counter,
}

impl Component for Memoised {
    fn render(&self, _cx: &mut HookContext<'_>) -> Element {
        self.renders.hit();
        div().child(reader("r", &self.ctx, &self.reader_renders)).into()
    }
}

#[test]
fn a_reader_inside_a_memoised_child_rerenders_when_the_value_changes() {
    let theme = create_context("light");
    let (memo_renders, reader_renders) = (Counter::default(), Counter::default());
    let (m, r) = (memo_renders.clone(), reader_renders.clone());
    let mut h = Harness::new(("dark", 0), move |&(value, n): &(&'static str, i32)| {
        let memo = Memoised { ctx: theme.clone(), renders: m.clone(), reader_renders: r.clone() };
        theme.provide(value, div().child(n).child(Element::component(memo)))
    });
    assert_eq!(h.model["children"][0]["children"][1], json!({"tagName": "div", "children": [ptext("r: dark")]}));

    let u = h.set(("blue", 0));
    assert_update(
        &u,
        "/children/0/children/1/children/0",
        json!([{"op": "replace", "path": "/children/0", "value": "r: blue"}]),
    );
    assert_eq!((memo_renders.get(), reader_renders.get()), (1, 2));

    // Readers stay subscribed after the first change.
    let u = h.set(("green", 0));
    assert_update(
        &u,
        "/children/0/children/1/children/0",
        json!([{"op": "replace", "path": "/children/0", "value": "r: green"}]),
    );
    assert_eq!((memo_renders.get(), reader_renders.get()), (1, 3));

    // A provider re-rendered with an equal value does not re-render its readers.
    let u = h.set(("green", 1));
    assert_update(&u, "/children/0", json!([{"op": "replace", "path": "/children/0", "value": "1"}]));
    assert_eq!((memo_renders.get(), reader_renders.get()), (1, 3));
    assert_eq!(h.step(), None);
}

#[test]
fn a_reader_mounted_after_a_change_reads_the_current_value() {
    let theme = create_context("light");
    let renders = Counter::default();
    let mut h = Harness::new(("dark", false), move |&(value, more): &(&'static str, bool)| {
        theme.provide(
            value,
            div().child(reader("a", &theme, &renders)).child(more.then(|| reader("b", &theme, &renders))),
        )
    });
    h.set(("blue", false));
    let u = h.set(("blue", true));
    assert_update(&u, "/children/0", json!([{"op": "add", "path": "/children/1", "value": ptext("b: blue")}]));
}
