//! End-to-end tests in a real browser: the examples are started as their own processes and
//! driven in headless Chromium through chromedriver (WebDriver, with `fantoccini`).
//!
//! Needs Debian's `chromium` and `chromium-driver` packages (`/usr/bin/chromium`,
//! `/usr/bin/chromedriver`); without them every test fails and says so.
//!
//! Each test starts its own chromedriver and browser profile; the tests take turns (one browser at
//! a time) so that timing-sensitive checks such as fast typing do not compete for the CPU. Before
//! any page script runs, an init script records JS errors (`error`, `unhandledrejection`,
//! `console.error`) and wraps `WebSocket` to count the messages of the client's socket, which tells
//! when the client is live and when the server has gone quiet. A test fails on any recorded error.

mod common;

use std::time::Duration;

use common::browser::*;
use common::{XSS, start};
use serde_json::{Value, json};

// ---------------------------------------------------------------------------------------------
// The tests.

/// Clicks reach the server and its answers show up, also when clicks come fast.
#[tokio::test]
async fn counter_counts_clicks() {
    let example = start("counter", "127.0.0.1:0");
    let url = example.url.clone();
    with_browser(Js::Enabled, |client| async move {
        let client = &client;
        goto(client, &url).await;
        wait_live(client).await;
        wait_texts(client, "button", &["Click count: 0"]).await;
        click(client, "button").await;
        wait_texts(client, "button", &["Click count: 1"]).await;
        for _ in 0..5 {
            click(client, "button").await;
        }
        wait_texts(client, "button", &["Click count: 6"]).await;
        // And it stays there: no extra or lost clicks show up late.
        wait_quiet(client, Duration::from_millis(500)).await;
        assert_eq!(texts(client, "button").await, ["Click count: 6"]);
    })
    .await;
    drop(example);
}

/// Fast typing into a controlled input loses and reorders nothing, in the DOM and on the server.
#[tokio::test]
async fn todo_fast_typing() {
    let example = start("todo", "127.0.0.1:0");
    let url = example.url.clone();
    with_browser(Js::Enabled, |client| async move {
        let client = &client;
        goto(client, &url).await;
        wait_live(client).await;
        let items = [
            "Buy milk and Eggs then call Bob about the Big plan",
            "qwerty UIOP asdf GHJK zxcv BNM lorem Ipsum dolor X",
        ];
        for (n, item) in items.iter().enumerate() {
            assert_eq!(item.len(), 50);
            let input = client.find(Locator::Css("#new-todo")).await.expect("#new-todo");
            input.send_keys(item).await.expect("typing");
            // Every input event answered, and the client's settle timers long fired.
            wait_quiet(client, Duration::from_millis(1500)).await;
            assert_eq!(input_value(client, "#new-todo").await, *item, "the input after typing item {n} and settling");
            input.send_keys(&fantoccini::key::Key::Enter.to_string()).await.expect("pressing Enter");
            let expected: Vec<&str> = items[..=n].to_vec();
            wait_texts(client, "li span", &expected).await;
            wait_quiet(client, Duration::from_millis(1500)).await;
            assert_eq!(input_value(client, "#new-todo").await, "", "the input is cleared after adding item {n}");
            assert_eq!(texts(client, "li span").await, expected);
            assert_eq!(texts(client, "p.count").await, [format!("{} left", n + 1)]);
        }
    })
    .await;
    drop(example);
}

/// The page is prerendered (readable without JS), and the live page replaces it without
/// duplicating anything.
#[tokio::test]
async fn prerendered_page() {
    let example = start("counter", "127.0.0.1:0");
    let url = example.url.clone();
    with_browser(Js::Disabled, |client| {
        let url = url.clone();
        async move {
            goto(&client, &url).await;
            let buttons = client.find_all(Locator::Css("#idom-root button")).await.expect("find buttons");
            assert_eq!(buttons.len(), 1, "one prerendered button");
            assert_eq!(buttons[0].text().await.expect("button text"), "Click count: 0");
            // JS really is off: a click changes nothing (so the text above came from the server's HTML).
            buttons[0].click().await.expect("click");
            tokio::time::sleep(Duration::from_millis(500)).await;
            assert_eq!(buttons[0].text().await.expect("button text"), "Click count: 0");
        }
    })
    .await;
    with_browser(Js::Enabled, |client| async move {
        let client = &client;
        goto(client, &url).await;
        wait_live(client).await;
        wait_quiet(client, Duration::from_millis(300)).await;
        let root = run_js(client, "const r = document.getElementById('idom-root'); return [r.children.length, r.childNodes.length, document.querySelectorAll('button').length];").await;
        assert_eq!(root, json!([1, 1, 1]), "[#idom-root elements, #idom-root nodes, buttons in the page] after connecting");
        assert_eq!(texts(client, "button").await, ["Click count: 0"]);
        click(client, "button").await;
        wait_texts(client, "button", &["Click count: 1"]).await;
    })
    .await;
    drop(example);
}

/// A server restart shows the reconnecting banner, and the page comes back to life afterwards.
#[tokio::test]
async fn reconnects_after_server_restart() {
    let addr = format!("127.0.0.1:{}", free_port());
    let example = start("counter", &addr);
    let url = example.url.clone();
    with_browser(Js::Enabled, |client| async move {
        let client = &client;
        let mut example = Some(example);
        goto(client, &url).await;
        wait_live(client).await;
        click(client, "button").await;
        wait_texts(client, "button", &["Click count: 1"]).await;
        assert!(texts(client, "#idom-reconnecting").await.is_empty(), "no banner while connected");

        drop(example.take()); // kills the server
        wait_for("the reconnecting banner", WAIT, move || async move {
            let banner = texts(client, "#idom-reconnecting").await;
            if banner.len() == 1 { Ok(()) } else { Err(format!("{banner:?}")) }
        })
        .await;

        example = Some(start("counter", &addr));
        wait_for("the banner to go away", Duration::from_secs(20), move || async move {
            let banner = texts(client, "#idom-reconnecting").await;
            if banner.is_empty() { Ok(()) } else { Err(format!("{banner:?}")) }
        })
        .await;
        wait_live(client).await;
        // A fresh server: per-client state starts over.
        wait_texts(client, "button", &["Click count: 0"]).await;
        click(client, "button").await;
        wait_texts(client, "button", &["Click count: 1"]).await;
        assert_eq!(run_js(client, "return document.querySelectorAll('button').length;").await, json!(1));
        drop(example);
    })
    .await;
}

/// A screenshot of the todo list with two items, kept under target/browser-screenshots/.
#[tokio::test]
async fn todo_screenshot() {
    let example = start("todo", "127.0.0.1:0");
    let url = example.url.clone();
    with_browser(Js::Enabled, |client| async move {
        let client = &client;
        goto(client, &url).await;
        wait_live(client).await;
        for item in ["Write the browser tests", "Take a screenshot"] {
            let input = client.find(Locator::Css("#new-todo")).await.expect("#new-todo");
            input.send_keys(item).await.expect("typing");
            wait_quiet(client, Duration::from_millis(300)).await;
            click(client, "button[type=submit]").await;
            wait_for(&format!("{item:?} in the list"), WAIT, move || async move {
                let got = texts(client, "li span").await;
                if got.iter().any(|t| t == item) { Ok(()) } else { Err(format!("{got:?}")) }
            })
            .await;
        }
        wait_texts(client, "li span", &["Write the browser tests", "Take a screenshot"]).await;
        wait_quiet(client, Duration::from_millis(300)).await;

        let png = client.screenshot().await.expect("screenshot");
        let dir = target_dir().join("browser-screenshots");
        std::fs::create_dir_all(&dir).expect("screenshot dir");
        let path = dir.join("todo.png");
        std::fs::write(&path, &png).expect("writing the screenshot");
        println!("screenshot: {}", path.display());

        let written = std::fs::read(&path).expect("reading the screenshot back");
        assert!(written.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG signature");
        assert_eq!(&written[12..16], b"IHDR", "the first chunk is IHDR");
        let width = u32::from_be_bytes(written[16..20].try_into().unwrap());
        let height = u32::from_be_bytes(written[20..24].try_into().unwrap());
        assert!(width > 0 && height > 0, "a {width}x{height} image");
        assert!(written.ends_with(b"IEND\xae\x42\x60\x82"), "the PNG ends with IEND");
        assert!(written.len() > 1000, "a {}-byte PNG is too small to show the page", written.len());
    })
    .await;
    drop(example);
}

mod hostile {
    use idom::prelude::*;

    /// Renders one payload of the corpus in text, in attributes and in URLs; a click shows the next.
    #[component]
    pub(crate) fn Hostile() -> Element {
        let (i, set_i) = use_state(|| 0usize);
        let payload = super::XSS[i % super::XSS.len()].to_owned();
        html! {
            <div id="hostile" title={payload.clone()} data-x={payload.clone()}>
                <button id="next" onclick={move |_| set_i.update(|i| i + 1)}>"next"</button>
                <p id="text">{payload.clone()}</p>
                <a id="link" href={payload.clone()}>"link"</a>
                <iframe id="frame" srcdoc={payload.clone()}></iframe>
                <img id="image" src={payload} />
            </div>
        }
    }
}

/// An XSS corpus rendered through the client, both on the first model and through patches: no
/// payload runs, creates elements or survives as a script URL, and text shows literally.
#[tokio::test]
async fn xss_corpus_never_runs_in_the_client() {
    let (url, server) = serve(hostile::Hostile).await;
    with_browser(Js::Enabled, |client| async move {
        let client = &client;
        goto(client, &url).await;
        wait_live(client).await;
        for (n, payload) in XSS.iter().enumerate() {
            if n > 0 {
                click(client, "#next").await;
            }
            wait_texts(client, "#text", &[payload]).await;
            let state = run_js(
                client,
                r#"const root = document.getElementById("idom-root");
                   const frame = document.getElementById("frame");
                   return {
                       xss: window.__xss ?? null,
                       elements: root.querySelectorAll("*").length,
                       scripts: root.querySelectorAll("script").length,
                       href: document.getElementById("link").getAttribute("href"),
                       src: document.getElementById("image").getAttribute("src"),
                       srcdoc: frame.getAttribute("srcdoc"),
                       title: document.getElementById("hostile").getAttribute("title"),
                   };"#,
            )
            .await;
            assert_eq!(state["xss"], Value::Null, "{payload:?} ran");
            assert_eq!(state["elements"], 6, "{payload:?} created elements: {state}");
            assert_eq!(state["scripts"], 0, "{payload:?}");
            assert_eq!(state["srcdoc"], Value::Null, "{payload:?}: srcdoc must not be set from data");
            assert_eq!(state["title"], *payload, "attribute values are kept literally");
            let scriptish = |v: &Value| {
                v.as_str().is_some_and(|s| {
                    let s: String = s.chars().filter(|c| !c.is_whitespace() && !c.is_control()).collect();
                    let s = s.to_ascii_lowercase();
                    s.starts_with("javascript:") || s.starts_with("data:text/html")
                })
            };
            assert!(!scriptish(&state["href"]) && !scriptish(&state["src"]), "{payload:?}: {state}");
        }
        // Give any delayed payload (onerror of a failed load) a moment, then check again.
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(run_js(client, "return window.__xss ?? null;").await, Value::Null);
    })
    .await;
    server.abort();
}

mod banner {
    use idom::prelude::*;

    #[component]
    pub(crate) fn Counter(name: &'static str) -> Element {
        let (count, set_count) = use_state(|| 0);
        let id = format!("counter-{name}");
        html! { <button id={id} onclick={move |_| set_count.update(|c| c + 1)}>{name} "=" {count}</button> }
    }

    /// The defect of "children keep their place": a conditional banner before two unkeyed counters.
    #[component]
    pub(crate) fn BannerPage() -> Element {
        let (banner, set_banner) = use_state(|| true);
        html! {
            <div id="page">
                <button id="toggle" onclick={move |_| set_banner.update(|b| !b)}>"toggle"</button>
                if banner { <p id="banner">"banner"</p> }
                <Counter name="a" />
                <Counter name="b" />
            </div>
        }
    }
}

/// Hiding and showing a banner before two counters leaves each counter its own state, and the
/// hole makes no DOM node.
#[tokio::test]
async fn a_hidden_banner_keeps_each_counter_its_state() {
    let (url, server) = serve(banner::BannerPage).await;
    with_browser(Js::Enabled, |client| async move {
        let client = &client;
        goto(client, &url).await;
        wait_live(client).await;
        for _ in 0..3 {
            click(client, "#counter-a").await;
        }
        wait_texts(client, "#page > button[id^=counter]", &["a=3", "b=0"]).await;
        click(client, "#toggle").await;
        wait_texts(client, "#page > p", &[]).await;
        wait_quiet(client, Duration::from_millis(300)).await;
        assert_eq!(texts(client, "#page > button[id^=counter]").await, ["a=3", "b=0"]);
        let nodes = run_js(client, "return document.getElementById('page').childNodes.length;").await;
        assert_eq!(nodes, 3, "the hidden banner leaves no DOM node");
        click(client, "#counter-b").await;
        wait_texts(client, "#page > button[id^=counter]", &["a=3", "b=1"]).await;
        click(client, "#toggle").await;
        wait_texts(client, "#page > p", &["banner"]).await;
        click(client, "#counter-a").await;
        wait_texts(client, "#page > button[id^=counter]", &["a=4", "b=1"]).await;
    })
    .await;
    server.abort();
}
