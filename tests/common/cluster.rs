//! Redis, idom processes and nginx, started by the tests on 127.0.0.1 with temporary config and
//! data, and stopped by pid when dropped.
//!
//! Needs Debian's `redis-server` and `nginx-light` (`/usr/bin/redis-server`, `/usr/sbin/nginx`);
//! without them a test says it is skipped and how to install them, and under CI (`CI` set) it
//! fails instead.

use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

pub const REDIS_SERVER: &str = "/usr/bin/redis-server";
pub const NGINX: &str = "/usr/sbin/nginx";

/// Whether Redis and nginx are installed (see the module docs).
pub fn cluster_available() -> bool {
    let Some(missing) = [REDIS_SERVER, NGINX].into_iter().find(|path| !Path::new(path).exists()) else {
        return true;
    };
    let message = format!(
        "{missing} is missing: the cluster tests need Debian's redis-server and nginx-light \
         (`sudo apt-get install redis-server nginx-light`)"
    );
    assert!(std::env::var_os("CI").is_none(), "{message}");
    eprintln!("SKIPPED (cluster test): {message}");
    false
}

pub use super::browser::free_port;

/// A temporary directory, removed when dropped.
pub struct Scratch(pub PathBuf);

impl Scratch {
    pub fn new(what: &str) -> Scratch {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("idom-{what}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("a scratch directory");
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A child process, killed (by pid) when dropped.
pub struct Proc {
    pub child: Child,
    pub what: String,
}

impl Proc {
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Waits (at most 10 s) until something accepts connections on 127.0.0.1:`port`.
pub async fn wait_port(port: u16, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_err() {
        assert!(Instant::now() < deadline, "{what} did not listen on {port} within 10 s");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// A Redis on a free port of 127.0.0.1, with no persistence.
pub struct Redis {
    pub port: u16,
    pub proc: Proc,
    _dir: Scratch,
}

impl Redis {
    pub async fn start() -> Redis {
        Redis::start_on(free_port()).await
    }

    pub async fn start_on(port: u16) -> Redis {
        let dir = Scratch::new("redis");
        let child = Command::new(REDIS_SERVER)
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
            .args(["--dir", &dir.0.display().to_string(), "--protected-mode", "yes"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("redis-server starts");
        wait_port(port, "redis-server").await;
        Redis { port, proc: Proc { child, what: "redis".into() }, _dir: dir }
    }

    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }

    /// One command in RESP; the reply as text (`None` for a nil reply).
    pub async fn command(&self, args: &[&str]) -> Option<String> {
        redis_command(self.port, args).await
    }
}

/// One Redis command in RESP on a fresh connection; the reply as text (`None` for nil).
pub async fn redis_command(port: u16, args: &[&str]) -> Option<String> {
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port)).await.expect("redis answers");
    let mut request = format!("*{}\r\n", args.len());
    for a in args {
        request.push_str(&format!("${}\r\n{a}\r\n", a.len()));
    }
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut reply = Vec::new();
    let mut chunk = [0u8; 65536];
    loop {
        let n = tokio::time::timeout(Duration::from_secs(5), stream.read(&mut chunk)).await.expect("a reply").unwrap();
        reply.extend_from_slice(&chunk[..n]);
        let text = String::from_utf8_lossy(&reply).into_owned();
        if let Some(rest) = text.strip_prefix('$') {
            let (len, body) = rest.split_once("\r\n")?;
            let len: i64 = len.parse().unwrap();
            if len < 0 {
                return None;
            }
            if body.len() >= len as usize + 2 {
                return Some(body[..len as usize].to_owned());
            }
        } else if text.ends_with("\r\n") {
            return Some(text.trim_end().to_owned());
        }
        if n == 0 {
            return None;
        }
    }
}

/// An idom example process on `port`, with `args` after the address.
pub fn idom_process(example: &Path, port: u16, args: &[String]) -> Proc {
    let mut child = Command::new(example)
        .arg(format!("127.0.0.1:{port}"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the example starts");
    // It prints its address once it listens.
    let stdout = child.stdout.take().expect("stdout");
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).expect("the example prints its address");
    assert!(line.contains(&format!("127.0.0.1:{port}")), "unexpected first line: {line}");
    Proc { child, what: format!("idom on {port}") }
}

/// nginx in front of `backends`, on a free port, sticky by the `idom_sticky` cookie (the
/// configuration docs/deploy.md shows).
pub struct Nginx {
    pub port: u16,
    pub proc: Proc,
    _dir: Scratch,
}

impl Nginx {
    pub async fn start(backends: &[u16]) -> Nginx {
        let dir = Scratch::new("nginx");
        let port = free_port();
        let servers: String =
            backends.iter().map(|p| format!("        server 127.0.0.1:{p} max_fails=1 fail_timeout=2s;\n")).collect();
        let d = dir.0.display();
        let user = if is_root() { "user root;\n" } else { "" };
        let conf = format!(
            "{user}worker_processes 1;
daemon off;
pid {d}/nginx.pid;
error_log {d}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {d}/body;
    proxy_temp_path {d}/proxy;
    fastcgi_temp_path {d}/fastcgi;
    uwsgi_temp_path {d}/uwsgi;
    scgi_temp_path {d}/scgi;
{}
}}
",
            nginx_http_block(port, &servers)
        );
        std::fs::write(dir.0.join("nginx.conf"), conf).unwrap();
        let child = Command::new(NGINX)
            .args(["-p", &d.to_string(), "-c", &format!("{d}/nginx.conf"), "-e", &format!("{d}/error.log")])
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("nginx starts");
        wait_port(port, "nginx").await;
        Nginx { port, proc: Proc { child, what: "nginx".into() }, _dir: dir }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/", self.port)
    }
}

/// The part of the nginx configuration docs/deploy.md shows: the sticky hash, the upstream and
/// the websocket proxying.
pub fn nginx_http_block(port: u16, servers: &str) -> String {
    format!(
        "    # A browser's requests go to one process, chosen by its sticky cookie; a browser
    # without one yet (its first page) to any.
    map $cookie_idom_sticky $idom_route {{
        \"\" $request_id;
        default $cookie_idom_sticky;
    }}
    map $http_upgrade $connection_upgrade {{
        default upgrade;
        \"\" close;
    }}
    upstream idom {{
        hash $idom_route consistent;
{servers}    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://idom;
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_set_header Host $http_host;
            proxy_read_timeout 1h;
            proxy_next_upstream error timeout;
            proxy_connect_timeout 1s;
        }}
    }}"
    )
}

fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("Uid:")).map(|l| l.split_whitespace().nth(1) == Some("0")))
        .unwrap_or(false)
}
