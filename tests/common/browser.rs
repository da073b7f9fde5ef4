//! The browser harness shared by the Chromium suites (`tests/browser*.rs`): chromedriver and a
//! headless Chromium session per test, an init script that records JS errors and counts socket
//! messages, and small helpers to wait for and read the page.
//!
//! Needs Debian's `chromium` and `chromium-driver` packages (`/usr/bin/chromium`,
//! `/usr/bin/chromedriver`); without them each test says it is skipped and how to install them,
//! and under CI (`CI` set) it fails instead.
//!
//! Each test starts its own chromedriver and browser profile; the tests of one binary take turns
//! (one browser at a time) so that timing-sensitive checks such as fast typing do not compete for
//! the CPU. A test fails on any JS error the page recorded.

use std::future::Future;
use std::net::TcpListener as StdTcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use fantoccini::ClientBuilder;
pub use fantoccini::{Client, Locator};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// The bound of every wait for something to show up in the page.
pub const WAIT: Duration = Duration::from_secs(10);
/// The bound of a whole test body.
pub const TEST_TIMEOUT: Duration = Duration::from_secs(120);

/// One browser at a time (see the module docs). A tokio mutex: it works across the tests' runtimes.
pub static ONE_BROWSER: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Runs before any script of every page: error recording and socket accounting.
pub const INIT_SCRIPT: &str = r#"
(() => {
  const errors = [], warnings = [], sockets = [];
  window.__idomErrors = errors;
  window.__idomWarnings = warnings;
  window.__idomSockets = sockets;
  const text = (args) => args.map((a) => (a instanceof Error ? `${a.name}: ${a.message}` : String(a))).join(" ");
  addEventListener("error", (e) => errors.push(`uncaught: ${e.message} (${e.filename}:${e.lineno})`));
  addEventListener("unhandledrejection", (e) => errors.push(`unhandled rejection: ${text([e.reason])}`));
  // The pages run under the server's Content-Security-Policy: a violation is an error.
  document.addEventListener("securitypolicyviolation", (e) =>
    errors.push(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || "inline"} (${e.sourceFile}:${e.lineNumber})`));
  const error = console.error.bind(console), warn = console.warn.bind(console);
  console.error = (...args) => { errors.push(`console.error: ${text(args)}`); error(...args); };
  console.warn = (...args) => { warnings.push(`console.warn: ${text(args)}`); warn(...args); };
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      const s = { ws: this, received: 0, sent: 0, last: performance.now() };
      sockets.push(s);
      this.addEventListener("message", () => { s.received++; s.last = performance.now(); });
    }
    send(data) {
      const s = sockets.find((x) => x.ws === this);
      if (s) { s.sent++; s.last = performance.now(); }
      return super.send(data);
    }
  };
})();
"#;

// ---------------------------------------------------------------------------------------------
// chromedriver and the browser session.

/// Whether Chromium and chromedriver are installed. Where they are not, a browser test says it is
/// skipped and how to install them, and passes; under CI (`CI` set) it fails instead, since CI
/// installs them and requires every test.
pub fn browser_available() -> bool {
    let Some(missing) = [CHROMIUM, CHROMEDRIVER].into_iter().find(|path| !Path::new(path).exists()) else {
        return true;
    };
    let message = format!(
        "{missing} is missing: the browser tests need Debian's chromium and chromium-driver \
         (`sudo apt-get install chromium chromium-driver`)"
    );
    assert!(std::env::var_os("CI").is_none(), "{message}");
    eprintln!("SKIPPED (browser test): {message}");
    false
}

/// A port that was free a moment ago on 127.0.0.1.
pub fn free_port() -> u16 {
    StdTcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("a free port").port()
}

/// A chromedriver child process, killed when dropped.
pub struct ChromeDriver {
    child: Child,
    port: u16,
}

impl ChromeDriver {
    pub async fn start() -> ChromeDriver {
        let port = free_port();
        let child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("could not start {CHROMEDRIVER}: {e}"));
        let mut driver = ChromeDriver { child, port };
        let deadline = Instant::now() + WAIT;
        loop {
            if let Ok((200, body)) = http("GET", port, "/status", "").await
                && body.contains("\"ready\":true")
            {
                return driver;
            }
            if let Ok(Some(status)) = driver.child.try_wait() {
                panic!("chromedriver exited early: {status}");
            }
            assert!(Instant::now() < deadline, "chromedriver did not answer on port {port} within {WAIT:?}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for ChromeDriver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A fresh, empty browser profile directory, removed when dropped.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new() -> TempDir {
        static N: AtomicUsize = AtomicUsize::new(0);
        let nanos =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
        let n = N.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("idom-browser-{}-{n}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp profile dir");
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A minimal HTTP/1.1 request to chromedriver; returns the status and the body.
pub async fn http(method: &str, port: u16, path: &str, body: &str) -> std::io::Result<(u16, String)> {
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port)).await?;
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await?;
    // chromedriver keeps the connection open despite `Connection: close`: read by Content-Length.
    let read = async {
        let mut response = Vec::new();
        let mut chunk = [0u8; 8192];
        loop {
            let n = stream.read(&mut chunk).await?;
            response.extend_from_slice(&chunk[..n]);
            let text = String::from_utf8_lossy(&response);
            if let Some((head, body)) = text.split_once("\r\n\r\n") {
                let length = head
                    .lines()
                    .find_map(|l| l.split_once(':').filter(|(k, _)| k.trim().eq_ignore_ascii_case("content-length")))
                    .and_then(|(_, v)| v.trim().parse::<usize>().ok());
                if n == 0 || length.is_some_and(|len| body.len() >= len) {
                    let status = head.get(9..12).and_then(|s| s.parse().ok()).unwrap_or(0);
                    return Ok((status, body.to_owned()));
                }
            }
            if n == 0 {
                return Err(std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "no HTTP response"));
            }
        }
    };
    tokio::time::timeout(WAIT, read).await.map_err(std::io::Error::other)?
}

#[derive(Clone, Copy, PartialEq)]
pub enum Js {
    Enabled,
    Disabled,
}

/// Opens a browser session on `driver` (with a fresh profile in `profile`).
pub async fn open_session(driver: &ChromeDriver, profile: &TempDir, js: Js) -> Client {
    let mut options = json!({
        "binary": CHROMIUM,
        "args": [
            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--window-size=1024,768",
            format!("--user-data-dir={}", profile.0.display()),
        ],
    });
    if js == Js::Disabled {
        options["prefs"] = json!({"profile.managed_default_content_settings.javascript": 2});
    }
    let mut caps = serde_json::Map::new();
    caps.insert("goog:chromeOptions".to_owned(), options);
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    let client = tokio::time::timeout(
        Duration::from_secs(30),
        ClientBuilder::new(connector).capabilities(caps).connect(&driver.url()),
    )
    .await
    .expect("the browser session did not start within 30 s")
    .unwrap_or_else(|e| panic!("could not start a browser session ({CHROMIUM}): {e}"));
    if js == Js::Enabled {
        // Page.addScriptToEvaluateOnNewDocument through chromedriver's CDP passthrough.
        let session = client.session_id().await.expect("session id").expect("a session");
        let body = json!({"cmd": "Page.addScriptToEvaluateOnNewDocument", "params": {"source": INIT_SCRIPT}});
        let (status, answer) =
            http("POST", driver.port, &format!("/session/{session}/goog/cdp/execute"), &body.to_string())
                .await
                .expect("chromedriver answers");
        assert_eq!(status, 200, "could not install the init script: {answer}");
    }
    client
}

/// Runs `body` with a fresh browser session (on its own chromedriver), then checks that the page
/// recorded no JS error, and closes the session even when `body` panics.
pub async fn with_browser<F, Fut>(js: Js, body: F)
where
    F: FnOnce(Client) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    if !browser_available() {
        return;
    }
    let _turn = ONE_BROWSER.lock().await;
    let driver = ChromeDriver::start().await;
    let profile = TempDir::new();
    let client = open_session(&driver, &profile, js).await;
    let task = tokio::spawn(body(client.clone()));
    let abort = task.abort_handle();
    let outcome = tokio::time::timeout(TEST_TIMEOUT, task).await;
    abort.abort();
    let report = if js == Js::Enabled { page_report(&client).await } else { PageReport::default() };
    let _ = tokio::time::timeout(Duration::from_secs(10), client.close()).await;
    drop(driver);
    drop(profile);
    for w in &report.warnings {
        eprintln!("page warning: {w}");
    }
    match outcome {
        Err(_) => panic!("the test did not finish within {TEST_TIMEOUT:?}; page errors: {:?}", report.errors),
        Ok(Err(e)) if e.is_panic() => {
            if !report.errors.is_empty() {
                eprintln!("page errors: {:#?}", report.errors);
            }
            std::panic::resume_unwind(e.into_panic())
        }
        Ok(Err(e)) => panic!("the test task failed: {e}"),
        Ok(Ok(())) => assert!(report.errors.is_empty(), "JS errors in the page: {:#?}", report.errors),
    }
}

#[derive(Default)]
pub struct PageReport {
    errors: Vec<String>,
    warnings: Vec<String>,
}

/// The errors and warnings the init script recorded, plus a check that the mount point exists.
pub async fn page_report(client: &Client) -> PageReport {
    let script = r#"
        const errors = Array.from(window.__idomErrors ?? ["the init script did not run (no __idomErrors)"]);
        if (!document.getElementById("idom-root")) errors.push("no #idom-root in the page");
        return {errors, warnings: Array.from(window.__idomWarnings ?? [])};
    "#;
    let strings =
        |v: &Value| v.as_array().into_iter().flatten().map(|s| s.as_str().unwrap_or_default().to_owned()).collect();
    match tokio::time::timeout(Duration::from_secs(10), client.execute(script, vec![])).await {
        Ok(Ok(v)) => PageReport { errors: strings(&v["errors"]), warnings: strings(&v["warnings"]) },
        Ok(Err(e)) => PageReport { errors: vec![format!("could not read the page's errors: {e}")], warnings: vec![] },
        Err(_) => PageReport { errors: vec!["timed out reading the page's errors".to_owned()], warnings: vec![] },
    }
}

// ---------------------------------------------------------------------------------------------
// Waiting and reading the page.

/// Polls `probe` until it gives `Ok`, for at most `within`; panics with `what` (and the last
/// observation) otherwise.
pub async fn wait_for<T, F, Fut>(what: &str, within: Duration, mut probe: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, String>>,
{
    let deadline = Instant::now() + within;
    loop {
        let last = match probe().await {
            Ok(v) => return v,
            Err(last) => last,
        };
        assert!(Instant::now() < deadline, "timed out after {within:?} waiting for {what}; last seen: {last}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

pub async fn run_js(client: &Client, script: &str) -> Value {
    client.execute(script, vec![]).await.unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
}

/// Waits until the client's newest socket is open and the full model has arrived (the client is
/// live: events are sent from now on).
pub async fn wait_live(client: &Client) {
    wait_for("the client to connect and receive its model", WAIT, move || async move {
        let v =
            run_js(client, "const s = window.__idomSockets?.at(-1); return s ? [s.ws.readyState, s.received] : null;")
                .await;
        if v[0] == 1 && v[1].as_u64() > Some(0) { Ok(()) } else { Err(format!("[readyState, received] = {v}")) }
    })
    .await;
}

/// Waits until the live socket has had no traffic either way for `quiet` (so every event sent
/// has been answered, and the client's input settle timers have fired).
pub async fn wait_quiet(client: &Client, quiet: Duration) {
    let ms = quiet.as_millis();
    wait_for("the socket to go quiet", WAIT, move || async move {
        let v = run_js(
            client,
            "const s = window.__idomSockets?.at(-1); return s ? [s.ws.readyState, performance.now() - s.last] : null;",
        )
        .await;
        let idle = v[1].as_f64().unwrap_or(0.0);
        if v[0] == 1 && idle >= ms as f64 { Ok(()) } else { Err(format!("[readyState, idle ms] = {v}")) }
    })
    .await;
}

/// The `textContent` of every element matching `css` (exact text, whitespace kept).
pub async fn texts(client: &Client, css: &str) -> Vec<String> {
    let v = client
        .execute("return Array.from(document.querySelectorAll(arguments[0]), (e) => e.textContent);", vec![json!(css)])
        .await
        .unwrap_or_else(|e| panic!("reading {css}: {e}"));
    serde_json::from_value(v).expect("strings")
}

/// Waits until the elements matching `css` have exactly these texts.
pub async fn wait_texts(client: &Client, css: &str, expected: &[&str]) {
    wait_for(&format!("{css} to read {expected:?}"), WAIT, move || async move {
        let got = texts(client, css).await;
        if got == expected { Ok(()) } else { Err(format!("{got:?}")) }
    })
    .await;
}

pub async fn click(client: &Client, css: &str) {
    let el = client.find(Locator::Css(css)).await.unwrap_or_else(|e| panic!("finding {css}: {e}"));
    el.click().await.unwrap_or_else(|e| panic!("clicking {css}: {e}"));
}

pub async fn input_value(client: &Client, css: &str) -> String {
    let el = client.find(Locator::Css(css)).await.unwrap_or_else(|e| panic!("finding {css}: {e}"));
    el.prop("value").await.expect("value property").unwrap_or_default()
}

pub async fn goto(client: &Client, url: &str) {
    client.goto(url).await.unwrap_or_else(|e| panic!("loading {url}: {e}"));
}

/// `target/` (the parent of the profile directory that holds the test executable).
pub fn target_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("test executable path");
    exe.ancestors().nth(3).expect("target/<profile>/deps/<exe>").to_path_buf()
}

/// Serves `root` per client on a free port of 127.0.0.1, in this process: its page's URL and the
/// server's task (abort it when done).
pub async fn serve<C: idom::Component + Clone>(root: C) -> (String, tokio::task::JoinHandle<std::io::Result<()>>) {
    let service = idom::PerClientStateServer::new(root).into_service();
    let (addr, server) = service.bind("127.0.0.1:0", std::future::pending()).await.expect("bind");
    (format!("http://{addr}/"), tokio::spawn(server))
}
