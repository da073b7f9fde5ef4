//! Helpers shared by the integration tests: running the example binaries and plain HTTP GETs;
//! `browser`: a headless Chromium for browser tests.

#![allow(dead_code, unreachable_pub)]

pub mod browser;
pub mod cluster;

use std::io::{BufRead as _, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

/// A running example, killed when dropped.
pub struct Example {
    child: Child,
    /// `http://127.0.0.1:PORT/...` as the example printed it.
    pub url: String,
}

impl Drop for Example {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn example_path(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("test executable path");
    let target_dir = exe.parent().and_then(|deps| deps.parent()).expect("target/<profile>");
    target_dir.join("examples").join(name)
}

/// Starts an example on `addr` (use port 0 for any) and waits for it to print its address.
pub fn start(name: &str, addr: &str) -> Example {
    let path = example_path(name);
    assert!(path.exists(), "{} is not built: run the tests with `cargo test`", path.display());
    let mut child =
        Command::new(&path).arg(addr).stdout(Stdio::piped()).stderr(Stdio::inherit()).spawn().expect("example starts");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(url) = line.split_whitespace().find(|w| w.starts_with("http://")) {
                let _ = tx.send(url.to_owned());
            }
        }
    });
    let url = rx.recv_timeout(Duration::from_secs(30)).unwrap_or_else(|_| panic!("{name} printed no address"));
    Example { child, url }
}

pub async fn get(url: &str) -> (u16, String) {
    let rest = url.strip_prefix("http://").unwrap();
    let (host, path) = rest.split_once('/').map(|(h, p)| (h, format!("/{p}"))).unwrap_or((rest, "/".into()));
    let mut stream = tokio::net::TcpStream::connect(host).await.unwrap();
    stream
        .write_all(format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").as_bytes())
        .await
        .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    (response[9..12].parse().unwrap(), response)
}

/// Payloads that would run script if any of them reached the DOM as markup or as a URL; each sets
/// `window.__xss`.
pub const XSS: &[&str] = &[
    "<script>window.__xss=1</script>",
    "\"><img src=x onerror=window.__xss=1>",
    "'><svg onload=window.__xss=1>",
    "javascript:window.__xss=1",
    " JaVaScRiPt:window.__xss=1",
    "data:text/html,<script>window.__xss=1</script>",
    "</div><script>window.__xss=1</script>",
    "<iframe src=javascript:window.__xss=1>",
    "<!--",
    "&lt;script&gt;",
    "\u{0}\u{1f}<x>",
];
