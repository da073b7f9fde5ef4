//! `use_resource`: loading, then ready or failed, as exact patches; new deps make it loading in
//! the same render and cancel the stale run; unmounting cancels the current run.
//!
//! The loads wait on gates the test opens (`tokio::sync::oneshot`); a cancelled run's gate
//! closes (its receiver is dropped with the task), which is how a test sees the cancellation.

mod common;

use std::collections::HashMap;

use common::{Harness, Shared, assert_update, wait_until};
use idom::prelude::*;
use serde_json::json;
use tokio::sync::oneshot;

/// Gates the loads wait on, by name; the test opens them.
#[derive(Clone, Default, PartialEq)]
struct Gates(Shared<HashMap<String, oneshot::Sender<Result<String, String>>>>);

impl Gates {
    fn wait(&self, name: &str) -> oneshot::Receiver<Result<String, String>> {
        let (tx, rx) = oneshot::channel();
        self.0.with(|m| m.insert(name.to_owned(), tx));
        rx
    }

    /// Waits (at most 5 s) until a load waits on the gate `name`.
    async fn waited(&self, name: &str) {
        wait_until(&format!("a load waits on {name}"), || self.0.with(|m| m.contains_key(name))).await;
    }

    /// Opens a gate; `false` when its load was cancelled.
    fn open(&self, name: &str, result: Result<&str, &str>) -> bool {
        let tx = self.0.with(|m| m.remove(name)).unwrap_or_else(|| panic!("no load waits on {name}"));
        tx.send(result.map(str::to_owned).map_err(str::to_owned)).is_ok()
    }

    /// Waits (at most 5 s) until the load waiting on `name` is dropped.
    async fn cancelled(&self, name: &str) {
        wait_until(&format!("the load of {name} is cancelled"), || {
            self.0.with(|m| m.get(name).is_some_and(|tx| tx.is_closed()))
        })
        .await;
    }
}

/// Loads `query` through its gate and shows the state of the resource.
#[component]
fn Report(query: String, gates: Gates) -> Element {
    let gate = gates.wait_later(&query);
    let rows = use_resource(query.clone(), async move { gate.await.unwrap_or_else(|_| Err("gate dropped".into())) });
    match rows {
        Resource::Loading => html! { <p>"loading " {query}</p> },
        Resource::Ready(text) => html! { <p>"ready: " {text}</p> },
        Resource::Failed(error) => html! { <p class="error">"failed: " {error}</p> },
    }
}

impl Gates {
    /// The gate of `name`, made when the load first polls (so only a load that runs makes one).
    fn wait_later(
        &self,
        name: &str,
    ) -> impl Future<Output = Result<Result<String, String>, oneshot::error::RecvError>> + use<> {
        let (gates, name) = (self.clone(), name.to_owned());
        async move { gates.wait(&name).await }
    }
}

fn page(gates: &Gates) -> Harness<String> {
    let g = gates.clone();
    Harness::new(
        "a".to_owned(),
        move |query: &String| html! { <div><Report query={query.clone()} gates={g.clone()} /></div> },
    )
}

#[tokio::test]
async fn loading_then_ready() {
    let gates = Gates::default();
    let mut h = page(&gates);
    assert_eq!(h.model["children"][0]["children"][0], json!({"tagName": "p", "children": ["loading a"]}));
    gates.waited("a").await;
    assert!(gates.open("a", Ok("rows of a")));
    let u = h.next().await;
    assert_update(
        &u,
        "/children/0/children/0",
        json!([{"op": "replace", "path": "/children/0", "value": "ready: rows of a"}]),
    );
}

#[tokio::test]
async fn loading_then_failed() {
    let gates = Gates::default();
    let mut h = page(&gates);
    gates.waited("a").await;
    assert!(gates.open("a", Err("no database")));
    let u = h.next().await;
    assert_update(
        &u,
        "/children/0/children/0",
        json!([
            {"op": "add", "path": "/attributes", "value": {"class": "error"}},
            {"op": "replace", "path": "/children/0", "value": "failed: no database"},
        ]),
    );
}

#[tokio::test]
async fn new_deps_show_loading_at_once_and_cancel_the_stale_run() {
    let gates = Gates::default();
    let mut h = page(&gates);
    gates.waited("a").await;
    let u = h.set("ab".to_owned());
    assert_update(
        &u,
        "/children/0/children/0",
        json!([{"op": "replace", "path": "/children/0", "value": "loading ab"}]),
    );
    gates.cancelled("a").await;
    assert!(!gates.open("a", Ok("stale")), "the run of the old deps was cancelled");
    gates.waited("ab").await;
    assert!(gates.open("ab", Ok("rows of ab")));
    let u = h.next().await;
    assert_update(
        &u,
        "/children/0/children/0",
        json!([{"op": "replace", "path": "/children/0", "value": "ready: rows of ab"}]),
    );
    // Equal deps start nothing: the resource stays ready.
    assert_eq!(h.try_set("ab".to_owned()), None);
}

#[tokio::test]
async fn unmount_cancels_the_run() {
    let gates = Gates::default();
    let g = gates.clone();
    let mut h = Harness::new(true, move |show: &bool| {
        html! { <div>if *show { <Report query="a" gates={g.clone()} /> }</div> }
    });
    gates.waited("a").await;
    let u = h.set(false);
    assert_update(&u, "/children/0", json!([{"op": "remove", "path": "/children"}]));
    gates.cancelled("a").await;
    assert!(!gates.open("a", Ok("late")));
    assert_eq!(h.step(), None, "no late update");
}
