//! use_persisted_state headless: values restored from a session's state, saved when set (with
//! the session's time to live), a value of another type dropped with a warning, and plain state
//! where there is no store.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::{wait_until, warnings};
use idom::cluster::{Backend, MemoryBackend, SessionStore};
use idom::hooks::{provide_session_store, use_persisted_state};
use idom::prelude::*;
use idom::testing::TestLayout;
use serde_json::json;

#[component]
fn Counter() -> Element {
    let (count, set_count) = use_persisted_state("count", || 10u32);
    let (name, _) = use_persisted_state("name", || "nobody".to_owned());
    html! { <button onclick={move |_| set_count.update(|c| c + 1)}>{name} ": " {count}</button> }
}

fn store(backend: &Arc<MemoryBackend>, restored: Option<&str>) -> SessionStore {
    SessionStore::new("s1", backend.clone(), Duration::from_secs(60), restored)
}

#[tokio::test]
async fn values_are_restored_and_saved_when_set() {
    let backend = Arc::new(MemoryBackend::new());
    let store = store(&backend, Some(r#"{"count": 3, "name": "ada"}"#));
    let mut t = TestLayout::from_element(provide_session_store(store.clone(), html! { <Counter /> })).await;
    assert_eq!(t.text(), "ada: 3");
    assert!(backend.is_empty(), "nothing is saved before something changes");

    let button = t.find_all_by_tag("button").remove(0);
    t.fire(&button, "onclick", json!({"type": "click"})).await;
    assert_eq!(t.text(), "ada: 4");
    assert_eq!(store.get("count"), Some(json!(4)));
    wait_until("the state is saved", || !backend.is_empty()).await;
    let saved = backend.claim("s1").await.unwrap().expect("saved");
    assert_eq!(serde_json::from_str::<serde_json::Value>(&saved).unwrap(), json!({"count": 4, "name": "ada"}));
    // Claimed once: a second claim finds nothing.
    assert_eq!(backend.claim("s1").await.unwrap(), None);
}

#[test]
fn a_value_of_another_type_is_dropped_with_a_warning() {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let backend = Arc::new(MemoryBackend::new());
    let store = store(&backend, Some(r#"{"count": "three", "name": "ada"}"#));
    let root = provide_session_store(store.clone(), html! { <Counter /> });
    let (t, logged) = warnings(|| rt.block_on(TestLayout::from_element(root)));
    assert_eq!(t.text(), "ada: 10");
    assert_eq!(logged.len(), 1, "{logged:?}");
    assert!(logged[0].contains("persisted state does not read as `u32`"), "{logged:?}");
    assert_eq!(store.get("count"), None, "the stale value is forgotten");

    // A state that is not even an object is dropped as a whole.
    let (broken, logged) = warnings(|| SessionStore::new("s2", backend.clone(), Duration::from_secs(1), Some("[1]")));
    assert_eq!(broken.get("count"), None);
    assert!(logged[0].contains("not a JSON object"), "{logged:?}");
}

#[tokio::test]
async fn without_a_store_it_is_plain_state() {
    let mut t = TestLayout::new(Counter).await;
    assert_eq!(t.text(), "nobody: 10");
    let button = t.find_all_by_tag("button").remove(0);
    t.fire(&button, "onclick", json!({"type": "click"})).await;
    assert_eq!(t.text(), "nobody: 11");
}

#[tokio::test]
async fn an_expired_state_is_not_claimed() {
    let backend = MemoryBackend::new();
    backend.save("old", "{}".into(), Duration::from_millis(1)).await.unwrap();
    tokio::time::sleep(Duration::from_millis(5)).await;
    assert_eq!(backend.claim("old").await.unwrap(), None);
}
