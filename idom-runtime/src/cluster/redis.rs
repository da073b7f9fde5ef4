//! [`RedisBackend`]: persisted state in Redis (feature `redis`), on the `redis` crate's
//! connection manager, which reconnects by itself.

use std::time::Duration;

use redis::aio::ConnectionManager;
use tokio::sync::OnceCell;

use super::{Backend, BackendError, BackendFuture};

/// Persisted state in Redis: a session's state is the string at `idom:session:<id>`, written with
/// `SET .. PX <ttl>` and claimed with `GETDEL`. It connects on first use (the server checks it
/// before it listens) and reconnects by itself after an outage.
pub struct RedisBackend {
    url: String,
    client: redis::Client,
    connection: OnceCell<ConnectionManager>,
}

impl std::fmt::Debug for RedisBackend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisBackend").field("url", &self.url).finish_non_exhaustive()
    }
}

fn failed(e: &redis::RedisError) -> BackendError {
    BackendError::Unavailable(e.to_string())
}

fn key(session: &str) -> String {
    format!("idom:session:{session}")
}

impl RedisBackend {
    /// A backend on the Redis at `url` (`redis://127.0.0.1:6379/`, `redis+unix:///run/redis.sock`).
    /// Fails only on a malformed URL: it connects on first use.
    pub fn new(url: &str) -> Result<RedisBackend, BackendError> {
        let client =
            redis::Client::open(url).map_err(|e| BackendError::Unavailable(format!("bad Redis URL `{url}`: {e}")))?;
        Ok(RedisBackend { url: url.to_owned(), client, connection: OnceCell::new() })
    }

    /// The Redis client (for the connections of a shared view).
    pub fn client(&self) -> &redis::Client {
        &self.client
    }

    /// The connection, made on first use.
    async fn connection(&self) -> Result<ConnectionManager, BackendError> {
        let connect = || async {
            let config = redis::aio::ConnectionManagerConfig::new()
                .set_connection_timeout(Some(Duration::from_secs(2)))
                .set_response_timeout(Some(Duration::from_secs(2)))
                .set_number_of_retries(2);
            self.client
                .get_connection_manager_with_config(config)
                .await
                .map_err(|e| BackendError::Unavailable(format!("Redis at {} is unreachable: {e}", self.url)))
        };
        self.connection.get_or_try_init(connect).await.cloned()
    }
}

impl Backend for RedisBackend {
    fn check(&self) -> BackendFuture<'_, ()> {
        Box::pin(async move {
            let mut connection = self.connection().await?;
            let pong: String = redis::cmd("PING").query_async(&mut connection).await.map_err(|e| failed(&e))?;
            if pong == "PONG" { Ok(()) } else { Err(BackendError::Unavailable(format!("PING answered {pong:?}"))) }
        })
    }

    fn save<'a>(&'a self, session: &'a str, state: String, ttl: Duration) -> BackendFuture<'a, ()> {
        let ms = u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1);
        Box::pin(async move {
            let mut connection = self.connection().await?;
            redis::cmd("SET")
                .arg(key(session))
                .arg(state)
                .arg("PX")
                .arg(ms)
                .query_async::<()>(&mut connection)
                .await
                .map_err(|e| failed(&e))
        })
    }

    fn claim<'a>(&'a self, session: &'a str) -> BackendFuture<'a, Option<String>> {
        Box::pin(async move {
            let mut connection = self.connection().await?;
            redis::cmd("GETDEL").arg(key(session)).query_async(&mut connection).await.map_err(|e| failed(&e))
        })
    }
}
