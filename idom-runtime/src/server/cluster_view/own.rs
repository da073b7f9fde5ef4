//! Owning: the lease, the layout, publishing its updates, and applying the clients' events.

use std::sync::Arc;
use std::time::Duration;

use redis::Value as RedisValue;
use redis::aio::{ConnectionManager, MultiplexedConnection};
use serde_json::Value;

use super::entries::{event_of, parse_id, stream_entries, stream_entries_of_range, text};
use super::{
    AbortOnDrop, BLOCK_MS, ClusterView, Keys, LAST_EVENT, LEASE, RENEW_EVERY, Root, SNAPSHOT_EVERY, STREAM_LENGTH,
    failed,
};
use crate::Layout;
use crate::cluster::{Backend, BackendError, BackendFuture, SessionStore};
use crate::hooks::provide_session_store;
use crate::protocol::{LayoutEvent, LayoutUpdate};

impl ClusterView {
    /// Takes the lease when it is free and owns the view until it is lost; then again.
    pub(super) async fn compete(&self, root: Root) -> Result<(), BackendError> {
        let mut con = self.commands().await?;
        loop {
            let epoch = self.next_epoch(&mut con).await?;
            let lease = format!("{}:{epoch}", self.inner.node);
            let taken: Option<String> = redis::cmd("SET")
                .arg(&self.inner.keys.lease)
                .arg(&lease)
                .arg("NX")
                .arg("PX")
                .arg(LEASE.as_millis() as u64)
                .query_async(&mut con)
                .await
                .map_err(|e| failed(&e))?;
            if taken.is_some() {
                tracing::info!(epoch, node = self.inner.node, "owning the shared view");
                let outcome = self.own(&root, epoch, &lease).await;
                tracing::info!(epoch, ?outcome, "no longer owning the shared view");
                // Let another (or this one, afresh) take over now rather than at the lease's end.
                let _ = self.release(&mut con, &lease).await;
                outcome?;
            }
            tokio::time::sleep(RENEW_EVERY / 2).await;
        }
    }

    /// A new epoch: higher than every earlier one, and than the last entry of the stream (so that
    /// even a foreign entry with a high id cannot keep a new owner from publishing).
    async fn next_epoch(&self, con: &mut ConnectionManager) -> Result<u64, BackendError> {
        let keys = &self.inner.keys;
        let epoch: u64 = redis::cmd("INCR").arg(&keys.epoch).query_async(con).await.map_err(|e| failed(&e))?;
        let last: RedisValue = redis::cmd("XREVRANGE")
            .arg(&keys.updates)
            .arg("+")
            .arg("-")
            .arg("COUNT")
            .arg(1)
            .query_async(con)
            .await
            .map_err(|e| failed(&e))?;
        let top = stream_entries_of_range(&last).first().map_or(0, |(id, _)| id.0);
        if top < epoch {
            return Ok(epoch);
        }
        redis::cmd("INCRBY").arg(&keys.epoch).arg(top + 1 - epoch).query_async(con).await.map_err(|e| failed(&e))
    }

    async fn release(&self, con: &mut ConnectionManager, lease: &str) -> Result<(), BackendError> {
        const RELEASE: &str =
            "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end";
        redis::cmd("EVAL")
            .arg(RELEASE)
            .arg(1)
            .arg(&self.inner.keys.lease)
            .arg(lease)
            .query_async::<i64>(con)
            .await
            .map(drop)
            .map_err(|e| failed(&e))
    }

    async fn own(&self, root: &Root, epoch: u64, lease: &str) -> Result<(), BackendError> {
        let keys = &self.inner.keys;
        let mut con = self.commands().await?;
        let mut events_con = self.dedicated().await?;
        // The consumer group (made once; "already exists" is fine).
        let _ = redis::cmd("XGROUP")
            .arg("CREATE")
            .arg(&keys.events)
            .arg("owner")
            .arg("0")
            .arg("MKSTREAM")
            .query_async::<RedisValue>(&mut con)
            .await;
        // The view's persisted state, written only while the lease is ours.
        let state: Option<String> =
            redis::cmd("GET").arg(&keys.state).query_async(&mut con).await.map_err(|e| failed(&e))?;
        let fenced = Fenced { con: con.clone(), keys: keys.clone(), lease: lease.to_owned() };
        let store = SessionStore::saved_by_caller("view", Arc::new(fenced), LEASE, state.as_deref());
        let last_applied = store.get(LAST_EVENT).and_then(|v| v.as_str().map(str::to_owned));
        let mut layout = Layout::from_element(provide_session_store(store.clone(), root()));
        // The first update is the whole model; the layout writes it (and later snapshots) itself.
        let _first = layout.render().await;
        let mut seq = 0u64;
        let model = layout.model_json();
        self.publish(&mut con, epoch, seq, "model", &model).await?;
        self.snapshot(&mut con, epoch, seq, &model).await?;
        let mut saved = store.version();

        // Events the last owner read and did not acknowledge, then new ones. New ones are read by
        // a task of their own: a read cut short in a `select!` would lose what it had taken.
        let mut claimed = Some(self.claim_events(&mut con, last_applied.as_deref()).await?);
        let (batches, mut events) = tokio::sync::mpsc::channel(4);
        let reader = {
            let view = self.clone();
            tokio::spawn(async move {
                loop {
                    let batch = view.read_events(&mut events_con).await;
                    let failed = batch.is_err();
                    if batches.send(batch).await.is_err() || failed {
                        return;
                    }
                }
            })
        };
        let _stop_reading = AbortOnDrop(reader);
        let mut renew = tokio::time::interval_at(tokio::time::Instant::now() + RENEW_EVERY, RENEW_EVERY);
        loop {
            let batch = match claimed.take() {
                Some(batch) => batch,
                None => tokio::select! {
                    _ = renew.tick() => {
                        if !self.renew(&mut con, lease).await? {
                            return Err(BackendError::Unavailable("the lease was lost".into()));
                        }
                        continue;
                    }
                    batch = events.recv() => match batch {
                        Some(batch) => batch?,
                        None => return Err(BackendError::Unavailable("the event reader stopped".into())),
                    },
                    update = layout.render() => {
                        seq += 1;
                        let snapshot = seq.is_multiple_of(SNAPSHOT_EVERY).then(|| layout.model_json());
                        self.persist_and_publish(&mut con, &store, &mut saved, (epoch, seq), &update, snapshot).await?;
                        continue;
                    }
                },
            };
            let mut ids = Vec::with_capacity(batch.len());
            for (id, event) in batch {
                if let Some(event) = event {
                    layout.deliver_now(event);
                    store.put(LAST_EVENT, Value::String(id.clone()));
                }
                ids.push(id);
            }
            while let Some(update) = layout.try_render() {
                seq += 1;
                let snapshot = seq.is_multiple_of(SNAPSHOT_EVERY).then(|| layout.model_json());
                self.persist_and_publish(&mut con, &store, &mut saved, (epoch, seq), &update, snapshot).await?;
            }
            if store.version() != saved {
                // Events that changed nothing on the page still moved the last applied one.
                store.save_now().await?;
                saved = store.version();
            }
            if !ids.is_empty() {
                // Applied, persisted and published: acknowledged, and out of the stream.
                redis::pipe()
                    .cmd("XACK")
                    .arg(&keys.events)
                    .arg("owner")
                    .arg(&ids)
                    .cmd("XDEL")
                    .arg(&keys.events)
                    .arg(&ids)
                    .query_async::<RedisValue>(&mut con)
                    .await
                    .map_err(|e| failed(&e))?;
            }
        }
    }

    /// Saves the view's state if it changed, then appends `update` as `<epoch>-<seq>`, then the
    /// `snapshot` of the whole model (every [`SNAPSHOT_EVERY`] updates) after it.
    async fn persist_and_publish(
        &self,
        con: &mut ConnectionManager,
        store: &SessionStore,
        saved: &mut u64,
        (epoch, seq): (u64, u64),
        update: &LayoutUpdate,
        snapshot: Option<String>,
    ) -> Result<(), BackendError> {
        if store.version() != *saved {
            store.save_now().await?;
            *saved = store.version();
        }
        self.publish(con, epoch, seq, "update", &update.to_message()).await?;
        if let Some(model) = snapshot {
            self.snapshot(con, epoch, seq, &model).await?;
        }
        Ok(())
    }

    /// Appends an entry with the id `<epoch>-<seq>`: refused when a newer owner has appended.
    async fn publish(
        &self,
        con: &mut ConnectionManager,
        epoch: u64,
        seq: u64,
        kind: &str,
        message: &str,
    ) -> Result<(), BackendError> {
        redis::cmd("XADD")
            .arg(&self.inner.keys.updates)
            .arg("MAXLEN")
            .arg("~")
            .arg(STREAM_LENGTH)
            .arg(format!("{epoch}-{seq}"))
            .arg("k")
            .arg(kind)
            .arg("m")
            .arg(message)
            .query_async::<RedisValue>(con)
            .await
            .map(drop)
            .map_err(|e| BackendError::Unavailable(format!("publishing refused (a newer owner?): {e}")))
    }

    async fn snapshot(
        &self,
        con: &mut ConnectionManager,
        epoch: u64,
        seq: u64,
        model: &str,
    ) -> Result<(), BackendError> {
        // `model` is the layout's JSON text, copied in as is.
        let snapshot = format!("{{\"id\":\"{epoch}-{seq}\",\"model\":{model}}}");
        redis::cmd("SET")
            .arg(&self.inner.keys.snapshot)
            .arg(snapshot)
            .query_async::<()>(con)
            .await
            .map_err(|e| failed(&e))
    }

    async fn renew(&self, con: &mut ConnectionManager, lease: &str) -> Result<bool, BackendError> {
        const RENEW: &str = "if redis.call('GET', KEYS[1]) == ARGV[1] then \
            return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end";
        let renewed: i64 = redis::cmd("EVAL")
            .arg(RENEW)
            .arg(1)
            .arg(&self.inner.keys.lease)
            .arg(lease)
            .arg(LEASE.as_millis() as u64)
            .query_async(con)
            .await
            .map_err(|e| failed(&e))?;
        Ok(renewed == 1)
    }

    /// The events pending in the group (read by an owner that died), except those already
    /// applied (up to `last_applied`).
    async fn claim_events(
        &self,
        con: &mut ConnectionManager,
        last_applied: Option<&str>,
    ) -> Result<Vec<(String, Option<LayoutEvent>)>, BackendError> {
        let applied = last_applied.and_then(parse_id);
        let mut claimed = Vec::new();
        let mut cursor = "0-0".to_owned();
        loop {
            let reply: RedisValue = redis::cmd("XAUTOCLAIM")
                .arg(&self.inner.keys.events)
                .arg("owner")
                .arg(&self.inner.node)
                .arg(0)
                .arg(&cursor)
                .arg("COUNT")
                .arg(1000)
                .query_async(con)
                .await
                .map_err(|e| failed(&e))?;
            let RedisValue::Array(parts) = &reply else { break };
            let (Some(next), Some(entries)) = (parts.first().and_then(text), parts.get(1)) else { break };
            for (id, fields) in stream_entries_of_range(entries) {
                let done = applied.is_some_and(|a| id <= a);
                claimed.push((format!("{}-{}", id.0, id.1), if done { None } else { event_of(&fields) }));
            }
            if next == "0-0" {
                break;
            }
            cursor = next;
        }
        Ok(claimed)
    }

    async fn read_events(
        &self,
        con: &mut MultiplexedConnection,
    ) -> Result<Vec<(String, Option<LayoutEvent>)>, BackendError> {
        let reply: RedisValue = redis::cmd("XREADGROUP")
            .arg("GROUP")
            .arg("owner")
            .arg(&self.inner.node)
            .arg("COUNT")
            .arg(500)
            .arg("BLOCK")
            .arg(BLOCK_MS)
            .arg("STREAMS")
            .arg(&self.inner.keys.events)
            .arg(">")
            .query_async(con)
            .await
            .map_err(|e| failed(&e))?;
        Ok(stream_entries(&reply).into_iter().map(|(id, f)| (format!("{}-{}", id.0, id.1), event_of(&f))).collect())
    }
}

/// The view's persisted state, saved only while `lease` is the owner's (a script checks it).
struct Fenced {
    con: ConnectionManager,
    keys: Keys,
    lease: String,
}

impl std::fmt::Debug for Fenced {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fenced").field("lease", &self.lease).finish_non_exhaustive()
    }
}

impl Backend for Fenced {
    fn check(&self) -> BackendFuture<'_, ()> {
        Box::pin(async { Ok(()) })
    }

    fn save<'a>(&'a self, _: &'a str, state: String, _: Duration) -> BackendFuture<'a, ()> {
        const SAVE: &str = "if redis.call('GET', KEYS[1]) == ARGV[1] then \
            redis.call('SET', KEYS[2], ARGV[2]) return 1 else return 0 end";
        let mut con = self.con.clone();
        Box::pin(async move {
            let saved: i64 = redis::cmd("EVAL")
                .arg(SAVE)
                .arg(2)
                .arg(&self.keys.lease)
                .arg(&self.keys.state)
                .arg(&self.lease)
                .arg(state)
                .query_async(&mut con)
                .await
                .map_err(|e| failed(&e))?;
            if saved == 1 {
                Ok(())
            } else {
                Err(BackendError::Unavailable("the view's lease is no longer ours".into()))
            }
        })
    }

    fn claim<'a>(&'a self, _: &'a str) -> BackendFuture<'a, Option<String>> {
        Box::pin(async { Ok(None) })
    }
}
