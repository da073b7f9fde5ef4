//! Websocket load clients for the `server/*` workloads, shared by the `load` example and the
//! `workloads` benchmark. Loopback only; every loop is bounded in count and in time.

#![allow(dead_code, unreachable_pub)] // shared by an example and a bench; each uses part of it

use std::io::{BufRead as _, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use futures_util::{SinkExt as _, StreamExt as _};
use serde_json::Value;
use tokio_tungstenite::tungstenite::Message;

/// A server running in a child process, killed when dropped.
pub struct ServerProcess {
    child: Child,
    url: String,
}

impl ServerProcess {
    /// Starts `exe args...` and waits for it to print `http://...`.
    pub fn start(exe: &Path, args: &[&str]) -> ServerProcess {
        let mut child = Command::new(exe).args(args).stdout(Stdio::piped()).spawn().expect("server starts");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(url) = line.split_whitespace().find(|w| w.starts_with("http://")) {
                    let _ = tx.send(url.trim_end_matches('/').to_owned());
                }
            }
        });
        let url = rx.recv_timeout(Duration::from_secs(30)).expect("server printed its address");
        ServerProcess { child, url }
    }

    /// The websocket URL of the app's stream.
    pub fn stream_url(&self) -> String {
        format!("{}/_idom/stream?loc=%2F", self.url.replacen("http://", "ws://", 1))
    }

    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What a load run measured.
pub struct LoadResult {
    /// Click-to-update latency of every round trip, in microseconds.
    pub latencies_us: Vec<f64>,
    /// Round trips completed.
    pub events: usize,
    /// Wall time of the run.
    pub elapsed: Duration,
    /// Bytes of the last update received.
    pub bytes: usize,
}

type Ws = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Connects and returns the socket and the first clickable target of the model.
async fn connect(url: &str) -> Option<(Ws, String)> {
    let (mut ws, _) = tokio_tungstenite::connect_async(url).await.ok()?;
    let first = loop {
        match tokio::time::timeout(Duration::from_secs(30), ws.next()).await.ok()?? {
            Ok(Message::Text(text)) if !text.contains("\"type\":\"session\"") => break text,
            Ok(_) => {}
            Err(_) => return None,
        }
    };
    let update: Value = serde_json::from_str(first.as_str()).ok()?;
    let target = find_target(&update["changes"][0]["value"])?;
    Some((ws, target))
}

fn find_target(v: &Value) -> Option<String> {
    if let Some(t) = v["eventHandlers"]["onClick"]["target"].as_str() {
        return Some(t.to_owned());
    }
    v["children"].as_array()?.iter().find_map(find_target)
}

/// `clients` clients each click and wait for the update, `rounds` times or until `duration`.
pub async fn roundtrips(url: &str, clients: usize, rounds: usize, duration: Duration) -> LoadResult {
    let mut connected = Vec::with_capacity(clients);
    for chunk in (0..clients).collect::<Vec<_>>().chunks(100) {
        let batch = futures_util::future::join_all(chunk.iter().map(|_| connect(url))).await;
        connected.extend(batch.into_iter().flatten());
    }
    let start = Instant::now();
    let deadline = tokio::time::Instant::now() + duration;
    let tasks: Vec<_> = connected
        .into_iter()
        .map(|(mut ws, target)| {
            tokio::spawn(async move {
                let event = serde_json::json!({"type": "layout-event", "target": target, "data": [{"type": "click"}]})
                    .to_string();
                let mut latencies = Vec::new();
                let mut bytes = 0;
                for _ in 0..rounds {
                    if tokio::time::Instant::now() >= deadline {
                        break;
                    }
                    let sent = Instant::now();
                    if ws.send(Message::Text(event.clone().into())).await.is_err() {
                        break;
                    }
                    match tokio::time::timeout_at(deadline + Duration::from_secs(5), ws.next()).await {
                        Ok(Some(Ok(Message::Text(text)))) => {
                            latencies.push(sent.elapsed().as_secs_f64() * 1e6);
                            bytes = text.len();
                        }
                        _ => break,
                    }
                }
                let _ = ws.close(None).await;
                (latencies, bytes)
            })
        })
        .collect();
    let mut result = LoadResult { latencies_us: Vec::new(), events: 0, elapsed: Duration::ZERO, bytes: 0 };
    for task in tasks {
        if let Ok((latencies, bytes)) = task.await {
            result.events += latencies.len();
            result.latencies_us.extend(latencies);
            result.bytes = result.bytes.max(bytes);
        }
    }
    result.elapsed = start.elapsed();
    if result.latencies_us.is_empty() {
        result.latencies_us.push(f64::NAN);
    }
    result
}

/// Resident memory of a process, in bytes (Linux).
pub fn rss_bytes(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// Opens `n` idle sessions and returns the server's resident memory growth per session.
pub async fn idle_sessions(url: &str, n: usize, pid: u32) -> f64 {
    // Warm up the server's allocator and runtime with a few sessions first.
    let warm: Vec<_> = futures_util::future::join_all((0..10).map(|_| connect(url))).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let before = rss_bytes(pid).unwrap_or(0);
    let mut sessions = Vec::with_capacity(n);
    for chunk in (0..n).collect::<Vec<_>>().chunks(200) {
        let batch = futures_util::future::join_all(chunk.iter().map(|_| connect(url))).await;
        sessions.extend(batch.into_iter().flatten());
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let after = rss_bytes(pid).unwrap_or(0);
    let opened = sessions.len().max(1);
    drop(sessions);
    drop(warm);
    (after.saturating_sub(before)) as f64 / opened as f64
}
