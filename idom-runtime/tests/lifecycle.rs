//! Mounting, re-rendering and unmounting: effect order, dependencies and cleanups, async effects,
//! dropping the layout, memoised children, and when state changes re-render.

mod common;

use std::time::Duration;

use common::{Counter, Harness, Log, Registry, assert_update, wait_until};
use idom_runtime::hooks::{use_effect, use_state};
use idom_runtime::html::{div, p};
use idom_runtime::{Component, Element, HookContext, UseStateSetter};
use serde_json::json;

/// Pushes an entry to a log when dropped: shows that a future was dropped (cancelled).
struct DropGuard(Log, String);

impl Drop for DropGuard {
    fn drop(&mut self) {
        self.0.push(self.1.clone());
    }
}

/// Logs `mount <name>` from an effect and `cleanup <name>` from its cleanup; renders its
/// children.
#[derive(PartialEq)]
struct Node {
    name: &'static str,
    log: Log,
    children: Vec<Element>,
}

fn node(name: &'static str, log: &Log, children: Vec<Element>) -> Element {
    Element::component(Node { name, log: log.clone(), children })
}

impl Component for Node {
    fn render(&self, cx: &mut HookContext<'_>) -> Element {
        let (name, log) = (self.name, self.log.clone());
        use_effect::__call(
            cx,
            move || {
                log.push(format!("mount {name}"));
                move || log.push(format!("cleanup {name}"))
            },
            (),
        );
        p().child(self.name).child(self.children.clone()).into()
    }
}

#[test]
fn effects_run_children_first_and_siblings_in_order_on_mount() {
    let log = Log::default();
    let l = log.clone();
    let _h = Harness::new((), move |_: &()| {
        node("P", &l, vec![node("A", &l, vec![node("A1", &l, vec![])]), node("B", &l, vec![])])
    });
    assert_eq!(log.take(), ["mount A1", "mount A", "mount B", "mount P"]);
}

#[test]
fn effects_of_siblings_mounted_by_a_rerender_run_in_order() {
    let log = Log::default();
    let l = log.clone();
    let mut h = Harness::new(false, move |more: &bool| {
        let extra = if *more { vec![node("X", &l, vec![]), node("Y", &l, vec![])] } else { vec![] };
        div().child(node("keep", &l, vec![])).child(extra).into()
    });
    assert_eq!(log.take(), ["mount keep"]);
    h.set(true);
    assert_eq!(log.take(), ["mount X", "mount Y"]);
}

#[test]
fn cleanup_runs_on_unmount_exactly_once() {
    let log = Log::default();
    let l = log.clone();
    let mut h = Harness::new(true, move |show: &bool| {
        div().child(node("b", &l, vec![])).child(show.then(|| node("a", &l, vec![]))).into()
    });
    assert_eq!(log.take(), ["mount b", "mount a"]);
    h.set(false);
    assert_eq!(log.take(), ["cleanup a"]);
    h.setter().set(true);
    h.step();
    h.setter().set(false);
    h.step();
    assert_eq!(log.take(), ["mount a", "cleanup a"]);
    drop(h);
    assert_eq!(log.take(), ["cleanup b"]);
}

#[test]
fn unmounting_a_subtree_runs_every_cleanup_children_first() {
    let log = Log::default();
    let l = log.clone();
    let mut h = Harness::new(true, move |show: &bool| {
        let subtree =
            show.then(|| div().child(node("A", &l, vec![node("A1", &l, vec![])])).child(node("B", &l, vec![])));
        div().child(subtree).into()
    });
    log.take();
    let u = h.set(false);
    assert_update(&u, "/children/0", json!([{"op": "remove", "path": "/children"}]));
    assert_eq!(log.take(), ["cleanup A1", "cleanup A", "cleanup B"]);
}

/// Runs an effect depending on `dep` only; renders both numbers.
#[derive(PartialEq)]
struct Effectful {
    dep: i32,
    other: i32,
    log: Log,
}

impl Component for Effectful {
    fn render(&self, cx: &mut HookContext<'_>) -> Element {
        let (dep, log) = (self.dep, self.log.clone());
        use_effect::__call(
            cx,
            move || {
                log.push(format!("run {dep}"));
                move || log.push(format!("cleanup {dep}"))
            },
            dep,
        );
        p().child(format!("{}/{}", self.dep, self.other)).into()
    }
}

#[test]
fn effect_reruns_only_when_deps_change_and_cleans_up_first() {
    let log = Log::default();
    let l = log.clone();
    let mut h = Harness::new((0, 0), move |&(dep, other): &(i32, i32)| {
        div().child(Element::component(Effectful { dep, other, log: l.clone() })).into()
    });
    assert_eq!(log.take(), ["run 0"]);
    let u = h.set((0, 1));
    assert_update(&u, "/children/0/children/0", json!([{"op": "replace", "path": "/children/0", "value": "0/1"}]));
    assert_eq!(log.take(), Vec::<String>::new());
    h.set((1, 1));
    assert_eq!(log.take(), ["cleanup 0", "run 1"]);
    h.set((1, 2));
    h.set((1, 3));
    assert_eq!(log.take(), Vec::<String>::new());
    h.set((2, 3));
    assert_eq!(log.take(), ["cleanup 1", "run 2"]);
    drop(h);
    assert_eq!(log.take(), ["cleanup 2"]);
}

/// A counter with a mount/cleanup effect, exporting its setter under its name.
struct Typed<const B: bool> {
    log: Log,
    setters: Registry<&'static str, UseStateSetter<i32>>,
}

impl<const B: bool> PartialEq for Typed<B> {
    fn eq(&self, other: &Self) -> bool {
        self.log == other.log && self.setters == other.setters
    }
}

impl<const B: bool> Component for Typed<B> {
    fn render(&self, cx: &mut HookContext<'_>) -> Element {
        let name = if B { "B" } else { "A" };
        let (count, set) = use_state::__call(cx, || 0);
        self.setters.put(name, set);
        let log = self.log.clone();
        use_effect::__call(
            cx,
            move || {
                log.push(format!("mount {name}"));
                move || log.push(format!("cleanup {name}"))
            },
            (),
        );
        p().child(format!("{name}: {count}")).into()
    }
}

#[test]
fn a_component_of_another_type_at_the_same_place_is_remounted() {
    let log = Log::default();
    let setters = Registry::default();
    let (l, s) = (log.clone(), setters.clone());
    let mut h = Harness::new(false, move |b: &bool| {
        let child = if *b {
            Element::component(Typed::<true> { log: l.clone(), setters: s.clone() })
        } else {
            Element::component(Typed::<false> { log: l.clone(), setters: s.clone() })
        };
        div().child(child).into()
    });
    setters.at(&"A").set(5);
    h.step().unwrap();
    assert_eq!(log.take(), ["mount A"]);

    let u = h.set(true);
    assert_update(
        &u,
        "/children/0",
        json!([{"op": "replace", "path": "/children", "value": [{"tagName": "p", "children": ["B: 0"]}]}]),
    );
    assert_eq!(log.take(), ["cleanup A", "mount B"]);

    let u = h.set(false);
    assert_update(
        &u,
        "/children/0",
        json!([{"op": "replace", "path": "/children", "value": [{"tagName": "p", "children": ["A: 0"]}]}]),
    );
    assert_eq!(log.take(), ["cleanup B", "mount A"]);
}

/// An async effect depending on `dep` that never finishes; its future holds a [`DropGuard`].
#[derive(PartialEq)]
struct Forever {
    dep: i32,
    log: Log,
}

impl Component for Forever {
    fn render(&self, cx: &mut HookContext<'_>) -> Element {
        let (dep, log) = (self.dep, self.log.clone());
        use_effect::__call(
            cx,
            move || {
                let guard = DropGuard(log.clone(), format!("dropped {dep}"));
                async move {
                    let _guard = guard;
                    log.push(format!("started {dep}"));
                    std::future::pending::<()>().await;
                }
            },
            dep,
        );
        p().child(self.dep).into()
    }
}

fn forever(log: &Log) -> Harness<(bool, i32)> {
    let l = log.clone();
    Harness::new((true, 0), move |&(show, dep): &(bool, i32)| {
        div().child(show.then(|| Element::component(Forever { dep, log: l.clone() }))).into()
    })
}

#[tokio::test]
async fn async_effect_is_cancelled_when_deps_change() {
    let log = Log::default();
    let mut h = forever(&log);
    wait_until("the effect started", || log.count("started 0") == 1).await;
    h.set((true, 1));
    wait_until("the first run was dropped and the second started", || {
        log.count("dropped 0") == 1 && log.count("started 1") == 1
    })
    .await;
    tokio::time::sleep(Duration::from_millis(20)).await;
    assert_eq!(log.take(), ["started 0", "dropped 0", "started 1"]);
}

#[tokio::test]
async fn async_effect_is_cancelled_on_unmount() {
    let log = Log::default();
    let mut h = forever(&log);
    wait_until("the effect started", || log.count("started 0") == 1).await;
    h.set((false, 0));
    wait_until("the future was dropped", || log.count("dropped 0") == 1).await;
    assert_eq!(log.take(), ["started 0", "dropped 0"]);
}

#[tokio::test]
async fn dropping_the_layout_runs_every_cleanup_exactly_once() {
    let log = Log::default();
    let l = log.clone();
    let mut h = Harness::new(true, move |show: &bool| {
        div()
            .child(node("A", &l, vec![node("A1", &l, vec![])]))
            .child(Element::component(Forever { dep: 0, log: l.clone() }))
            .child(show.then(|| node("B", &l, vec![])))
            .into()
    });
    wait_until("the async effect started", || log.count("started 0") == 1).await;
    h.set(false);
    assert_eq!(log.count("cleanup B"), 1);
    drop(h);
    wait_until("the async effect was dropped", || log.count("dropped 0") == 1).await;
    let mut entries = log.take();
    entries.sort();
    assert_eq!(
        entries,
        ["cleanup A", "cleanup A1", "cleanup B", "dropped 0", "mount A", "mount A1", "mount B", "started 0"]
    );
}

// ---------------------------------------------------------------------------------------------
// What re-renders

/// Counts its renders.
#[derive(PartialEq)]
struct Child {
    label: &'static str,
    renders: Counter,
}

impl Component for Child {
    fn render(&self, _cx: &mut HookContext<'_>) -> Element {
        self.renders.hit();
        p().child(self.label).into()
    }
}

#[test]
fn a_child_with_equal_props_is_not_rerendered() {
    let renders = Counter::default();
    let r = renders.clone();
    let mut h = Harness::new((0, "x"), move |&(n, label): &(i32, &'static str)| {
        div().child(p().child(n)).child(Element::component(Child { label, renders: r.clone() })).into()
    });
    assert_eq!(renders.get(), 1);
    let u = h.set((1, "x"));
    assert_update(&u, "/children/0/children/0", json!([{"op": "replace", "path": "/children/0", "value": "1"}]));
    assert_eq!(renders.get(), 1);
    let u = h.set((1, "y"));
    assert_update(&u, "/children/0/children/1", json!([{"op": "replace", "path": "/children/0", "value": "y"}]));
    assert_eq!(renders.get(), 2);
}

/// A counter that counts its renders and exports its setter.
struct Stateful {
    name: &'static str,
    renders: Counter,
    setters: Registry<&'static str, UseStateSetter<i32>>,
    children: Vec<Element>,
}

impl PartialEq for Stateful {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
            && self.renders == other.renders
            && self.setters == other.setters
            && self.children == other.children
    }
}

impl Component for Stateful {
    fn render(&self, cx: &mut HookContext<'_>) -> Element {
        self.renders.hit();
        let (count, set) = use_state::__call(cx, || 0);
        self.setters.put(self.name, set);
        div().child(format!("{}: {count}", self.name)).child(self.children.clone()).into()
    }
}

fn stateful(name: &'static str, renders: &Counter, setters: &Registry<&'static str, UseStateSetter<i32>>) -> Stateful {
    Stateful { name, renders: renders.clone(), setters: setters.clone(), children: vec![] }
}

#[test]
fn setting_an_equal_state_does_not_rerender() {
    let renders = Counter::default();
    let setters = Registry::default();
    let (r, s) = (renders.clone(), setters.clone());
    let mut h = Harness::new((), move |_: &()| Element::component(stateful("c", &r, &s)));
    setters.at(&"c").set(0);
    setters.at(&"c").update(|c| *c);
    assert!(!h.layout.has_pending());
    assert_eq!(h.step(), None);
    assert_eq!(renders.get(), 1);
}

#[test]
fn two_updates_before_a_render_compose_into_one_update() {
    let renders = Counter::default();
    let setters = Registry::default();
    let (r, s) = (renders.clone(), setters.clone());
    let mut h = Harness::new((), move |_: &()| Element::component(stateful("c", &r, &s)));
    let set = setters.at(&"c");
    set.update(|c| c + 1);
    set.update(|c| c + 1);
    assert_eq!(set.get(), 2);
    let u = h.step().unwrap();
    assert_update(&u, "/children/0", json!([{"op": "replace", "path": "/children/0", "value": "c: 2"}]));
    assert_eq!(renders.get(), 2);
    assert_eq!(h.step(), None);
}

#[test]
fn a_dirty_child_of_a_dirty_parent_renders_once() {
    let (parent_renders, child_renders) = (Counter::default(), Counter::default());
    let setters = Registry::default();
    let (pr, cr, s) = (parent_renders.clone(), child_renders.clone(), setters.clone());
    let mut h = Harness::new((), move |_: &()| {
        let child = Element::component(stateful("child", &cr, &s));
        Element::component(Stateful { children: vec![child], ..stateful("parent", &pr, &s) })
    });
    // The child first, so the queue is not already in tree order.
    setters.at(&"child").set(1);
    setters.at(&"parent").set(1);
    let u = h.step().unwrap();
    assert_update(
        &u,
        "/children/0",
        json!([
            {"op": "replace", "path": "/children/0", "value": "parent: 1"},
            {"op": "replace", "path": "/children/1/children/0", "value": "child: 1"},
        ]),
    );
    assert_eq!((parent_renders.get(), child_renders.get()), (2, 2));
    assert_eq!(h.step(), None);
}

#[test]
fn setting_the_state_of_an_unmounted_component_is_ignored() {
    let renders = Counter::default();
    let setters = Registry::default();
    let (r, s) = (renders.clone(), setters.clone());
    let mut h = Harness::new(true, move |show: &bool| {
        div().child(show.then(|| Element::component(stateful("c", &r, &s)))).into()
    });
    let set = setters.at(&"c");
    h.set(false);
    set.set(9);
    assert_eq!(h.step(), None);
    assert_eq!(renders.get(), 1);
}

/// Sets its own state from an effect on mount.
#[derive(PartialEq)]
struct SelfSetting;

impl Component for SelfSetting {
    fn render(&self, cx: &mut HookContext<'_>) -> Element {
        let (ready, set) = use_state::__call(cx, || false);
        use_effect::__call(cx, move || set.set(true), ());
        p().child(if ready { "ready" } else { "loading" }).into()
    }
}

#[test]
fn state_set_by_a_mount_effect_is_the_next_update() {
    let mut h = Harness::new((), |_: &()| Element::component(SelfSetting));
    assert_eq!(h.model["children"][0], json!({"tagName": "p", "children": ["loading"]}));
    assert!(h.layout.has_pending());
    let u = h.step().unwrap();
    assert_update(&u, "/children/0", json!([{"op": "replace", "path": "/children/0", "value": "ready"}]));
    assert_eq!(h.step(), None);
}

#[tokio::test]
async fn a_setter_used_from_a_spawned_task_wakes_render() {
    let renders = Counter::default();
    let setters = Registry::default();
    let (r, s) = (renders.clone(), setters.clone());
    let mut h = Harness::new((), move |_: &()| Element::component(stateful("c", &r, &s)));
    let set = setters.at(&"c");
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(20)).await;
        set.set(3);
    });
    let u = h.next().await;
    assert_update(&u, "/children/0", json!([{"op": "replace", "path": "/children/0", "value": "c: 3"}]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_setter_used_from_a_thread_wakes_render() {
    let renders = Counter::default();
    let setters = Registry::default();
    let (r, s) = (renders.clone(), setters.clone());
    let mut h = Harness::new((), move |_: &()| Element::component(stateful("c", &r, &s)));
    let set = setters.at(&"c");
    let thread = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(20));
        set.update(|c| c + 4);
    });
    let u = h.next().await;
    assert_update(&u, "/children/0", json!([{"op": "replace", "path": "/children/0", "value": "c: 4"}]));
    thread.join().unwrap();
}

#[tokio::test]
async fn render_is_cancel_safe() {
    let renders = Counter::default();
    let setters = Registry::default();
    let (r, s) = (renders.clone(), setters.clone());
    let mut h = Harness::new((), move |_: &()| Element::component(stateful("c", &r, &s)));
    assert!(tokio::time::timeout(Duration::from_millis(10), h.layout.render()).await.is_err());
    setters.at(&"c").set(1);
    let u = h.next().await;
    assert_update(&u, "/children/0", json!([{"op": "replace", "path": "/children/0", "value": "c: 1"}]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_layout_renders_on_another_task() {
    let renders = Counter::default();
    let setters = Registry::default();
    let (r, s) = (renders.clone(), setters.clone());
    let mut h = Harness::new((), move |_: &()| Element::component(stateful("c", &r, &s)));
    let session = tokio::spawn(async move {
        let u = h.next().await;
        (h, u)
    });
    tokio::time::sleep(Duration::from_millis(10)).await;
    setters.at(&"c").set(2);
    let (h, u) = session.await.unwrap();
    assert_update(&u, "/children/0", json!([{"op": "replace", "path": "/children/0", "value": "c: 2"}]));
    assert_eq!(h.model["children"][0]["children"], json!(["c: 2"]));
}
