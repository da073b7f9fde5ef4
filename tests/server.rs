//! The server over real sockets on 127.0.0.1: the page, the client, websocket sessions of both
//! servers, the Origin check, and clean shutdown.

use std::future::IntoFuture as _;
use std::time::Duration;

use futures_util::{SinkExt as _, StreamExt as _};
use idom::IdomService;
use idom::prelude::*;
use idom::protocol::decode_update;
use idom::server::ServerConfig;
use idom::testing::apply_update;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest as _;

#[component]
fn Counter() -> Element {
    let (count, set_count) = use_state(|| 0);
    let location = use_location();
    html! {
        <div>
            <button onclick={move |_| set_count.update(|c| c + 1)}>"Count: " {count}</button>
            <p class="where">{location.path} "?" {location.query}</p>
            <p class="danger">"<script>alert(1)</script> & more"</p>
        </div>
    }
}

type Shutdown = tokio::sync::oneshot::Sender<()>;

async fn start(service: IdomService) -> (std::net::SocketAddr, Shutdown, tokio::task::JoinHandle<std::io::Result<()>>) {
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let (addr, server) = service
        .bind("127.0.0.1:0", async move {
            let _ = stopped.await;
        })
        .await
        .unwrap();
    (addr, stop, tokio::spawn(server))
}

async fn http_get(addr: std::net::SocketAddr, path: &str, extra: &str) -> (u16, String) {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n{extra}\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    let status = response[9..12].parse().unwrap();
    let body = response.split_once("\r\n\r\n").map(|(_, b)| b.to_owned()).unwrap_or_default();
    (status, body)
}

type Ws = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn connect(addr: std::net::SocketAddr, prefix: &str, loc: &str) -> Ws {
    let url = format!("ws://{addr}{prefix}_idom/stream?loc={loc}");
    let (ws, _) = tokio_tungstenite::connect_async(url).await.expect("websocket connects");
    ws
}

/// Reads the next layout-update and applies it to `model`.
async fn next_update(ws: &mut Ws, model: &mut Value) -> idom::LayoutUpdate {
    loop {
        let msg =
            tokio::time::timeout(Duration::from_secs(5), ws.next()).await.expect("an update in time").unwrap().unwrap();
        if let Message::Text(text) = msg {
            if text.contains("\"type\":\"session\"") {
                continue;
            }
            let update = decode_update(text.as_str()).expect("a layout-update");
            apply_update(model, &update).unwrap();
            return update;
        }
    }
}

async fn click(ws: &mut Ws, model: &Value) {
    let target = model["children"][0]["children"][0]["eventHandlers"]["onClick"]["target"].as_str().unwrap();
    let msg = json!({"type": "layout-event", "target": target, "data": [{"type": "click"}]});
    ws.send(Message::Text(msg.to_string().into())).await.unwrap();
}

fn count_text(model: &Value) -> &str {
    model["children"][0]["children"][0]["children"][0].as_str().unwrap()
}

#[tokio::test]
async fn per_client_session_renders_and_handles_clicks() {
    let (addr, stop, server) = start(PerClientStateServer::new(Counter).into_service()).await;

    let mut ws = connect(addr, "/", "%2Fitems%2F7%3Ftab%3Dinfo").await;
    let mut model = Value::Null;
    let first = next_update(&mut ws, &mut model).await;
    assert_eq!(first.path, "");
    assert_eq!(count_text(&model), "Count: 0");
    assert_eq!(model["children"][0]["children"][1]["children"][0], "/items/7?tab=info");

    click(&mut ws, &model).await;
    let update = next_update(&mut ws, &mut model).await;
    assert_eq!(update.changes_json(), json!([{"op": "replace", "path": "/children/0", "value": "Count: 1"}]));
    assert_eq!(count_text(&model), "Count: 1");

    // Another connection has its own state.
    let mut other = connect(addr, "/", "%2F").await;
    let mut other_model = Value::Null;
    next_update(&mut other, &mut other_model).await;
    assert_eq!(count_text(&other_model), "Count: 0");

    let _ = stop.send(());
    // The server tells sessions it is going away, then stops.
    let mut saw_close = false;
    while let Ok(Some(Ok(msg))) = tokio::time::timeout(Duration::from_secs(5), ws.next()).await {
        if let Message::Close(Some(frame)) = msg {
            assert_eq!(u16::from(frame.code), 1001);
            saw_close = true;
            break;
        }
    }
    assert!(saw_close, "clients are told the server is shutting down");
    tokio::time::timeout(Duration::from_secs(10), server).await.expect("server stops").unwrap().unwrap();
}

#[tokio::test]
async fn shared_server_clients_see_each_other() {
    let (addr, _stop, _server) = start(SharedClientStateServer::new(Counter).into_service()).await;
    let mut a = connect(addr, "/", "%2F").await;
    let mut b = connect(addr, "/", "%2F").await;
    let (mut ma, mut mb) = (Value::Null, Value::Null);
    next_update(&mut a, &mut ma).await;
    next_update(&mut b, &mut mb).await;
    click(&mut a, &ma).await;
    next_update(&mut a, &mut ma).await;
    next_update(&mut b, &mut mb).await;
    assert_eq!(count_text(&mb), "Count: 1");
    click(&mut b, &mb).await;
    next_update(&mut a, &mut ma).await;
    assert_eq!(count_text(&ma), "Count: 2");
    // The page of a shared server shows the shared state.
    let (_, page) = http_get(addr, "/", "").await;
    assert!(page.contains("Count: 2"), "{page}");
}

#[tokio::test]
async fn page_is_prerendered_and_escaped() {
    let (addr, _stop, _server) = start(PerClientStateServer::new(Counter).title("<Counter>").into_service()).await;
    let (status, page) = http_get(addr, "/some/path?x=1", "").await;
    assert_eq!(status, 200);
    assert!(page.contains("<title>&lt;Counter&gt;</title>"), "{page}");
    assert!(page.contains("<button>Count: 0</button>"), "{page}");
    assert!(page.contains("<p class=\"where\">/some/path?x=1</p>"), "{page}");
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; more"), "{page}");
    // No inline script: the client mounts itself on `data-idom-auto`.
    assert!(page.contains("<script type=\"module\" src=\"/_idom/client-"), "{page}");
    assert!(page.contains(" data-idom-auto>"), "{page}");
    assert_eq!(page.matches("<script").count(), 1, "{page}");

    let (status, js) = http_get(addr, "/_idom/client.js", "").await;
    assert_eq!(status, 200);
    assert!(
        js.contains("export function mount")
            || js.contains("export { mount")
            || js.contains("export async function mount"),
        "client module exports mount"
    );
}

#[tokio::test]
async fn cross_origin_upgrades_are_refused() {
    let (addr, _stop, _server) = start(PerClientStateServer::new(Counter).into_service()).await;
    let mut request = format!("ws://{addr}/_idom/stream").into_client_request().unwrap();
    request.headers_mut().insert("Origin", "http://evil.example".parse().unwrap());
    let err = tokio_tungstenite::connect_async(request).await.expect_err("refused");
    match err {
        tokio_tungstenite::tungstenite::Error::Http(response) => assert_eq!(response.status(), 403),
        other => panic!("expected an HTTP 403, got {other:?}"),
    }
    // Same origin is fine.
    let mut request = format!("ws://{addr}/_idom/stream").into_client_request().unwrap();
    request.headers_mut().insert("Origin", format!("http://{addr}").parse().unwrap());
    assert!(tokio_tungstenite::connect_async(request).await.is_ok());
}

#[tokio::test]
async fn oversized_messages_close_the_session_with_1009() {
    let (addr, _stop, _server) = start(PerClientStateServer::new(Counter).into_service()).await;
    let mut ws = connect(addr, "/", "%2F").await;
    let mut model = Value::Null;
    next_update(&mut ws, &mut model).await;
    let big = "x".repeat(100 * 1024);
    ws.send(Message::Text(big.into())).await.unwrap();
    loop {
        match tokio::time::timeout(Duration::from_secs(5), ws.next()).await.expect("closed in time") {
            Some(Ok(Message::Close(Some(frame)))) => {
                assert_eq!(u16::from(frame.code), 1009);
                break;
            }
            Some(Ok(_)) => {}
            other => panic!("expected a close frame, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn mounted_under_a_prefix() {
    let (addr, _stop, _server) = start(PerClientStateServer::new(Counter).prefix("/app").into_service()).await;
    let (status, page) = http_get(addr, "/app/", "").await;
    assert_eq!(status, 200);
    assert!(page.contains("data-idom-stream=\"/app/_idom/stream\""), "{page}");
    let mut ws = connect(addr, "/app/", "%2Fapp%2F").await;
    let mut model = Value::Null;
    next_update(&mut ws, &mut model).await;
    assert_eq!(count_text(&model), "Count: 0");
}

#[component]
fn ShowsX() -> Element {
    let x = use_location().query_param("x").unwrap_or_else(|| "none".to_owned());
    html! { <p class="x">{x}</p> }
}

/// A query value holding a bad escape next to a multi-byte character (`x=%aé`, sent as
/// `loc=%2F%3Fx%3D%25a%C3%A9`) reaches the component as written, instead of panicking the
/// parser (which once sliced the string at byte offsets inside `é`).
#[tokio::test]
async fn query_with_bad_escape_before_multibyte_char_is_decoded_without_panic() {
    let (addr, _stop, _server) = start(PerClientStateServer::new(ShowsX).into_service()).await;
    let mut ws = connect(addr, "/", "%2F%3Fx%3D%25a%C3%A9").await;
    let mut model = Value::Null;
    next_update(&mut ws, &mut model).await;
    assert_eq!(model["children"][0], json!({"tagName": "p", "attributes": {"class": "x"}, "children": ["%aé"]}));
}

/// `serve(..).with_graceful_shutdown(..)` stops accepting, closes every session with 1001 and
/// returns only once they have ended.
#[tokio::test]
async fn graceful_shutdown_waits_for_sessions() {
    let service = PerClientStateServer::new(Counter).into_service();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let serving = idom::server::serve(listener, service.clone()).with_graceful_shutdown(async move {
        let _ = stopped.await;
    });
    let addr = serving.local_addr().unwrap();
    let server = tokio::spawn(serving.into_future());

    let mut clients = Vec::new();
    for _ in 0..3 {
        let mut ws = connect(addr, "/", "%2F").await;
        next_update(&mut ws, &mut Value::Null).await;
        clients.push(ws);
    }
    assert_eq!(service.active_sessions(), 3);

    let _ = stop.send(());
    for ws in &mut clients {
        let close = loop {
            match tokio::time::timeout(Duration::from_secs(5), ws.next()).await.expect("closed in time") {
                Some(Ok(Message::Close(frame))) => break frame,
                Some(Ok(_)) => {}
                other => panic!("expected a close frame, got {other:?}"),
            }
        };
        assert_eq!(close.map(|f| u16::from(f.code)), Some(1001));
    }
    tokio::time::timeout(Duration::from_secs(10), server).await.expect("server stops").unwrap().unwrap();
    assert_eq!(service.active_sessions(), 0, "serve returns after its sessions ended");
    assert!(tokio::net::TcpStream::connect(addr).await.is_err(), "no longer accepting");
}

#[component]
fn Pages() -> Element {
    let routes = Routes::new()
        .route("/", |()| html! { <h1>"Home"</h1> })
        .route("/users/:id", |id: u64| html! { <h1>"User " {id}</h1> })
        .fallback(|| html! { <h1>"Not found"</h1> });
    html! { <Router routes={routes} /> }
}

/// The prerendered page carries the router's status: an unknown path, or a parameter that does
/// not parse, is a real 404 with the fallback's HTML.
#[tokio::test]
async fn an_unknown_path_is_a_real_404() {
    let (addr, _stop, _server) = start(PerClientStateServer::new(Pages).into_service()).await;
    let (status, page) = http_get(addr, "/", "").await;
    assert_eq!(status, 200);
    assert!(page.contains("<h1>Home</h1>"), "{page}");
    let (status, page) = http_get(addr, "/users/7", "").await;
    assert_eq!(status, 200);
    assert!(page.contains("<h1>User 7</h1>"), "{page}");
    for path in ["/nowhere", "/users/seven"] {
        let (status, page) = http_get(addr, path, "").await;
        assert_eq!(status, 404, "{path}");
        assert!(page.contains("<h1>Not found</h1>"), "{path}: {page}");
    }
}

mod widgets {
    use std::sync::LazyLock;

    use idom::prelude::*;
    use idom::widget::{JsModule, use_browser};

    pub(super) static MODULE: LazyLock<JsModule> = LazyLock::new(|| {
        JsModule::files(
            "main.js",
            [
                (
                    "main.js".to_owned(),
                    "import { two } from \"./util.js\"; export const W = { mount() { two(); } };".to_owned(),
                ),
                ("util.js".to_owned(), "export const two = () => 2;".to_owned()),
            ],
        )
    });

    #[component]
    pub(super) fn Evaluator() -> Element {
        let browser = use_browser();
        html! { <button onclick={move |_| browser.eval("element", None)}>"Eval"</button> }
    }
}

/// Registered modules (and the files beside them) are served immutable; nothing else is.
#[tokio::test]
async fn registered_modules_are_served_with_immutable_caching() {
    let (addr, _stop, _server) = start(PerClientStateServer::new(Counter).into_service()).await;
    let path = widgets::MODULE.path();
    let hash = path.split('/').next().unwrap();
    let raw = |path: String| async move {
        let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
        let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).await.unwrap();
        response
    };
    let main = raw(format!("/_idom/modules/{path}")).await;
    assert!(main.starts_with("HTTP/1.1 200"), "{main}");
    assert!(main.contains("cache-control: public, max-age=31536000, immutable"), "{main}");
    assert!(main.contains("content-type: text/javascript"), "{main}");
    assert!(main.ends_with("export const W = { mount() { two(); } };"), "{main}");
    let util = raw(format!("/_idom/modules/{hash}/util.js")).await;
    assert!(util.starts_with("HTTP/1.1 200") && util.ends_with("export const two = () => 2;"), "{util}");
    for missing in [
        format!("/_idom/modules/{hash}/other.js"),
        format!("/_idom/modules/{hash}/../{hash}/util.js"),
        "/_idom/modules/0000000000000000/main.js".to_owned(),
        "/_idom/modules/".to_owned(),
        "/_idom/download/nothing".to_owned(),
    ] {
        assert_eq!(http_get(addr, &missing, "").await.0, 404, "{missing}");
    }
}

/// `Browser::eval` reaches the client only when the app opted in.
#[tokio::test]
async fn eval_is_refused_unless_allowed() {
    for allowed in [false, true] {
        let server = PerClientStateServer::new(widgets::Evaluator).allow_eval(allowed);
        let (addr, _stop, _server) = start(server.into_service()).await;
        let (_, page) = http_get(addr, "/", "").await;
        assert_eq!(page.contains("data-idom-eval"), allowed);
        let mut ws = connect(addr, "/", "%2F").await;
        let mut model = Value::Null;
        next_update(&mut ws, &mut model).await;
        let target = model["children"][0]["eventHandlers"]["onClick"]["target"].as_str().unwrap();
        let click = json!({"type": "layout-event", "target": target, "data": [{"type": "click"}]});
        ws.send(Message::Text(click.to_string().into())).await.unwrap();
        let answer = tokio::time::timeout(Duration::from_millis(500), async {
            loop {
                if let Some(Ok(Message::Text(text))) = ws.next().await {
                    if text.contains("\"action\"") {
                        return text.as_str().to_owned();
                    }
                }
            }
        })
        .await;
        match answer {
            Ok(text) => {
                assert!(allowed, "an eval was sent without allow_eval: {text}");
                assert_eq!(text, r#"{"type":"action","action":"eval","code":"element"}"#);
            }
            Err(_) => assert!(!allowed, "no eval arrived although allowed"),
        }
    }
}

async fn raw_get(addr: std::net::SocketAddr, path: &str) -> String {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    response.split_once("\r\n\r\n").map(|(head, _)| head.to_ascii_lowercase()).unwrap_or_default()
}

/// The page and the client carry the protective headers by default; each is configurable.
#[tokio::test]
async fn secure_headers_by_default_and_configurable() {
    let (addr, _stop, _server) = start(PerClientStateServer::new(Counter).into_service()).await;
    let page = raw_get(addr, "/").await;
    assert!(page.contains("x-content-type-options: nosniff"), "{page}");
    assert!(page.contains("referrer-policy: same-origin"), "{page}");
    let csp = page.lines().find_map(|l| l.strip_prefix("content-security-policy: ")).expect("a policy").to_owned();
    for part in
        ["default-src 'self'", "script-src 'self'", "connect-src 'self'", "object-src 'none'", "frame-ancestors 'self'"]
    {
        assert!(csp.contains(part), "{part} in {csp}");
    }
    assert!(!csp.contains("unsafe-eval"), "{csp}");
    let client = raw_get(addr, "/_idom/client.js").await;
    assert!(client.contains("x-content-type-options: nosniff"), "{client}");

    // Eval allowed: the policy allows it too. A policy of the app's own, or none.
    let (addr, _stop2, _server2) = start(PerClientStateServer::new(Counter).allow_eval(true).into_service()).await;
    assert!(raw_get(addr, "/").await.contains("'unsafe-eval'"));
    let mut own = ServerConfig::default();
    own.content_security_policy = Some("default-src 'none'".into());
    let (addr, _stop3, _server3) = start(PerClientStateServer::new(Counter).config(own).into_service()).await;
    assert!(raw_get(addr, "/").await.contains("content-security-policy: default-src 'none'"));
    let mut off = ServerConfig::default();
    off.secure_headers = false;
    let (addr, _stop4, _server4) = start(PerClientStateServer::new(Counter).config(off).into_service()).await;
    let page = raw_get(addr, "/").await;
    assert!(!page.contains("content-security-policy") && !page.contains("nosniff"), "{page}");
}

/// A GET with `headers`; the status, the lower-cased head and the raw body.
async fn raw_request(addr: std::net::SocketAddr, path: &str, headers: &str) -> (u16, String, Vec<u8>) {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n{headers}\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await.unwrap();
    let split = response.windows(4).position(|w| w == b"\r\n\r\n").expect("a head");
    let head = String::from_utf8_lossy(&response[..split]).to_ascii_lowercase();
    let status = head[9..12].parse().unwrap();
    let body = response[split + 4..].to_vec();
    if head.contains("transfer-encoding: chunked") {
        // hyper sends small whole bodies with a length; a chunked one would need decoding.
        panic!("unexpected chunked body");
    }
    (status, head, body)
}

fn header<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.lines().find_map(|l| l.strip_prefix(&format!("{name}: ")))
}

/// The client goes out compressed (brotli or gzip, as the browser takes them) at a
/// content-hashed URL cached for good; the plain URL and the page revalidate with their ETag.
#[tokio::test]
async fn the_client_is_compressed_hashed_and_revalidated() {
    use std::io::Read as _;
    let (addr, _stop, _server) = start(PerClientStateServer::new(Counter).into_service()).await;
    let (_, page) = http_get(addr, "/", "").await;
    let src = page.split("<script type=\"module\" src=\"").nth(1).and_then(|s| s.split('"').next()).unwrap().to_owned();
    assert!(
        src.starts_with("/_idom/client-") && src.ends_with(".js") && src.len() == "/_idom/client-.js".len() + 16,
        "{src}"
    );

    let (status, head, raw) = raw_request(addr, &src, "").await;
    assert_eq!(status, 200);
    assert_eq!(header(&head, "cache-control"), Some("public, max-age=31536000, immutable"));
    assert_eq!(header(&head, "content-encoding"), None);
    // The client without its comments and indentation.
    assert!(raw.len() < idom::server::CLIENT_JS.len() * 3 / 4, "{} bytes", raw.len());
    assert!(String::from_utf8_lossy(&raw).contains("export function mount(container, options = {}) {"));

    let (_, head, br) = raw_request(addr, &src, "Accept-Encoding: gzip, deflate, br\r\n").await;
    assert_eq!(header(&head, "content-encoding"), Some("br"));
    let mut unpacked = Vec::new();
    brotli::Decompressor::new(&br[..], 4096).read_to_end(&mut unpacked).unwrap();
    assert_eq!(unpacked, raw);
    let (_, head, gz) = raw_request(addr, &src, "Accept-Encoding: gzip\r\n").await;
    assert_eq!(header(&head, "content-encoding"), Some("gzip"));
    let mut unpacked = Vec::new();
    flate2::read::GzDecoder::new(&gz[..]).read_to_end(&mut unpacked).unwrap();
    assert_eq!(unpacked, raw);
    assert_eq!(header(&head, "vary"), Some("accept-encoding"));
    eprintln!("client.js: {} bytes raw, {} gzip, {} brotli", raw.len(), gz.len(), br.len());

    // The plain URL revalidates: a conditional request with its ETag gets 304 and no body.
    let (_, head, _) = raw_request(addr, "/_idom/client.js", "").await;
    assert_eq!(header(&head, "cache-control"), Some("no-cache"));
    let etag = header(&head, "etag").expect("an etag").to_owned();
    let (status, _, body) = raw_request(addr, "/_idom/client.js", &format!("If-None-Match: {etag}\r\n")).await;
    assert_eq!((status, body.len()), (304, 0));
    // So does the page.
    let (_, head, _) = raw_request(addr, "/", "").await;
    let etag = header(&head, "etag").expect("the page's etag").to_owned();
    let (status, _, _) = raw_request(addr, "/", &format!("If-None-Match: {etag}\r\n")).await;
    assert_eq!(status, 304);
}

#[component]
fn LongTable() -> Element {
    let rows = (0..1000).map(|i| html! { <tr key={i}><td>{i}</td><td>"a row of the long table"</td></tr> });
    html! { <table><tbody>{rows}</tbody></table> }
}

/// A large prerendered page goes compressed; a small one does not.
#[tokio::test]
async fn a_large_page_is_sent_compressed() {
    use std::io::Read as _;
    let (addr, _stop, _server) = start(PerClientStateServer::new(LongTable).into_service()).await;
    let (_, head, plain) = raw_request(addr, "/", "").await;
    assert_eq!(header(&head, "content-encoding"), None);
    let (_, head, gz) = raw_request(addr, "/", "Accept-Encoding: gzip\r\n").await;
    assert_eq!(header(&head, "content-encoding"), Some("gzip"));
    let mut unpacked = Vec::new();
    flate2::read::GzDecoder::new(&gz[..]).read_to_end(&mut unpacked).unwrap();
    assert_eq!(unpacked, plain);
    assert!(gz.len() * 5 < plain.len(), "{} of {}", gz.len(), plain.len());
    let (addr, _stop2, _server2) = start(PerClientStateServer::new(Counter).into_service()).await;
    let (_, head, _) = raw_request(addr, "/", "Accept-Encoding: gzip, br\r\n").await;
    assert_eq!(header(&head, "content-encoding"), None, "a small page is sent as is");
}
