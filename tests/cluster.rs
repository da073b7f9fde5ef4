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
