//! Async components: `#[component] async fn` shows its fallback while its future is pending, then
//! its result as an ordinary update; a new render restarts the future and an unmount cancels it
//! (nothing after its `.await` ever runs); a failure shows the error node or the nearest error
//! boundary's fallback; `Suspense` lends its fallback to the async components inside it; the
//! prerender waits for them up to its budget.
//!
//! The futures wait on gates the test opens (`tokio::sync::oneshot`), so every step is exact: a
//! gate whose future was dropped cannot be opened any more, which is how a test sees a
//! cancellation.

mod common;

use std::collections::HashMap;
use std::time::Duration;

use common::{Counter, Harness, Shared, assert_update, changes_without_handlers, oops, target, without_handlers};
use idom::prelude::*;
use serde_json::{Value, json};
use tokio::sync::oneshot;

/// Gates that async renders wait on, by name; the test opens them.
#[derive(Clone, Default, PartialEq)]
struct Gates(Shared<HashMap<String, oneshot::Sender<String>>>);

impl Gates {
    /// A gate named `name`, for a future to wait on.
    fn wait(&self, name: impl Into<String>) -> oneshot::Receiver<String> {
        let (tx, rx) = oneshot::channel();
        self.0.with(|m| m.insert(name.into(), tx));
        rx
    }

    /// Opens a gate with `text`; `false` when the future waiting on it was dropped.
    fn open(&self, name: &str, text: &str) -> bool {
        let tx = self.0.with(|m| m.remove(name)).unwrap_or_else(|| panic!("no render waits on gate {name}"));
        tx.send(text.to_owned()).is_ok()
    }
}

/// Waits on the gate `name`, then shows `name: text`.
#[component(fallback = html! { <p>"loading"</p> })]
async fn Load(name: &'static str, gates: Gates) -> Element {
    let text = gates.wait(name).await.unwrap_or_default();
    html! { <p>{name} ": " {text}</p> }
}

/// [`Load`] without a fallback of its own.
#[component]
async fn Quiet(name: &'static str, gates: Gates) -> Element {
    let text = gates.wait(name).await.unwrap_or_default();
    html! { <p>{name} ": " {text}</p> }
}

/// A button that counts its clicks and shows `name=count`.
#[component]
fn Clicks(name: &'static str) -> Element {
    let (count, set_count) = use_state(|| 0);
    html! { <button onclick={move |_| set_count.update(|c| c + 1)}>{name} "=" {count}</button> }
}

fn p(text: &str) -> Value {
    json!({"tagName": "p", "children": [text]})
}

fn button(text: &str) -> Value {
    json!({"tagName": "button", "children": [text]})
}

/// The children of the root's `<div>`, without handler targets.
fn children<T: Clone + PartialEq + Send + Sync + 'static>(h: &Harness<T>) -> Value {
    without_handlers(&h.model["children"][0])["children"].clone()
}

fn click<T: Clone + PartialEq + Send + Sync + 'static>(h: &mut Harness<T>, pointer: &str) -> Option<LayoutUpdate> {
    let target = target(&h.model, pointer, "onClick");
    h.layout.deliver_now(LayoutEvent::new(target, vec![json!({"type": "click"})]));
    h.step()
}

#[test]
fn the_fallback_then_the_result() {
    let gates = Gates::default();
    let g = gates.clone();
    let mut h = Harness::new(0, move |_: &i32| html! { <div><Load name="a" gates={g.clone()} /></div> });
    assert_eq!(children(&h), json!([p("loading")]));
    assert_eq!(h.step(), None, "a pending render changes nothing until its future can go on");
    assert!(gates.open("a", "rows"));
    let u = h.step().expect("the finished render is an update");
    assert_update(&u, "/children/0/children/0", json!([{"op": "replace", "path": "/children/0", "value": "a: rows"}]));
    assert_eq!(h.step(), None);
}

#[component(fallback = html! { <p>"loading"</p> })]
async fn Instant(text: &'static str) -> Element {
    let text = std::future::ready(text).await;
    html! { <p>{text}</p> }
}

#[test]
fn a_future_that_is_ready_at_once_shows_no_fallback() {
    let mut h = Harness::new(0, |_: &i32| html! { <div><Instant text="at once" /></div> });
    assert_eq!(children(&h), json!([p("at once")]));
    assert_eq!(h.step(), None);
}

#[test]
fn a_props_change_restarts_the_render_and_only_the_last_result_shows() {
    let gates = Gates::default();
    let g = gates.clone();
    let mut h =
        Harness::new("a", move |name: &&'static str| html! { <div><Load name={*name} gates={g.clone()} /></div> });
    assert_eq!(h.try_set("b"), None, "the new render shows the same fallback");
    assert!(!gates.open("a", "stale"), "the render of the old props was dropped");
    assert_eq!(h.step(), None);
    assert!(gates.open("b", "fresh"));
    let u = h.step().unwrap();
    assert_update(&u, "/children/0/children/0", json!([{"op": "replace", "path": "/children/0", "value": "b: fresh"}]));
    // A new render after the result shows the fallback again until its own future finishes.
    let u = h.set("c");
    assert_update(&u, "/children/0/children/0", json!([{"op": "replace", "path": "/children/0", "value": "loading"}]));
    assert!(gates.open("c", "later"));
    assert_eq!(
        children(&{
            h.step().unwrap();
            h
        }),
        json!([p("c: later")])
    );
}

#[test]
fn a_result_woken_in_the_update_that_restarts_the_render_is_not_shown() {
    let gates = Gates::default();
    let g = gates.clone();
    let mut h =
        Harness::new("a", move |name: &&'static str| html! { <div><Load name={*name} gates={g.clone()} /></div> });
    // The old future can finish, and the props change, before the layout renders again: the
    // restart comes first and drops it.
    assert!(gates.open("a", "stale"));
    assert_eq!(h.try_set("b"), None, "the stale result never shows");
    assert!(gates.open("b", "fresh"));
    h.step().unwrap();
    assert_eq!(children(&h), json!([p("b: fresh")]));
}

#[test]
fn a_parents_render_with_equal_props_leaves_the_pending_render_alone() {
    let gates = Gates::default();
    let g = gates.clone();
    let mut h = Harness::new(0, move |n: &i32| html! { <div><p>{*n}</p><Load name="a" gates={g.clone()} /></div> });
    let u = h.set(1);
    assert_update(&u, "/children/0/children/0", json!([{"op": "replace", "path": "/children/0", "value": "1"}]));
    assert!(gates.open("a", "kept"), "the pending render was not restarted");
    h.step().unwrap();
    assert_eq!(children(&h), json!([p("1"), p("a: kept")]));
}

/// Shows which attempt it waits for; its fallback's button starts another.
#[component(fallback = html! {
    <button onclick={move |_| set_attempt.update(|n| n + 1)}>"attempt " {attempt}</button>
})]
async fn Retry(gates: Gates) -> Element {
    let (attempt, set_attempt) = use_state(|| 1);
    let text = gates.wait(format!("attempt {attempt}")).await.unwrap_or_default();
    html! { <p>{text}</p> }
}

#[test]
fn a_state_change_restarts_the_render() {
    let gates = Gates::default();
    let g = gates.clone();
    let mut h = Harness::new(0, move |_: &i32| html! { <div><Retry gates={g.clone()} /></div> });
    assert_eq!(children(&h), json!([button("attempt 1")]));
    let u = click(&mut h, "/children/0/children/0").unwrap();
    assert_update(
        &u,
        "/children/0/children/0",
        json!([{"op": "replace", "path": "/children/0", "value": "attempt 2"}]),
    );
    assert!(!gates.open("attempt 1", "stale"), "the first attempt was dropped");
    assert!(gates.open("attempt 2", "second"));
    h.step().unwrap();
    assert_eq!(children(&h), json!([p("second")]));
}

/// Counts the times code after its `.await` ran.
#[component(fallback = html! { <p>"loading"</p> })]
async fn Flagged(gates: Gates, after_await: Counter) -> Element {
    let text = gates.wait("flagged").await.unwrap_or_default();
    after_await.hit();
    html! { <p>{text}</p> }
}

#[test]
fn unmount_cancels_the_render() {
    let (gates, after_await) = (Gates::default(), Counter::default());
    let (g, a) = (gates.clone(), after_await.clone());
    let mut h = Harness::new(true, move |show: &bool| {
        html! {
            <div>
                if *show { <Flagged gates={g.clone()} after_await={a.clone()} /> }
                <p>"after"</p>
            </div>
        }
    });
    assert_eq!(children(&h), json!([p("loading"), p("after")]));
    let u = h.set(false);
    assert_update(&u, "/children/0", json!([{"op": "remove", "path": "/children/0"}]));
    assert!(!gates.open("flagged", "late"), "the future was dropped with its component");
    assert_eq!(h.step(), None, "no late update");
    assert_eq!(after_await.get(), 0, "nothing after the .await ran");
}

/// Fails after its gate opens: panics, or returns an error.
#[component(fallback = html! { <p>"loading"</p> })]
async fn Failing(gates: Gates, panics: bool) -> Result<Element, String> {
    let text = gates.wait("fail").await.unwrap_or_default();
    if panics {
        panic!("async boom: {text}");
    }
    Err(format!("no rows: {text}"))
}

fn error_node(message: &str) -> Value {
    if cfg!(debug_assertions) {
        json!({"tagName": "pre", "attributes": {"class": "idom-error"}, "children": [message]})
    } else {
        json!({"tagName": "pre", "attributes": {"class": "idom-error"}})
    }
}

#[test]
fn a_panic_or_an_error_shows_the_components_error_node() {
    for (panics, message) in [(true, "Failing failed: async boom: x"), (false, "Failing failed: no rows: x")] {
        let gates = Gates::default();
        let g = gates.clone();
        let mut h = Harness::new(0, move |_: &i32| {
            html! { <div><Clicks name="a" /><Failing gates={g.clone()} panics={panics} /></div> }
        });
        assert!(gates.open("fail", "x"));
        let u = h.step().expect("the failure is shown");
        assert_eq!(u.path, "/children/0");
        assert_eq!(
            u.changes_json(),
            json!([{"op": "remove", "path": "/children/1"}, {"op": "add", "path": "/children/1", "value": error_node(message)}]),
            "panics: {panics}"
        );
        // The sibling goes on.
        let u = click(&mut h, "/children/0/children/0").unwrap();
        assert_update(&u, "/children/0/children/0", json!([{"op": "replace", "path": "/children/0", "value": "a=1"}]));
    }
}

#[test]
fn an_async_failure_goes_to_the_nearest_boundary() {
    let gates = Gates::default();
    let g = gates.clone();
    let mut h = Harness::new(0, move |_: &i32| {
        html! {
            <div>
                <Clicks name="a" />
                <ErrorBoundary fallback={oops}>
                    <Clicks name="b" />
                    <Failing gates={g.clone()} panics={true} />
                </ErrorBoundary>
            </div>
        }
    });
    assert_eq!(children(&h), json!([button("a=0"), button("b=0"), p("loading")]));
    assert!(gates.open("fail", "x"));
    let u = h.step().expect("the boundary shows its fallback");
    let text = if cfg!(debug_assertions) { "Failing failed: async boom: x" } else { "Failing failed: " };
    let fallback = json!({"tagName": "div", "attributes": {"class": "oops"}, "children": [p(text), button("reset")]});
    assert_eq!(u.path, "/children/0");
    assert_eq!(
        changes_without_handlers(&u),
        json!([
            {"op": "remove", "path": "/children/1"},
            {"op": "remove", "path": "/children/1"},
            {"op": "add", "path": "/children/1", "value": fallback},
        ])
    );
    // A reset mounts the children afresh: the async component loads again.
    let u = click(&mut h, "/children/0/children/1/children/1").unwrap();
    assert_eq!(
        changes_without_handlers(&u),
        json!([
            {"op": "remove", "path": "/children/1"},
            {"op": "add", "path": "/children/1", "value": button("b=0")},
            {"op": "add", "path": "/children/2", "value": p("loading")},
        ])
    );
}

#[test]
fn siblings_render_and_stay_interactive_while_a_child_is_pending() {
    let gates = Gates::default();
    let g = gates.clone();
    let mut h = Harness::new(0, move |_: &i32| {
        html! { <div><Clicks name="a" /><Load name="slow" gates={g.clone()} /><Clicks name="b" /></div> }
    });
    assert_eq!(children(&h), json!([button("a=0"), p("loading"), button("b=0")]));
    let u = click(&mut h, "/children/0/children/0").unwrap();
    assert_update(&u, "/children/0/children/0", json!([{"op": "replace", "path": "/children/0", "value": "a=1"}]));
    let u = click(&mut h, "/children/0/children/2").unwrap();
    assert_update(&u, "/children/0/children/2", json!([{"op": "replace", "path": "/children/0", "value": "b=1"}]));
    assert!(gates.open("slow", "done"));
    let u = h.step().unwrap();
    assert_update(
        &u,
        "/children/0/children/1",
        json!([{"op": "replace", "path": "/children/0", "value": "slow: done"}]),
    );
    // Their state survived the pending sibling.
    assert_eq!(children(&h), json!([button("a=1"), p("slow: done"), button("b=1")]));
}

#[test]
fn suspense_lends_its_fallback_to_each_pending_component_inside() {
    let gates = Gates::default();
    let g = gates.clone();
    let mut h = Harness::new(0, move |_: &i32| {
        let wait = html! { <p>"wait"</p> };
        html! {
            <div>
                <Suspense fallback={wait}>
                    <Quiet name="x" gates={g.clone()} />
                    <Clicks name="a" />
                    <Load name="own" gates={g.clone()} />
                    <Quiet name="y" gates={g.clone()} />
                </Suspense>
            </div>
        }
    });
    assert_eq!(children(&h), json!([p("wait"), button("a=0"), p("loading"), p("wait")]));
    let u = click(&mut h, "/children/0/children/1").unwrap();
    assert_update(&u, "/children/0/children/1", json!([{"op": "replace", "path": "/children/0", "value": "a=1"}]));
    assert!(gates.open("y", "Y"));
    let u = h.step().unwrap();
    // The lent fallback and the result are different nodes: one goes, the other comes.
    assert_update(
        &u,
        "/children/0",
        json!([{"op": "remove", "path": "/children/3"}, {"op": "add", "path": "/children/3", "value": p("y: Y")}]),
    );
    assert!(gates.open("x", "X"));
    assert!(gates.open("own", "O"));
    h.step().unwrap();
    assert_eq!(children(&h), json!([p("x: X"), button("a=1"), p("own: O"), p("y: Y")]));
}

#[test]
fn a_suspense_fallback_that_suspends_shows_the_fallback_further_up() {
    let gates = Gates::default();
    let g = gates.clone();
    let mut h = Harness::new(0, move |_: &i32| {
        let inner_fallback = html! { <Quiet name="fallback" gates={g.clone()} /> };
        let outer_fallback = html! { <p>"outer wait"</p> };
        html! {
            <div>
                <Suspense fallback={outer_fallback}>
                    <Suspense fallback={inner_fallback}>
                        <Quiet name="content" gates={g.clone()} />
                    </Suspense>
                </Suspense>
            </div>
        }
    });
    assert_eq!(children(&h), json!([p("outer wait")]));
    assert!(gates.open("fallback", "F"));
    h.step().unwrap();
    assert_eq!(children(&h), json!([p("fallback: F")]));
    assert!(gates.open("content", "C"));
    h.step().unwrap();
    assert_eq!(children(&h), json!([p("content: C")]));
}

/// Logs its effect, which is declared before its `.await`.
#[component(fallback = html! { <p>"loading"</p> })]
async fn WithEffect(gates: Gates, effects: Counter) -> Element {
    use_effect(move || effects.hit(), ());
    let text = gates.wait("effect").await.unwrap_or_default();
    html! { <p>{text}</p> }
}

#[test]
fn effects_declared_before_the_await_run_after_the_render_that_declared_them() {
    let (gates, effects) = (Gates::default(), Counter::default());
    let (g, e) = (gates.clone(), effects.clone());
    let mut h =
        Harness::new(0, move |_: &i32| html! { <div><WithEffect gates={g.clone()} effects={e.clone()} /></div> });
    assert_eq!(effects.get(), 1, "the effect ran after the render that showed the fallback");
    assert!(gates.open("effect", "done"));
    h.step().unwrap();
    assert_eq!(effects.get(), 1, "finishing the render does not run it again");
}

/// Sleeps for `ms`, then shows `done after <ms> ms`.
#[component(fallback = html! { <p>"loading"</p> })]
async fn Sleepy(ms: u64) -> Element {
    tokio::time::sleep(Duration::from_millis(ms)).await;
    html! { <p>"done after " {ms} " ms"</p> }
}

#[tokio::test(start_paused = true)]
async fn the_layout_wakes_when_the_future_can_go_on() {
    let mut layout = Layout::new(Sleepy { ms: 50 });
    let first = layout.render().await;
    assert_eq!(
        first.changes_json(),
        json!([{"op": "add", "path": "", "value": {"tagName": "", "children": [p("loading")]}}])
    );
    let update = tokio::time::timeout(Duration::from_secs(5), layout.render()).await.expect("an update");
    assert_update(
        &update,
        "/children/0",
        json!([{"op": "replace", "path": "/children/0", "value": "done after 50 ms"}]),
    );
}

#[tokio::test(start_paused = true)]
async fn the_prerender_waits_within_its_budget_and_then_sends_the_fallback() {
    let budget = Duration::from_millis(100);
    let page = |quick: u64, slow: u64| {
        html! { <main><Sleepy ms={quick} /><Sleepy ms={slow} /></main> }
    };
    assert_eq!(
        idom::render_to_html_within(page(10, 90), budget).await,
        "<main><p>done after 10 ms</p><p>done after 90 ms</p></main>",
        "both finish within the budget"
    );
    assert_eq!(
        idom::render_to_html_within(page(10, 10_000), budget).await,
        "<main><p>done after 10 ms</p><p>loading</p></main>",
        "the slow one is sent as its fallback"
    );
    assert_eq!(
        idom::render_to_html_within(page(10, 90), Duration::ZERO).await,
        "<main><p>loading</p><p>loading</p></main>",
        "a zero budget sends every fallback"
    );
}
