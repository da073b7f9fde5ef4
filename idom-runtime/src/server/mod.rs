//! The server: serves the page (prerendered), the JS client and the websocket stream, on hyper 1
//! and tokio-tungstenite.
//!
//! There is one server type, [`Server`], in one of two modes. [`PerClientStateServer::new`] makes
//! one that gives each connection its own layout of the root component (driven by
//! [`dispatch_single_view`](crate::dispatch::dispatch_single_view)); [`SharedClientStateServer::new`]
//! one that keeps a single layout every connection joins (a
//! [shared view](crate::dispatch::create_shared_view_dispatcher)). A server runs standalone with
//! [`Server::run`], is served on a listener of your own with [`serve`] (a `#[must_use]` future,
//! with [`Serve::with_graceful_shutdown`]), or mounts into an existing application through
//! [`IdomService`], a `tower::Service` (and, with [`IdomService::handle`], a plain hyper handler).
//! Standalone and mounted share one code path: `run` is `serve` with Ctrl-C as the signal, and
//! `serve` hands every request to `IdomService::handle`.
//!
//! Routes, under the configured prefix (default `/`):
//!
//! | route | what |
//! |---|---|
//! | `GET {prefix}_idom/client-<hash>.js` | the JS client (an ES module shipped in this crate), at the content-hashed URL the page names: `immutable`, brotli or gzip as the browser takes them, compressed once |
//! | `GET {prefix}_idom/client.js` | the same client at a plain URL, for pages of your own that import it: revalidated with its `ETag` |
//! | `GET {prefix}_idom/stream` (websocket) | the session: updates out, events in |
//! | `POST {prefix}_idom/upload/<token>` | one file of an upload, to its single-use URL |
//! | `GET {prefix}_idom/modules/<hash>/<file>` | a file of a registered JS module (immutable) |
//! | `GET {prefix}_idom/download/<token>` | the bytes of a browser download, once |
//! | any other `GET` under the prefix | the page, with the first render prerendered as HTML and the status the render set (a [`Router`](crate::router::Router) fallback: 404; a shared view: 200); revalidated with its `ETag`, compressed from 8 KiB |
//!
//! # Design
//!
//! One file a concern, each importing only what is below it:
//!
//! | file | owns |
//! |---|---|
//! | `config.rs` | [`ServerConfig`]: every setting and its safe default |
//! | `service.rs` | [`Server`] and its mode, the constructors, [`IdomService`] and what its connections share |
//! | `http.rs` | the routes and the page |
//! | `ws.rs` | the websocket handshake and the Origin check |
//! | `session.rs` | the session loop, pings and timeouts, close codes, ids |
//! | `parking.rs` | sessions between connections: parking, resuming, taking over, the sweep |
//! | `budget.rs` | a session's budget of messages (a token bucket), and when a client is flooding |
//! | `upload.rs` | upload URLs for announced files, and the `POST` that streams each file in |
//! | `assets.rs` | registered JS modules, and single-use downloads |
//! | `cluster_view/` | (feature `redis`) one shared view across processes, on Redis Streams: following, owning, stream entries |
//! | `serve.rs` | the accept loop, [`serve`], graceful shutdown, [`Server::run`] |
//!
//! The mode is looked at in two places only: where a session gets its layout and where the page
//! is prerendered. The library never prints: it logs with `tracing` (the address `run` listens on
//! at info level; to print it, use [`Server::on_listening`]).
//!
//! Everything but `config.rs` needs the `server` feature (on by default); without it the crate
//! has no hyper or tungstenite, and [`ServerConfig`] remains as plain data. [`Location`] and
//! [`use_location`] are core hooks (in `hooks/location.rs`), re-exported here.
//!
//! # Defences, on by default
//!
//! - The page has no inline script and carries a Content-Security-Policy (scripts and
//!   connections from the app's own origin, no framing by other sites), `X-Content-Type-Options:
//!   nosniff` and `Referrer-Policy: same-origin` ([`ServerConfig::secure_headers`],
//!   [`ServerConfig::content_security_policy`]).
//! - Websocket upgrades must come from the page's own origin or an allowed one
//!   ([`ServerConfig::allowed_origins`]); others get 403.
//! - Inbound messages over [`ServerConfig::max_message_size`] (64 KiB) close the session with 1009.
//!   Frames that are not JSON, not a known message type, or binary are ignored (and logged at
//!   debug level): a client cannot make the server do anything with them.
//! - At most [`ServerConfig::max_sessions`] sessions at once (503 beyond); a connection must send
//!   its first request head within [`ServerConfig::handshake_timeout`] (else 408), and at most
//!   [`ServerConfig::max_waiting_connections`] may wait for it (503 with `Retry-After` beyond).
//!   The server pings every [`ServerConfig::ping_interval`] and closes sessions silent for
//!   [`ServerConfig::idle_timeout`].
//! - Per-connection buffers are small (512-byte reads) and a session queues few messages: it renders
//!   the next update only when the writer has room for it (a handful of messages), so a client
//!   that stops reading costs a few updates, and the state changes meanwhile are coalesced.
//! - Each session has a budget of [`ServerConfig::max_events_per_second`] messages (200, bursts of
//!   [`ServerConfig::event_burst`]); a client over it is held back (its socket is not read until
//!   the budget refills), and one held back without a pause for [`ServerConfig::flood_timeout`]
//!   (10 s) is closed with 1008. A flooding client slows itself, not the others.
//! - A panic in a component is caught by the layout (a render panic goes to the nearest
//!   `ErrorBoundary` or shows an error node; a handler or effect panic is logged and the component
//!   keeps its last render); a panic anywhere else in a session closes that session with 1011 and
//!   is logged; other sessions never notice.
//! - A client that reconnects within [`ServerConfig::resume_window`] (60 s) gets its session back
//!   (at most [`ServerConfig::max_parked_sessions`] are kept); later, it gets a fresh one and is
//!   told so (`{"type": "session", "resumed": false}`).
//! - On shutdown the server stops accepting, closes sessions with 1001, waits (at most
//!   [`SHUTDOWN_GRACE`]) for connections to finish, and clients reconnect with backoff.

// These docs describe the build with the `server` feature; without it the transport items they
// link to do not exist.
#![cfg_attr(not(feature = "server"), allow(rustdoc::broken_intra_doc_links))]

#[cfg(feature = "server")]
mod assets;
#[cfg(feature = "server")]
mod budget;
#[cfg(feature = "redis")]
mod cluster_view;
mod config;
#[cfg(feature = "server")]
mod http;
#[cfg(feature = "server")]
mod parking;
#[cfg(feature = "server")]
mod serve;
#[cfg(feature = "server")]
mod service;
#[cfg(feature = "server")]
mod session;
#[cfg(feature = "server")]
mod upload;
#[cfg(feature = "server")]
mod ws;

pub use crate::hooks::{Location, provide_location, use_location};
#[cfg(feature = "server")]
pub use assets::DOWNLOAD_WITHIN;
pub use config::ServerConfig;
#[cfg(feature = "server")]
pub use serve::{SHUTDOWN_GRACE, Serve, WithGracefulShutdown, serve};
#[cfg(feature = "server")]
pub use service::{IdomService, PerClientStateServer, Server, SharedClientStateServer};
#[cfg(feature = "server")]
pub use upload::{MAX_FILES, START_WITHIN};

#[cfg(feature = "server")]
use crate::browser::query_param;

/// The JS client (an ES module with no dependencies), served at `{prefix}_idom/client.js`.
pub const CLIENT_JS: &str = include_str!("../client/idom-client.js");
