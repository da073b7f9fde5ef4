//! The soak: 200 clients connect, click and disconnect in churn against a server in a child
//! process for two minutes (`IDOM_SOAK_SECONDS` for longer), and the server must end as it was
//! after warm-up: resident memory within 10%, and no more OS threads, file descriptors or tokio
//! tasks.
//!
//! The server is this test binary run again with `IDOM_SOAK_CHILD` set: it serves a per-client
//! counter on 127.0.0.1 through the public API only, and answers `stats <n>` on its stdin with
//! its live tokio task count and its active and parked sessions. Its memory, threads and
//! descriptors are read from `/proc/<pid>`. It exits when its stdin closes, so it cannot outlive
//! the test.
//!
//! Figures are compared at quiescent moments only: churn paused, every session ended, the parked
//! ones expired (a disconnect parks a session for the resume window; the server drops it when the
//! window ends), blocking-pool threads retired. They are taken that way after warm-up and at the
//! end.
//!
//! ```sh
//! cargo test --test soak -- --nocapture                                   # CI: 120 s
//! IDOM_SOAK_SECONDS=1800 cargo test --release --test soak -- --nocapture  # a long run
//! ```
//!
//! Every loop is bounded in count and time; nothing is asserted about time. Linux only: the
//! figures come from `/proc`.

#![cfg(target_os = "linux")]

use std::io::{BufRead as _, BufReader, Write as _};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use futures_util::{SinkExt as _, StreamExt as _};
use idom::ServerConfig;
use idom::prelude::*;
use serde_json::{Value, json};
use tokio::time::Instant;
use tokio_tungstenite::MaybeTlsStream;
use tokio_tungstenite::tungstenite::Message;

#[path = "common/procstat.rs"]
mod procstat;

/// Set in the environment of the server child.
const CHILD_ENV: &str = "IDOM_SOAK_CHILD";
/// This test's name: the child runs it, and it serves instead.
const TEST_NAME: &str = "churn_leaves_no_growth";
/// The server's resume window: short, so that parked sessions expire within the run.
const RESUME_WINDOW: Duration = Duration::from_secs(3);
/// Parked sessions the server keeps at most. Small, so that the churn reaches it at any speed
/// (100 disconnects within the resume window) and the server holds as many sessions, active and
/// parked, after warm-up as later: the figures compare like with like.
const MAX_PARKED: usize = 100;
/// How long an idle thread of the server's blocking pool lives.
const BLOCKING_KEEP_ALIVE: Duration = Duration::from_secs(1);
/// Longest wait for any one step of a client (connect, a frame, a close).
const STEP: Duration = Duration::from_secs(10);
/// Clients at once.
const CLIENTS: usize = 200;
/// Connect-click-disconnect cycles one client makes at most (the clock ends them first).
const MAX_CYCLES: u64 = 1_000_000;

#[component]
fn Counter() -> Element {
    let (count, set_count) = use_state(|| 0u64);
    html! { <button onclick={move |_| set_count.update(|c| c + 1)}>"Count: " {count}</button> }
}

#[test]
fn churn_leaves_no_growth() {
    if std::env::var_os(CHILD_ENV).is_some() {
        serve_until_stdin_closes();
        return;
    }
    let total =
        Duration::from_secs(std::env::var("IDOM_SOAK_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(120).max(6));
    let warm_up = (total / 6).min(Duration::from_secs(20));
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    let mut server = ServerChild::start();
    let counters = Arc::new(Counters::default());
    println!(
        "soak: {CLIENTS} clients for {} s (warm-up {} s), resume window {} s, {MAX_PARKED} parked at most, server pid {}",
        total.as_secs(),
        warm_up.as_secs(),
        RESUME_WINDOW.as_secs(),
        server.pid
    );
    std::thread::sleep(Duration::from_millis(500));
    let start = server.figures();
    start.print("start", &counters);

    churn_for(&rt, &mut server, &counters, warm_up, Duration::ZERO);
    let warm = quiesce(&mut server);
    warm.print("after warm-up", &counters);

    churn_for(&rt, &mut server, &counters, total - warm_up, warm_up);
    let end = quiesce(&mut server);
    end.print("end", &counters);

    let (connections, events, errors, wrong) = (
        counters.connections.load(Ordering::Relaxed),
        counters.events.load(Ordering::Relaxed),
        counters.errors.load(Ordering::Relaxed),
        counters.wrong.load(Ordering::Relaxed),
    );
    println!(
        "soak: rss end/after warm-up {:.3}; {connections} connections, {events} events, {} resumed, {errors} errors",
        end.rss_bytes as f64 / warm.rss_bytes as f64,
        counters.resumed.load(Ordering::Relaxed),
    );
    assert!(connections > CLIENTS as u64 && events > 0, "the churn ran");
    assert_eq!(errors, 0, "every connect, click and close succeeded");
    assert_eq!(wrong, 0, "every count shown was the expected one");
    assert!(
        end.rss_bytes * 10 <= warm.rss_bytes * 11,
        "RSS grew more than 10%: {} KiB after warm-up, {} KiB at the end",
        warm.rss_bytes / 1024,
        end.rss_bytes / 1024
    );
    assert!(end.fds <= warm.fds, "file descriptors grew: {} after warm-up, {} at the end", warm.fds, end.fds);
    assert!(end.tasks <= warm.tasks, "tokio tasks grew: {} after warm-up, {} at the end", warm.tasks, end.tasks);
    assert!(end.threads <= warm.threads, "threads grew: {} after warm-up, {} at the end", warm.threads, end.threads);
}

// ---------------------------------------------------------------------------------------------
// the server child

/// Serves the counter on 127.0.0.1 and answers `stats <n>` lines until stdin closes.
fn serve_until_stdin_closes() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_keep_alive(BLOCKING_KEEP_ALIVE)
        .enable_all()
        .build()
        .expect("runtime");
    let mut config = ServerConfig::default();
    config.resume_window = RESUME_WINDOW;
    config.max_parked_sessions = MAX_PARKED;
    let service = PerClientStateServer::new(Counter).config(config).into_service();
    let addr = rt.block_on(async {
        let (addr, server) = service.clone().bind("127.0.0.1:0", std::future::pending()).await.expect("binds");
        tokio::spawn(server);
        addr
    });
    println!("soak-server http://{addr}/");
    let metrics = rt.metrics();
    for line in std::io::stdin().lock().lines().map_while(Result::ok).take(1_000_000) {
        if let Some(n) = line.strip_prefix("stats ") {
            println!(
                "soak-stats n={n} tasks={} active={} parked={}",
                metrics.num_alive_tasks(),
                service.active_sessions(),
                service.parked_sessions()
            );
        }
    }
    rt.shutdown_timeout(Duration::from_secs(5));
}

/// The server child, killed when dropped.
struct ServerChild {
    child: Child,
    stdin: ChildStdin,
    lines: mpsc::Receiver<String>,
    pid: u32,
    /// `ws://127.0.0.1:PORT/_idom/stream?loc=%2F`
    stream_url: String,
    asked: u64,
}

/// One quiescent or live reading of the server.
#[derive(Clone, Copy, Debug)]
struct Figures {
    rss_bytes: u64,
    threads: u64,
    fds: u64,
    tasks: u64,
    active: u64,
    parked: u64,
}

impl ServerChild {
    fn start() -> ServerChild {
        let exe = std::env::current_exe().expect("test executable");
        let mut child = Command::new(exe)
            .args([TEST_NAME, "--exact", "--nocapture", "--test-threads=1"])
            .env(CHILD_ENV, "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the server child starts");
        let stdin = child.stdin.take().expect("stdin");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            // The test harness of the child may print its "test ... " before a line of ours.
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(at) = line.find("soak-")
                    && tx.send(line[at..].to_owned()).is_err()
                {
                    return;
                }
            }
        });
        let first = lines.recv_timeout(Duration::from_secs(30)).expect("the server child printed its address");
        let url = first.strip_prefix("soak-server http://").expect("an address").trim_end_matches('/');
        let pid = child.id();
        ServerChild { child, stdin, lines, pid, stream_url: format!("ws://{url}/_idom/stream?loc=%2F"), asked: 0 }
    }

    /// The server's figures now.
    fn figures(&mut self) -> Figures {
        self.asked += 1;
        let n = self.asked;
        writeln!(self.stdin, "stats {n}").and_then(|()| self.stdin.flush()).expect("the server child reads");
        let prefix = format!("soak-stats n={n} ");
        let answer = (0..100)
            .find_map(|_| {
                let line = self.lines.recv_timeout(STEP).expect("the server child answers");
                line.strip_prefix(&prefix).map(str::to_owned)
            })
            .expect("an answer to this question");
        let field = |name: &str| -> u64 {
            answer
                .split_whitespace()
                .find_map(|kv| kv.strip_prefix(name)?.strip_prefix('='))
                .and_then(|v| v.parse().ok())
                .unwrap_or_else(|| panic!("{name} in {answer:?}"))
        };
        let proc = procstat::read(self.pid).expect("/proc of the server child");
        Figures {
            rss_bytes: proc.rss_bytes,
            threads: proc.threads,
            fds: proc.fds,
            tasks: field("tasks"),
            active: field("active"),
            parked: field("parked"),
        }
    }
}

impl Drop for ServerChild {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Figures {
    fn print(&self, phase: &str, counters: &Counters) {
        println!(
            "soak: {phase:<13} rss {:>7} KiB  threads {:>2}  fds {:>4}  tasks {:>4}  active {:>4}  parked {:>4}  \
             connections {:>8}  events {:>9}",
            self.rss_bytes / 1024,
            self.threads,
            self.fds,
            self.tasks,
            self.active,
            self.parked,
            counters.connections.load(Ordering::Relaxed),
            counters.events.load(Ordering::Relaxed),
        );
    }
}

/// Runs the churn for `duration`, printing live figures every 10 s; `offset` is the time run
/// before, for the labels.
fn churn_for(
    rt: &tokio::runtime::Runtime,
    server: &mut ServerChild,
    counters: &Arc<Counters>,
    duration: Duration,
    offset: Duration,
) {
    let until = Instant::now() + duration;
    let churn = rt.spawn(churn(server.stream_url.clone(), until, counters.clone()));
    let every = Duration::from_secs(10);
    let mut next = every;
    while next < duration {
        std::thread::sleep(until.saturating_duration_since(Instant::now()).min(every));
        server.figures().print(&format!("live {:>4} s", (offset + next).as_secs()), counters);
        next += every;
    }
    rt.block_on(async {
        tokio::time::timeout(duration + STEP * 6, churn).await.expect("the churn stops").expect("no client panicked")
    });
}

/// Waits, bounded, for the server to be quiet: no session, the parked ones expired, the task,
/// descriptor and thread counts steady. Returns its figures then.
fn quiesce(server: &mut ServerChild) -> Figures {
    let wait_for = |server: &mut ServerChild, what: &str, ok: &dyn Fn(&Figures) -> bool| {
        for _ in 0..300 {
            let f = server.figures();
            if ok(&f) {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("the server did not settle: {what}: {:?}", server.figures());
    };
    wait_for(server, "sessions still active", &|f| f.active == 0);
    // Each parked session is dropped when its resume window ends (with the task that waited for
    // it), whether or not another session comes.
    wait_for(server, "sessions still active or parked", &|f| f.active == 0 && f.parked == 0);
    // Idle blocking-pool threads retire after their keep-alive.
    std::thread::sleep(BLOCKING_KEEP_ALIVE * 2);
    let mut last = server.figures();
    for _ in 0..20 {
        std::thread::sleep(Duration::from_millis(500));
        let now = server.figures();
        let steady = (now.tasks, now.fds, now.threads) == (last.tasks, last.fds, last.threads);
        last = now;
        if steady {
            break;
        }
    }
    last
}

// ---------------------------------------------------------------------------------------------
// the clients

#[derive(Debug, Default)]
struct Counters {
    /// Websocket sessions opened.
    connections: AtomicU64,
    /// Clicks answered with an update.
    events: AtomicU64,
    /// Sessions resumed after a disconnect.
    resumed: AtomicU64,
    /// Failed connects, frames or closes.
    errors: AtomicU64,
    /// Counts that were not the expected one.
    wrong: AtomicU64,
}

/// [`CLIENTS`] clients in churn until `until`.
async fn churn(url: String, until: Instant, counters: Arc<Counters>) {
    let clients: Vec<_> =
        (0..CLIENTS).map(|c| tokio::spawn(client_loop(url.clone(), c as u64, until, counters.clone()))).collect();
    for client in clients {
        client.await.expect("a client finished");
    }
}

/// How a cycle leaves its session.
#[derive(Clone, Copy, Debug)]
enum Ending {
    /// A close frame, then the server's close.
    Close,
    /// The socket dropped without a close frame (FIN).
    Drop,
    /// The socket reset (RST, `SO_LINGER` 0).
    Reset,
}

/// One client: connect, click 1 to 4 times, leave (one of the three [`Ending`]s); every fourth
/// cycle comes back to the previous session instead of a new one.
async fn client_loop(url: String, client: u64, until: Instant, counters: Arc<Counters>) {
    let mut rng = client.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut random = move |n: u64| {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng % n
    };
    // Spread the first connects over a second.
    tokio::time::sleep(Duration::from_millis(random(1_000))).await;
    let mut previous: Option<(String, u64)> = None;
    for cycle in 0..MAX_CYCLES {
        if Instant::now() >= until {
            break;
        }
        let resume = if cycle % 4 == 3 { previous.take() } else { None };
        let ending = [Ending::Close, Ending::Drop, Ending::Reset][((client + cycle) % 3) as usize];
        match one_cycle(&url, resume, 1 + random(4), ending, &counters).await {
            Ok(session) => previous = Some(session),
            Err(e) => {
                if counters.errors.fetch_add(1, Ordering::Relaxed) < 10 {
                    eprintln!("soak: client {client} cycle {cycle}: {e}");
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
        tokio::time::sleep(Duration::from_millis(5 + random(30))).await;
    }
}

/// Connects (resuming `resume`'s session if given), clicks `clicks` times checking each count,
/// and leaves; returns the session's id and its count.
async fn one_cycle(
    url: &str,
    resume: Option<(String, u64)>,
    clicks: u64,
    ending: Ending,
    counters: &Counters,
) -> Result<(String, u64), String> {
    let url = match &resume {
        Some((id, _)) => format!("{url}&session={id}"),
        None => url.to_owned(),
    };
    let mut session = Session::connect(&url).await?;
    counters.connections.fetch_add(1, Ordering::Relaxed);
    let (id, resumed) = session.hello.clone().ok_or("no session message")?;
    let expected = match &resume {
        Some((old, count)) if resumed => {
            counters.resumed.fetch_add(1, Ordering::Relaxed);
            if *old != id {
                counters.wrong.fetch_add(1, Ordering::Relaxed);
            }
            *count
        }
        _ => 0,
    };
    let mut count = session.count()?;
    if count != expected {
        counters.wrong.fetch_add(1, Ordering::Relaxed);
    }
    for _ in 0..clicks {
        session.click().await?;
        counters.events.fetch_add(1, Ordering::Relaxed);
        let now = session.count()?;
        if now != count + 1 {
            counters.wrong.fetch_add(1, Ordering::Relaxed);
        }
        count = now;
    }
    match ending {
        Ending::Close => session.close().await,
        Ending::Drop => drop(session),
        Ending::Reset => {
            if let MaybeTlsStream::Plain(tcp) = session.ws.get_ref() {
                tcp.set_zero_linger().map_err(|e| format!("SO_LINGER: {e}"))?;
            }
            drop(session);
        }
    }
    Ok((id, count))
}

type Ws = tokio_tungstenite::WebSocketStream<MaybeTlsStream<tokio::net::TcpStream>>;

/// A websocket session and the model its updates built.
struct Session {
    ws: Ws,
    model: Value,
    /// The session's id and whether it was resumed.
    hello: Option<(String, bool)>,
}

impl Session {
    async fn connect(url: &str) -> Result<Session, String> {
        let (ws, _) = tokio::time::timeout(STEP, tokio_tungstenite::connect_async(url))
            .await
            .map_err(|_| "connect timed out".to_owned())?
            .map_err(|e| format!("connect: {e}"))?;
        let mut session = Session { ws, model: Value::Null, hello: None };
        session.next_update().await?;
        Ok(session)
    }

    /// Reads frames until a layout-update arrives and applies it.
    async fn next_update(&mut self) -> Result<(), String> {
        for _ in 0..100 {
            let frame = tokio::time::timeout(STEP, self.ws.next())
                .await
                .map_err(|_| "no frame in time".to_owned())?
                .ok_or("closed")?
                .map_err(|e| format!("frame: {e}"))?;
            let Message::Text(text) = frame else { continue };
            let msg: Value = serde_json::from_str(text.as_str()).map_err(|e| format!("json: {e}"))?;
            if msg["type"] == "session" {
                let id = msg["id"].as_str().ok_or("a session id")?.to_owned();
                self.hello = Some((id, msg["resumed"].as_bool().unwrap_or(false)));
                continue;
            }
            let update = idom::protocol::decode_update(text.as_str()).map_err(|e| format!("update: {e}"))?;
            return idom::testing::apply_update(&mut self.model, &update);
        }
        Err("no update in 100 frames".to_owned())
    }

    async fn click(&mut self) -> Result<(), String> {
        let target = find_target(&self.model).ok_or("no button")?;
        let msg = json!({"type": "layout-event", "target": target, "data": [{"type": "click"}]});
        self.ws.send(Message::Text(msg.to_string().into())).await.map_err(|e| format!("send: {e}"))?;
        self.next_update().await
    }

    /// The number the button shows.
    fn count(&self) -> Result<u64, String> {
        let mut text = String::new();
        collect_text(&self.model, &mut text);
        text.trim().strip_prefix("Count:").and_then(|n| n.trim().parse().ok()).ok_or_else(|| format!("text {text:?}"))
    }

    /// A close frame, then the server's answer until the socket ends (bounded).
    async fn close(mut self) {
        let _ = tokio::time::timeout(STEP, async {
            let _ = self.ws.close(None).await;
            for _ in 0..100 {
                if !matches!(self.ws.next().await, Some(Ok(_))) {
                    break;
                }
            }
        })
        .await;
    }
}

fn find_target(v: &Value) -> Option<String> {
    if let Some(t) = v["eventHandlers"]["onClick"]["target"].as_str() {
        return Some(t.to_owned());
    }
    v["children"].as_array()?.iter().find_map(find_target)
}

fn collect_text(v: &Value, out: &mut String) {
    match v {
        Value::String(s) => out.push_str(s),
        _ => {
            for child in v["children"].as_array().into_iter().flatten() {
                collect_text(child, out);
            }
        }
    }
}
