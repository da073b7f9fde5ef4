//! The workloads of `shared/bench/WORKLOADS.md`, measured through the public API.
//!
//! `cargo bench --bench workloads` (add `-- --quick` for a run of under a minute; names such as
//! `table` or `table/select` pick groups or workloads) prints one JSON object per line:
//! `{"workload", "n", "median_us", "p95_us", "bytes"}` plus, where they apply, `p99_us`,
//! `events_per_s`, `server_cpu_us_per_event` (and its kernel part, `server_kernel_us_per_event`),
//! `heap_bytes_per_session`, `rss_bytes_per_session` and `allocs` (the median number of heap
//! allocations and reallocations of one run).
//!
//! One measured run is exactly what a session does for one user action: the event delivered
//! through `Layout::deliver`, the re-render, the diff, and the update serialised to the JSON text
//! sent on the wire (`bytes` is its length). Setup (building the state a run starts from) is not
//! measured. The server workloads run a real server in a child process (this binary, started with
//! `--serve-counter`) and websocket clients on 127.0.0.1; `server/echo-1000` runs the same clients
//! against `--serve-echo`, a websocket server that does no work, for the floor under idom's figure.

use std::alloc::System;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use idom::prelude::*;
use serde_json::Value;
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

#[path = "../examples/table/app.rs"]
#[allow(dead_code)]
mod table_app;

/// The timer and statistics, shared with the peer comparison (`benches/peers`).
#[path = "support/stats.rs"]
mod stats;
use stats::{Runs, quantile, round};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

// ---------------------------------------------------------------------------------------------
// the components

#[path = "support/components.rs"]
mod components;
use components::{Children, ClickCount};

// ---------------------------------------------------------------------------------------------
// measuring

struct Options {
    quick: bool,
    /// Name prefixes given on the command line (`table`, `table/select`); empty runs everything.
    only: Vec<String>,
}

impl Options {
    /// Whether the workload `name` (`table/select`) was asked for, by its name or its group.
    fn wants(&self, name: &str) -> bool {
        let group = name.split('/').next().unwrap_or(name);
        self.only.is_empty() || self.only.iter().any(|o| o == name || o == group)
    }

    /// Whether any workload of `group` (`table`) was asked for.
    fn wants_group(&self, group: &str) -> bool {
        self.only.is_empty() || self.only.iter().any(|o| o.split('/').next() == Some(group))
    }
}

fn report(workload: &str, samples: &mut [f64], bytes: usize, extra: &[(&str, Value)]) {
    let mut line = serde_json::json!({
        "workload": workload,
        "n": samples.len(),
        "median_us": round(quantile(samples, 0.5)),
        "p95_us": round(quantile(samples, 0.95)),
        "bytes": bytes,
    });
    for (k, v) in extra {
        line[*k] = v.clone();
    }
    println!("{line}");
}

/// Prints the line of a workload's runs.
fn report_runs(mut runs: Runs, workload: &str, extra: &[(&str, Value)]) {
    let allocs = runs.median_allocs();
    let extra: Vec<(&str, Value)> = [("allocs", allocs.into())].into_iter().chain(extra.iter().cloned()).collect();
    report(workload, &mut runs.us, runs.bytes, &extra);
}

/// Finds the click target of the first element matching `predicate` in a model.
fn target(model: &Value, predicate: &dyn Fn(&Value) -> bool) -> String {
    fn walk(v: &Value, p: &dyn Fn(&Value) -> bool) -> Option<String> {
        if p(v) {
            if let Some(t) = v["eventHandlers"]["onClick"]["target"].as_str() {
                return Some(t.to_owned());
            }
        }
        v["children"].as_array()?.iter().find_map(|c| walk(c, p))
    }
    walk(model, predicate).expect("a clickable element")
}

fn by_id(id: &'static str) -> impl Fn(&Value) -> bool {
    move |v: &Value| v["attributes"]["id"] == id
}

fn click(target: &str) -> LayoutEvent {
    LayoutEvent::new(target, vec![serde_json::json!({"type": "click"})])
}

/// One measured action: deliver, render, serialise. Returns (microseconds, bytes). Never inlined,
/// so a profiler can count exactly this (`valgrind --tool=callgrind --toggle-collect='*act*'`).
#[inline(never)]
fn act(layout: &mut Layout, event: LayoutEvent) -> (f64, usize) {
    let (text, elapsed) = stats::timed(|| {
        layout.deliver_now(event);
        let update = layout.try_render().expect("the action changes the page");
        // What a session sends: the message made from the update (a new list's value becomes
        // the message, see `LayoutUpdate::into_message`).
        update.into_message()
    });
    (elapsed, std::hint::black_box(text).len())
}

/// One measured `counter/mount`: a new layout and its first render, serialised. Returns the
/// layout (dropped after the clock stops) and the bytes.
#[inline(never)]
fn mount_once() -> (Layout, usize) {
    let mut layout = Layout::new(ClickCount);
    let text = layout.try_render().expect("first render").into_message();
    (layout, std::hint::black_box(text).len())
}

fn mounted<C: idom::Component>(root: C) -> Layout {
    let mut layout = Layout::new(root);
    layout.try_render().expect("first render");
    layout
}

fn counter(o: &Options) {
    if o.wants("counter/click") {
        counter_click(o);
    }
    if o.wants("counter/mount") {
        counter_mount(o);
    }
}

fn counter_click(o: &Options) {
    let runs = if o.quick { 2_000 } else { 20_000 };
    let mut layout = mounted(ClickCount);
    let t = target(&layout.model(), &|v| v["tagName"] == "button");
    let mut samples = Runs::new(GLOBAL);
    for _ in 0..runs {
        let event = click(&t);
        samples.run(|| act(&mut layout, event));
    }
    report_runs(samples, "counter/click", &[]);
}

fn counter_mount(o: &Options) {
    let runs = if o.quick { 1_000 } else { 10_000 };
    let mut samples = Runs::new(GLOBAL);
    for _ in 0..runs {
        let mut layout = None;
        samples.run(|| {
            let ((l, bytes), us) = stats::timed(mount_once);
            layout = Some(l);
            (us, bytes)
        });
        drop(layout);
    }
    report_runs(samples, "counter/mount", &[]);
}

/// A table layout after the given setup clicks (by button id).
///
/// Targets are ids of arena slots, so a layout built by the same steps has the same targets: they
/// are looked up in the model once, and runs do not parse a model of thousands of rows (which
/// would also leave the heap and the caches in a state no session sees).
fn table_with(setup: &[&'static str]) -> Layout {
    static BUTTONS: OnceLock<Vec<(&'static str, String)>> = OnceLock::new();
    let buttons = BUTTONS.get_or_init(|| {
        let model = mounted(table_app::Table).model();
        ["run", "runlots", "add", "update", "clear", "swaprows"]
            .into_iter()
            .map(|id| (id, target(&model, &by_id(id))))
            .collect()
    });
    let mut layout = mounted(table_app::Table);
    for id in setup {
        let (_, t) = buttons.iter().find(|(b, _)| b == id).expect("a known button");
        layout.deliver_now(click(t));
        layout.try_render();
    }
    layout
}

/// The target of the n-th row's label link (`which` = 1) or remove link (`which` = 2).
fn row_link(model: &Value, row: usize, which: usize) -> String {
    let tbody = &model["children"][0]["children"][1]["children"][0];
    tbody["children"][row]["children"][which]["children"][0]["eventHandlers"]["onClick"]["target"]
        .as_str()
        .expect("row link")
        .to_owned()
}

fn table_workload(o: &Options, name: &str, runs: usize, setup: &[&'static str], action: &dyn Fn(&Layout) -> String) {
    if !o.wants(name) {
        return;
    }
    let t = action(&table_with(setup));
    let mut samples = Runs::new(GLOBAL);
    for _ in 0..runs {
        let mut layout = table_with(setup);
        let event = click(&t);
        samples.run(|| act(&mut layout, event));
    }
    report_runs(samples, name, &[]);
}

fn table(o: &Options) {
    let (small, large) = if o.quick { (20, 5) } else { (200, 20) };
    let button = |id: &'static str| move |l: &Layout| target(&l.model(), &by_id(id));
    table_workload(o, "table/create1k", small, &[], &button("run"));
    table_workload(o, "table/replace1k", small, &["run"], &button("run"));
    table_workload(o, "table/update10th", small, &["run"], &button("update"));
    table_workload(o, "table/select", small * 5, &["run"], &|l| row_link(&l.model(), 1, 1));
    table_workload(o, "table/swap", small * 5, &["run"], &button("swaprows"));
    table_workload(o, "table/remove", small * 5, &["run"], &|l| row_link(&l.model(), 1, 2));
    table_workload(o, "table/create10k", large, &[], &button("runlots"));
    table_workload(o, "table/append1k", small, &["run"], &button("add"));
    table_workload(o, "table/clear", small, &["run"], &button("clear"));
}

fn children(o: &Options) {
    for n in [1_000, 10_000] {
        if !o.wants(&format!("children/click-one-{n}")) {
            continue;
        }
        let runs = if o.quick { 1_000 } else { 10_000 };
        let mut layout = mounted(Children { n });
        let model = layout.model();
        let t =
            model["children"][0]["children"][n / 2]["eventHandlers"]["onClick"]["target"].as_str().unwrap().to_owned();
        let mut samples = Runs::new(GLOBAL);
        for _ in 0..runs {
            let event = click(&t);
            samples.run(|| act(&mut layout, event));
        }
        report_runs(samples, &format!("children/click-one-{n}"), &[("children", n.into())]);
    }
}

fn memory(_o: &Options) {
    let count = 1_000;
    let region = Region::new(GLOBAL);
    let layouts: Vec<Layout> = (0..count).map(|_| mounted(ClickCount)).collect();
    let change = region.change();
    let held = change.bytes_allocated as f64 - change.bytes_deallocated as f64;
    let per = held / count as f64;
    report(
        "memory/session-counter",
        &mut [0.0],
        0,
        &[("heap_bytes_per_session", round(per).into()), ("sessions", count.into())],
    );
    drop(layouts);

    let count = 10;
    let region = Region::new(GLOBAL);
    let layouts: Vec<Layout> = (0..count).map(|_| table_with(&["run"])).collect();
    let change = region.change();
    let held = change.bytes_allocated as f64 - change.bytes_deallocated as f64;
    report(
        "memory/session-table1k",
        &mut [0.0],
        0,
        &[("heap_bytes_per_session", round(held / count as f64).into()), ("sessions", count.into())],
    );
    drop(layouts);
}

// ---------------------------------------------------------------------------------------------
// server workloads

#[path = "../examples/load/client.rs"]
mod load;

fn server(o: &Options) {
    // The server child runs on core 0 and this load generator on core 1 (where `taskset` and two
    // cores are there), so that the server's CPU time is its own and the clients do not steal it.
    let pinned = load::pin_self(1);
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    let exe = std::env::current_exe().expect("exe");
    // The throughput workloads measure the server's own cost: no event budget holds a client
    // back. The flood workloads run against the default configuration.
    let start_with = |args: &[&str]| load::ServerProcess::start_on(&exe, args, pinned.then_some(0));
    let start = || start_with(&["--serve-counter", "--no-event-budget"]);
    let server = start();
    let url = server.stream_url();
    let pid = server.pid();
    let cpu = || server_cpu(pid);
    let per_event = |before: (f64, f64), events: usize| cpu_per_event(pid, before, events);
    // `server/flood` picks both flood workloads, `server/sessions` both memory ones.
    let want = |w: &str| o.only.is_empty() || o.only.iter().any(|x| x == "server" || w.starts_with(x.as_str()));
    rt.block_on(async {
        if !want("server/roundtrip") {
            return;
        }
        let rounds = if o.quick { 1_000 } else { 10_000 };
        let result = load::roundtrips(&url, 1, rounds, Duration::from_secs(60)).await;
        let mut lat = result.latencies_us.clone();
        let p99 = quantile(&mut lat, 0.99);
        report("server/roundtrip-1", &mut lat, result.bytes, &[("p99_us", round(p99).into())]);

        let secs = if o.quick { 3 } else { 10 };
        let before = cpu();
        let result = load::roundtrips(&url, 1_000, usize::MAX, Duration::from_secs(secs)).await;
        report_load("server/roundtrip-1000", &result, per_event(before, result.events), pinned);
    });
    rt.block_on(async {
        if !want("server/echo") {
            return;
        }
        // The floor under roundtrip-1000: the same clients against a websocket server that does
        // no work (no decoding, no layout), configured as idom's sockets are. What it spends an
        // event is tokio's, tungstenite's and the kernel's, which no server on this stack avoids.
        let echo = start_with(&["--serve-echo"]);
        let secs = if o.quick { 3 } else { 10 };
        let before = server_cpu(echo.pid());
        let result = load::roundtrips(&echo.stream_url(), 1_000, usize::MAX, Duration::from_secs(secs)).await;
        report_load("server/echo-1000", &result, cpu_per_event(echo.pid(), before, result.events), pinned);
    });
    rt.block_on(async {
        if !want("server/paced") {
            return;
        }
        let secs = if o.quick { 3 } else { 10 };
        // Open loop: 1,000 clients clicking 20 times a second each, on schedules spread evenly.
        let before = cpu();
        let result = load::paced(&url, 1_000, 20.0, Duration::from_secs(secs)).await;
        report_load("server/paced-1000x20", &result, per_event(before, result.events), pinned);
    });
    drop(server);
    let server = start_with(&["--serve-counter"]);
    let url = server.stream_url();
    rt.block_on(async {
        if !want("server/flood") {
            return;
        }
        let secs = if o.quick { 3 } else { 10 };
        // Fairness: 100 clients at 20 events/s, without and with one client flooding.
        let mut p99s = [0.0; 2];
        for (i, flooders) in [0, 1].into_iter().enumerate() {
            let result = load::flood(&url, 100, 20.0, flooders, Duration::from_secs(secs)).await;
            let mut lat = result.normal.latencies_us.clone();
            p99s[i] = quantile(&mut lat, 0.99);
            let mut extra =
                vec![("p99_us", round(p99s[i]).into()), ("clients", 100.into()), ("flooders", flooders.into())];
            if flooders > 0 {
                extra.push(("p99_ratio", round(p99s[1] / p99s[0]).into()));
                extra.push(("flood_sent", result.flood_sent.into()));
                extra.push(("flood_applied", result.flood_applied.into()));
                extra.push(("flood_close_code", result.flood_closed.into()));
            }
            report(&format!("server/flood-{flooders}"), &mut lat, 0, &extra);
        }
    });
    drop(server);

    for n in if o.quick { vec![1_000] } else { vec![1_000, 10_000] } {
        if !want("server/sessions") {
            break;
        }
        let server = start();
        let url = server.stream_url();
        let per = rt.block_on(load::idle_sessions(&url, n, server.pid()));
        report(
            &format!("server/sessions-{n}"),
            &mut [0.0],
            0,
            &[("rss_bytes_per_session", round(per).into()), ("sessions", n.into())],
        );
    }
}

/// A server child's CPU time so far, user space and kernel, in microseconds (NaN where `/proc`
/// cannot tell).
fn server_cpu(pid: u32) -> (f64, f64) {
    load::cpu_times_us(pid).unwrap_or((f64::NAN, f64::NAN))
}

/// The server's CPU time an event since `before` (a [`server_cpu`] reading): user and kernel
/// together, and the kernel's part.
fn cpu_per_event(pid: u32, before: (f64, f64), events: usize) -> (f64, f64) {
    let (user, system) = server_cpu(pid);
    let n = events.max(1) as f64;
    (round((user + system - before.0 - before.1) / n), round((system - before.1) / n))
}

/// The transport floor for `server/echo-1000`: a websocket server on tokio and tungstenite, with
/// idom's socket settings (no Nagle delay, a 256-byte read buffer), that answers every text
/// message with a counter's update of the size idom sends, and does nothing else. Its first
/// message is a button with a target, so the load clients connect to it as to idom.
fn serve_echo() {
    use futures_util::{SinkExt as _, StreamExt as _};
    use tokio_tungstenite::tungstenite::Message;
    use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;

    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    rt.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        println!("echo: serving at http://{}/", listener.local_addr().expect("addr"));
        loop {
            let Ok((stream, _)) = listener.accept().await else { continue };
            let _ = stream.set_nodelay(true);
            tokio::spawn(async move {
                let config = WebSocketConfig::default().read_buffer_size(256).write_buffer_size(16 * 1024);
                let Ok(mut ws) = tokio_tungstenite::accept_async_with_config(stream, Some(config)).await else {
                    return;
                };
                let first = r#"{"type":"layout-update","path":"","changes":[{"op":"add","path":"","value":{"tagName":"button","eventHandlers":{"onClick":{"target":"1:0:onClick"}},"children":["Click count: 0"]}}]}"#;
                if ws.send(Message::text(first)).await.is_err() {
                    return;
                }
                let mut count = 0u64;
                while let Some(Ok(frame)) = ws.next().await {
                    if !frame.is_text() {
                        continue;
                    }
                    count += 1;
                    let update = format!(
                        r#"{{"type":"layout-update","path":"","changes":[{{"op":"replace","path":"/children/0","value":"Click count: {count}"}}]}}"#
                    );
                    if ws.send(Message::text(update)).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
}

/// Reports a load of 1,000 clients: latencies, throughput and the server's CPU per event.
fn report_load(workload: &str, result: &load::LoadResult, cpu_per_event: (f64, f64), pinned: bool) {
    let mut lat = result.latencies_us.clone();
    let p99 = quantile(&mut lat, 0.99);
    report(
        workload,
        &mut lat,
        result.bytes,
        &[
            ("p99_us", round(p99).into()),
            ("events_per_s", (result.events as f64 / result.elapsed.as_secs_f64()).round().into()),
            ("server_cpu_us_per_event", cpu_per_event.0.into()),
            ("server_kernel_us_per_event", cpu_per_event.1.into()),
            ("clients", 1_000.into()),
            ("pinned", pinned.into()),
        ],
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.iter().any(|a| a == "--serve-counter") {
        let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
        rt.block_on(async {
            let mut config = idom::ServerConfig::default();
            if args.iter().any(|a| a == "--no-event-budget") {
                config.max_events_per_second = 0;
            }
            let service = PerClientStateServer::new(ClickCount).config(config).into_service();
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
            println!("idom: serving at http://{}/", listener.local_addr().expect("addr"));
            idom::server::serve(listener, service).await.expect("serve");
        });
        return;
    }
    if args.iter().any(|a| a == "--serve-echo") {
        serve_echo();
        return;
    }
    let o = Options {
        quick: args.iter().any(|a| a == "--quick"),
        only: args.iter().skip(1).filter(|a| !a.starts_with("--")).cloned().collect(),
    };
    let run = |group: &str| o.wants_group(group);
    let _ = (AtomicU64::new(0).load(Ordering::Relaxed), Arc::new(Mutex::new(())));
    if run("counter") {
        counter(&o);
    }
    if run("table") {
        table(&o);
    }
    if run("children") {
        children(&o);
    }
    if run("memory") {
        memory(&o);
    }
    if run("server") {
        server(&o);
    }
}
