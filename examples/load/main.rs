//! A load tool for a running idom server: N websocket clients clicking in closed loops, reporting
//! events per second, latency percentiles and the server's resident memory per session. With
//! `--rate R` each client clicks R times a second instead (open loop, each click timed to the
//! update that applies it); `--flooders F` adds F clients writing clicks as fast as their sockets
//! take them, and reports what they sent and what the server applied. With `--pid`, the server's
//! CPU time per event is read from `/proc`.
//!
//! ```text
//! cargo run --release --example counter -- 127.0.0.1:5000 &
//! cargo run --release --example load -- --url ws://127.0.0.1:5000/_idom/stream --clients 1000 --seconds 10 --pid $!
//! cargo run --release --example load -- --clients 100 --rate 20 --flooders 1 --seconds 10
//! cargo run --release --example load -- --hold 1000 --seconds 60   # idle sessions, to profile
//! ```
//!
//! Only loopback addresses are accepted. Every loop is bounded by `--seconds`.

mod client;

use std::time::Duration;

fn arg(args: &[String], name: &str) -> Option<String> {
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned()
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let url = arg(&args, "--url").unwrap_or_else(|| "ws://127.0.0.1:5000/_idom/stream".to_owned());
    let host = url.trim_start_matches("ws://").split(['/', ':']).next().unwrap_or("");
    if !(host == "localhost" || host.starts_with("127.") || host == "[::1]") {
        eprintln!("load: refusing {url}: only loopback servers may be loaded");
        std::process::exit(2);
    }
    let clients: usize = arg(&args, "--clients").and_then(|s| s.parse().ok()).unwrap_or(100);
    let seconds: u64 = arg(&args, "--seconds").and_then(|s| s.parse().ok()).unwrap_or(10).min(600);
    let pid: Option<u32> = arg(&args, "--pid").and_then(|s| s.parse().ok());
    let url = if url.contains("loc=") { url } else { format!("{url}?loc=%2F") };

    let rate: Option<f64> = arg(&args, "--rate").and_then(|s| s.parse().ok()).filter(|r: &f64| *r > 0.0);
    let flooders: usize = arg(&args, "--flooders").and_then(|s| s.parse().ok()).unwrap_or(0).min(100);

    if let Some(n) = arg(&args, "--hold").and_then(|s| s.parse::<usize>().ok()) {
        // Idle sessions held open for `--seconds`, e.g. to profile the server's memory.
        let held = client::hold_sessions(&url, n).await;
        println!("{}", serde_json::json!({"held": held.len()}));
        tokio::time::sleep(Duration::from_secs(seconds)).await;
        return;
    }
    let rss_before = pid.and_then(client::rss_bytes);
    let cpu_before = pid.and_then(client::cpu_time_us);
    let duration = Duration::from_secs(seconds);
    let mut flood = None;
    let mut result = match (rate, flooders) {
        (None, 0) => client::roundtrips(&url, clients, usize::MAX, duration).await,
        (rate, flooders) => {
            let run = client::flood(&url, clients, rate.unwrap_or(20.0), flooders, duration).await;
            flood = Some((run.flood_sent, run.flood_applied, run.flood_closed));
            run.normal
        }
    };
    let cpu_after = pid.and_then(client::cpu_time_us);
    result.latencies_us.sort_by(|a, b| a.total_cmp(b));
    let pick = |q: f64| result.latencies_us[((result.latencies_us.len() as f64 - 1.0) * q).round() as usize];
    let mut report = serde_json::json!({
        "clients": clients,
        "seconds": result.elapsed.as_secs_f64(),
        "events": result.events,
        "events_per_s": (result.events as f64 / result.elapsed.as_secs_f64()).round(),
        "p50_us": pick(0.5).round(),
        "p99_us": pick(0.99).round(),
    });
    if let (Some(before), Some(after)) = (cpu_before, cpu_after) {
        report["server_cpu_us_per_event"] = ((after - before) / result.events.max(1) as f64).into();
    }
    if let Some((sent, applied, closed)) = flood {
        report["unanswered"] = result.unanswered.into();
        report["flood_sent"] = sent.into();
        report["flood_applied"] = applied.into();
        report["flood_close_code"] = closed.into();
    }
    if let (Some(pid), Some(before)) = (pid, rss_before) {
        let per = client::idle_sessions(&url, clients, pid).await;
        report["server_rss_before_bytes"] = before.into();
        report["server_rss_bytes_per_session"] = per.round().into();
    }
    println!("{report}");
}
