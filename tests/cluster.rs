//! Several processes: three `cluster` example processes behind nginx (sticky by cookie), with
//! sessions' persisted state in Redis, all started here on 127.0.0.1 and stopped by pid. A
//! session survives its process being killed (another restores it) and restarted; Redis away at
//! start stops `run` with a clear error, and away later costs nothing but retries.

mod common;

use std::time::Duration;

use common::browser::*;
use common::cluster::*;
use common::example_path;
use futures_util::{SinkExt as _, StreamExt as _};
use idom::protocol::decode_update;
use idom::testing::apply_update;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest as _;

/// Redis, three idom processes and nginx in front.
struct Cluster {
    redis: Redis,
    ports: Vec<u16>,
    idoms: Vec<Proc>,
    nginx: Nginx,
}

impl Cluster {
    async fn start() -> Cluster {
        let redis = Redis::start().await;
        let ports: Vec<u16> = (0..3).map(|_| free_port()).collect();
        let idoms = ports.iter().map(|p| idom_process(&example_path("cluster"), *p, &[redis.url()])).collect();
        let nginx = Nginx::start(&ports).await;
        Cluster { redis, ports, idoms, nginx }
    }

    fn kill(&mut self, port: u16) {
        let i = self.ports.iter().position(|p| *p == port).expect("one of ours");
        self.idoms[i].kill();
    }

    fn restart(&mut self, port: u16) {
        let i = self.ports.iter().position(|p| *p == port).expect("one of ours");
        self.idoms[i] = idom_process(&example_path("cluster"), port, &[self.redis.url()]);
    }
}

/// The sticky cookie nginx routes by: what the first page load sets.
async fn sticky_cookie(nginx: &Nginx) -> String {
    let (status, response) = common::get(&nginx.url()).await;
    assert_eq!(status, 200, "{response}");
    let line = response
        .lines()
        .find(|l| l.to_ascii_lowercase().starts_with("set-cookie: idom_sticky="))
        .unwrap_or_else(|| panic!("no sticky cookie in {response}"));
    let cookie = line.split_once(": ").unwrap().1.split(';').next().unwrap().to_owned();
    assert!(line.contains("HttpOnly") && line.contains("SameSite=Lax"), "{line}");
    cookie
}

type Ws = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

struct Client {
    ws: Ws,
    model: Value,
    session: Value,
}

impl Client {
    async fn connect(nginx: &Nginx, cookie: &str, session: Option<&str>) -> Client {
        let mut url = format!("ws://127.0.0.1:{}/_idom/stream?loc=%2F", nginx.port);
        if let Some(id) = session {
            url.push_str(&format!("&session={id}"));
        }
        let mut request = url.into_client_request().unwrap();
        request.headers_mut().insert("Cookie", cookie.parse().unwrap());
        let (ws, _) = tokio_tungstenite::connect_async(request).await.expect("the stream through nginx");
        let mut client = Client { ws, model: Value::Null, session: Value::Null };
        client.next_update().await;
        client
    }

    async fn next_update(&mut self) {
        loop {
            let msg = tokio::time::timeout(Duration::from_secs(10), self.ws.next())
                .await
                .expect("a message in time")
                .expect("open")
                .expect("a frame");
            let Message::Text(text) = msg else { continue };
            if text.contains("\"type\":\"session\"") {
                self.session = serde_json::from_str(&text).unwrap();
            } else if text.contains("\"type\":\"layout-update\"") {
                apply_update(&mut self.model, &decode_update(&text).unwrap()).unwrap();
                return;
            }
        }
    }

    fn id(&self) -> String {
        self.session["id"].as_str().expect("a session id").to_owned()
    }

    /// The port of the process that serves this client (the page says it).
    fn port(&self) -> u16 {
        let text = self.model["children"][1]["children"][0].as_str().unwrap().to_owned();
        text.split("port ")
            .nth(1)
            .and_then(|t| t.split(' ').next())
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("{text}"))
    }

    fn texts(&self) -> (String, String, String) {
        let text = |i: usize| {
            let children = self.model["children"][i]["children"].as_array().cloned().unwrap_or_default();
            children.iter().filter_map(Value::as_str).collect::<String>()
        };
        (text(3), text(4), text(5))
    }

    async fn fire(&mut self, child: usize, event: &str, data: Value) {
        let target = self.model["children"][child]["eventHandlers"][event]["target"].as_str().unwrap().to_owned();
        let msg = json!({"type": "layout-event", "target": target, "data": [data]});
        self.ws.send(Message::Text(msg.to_string().into())).await.unwrap();
        self.next_update().await;
    }
}

/// Waits until Redis holds the session's state with `field` equal to `value`.
async fn wait_persisted(redis: &Redis, id: &str, field: &str, value: Value) {
    let key = format!("idom:session:{id}");
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let state = redis.command(&["GET", &key]).await;
        let parsed: Option<Value> = state.as_deref().and_then(|s| serde_json::from_str(s).ok());
        if parsed.as_ref().is_some_and(|s| s[field] == value) {
            return;
        }
        assert!(tokio::time::Instant::now() < deadline, "{key} never held {field} = {value}: {state:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn a_session_survives_its_process_being_killed_and_restarted() {
    if !cluster_available() {
        return;
    }
    let mut cluster = Cluster::start().await;
    let cookie = sticky_cookie(&cluster.nginx).await;
    let mut client = Client::connect(&cluster.nginx, &cookie, None).await;
    let id = client.id();
    assert_eq!(client.session["resumed"], false);
    let first = client.port();
    // Sticky: a reconnect reaches the same process, which resumes the parked session whole.
    client.fire(2, "onInput", json!({"type": "input", "value": "a draft"})).await;
    client.fire(4, "onClick", json!({"type": "click"})).await;
    client.fire(4, "onClick", json!({"type": "click"})).await;
    client.fire(5, "onClick", json!({"type": "click"})).await;
    assert_eq!(client.texts(), ("7 characters".into(), "Persisted: 2".into(), "Not persisted: 1".into()));
    wait_persisted(&cluster.redis, &id, "count", json!(2)).await;
    wait_persisted(&cluster.redis, &id, "draft", json!("a draft")).await;
    drop(client);
    let client = Client::connect(&cluster.nginx, &cookie, Some(&id)).await;
    assert_eq!((client.port(), &client.session["resumed"]), (first, &json!(true)));
    assert_eq!(client.texts().2, "Not persisted: 1");
    drop(client);

    // Its process dies: another mounts the page afresh and restores the persisted state.
    cluster.kill(first);
    let mut client = Client::connect(&cluster.nginx, &cookie, Some(&id)).await;
    let second = client.port();
    assert_ne!(second, first);
    assert_eq!(client.id(), id, "the session keeps its id");
    assert_eq!((&client.session["resumed"], &client.session["restored"]), (&json!(false), &json!(true)));
    assert_eq!(client.texts(), ("7 characters".into(), "Persisted: 2".into(), "Not persisted: 0".into()));
    client.fire(4, "onClick", json!({"type": "click"})).await;
    wait_persisted(&cluster.redis, &id, "count", json!(3)).await;
    drop(client);

    // The first process comes back and the second dies: wherever the client lands now, the
    // state follows it again (the process that restored it wrote it back).
    cluster.restart(first);
    cluster.kill(second);
    let client = Client::connect(&cluster.nginx, &cookie, Some(&id)).await;
    assert_ne!(client.port(), second);
    assert_eq!(client.texts().1, "Persisted: 3");
    assert_eq!(client.session["restored"], true);
    wait_persisted(&cluster.redis, &id, "count", json!(3)).await;
}

#[tokio::test]
async fn a_claim_is_atomic_so_only_one_process_restores_a_session() {
    if !cluster_available() {
        return;
    }
    use idom::cluster::{Backend, RedisBackend};
    let redis = Redis::start().await;
    redis.command(&["SET", "idom:session:s1", "{\"count\":5}"]).await;
    let a = RedisBackend::new(&redis.url()).unwrap();
    let b = RedisBackend::new(&redis.url()).unwrap();
    let (x, y) = tokio::join!(a.claim("s1"), b.claim("s1"));
    let claimed: Vec<_> = [x.unwrap(), y.unwrap()].into_iter().flatten().collect();
    assert_eq!(claimed, ["{\"count\":5}"]);
    // Saving sets a time to live.
    a.save("s2", "{}".into(), Duration::from_secs(30)).await.unwrap();
    let ttl: i64 = redis.command(&["PTTL", "idom:session:s2"]).await.unwrap().trim_start_matches(':').parse().unwrap();
    assert!((1..=30_000).contains(&ttl), "{ttl}");
}

#[tokio::test]
async fn redis_unreachable_at_start_stops_run_with_a_clear_error() {
    if !cluster_available() {
        return;
    }
    let port = free_port(); // nothing listens there
    let output = std::process::Command::new(example_path("cluster"))
        .args([format!("127.0.0.1:{}", free_port()), format!("redis://127.0.0.1:{port}/")])
        .output()
        .expect("the example runs");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(&format!(
            "cannot start: the session backend failed: Redis at redis://127.0.0.1:{port}/ is unreachable"
        )),
        "{stderr}"
    );
    let bad = std::process::Command::new(example_path("cluster"))
        .args([format!("127.0.0.1:{}", free_port()), "redis://[bad".to_owned()])
        .output()
        .expect("the example runs");
    assert!(String::from_utf8_lossy(&bad.stderr).contains("bad Redis URL"), "{}", String::from_utf8_lossy(&bad.stderr));
}

#[tokio::test]
async fn redis_going_away_costs_retries_and_nothing_else() {
    if !cluster_available() {
        return;
    }
    let mut redis = Redis::start().await;
    let port = free_port();
    let _idom = idom_process(&example_path("cluster"), port, &[redis.url()]);
    let url = format!("ws://127.0.0.1:{port}/_idom/stream?loc=%2F");
    let (ws, _) = tokio_tungstenite::connect_async(url).await.unwrap();
    let mut client = Client { ws, model: Value::Null, session: Value::Null };
    client.next_update().await;
    let id = client.id();
    client.fire(4, "onClick", json!({"type": "click"})).await;
    wait_persisted(&redis, &id, "count", json!(1)).await;

    redis.proc.kill();
    // The session works on, in memory.
    for n in 2..=4 {
        client.fire(4, "onClick", json!({"type": "click"})).await;
        assert_eq!(client.texts().1, format!("Persisted: {n}"));
    }
    // Redis is back (empty, as it had no persistence): the writer's retries get the state in.
    let redis = Redis::start_on(redis.port).await;
    wait_persisted(&redis, &id, "count", json!(4)).await;
}

/// In Chromium: a draft and a count survive the serving process being killed and restarted.
#[tokio::test]
async fn chromium_keeps_a_draft_and_a_count_across_a_restart() {
    if !cluster_available() {
        return;
    }
    let mut cluster = Cluster::start().await;
    let url = cluster.nginx.url();
    let (tx, rx) = tokio::sync::oneshot::channel::<u16>();
    let (again_tx, again_rx) = tokio::sync::oneshot::channel::<()>();
    let browser = tokio::spawn(async move {
        with_browser(Js::Enabled, move |client| async move {
            let client = &client;
            goto(client, &url).await;
            wait_live(client).await;
            let draft = client.find(Locator::Css("textarea.draft")).await.expect("the draft");
            draft.send_keys("Dear Ada,").await.expect("typing");
            wait_texts(client, "p.chars", &["9 characters"]).await;
            for _ in 0..3 {
                click(client, "button.count").await;
            }
            wait_texts(client, "button.count", &["Persisted: 3"]).await;
            // Give the writer its moment, then tell the test which process to kill.
            tokio::time::sleep(Duration::from_millis(300)).await;
            let served = texts(client, "p.served").await[0].clone();
            let port: u16 = served.split("port ").nth(1).unwrap().split(' ').next().unwrap().parse().unwrap();
            tx.send(port).unwrap();
            again_rx.await.unwrap();
            // The client reconnects by itself to a process that did not serve it (another one, or
            // the same port restarted: another pid), which restores the state.
            wait_for("the page to come back from another process", Duration::from_secs(20), || async {
                let now = texts(client, "p.served").await;
                if now.first().is_some_and(|t| *t != served) { Ok(()) } else { Err(format!("{now:?}")) }
            })
            .await;
            wait_texts(client, "button.count", &["Persisted: 3"]).await;
            assert_eq!(input_value(client, "textarea.draft").await, "Dear Ada,");
            wait_texts(client, "p.chars", &["9 characters"]).await;
            // No "session expired" notice: it was restored.
            assert_eq!(run_js(client, "return document.getElementById('idom-notice');").await, Value::Null);
        })
        .await;
    });
    let Ok(port) = rx.await else {
        // The browser test ended early (skipped, or failed: its panic comes from the join).
        browser.await.unwrap();
        return;
    };
    cluster.kill(port);
    cluster.restart(port);
    again_tx.send(()).unwrap();
    browser.await.unwrap();
}

/// Three processes serving one shared counter: the owner's lease and epoch, in Redis.
async fn lease_owner(redis: &Redis) -> Option<(u32, u64)> {
    let lease = redis.command(&["GET", "idom:view:SharedCounter:lease"]).await?;
    let (node, epoch) = lease.rsplit_once(':')?;
    let pid = node.split('-').next()?.parse().ok()?;
    Some((pid, epoch.parse().ok()?))
}

/// The lease's holder, waiting up to 20 s for one: under load a late renewal lets the lease lapse
/// for a moment before it is taken again.
async fn current_owner(redis: &Redis) -> (u32, u64) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(owner) = lease_owner(redis).await {
            return owner;
        }
        assert!(tokio::time::Instant::now() < deadline, "no owner of the shared view within 20 s");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

struct SharedClient {
    ws: Ws,
    model: Value,
    counts: Vec<u64>,
}

impl SharedClient {
    async fn connect(port: u16) -> SharedClient {
        let url = format!("ws://127.0.0.1:{port}/_idom/stream?loc=%2F");
        let (ws, _) = tokio_tungstenite::connect_async(url).await.expect("a shared view stream");
        let mut client = SharedClient { ws, model: Value::Null, counts: Vec::new() };
        client.next().await;
        client
    }

    /// The next update, applied with the json-patch crate; records the count it shows.
    async fn next(&mut self) -> Option<()> {
        loop {
            let msg = tokio::time::timeout(Duration::from_secs(15), self.ws.next()).await.ok()??.ok()?;
            let Message::Text(text) = msg else { continue };
            if !text.contains("\"type\":\"layout-update\"") {
                continue;
            }
            let update = decode_update(&text).ok()?;
            let base = self.model.pointer_mut(&update.path)?;
            let patch: json_patch::Patch = serde_json::from_value(update.changes_json()).ok()?;
            if update.path.is_empty() && update.changes.len() == 1 && update.changes[0].path.is_empty() {
                self.model = update.changes[0].value.as_ref()?.to_value();
            } else {
                json_patch::patch(base, &patch).ok()?;
            }
            if let Some(n) = self.count() {
                self.counts.push(n);
            }
            return Some(());
        }
    }

    fn count(&self) -> Option<u64> {
        self.model["children"][1]["children"][0].as_str()?.parse().ok()
    }

    async fn click(&mut self) -> bool {
        let Some(target) = self.model["children"][1]["eventHandlers"]["onClick"]["target"].as_str() else {
            return false;
        };
        let msg = json!({"type": "layout-event", "target": target, "data": [{"type": "click"}]});
        self.ws.send(Message::Text(msg.to_string().into())).await.is_ok()
    }
}

async fn shared_cluster(redis: &Redis) -> (Vec<u16>, Vec<Proc>) {
    let ports: Vec<u16> = (0..3).map(|_| free_port()).collect();
    let procs =
        ports.iter().map(|p| idom_process(&example_path("cluster"), *p, &[redis.url(), "shared".into()])).collect();
    (ports, procs)
}

#[tokio::test]
async fn a_shared_view_spans_processes_and_fails_over() {
    if !cluster_available() {
        return;
    }
    let redis = Redis::start().await;
    let (ports, mut procs) = shared_cluster(&redis).await;
    let mut a = SharedClient::connect(ports[0]).await;
    let mut b = SharedClient::connect(ports[1]).await;
    assert_eq!((a.count(), b.count()), (Some(0), Some(0)));
    // A click on one process reaches the owner (wherever it is) and every process's clients.
    assert!(a.click().await);
    while b.count() != Some(1) {
        b.next().await.expect("b sees the click");
    }
    while a.count() != Some(1) {
        a.next().await.expect("a sees its click");
    }
    let (owner, epoch) = current_owner(&redis).await;
    // The owner dies: another takes the lease with a higher epoch, and its clients get the count.
    let i = procs.iter().position(|p| p.child.id() == owner).expect("the owner is ours");
    procs[i].kill();
    let survivor = (0..3).find(|j| *j != i).unwrap();
    let mut c = SharedClient::connect(ports[survivor]).await;
    assert!(c.click().await);
    while c.count() != Some(2) {
        c.next().await.expect("the survivor's client sees the click after failover");
    }
    let (_, new_epoch) = current_owner(&redis).await;
    assert!(new_epoch > epoch, "{new_epoch} > {epoch}");
}

/// What one chaos client saw.
#[derive(Default)]
struct Seen {
    model: Value,
    /// Every count shown, in order.
    counts: Vec<u64>,
    /// When the first whole model after the owner's death arrived.
    failover_model_at: Option<std::time::Instant>,
}

/// 300 clients over 3 processes click a shared counter 100,000 times in all; the owner is killed
/// with SIGKILL halfway. Every client's model ends equal to the new owner's, no client ever sees
/// the count go down, and the figures are printed (and kept in BENCHMARKS.md).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chaos_the_owner_dies_halfway_through_100k_clicks() {
    use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
    use std::sync::{Arc, Mutex};
    use std::time::Instant;

    if !cluster_available() {
        return;
    }
    const CLIENTS: usize = 300;
    const EVENTS: u64 = 100_000;
    let redis = Redis::start().await;
    let (ports, procs) = shared_cluster(&redis).await;
    let procs = Arc::new(Mutex::new(procs));
    let sent = Arc::new(AtomicU64::new(0));
    let per_port: Arc<Vec<AtomicU64>> = Arc::new(ports.iter().map(|_| AtomicU64::new(0)).collect());
    let killed_port = Arc::new(Mutex::new(None::<u16>));
    let killed_at = Arc::new(Mutex::new(None::<Instant>));
    let done = Arc::new(AtomicBool::new(false));
    let start = Instant::now();

    let mut tasks = Vec::new();
    for n in 0..CLIENTS {
        let (ports, sent, per_port, killed_port, killed_at) =
            (ports.clone(), sent.clone(), per_port.clone(), killed_port.clone(), killed_at.clone());
        let quota = EVENTS / CLIENTS as u64 + u64::from((n as u64) < EVENTS % CLIENTS as u64);
        tasks.push(tokio::spawn(async move {
            let seen = Arc::new(Mutex::new(Seen::default()));
            let mut mine = 0u64;
            let mut choice = n;
            while mine < quota {
                let port = ports[choice % ports.len()];
                if *killed_port.lock().unwrap() == Some(port) {
                    choice += 1;
                    continue;
                }
                let url = format!("ws://127.0.0.1:{port}/_idom/stream?loc=%2F");
                let Ok(Ok((ws, _))) =
                    tokio::time::timeout(Duration::from_secs(5), tokio_tungstenite::connect_async(url)).await
                else {
                    choice += 1;
                    continue;
                };
                let (mut sink, mut stream) = ws.split();
                let target = Arc::new(Mutex::new(None::<String>));
                let reader = {
                    let (seen, target, killed_at) = (seen.clone(), target.clone(), killed_at.clone());
                    tokio::spawn(async move {
                        while let Some(Ok(msg)) = stream.next().await {
                            let Message::Text(text) = msg else { continue };
                            let Ok(update) = decode_update(&text) else { continue };
                            let mut s = seen.lock().unwrap();
                            let whole = update.path.is_empty()
                                && update.changes.len() == 1
                                && update.changes[0].path.is_empty();
                            if whole {
                                s.model = update.changes[0].value.as_ref().unwrap().to_value();
                                if killed_at.lock().unwrap().is_some() && s.failover_model_at.is_none() {
                                    s.failover_model_at = Some(Instant::now());
                                }
                            } else {
                                let patch: json_patch::Patch = serde_json::from_value(update.changes_json()).unwrap();
                                let applied = match s.model.pointer_mut(&update.path) {
                                    Some(base) => json_patch::patch(base, &patch).map_err(|e| e.to_string()),
                                    None => Err("its path is not in the model".to_owned()),
                                };
                                if let Err(e) = applied {
                                    // Said here, with what it met: a panic alone (holding the
                                    // lock) would show only as a timeout.
                                    let model = s.model.to_string();
                                    drop(s);
                                    panic!(
                                        "client {n} (port {port}) cannot apply an update: {e}\nupdate at {:?}: {}\n\
                                         its model: {model}\nowner killed: {}",
                                        update.path,
                                        update.changes_json(),
                                        killed_at.lock().unwrap().is_some()
                                    );
                                }
                            }
                            if let Some(c) = s.model["children"][1]["children"][0].as_str().and_then(|t| t.parse().ok())
                            {
                                s.counts.push(c);
                            }
                            *target.lock().unwrap() = s.model["children"][1]["eventHandlers"]["onClick"]["target"]
                                .as_str()
                                .map(str::to_owned);
                        }
                    })
                };
                // Clicks until the quota is sent or the connection drops.
                let mut broken = false;
                while mine < quota && !broken {
                    let Some(t) = target.lock().unwrap().clone() else {
                        tokio::time::sleep(Duration::from_millis(5)).await;
                        if reader.is_finished() {
                            broken = true;
                        }
                        continue;
                    };
                    let msg = json!({"type": "layout-event", "target": t, "data": [{"type": "click"}]});
                    if sink.send(Message::Text(msg.to_string().into())).await.is_err() {
                        broken = true;
                    } else {
                        mine += 1;
                        sent.fetch_add(1, Ordering::Relaxed);
                        per_port[choice % ports.len()].fetch_add(1, Ordering::Relaxed);
                        if mine % 16 == 0 {
                            tokio::time::sleep(Duration::from_millis(2)).await;
                        }
                    }
                }
                if broken {
                    reader.abort();
                    choice += 1;
                    continue;
                }
                // Stay connected to read until the end.
                return (seen, sink, reader);
            }
            unreachable!("a quota of zero")
        }));
    }

    // Halfway: kill the owner with SIGKILL.
    while sent.load(Ordering::Relaxed) < EVENTS / 2 {
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "the clients stalled at {} events",
            sent.load(Ordering::Relaxed)
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let (owner, epoch) = current_owner(&redis).await;
    {
        let mut procs = procs.lock().unwrap();
        let i = procs.iter().position(|p| p.child.id() == owner).expect("the owner is ours");
        *killed_port.lock().unwrap() = Some(ports[i]);
        *killed_at.lock().unwrap() = Some(Instant::now());
        procs[i].kill();
    }
    let mut clients = Vec::new();
    for t in tasks {
        clients.push(
            tokio::time::timeout(Duration::from_secs(120), t).await.expect("a client finished").expect("no panic"),
        );
    }
    let sent_total = sent.load(Ordering::Relaxed);
    let send_time = start.elapsed();
    done.store(true, Ordering::Relaxed);

    // A new owner took over; then wait until every client shows the same count for two seconds.
    let deadline = Instant::now() + Duration::from_secs(60);
    while lease_owner(&redis).await.is_none_or(|(_, e)| e <= epoch) {
        assert!(Instant::now() < deadline, "no new owner within 60 s");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let settled = loop {
        let counts: Vec<Option<u64>> =
            clients.iter().map(|(s, _, _)| s.lock().unwrap().counts.last().copied()).collect();
        tokio::time::sleep(Duration::from_secs(2)).await;
        let again: Vec<Option<u64>> =
            clients.iter().map(|(s, _, _)| s.lock().unwrap().counts.last().copied()).collect();
        if counts == again && counts.windows(2).all(|w| w[0] == w[1]) {
            break counts[0].expect("a count");
        }
        assert!(Instant::now() < deadline, "the clients never agreed: {:?}", &again[..10]);
    };
    // A fresh client of the new owner's process gets the model everybody has (whoever holds
    // the lease now: on a loaded machine it can change hands again).
    let (new_owner, new_epoch) = current_owner(&redis).await;
    assert!(new_epoch > epoch);
    let port = {
        let procs = procs.lock().unwrap();
        ports[procs.iter().position(|p| p.child.id() == new_owner).expect("the new owner is ours")]
    };
    let fresh = SharedClient::connect(port).await;
    for (seen, _, _) in &clients {
        let s = seen.lock().unwrap();
        assert_eq!(s.model, fresh.model, "a client's model differs from the new owner's");
        assert!(s.counts.windows(2).all(|w| w[0] <= w[1]), "a client saw the count go down");
    }
    let applied = settled;
    assert!(applied <= sent_total, "applied {applied} > sent {sent_total}: an event counted twice");

    let killed = killed_at.lock().unwrap().expect("killed");
    let mut failover: Vec<f64> = clients
        .iter()
        .filter_map(|(s, _, _)| s.lock().unwrap().failover_model_at.map(|t| (t - killed).as_secs_f64()))
        .collect();
    failover.sort_by(f64::total_cmp);
    let median = failover.get(failover.len() / 2).copied().unwrap_or(f64::NAN);
    let max = failover.last().copied().unwrap_or(f64::NAN);
    let per: Vec<String> =
        per_port.iter().map(|n| format!("{:.0}", n.load(Ordering::Relaxed) as f64 / send_time.as_secs_f64())).collect();
    eprintln!(
        "chaos: {CLIENTS} clients, 3 processes: sent {sent_total}, applied {applied}, lost {}; failover (kill to the \
         whole model at a client) median {median:.2} s, max {max:.2} s, over {} clients; sending took {:.1} s; \
         events/s through each process: {}",
        sent_total - applied,
        failover.len(),
        send_time.as_secs_f64(),
        per.join(", ")
    );
    for (_, _, reader) in clients {
        reader.abort();
    }
}

#[tokio::test]
async fn malformed_and_foreign_stream_entries_are_skipped() {
    if !cluster_available() {
        return;
    }
    let redis = Redis::start().await;
    let (ports, _procs) = shared_cluster(&redis).await;
    let mut a = SharedClient::connect(ports[0]).await;
    let mut b = SharedClient::connect(ports[2]).await;
    assert!(a.click().await);
    while b.count() != Some(1) {
        b.next().await.expect("b sees the click");
    }
    // A foreign update entry (an automatic id, far above the owner's) and bad events.
    redis.command(&["XADD", "idom:view:SharedCounter:updates", "*", "k", "junk", "m", "{"]).await.expect("added");
    redis.command(&["XADD", "idom:view:SharedCounter:events", "*", "e", "not json"]).await.expect("added");
    redis.command(&["XADD", "idom:view:SharedCounter:events", "*", "x", "y"]).await.expect("added");
    // The view goes on: the owner steps past the foreign id with a new epoch.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    let mut clicks = 1;
    while b.count() < Some(2) {
        assert!(tokio::time::Instant::now() < deadline, "the view never recovered: {:?}", b.counts);
        if a.click().await {
            clicks += 1;
        }
        let _ = tokio::time::timeout(Duration::from_millis(500), b.next()).await;
    }
    assert!(b.counts.windows(2).all(|w| w[0] <= w[1]), "{:?}", b.counts);
    assert!(clicks >= 2);
}

/// A follower that finds a gap in the update stream reloads the snapshot and the entries after
/// it; its clients get the whole model once it has, and never those entries again as patches
/// (they would replay counts the clients already have, or not apply at all).
#[tokio::test]
async fn after_a_gap_in_the_stream_clients_get_the_whole_model_only() {
    if !cluster_available() {
        return;
    }
    const UPDATES: &str = "idom:view:SharedCounter:updates";
    let redis = Redis::start().await;
    let (ports, _procs) = shared_cluster(&redis).await;
    let mut a = SharedClient::connect(ports[0]).await;
    let mut b = SharedClient::connect(ports[1]).await;
    for n in 1..=5 {
        assert!(a.click().await);
        while b.count() != Some(n) {
            b.next().await.expect("b sees the click");
        }
    }
    // An entry two past the last one: every follower sees a gap and reloads.
    let last = redis.command(&["XREVRANGE", UPDATES, "+", "-", "COUNT", "1"]).await.expect("the last entry");
    let id = last.lines().find(|l| l.contains('-') && !l.starts_with(['*', '$'])).expect("an entry id");
    let (epoch, seq) = id.split_once('-').expect("<epoch>-<seq>");
    let past = format!("{epoch}-{}", seq.parse::<u64>().expect("a sequence number") + 2);
    redis.command(&["XADD", UPDATES, &past, "k", "update", "m", "{}"]).await.expect("added");
    // b gets the whole model again; the owner steps past the foreign id with a new epoch, and
    // the clicks go on.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while b.count() < Some(6) {
        assert!(tokio::time::Instant::now() < deadline, "the view never recovered: {:?}", b.counts);
        let _ = a.click().await;
        let _ = tokio::time::timeout(Duration::from_millis(500), b.next()).await;
    }
    assert!(b.counts.windows(2).all(|w| w[0] <= w[1]), "b saw the count go down: {:?}", b.counts);
}
