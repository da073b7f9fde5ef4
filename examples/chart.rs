//! A live chart: a line chart widget (a small SVG module written in this repository, in
//! `examples/chart/line-chart.js`) that the server feeds four times a second.
//!
//! Run `cargo run --example chart` and open the printed address. A tokio interval on the server
//! calls the widget's `append` method with each new point, so the chart's data is never sent
//! again; the colour is a prop, changed by a button (one small patch); a click on the chart
//! emits `pick`, which reaches the Rust handler. The buttons below use browser actions: focus a
//! field, copy the last value, download the points as CSV, all without JS of the app's own.

use std::sync::LazyLock;
use std::time::Duration;

use idom::prelude::*;
use idom::widget::{JsComponent, JsModule, Widget, use_browser, use_element_ref, use_widget};
use serde_json::json;

/// The chart module, compiled into the binary and served at a content-hashed URL.
static LINE_CHART: LazyLock<JsModule> =
    LazyLock::new(|| JsModule::inline("line-chart.js", include_str!("chart/line-chart.js")));

/// A typed wrapper: what the rest of the app sees of the widget.
#[component]
fn LineChart(title: String, color: String, widget: Widget, on_pick: Callback<(f64, f64)>) -> Element {
    let on_event = move |e: Event| {
        let value = e.emit_value().cloned().unwrap_or_default();
        if let (Some(x), Some(y)) = (value["x"].as_f64(), value["y"].as_f64()) {
            on_pick.emit((x, y));
        }
    };
    html! {
        <JsComponent module={LINE_CHART.clone()} export="LineChart" widget={widget}
            props={json!({"title": title, "color": color, "window": 80})} on_event={on_event} />
    }
}

/// The value at tick `t`: a slow wave with a little wobble.
fn sample(t: u64) -> f64 {
    let t = t as f64 / 4.0;
    8.0f64.mul_add((t * 1.7).sin(), 30.0f64.mul_add((t / 3.0).sin(), 50.0))
}

#[component]
fn Dashboard() -> Element {
    let chart = use_widget();
    let browser = use_browser();
    let note = use_element_ref();
    let (red, set_red) = use_state(|| false);
    let (picked, set_picked) = use_state(|| None::<(f64, f64)>);
    let (last, set_last) = use_state(|| (0u64, sample(0)));
    let feed = chart.clone();
    use_effect(
        move || async move {
            let mut ticks = tokio::time::interval(Duration::from_millis(250));
            for t in 0u64.. {
                ticks.tick().await;
                let y = sample(t);
                feed.call("append", json!([t as f64 / 4.0, y]));
                set_last.set((t, y));
            }
        },
        (),
    );
    let color = if red { "crimson" } else { "steelblue" };
    let (b1, b2, b3) = (browser.clone(), browser.clone(), browser);
    let field = note.clone();
    let last_text = format!("{:.2}", last.1);
    let csv = move || (0..=last.0).map(|t| format!("{},{:.3}\n", t as f64 / 4.0, sample(t))).collect::<String>();
    html! {
        <h1>"Live chart"</h1>
        <LineChart title="A wave, four points a second" color={color} widget={chart}
            on_pick={move |p| set_picked.set(Some(p))} />
        <p class="picked">{picked.map_or("Click the chart to pick a point".to_owned(), |(x, y)| format!("Picked t={x:.2}: {y:.2}"))}</p>
        <button class="color" onclick={move |_| set_red.update(|r| !r)}>"Change colour"</button>
        <button class="copy" onclick={move |_| b1.copy(&last_text)}>"Copy the last value"</button>
        <button class="csv" onclick={move |_| b2.download("points.csv", "text/csv", csv())}>"Download CSV"</button>
        <button class="focus" onclick={move |_| b3.focus(&field)}>"Write a note"</button>
        <p><input class="note" data-idom-ref={note.id()} placeholder="A note" /></p>
    }
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::args().nth(1).unwrap_or_else(|| "127.0.0.1:5000".to_owned());
    PerClientStateServer::new(Dashboard)
        .title("idom chart")
        .on_listening(|addr| println!("idom: open http://{addr}/"))
        .run(addr)
        .await
}
