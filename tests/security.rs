//! Reliability and security over real sockets on 127.0.0.1: abusive frames, a slow reader,
//! panics, resuming sessions, a reconnect storm, limits and timeouts, and escaping.
//! Every loop is bounded in count and time.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

mod common;

use common::XSS;
use futures_util::{SinkExt as _, StreamExt as _};
use idom::prelude::*;
use idom::testing::apply_update;
use idom::{IdomService, ServerConfig};
use serde_json::{Value, json};
use stats_alloc::{INSTRUMENTED_SYSTEM, StatsAlloc};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::frame::Frame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::{Data, OpCode};

#[global_allocator]
static GLOBAL: &StatsAlloc<std::alloc::System> = &INSTRUMENTED_SYSTEM;

/// The tests of this file run one at a time: the heap figures are the whole process's.
static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Heap bytes in use by this process.
fn heap_in_use() -> i64 {
    let stats = GLOBAL.stats();
    stats.bytes_allocated as i64 - stats.bytes_deallocated as i64
}

#[component]
fn Counter() -> Element {
    let (count, set_count) = use_state(|| 0);
    html! { <button onclick={move |_| set_count.update(|c| c + 1)}>"Count: " {count}</button> }
}

type Ws = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn start(service: IdomService) -> std::net::SocketAddr {
    let (addr, server) = service.bind("127.0.0.1:0", std::future::pending()).await.unwrap();
    tokio::spawn(server);
    addr
}

fn config(change: impl FnOnce(&mut ServerConfig)) -> ServerConfig {
    let mut c = ServerConfig::default();
    change(&mut c);
    c
}

/// A client that keeps the model its updates build.
struct Client {
    ws: Ws,
    model: Value,
    session: Option<(String, bool)>,
}

impl Client {
    async fn connect(addr: std::net::SocketAddr, query: &str) -> Client {
        let url = format!("ws://{addr}/_idom/stream?loc=%2F{query}");
        let (ws, _) = tokio::time::timeout(Duration::from_secs(10), tokio_tungstenite::connect_async(url))
            .await
            .expect("connect in time")
            .expect("websocket connects");
        let mut client = Client { ws, model: Value::Null, session: None };
        client.next_update().await;
        client
    }

    /// Reads frames until a layout-update arrives, applies it and returns it.
    async fn next_update(&mut self) -> idom::LayoutUpdate {
        loop {
            let frame = tokio::time::timeout(Duration::from_secs(10), self.ws.next())
                .await
                .expect("a frame in time")
                .expect("open")
                .expect("valid frame");
            let Message::Text(text) = frame else { continue };
            let msg: Value = serde_json::from_str(text.as_str()).unwrap();
            if msg["type"] == "session" {
                self.session = Some((msg["id"].as_str().unwrap().to_owned(), msg["resumed"].as_bool().unwrap()));
                continue;
            }
            let update = idom::protocol::decode_update(text.as_str()).unwrap();
            apply_update(&mut self.model, &update).unwrap();
            return update;
        }
    }

    fn target(&self) -> String {
        self.model["children"][0]["eventHandlers"]["onClick"]["target"].as_str().expect("a button").to_owned()
    }

    async fn click(&mut self) {
        let msg = json!({"type": "layout-event", "target": self.target(), "data": [{"type": "click"}]});
        self.ws.send(Message::Text(msg.to_string().into())).await.unwrap();
        self.next_update().await;
    }

    fn text(&self) -> String {
        self.model["children"][0]["children"][0].as_str().unwrap_or_default().to_owned()
    }
}

/// 10,000 mixed bad frames from several clients while a good client keeps clicking: the server
/// never crashes, the good client's count stays exact, and the heap returns to its baseline.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn abuse_suite() {
    let _serial = SERIAL.lock().await;
    // Bad frames as fast as the socket takes them: the event budget is off here, so that every
    // frame reaches the decoder (the budget has its own test, tests/fairness.rs).
    let addr =
        start(PerClientStateServer::new(Counter).config(config(|c| c.max_events_per_second = 0)).into_service()).await;
    // Warm up: one session, so lazily created runtime state is not counted as growth.
    drop(Client::connect(addr, "").await);
    tokio::time::sleep(Duration::from_millis(100)).await;
    let baseline = heap_in_use();

    let sent = Arc::new(AtomicUsize::new(0));
    let mut attackers = Vec::new();
    for a in 0..5 {
        let sent = sent.clone();
        attackers.push(tokio::spawn(async move {
            let mut client = Client::connect(addr, "").await;
            let target = client.target();
            for i in 0..2_000usize {
                let frame = match (i + a) % 10 {
                    0 => Message::Text("{not json".into()),
                    1 => Message::Text(r#"{"type":"layout-event","target":5,"data":"x"}"#.into()),
                    2 => Message::Text(r#"{"type":"layout-event","target":"9999:0:onClick","data":[]}"#.into()),
                    3 => Message::Text(r#"{"type":"something-else","payload":[1,2,3]}"#.into()),
                    4 => Message::Binary(vec![0u8, 159, 146, 150].into()),
                    5 => Message::Text(r#"[1,2,3]"#.into()),
                    6 => Message::Text(
                        format!(
                            r#"{{"type":"layout-event","target":"{target}","data":[{{"deep":{}}}]}}"#,
                            "[".repeat(200) + &"]".repeat(200)
                        )
                        .into(),
                    ),
                    7 => Message::Frame(Frame::message(r#"{"type":"layout-"#, OpCode::Data(Data::Text), false)),
                    8 => Message::Frame(Frame::message(r#"event","target":"x"}"#, OpCode::Data(Data::Continue), true)),
                    _ => Message::Text(r#"{"type":"layout-event","target":"","data":null}"#.into()),
                };
                if client.ws.send(frame).await.is_err() {
                    break;
                }
                sent.fetch_add(1, Ordering::Relaxed);
            }
            // One oversized message at the end: closes this session with 1009.
            let _ = client.ws.send(Message::Text("x".repeat(100 * 1024).into())).await;
            let mut code = None;
            while let Ok(Some(Ok(msg))) = tokio::time::timeout(Duration::from_secs(10), client.ws.next()).await {
                if let Message::Close(frame) = msg {
                    code = frame.map(|f| u16::from(f.code));
                    break;
                }
            }
            code
        }));
    }

    let mut good = Client::connect(addr, "").await;
    for i in 1..=200 {
        good.click().await;
        assert_eq!(good.text(), format!("Count: {i}"), "the good client's updates stay exact");
    }
    for attacker in attackers {
        let code = tokio::time::timeout(Duration::from_secs(30), attacker).await.expect("attacker done").unwrap();
        assert_eq!(code, Some(1009), "an oversized message closes the session with 1009");
    }
    assert!(sent.load(Ordering::Relaxed) >= 9_000, "the attack was sent: {}", sent.load(Ordering::Relaxed));

    // The server still serves new sessions.
    let mut fresh = Client::connect(addr, "").await;
    fresh.click().await;
    assert_eq!(fresh.text(), "Count: 1");
    drop(fresh);
    drop(good);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let growth = heap_in_use() - baseline;
        // Parked sessions (the attackers' and ours, resumable for a minute) are a few KB each.
        if growth < 512 * 1024 {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "heap grew by {growth} bytes and did not come back");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[component]
fn Firehose() -> Element {
    let (tick, set_tick) = use_state(|| 0u64);
    use_effect(
        move || async move {
            for _ in 0..100_000u32 {
                tokio::time::sleep(Duration::from_millis(1)).await;
                set_tick.update(|t| t + 1);
            }
        },
        (),
    );
    html! { <div><p>{tick}</p><pre>{"x".repeat(8 * 1024)} {tick}</pre></div> }
}

/// A client that stops reading costs the server a bounded amount of memory, and when it reads
/// again it gets the latest state (changes were coalesced, not queued).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_reader_is_bounded() {
    let _serial = SERIAL.lock().await;
    let addr = start(PerClientStateServer::new(Firehose).into_service()).await;
    let mut client = Client::connect(addr, "").await;
    let baseline = heap_in_use();
    tokio::time::sleep(Duration::from_secs(2)).await; // not reading: ~2,000 state changes happen
    let growth = heap_in_use() - baseline;
    assert!(growth < 4 * 1024 * 1024, "the server buffered {growth} bytes for a reader that stopped");
    // Reading again: a few updates catch up; they do not replay every tick.
    // Updates already in the kernel's socket buffers arrive first, then the coalesced state: the
    // tick jumps by far more than one between two updates.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    let (mut previous, mut largest_jump, mut last_tick) = (0u64, 0u64, 0u64);
    while tokio::time::Instant::now() < deadline && last_tick <= 1_500 {
        client.next_update().await;
        last_tick = client.model["children"][0]["children"][0]["children"][0].as_str().unwrap().parse().unwrap();
        largest_jump = largest_jump.max(last_tick.saturating_sub(previous));
        previous = last_tick;
    }
    assert!(last_tick > 1_500, "the reader caught up (tick {last_tick})");
    assert!(largest_jump > 100, "changes made while the reader stalled were coalesced (largest jump {largest_jump})");
}

#[component]
fn Fragile() -> Element {
    let (count, set_count) = use_state(|| 0);
    html! {
        <div>
            <button onclick={move |_| set_count.update(|c| c + 1)}>"Count: " {count}</button>
            <Bomb />
        </div>
    }
}

#[component]
fn Bomb() -> Element {
    let (armed, set_armed) = use_state(|| false);
    if armed {
        panic!("boom in render");
    }
    html! { <button class="bomb" onclick={move |_| set_armed.set(true)}>"Arm"</button> }
}

/// A panic in one session's component shows an error node there; other sessions and the rest of
/// that page go on.
#[tokio::test]
async fn panics_stay_in_their_component() {
    let _serial = SERIAL.lock().await;
    let addr = start(PerClientStateServer::new(Fragile).into_service()).await;
    let mut a = Client::connect(addr, "").await;
    let mut b = Client::connect(addr, "").await;
    let bomb = a.model["children"][0]["children"][1]["eventHandlers"]["onClick"]["target"].as_str().unwrap().to_owned();
    a.ws.send(Message::Text(json!({"type": "layout-event", "target": bomb, "data": []}).to_string().into()))
        .await
        .unwrap();
    a.next_update().await;
    let error = &a.model["children"][0]["children"][1];
    assert_eq!(error["tagName"], "pre");
    assert_eq!(error["attributes"]["class"], "idom-error");
    // The sibling in the same page still works.
    let counter =
        a.model["children"][0]["children"][0]["eventHandlers"]["onClick"]["target"].as_str().unwrap().to_owned();
    a.ws.send(Message::Text(json!({"type": "layout-event", "target": counter, "data": []}).to_string().into()))
        .await
        .unwrap();
    a.next_update().await;
    assert_eq!(a.model["children"][0]["children"][0]["children"][0], "Count: 1");
    // Another session never noticed.
    let counter =
        b.model["children"][0]["children"][0]["eventHandlers"]["onClick"]["target"].as_str().unwrap().to_owned();
    b.ws.send(Message::Text(json!({"type": "layout-event", "target": counter, "data": []}).to_string().into()))
        .await
        .unwrap();
    b.next_update().await;
    assert_eq!(b.model["children"][0]["children"][0]["children"][0], "Count: 1");
    assert_eq!(b.model["children"][0]["children"][1]["tagName"], "button");
}

#[component]
fn Clumsy() -> Element {
    let (count, set_count) = use_state(|| 0);
    html! {
        <div>
            <button class="clumsy" onclick={|_| -> () { panic!("boom in a handler") }}>"Oops"</button>
            <button onclick={move |_| set_count.update(|c| c + 1)}>"Count: " {count}</button>
        </div>
    }
}

/// A panic in a handler is logged; the component keeps its render and state, and the session
/// goes on: the next update is the counter's, and nothing else changed.
#[tokio::test]
async fn a_handler_panic_keeps_the_page() {
    let _serial = SERIAL.lock().await;
    let addr = start(PerClientStateServer::new(Clumsy).into_service()).await;
    let mut a = Client::connect(addr, "").await;
    let before = a.model.clone();
    let target = |model: &serde_json::Value, i: usize| {
        model["children"][0]["children"][i]["eventHandlers"]["onClick"]["target"].as_str().unwrap().to_owned()
    };
    let clumsy = target(&a.model, 0);
    a.ws.send(Message::Text(json!({"type": "layout-event", "target": clumsy, "data": []}).to_string().into()))
        .await
        .unwrap();
    let counter = target(&a.model, 1);
    a.ws.send(Message::Text(json!({"type": "layout-event", "target": counter, "data": []}).to_string().into()))
        .await
        .unwrap();
    a.next_update().await;
    let mut expected = before;
    expected["children"][0]["children"][1]["children"][0] = json!("Count: 1");
    assert_eq!(a.model, expected);
}

/// A client that comes back within the window gets its state back; with an unknown or expired id
/// it gets a fresh session and is told so.
#[tokio::test]
async fn reconnecting_resumes_the_session() {
    let _serial = SERIAL.lock().await;
    let service = PerClientStateServer::new(Counter)
        .config(config(|c| c.resume_window = Duration::from_millis(800)))
        .into_service();
    let addr = start(service.clone()).await;
    let mut first = Client::connect(addr, "").await;
    first.click().await;
    first.click().await;
    let (id, resumed) = first.session.clone().expect("a session id");
    assert!(!resumed);
    assert_eq!(id.len(), 32);
    drop(first);
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(service.parked_sessions(), 1);

    let mut back = Client::connect(addr, &format!("&session={id}")).await;
    assert_eq!(back.session, Some((id.clone(), true)));
    assert_eq!(back.text(), "Count: 2", "the state survived the reconnect");
    back.click().await;
    assert_eq!(back.text(), "Count: 3");
    drop(back);

    let stranger = Client::connect(addr, "&session=00000000000000000000000000000000").await;
    assert_eq!(stranger.session.as_ref().map(|s| s.1), Some(false));
    assert_eq!(stranger.text(), "Count: 0");

    tokio::time::sleep(Duration::from_millis(1_000)).await; // past the window
    let late = Client::connect(addr, &format!("&session={id}")).await;
    assert_eq!(late.session.as_ref().map(|s| s.1), Some(false), "an expired session is not resumed");
    assert_eq!(late.text(), "Count: 0");
}

/// A client that comes back while its old connection still looks open (the close has not
/// arrived, or never will: a half-open connection) takes the session over: the old connection is
/// closed with 1001, and the new one resumes the state.
#[tokio::test]
async fn a_resume_takes_the_session_over_from_a_connection_still_open() {
    let _serial = SERIAL.lock().await;
    let service = PerClientStateServer::new(Counter).into_service();
    let addr = start(service.clone()).await;
    let mut old = Client::connect(addr, "").await;
    old.click().await;
    let (id, _) = old.session.clone().expect("a session id");
    // The old connection stays open and silent.
    let mut back = Client::connect(addr, &format!("&session={id}")).await;
    assert_eq!(back.session, Some((id.clone(), true)), "resumed, not started afresh");
    assert_eq!(back.text(), "Count: 1");
    back.click().await;
    assert_eq!(back.text(), "Count: 2");
    let close = loop {
        match tokio::time::timeout(Duration::from_secs(5), old.ws.next()).await.expect("the old one is closed") {
            Some(Ok(Message::Close(frame))) => break frame.expect("a close frame"),
            Some(Ok(_)) => {}
            other => panic!("expected a close frame, got {other:?}"),
        }
    };
    assert_eq!((u16::from(close.code), close.reason.as_str()), (1001, "resumed by a new connection"));
    // The old connection's session ends just after its close frame.
    for _ in 0..200 {
        if service.active_sessions() == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(service.active_sessions(), 1);
}

/// A dropped session is let go when its resume window ends, on a server that sees no other
/// connection (no later park sweeps it).
#[tokio::test]
async fn a_parked_session_is_dropped_when_its_window_ends() {
    let _serial = SERIAL.lock().await;
    let service = PerClientStateServer::new(Counter)
        .config(config(|c| c.resume_window = Duration::from_millis(300)))
        .into_service();
    let addr = start(service.clone()).await;
    let mut client = Client::connect(addr, "").await;
    client.click().await;
    drop(client);
    let mut parked = Vec::new();
    for _ in 0..50 {
        parked.push(service.parked_sessions());
        if parked.last() == Some(&0) && parked.contains(&1) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(parked.contains(&1), "the session was parked: {parked:?}");
    assert_eq!(parked.last(), Some(&0), "and dropped once its window ended: {parked:?}");
}

/// 1,000 clients connect, drop and reconnect at once: every one is served, and parked sessions
/// stay within their bound.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reconnect_storm() {
    let _serial = SERIAL.lock().await;
    let service = PerClientStateServer::new(Counter).config(config(|c| c.max_parked_sessions = 300)).into_service();
    let addr = start(service.clone()).await;
    let served = Arc::new(AtomicUsize::new(0));
    let tasks: Vec<_> = (0..1_000)
        .map(|_| {
            let served = served.clone();
            tokio::spawn(async move {
                let first = Client::connect(addr, "").await;
                let id = first.session.clone().unwrap().0;
                drop(first);
                let again = Client::connect(addr, &format!("&session={id}")).await;
                assert_eq!(again.text(), "Count: 0");
                served.fetch_add(1, Ordering::Relaxed);
            })
        })
        .collect();
    for task in tasks {
        tokio::time::timeout(Duration::from_secs(60), task).await.expect("storm finishes").unwrap();
    }
    assert_eq!(served.load(Ordering::Relaxed), 1_000);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(service.parked_sessions() <= 300, "{} parked", service.parked_sessions());
    let mut after = Client::connect(addr, "").await;
    after.click().await;
    assert_eq!(after.text(), "Count: 1");
}

#[tokio::test]
async fn session_limit_and_idle_timeout() {
    let _serial = SERIAL.lock().await;
    let service = PerClientStateServer::new(Counter)
        .config(config(|c| {
            c.max_sessions = 2;
            c.ping_interval = Duration::from_millis(100);
            c.idle_timeout = Duration::from_millis(400);
        }))
        .into_service();
    let addr = start(service.clone()).await;
    let mut a = Client::connect(addr, "").await;
    let _b = Client::connect(addr, "").await;
    let refused =
        tokio_tungstenite::connect_async(format!("ws://{addr}/_idom/stream")).await.expect_err("over the limit");
    match refused {
        tokio_tungstenite::tungstenite::Error::Http(response) => assert_eq!(response.status(), 503),
        other => panic!("expected 503, got {other:?}"),
    }
    // Neither client reads, so neither answers pings: the server closes both as idle.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while service.active_sessions() > 0 {
        assert!(tokio::time::Instant::now() < deadline, "{} sessions still active", service.active_sessions());
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // What `a` reads ends with the close frame, unless its own pong writes hit the closed socket first.
    while let Ok(Some(Ok(msg))) = tokio::time::timeout(Duration::from_secs(5), a.ws.next()).await {
        if let Message::Close(Some(frame)) = msg {
            assert_eq!((u16::from(frame.code), frame.reason.as_str()), (1001, "idle timeout"));
            break;
        }
    }
    // The slots are free again.
    let _c = Client::connect(addr, "").await;
}

#[component]
fn Hostile(payload: String) -> Element {
    html! {
        <div title={payload.clone()} data-x={payload.clone()}>
            <a href={payload.clone()}>{payload.clone()}</a>
            <iframe srcdoc={payload.clone()} src={payload.clone()}></iframe>
            <p style={format!("color: {payload}")}>{payload}</p>
        </div>
    }
}

/// Every payload lands in text and attribute values without creating markup: the prerendered
/// HTML of the component has exactly the tags the component wrote.
#[test]
fn prerender_escapes_an_xss_corpus() {
    for payload in XSS {
        let html = idom::render_to_html(Hostile { payload: (*payload).to_owned() });
        assert_eq!(html.matches('<').count(), 8, "{payload:?} created markup: {html}");
        assert!(!html.contains("srcdoc"), "{payload:?}: srcdoc kept: {html}");
        assert!(!html.to_ascii_lowercase().contains("href=\"javascript"), "{payload:?}: {html}");
        assert!(!html.to_ascii_lowercase().contains("src=\" javascript"), "{payload:?}: {html}");
    }
}

/// Reads what the server answers on `stream` until it closes (at most `within`).
async fn answer(stream: &mut tokio::net::TcpStream, within: Duration) -> Option<String> {
    use tokio::io::AsyncReadExt as _;
    let mut out = Vec::new();
    tokio::time::timeout(within, stream.read_to_end(&mut out)).await.ok()?.ok()?;
    Some(String::from_utf8_lossy(&out).into_owned())
}

/// Slowloris: 200 connections dribble their headers. A new client still gets the page within a
/// second, and each slow one gets 408 and is closed within the header timeout.
#[tokio::test]
async fn slowloris_connections_get_408_and_others_go_on() {
    use tokio::io::AsyncWriteExt as _;
    let _serial = SERIAL.lock().await;
    let timeout = Duration::from_secs(2);
    let service = PerClientStateServer::new(Counter).config(config(|c| c.handshake_timeout = timeout)).into_service();
    let addr = start(service).await;
    let started = std::time::Instant::now();
    let mut slow = Vec::new();
    for _ in 0..200 {
        let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
        s.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n").await.unwrap();
        slow.push(s);
    }
    // They dribble a header line each while a real client asks for the page.
    for s in &mut slow {
        let _ = s.write_all(b"X-Slow: 1\r\n").await;
    }
    let page = tokio::time::timeout(Duration::from_secs(1), common::get(&format!("http://{addr}/"))).await;
    let (status, body) = page.expect("the page within a second despite 200 slow connections");
    assert_eq!(status, 200);
    assert!(body.contains("Count: 0"), "{body}");
    for s in &mut slow {
        let answered = answer(s, timeout + Duration::from_secs(2)).await.expect("closed within the timeout");
        assert!(answered.starts_with("HTTP/1.1 408"), "{answered:?}");
    }
    assert!(started.elapsed() < timeout + Duration::from_secs(3), "slow connections were held too long");
}

/// A request head over hyper's limit (about 400 KiB) gets 431; connections beyond the bound on those waiting for
/// their first request get 503 with Retry-After; the page goes on being served.
#[tokio::test]
async fn oversized_heads_get_431_and_too_many_waiting_connections_503() {
    use tokio::io::AsyncWriteExt as _;
    let _serial = SERIAL.lock().await;
    let service = PerClientStateServer::new(Counter)
        .config(config(|c| {
            c.max_waiting_connections = 5;
        }))
        .into_service();
    let addr = start(service).await;
    let mut big = tokio::net::TcpStream::connect(addr).await.unwrap();
    let head = format!("GET / HTTP/1.1\r\nHost: x\r\nX-Big: {}\r\n\r\n", "a".repeat(500_000));
    let _ = big.write_all(head.as_bytes()).await;
    let answered = answer(&mut big, Duration::from_secs(5)).await.expect("an answer");
    assert!(answered.starts_with("HTTP/1.1 431"), "{answered:?}");

    let mut idle = Vec::new();
    for _ in 0..5 {
        idle.push(tokio::net::TcpStream::connect(addr).await.unwrap());
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    let mut extra = tokio::net::TcpStream::connect(addr).await.unwrap();
    let answered = answer(&mut extra, Duration::from_secs(5)).await.expect("an answer");
    assert!(answered.starts_with("HTTP/1.1 503"), "{answered:?}");
    assert!(answered.contains("Retry-After: 1"), "{answered:?}");
    // Once those go, a page loads again.
    drop(idle);
    tokio::time::sleep(Duration::from_millis(100)).await;
    let (status, _) = common::get(&format!("http://{addr}/")).await;
    assert_eq!(status, 200);
}
