//! JS widgets and browser actions in headless Chromium (the shared harness of
//! `tests/common/browser.rs`): the `chart` example started as a process, and small components
//! served in-process for containment and unmounting.

mod common;

use std::sync::LazyLock;
use std::time::Duration;

use common::browser::*;
use common::start;
use idom::prelude::*;
use idom::widget::{JsComponent, JsModule, use_browser, use_element_ref};
use serde_json::{Value, json};

async fn charts(client: &Client) -> Value {
    run_js(client, "return (window.idomLineCharts ?? []).map((s) => ({n: s.points.length, color: s.color}));").await
}

/// The chart mounts, its props change, `append` calls add points, and a click emits to Rust.
#[tokio::test]
async fn the_chart_mounts_updates_appends_and_emits() {
    let example = start("chart", "127.0.0.1:0");
    let url = example.url.clone();
    with_browser(Js::Enabled, |client| async move {
        let client = &client;
        goto(client, &url).await;
        wait_live(client).await;
        // Mounted once, and fed by the server's interval through `append`.
        wait_for("the chart to get points", WAIT, || async {
            let c = charts(client).await;
            if c[0]["n"].as_u64() >= Some(3) && c.as_array().map(Vec::len) == Some(1) {
                Ok(())
            } else {
                Err(c.to_string())
            }
        })
        .await;
        assert_eq!(charts(client).await[0]["color"], "steelblue");
        // The points are not props: the model never carries them.
        let attrs = run_js(client, "return document.querySelector('idom-widget').getAttributeNames();").await;
        assert!(!attrs.to_string().contains("prop:"), "props stay off the DOM: {attrs}");

        click(client, "button.color").await;
        wait_for("the new colour", WAIT, || async {
            let c = charts(client).await;
            if c[0]["color"] == "crimson" { Ok(()) } else { Err(c.to_string()) }
        })
        .await;
        // The same instance got it (update, not a new mount).
        assert_eq!(charts(client).await.as_array().map(Vec::len), Some(1));
        assert_eq!(run_js(client, "return window.idomLineChartUnmounts ?? 0;").await, json!(0));

        click(client, "idom-widget svg").await;
        wait_for("the pick to reach Rust", WAIT, || async {
            let t = texts(client, "p.picked").await;
            if t.first().is_some_and(|t| t.starts_with("Picked t=")) { Ok(()) } else { Err(format!("{t:?}")) }
        })
        .await;
    })
    .await;
    drop(example);
}

/// Focus, copy and download work without app JS.
#[tokio::test]
async fn browser_actions_focus_copy_and_download() {
    let example = start("chart", "127.0.0.1:0");
    let url = example.url.clone();
    with_browser(Js::Enabled, |client| async move {
        let client = &client;
        goto(client, &url).await;
        wait_live(client).await;
        click(client, "button.focus").await;
        wait_for("the note to have focus", WAIT, || async {
            let v = run_js(client, "return document.activeElement?.className ?? null;").await;
            if v == "note" { Ok(()) } else { Err(v.to_string()) }
        })
        .await;

        // Record what reaches the clipboard API and which link a download clicks.
        run_js(
            client,
            "window.__copied = [];
             navigator.clipboard.writeText = (t) => { window.__copied.push(t); return Promise.resolve(); };
             window.__downloads = [];
             HTMLAnchorElement.prototype.click = function () { window.__downloads.push([this.href, this.download]); };
             return null;",
        )
        .await;
        click(client, "button.copy").await;
        wait_for("the copied value", WAIT, || async {
            let v = run_js(client, "return window.__copied;").await;
            let ok =
                v.as_array().is_some_and(|a| a.len() == 1 && a[0].as_str().is_some_and(|t| t.parse::<f64>().is_ok()));
            if ok { Ok(()) } else { Err(v.to_string()) }
        })
        .await;

        click(client, "button.csv").await;
        let download = wait_for("the download link", WAIT, || async {
            let v = run_js(client, "return window.__downloads;").await;
            match v.as_array().and_then(|a| a.first()) {
                Some(d) => Ok(d.clone()),
                None => Err(v.to_string()),
            }
        })
        .await;
        assert_eq!(download[1], "points.csv");
        let href = download[0].as_str().expect("a URL").to_owned();
        assert!(href.contains("/_idom/download/"), "{href}");
        // Served once, as the CSV the server made.
        let (status, response) = common::get(&href).await;
        assert_eq!(status, 200);
        assert!(response.contains("content-disposition: attachment; filename=\"points.csv\""), "{response}");
        assert!(response.contains("\r\n\r\n0,50.000\n"), "{response}");
        assert_eq!(common::get(&href).await.0, 404);
    })
    .await;
    drop(example);
}

static BROKEN: LazyLock<JsModule> = LazyLock::new(|| {
    JsModule::inline(
        "broken.js",
        "export const Broken = { mount() { throw new Error('no canvas here'); } };
         export const Counter = { mount(el, props) {
           el.textContent = `mounted ${props.n}`;
           window.__mounts = (window.__mounts ?? 0) + 1;
           return { update(p) { el.textContent = `updated ${p.n}`; }, unmount() { window.__unmounts = (window.__unmounts ?? 0) + 1; } };
         } };",
    )
});

/// A throwing widget, a widget that comes and goes, an element to scroll to, and a counter.
#[component]
fn Widgets() -> Element {
    let (clicks, set_clicks) = use_state(|| 0);
    let (shown, set_shown) = use_state(|| true);
    let browser = use_browser();
    let bottom = use_element_ref();
    let target = bottom.clone();
    let counter = shown.then(|| {
        html! { <JsComponent module={BROKEN.clone()} export="Counter" props={json!({"n": clicks})} /> }
    });
    html! {
        <JsComponent module={BROKEN.clone()} export="Broken" />
        <JsComponent module={BROKEN.clone()} export="Missing" />
        {counter}
        <button class="count" onclick={move |_| set_clicks.update(|c| c + 1)}>"Clicks: " {clicks}</button>
        <button class="toggle" onclick={move |_| set_shown.update(|s| !s)}>"Toggle"</button>
        <button class="scroll" onclick={move |_| browser.scroll_into_view(&target)}>"Scroll"</button>
        <div style="height: 3000px"></div>
        <p class="bottom" data-idom-ref={bottom.id()}>"The end"</p>
    }
}

/// A widget that throws shows the error in its own element; the rest of the page works; a
/// widget that leaves is unmounted exactly once; scrolling into view works.
#[tokio::test]
async fn a_throwing_widget_is_contained_and_unmount_runs_once() {
    let (url, server) = serve(Widgets).await;
    with_browser(Js::Enabled, |client| async move {
        let client = &client;
        goto(client, &url).await;
        wait_live(client).await;
        wait_for("both failures to show", WAIT, || async {
            let t = texts(client, ".idom-widget-error").await;
            if t.len() == 2 { Ok(t) } else { Err(format!("{t:?}")) }
        })
        .await;
        let errors = texts(client, ".idom-widget-error").await;
        assert!(errors[0].contains("no canvas here"), "{errors:?}");
        assert!(errors[1].contains("no export \"Missing\""), "{errors:?}");
        // They were logged; this test expects exactly those two errors.
        let logged = run_js(client, "const e = window.__idomErrors.splice(0); return e;").await;
        assert_eq!(logged.as_array().map(Vec::len), Some(2), "{logged}");

        // The sibling widget and the page go on.
        wait_texts(client, "idom-widget[export=Counter]", &["mounted 0"]).await;
        click(client, "button.count").await;
        wait_texts(client, "button.count", &["Clicks: 1"]).await;
        wait_texts(client, "idom-widget[export=Counter]", &["updated 1"]).await;

        click(client, "button.toggle").await;
        wait_for("the unmount", WAIT, || async {
            let v = run_js(client, "return [window.__mounts, window.__unmounts ?? 0];").await;
            if v == json!([1, 1]) { Ok(()) } else { Err(v.to_string()) }
        })
        .await;
        // And only once, while the page keeps changing.
        click(client, "button.count").await;
        wait_texts(client, "button.count", &["Clicks: 2"]).await;
        wait_quiet(client, Duration::from_millis(300)).await;
        assert_eq!(run_js(client, "return [window.__mounts, window.__unmounts];").await, json!([1, 1]));

        assert_eq!(run_js(client, "return window.scrollY;").await, json!(0));
        click(client, "button.scroll").await;
        wait_for("the end to scroll into view", WAIT, || async {
            let v = run_js(client, "const r = document.querySelector('p.bottom').getBoundingClientRect(); return [r.top >= 0 && r.top < innerHeight, r.top, innerHeight, scrollY];").await;
            if v[0] == json!(true) { Ok(()) } else { Err(v.to_string()) }
        })
        .await;
    })
    .await;
    server.abort();
}
