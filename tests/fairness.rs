//! Fairness under a flood, over real sockets on 127.0.0.1: one client writing click frames as
//! fast as its socket takes them must not slow the others. The mechanism is checked (the
//! flooder's applied events are bounded by its budget, every normal click is answered, a flood
//! that persists is closed with 1008); the round-trip figures are printed, not asserted, since
//! this machine's timings are not the test's to judge (the figure of record is the workloads
//! bench's `server/flood-1`: a release server in its own process, on its own core). Bounded:
//! about 12 s in all.

use std::time::Duration;

use idom::prelude::*;
use idom::{IdomService, ServerConfig};

#[path = "../examples/load/client.rs"]
mod load;

#[component]
fn ClickCount() -> Element {
    let (count, set_count) = use_state(|| 0u64);
    html! { <button onclick={move |_| set_count.update(|c| c + 1)}>"Click count: " {count}</button> }
}

/// Starts the server on a runtime of its own (its own thread), so that the clients' work, the
/// flooder's above all, is not scheduled on the server's workers. It stops when the test's
/// process ends.
async fn start(config: ServerConfig) -> String {
    let (tx, rx) = tokio::sync::oneshot::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
        rt.block_on(async move {
            let service: IdomService = PerClientStateServer::new(ClickCount).config(config).into_service();
            let (addr, server) = service.bind("127.0.0.1:0", std::future::pending()).await.unwrap();
            tx.send(addr).unwrap();
            let _ = server.await;
        });
    });
    let addr = rx.await.unwrap();
    format!("ws://{addr}/_idom/stream?loc=%2F")
}

fn p99(samples: &[f64]) -> f64 {
    let mut s = samples.to_vec();
    s.sort_by(|a, b| a.total_cmp(b));
    s[((s.len() as f64 - 1.0) * 0.99).round() as usize]
}

/// The tests of this file run one at a time: each one's figures are its own.
static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

const RATE: u32 = 100;
const BURST: u32 = 50;

/// 100 clients at 20 events/s, then the same with one flooder: the flooder gets its budget's
/// worth applied and no more, and every normal click is still answered.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flooding_client_gets_its_budget_and_the_others_their_updates() {
    let _serial = SERIAL.lock().await;
    let mut config = ServerConfig::default();
    config.max_events_per_second = RATE;
    config.event_burst = BURST;
    config.flood_timeout = Duration::from_secs(60); // held back, not closed, during this test
    let url = start(config).await;
    let seconds = 3;

    let calm = load::flood(&url, 100, 20.0, 0, Duration::from_secs(seconds)).await;
    let flood = load::flood(&url, 100, 20.0, 1, Duration::from_secs(seconds)).await;
    let (calm_p99, flood_p99) = (p99(&calm.normal.latencies_us), p99(&flood.normal.latencies_us));
    println!(
        "100 clients x 20 events/s: p99 {:.0} us alone, {:.0} us beside a flood (ratio {:.2}); \
         the flooder sent {} events, {} applied (budget {RATE}/s, burst {BURST})",
        calm_p99,
        flood_p99,
        flood_p99 / calm_p99,
        flood.flood_sent,
        flood.flood_applied,
    );

    // Every normal client's every click was answered, with and without the flood.
    assert!(calm.normal.events >= 100 * 20 * seconds as usize * 9 / 10, "calm run answered {}", calm.normal.events);
    assert_eq!(calm.normal.unanswered, 0);
    assert!(flood.normal.events >= 100 * 20 * seconds as usize * 9 / 10, "flood run answered {}", flood.normal.events);
    assert_eq!(flood.normal.unanswered, 0, "clicks beside the flood went unanswered");
    // The flooder: what was applied is within its budget over the run and the 2 s it is read
    // afterwards (plus a second of slack), far below what it sent.
    let allowed = u64::from(BURST) + u64::from(RATE) * (seconds + 2 + 1);
    assert!(
        flood.flood_applied <= allowed,
        "the flooder had {} events applied (allowed {allowed})",
        flood.flood_applied
    );
    assert!(flood.flood_applied > 0, "the flooder's session still works");
    assert!(flood.flood_sent > 10 * flood.flood_applied, "the flood was a flood ({} sent)", flood.flood_sent);
    assert_eq!(flood.flood_closed, None, "held back, not closed, within the flood timeout");
}

/// A flood that goes on past the flood timeout is closed with 1008.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_persistent_flood_is_closed_with_1008() {
    let _serial = SERIAL.lock().await;
    let mut config = ServerConfig::default();
    config.max_events_per_second = RATE;
    config.event_burst = BURST;
    config.flood_timeout = Duration::from_secs(1);
    let url = start(config).await;
    let flood = load::flood(&url, 1, 2.0, 1, Duration::from_secs(3)).await;
    println!(
        "flooder: {} sent, {} applied, closed with {:?}",
        flood.flood_sent, flood.flood_applied, flood.flood_closed
    );
    assert_eq!(flood.flood_closed, Some(1008));
    assert!(flood.flood_applied <= u64::from(BURST) + u64::from(RATE) * 3);
    // The calm client beside it was answered.
    assert_eq!(flood.normal.unanswered, 0);
    assert!(flood.normal.events >= 4);
}
