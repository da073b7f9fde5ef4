//! Accepting connections: [`serve`], its graceful shutdown, and the standalone [`Server::run`].
//!
//! [`serve`] returns a [`Serve`], a future (through `IntoFuture`) that accepts connections from a
//! listener and serves each over hyper (HTTP/1 with upgrades, or HTTP/2) until it is dropped.
//! [`Serve::with_graceful_shutdown`] gives a [`WithGracefulShutdown`] that also watches a signal,
//! and shuts down in three steps when it resolves (stop accepting; close sessions; wait, bounded).
//!
//! [`Server::run`] is this, bound to an address, with Ctrl-C as the signal.

use std::convert::Infallible;
use std::future::{Future, IntoFuture};
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::{TcpListener, ToSocketAddrs};

use super::{IdomService, Server};
use crate::sync::OrPoisoned as _;

/// How long a graceful shutdown waits for connections and sessions to finish.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// Serves `app` (a [`Server`] or an [`IdomService`]) on every connection `listener` accepts.
///
/// Nothing happens until the returned [`Serve`] is awaited. Without
/// [`with_graceful_shutdown`](Serve::with_graceful_shutdown) it serves until dropped.
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
///     let listener = tokio::net::TcpListener::bind("127.0.0.1:5000").await?;
///     idom::server::serve(listener, PerClientStateServer::new(App))
///         .with_graceful_shutdown(async {
///             let _ = tokio::signal::ctrl_c().await;
///         })
///         .await
/// }
/// ```
pub fn serve(listener: TcpListener, app: impl Into<IdomService>) -> Serve {
    Serve { listener, service: app.into() }
}

/// The future of [`serve`]: accepts and serves connections. Await it (it implements
/// `IntoFuture`), or first add a shutdown signal with
/// [`with_graceful_shutdown`](Self::with_graceful_shutdown).
#[must_use = "a Serve does nothing unless it is awaited"]
#[derive(Debug)]
pub struct Serve {
    listener: TcpListener,
    service: IdomService,
}

impl Serve {
    /// Serves until `signal` resolves, then shuts down gracefully:
    ///
    /// 1. stops accepting (the listener is dropped),
    /// 2. tells every session of the service to close (close frame 1001, "server shutting down")
    ///    and drops the parked ones (clients reconnect to a fresh session, with backoff),
    /// 3. lets HTTP connections finish the requests they are in and waits for the sessions to
    ///    end, for at most [`SHUTDOWN_GRACE`], then resolves to `Ok(())`.
    pub fn with_graceful_shutdown<F>(self, signal: F) -> WithGracefulShutdown<F>
    where
        F: Future<Output = ()> + Send + 'static,
    {
        WithGracefulShutdown { serve: self, signal }
    }

    /// The address the listener is bound to.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.listener.local_addr()
    }
}

impl IntoFuture for Serve {
    type Output = io::Result<()>;
    type IntoFuture = Pin<Box<dyn Future<Output = io::Result<()>> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(accept_until(self.listener, self.service, std::future::pending()))
    }
}

/// The future of [`Serve::with_graceful_shutdown`]; it resolves, with `Ok(())`, once the signal
/// resolved and the shutdown is done.
#[must_use = "a WithGracefulShutdown does nothing unless it is awaited"]
pub struct WithGracefulShutdown<F> {
    serve: Serve,
    signal: F,
}

impl<F> WithGracefulShutdown<F> {
    /// The address the listener is bound to.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.serve.local_addr()
    }
}

impl<F> std::fmt::Debug for WithGracefulShutdown<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WithGracefulShutdown").field("serve", &self.serve).finish_non_exhaustive()
    }
}

impl<F> IntoFuture for WithGracefulShutdown<F>
where
    F: Future<Output = ()> + Send + 'static,
{
    type Output = io::Result<()>;
    type IntoFuture = Pin<Box<dyn Future<Output = io::Result<()>> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(accept_until(self.serve.listener, self.serve.service, self.signal))
    }
}

/// The accept loop, then the shutdown. Standalone and mounted use share everything after the
/// accept: each connection is served by [`IdomService::handle`].
async fn accept_until(
    listener: TcpListener,
    service: IdomService,
    signal: impl Future<Output = ()> + Send,
) -> io::Result<()> {
    let graceful = GracefulShutdown::new();
    let config = &service.inner.config;
    let mut builder = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
    // The first request's head is timed here (to answer 408); hyper times the later ones of a
    // kept-alive connection, a little later so that the first request's 408 wins. A head larger
    // than hyper's read buffer (about 400 KiB) gets 431 from hyper. (A smaller `max_buf_size`
    // also bounds hyper's write buffering differently, and was measured to let a stalled
    // websocket reader's updates pile up: `tests/security.rs` `slow_reader_is_bounded`.)
    builder.http1().timer(TokioTimer::new()).header_read_timeout(config.handshake_timeout + Duration::from_secs(1));
    let waiting = Arc::new(AtomicUsize::new(0));
    tokio::pin!(signal);
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let (stream, _) = match accepted {
                    Ok(pair) => pair,
                    Err(e) => {
                        // Out of file descriptors and the like: back off instead of spinning.
                        tracing::warn!(error = %e, "accept failed");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                let _ = stream.set_nodelay(true);
                let Some(slot) = Waiting::take(&waiting, config.max_waiting_connections) else {
                    tracing::warn!(limit = config.max_waiting_connections, "too many connections waiting; one refused with 503");
                    tokio::spawn(refuse(stream, REFUSED_BUSY));
                    continue;
                };
                let Ok((stream, raw)) = split_raw(stream) else { continue };
                let service = service.clone();
                let asked = Arc::new(AtomicBool::new(false));
                // The slot is given back with the first request head (or when the connection ends).
                let slot = Arc::new(std::sync::Mutex::new(Some(slot)));
                let hyper_service = {
                    let asked = asked.clone();
                    hyper::service::service_fn(move |req| {
                        asked.store(true, Ordering::Release);
                        slot.lock().or_poisoned().take();
                        let service = service.clone();
                        async move { Ok::<_, Infallible>(service.handle(req).await) }
                    })
                };
                let connection = builder.serve_connection_with_upgrades(TokioIo::new(stream), hyper_service).into_owned();
                let connection = graceful.watch(connection);
                let head_within = config.handshake_timeout;
                tokio::spawn(async move {
                    tokio::pin!(connection);
                    let timed_out = tokio::select! {
                        result = &mut connection => {
                            if let Err(e) = result {
                                tracing::debug!(error = %e, "connection ended with an error");
                            }
                            return;
                        }
                        () = tokio::time::sleep(head_within) => !asked.load(Ordering::Acquire),
                    };
                    if timed_out {
                        // Slowloris: no request head within the timeout. A clear 408, then close.
                        tracing::debug!("a connection sent no request within the header timeout; 408");
                        answer_raw(&raw, REFUSED_SLOW);
                        return;
                    }
                    drop(raw);
                    if let Err(e) = connection.await {
                        tracing::debug!(error = %e, "connection ended with an error");
                    }
                });
            }
            () = &mut signal => break,
        }
    }
    drop(listener);
    tracing::info!(component = service.inner.name, "shutting down");
    service.shut_down();
    service.drop_parked();
    let finished = async {
        graceful.shutdown().await;
        service.sessions_finished().await;
    };
    if tokio::time::timeout(SHUTDOWN_GRACE, finished).await.is_err() {
        tracing::warn!(sessions = service.active_sessions(), "shutdown grace period over; leaving connections behind");
    }
    Ok(())
}

/// The answer to a connection beyond [`ServerConfig::max_waiting_connections`](super::ServerConfig::max_waiting_connections).
const REFUSED_BUSY: &[u8] =
    b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
/// The answer to a connection that sent no request head within the header timeout.
const REFUSED_SLOW: &[u8] = b"HTTP/1.1 408 Request Timeout\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";

/// Counts a connection that has not sent its first request head yet.
struct Waiting(Arc<AtomicUsize>);

impl Waiting {
    fn take(count: &Arc<AtomicUsize>, max: usize) -> Option<Waiting> {
        let before = count.fetch_add(1, Ordering::AcqRel);
        let slot = Waiting(count.clone());
        (before < max).then_some(slot)
    }
}

impl Drop for Waiting {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

/// The stream for hyper, and a second handle on its socket to answer on when hyper has not.
fn split_raw(stream: tokio::net::TcpStream) -> io::Result<(tokio::net::TcpStream, std::net::TcpStream)> {
    let std = stream.into_std()?;
    let raw = std.try_clone()?;
    Ok((tokio::net::TcpStream::from_std(std)?, raw))
}

/// Writes `answer` on the raw handle (non-blocking: a small answer fits the send buffer) and
/// shuts the socket.
fn answer_raw(raw: &std::net::TcpStream, answer: &[u8]) {
    use std::io::Write as _;
    let mut writer = raw;
    let _ = writer.write(answer);
    let _ = raw.shutdown(std::net::Shutdown::Both);
}

/// Answers a refused connection and closes it (bounded: a peer that does not read is dropped).
async fn refuse(mut stream: tokio::net::TcpStream, answer: &'static [u8]) {
    use tokio::io::AsyncWriteExt as _;
    let _ = tokio::time::timeout(Duration::from_secs(1), async {
        let _ = stream.write_all(answer).await;
        let _ = stream.shutdown().await;
    })
    .await;
}

impl IdomService {
    /// Binds `addr` and serves until `shutdown` resolves (see [`serve`] and
    /// [`Serve::with_graceful_shutdown`]); returns the bound address and the server's future.
    /// Handy for tests: bind `127.0.0.1:0`.
    pub async fn bind(
        self,
        addr: impl ToSocketAddrs,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> io::Result<(SocketAddr, impl Future<Output = io::Result<()>> + Send)> {
        let listener = TcpListener::bind(addr).await?;
        let local = listener.local_addr()?;
        Ok((local, serve(listener, self).with_graceful_shutdown(shutdown).into_future()))
    }
}

impl Server {
    /// Binds `addr` and serves until Ctrl-C, then shuts down gracefully (see [`serve`]).
    ///
    /// The address is logged with `tracing` at info level; to show it to a person, print it from
    /// [`on_listening`](Self::on_listening).
    pub async fn run(mut self, addr: impl ToSocketAddrs) -> io::Result<()> {
        let on_listening = self.on_listening.take();
        let service = self.into_service();
        service.check_backend().await?;
        let listener = TcpListener::bind(addr).await?;
        let local = listener.local_addr()?;
        tracing::info!(
            component = service.inner.name,
            url = %format_args!("http://{local}{}", service.inner.config.prefix),
            "serving"
        );
        if let Some(f) = on_listening {
            f(local);
        }
        serve(listener, service)
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
    }
}
