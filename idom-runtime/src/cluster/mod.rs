//! Beyond one process: the [`Backend`] that keeps sessions' persisted state, and the
//! [`SessionStore`] each per-client session writes through.
//!
//! # Design
//!
//! - **One trait, two backends.** [`MemoryBackend`] (this process only) is the default; with
//!   the `redis` feature, `RedisBackend` keeps state in Redis, so a session whose process died
//!   comes back on another. The app picks one with one builder call (`.redis(url)`); nothing else
//!   changes, and one process without Redis stays exactly as simple as before.
//! - **What survives.** Only what components keep in
//!   [`use_persisted_state`](crate::hooks::use_persisted_state): a session's values, as one JSON
//!   object, saved under the session's id whenever one changes, with a time to live equal to the
//!   server's resume window. Every other hook starts afresh when a session moves.
//! - **Claimed once.** A process that restores a session takes its state atomically
//!   ([`Backend::claim`], `GETDEL` in Redis): two processes never both restore one session.
//! - **Faults stay local.** Saving happens in a task of its own, after the change, with retries
//!   and backoff; a backend that went away is logged, and the session goes on in memory.

mod memory;
#[cfg(feature = "redis")]
mod redis;
mod store;

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

pub use memory::MemoryBackend;
#[cfg(feature = "redis")]
pub use redis::RedisBackend;
pub use store::SessionStore;

/// A future a [`Backend`] returns.
pub type BackendFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, BackendError>> + Send + 'a>>;

/// Why a backend could not do what was asked.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BackendError {
    /// The backend could not be reached, or failed the command.
    #[error("the session backend failed: {0}")]
    Unavailable(String),
}

/// Where sessions keep their persisted state between processes. Implemented by
/// [`MemoryBackend`] and, with the `redis` feature, `RedisBackend`.
pub trait Backend: Send + Sync + std::fmt::Debug + 'static {
    /// Checks that the backend answers (the server calls it before it listens).
    fn check(&self) -> BackendFuture<'_, ()>;

    /// Saves the persisted state of `session` (a JSON object), replacing what was there, to
    /// expire after `ttl`.
    fn save<'a>(&'a self, session: &'a str, state: String, ttl: Duration) -> BackendFuture<'a, ()>;

    /// Takes the persisted state of `session` away, atomically: of two processes claiming one
    /// session, one gets it and the other `None`.
    fn claim<'a>(&'a self, session: &'a str) -> BackendFuture<'a, Option<String>>;
}
