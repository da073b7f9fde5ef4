//! Start-up of a headless Chromium driven through chromedriver (WebDriver, with `fantoccini`),
//! for browser tests outside `tests/browser.rs`: the skip rule, chromedriver and a fresh profile,
//! an init script that records the page's JS errors, and waiting for the page.
//!
//! Needs Debian's `chromium` and `chromium-driver` (`/usr/bin/chromium`, `/usr/bin/chromedriver`).
//! Without them a test says it is skipped and passes, unless `CI` is set (CI installs them).

use std::future::Future;
use std::net::TcpListener as StdTcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// The bound of every wait for something to show up in the page.
pub const WAIT: Duration = Duration::from_secs(10);

/// Runs before any script of every page: records JS errors in `window.__idomErrors`.
const INIT_SCRIPT: &str = r#"
(() => {
  const errors = [];
  window.__idomErrors = errors;
  const text = (args) => args.map((a) => (a instanceof Error ? `${a.name}: ${a.message}` : String(a))).join(" ");
  addEventListener("error", (e) => errors.push(`uncaught: ${e.message} (${e.filename}:${e.lineno})`));
  addEventListener("unhandledrejection", (e) => errors.push(`unhandled rejection: ${text([e.reason])}`));
  const error = console.error.bind(console);
  console.error = (...args) => { errors.push(`console.error: ${text(args)}`); error(...args); };
})();
"#;

/// Whether Chromium and chromedriver are installed; prints why a test is skipped when not, and
/// fails instead under CI.
pub fn available() -> bool {
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

/// A chromedriver process and a browser profile directory, both removed when dropped.
struct Driver {
    child: Child,
    port: u16,
    profile: PathBuf,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

impl Driver {
    async fn start() -> Driver {
        let port = StdTcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("a free port").port();
        let child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("could not start {CHROMEDRIVER}: {e}"));
        let profile = std::env::temp_dir().join(format!("idom-browser-common-{}-{port}", std::process::id()));
        std::fs::create_dir_all(&profile).expect("a profile directory");
        let mut driver = Driver { child, port, profile };
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

    /// A headless browser session with the init script installed.
    async fn session(&self) -> Client {
        let options = json!({
            "binary": CHROMIUM,
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--no-first-run", "--disable-background-networking", "--disable-sync", "--window-size=1024,768",
                format!("--user-data-dir={}", self.profile.display()),
            ],
        });
        let mut caps = serde_json::Map::new();
        caps.insert("goog:chromeOptions".to_owned(), options);
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let url = format!("http://127.0.0.1:{}", self.port);
        let client = tokio::time::timeout(
            Duration::from_secs(30),
            ClientBuilder::new(connector).capabilities(caps).connect(&url),
        )
        .await
        .expect("the browser session did not start within 30 s")
        .unwrap_or_else(|e| panic!("could not start a browser session ({CHROMIUM}): {e}"));
        let session = client.session_id().await.expect("session id").expect("a session");
        let body = json!({"cmd": "Page.addScriptToEvaluateOnNewDocument", "params": {"source": INIT_SCRIPT}});
        let (status, answer) =
            http("POST", self.port, &format!("/session/{session}/goog/cdp/execute"), &body.to_string())
                .await
                .expect("chromedriver answers");
        assert_eq!(status, 200, "could not install the init script: {answer}");
        client
    }
}

/// Runs `body` in a fresh browser session (its own chromedriver and profile) within `limit`,
/// then fails on any JS error the page recorded; closes the session even when `body` panics.
/// Does nothing (the test is skipped) when the browser is not installed.
pub async fn with_browser<F, Fut>(limit: Duration, body: F)
where
    F: FnOnce(Client) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    if !available() {
        return;
    }
    let driver = Driver::start().await;
    let client = driver.session().await;
    let task = tokio::spawn(body(client.clone()));
    let abort = task.abort_handle();
    let outcome = tokio::time::timeout(limit, task).await;
    abort.abort();
    let errors =
        match tokio::time::timeout(WAIT, client.execute("return window.__idomErrors ?? ['no init script'];", vec![]))
            .await
        {
            Ok(Ok(v)) => {
                v.as_array().into_iter().flatten().map(|e| e.as_str().unwrap_or_default().to_owned()).collect()
            }
            Ok(Err(e)) => vec![format!("could not read the page's errors: {e}")],
            Err(_) => vec!["timed out reading the page's errors".to_owned()],
        };
    let _ = tokio::time::timeout(WAIT, client.close()).await;
    drop(driver);
    match outcome {
        Err(_) => panic!("the test did not finish within {limit:?}; page errors: {errors:?}"),
        Ok(Err(e)) if e.is_panic() => {
            eprintln!("page errors: {errors:#?}");
            std::panic::resume_unwind(e.into_panic())
        }
        Ok(Err(e)) => panic!("the test task failed: {e}"),
        Ok(Ok(())) => assert!(errors.is_empty(), "JS errors in the page: {errors:#?}"),
    }
}

/// Runs a script in the page and returns its value.
pub async fn run_js(client: &Client, script: &str, args: Vec<Value>) -> Value {
    client.execute(script, args).await.unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
}

/// Polls `probe` until it gives `Ok`, for at most [`WAIT`]; panics with `what` and the last
/// observation otherwise.
pub async fn wait_for<T, F, Fut>(what: &str, mut probe: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, String>>,
{
    let deadline = Instant::now() + WAIT;
    loop {
        let last = match probe().await {
            Ok(v) => return v,
            Err(last) => last,
        };
        assert!(Instant::now() < deadline, "timed out after {WAIT:?} waiting for {what}; last seen: {last}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The `textContent` of every element matching `css`.
pub async fn texts(client: &Client, css: &str) -> Vec<String> {
    let v = run_js(
        client,
        "return Array.from(document.querySelectorAll(arguments[0]), (e) => e.textContent);",
        vec![json!(css)],
    )
    .await;
    serde_json::from_value(v).expect("strings")
}

/// A minimal HTTP/1.1 request to chromedriver; returns the status and the body.
async fn http(method: &str, port: u16, path: &str, body: &str) -> std::io::Result<(u16, String)> {
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port)).await?;
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await?;
    // chromedriver may keep the connection open: read until the body has its Content-Length.
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
