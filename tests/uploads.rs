//! Uploads over real sockets on 127.0.0.1: the announcement on the websocket, the single-use URL,
//! the streamed POST with progress, and every way an upload can fail (over the limit, oversent,
//! aborted, too many files, a used URL, a session that has gone), each leaving the session and
//! other uploads working.

use std::time::Duration;

use futures_util::{SinkExt as _, StreamExt as _};
use idom::prelude::*;
use idom::protocol::decode_update;
use idom::server::ServerConfig;
use idom::testing::apply_update;
use idom::upload::Upload;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio_tungstenite::tungstenite::Message;

/// Shows, for each picked file, every byte count it saw and then its size and a checksum (or the
/// error); a counter shows that the session keeps working.
#[component]
fn Files() -> Element {
    let (lines, set_lines) = use_state(Vec::<String>::new);
    let (progress, set_progress) = use_state(Vec::<u64>::new);
    let (clicks, set_clicks) = use_state(|| 0);
    let on_change = move |e: Event| {
        let uploads = e.files().to_vec();
        let (set_lines, set_progress) = (set_lines.clone(), set_progress.clone());
        async move {
            for upload in uploads {
                let line = read(&upload, |n| set_progress.update(|p| [p.as_slice(), &[n]].concat())).await;
                set_lines.update(|l| [l.as_slice(), &[line]].concat());
            }
        }
    };
    let lines = lines.into_iter().map(|l| html! { <li>{l}</li> });
    html! {
        <input type="file" onchange={on_change} />
        <ul>{lines}</ul>
        <p>{progress.len()}</p>
        <button onclick={move |_| set_clicks.update(|c| c + 1)}>"Clicks: " {clicks}</button>
    }
}

async fn read(upload: &Upload, progress: impl Fn(u64)) -> String {
    let (mut len, mut sum) = (0u64, 0u64);
    while let Some(chunk) = upload.chunk().await {
        match chunk {
            Ok(bytes) => {
                len += bytes.len() as u64;
                sum = bytes.iter().fold(sum, |s, b| s.wrapping_mul(31).wrapping_add(u64::from(*b)));
                progress(upload.received());
            }
            Err(e) => return format!("{}: {e}", upload.name()),
        }
    }
    format!("{}: {len} bytes, {} of {}, sum {sum}", upload.name(), upload.mime(), upload.size())
}

fn checksum(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0u64, |s, b| s.wrapping_mul(31).wrapping_add(u64::from(*b)))
}

fn content(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 7 % 251) as u8).collect()
}

fn config(change: impl FnOnce(&mut ServerConfig)) -> ServerConfig {
    let mut config = ServerConfig::default();
    change(&mut config);
    config
}

struct App {
    addr: std::net::SocketAddr,
    service: idom::IdomService,
    _stop: tokio::sync::oneshot::Sender<()>,
}

async fn start(config: ServerConfig) -> App {
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let service = PerClientStateServer::new(Files).config(config).into_service();
    let (addr, server) = service
        .clone()
        .bind("127.0.0.1:0", async move {
            let _ = stopped.await;
        })
        .await
        .unwrap();
    tokio::spawn(server);
    App { addr, service, _stop: stop }
}

type Ws = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

struct Client {
    ws: Ws,
    model: Value,
}

impl Client {
    async fn connect(app: &App) -> Client {
        let url = format!("ws://{}/_idom/stream?loc=%2F", app.addr);
        let (ws, _) = tokio_tungstenite::connect_async(url).await.expect("websocket connects");
        let mut client = Client { ws, model: Value::Null };
        client.next_update().await;
        client
    }

    /// The next message that is not a layout-update or a session (which are applied or skipped).
    async fn next_message(&mut self) -> Value {
        loop {
            let text = self.next_text().await;
            if text.contains("\"type\":\"layout-update\"") {
                apply_update(&mut self.model, &decode_update(&text).unwrap()).unwrap();
            } else if !text.contains("\"type\":\"session\"") && !text.contains("\"type\":\"location\"") {
                return serde_json::from_str(&text).unwrap();
            }
        }
    }

    async fn next_update(&mut self) {
        loop {
            let text = self.next_text().await;
            if text.contains("\"type\":\"layout-update\"") {
                apply_update(&mut self.model, &decode_update(&text).unwrap()).unwrap();
                return;
            }
        }
    }

    async fn next_text(&mut self) -> String {
        loop {
            let msg = tokio::time::timeout(Duration::from_secs(10), self.ws.next())
                .await
                .expect("a message in time")
                .expect("the socket is open")
                .expect("a frame");
            if let Message::Text(text) = msg {
                return text.as_str().to_owned();
            }
        }
    }

    async fn send(&mut self, msg: Value) {
        self.ws.send(Message::Text(msg.to_string().into())).await.unwrap();
    }

    fn target(&self, child: usize, event: &str) -> String {
        self.model["children"][child]["eventHandlers"][event]["target"].as_str().unwrap().to_owned()
    }

    /// Announces `files` (name, size, mime) and returns the answer.
    async fn announce(&mut self, files: &[(&str, usize, &str)]) -> Value {
        let target = self.target(0, "onChange");
        let files: Vec<Value> = files.iter().map(|(n, s, m)| json!({"name": n, "size": s, "mime": m})).collect();
        self.send(json!({"type": "upload-start", "upload": "u1", "target": target, "files": files})).await;
        self.next_message().await
    }

    fn lines(&self) -> Vec<String> {
        let items = self.model["children"][1]["children"].as_array().cloned().unwrap_or_default();
        items.iter().map(|li| li["children"][0].as_str().unwrap_or_default().to_owned()).collect()
    }

    /// Waits until the page lists `n` files.
    async fn wait_lines(&mut self, n: usize) -> Vec<String> {
        while self.lines().len() < n {
            self.next_update().await;
        }
        self.lines()
    }

    async fn click_counts(&mut self) -> String {
        let target = self.target(3, "onClick");
        self.send(json!({"type": "layout-event", "target": target, "data": [{"type": "click"}]})).await;
        self.next_update().await;
        self.model["children"][3]["children"][0].as_str().unwrap().to_owned()
    }
}

/// POSTs `body` to `url` on `addr`, announcing `length` bytes; returns the status. With
/// `cut_after`, the connection closes after that many body bytes.
async fn post(addr: std::net::SocketAddr, url: &str, body: &[u8], length: usize, cut_after: Option<usize>) -> u16 {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST {url} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/octet-stream\r\nContent-Length: {length}\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let sent = cut_after.unwrap_or(body.len()).min(body.len());
    for piece in body[..sent].chunks(100_000) {
        if stream.write_all(piece).await.is_err() {
            break; // the server answered early and closed
        }
    }
    if cut_after.is_some() {
        return 0;
    }
    let mut response = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut response)).await;
    String::from_utf8_lossy(&response).get(9..12).and_then(|s| s.parse().ok()).unwrap_or(0)
}

fn url(answer: &Value, i: usize) -> Option<String> {
    answer["urls"][i].as_str().map(str::to_owned)
}

#[tokio::test]
async fn a_file_streams_in_with_progress_and_its_url_is_single_use() {
    let app = start(ServerConfig::default()).await;
    let mut client = Client::connect(&app).await;
    let bytes = content(700_000);
    let answer = client.announce(&[("data.bin", bytes.len(), "application/x-test")]).await;
    assert_eq!(answer["type"], "upload-url");
    assert_eq!(answer["upload"], "u1");
    let to = url(&answer, 0).expect("a URL for the file");
    assert!(to.starts_with("/_idom/upload/") && to.len() > "/_idom/upload/".len() + 30, "{to}");

    assert_eq!(post(app.addr, &to, &bytes, bytes.len(), None).await, 200);
    let lines = client.wait_lines(1).await;
    let sum = checksum(&bytes);
    assert_eq!(lines, [format!("data.bin: 700000 bytes, application/x-test of 700000, sum {sum}")]);
    // Progress reached the component chunk by chunk (64 KiB each).
    let reports: u64 = client.model["children"][2]["children"][0].as_str().unwrap().parse().unwrap();
    assert!(reports >= 2, "progress was reported {reports} times");

    // The URL was single-use.
    assert_eq!(post(app.addr, &to, b"again", 5, None).await, 404);
    assert_eq!(client.click_counts().await, "Clicks: 1");
}

#[tokio::test]
async fn a_file_over_the_limit_is_refused_with_a_message_and_the_session_keeps_working() {
    let app = start(config(|c| c.max_upload_size = 1000)).await;
    let mut client = Client::connect(&app).await;
    let answer = client.announce(&[("big.iso", 5000, ""), ("small.txt", 10, "text/plain")]).await;
    assert_eq!(answer["type"], "upload-url");
    assert_eq!(answer["urls"][0], Value::Null, "{answer}");
    let small = url(&answer, 1).expect("the small file is taken");
    let lines = client.wait_lines(1).await;
    assert_eq!(lines, ["big.iso: the file is larger than the limit of 1000 bytes"]);

    // The other file of the same input still arrives.
    assert_eq!(post(app.addr, &small, b"0123456789", 10, None).await, 200);
    let lines = client.wait_lines(2).await;
    assert_eq!(lines[1], format!("small.txt: 10 bytes, text/plain of 10, sum {}", checksum(b"0123456789")));
    assert_eq!(client.click_counts().await, "Clicks: 1");
}

#[tokio::test]
async fn more_bytes_than_announced_are_refused() {
    let app = start(ServerConfig::default()).await;
    let mut client = Client::connect(&app).await;
    let answer = client.announce(&[("liar.bin", 100, "")]).await;
    let to = url(&answer, 0).unwrap();
    assert_eq!(post(app.addr, &to, &content(5000), 5000, None).await, 413);
    let lines = client.wait_lines(1).await;
    assert_eq!(lines, ["liar.bin: the browser sent more than the 100 bytes it announced"]);
}

#[tokio::test]
async fn an_aborted_upload_tells_the_component_and_others_go_on() {
    let app = start(ServerConfig::default()).await;
    let mut client = Client::connect(&app).await;
    let answer = client.announce(&[("cut.bin", 300_000, "")]).await;
    let to = url(&answer, 0).unwrap();
    post(app.addr, &to, &content(300_000), 300_000, Some(100_000)).await;
    let lines = client.wait_lines(1).await;
    assert!(lines[0].starts_with("cut.bin: the upload was aborted after "), "{lines:?}");
    assert!(lines[0].ends_with(" of 300000 bytes"), "{lines:?}");

    // A new upload on the same session works.
    let answer = client.announce(&[("next.bin", 20, "")]).await;
    let to = url(&answer, 0).unwrap();
    assert_eq!(post(app.addr, &to, &content(20), 20, None).await, 200);
    assert_eq!(client.wait_lines(2).await.len(), 2);
    assert_eq!(client.click_counts().await, "Clicks: 1");
}

#[tokio::test]
async fn too_many_files_at_once_are_refused() {
    let app = start(ServerConfig::default()).await;
    let mut client = Client::connect(&app).await;
    let files: Vec<(String, usize, &str)> = (0..=idom::server::MAX_FILES).map(|i| (format!("f{i}"), 1, "")).collect();
    let files: Vec<(&str, usize, &str)> = files.iter().map(|(n, s, m)| (n.as_str(), *s, *m)).collect();
    let answer = client.announce(&files).await;
    assert_eq!(answer, json!({"type": "upload-refused", "upload": "u1", "reason": "too-many"}));
    let lines = client.wait_lines(1).await;
    assert_eq!(lines[0], "f0: too many files at once (at most 32)");
}

#[tokio::test]
async fn an_upload_for_a_session_that_has_gone_gets_410() {
    // Nothing is parked: the layout, and with it the upload's reader, goes with the connection.
    let app = start(config(|c| c.resume_window = Duration::ZERO)).await;
    let mut client = Client::connect(&app).await;
    let answer = client.announce(&[("late.bin", 10, "")]).await;
    let to = url(&answer, 0).unwrap();
    client.ws.close(None).await.unwrap();
    drop(client);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while app.service.active_sessions() > 0 {
        assert!(tokio::time::Instant::now() < deadline, "the session did not end within 5 s");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(post(app.addr, &to, &content(10), 10, None).await, 410);
    // Unknown tokens are 404.
    assert_eq!(post(app.addr, "/_idom/upload/nope", b"x", 1, None).await, 404);
}
