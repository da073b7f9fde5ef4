//! The dashboard example in a real browser (headless Chromium through chromedriver, see
//! `common/browser.rs`): the prerendered page shows the rows' fallback, the rows follow, and
//! typing in the filter never shows the rows of an older filter after those of a newer one.
//!
//! The example's simulated query is slower the broader the filter (500 ms for none, 300 ms for
//! one letter, 233 ms for two...), so while someone types, every earlier query would finish
//! after the later ones unless it is cancelled.

mod common;

use std::time::Duration;

use common::browser::{Client, Js, Locator, WAIT, run_js, texts, wait_for, with_browser};
use common::start;
use serde_json::{Value, json};

/// Records, in `window.__shown`, the filter of every result the rows section shows (its
/// `data-filter`), in order; fallbacks are not results and are not recorded.
const RECORD_RESULTS: &str = r#"
    const section = document.getElementById("table");
    window.__shown = [];
    const record = () => {
        const result = section.querySelector("[data-filter]");
        const filter = result ? result.getAttribute("data-filter") : null;
        if (filter !== null && window.__shown.at(-1) !== filter) window.__shown.push(filter);
    };
    new MutationObserver(record).observe(section, {subtree: true, childList: true, attributes: true, characterData: true});
    record();
"#;

/// Waits until the rows section shows the result of `filter` with these cities.
async fn wait_rows(client: &Client, filter: &str, cities: &[&str]) {
    wait_for(&format!("the rows of {filter:?}: {cities:?}"), WAIT, || async move {
        let shown =
            run_js(client, "return document.querySelector('#rows')?.getAttribute('data-filter') ?? null;").await;
        let got = texts(client, "#rows tbody td:first-child").await;
        if shown == json!(filter) && got == cities { Ok(()) } else { Err(format!("{shown}: {got:?}")) }
    })
    .await;
}

/// Types `keys` into the filter input.
async fn type_keys(client: &Client, keys: &str) {
    let input = client.find(Locator::Css("#filter")).await.expect("the filter input");
    input.send_keys(keys).await.expect("typing");
}

/// Whether `shown` is in the order the filters were `typed`: each shown result is of a filter
/// typed at or after the one shown before it (a stale result would come from further back).
fn in_typing_order(shown: &[String], typed: &[&str]) -> bool {
    let mut at = 0;
    shown.iter().all(|filter| match typed[at..].iter().position(|t| t == filter) {
        Some(offset) => {
            at += offset;
            true
        }
        None => false,
    })
}

#[test]
fn the_typing_order_check_catches_a_stale_result() {
    let typed = ["", "b", "be", "ber"];
    let shown = |s: &[&str]| s.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    assert!(in_typing_order(&shown(&["", "ber"]), &typed));
    assert!(in_typing_order(&shown(&["", "b", "ber"]), &typed));
    assert!(!in_typing_order(&shown(&["", "ber", "b"]), &typed), "an older filter's rows after a newer one's");
}

#[tokio::test]
async fn the_dashboard_loads_its_rows_and_never_shows_stale_ones() {
    let example = start("dashboard", "127.0.0.1:0");
    let url = example.url.clone();
    with_browser(Js::Enabled, |client| async move {
        let client = &client;
        client.goto(&url).await.unwrap_or_else(|e| panic!("loading {url}: {e}"));
        // The prerendered page: the query takes longer than the prerender budget.
        assert_eq!(texts(client, "#table p.loading").await, ["Loading rows for \u{201c}\u{201d}\u{2026}"]);
        // Then the rows, over the websocket; the summary beside them loads on its own.
        let all: Vec<&str> = ALL_CITIES.to_vec();
        wait_rows(client, "", &all).await;
        wait_for("the summary of every city", WAIT, || async move {
            let dd = texts(client, "#summary dd").await;
            if dd == ["24", "18", "33681"] { Ok(()) } else { Err(format!("{dd:?}")) }
        })
        .await;

        run_js(client, RECORD_RESULTS).await;
        let mut typed = vec![""];
        type_keys(client, "ber").await;
        typed.extend(["b", "be", "ber"]);
        wait_rows(client, "ber", &["Berlin"]).await;
        let backspace = fantoccini::key::Key::Backspace.to_string();
        type_keys(client, &backspace.repeat(3)).await;
        typed.extend(["be", "b", ""]);
        type_keys(client, "spa").await;
        typed.extend(["s", "sp", "spa"]);
        wait_rows(client, "spa", &["Barcelona", "Madrid"]).await;
        // Give any stale query (500 ms at most) the time to arrive, then look at what was shown.
        tokio::time::sleep(Duration::from_millis(1_000)).await;
        let shown: Vec<String> =
            serde_json::from_value(run_js(client, "return window.__shown;").await).expect("strings");
        assert_eq!(shown.last().map(String::as_str), Some("spa"), "the latest filter's rows stay: {shown:?}");
        assert!(
            in_typing_order(&shown, &typed),
            "rows of an older filter after a newer one's: shown {shown:?}, typed {typed:?}"
        );
        assert_eq!(texts(client, "#rows tbody td:first-child").await, ["Barcelona", "Madrid"]);
        let value = run_js(client, "return document.getElementById('filter').value;").await;
        assert_eq!(value, Value::from("spa"));
    })
    .await;
    drop(example);
}

/// Every city of the example, in its order.
const ALL_CITIES: &[&str] = &[
    "Amsterdam",
    "Athens",
    "Barcelona",
    "Berlin",
    "Bordeaux",
    "Brussels",
    "Budapest",
    "Copenhagen",
    "Dublin",
    "Hamburg",
    "Helsinki",
    "Lisbon",
    "Lyon",
    "Madrid",
    "Milan",
    "Munich",
    "Oslo",
    "Paris",
    "Prague",
    "Rome",
    "Stockholm",
    "Vienna",
    "Warsaw",
    "Zurich",
];
