//! The one server type, [`Server`], in its two modes, and the [`IdomService`] it becomes.
//!
//! A [`Server`] is a builder: the root component, a [`ServerConfig`] and a [`Mode`]. Its two
//! constructors keep IDOM's names, [`PerClientStateServer::new`] and
//! [`SharedClientStateServer::new`]. [`Server::into_service`] freezes it into an [`IdomService`],
//! the cheap-to-clone handle that every connection shares: routes ([`super::http`]), the
//! websocket handshake ([`super::ws`]) and the sessions ([`super::session`]) are methods on it, and
//! [`serve`](super::serve()) accepts connections for it. The mode is the only difference between
//! the two kinds of server, and it is looked at in two places: where a session gets its layout
//! and where the page is prerendered.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicUsize};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Instant;

use tokio::sync::Notify;

use super::ServerConfig;
use super::assets::Downloads;
use super::upload::Uploads;
use crate::cluster::{Backend, BackendError, BackendFuture, MemoryBackend};
use crate::dispatch::{SharedViewDispatcher, create_shared_view_dispatcher};
use crate::hooks::ClientLink;
use crate::{Component, Element, Layout};

/// Makes a fresh root element: once per per-client session and once per prerendered page.
pub(super) type RootFactory = Arc<dyn Fn() -> Element + Send + Sync>;

/// Called with the bound address when [`Server::run`] starts listening.
type OnListening = Box<dyn FnOnce(SocketAddr) + Send>;

/// How connections share state.
pub(super) enum Mode {
    /// Every connection gets its own layout of the root (parked when it drops, for resuming).
    PerClient,
    /// One layout that every connection joins, made on first use.
    Shared(OnceLock<SharedView>),
}

impl std::fmt::Debug for Mode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Mode::PerClient => "PerClient",
            Mode::Shared(_) => "Shared",
        })
    }
}

/// An idom app ready to be served: a root component, its [`ServerConfig`] and whether clients
/// share one state. Make one with [`PerClientStateServer::new`] or [`SharedClientStateServer::new`],
/// adjust it with the builder methods, then [`run`](Self::run) it standalone, hand it to
/// [`serve`](super::serve()), or mount [`into_service`](Self::into_service) into an existing app.
pub struct Server {
    root: RootFactory,
    name: &'static str,
    config: ServerConfig,
    mode: Mode,
    backend: Arc<dyn Backend>,
    /// The Redis a shared view lives in, across processes (set by `.redis(url)`).
    #[cfg(feature = "redis")]
    redis: Option<redis::Client>,
    pub(super) on_listening: Option<OnListening>,
}

/// A server in which every connection gets its own layout of the root component: each browser
/// tab has its own state. `PerClientStateServer::new(App)` makes a [`Server`].
///
/// ```no_run
/// use idom::prelude::*;
///
/// #[component]
/// fn App() -> Element {
///     html! { <h1>"Hello"</h1> }
/// }
///
/// #[tokio::main]
/// async fn main() -> std::io::Result<()> {
///     PerClientStateServer::new(App).on_listening(|addr| println!("open http://{addr}/")).run("127.0.0.1:5000").await
/// }
/// ```
#[derive(Debug)]
pub enum PerClientStateServer {}

impl PerClientStateServer {
    /// A per-client [`Server`] of `root` with the default [`ServerConfig`].
    #[allow(clippy::new_ret_no_self)]
    pub fn new<C: Component + Clone>(root: C) -> Server {
        Server::per_client(root)
    }
}

/// A server with one layout shared by every connection: all browsers see the same state and
/// each other's changes. `SharedClientStateServer::new(App)` makes a [`Server`].
#[derive(Debug)]
pub enum SharedClientStateServer {}

impl SharedClientStateServer {
    /// A shared [`Server`] of `root` with the default [`ServerConfig`].
    #[allow(clippy::new_ret_no_self)]
    pub fn new<C: Component + Clone>(root: C) -> Server {
        Server::shared(root)
    }
}

impl Server {
    /// A server that gives every connection its own layout of `root`.
    pub fn per_client<C: Component + Clone>(root: C) -> Server {
        Server::with_mode(root, Mode::PerClient)
    }

    /// A server whose connections all join one layout of `root`.
    pub fn shared<C: Component + Clone>(root: C) -> Server {
        Server::with_mode(root, Mode::Shared(OnceLock::new()))
    }

    fn with_mode<C: Component + Clone>(root: C, mode: Mode) -> Server {
        let name = root.name();
        let root: RootFactory = Arc::new(move || Element::component(root.clone()));
        let backend: Arc<dyn Backend> = Arc::new(MemoryBackend::new());
        Server {
            root,
            name,
            config: ServerConfig::default(),
            mode,
            backend,
            #[cfg(feature = "redis")]
            redis: None,
            on_listening: None,
        }
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

    /// Sets the largest file an upload may bring, in bytes (default 10 MiB); see
    /// [`ServerConfig::max_upload_size`].
    pub fn max_upload_size(mut self, bytes: u64) -> Self {
        self.config.max_upload_size = bytes;
        self
    }

    /// Lets components run code in the browser with
    /// [`Browser::eval`](crate::widget::Browser::eval) (off by default: code sent to a browser is
    /// code that runs there, so turn it on only when no part of that code comes from users).
    pub fn allow_eval(mut self, allow: bool) -> Self {
        self.config.allow_eval = allow;
        self
    }

    /// Keeps sessions' persisted state ([`use_persisted_state`](crate::hooks::use_persisted_state))
    /// in `backend` instead of this process's memory.
    pub fn backend(mut self, backend: impl Backend) -> Self {
        self.backend = Arc::new(backend);
        self
    }

    /// Runs as one of several processes behind a load balancer, with sessions' persisted state
    /// in the Redis at `url` (`redis://127.0.0.1:6379/`): a session whose process went away comes
    /// back on another with that state. Also sets the sticky cookie
    /// ([`ServerConfig::sticky_cookie`]) the load balancer routes by (see `docs/deploy.md`).
    /// [`run`](Self::run) fails with a clear error when Redis cannot be reached at start, or when
    /// `url` is malformed.
    #[cfg(feature = "redis")]
    pub fn redis(mut self, url: &str) -> Self {
        match crate::cluster::RedisBackend::new(url) {
            Ok(backend) => {
                self.redis = Some(backend.client().clone());
                self.backend = Arc::new(backend);
            }
            Err(e) => self.backend = Arc::new(Unusable(e.to_string())),
        }
        self.config.sticky_cookie.get_or_insert_with(|| "idom_sticky".to_owned());
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

    /// Calls `f` with the bound address once [`run`](Self::run) listens, e.g. to print the URL
    /// to open (the library itself only logs it, with `tracing`). Only `run` calls it: with
    /// [`serve`](super::serve()) you bound the listener and know its address.
    pub fn on_listening(mut self, f: impl FnOnce(SocketAddr) + Send + 'static) -> Self {
        self.on_listening = Some(Box::new(f));
        self
    }

    /// The service to mount into an existing application.
    pub fn into_service(self) -> IdomService {
        IdomService {
            inner: Arc::new(Inner {
                root: self.root,
                name: self.name,
                config: self.config,
                mode: self.mode,
                shutting_down: AtomicBool::new(false),
                stop: Notify::new(),
                sessions: AtomicUsize::new(0),
                sessions_ended: Notify::new(),
                parked: Mutex::new(HashMap::new()),
                live: Mutex::new(HashMap::new()),
                sweeping: AtomicBool::new(false),
                backend: self.backend,
                #[cfg(feature = "redis")]
                redis: self.redis,
                uploads: Uploads::default(),
                downloads: Downloads::default(),
            }),
        }
    }
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server")
            .field("root", &self.name)
            .field("mode", &self.mode)
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl From<Server> for IdomService {
    fn from(server: Server) -> IdomService {
        server.into_service()
    }
}

/// What every connection of one service shares.
pub(super) struct Inner {
    pub(super) root: RootFactory,
    pub(super) name: &'static str,
    pub(super) config: ServerConfig,
    pub(super) mode: Mode,
    /// Turns `true` once, when a [`serve`](super::serve()) of this service shuts down; `stop`
    /// then wakes the sessions. (Not a `watch` channel: every session waits on it, and its
    /// `wait_for` future is twice the size of a `Notified`.)
    pub(super) shutting_down: AtomicBool,
    pub(super) stop: Notify,
    /// Sessions (and upgrades in progress) counted against [`ServerConfig::max_sessions`].
    pub(super) sessions: AtomicUsize,
    /// Notified whenever the session count drops to zero.
    pub(super) sessions_ended: Notify,
    pub(super) parked: Mutex<HashMap<String, Parked>>,
    /// The per-client sessions with a connection, by id: a client that comes back while its old
    /// connection still looks open (the close has not arrived, or never will) notifies the old
    /// one to end and park, and resumes it.
    pub(super) live: Mutex<HashMap<String, Arc<tokio::sync::Notify>>>,
    /// Whether the task that drops parked sessions when their window ends is running (one per
    /// service, while any session is parked). Changed with `parked` locked.
    pub(super) sweeping: AtomicBool,
    /// Where sessions' persisted state is kept.
    pub(super) backend: Arc<dyn Backend>,
    /// The Redis of a shared view across processes.
    #[cfg(feature = "redis")]
    pub(super) redis: Option<redis::Client>,
    /// Upload URLs waiting for their `POST`.
    pub(super) uploads: Uploads,
    /// Downloads offered by browser actions and not fetched yet.
    pub(super) downloads: Downloads,
}

/// A per-client layout whose connection dropped, kept for the client to come back to.
pub(super) struct Parked {
    pub(super) layout: Layout,
    pub(super) link: ClientLink,
    pub(super) until: Instant,
}

/// The HTTP service of an idom app: the page, the client and the websocket stream. Clone it
/// freely; it implements `tower::Service` for any request body, so it mounts into axum with
/// `Router::nest_service(prefix, service)` (configure the same prefix on the server), and
/// [`handle`](Self::handle) serves a hyper request directly.
#[derive(Clone)]
pub struct IdomService {
    pub(super) inner: Arc<Inner>,
}

impl std::fmt::Debug for IdomService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IdomService")
            .field("root", &self.inner.name)
            .field("mode", &self.inner.mode)
            .field("config", &self.inner.config)
            .finish_non_exhaustive()
    }
}

impl IdomService {
    /// Checks that the session backend answers: [`Server::run`] does before it listens; call it
    /// before serving a mounted service too, to fail early.
    pub async fn check_backend(&self) -> std::io::Result<()> {
        self.inner.backend.check().await.map_err(|e| std::io::Error::other(format!("cannot start: {e}")))
    }

    /// The view every connection of a shared server joins, made (and its driver spawned) on
    /// first use: in this process, or with `.redis(url)` across every process of the app; `None`
    /// for a per-client server.
    pub(super) fn shared_view(&self) -> Option<&SharedView> {
        match &self.inner.mode {
            Mode::Shared(view) => Some(view.get_or_init(|| {
                #[cfg(feature = "redis")]
                if let Some(client) = &self.inner.redis {
                    let root = self.inner.root.clone();
                    let node = format!("{}-{}", std::process::id(), super::session::random_id());
                    let view = super::cluster_view::ClusterView::start(client.clone(), self.inner.name, node, root, 64);
                    return SharedView::Cluster(view);
                }
                let (view, driver) = create_shared_view_dispatcher(Layout::from_element((self.inner.root)()));
                tokio::spawn(driver);
                SharedView::Local(view)
            })),
            Mode::PerClient => None,
        }
    }
}

/// A backend that was misconfigured (a malformed Redis URL): its check fails with why, so that
/// [`Server::run`] refuses to start.
#[derive(Debug)]
#[cfg_attr(not(feature = "redis"), allow(dead_code))]
struct Unusable(String);

impl Backend for Unusable {
    fn check(&self) -> BackendFuture<'_, ()> {
        Box::pin(async { Err(BackendError::Unavailable(self.0.clone())) })
    }

    fn save<'a>(&'a self, _: &'a str, _: String, _: std::time::Duration) -> BackendFuture<'a, ()> {
        self.check()
    }

    fn claim<'a>(&'a self, _: &'a str) -> BackendFuture<'a, Option<String>> {
        Box::pin(async { Err(BackendError::Unavailable(self.0.clone())) })
    }
}

/// The one view of a shared server: in this process, or across processes on Redis.
pub(super) enum SharedView {
    Local(SharedViewDispatcher),
    #[cfg(feature = "redis")]
    Cluster(super::cluster_view::ClusterView),
}

impl SharedView {
    /// Joins the view as one client (see [`SharedViewDispatcher::join`]).
    pub(super) async fn join<S, SF, SE, E>(
        &self,
        send: S,
        events: E,
    ) -> Result<(), crate::dispatch::DispatchError<SE, E::Error>>
    where
        S: FnMut(crate::LayoutUpdate) -> SF,
        SF: std::future::Future<Output = Result<(), SE>>,
        E: crate::dispatch::Events,
    {
        match self {
            SharedView::Local(view) => view.join_with(send, events).await,
            #[cfg(feature = "redis")]
            SharedView::Cluster(view) => view.join(send, events).await,
        }
    }

    /// The view as HTML, for the page (`None` if it stopped, or is not known yet).
    pub(super) async fn html(&self) -> Option<String> {
        match self {
            SharedView::Local(view) => view.html().await,
            #[cfg(feature = "redis")]
            SharedView::Cluster(view) => view.html(),
        }
    }
}
