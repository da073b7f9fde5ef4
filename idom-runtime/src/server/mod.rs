//! The server: serves the page (prerendered), the JS client and the websocket stream, on hyper 1
//! and tokio-tungstenite.
//!
//! [`PerClientStateServer`] gives each connection its own layout of the root component (driven by
//! [`dispatch_single_view`](crate::dispatch::dispatch_single_view)); [`SharedClientStateServer`] keeps one layout that every connection
//! joins (a [shared view](crate::dispatch::create_shared_view_dispatcher)). Both run standalone
//! with [`run`](PerClientStateServer::run), or mount into an existing application through
//! [`IdomService`], a `tower::Service` (and, with [`IdomService::handle`], a plain hyper
//! handler). Standalone and mounted share one code path: `run` serves an `IdomService`.
//!
//! Routes, under the configured prefix (default `/`):
//!
//! | route | what |
//! |---|---|
//! | `GET {prefix}_idom/client.js` | the JS client (an ES module shipped in this crate) |
//! | `GET {prefix}_idom/stream` (websocket) | the session: updates out, events in |
//! | any other `GET` under the prefix | the page, with the first render prerendered as HTML |
//!
//! # Defences, on by default
//!
//! - Websocket upgrades must come from the page's own origin or an allowed one
//!   ([`ServerConfig::allowed_origins`]); others get 403.
//! - Inbound messages over [`ServerConfig::max_message_size`] (64 KiB) close the session with 1009.
//!   Frames that are not JSON, not a known message type, or binary are ignored (and logged at
//!   debug level): a client cannot make the server do anything with them.
//! - At most [`ServerConfig::max_sessions`] sessions at once (503 beyond); requests must send their
//!   headers within [`ServerConfig::handshake_timeout`]; the server pings every
//!   [`ServerConfig::ping_interval`] and closes sessions silent for [`ServerConfig::idle_timeout`].
//! - Per-connection buffers are small (4 KiB reads) and a session never queues updates: it renders
//!   the next one only when the previous one was written, so a client that stops reading costs
//!   one update, and the state changes meanwhile are coalesced.
//! - A panic in a component is caught by the layout (an error node); a panic anywhere else in a
//!   session closes that session with 1011 and is logged; other sessions never notice.
//! - A client that reconnects within [`ServerConfig::resume_window`] (60 s) gets its session back
//!   (at most [`ServerConfig::max_parked_sessions`] are kept); later, it gets a fresh one and is
//!   told so (`{"type": "session", "resumed": false}`).
//! - On shutdown the server stops accepting, closes sessions with 1001, and clients reconnect with
//!   backoff.

mod location;

pub use location::{Location, provide_location, use_location};
pub(crate) use location::query_param;

use std::collections::HashMap;
use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::task::{Context as TaskContext, Poll};
use std::time::Duration;
use std::time::Instant;

use bytes::Bytes;
use futures_util::{FutureExt as _, SinkExt as _, StreamExt as _};
use http::{HeaderValue, Method, Request, Response, StatusCode, header};
use http_body_util::Full;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use tokio::net::{TcpListener, ToSocketAddrs};
use tokio::sync::watch;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::{CloseFrame, Role, WebSocketConfig};
use tokio_tungstenite::tungstenite::{Message, handshake::derive_accept_key};

use crate::dispatch::{DispatchError, SharedViewDispatcher, create_shared_view_dispatcher, dispatch_single_view_on};
use crate::prerender::{escape_attr, escape_text, render_to_html_with};
use crate::protocol::{ClientMessage, LayoutEvent};
use crate::sync::OrPoisoned as _;
use crate::{Component, Element, Layout};

/// The JS client, served at `{prefix}_idom/client.js`.
pub const CLIENT_JS: &str = include_str!("../client/idom-client.js");

/// Settings shared by both servers. Build with the servers' methods or set fields directly.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct ServerConfig {
    /// The path the app is served under, e.g. `/app/` (always starts and ends with `/`).
    pub prefix: String,
    /// The page's `<title>`.
    pub title: String,
    /// Extra HTML for the page's `<head>` (stylesheets, meta tags). Trusted: written as is.
    pub head: String,
    /// Largest inbound websocket message in bytes (default 64 KiB); larger ones close the
    /// connection with code 1009.
    pub max_message_size: usize,
    /// Origins (`https://example.com`) allowed to open the websocket besides the page's own.
    pub allowed_origins: Vec<String>,
    /// Sessions served at once; upgrades beyond get 503.
    pub max_sessions: usize,
    /// Time a connection has to send its request headers, and an upgrade to complete.
    pub handshake_timeout: Duration,
    /// How often the server pings each session.
    pub ping_interval: Duration,
    /// A session from which nothing (not even a pong) arrived for this long is closed.
    pub idle_timeout: Duration,
    /// How long a per-client session whose connection dropped is kept for the client to resume.
    pub resume_window: Duration,
    /// How many dropped sessions are kept for resuming; the oldest go first.
    pub max_parked_sessions: usize,
    /// Keep `javascript:` URLs and `srcdoc` from component data instead of neutralising them.
    /// Only for apps whose attribute values never come from users.
    pub allow_script_urls: bool,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            prefix: "/".to_owned(),
            title: "idom".to_owned(),
            head: String::new(),
            max_message_size: 64 * 1024,
            allowed_origins: Vec::new(),
            max_sessions: 10_000,
            handshake_timeout: Duration::from_secs(10),
            ping_interval: Duration::from_secs(20),
            idle_timeout: Duration::from_secs(60),
            resume_window: Duration::from_secs(60),
            max_parked_sessions: 1_000,
            allow_script_urls: false,
        }
    }
}

type RootFactory = Arc<dyn Fn() -> Element + Send + Sync>;

enum Mode {
    PerClient,
    Shared(OnceLock<SharedViewDispatcher>),
}

struct Inner {
    root: RootFactory,
    name: &'static str,
    config: ServerConfig,
    mode: Mode,
    shutdown: watch::Receiver<bool>,
    shutdown_tx: watch::Sender<bool>,
    sessions: AtomicUsize,
    parked: Mutex<HashMap<String, Parked>>,
}

/// A per-client layout whose connection dropped, kept for the client to come back to.
struct Parked {
    layout: Layout,
    until: Instant,
}

/// The HTTP service of an idom app: the page, the client and the websocket stream. Clone it
/// freely; it implements `tower::Service` for any request body, so it mounts into axum with
/// `Router::nest_service(prefix, service)` (configure the same prefix on the server), and
/// [`handle`](Self::handle) serves a hyper request directly.
#[derive(Clone)]
pub struct IdomService {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for IdomService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IdomService").field("root", &self.inner.name).field("config", &self.inner.config).finish()
    }
}

macro_rules! server_type {
    ($(#[$doc:meta])* $name:ident, $mode:expr) => {
        $(#[$doc])*
        pub struct $name {
            root: RootFactory,
            name: &'static str,
            config: ServerConfig,
        }

        impl $name {
            /// A server of `root` with the default [`ServerConfig`].
            pub fn new<C: Component + Clone>(root: C) -> Self {
                let name = root.name();
                $name { root: Arc::new(move || Element::component(root.clone())), name, config: ServerConfig::default() }
            }

            /// Serves under `prefix` (e.g. `/app`): the page at `/app/`, the rest below it.
            pub fn prefix(mut self, prefix: &str) -> Self {
                let trimmed = prefix.trim_matches('/');
                self.config.prefix = if trimmed.is_empty() { "/".to_owned() } else { format!("/{trimmed}/") };
                self
            }

            /// Sets the page's title.
            pub fn title(mut self, title: impl Into<String>) -> Self {
                self.config.title = title.into();
                self
            }

            /// Adds trusted HTML to the page's `<head>`.
            pub fn head(mut self, html: impl Into<String>) -> Self {
                self.config.head.push_str(&html.into());
                self
            }

            /// Replaces the whole configuration.
            pub fn config(mut self, config: ServerConfig) -> Self {
                self.config = config;
                self
            }

            /// The configuration.
            pub fn get_config(&self) -> &ServerConfig {
                &self.config
            }

            /// The service to mount into an existing application.
            pub fn into_service(self) -> IdomService {
                let (shutdown_tx, shutdown) = watch::channel(false);
                IdomService {
                    inner: Arc::new(Inner {
                        root: self.root,
                        name: self.name,
                        config: self.config,
                        mode: $mode,
                        shutdown,
                        shutdown_tx,
                        sessions: AtomicUsize::new(0),
                        parked: Mutex::new(HashMap::new()),
                    }),
                }
            }

            /// Binds `addr`, prints the address to open, and serves until Ctrl-C; then stops
            /// accepting, tells connected clients (close code 1001) and returns.
            pub async fn run(self, addr: impl ToSocketAddrs) -> std::io::Result<()> {
                let listener = TcpListener::bind(addr).await?;
                let service = self.into_service();
                println!("idom: serving {} at http://{}{}", service.inner.name, listener.local_addr()?, service.inner.config.prefix);
                service.serve(listener, async { let _ = tokio::signal::ctrl_c().await; }).await
            }
        }

        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(stringify!($name)).field("root", &self.name).field("config", &self.config).finish()
            }
        }
    };
}

server_type!(
    /// A server in which every connection gets its own layout of the root component: each browser
    /// tab has its own state.
    ///
    /// ```no_run
    /// use idom::prelude::*;
    /// use idom::server::PerClientStateServer;
    ///
    /// #[component]
    /// fn App() -> Element {
    ///     html! { <h1>"Hello"</h1> }
    /// }
    ///
    /// #[tokio::main]
    /// async fn main() -> std::io::Result<()> {
    ///     PerClientStateServer::new(App).run("127.0.0.1:5000").await
    /// }
    /// ```
    PerClientStateServer,
    Mode::PerClient
);

server_type!(
    /// A server with one layout shared by every connection: all browsers see the same state and
    /// each other's changes.
    SharedClientStateServer,
    Mode::Shared(OnceLock::new())
);

type Body = Full<Bytes>;

impl IdomService {
    /// Serves connections from `listener` until `shutdown` resolves; then stops accepting, asks
    /// every session to close (code 1001, "server shutting down") and waits up to 5 seconds for
    /// connections to finish.
    pub async fn serve(self, listener: TcpListener, shutdown: impl Future<Output = ()>) -> std::io::Result<()> {
        let graceful = hyper_util::server::graceful::GracefulShutdown::new();
        let mut builder = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
        builder.http1().timer(TokioTimer::new()).header_read_timeout(self.inner.config.handshake_timeout);
        tokio::pin!(shutdown);
        loop {
            tokio::select! {
                accepted = listener.accept() => {
                    let (stream, _) = match accepted {
                        Ok(pair) => pair,
                        Err(e) => {
                            tracing::warn!(error = %e, "accept failed");
                            tokio::time::sleep(Duration::from_millis(50)).await;
                            continue;
                        }
                    };
                    let _ = stream.set_nodelay(true);
                    let service = self.clone();
                    let hyper_service = hyper::service::service_fn(move |req| {
                        let service = service.clone();
                        async move { Ok::<_, Infallible>(service.handle(req).await) }
                    });
                    let connection = builder.serve_connection_with_upgrades(TokioIo::new(stream), hyper_service).into_owned();
                    let connection = graceful.watch(connection);
                    tokio::spawn(async move {
                        if let Err(e) = connection.await {
                            tracing::debug!(error = %e, "connection ended with an error");
                        }
                    });
                }
                () = &mut shutdown => break,
            }
        }
        drop(listener);
        let _ = self.inner.shutdown_tx.send(true);
        let parked = std::mem::take(&mut *self.inner.parked.lock().or_poisoned());
        drop(parked);
        let _ = tokio::time::timeout(Duration::from_secs(5), graceful.shutdown()).await;
        Ok(())
    }

    /// Binds `addr` and serves (see [`serve`](Self::serve)); returns the bound address and the
    /// server's future. Handy for tests: bind `127.0.0.1:0`.
    pub async fn bind(
        self,
        addr: impl ToSocketAddrs,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<(SocketAddr, impl Future<Output = std::io::Result<()>> + Send)> {
        let listener = TcpListener::bind(addr).await?;
        let local = listener.local_addr()?;
        Ok((local, self.serve(listener, shutdown)))
    }

    /// Answers one request. The request body is never read.
    pub async fn handle<B>(&self, req: Request<B>) -> Response<Body> {
        let config = &self.inner.config;
        let path = req.uri().path();
        // Mounted under a router that strips the prefix, or serving the full path ourselves.
        let relative = path.strip_prefix(config.prefix.trim_end_matches('/')).unwrap_or(path);
        let relative = relative.strip_prefix('/').unwrap_or(relative);
        if req.method() != Method::GET && req.method() != Method::HEAD {
            return plain(StatusCode::METHOD_NOT_ALLOWED, "method not allowed");
        }
        match relative {
            "_idom/client.js" => {
                let mut res = Response::new(Full::new(Bytes::from_static(CLIENT_JS.as_bytes())));
                res.headers_mut()
                    .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/javascript; charset=utf-8"));
                res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
                res
            }
            "_idom/stream" => self.upgrade(req),
            _ if relative.starts_with("_idom/") => plain(StatusCode::NOT_FOUND, "not found"),
            _ => {
                let location = Location { path: path.to_owned(), query: req.uri().query().unwrap_or("").to_owned() };
                self.page(location).await
            }
        }
    }

    async fn page(&self, location: Location) -> Response<Body> {
        let inner = &self.inner;
        let body_html = match &inner.mode {
            Mode::PerClient => {
                let root = (inner.root)();
                // Render where panics and slow components cannot block the accept loop.
                let trusted = inner.config.allow_script_urls;
                tokio::task::spawn_blocking(move || render_to_html_with(provide_location(location, root), trusted))
                    .await
                    .unwrap_or_default()
            }
            Mode::Shared(_) => self.shared_view().html().await.unwrap_or_default(),
        };
        let config = &inner.config;
        let mut html = String::with_capacity(body_html.len() + 1024);
        html.push_str("<!doctype html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
        escape_text(&config.title, &mut html);
        html.push_str("</title>\n");
        html.push_str(&config.head);
        html.push_str("</head>\n<body>\n<div id=\"idom-root\" data-idom-stream=\"");
        escape_attr(&format!("{}_idom/stream", config.prefix), &mut html);
        html.push('"');
        if config.allow_script_urls {
            html.push_str(" data-idom-trusted-urls");
        }
        html.push('>');
        html.push_str(&body_html);
        html.push_str("</div>\n<script type=\"module\">import { mount } from \"");
        html.push_str(&format!("{}_idom/client.js", config.prefix).replace('"', "%22"));
        html.push_str("\"; mount(document.getElementById(\"idom-root\"));</script>\n</body>\n</html>\n");
        let mut res = Response::new(Full::new(Bytes::from(html)));
        res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
        res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        res
    }

    fn shared_view(&self) -> &SharedViewDispatcher {
        match &self.inner.mode {
            Mode::Shared(view) => view.get_or_init(|| {
                let (view, driver) = create_shared_view_dispatcher(Layout::from_element((self.inner.root)()));
                tokio::spawn(driver);
                view
            }),
            Mode::PerClient => unreachable!("only shared servers have a shared view"),
        }
    }

    /// Checks and answers a websocket upgrade, then runs the session on the upgraded connection.
    fn upgrade<B>(&self, mut req: Request<B>) -> Response<Body> {
        let headers = req.headers();
        let is_upgrade = headers
            .get(header::UPGRADE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.eq_ignore_ascii_case("websocket"));
        let Some(key) = headers.get(header::SEC_WEBSOCKET_KEY).filter(|_| is_upgrade) else {
            return plain(StatusCode::BAD_REQUEST, "expected a websocket upgrade");
        };
        if headers.get(header::SEC_WEBSOCKET_VERSION).is_some_and(|v| v != "13") {
            return plain(StatusCode::BAD_REQUEST, "unsupported websocket version");
        }
        if !self.origin_allowed(&req) {
            return plain(StatusCode::FORBIDDEN, "cross-origin websocket refused");
        }
        let config = &self.inner.config;
        if self.inner.sessions.fetch_add(1, Ordering::AcqRel) >= config.max_sessions {
            self.inner.sessions.fetch_sub(1, Ordering::AcqRel);
            tracing::warn!(limit = config.max_sessions, "session limit reached; upgrade refused");
            return plain(StatusCode::SERVICE_UNAVAILABLE, "too many sessions");
        }
        let slot = SessionSlot(self.clone());
        let accept = derive_accept_key(key.as_bytes());
        let query = req.uri().query().unwrap_or("");
        let location = Location::from_stream_query(query);
        let resume = query_param(query, "session");
        let on_upgrade = hyper::upgrade::on(&mut req);
        let service = self.clone();
        let timeout = config.handshake_timeout;
        tokio::spawn(async move {
            let _slot = slot;
            match tokio::time::timeout(timeout, on_upgrade).await {
                Err(_) => tracing::debug!("websocket upgrade timed out"),
                Ok(Ok(upgraded)) => {
                    // Small buffers: an idle session should cost kilobytes, not the 128 KiB read
                    // buffer tungstenite defaults to. Writes go out as soon as they are made.
                    let config = WebSocketConfig::default()
                        .read_buffer_size(4 * 1024)
                        .write_buffer_size(0)
                        .max_message_size(Some(service.inner.config.max_message_size))
                        .max_frame_size(Some(service.inner.config.max_message_size));
                    let ws = WebSocketStream::from_raw_socket(TokioIo::new(upgraded), Role::Server, Some(config)).await;
                    service.session(ws, location, resume).await;
                }
                Ok(Err(e)) => tracing::debug!(error = %e, "websocket upgrade failed"),
            }
        });
        let mut res = Response::new(Full::new(Bytes::new()));
        *res.status_mut() = StatusCode::SWITCHING_PROTOCOLS;
        let h = res.headers_mut();
        h.insert(header::CONNECTION, HeaderValue::from_static("upgrade"));
        h.insert(header::UPGRADE, HeaderValue::from_static("websocket"));
        h.insert(header::SEC_WEBSOCKET_ACCEPT, HeaderValue::from_str(&accept).expect("base64 is a valid header"));
        res
    }

    /// Same origin as the `Host` the request came to, or one of the allowed origins. Requests
    /// without an `Origin` (not from a browser) are allowed.
    fn origin_allowed<B>(&self, req: &Request<B>) -> bool {
        let Some(origin) = req.headers().get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
            return true;
        };
        if self.inner.config.allowed_origins.iter().any(|o| o.trim_end_matches('/') == origin) {
            return true;
        }
        let host = req
            .headers()
            .get(header::HOST)
            .and_then(|v| v.to_str().ok())
            .or_else(|| req.uri().authority().map(|a| a.as_str()));
        let origin_host = origin.split_once("://").map(|(_, rest)| rest).unwrap_or("");
        host.is_some_and(|h| h.eq_ignore_ascii_case(origin_host))
    }

    /// Runs one websocket session until the client leaves, the transport fails or the server
    /// shuts down.
    async fn session<S>(&self, ws: WebSocketStream<S>, location: Location, resume: Option<String>)
    where
        S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
    {
        let config = &self.inner.config;
        let (sink, stream) = ws.split();
        let sink = Arc::new(tokio::sync::Mutex::new(sink));
        let stream = Arc::new(tokio::sync::Mutex::new(stream));
        let send = {
            let sink = sink.clone();
            move |update: crate::LayoutUpdate| {
                let sink = sink.clone();
                async move { sink.lock().await.send(Message::Text(update.to_message().into())).await }
            }
        };
        let idle = config.idle_timeout;
        let recv = move || {
            let stream = stream.clone();
            async move { next_event(&mut *stream.lock().await, idle).await }
        };
        let pings = {
            let sink = sink.clone();
            let every = config.ping_interval;
            async move {
                let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
                loop {
                    ticks.tick().await;
                    if sink.lock().await.send(Message::Ping(Bytes::new())).await.is_err() {
                        return;
                    }
                }
            }
        };
        let mut shutdown = self.inner.shutdown.clone();

        // Per-client: this connection's layout, resumed if the client brought back a parked one.
        let mut own = match &self.inner.mode {
            Mode::PerClient => Some(match resume.as_deref().and_then(|id| self.unpark(id)) {
                Some(layout) => (resume.clone().unwrap_or_default(), layout, true),
                None => {
                    (new_session_id(), Layout::from_element(provide_location(location, (self.inner.root)())), false)
                }
            }),
            Mode::Shared(_) => None,
        };
        if let Some((id, _, resumed)) = &own {
            let hello = serde_json::json!({"type": "session", "id": id, "resumed": resumed}).to_string();
            if sink.lock().await.send(Message::Text(hello.into())).await.is_err() {
                return;
            }
        }

        let dispatch = async {
            match &mut own {
                Some((_, layout, _)) => dispatch_single_view_on(layout, send, recv).await,
                None => self.shared_view().join(send, recv).await,
            }
        };
        let outcome = tokio::select! {
            result = AssertUnwindSafe(dispatch).catch_unwind() => result,
            () = pings => Ok(Err(DispatchError::Send(tokio_tungstenite::tungstenite::Error::ConnectionClosed))),
            _ = shutdown.wait_for(|stop| *stop) => Ok(Err(DispatchError::ViewStopped)),
        };
        let shutting_down = *self.inner.shutdown.borrow();
        let (close, park) = match outcome {
            Err(panic) => {
                let message = crate::layout::panic_message(&*panic);
                tracing::error!(component = self.inner.name, %message, "session failed; closing it");
                (Some((CloseCode::Error, "internal error")), false)
            }
            Ok(_) if shutting_down => (Some((CloseCode::Away, "server shutting down")), false),
            Ok(Err(DispatchError::Recv(SessionEnd::TooBig))) => (Some((CloseCode::Size, "message too big")), false),
            Ok(Err(DispatchError::Recv(SessionEnd::Idle))) => (Some((CloseCode::Away, "idle timeout")), true),
            Ok(Err(DispatchError::Recv(SessionEnd::Closed))) => (None, true),
            Ok(Err(DispatchError::Recv(SessionEnd::Failed(e)))) => {
                tracing::debug!(error = %e, "session transport failed");
                (None, true)
            }
            Ok(Err(DispatchError::Send(e))) => {
                tracing::debug!(error = %e, "session send failed");
                (None, true)
            }
            Ok(Err(DispatchError::ViewStopped)) => (Some((CloseCode::Away, "view stopped")), false),
            Ok(Ok(())) => (None, true),
        };
        if let (true, Some((id, layout, _))) = (park, own) {
            self.park(id, layout);
        }
        let mut sink = sink.lock().await;
        if let Some((code, reason)) = close {
            let _ = sink.send(Message::Close(Some(CloseFrame { code, reason: reason.into() }))).await;
        }
        let _ = sink.close().await;
    }

    /// Keeps a dropped session's layout for the resume window, evicting expired and, beyond the
    /// bound, the oldest parked sessions.
    fn park(&self, id: String, layout: Layout) {
        let config = &self.inner.config;
        if config.max_parked_sessions == 0 || config.resume_window.is_zero() {
            return;
        }
        let mut evicted = Vec::new();
        {
            let mut parked = self.inner.parked.lock().or_poisoned();
            let now = Instant::now();
            let expired: Vec<String> = parked.iter().filter(|(_, p)| p.until <= now).map(|(k, _)| k.clone()).collect();
            evicted.extend(expired.into_iter().filter_map(|k| parked.remove(&k)));
            while parked.len() >= config.max_parked_sessions {
                let Some(oldest) = parked.iter().min_by_key(|(_, p)| p.until).map(|(k, _)| k.clone()) else { break };
                evicted.extend(parked.remove(&oldest));
            }
            parked.insert(id, Parked { layout, until: now + config.resume_window });
        }
        // Dropping layouts runs their cleanups: outside the lock.
        drop(evicted);
    }

    fn unpark(&self, id: &str) -> Option<Layout> {
        let parked = self.inner.parked.lock().or_poisoned().remove(id)?;
        (parked.until > Instant::now()).then_some(parked.layout)
    }

    /// How many dropped sessions are waiting to be resumed.
    pub fn parked_sessions(&self) -> usize {
        self.inner.parked.lock().or_poisoned().len()
    }

    /// How many sessions are connected now.
    pub fn active_sessions(&self) -> usize {
        self.inner.sessions.load(Ordering::Acquire)
    }
}

/// Counts a session against [`ServerConfig::max_sessions`] while it lives.
struct SessionSlot(IdomService);

impl Drop for SessionSlot {
    fn drop(&mut self) {
        self.0.inner.sessions.fetch_sub(1, Ordering::AcqRel);
    }
}

/// A random, unguessable session id (128 bits, hex).
fn new_session_id() -> String {
    let mut bytes = [0u8; 16];
    if getrandom::fill(&mut bytes).is_err() {
        // Without OS randomness the id is only unique; such a session is still never accepted
        // twice, as resuming takes it out of the parked set.
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        bytes[..8].copy_from_slice(&(n as u64).to_le_bytes());
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Why a session's receiving side ended.
#[derive(Debug, thiserror::Error)]
enum SessionEnd {
    #[error("client closed the connection")]
    Closed,
    #[error("nothing received for the idle timeout")]
    Idle,
    #[error("message over the size limit")]
    TooBig,
    #[error("{0}")]
    Failed(tokio_tungstenite::tungstenite::Error),
}

async fn next_event<S>(stream: &mut S, idle: Duration) -> Result<LayoutEvent, SessionEnd>
where
    S: futures_util::Stream<Item = Result<Message, tokio_tungstenite::tungstenite::Error>> + Unpin,
{
    use tokio_tungstenite::tungstenite::Error;
    use tokio_tungstenite::tungstenite::error::CapacityError;
    loop {
        let Ok(frame) = tokio::time::timeout(idle, stream.next()).await else {
            return Err(SessionEnd::Idle);
        };
        match frame {
            Some(Ok(Message::Text(text))) => match ClientMessage::decode(text.as_str()) {
                Ok(ClientMessage::LayoutEvent(event)) => return Ok(event),
                Ok(_) => {}
                Err(e) => tracing::debug!(error = %e, "undecodable message ignored"),
            },
            Some(Ok(Message::Close(_))) | None => return Err(SessionEnd::Closed),
            Some(Ok(_)) => {}
            Some(Err(Error::Capacity(CapacityError::MessageTooLong { .. }))) => return Err(SessionEnd::TooBig),
            Some(Err(e)) => return Err(SessionEnd::Failed(e)),
        }
    }
}

fn plain(status: StatusCode, text: &'static str) -> Response<Body> {
    let mut res = Response::new(Full::new(Bytes::from_static(text.as_bytes())));
    *res.status_mut() = status;
    res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
    res
}

impl<B> tower_service::Service<Request<B>> for IdomService
where
    B: Send + 'static,
{
    type Response = Response<Body>;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Infallible>> + Send>>;

    fn poll_ready(&mut self, _cx: &mut TaskContext<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: Request<B>) -> Self::Future {
        let service = self.clone();
        Box::pin(async move { Ok(service.handle(req).await) })
    }
}
