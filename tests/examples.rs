//! Smoke tests of the examples: each one is started as its own process on 127.0.0.1, serves its
//! page, and answers a websocket session with the whole model.
//!
//! `cargo test` builds the examples before running tests; the binaries are found next to this
//! test's own executable.

mod common;

use std::time::Duration;

use common::{get, start};
use futures_util::StreamExt as _;
use tokio_tungstenite::tungstenite::Message;

/// The example serves a page and a session whose first update builds the model.
async fn smoke(name: &str, page_path: &str, expect: &str) {
    let example = start(name, "127.0.0.1:0");
    let base = example.url.trim_end_matches('/').to_owned();
    let host_root = base.split('/').take(3).collect::<Vec<_>>().join("/");
    let page_url = format!("{host_root}{page_path}");
    let (status, page) = get(&page_url).await;
    assert_eq!(status, 200, "{name}: {page}");
    assert!(page.contains(expect), "{name}: the prerendered page lacks {expect:?}:\n{page}");
    let stream =
        page.split("data-idom-stream=\"").nth(1).and_then(|s| s.split('"').next()).expect("stream url in page");
    let ws_url = format!("{}{stream}?loc=%2F", host_root.replace("http://", "ws://"));
    let (mut ws, _) = tokio_tungstenite::connect_async(ws_url).await.expect("websocket");
    let text = loop {
        let frame = tokio::time::timeout(Duration::from_secs(10), ws.next())
            .await
            .expect("first update in time")
            .unwrap()
            .unwrap();
        let Message::Text(text) = frame else { panic!("{name}: expected a text frame") };
        if text.contains("\"type\":\"layout-update\"") {
            break text;
        }
    };
    let update = idom::protocol::decode_update(text.as_str()).expect("a layout-update");
    assert_eq!(update.path, "");
    assert!(text.contains(expect), "{name}: the first update lacks {expect:?}");
}

#[tokio::test]
async fn counter() {
    smoke("counter", "/", "Click count: 0").await;
}

#[tokio::test]
async fn pure() {
    smoke("pure", "/", "pure components").await;
}

#[tokio::test]
async fn todo() {
    smoke("todo", "/", "What needs doing?").await;
}

#[tokio::test]
async fn shared_counter() {
    smoke("shared_counter", "/", "Everyone sees: 0").await;
}

#[tokio::test]
async fn mounted_hyper() {
    smoke("mounted_hyper", "/app/", "Off").await;
    let example = start("mounted_hyper", "127.0.0.1:0");
    let (status, body) = get(&example.url).await;
    assert_eq!(status, 200);
    assert!(body.contains("The host app"), "{body}");
}

#[tokio::test]
async fn mounted_axum() {
    smoke("mounted_axum", "/app/", "Hello, stranger!").await;
    let example = start("mounted_axum", "127.0.0.1:0");
    let (status, body) = get(&example.url).await;
    assert_eq!(status, 200);
    assert!(body.contains("The axum app"), "{body}");
}

#[tokio::test]
async fn table() {
    smoke("table", "/", "Create 1,000 rows").await;
}

#[tokio::test]
async fn pages() {
    smoke("pages", "/", "Pick a page above.").await;
}

#[tokio::test]
async fn upload() {
    smoke("upload", "/", "Clicks: 0").await;
}

#[tokio::test]
async fn dashboard() {
    // The query is slower than the prerender budget: the page and the first update have the fallback.
    smoke("dashboard", "/", "Loading rows for").await;
}
