//! Websocket load clients for the `server/*` workloads, shared by the `load` example and the
//! `workloads` benchmark. Loopback only; every loop is bounded in count and in time.

#![allow(dead_code, unreachable_pub)] // shared by an example and a bench; each uses part of it

use std::io::{BufRead as _, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use futures_util::{SinkExt as _, StreamExt as _};
use serde_json::Value;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::{Message, Utf8Bytes};

/// A server running in a child process, killed when dropped.
pub struct ServerProcess {
    child: Child,
    url: String,
}

impl ServerProcess {
    /// Starts `exe args...` and waits for it to print `http://...`.
    pub fn start(exe: &Path, args: &[&str]) -> ServerProcess {
        ServerProcess::start_on(exe, args, None)
    }

    /// [`ServerProcess::start`] with the server pinned to core `cpu` (through `taskset`, when the
    /// machine has it and more than one core; unpinned otherwise).
    pub fn start_on(exe: &Path, args: &[&str], cpu: Option<usize>) -> ServerProcess {
        let mut command = match cpu.filter(|_| can_pin()) {
            Some(cpu) => {
                let mut c = Command::new("taskset");
                c.arg("-c").arg(cpu.to_string()).arg(exe);
                c
            }
            None => Command::new(exe),
        };
        let mut child = command.args(args).stdout(Stdio::piped()).spawn().expect("server starts");
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
    /// Clicks no update answered (paced runs).
    pub unanswered: u64,
}

type Ws = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Connects and returns the socket and the first clickable target of the model.
async fn connect(url: &str) -> Option<(Ws, String)> {
    // A small read buffer: tungstenite zero-fills the whole buffer before every read, and with
    // its default 128 KiB that memset was most of the generator's CPU (so it, not the server,
    // set the latencies under 1,000 clients). No Nagle delay on the clicks, as on the server.
    let config = WebSocketConfig::default().read_buffer_size(4 * 1024);
    let (mut ws, _) = tokio_tungstenite::connect_async_with_config(url, Some(config), true).await.ok()?;
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
    let connected = connect_all(url, clients).await;
    let start = Instant::now();
    let deadline = tokio::time::Instant::now() + duration;
    let tasks: Vec<_> = connected
        .into_iter()
        .map(|(mut ws, target)| {
            tokio::spawn(async move {
                // The frame's text is shared by every click (no copy per send), and one timer bounds
                // the whole loop (not one armed per round trip): the generator's own cost per event
                // decides whether it keeps up with the server.
                let event: Utf8Bytes = click_text(&target).into();
                let give_up = tokio::time::sleep_until(deadline + Duration::from_secs(5));
                tokio::pin!(give_up);
                let mut latencies = Vec::new();
                let mut bytes = 0;
                for _ in 0..rounds {
                    if tokio::time::Instant::now() >= deadline {
                        break;
                    }
                    let sent = Instant::now();
                    if ws.send(Message::Text(event.clone())).await.is_err() {
                        break;
                    }
                    let frame = tokio::select! {
                        frame = ws.next() => frame,
                        () = &mut give_up => break,
                    };
                    match frame {
                        Some(Ok(Message::Text(text))) => {
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
    let mut result =
        LoadResult { latencies_us: Vec::new(), events: 0, elapsed: Duration::ZERO, bytes: 0, unanswered: 0 };
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

/// Whether processes can be pinned to cores here: `taskset` is installed and there are at least
/// two cores (one for the server, one for the load).
pub fn can_pin() -> bool {
    static CAN: OnceLock<bool> = OnceLock::new();
    *CAN.get_or_init(|| {
        std::thread::available_parallelism().is_ok_and(|n| n.get() >= 2)
            && Command::new("taskset").arg("-V").stdout(Stdio::null()).status().is_ok_and(|s| s.success())
    })
}

/// Pins this process, every thread it has and will have, to core `cpu`. Returns whether it did.
pub fn pin_self(cpu: usize) -> bool {
    can_pin()
        && Command::new("taskset")
            .args(["-a", "-p", "-c", &cpu.to_string(), &std::process::id().to_string()])
            .stdout(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
}

/// CPU time (user + system, all threads) a process has used, in microseconds: `utime + stime`
/// of `/proc/<pid>/stat`, in clock ticks (Linux).
pub fn cpu_time_us(pid: u32) -> Option<f64> {
    cpu_times_us(pid).map(|(user, system)| user + system)
}

/// [`cpu_time_us`] in its two parts: user space and the kernel (`utime`, `stime`).
pub fn cpu_times_us(pid: u32) -> Option<(f64, f64)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name is in parentheses and may hold spaces: count fields after it.
    let after_name = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    // Fields 14 and 15 of the line; the first after the name is field 3.
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    let us = |ticks: u64| ticks as f64 * 1e6 / clock_ticks() as f64;
    Some((us(utime), us(stime)))
}

/// Clock ticks per second (`getconf CLK_TCK`; 100 where it cannot be asked).
fn clock_ticks() -> u64 {
    static TICKS: OnceLock<u64> = OnceLock::new();
    *TICKS.get_or_init(|| {
        Command::new("getconf")
            .arg("CLK_TCK")
            .output()
            .ok()
            .and_then(|o| String::from_utf8(o.stdout).ok())
            .and_then(|s| s.trim().parse().ok())
            .filter(|&t| t > 0)
            .unwrap_or(100)
    })
}

/// The count a counter update shows: the first string or number in its changes that is a whole
/// number (the counters of the load runs render `"Click count: " {count}`).
pub fn shown_count(update: &Value) -> Option<u64> {
    fn walk(v: &Value) -> Option<u64> {
        match v {
            Value::String(s) => s.rsplit(' ').next()?.parse().ok(),
            Value::Number(n) => n.as_u64(),
            Value::Array(items) => items.iter().find_map(walk),
            Value::Object(map) => map.iter().filter(|(k, _)| *k != "path" && *k != "op").find_map(|(_, v)| walk(v)),
            _ => None,
        }
    }
    walk(update.get("changes")?)
}

/// [`shown_count`] of an update's text. A single text replacement (every click's update) is read
/// from the text without parsing it into a `Value`; anything else is parsed and walked.
pub fn shown_count_in(text: &str) -> Option<u64> {
    let quick = text.contains("\"op\":\"replace\"").then(|| {
        let start = text.find("\"value\":\"")? + "\"value\":\"".len();
        let value = &text[start..start + text[start..].find('"')?];
        value.rsplit(' ').next()?.parse().ok()
    });
    match quick.flatten() {
        Some(count) => Some(count),
        None => serde_json::from_str::<Value>(text).ok().and_then(|v| shown_count(&v)),
    }
}

/// Opens `clients` sessions, 100 at a time; returns each socket with its click target.
async fn connect_all(url: &str, clients: usize) -> Vec<(Ws, String)> {
    let mut connected = Vec::with_capacity(clients);
    for chunk in (0..clients).collect::<Vec<_>>().chunks(100) {
        let batch = futures_util::future::join_all(chunk.iter().map(|_| connect(url))).await;
        connected.extend(batch.into_iter().flatten());
    }
    connected
}

fn click_text(target: &str) -> String {
    serde_json::json!({"type": "layout-event", "target": target, "data": [{"type": "click"}]}).to_string()
}

/// One paced client: clicks `rate` times a second on a fixed schedule starting at `first` (open
/// loop: a click goes out at its time whether or not the previous one was answered) until
/// `deadline`, and times each click to the update that shows it applied. Returns the latencies
/// and how many clicks were not answered.
async fn paced_client(
    mut ws: Ws,
    target: String,
    rate: f64,
    first: tokio::time::Instant,
    deadline: tokio::time::Instant,
) -> (Vec<f64>, u64) {
    let period = Duration::from_secs_f64(1.0 / rate);
    // As in `roundtrips`: one shared text, one timer for the whole loop, and the count read from
    // the update's text; on a loaded generator these decide the latencies it reports.
    let event: Utf8Bytes = click_text(&target).into();
    let mut ticks = tokio::time::interval_at(first, period);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    // Send times of the clicks not answered yet, oldest first; click n is the n-th sent.
    let mut waiting: std::collections::VecDeque<Instant> = std::collections::VecDeque::new();
    let (mut sent, mut answered) = (0u64, 0u64);
    let mut latencies = Vec::new();
    let grace = tokio::time::sleep_until(deadline + Duration::from_secs(2));
    tokio::pin!(grace);
    loop {
        let sending = tokio::time::Instant::now() < deadline;
        if !sending && waiting.is_empty() {
            break;
        }
        tokio::select! {
            _ = ticks.tick(), if sending => {
                waiting.push_back(Instant::now());
                sent += 1;
                if ws.send(Message::Text(event.clone())).await.is_err() {
                    break;
                }
            }
            () = &mut grace => break,
            frame = ws.next() => {
                let Some(Ok(frame)) = frame else { break };
                let Message::Text(text) = frame else { continue };
                let now = Instant::now();
                // A click applied shows its number; updates for clicks that were coalesced into
                // one render answer all of them.
                let shown = shown_count_in(text.as_str());
                let upto = shown.unwrap_or(answered + 1).min(sent);
                while answered < upto {
                    let Some(at) = waiting.pop_front() else { break };
                    latencies.push((now - at).as_secs_f64() * 1e6);
                    answered += 1;
                }
            }
        }
    }
    let _ = ws.close(None).await;
    (latencies, sent - answered)
}

/// `clients` clients each click `rate` times a second for `duration`, on schedules spread evenly
/// over the period (open loop), each click timed to the update that applies it.
pub async fn paced(url: &str, clients: usize, rate: f64, duration: Duration) -> LoadResult {
    let connected = connect_all(url, clients).await;
    let t0 = tokio::time::Instant::now() + Duration::from_millis(100);
    paced_run(connected, rate, t0, t0 + duration).await
}

async fn paced_run(
    connected: Vec<(Ws, String)>,
    rate: f64,
    t0: tokio::time::Instant,
    deadline: tokio::time::Instant,
) -> LoadResult {
    let n = connected.len().max(1);
    let start = Instant::now();
    let tasks: Vec<_> = connected
        .into_iter()
        .enumerate()
        .map(|(i, (ws, target))| {
            let first = t0 + Duration::from_secs_f64(i as f64 / n as f64 / rate);
            tokio::spawn(paced_client(ws, target, rate, first, deadline))
        })
        .collect();
    let mut result =
        LoadResult { latencies_us: Vec::new(), events: 0, elapsed: Duration::ZERO, bytes: 0, unanswered: 0 };
    for task in tasks {
        if let Ok((latencies, unanswered)) = task.await {
            result.events += latencies.len();
            result.latencies_us.extend(latencies);
            result.unanswered += unanswered;
        }
    }
    result.elapsed = start.elapsed();
    if result.latencies_us.is_empty() {
        result.latencies_us.push(f64::NAN);
    }
    result
}

/// What a flood run measured.
pub struct FloodResult {
    /// The paced clients' round trips.
    pub normal: LoadResult,
    /// Click frames the flooder wrote.
    pub flood_sent: u64,
    /// Clicks of the flooder the server applied (the count its last update showed).
    pub flood_applied: u64,
    /// Whether the server closed the flooder's connection, and with which code.
    pub flood_closed: Option<u16>,
}

/// `clients` paced clients (as [`paced`]) and `flooders` clients that write click frames as fast
/// as their sockets take them, without waiting for updates, for `duration`. With `flooders == 0`
/// it is the baseline of the same paced load.
pub async fn flood(url: &str, clients: usize, rate: f64, flooders: usize, duration: Duration) -> FloodResult {
    let floods = connect_all(url, flooders).await;
    let normals = connect_all(url, clients).await;
    let t0 = tokio::time::Instant::now() + Duration::from_millis(100);
    let deadline = t0 + duration;
    let flood_tasks: Vec<_> = floods
        .into_iter()
        .map(|(ws, target)| {
            tokio::spawn(async move {
                let (mut sink, mut stream) = ws.split();
                let event = click_text(&target);
                let writer = async {
                    tokio::time::sleep_until(t0).await;
                    let mut sent = 0u64;
                    // Bounded in count and in time, also while the socket takes nothing.
                    let _ = tokio::time::timeout_at(deadline, async {
                        while sent < 50_000_000 {
                            if sink.feed(Message::Text(event.clone().into())).await.is_err() {
                                break;
                            }
                            sent += 1;
                            if sent % 64 == 0 && sink.flush().await.is_err() {
                                break;
                            }
                        }
                    })
                    .await;
                    sent
                };
                let reader = async {
                    let (mut applied, mut closed) = (0u64, None);
                    // Read until the updates stop coming after the flood (or the server closes).
                    let settle = deadline + Duration::from_secs(2);
                    while let Ok(Some(Ok(frame))) = tokio::time::timeout_at(settle, stream.next()).await {
                        match frame {
                            Message::Text(text) => {
                                let v = serde_json::from_str::<Value>(text.as_str()).ok();
                                applied = v.as_ref().and_then(shown_count).unwrap_or(applied).max(applied);
                            }
                            Message::Close(frame) => {
                                closed = Some(frame.map_or(1005, |f| u16::from(f.code)));
                                break;
                            }
                            _ => {}
                        }
                    }
                    (applied, closed)
                };
                let (sent, (applied, closed)) = tokio::join!(writer, reader);
                (sent, applied, closed)
            })
        })
        .collect();
    let normal = paced_run(normals, rate, t0, deadline).await;
    let mut result = FloodResult { normal, flood_sent: 0, flood_applied: 0, flood_closed: None };
    for task in flood_tasks {
        if let Ok((sent, applied, closed)) = task.await {
            result.flood_sent += sent;
            result.flood_applied += applied;
            result.flood_closed = result.flood_closed.or(closed);
        }
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

/// Opens `n` idle sessions, 200 at a time, and returns those that connected.
pub async fn hold_sessions(url: &str, n: usize) -> Vec<(Ws, String)> {
    let mut sessions = Vec::with_capacity(n);
    for chunk in (0..n).collect::<Vec<_>>().chunks(200) {
        let batch = futures_util::future::join_all(chunk.iter().map(|_| connect(url))).await;
        sessions.extend(batch.into_iter().flatten());
    }
    sessions
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
