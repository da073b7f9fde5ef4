//! Rate-limited handlers in a real browser (headless Chromium, see tests/common/browser.rs): a
//! debounced input sends few events and always its final value, a throttled handler delivers its
//! trailing event, and an event without a rate (a click) first sends what is waiting, so the
//! server sees the final text before the click.
//!
//! The component is served in-process and logs every event its handlers receive, in order, so
//! the tests read what the server got rather than what the page shows.

mod common;

use std::time::Duration;

use common::browser::*;
use serde_json::json;

mod app {
    use std::sync::{Arc, Mutex};

    use idom::prelude::*;

    /// What the server's handlers received, in order: `input:<value>`, `move:<x>`, `click`.
    #[derive(Clone, Default)]
    pub(crate) struct Log(Arc<Mutex<Vec<String>>>);

    impl PartialEq for Log {
        fn eq(&self, other: &Self) -> bool {
            Arc::ptr_eq(&self.0, &other.0)
        }
    }

    impl Log {
        fn push(&self, entry: String) {
            self.0.lock().unwrap().push(entry);
        }

        pub(crate) fn entries(&self) -> Vec<String> {
            self.0.lock().unwrap().clone()
        }

        /// The entries with this prefix, the prefix taken off.
        pub(crate) fn of(&self, prefix: &str) -> Vec<String> {
            self.entries().iter().filter_map(|e| e.strip_prefix(prefix).map(str::to_owned)).collect()
        }
    }

    /// A controlled input debounced by 300 ms, a pad whose mouse moves are throttled to one per
    /// 100 ms, and a button whose click has no rate.
    #[component]
    pub(crate) fn Rated(log: Log) -> Element {
        let (text, set_text) = use_state(String::new);
        let (x, set_x) = use_state(|| 0i64);
        let on_input = {
            let log = log.clone();
            move |e: Event| {
                let value = e.value().unwrap_or_default().to_owned();
                log.push(format!("input:{value}"));
                set_text.set(value);
            }
        };
        let on_move = {
            let log = log.clone();
            move |e: Event| {
                let x = e.client_pos().map_or(-1, |(x, _)| x as i64);
                log.push(format!("move:{x}"));
                set_x.set(x);
            }
        };
        html! {
            <input id="search" value={text.clone()} oninput|debounce(300)={on_input} />
            <p id="shown">{text}</p>
            <div id="pad" style="width: 400px; height: 100px"
                 onmousemove|throttle(100)|stop_propagation={on_move}></div>
            <p id="x">{x}</p>
            <button id="submit" onclick={move |_| log.push("click".to_owned())}>"Submit"</button>
        }
    }
}

use app::{Log, Rated};

/// 30 characters typed fast into a debounced input: the server gets at most 5 input events, the
/// last one the full text, and the page shows it.
#[tokio::test]
async fn fast_typing_into_a_debounced_input_sends_few_events_and_the_full_text() {
    let log = Log::default();
    let (url, server) = serve(Rated { log: log.clone() }).await;
    let seen = log.clone();
    with_browser(Js::Enabled, |client| async move {
        let client = &client;
        goto(client, &url).await;
        wait_live(client).await;
        let text = "the quick brown fox jumps over";
        assert_eq!(text.len(), 30);
        let input = client.find(Locator::Css("#search")).await.expect("#search");
        input.send_keys(text).await.expect("typing");
        wait_texts(client, "#shown", &[text]).await;
        // Nothing else is still on its way.
        wait_quiet(client, Duration::from_millis(600)).await;
        let inputs = seen.of("input:");
        assert!(!inputs.is_empty() && inputs.len() <= 5, "{} input events: {inputs:?}", inputs.len());
        assert_eq!(inputs.last().map(String::as_str), Some(text), "{inputs:?}");
        assert_eq!(input_value(client, "#search").await, text, "the controlled input keeps the text");
    })
    .await;
    server.abort();
}

/// Mouse moves over a throttled pad for a while: never more than one event per 100 ms (plus the
/// first), and the last position always arrives, after the window it fell in.
#[tokio::test]
async fn a_throttled_handler_delivers_the_trailing_event() {
    let log = Log::default();
    let (url, server) = serve(Rated { log: log.clone() }).await;
    let seen = log.clone();
    with_browser(Js::Enabled, |client| async move {
        let client = &client;
        goto(client, &url).await;
        wait_live(client).await;
        // 60 moves, one every 10 ms; resolves with the milliseconds they took.
        let script = r#"
            const [done] = arguments;
            const pad = document.getElementById("pad");
            const start = performance.now();
            let i = 0;
            const timer = setInterval(() => {
                pad.dispatchEvent(new MouseEvent("mousemove", {clientX: i, clientY: 1, bubbles: true}));
                if (++i === 60) { clearInterval(timer); done(performance.now() - start); }
            }, 10);
        "#;
        let took = client.execute_async(script, vec![]).await.expect("moving").as_f64().expect("ms");
        wait_texts(client, "#x", &["59"]).await;
        wait_quiet(client, Duration::from_millis(300)).await;
        let moves = seen.of("move:");
        assert_eq!(moves.last().map(String::as_str), Some("59"), "the trailing move arrives: {moves:?}");
        assert_eq!(moves.first().map(String::as_str), Some("0"), "the first move is sent at once: {moves:?}");
        // Sends are at least 100 ms apart: over `took` ms (plus the last window) that bounds them.
        let bound = (took / 100.0).floor() as usize + 2;
        assert!(moves.len() >= 2 && moves.len() <= bound, "{} moves in {took:.0} ms: {moves:?}", moves.len());
        let xs: Vec<i64> = moves.iter().map(|m| m.parse().expect("a number")).collect();
        assert!(xs.windows(2).all(|w| w[0] < w[1]), "moves arrive once each, in the order they happened: {xs:?}");
    })
    .await;
    server.abort();
}

/// Input events fired and a click in the same moment: the click sends the waiting input first,
/// once, so the server has the final text before the click, and nothing follows later.
#[tokio::test]
async fn a_click_flushes_the_waiting_debounced_input_first() {
    let log = Log::default();
    let (url, server) = serve(Rated { log: log.clone() }).await;
    let seen = log.clone();
    with_browser(Js::Enabled, |client| async move {
        let client = &client;
        goto(client, &url).await;
        wait_live(client).await;
        let script = r#"
            const [text] = arguments;
            const input = document.getElementById("search");
            input.focus();
            for (let i = 1; i <= text.length; i++) {
                input.value = text.slice(0, i);
                input.dispatchEvent(new InputEvent("input", {bubbles: true, data: text[i - 1], inputType: "insertText"}));
            }
            document.getElementById("submit").click();
        "#;
        run_js_with(client, script, json!("hello world")).await;
        wait_for("the click to arrive", WAIT, || async {
            let entries = seen.entries();
            if entries.iter().any(|e| e == "click") { Ok(()) } else { Err(format!("{entries:?}")) }
        })
        .await;
        assert_eq!(seen.entries(), ["input:hello world", "click"]);
        // The debounce timer of the flushed input was cancelled: nothing more comes.
        tokio::time::sleep(Duration::from_millis(500)).await;
        wait_quiet(client, Duration::from_millis(400)).await;
        assert_eq!(seen.entries(), ["input:hello world", "click"]);
        wait_texts(client, "#shown", &["hello world"]).await;
    })
    .await;
    server.abort();
}

/// Real typing and then a real click right after: whatever the keystrokes' timing, the last input
/// the server got before the click is the full text.
#[tokio::test]
async fn typing_then_clicking_submit_delivers_the_final_value_before_the_click() {
    let log = Log::default();
    let (url, server) = serve(Rated { log: log.clone() }).await;
    let seen = log.clone();
    with_browser(Js::Enabled, |client| async move {
        let client = &client;
        goto(client, &url).await;
        wait_live(client).await;
        let input = client.find(Locator::Css("#search")).await.expect("#search");
        input.send_keys("final answer").await.expect("typing");
        click(client, "#submit").await;
        wait_for("the click to arrive", WAIT, || async {
            let entries = seen.entries();
            if entries.iter().any(|e| e == "click") { Ok(()) } else { Err(format!("{entries:?}")) }
        })
        .await;
        wait_quiet(client, Duration::from_millis(600)).await;
        let entries = seen.entries();
        let click_at = entries.iter().position(|e| e == "click").expect("a click");
        assert_eq!(click_at.checked_sub(1).map(|i| &*entries[i]), Some("input:final answer"), "{entries:?}");
        assert_eq!(entries.len(), click_at + 1, "nothing after the click: {entries:?}");
    })
    .await;
    server.abort();
}

async fn run_js_with(client: &Client, script: &str, arg: serde_json::Value) -> serde_json::Value {
    client.execute(script, vec![arg]).await.unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
}
