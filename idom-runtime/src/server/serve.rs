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
use std::time::Duration;

use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::{TcpListener, ToSocketAddrs};

use super::{IdomService, Server};

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
    let mut builder = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
    builder.http1().timer(TokioTimer::new()).header_read_timeout(service.inner.config.handshake_timeout);
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
                let service = service.clone();
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
            () = &mut signal => break,
        }
    }
    drop(listener);
    tracing::info!(component = service.inner.name, "shutting down");
    let _ = service.inner.shutdown_tx.send(true);
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
