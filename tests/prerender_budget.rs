//! The server's prerender of a page waits for its async components up to
//! `ServerConfig::prerender_budget`: one that finishes in time is in the first paint, one that does
//! not is sent as its fallback. Over a real socket on 127.0.0.1, on both kinds of tokio runtime
//! (the prerender runs on a blocking thread that drives the components' futures).

use std::time::Duration;

use idom::ServerConfig;
use idom::prelude::*;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

/// Finishes as soon as it is polled again.
#[component(fallback = html! { <p class="quick">"loading quick"</p> })]
async fn Quick() -> Element {
    tokio::task::yield_now().await;
    html! { <p class="quick">"quick rows"</p> }
}

/// Waits for a timer.
#[component(fallback = html! { <p class="timer">"loading timer"</p> })]
async fn Timer() -> Element {
    tokio::time::sleep(Duration::from_millis(20)).await;
    html! { <p class="timer">"timer rows"</p> }
}

/// Never finishes.
#[component(fallback = html! { <p class="stuck">"loading stuck"</p> })]
async fn Stuck() -> Element {
    std::future::pending::<()>().await;
    html! { <p class="stuck">"stuck rows"</p> }
}

#[component]
fn Page() -> Element {
    html! { <main><Quick /><Stuck /></main> }
}

#[component]
fn Timers() -> Element {
    html! { <main><Quick /><Timer /></main> }
}

/// The page's HTML at `/`, served by `root` with the given prerender budget.
async fn page_with_budget<C: idom::Component + Clone>(root: C, budget: Duration) -> String {
    let mut config = ServerConfig::default();
    config.prerender_budget = budget;
    let service = PerClientStateServer::new(root).config(config).into_service();
    let (addr, server) = service.bind("127.0.0.1:0", std::future::pending()).await.expect("bind");
    let server = tokio::spawn(server);
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream.write_all(format!("GET / HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").as_bytes()).await.unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    server.abort();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    response
}

#[tokio::test]
async fn the_first_paint_has_what_finished_within_the_budget_and_the_fallback_of_the_rest() {
    let page = page_with_budget(Page, Duration::from_millis(100)).await;
    assert!(
        page.contains(r#"<main><p class="quick">quick rows</p><p class="stuck">loading stuck</p></main>"#),
        "{page}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_prerender_returns_as_soon_as_nothing_is_loading() {
    // A budget no test would wait for: the page comes once both components are done.
    let page = tokio::time::timeout(Duration::from_secs(30), page_with_budget(Timers, Duration::from_secs(3_600)))
        .await
        .expect("the page long before the budget");
    assert!(page.contains(r#"<main><p class="quick">quick rows</p><p class="timer">timer rows</p></main>"#), "{page}");
}

#[tokio::test]
async fn a_zero_budget_sends_every_fallback() {
    let page = page_with_budget(Page, Duration::ZERO).await;
    assert!(
        page.contains(r#"<main><p class="quick">loading quick</p><p class="stuck">loading stuck</p></main>"#),
        "{page}"
    );
}
