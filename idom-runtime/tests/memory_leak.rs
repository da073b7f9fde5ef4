//! Nothing outlives its component: every registry a component joins forgets it when it unmounts.
//!
//! Each test mounts 1,000 keyed children under a root, renders a few warm-up rounds (so buffers,
//! arenas and maps reach their working size), takes the heap as the baseline, then replaces all
//! 1,000 children with new keys 20 times and requires the heap back at the baseline, within
//! [`TOLERANCE`]. A registry that keeps one pointer per unmounted child grows by 20,000 entries
//! over the churn, far more than the tolerance.
//!
//! The heap figures are the whole process's (a counting global allocator), so the tests of this
//! file run one at a time, on a current-thread runtime.

use std::future::pending;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock, Mutex};

use idom::html::{button, div, events};
use idom::prelude::*;
use idom::testing::StaticEventHandler;
use idom::{Component, HookContext};
use stats_alloc::{INSTRUMENTED_SYSTEM, StatsAlloc};

#[global_allocator]
static GLOBAL: &StatsAlloc<std::alloc::System> = &INSTRUMENTED_SYSTEM;

/// The tests of this file run one at a time: the heap figures are the whole process's.
static SERIAL: Mutex<()> = Mutex::new(());

/// Children replaced per round.
const ROWS: u64 = 1_000;
/// Rounds of churn after the baseline.
const ROUNDS: u64 = 20;
/// Rounds before the baseline.
const WARM_UP: u64 = 3;
/// How far from the baseline the heap may end: 16 KiB, under one byte per unmounted child
/// (20,000 of them), so a registry that keeps even a pointer per child fails.
const TOLERANCE: i64 = 16 * 1024;

/// Bytes on the heap now (growth by `realloc` is counted in `bytes_allocated` already).
fn heap() -> i64 {
    let stats = GLOBAL.stats();
    stats.bytes_allocated as i64 - stats.bytes_deallocated as i64
}

type View = Arc<dyn Fn(u64) -> Element + Send + Sync>;

/// The root: renders `view(round)`, where the test sets `round` through the setter it leaves in
/// `setter`.
struct Churn {
    view: View,
    setter: Arc<Mutex<Option<UseStateSetter<u64>>>>,
}

impl PartialEq for Churn {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.setter, &other.setter)
    }
}

impl Component for Churn {
    fn render(&self, cx: &mut HookContext<'_>) -> Element {
        let (round, set_round) = idom::hooks::use_state::__call(cx, || 0);
        *self.setter.lock().unwrap() = Some(set_round);
        (self.view)(round)
    }
}

/// The keys of round `round`: new ones every round, so every child is unmounted and replaced.
fn keys(round: u64) -> impl Iterator<Item = u64> {
    (0..ROWS).map(move |i| round * ROWS + i)
}

/// Lets the runtime run what is ready: tasks, and the cancellation of aborted ones (a tick of the
/// current-thread scheduler runs a few dozen tasks, so 1,000 aborts take many yields). Stops once
/// no more than one round's tasks are alive, or after enough yields for a leak to show.
async fn settle() {
    let metrics = tokio::runtime::Handle::current().metrics();
    for i in 0..10_000 {
        tokio::task::yield_now().await;
        if i >= 8 && metrics.num_alive_tasks() <= ROWS as usize {
            break;
        }
    }
}

/// Mounts `view`, runs `each_round` after every render (to start tasks, say), churns, and returns
/// how far the heap ended from the baseline.
async fn churn(view: View, each_round: impl Fn(&mut Layout)) -> i64 {
    let setter = Arc::new(Mutex::new(None));
    let mut layout = Layout::new(Churn { view, setter: setter.clone() });
    let set_round = |layout: &mut Layout, round: u64| {
        let setter = setter.lock().unwrap().clone().expect("the root rendered");
        setter.set(round);
        drop(layout.try_render().expect("a new round is an update"));
    };
    drop(layout.try_render().expect("the first render"));
    each_round(&mut layout);
    settle().await;
    for round in 1..=WARM_UP {
        set_round(&mut layout, round);
        each_round(&mut layout);
        settle().await;
    }
    let baseline = heap();
    for round in WARM_UP + 1..=WARM_UP + ROUNDS {
        set_round(&mut layout, round);
        each_round(&mut layout);
        settle().await;
    }
    let growth = heap() - baseline;
    drop(layout);
    growth
}

/// Runs a churn test alone, on a current-thread runtime, and checks the heap figure.
fn check(name: &str, view: View, each_round: impl Fn(&mut Layout)) {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let growth = runtime.block_on(churn(view, each_round));
    eprintln!("{name}: heap {growth:+} bytes after {ROUNDS} rounds of {ROWS} children replaced");
    assert!(
        growth.abs() <= TOLERANCE,
        "{name}: the heap grew by {growth} bytes over {ROUNDS} rounds of {ROWS} replaced children \
         (tolerance {TOLERANCE}); something kept unmounted components"
    );
}

/// Delivers a click to every `onClick` handler in the layout's model.
fn click_all(layout: &mut Layout) {
    fn targets(node: &serde_json::Value, out: &mut Vec<String>) {
        if let Some(target) = node.pointer("/eventHandlers/onClick/target").and_then(|t| t.as_str()) {
            out.push(target.to_owned());
        }
        for child in node.get("children").and_then(|c| c.as_array()).into_iter().flatten() {
            targets(child, out);
        }
    }
    let mut found = Vec::new();
    targets(&layout.model(), &mut found);
    assert_eq!(found.len() as u64, ROWS, "one handler per row");
    for target in found {
        layout.deliver_now(LayoutEvent::new(&*target, vec![serde_json::json!({"type": "click"})]));
    }
}

// ---------------------------------------------------------------------------------------------
// context readers

static NUMBER: LazyLock<Context<u32>> = LazyLock::new(|| create_context(0));

#[component]
fn Reader() -> Element {
    let n = use_context(&NUMBER);
    html! { <p>{n}</p> }
}

#[test]
fn context_readers_leave_their_provider_when_they_unmount() {
    let view: View = Arc::new(|round| NUMBER.provide(7, html! { for k in keys(round) { <Reader key={k} /> } }));
    check("context readers", view, |_| {});
}

static COUNTED_RENDERS: AtomicUsize = AtomicUsize::new(0);

#[component]
fn CountedReader() -> Element {
    COUNTED_RENDERS.fetch_add(1, Ordering::SeqCst);
    let n = use_context(&NUMBER);
    html! { <p>{n}</p> }
}

#[test]
fn a_changed_value_reaches_exactly_the_mounted_readers() {
    // Rounds 1 and 2 replace the readers under an unchanged value; round 3 keeps round 2's
    // readers and changes the value: exactly those 1,000 re-render, none of the unmounted ones.
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let view: View = Arc::new(|round| {
        let (value, readers) = if round < 3 { (7, round) } else { (8, 2) };
        NUMBER.provide(value, html! { for k in keys(readers) { <CountedReader key={k} /> } })
    });
    let setter = Arc::new(Mutex::new(None));
    let mut layout = Layout::new(Churn { view, setter: setter.clone() });
    drop(layout.try_render());
    for round in 1..=3 {
        let before = COUNTED_RENDERS.load(Ordering::SeqCst);
        setter.lock().unwrap().clone().expect("the root rendered").set(round);
        while layout.try_render().is_some() {}
        let renders = COUNTED_RENDERS.load(Ordering::SeqCst) - before;
        assert_eq!(renders as u64, ROWS, "round {round}: every mounted reader renders once");
    }
    let texts = layout.model()["children"].as_array().unwrap().iter().filter(|p| p["children"][0] == "8").count();
    assert_eq!(texts as u64, ROWS);
}

// ---------------------------------------------------------------------------------------------
// handler targets

#[component]
fn Clickable() -> Element {
    html! { <button onclick={|_| {}}>"click"</button> }
}

#[test]
fn elements_with_handlers_leave_no_targets_behind() {
    let view: View = Arc::new(|round| html! { for k in keys(round) { <Clickable key={k} /> } });
    check("elements with handlers", view, click_all);
}

#[test]
fn fixed_targets_are_forgotten_when_their_element_unmounts() {
    // Every round gets handlers it never had before; all are made before the baseline, so the
    // ids themselves are not part of the figure.
    let handlers: Arc<Vec<StaticEventHandler>> =
        Arc::new((0..(WARM_UP + ROUNDS + 1) * ROWS).map(|_| StaticEventHandler::new()).collect());
    let view: View = Arc::new(move |round| {
        let rows = keys(round).map(|k| {
            let handler = &handlers[k as usize];
            Element::from(button().key(k).on_target(events::onclick, handler.target(), |_| {}))
        });
        div().child(rows.collect::<Vec<_>>()).into()
    });
    check("fixed targets", view, |_| {});
}

// ---------------------------------------------------------------------------------------------
// tasks

#[component]
fn Waiting() -> Element {
    html! { <button onclick={|_| async { pending::<()>().await }}>"wait"</button> }
}

#[test]
fn tasks_of_async_handlers_end_with_their_component() {
    let view: View = Arc::new(|round| html! { for k in keys(round) { <Waiting key={k} /> } });
    check("async handler tasks", view, click_all);
}

#[component]
fn Polling() -> Element {
    use_effect(|| async { pending::<()>().await }, ());
    html! { <p>"polling"</p> }
}

#[test]
fn tasks_of_async_effects_end_with_their_component() {
    let view: View = Arc::new(|round| html! { for k in keys(round) { <Polling key={k} /> } });
    check("async effect tasks", view, |_| {});
}

// ---------------------------------------------------------------------------------------------
// effects with cleanups

#[component]
fn Subscribed() -> Element {
    use_effect(
        || {
            let held = vec![0u8; 64];
            move || drop(held)
        },
        (),
    );
    html! { <p>"subscribed"</p> }
}

#[test]
fn effect_cleanups_run_and_are_dropped_on_unmount() {
    let view: View = Arc::new(|round| html! { for k in keys(round) { <Subscribed key={k} /> } });
    check("effects with cleanups", view, |_| {});
}

// ---------------------------------------------------------------------------------------------
// async renders

/// The wakers the rows' unfinished renders left; the test wakes them after each round, those of
/// unmounted rows included.
static WAKERS: Mutex<Vec<std::task::Waker>> = Mutex::new(Vec::new());

/// Never finishes; leaves its waker in [`WAKERS`] each time it is polled.
struct Parked;

impl std::future::Future for Parked {
    type Output = ();

    fn poll(self: std::pin::Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> std::task::Poll<()> {
        WAKERS.lock().unwrap().push(cx.waker().clone());
        std::task::Poll::Pending
    }
}

#[component(fallback = html! { <p>"parked"</p> })]
async fn ParkedRow() -> Element {
    Parked.await;
    html! { <p>"never"</p> }
}

#[test]
fn unfinished_async_renders_end_with_their_component_and_stale_wakers_leave_nothing() {
    let view: View = Arc::new(|round| html! { for k in keys(round) { <ParkedRow key={k} /> } });
    check("unfinished async renders", view, |layout| {
        // Wake the renders of this round and of the unmounted rows of the round before: the
        // layout polls the first again and drops the others' wakers.
        let wakers = std::mem::take(&mut *WAKERS.lock().unwrap());
        wakers.into_iter().for_each(std::task::Waker::wake);
        assert_eq!(layout.try_render(), None, "a render that stays pending changes nothing");
        assert_eq!(WAKERS.lock().unwrap().len() as u64, ROWS, "only the mounted rows were polled again");
    });
}

#[component]
fn Loading() -> Element {
    let state = use_resource((), pending::<Result<(), ()>>());
    html! { <p>if state.is_loading() { "loading" }</p> }
}

#[test]
fn resource_runs_end_with_their_component() {
    let view: View = Arc::new(|round| html! { for k in keys(round) { <Loading key={k} /> } });
    check("resource runs", view, |_| {});
}
