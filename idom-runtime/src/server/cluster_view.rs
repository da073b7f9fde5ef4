//! [`ClusterView`]: one shared view across processes, on Redis Streams (feature `redis`).
//!
//! # Design
//!
//! Every process of the app runs the same two loops for the view; Redis decides which one owns
//! it. No broker or consensus of idom's own.
//!
//! - **Ownership.** One process owns the view's [`Layout`]: it holds a lease
//!   (`SET <view>:lease <node>:<epoch> NX PX 3000`, renewed every second by a script that checks
//!   the value), with an epoch from `INCR <view>:epoch`, higher for every new owner.
//! - **Publishing.** The owner appends each update to the stream `<view>:updates` with the id
//!   `<epoch>-<seq>` (trimmed with `MAXLEN ~`), the first of an epoch being the whole model
//!   (`<epoch>-0`), and writes a snapshot of the whole model every [`SNAPSHOT_EVERY`] updates. The
//!   id is the fence: Redis refuses an id not above the stream's last, so a stale owner (a lower
//!   epoch) cannot append once a new one has. Before an update is appended, the view's persisted
//!   state (its `use_persisted_state` values) is saved, by a script that writes only while the
//!   lease is the owner's: whatever an update shows was persisted before it was published.
//! - **Following.** Every process, the owner's included, follows the stream with `XREAD BLOCK` on
//!   a connection of its own (a blocked read never stalls other commands), keeps a mirror of the
//!   model and fans updates out to its own clients. An entry that does not continue the last one
//!   (a gap: the stream was trimmed, or the follower fell behind) makes it load the snapshot and
//!   the entries after it, and its clients get a whole model.
//! - **Events.** Clients' events go to the stream `<view>:events`; the owner reads them through
//!   the consumer group `owner` and acknowledges them once the update they caused is published.
//!   The persisted state records the last event applied, so an event claimed again after a
//!   failover is never applied twice.
//! - **Failover.** When the owner dies its lease expires; the first process to take it bumps the
//!   epoch, claims the events the old owner read but did not acknowledge (`XAUTOCLAIM`), mounts
//!   the view afresh with the persisted state, and publishes its whole model: every client gets
//!   it. Events sent while no one owned the view wait in the stream; those the old owner applied
//!   but had not yet persisted are lost.
//! - **Bad input.** A malformed or foreign stream entry is skipped and logged.

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use redis::aio::{ConnectionManager, MultiplexedConnection};
use redis::{AsyncConnectionConfig, Value as RedisValue};
use serde_json::Value;

use crate::cluster::{Backend, BackendError, BackendFuture, SessionStore};
use crate::dispatch::{ClientQueue, DispatchError, Leave, serve_client};
use crate::hooks::provide_session_store;
use crate::protocol::{Json, LayoutEvent, LayoutUpdate, Op, PatchOp, decode_update};
use crate::sync::OrPoisoned as _;
use crate::testing::apply_update;
use crate::{Element, Layout};

/// How long a lease lasts without renewal.
pub(crate) const LEASE: Duration = Duration::from_millis(3000);
/// How often the owner renews its lease (and other processes look for a free one).
const RENEW_EVERY: Duration = Duration::from_millis(1000);
/// The owner writes a snapshot of the whole model every this many updates.
pub(crate) const SNAPSHOT_EVERY: u64 = 100;
/// About how many updates the stream keeps (`MAXLEN ~`).
const STREAM_LENGTH: u64 = 10_000;
/// Events kept waiting for an owner at most (a view nobody owns for long drops the oldest).
const MAX_WAITING_EVENTS: u64 = 1_000_000;
/// How long one blocking read waits.
const BLOCK_MS: u64 = 1000;
/// The key of the last applied event in the view's persisted state.
const LAST_EVENT: &str = "__idom_last_event";

/// The keys of one view.
#[derive(Clone, Debug)]
struct Keys {
    lease: String,
    epoch: String,
    updates: String,
    snapshot: String,
    events: String,
    state: String,
}

impl Keys {
    fn of(view: &str) -> Keys {
        let k = |s: &str| format!("idom:view:{view}:{s}");
        Keys {
            lease: k("lease"),
            epoch: k("epoch"),
            updates: k("updates"),
            snapshot: k("snapshot"),
            events: k("events"),
            state: k("state"),
        }
    }
}

/// Makes the view's root element (on every process that comes to own it).
pub(crate) type Root = Arc<dyn Fn() -> Element + Send + Sync>;

/// A shared view whose layout lives on whichever process owns it; this process's clients join
/// it here. Cheap to clone.
#[derive(Clone)]
pub(crate) struct ClusterView {
    inner: Arc<ViewInner>,
}

impl std::fmt::Debug for ClusterView {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClusterView").field("view", &self.inner.keys.updates).field("node", &self.inner.node).finish()
    }
}

struct ViewInner {
    keys: Keys,
    node: String,
    client: redis::Client,
    commands: tokio::sync::OnceCell<ConnectionManager>,
    relay: Mutex<Relay>,
    max_pending: usize,
}

/// This process's mirror of the model and its clients.
#[derive(Default)]
struct Relay {
    /// The whole model, once known, and the id of the last entry applied to it.
    model: Option<Value>,
    last: (u64, u64),
    clients: Vec<Arc<ClientQueue>>,
}

impl Relay {
    fn full(&self) -> Option<LayoutUpdate> {
        self.model.as_ref().map(whole)
    }

    fn fan_out(&mut self, update: &LayoutUpdate, max: usize) {
        self.clients.retain(|c| !c.is_closed());
        let model = self.model.clone();
        for c in &self.clients {
            c.push(update.clone(), max, || model.as_ref().map(whole).unwrap_or_else(|| update.clone()));
        }
    }
}

fn whole(model: &Value) -> LayoutUpdate {
    LayoutUpdate {
        path: String::new(),
        changes: vec![PatchOp { op: Op::Add, path: String::new(), from: None, value: Some(Json::from_value(model)) }],
    }
}

fn failed(e: &redis::RedisError) -> BackendError {
    BackendError::Unavailable(e.to_string())
}

impl ClusterView {
    /// Starts following (and competing to own) the view `view` in the Redis of `client`, with
    /// this process's id `node`; `root` makes its element when this process comes to own it.
    pub(crate) fn start(
        client: redis::Client,
        view: &str,
        node: String,
        root: Root,
        max_pending: usize,
    ) -> ClusterView {
        let inner = ViewInner {
            keys: Keys::of(view),
            node,
            client,
            commands: tokio::sync::OnceCell::new(),
            relay: Mutex::default(),
            max_pending,
        };
        let view = ClusterView { inner: Arc::new(inner) };
        tokio::spawn(forever("following", view.clone(), |v| async move { v.follow().await }));
        tokio::spawn(forever("owning", view.clone(), move |v| {
            let root = root.clone();
            async move { v.compete(root).await }
        }));
        view
    }

    async fn commands(&self) -> Result<ConnectionManager, BackendError> {
        let client = self.inner.client.clone();
        self.inner
            .commands
            .get_or_try_init(|| async move { client.get_connection_manager().await.map_err(|e| failed(&e)) })
            .await
            .cloned()
    }

    /// A connection of its own, for blocking reads.
    async fn dedicated(&self) -> Result<MultiplexedConnection, BackendError> {
        let config = AsyncConnectionConfig::new().set_response_timeout(Some(Duration::from_millis(BLOCK_MS + 2000)));
        self.inner.client.get_multiplexed_async_connection_with_config(&config).await.map_err(|e| failed(&e))
    }

    /// The current view as HTML (from this process's mirror), if it is known yet.
    pub(crate) fn html(&self) -> Option<String> {
        let relay = self.inner.relay.lock().or_poisoned();
        relay.model.as_ref().map(crate::prerender::model_to_html)
    }

    /// Joins the view as one client: `send` gets the whole model, then every update; events from
    /// `recv` go to the owner, wherever it is.
    pub(crate) async fn join<S, SF, SE, R, RF, RE>(&self, send: S, recv: R) -> Result<(), DispatchError<SE, RE>>
    where
        S: FnMut(LayoutUpdate) -> SF,
        SF: Future<Output = Result<(), SE>>,
        R: FnMut() -> RF,
        RF: Future<Output = Result<LayoutEvent, RE>>,
    {
        let queue = Arc::new(ClientQueue::new());
        let _leave = Leave(queue.clone());
        {
            let mut relay = self.inner.relay.lock().or_poisoned();
            if let Some(full) = relay.full() {
                queue.push(full, self.inner.max_pending, || unreachable!("an empty queue is never full"));
            }
            relay.clients.push(queue.clone());
        }
        serve_client(&queue, send, recv, |event| async move {
            self.send_event(&event).await;
            true
        })
        .await
    }

    async fn send_event(&self, event: &LayoutEvent) {
        let message = serde_json::json!({"target": event.target, "data": event.data}).to_string();
        let sent = async {
            let mut con = self.commands().await?;
            // Never trimmed by length (an unread event must not go): the owner deletes the
            // events it has applied; the cap only bounds a view nobody owns for long.
            redis::cmd("XADD")
                .arg(&self.inner.keys.events)
                .arg("MAXLEN")
                .arg("~")
                .arg(MAX_WAITING_EVENTS)
                .arg("*")
                .arg("e")
                .arg(message)
                .query_async::<RedisValue>(&mut con)
                .await
                .map_err(|e| failed(&e))
        };
        if let Err(e) = sent.await {
            tracing::warn!(error = %e, "an event for the shared view could not be sent; dropped");
        }
    }

    // ---------------------------------------------------------------------------------------
    // Following.

    /// Follows the update stream into the mirror, until Redis fails (then the caller retries).
    async fn follow(&self) -> Result<(), BackendError> {
        let mut con = self.dedicated().await?;
        self.resync(&mut con).await?;
        loop {
            let last = self.inner.relay.lock().or_poisoned().last;
            let from = format!("{}-{}", last.0, last.1);
            let reply: RedisValue = redis::cmd("XREAD")
                .arg("COUNT")
                .arg(500)
                .arg("BLOCK")
                .arg(BLOCK_MS)
                .arg("STREAMS")
                .arg(&self.inner.keys.updates)
                .arg(from)
                .query_async(&mut con)
                .await
                .map_err(|e| failed(&e))?;
            for (id, fields) in stream_entries(&reply) {
                if !self.apply_entry(id, &fields) {
                    self.resync(&mut con).await?;
                    break;
                }
            }
        }
    }

    /// Applies one stream entry to the mirror; `false` when it does not continue it (a gap).
    fn apply_entry(&self, id: (u64, u64), fields: &BTreeMap<String, String>) -> bool {
        let mut relay = self.inner.relay.lock().or_poisoned();
        let kind = fields.get("k").map(String::as_str);
        let message = fields.get("m");
        match (kind, message) {
            (Some("model"), Some(m)) => match serde_json::from_str::<Value>(m) {
                Ok(model) => {
                    relay.model = Some(model.clone());
                    relay.last = id;
                    let full = whole(&model);
                    relay.fan_out(&full, self.inner.max_pending);
                    true
                }
                Err(e) => skip(&mut relay, id, &e.to_string()),
            },
            (Some("update"), Some(m)) => {
                if relay.model.is_none() || id.0 != relay.last.0 || id.1 != relay.last.1 + 1 {
                    return false;
                }
                let Ok(update) = decode_update(m) else { return skip(&mut relay, id, "not a layout-update") };
                let Some(model) = relay.model.as_mut() else { return false };
                if let Err(e) = apply_update(model, &update) {
                    tracing::warn!(error = %e, "a shared view update does not apply to the mirror; reloading");
                    return false;
                }
                relay.last = id;
                relay.fan_out(&update, self.inner.max_pending);
                true
            }
            _ => skip(&mut relay, id, "unknown entry"),
        }
    }

    /// Loads the snapshot and the entries after it into the mirror (the clients get a whole
    /// model); without a snapshot yet, waits for the first owner.
    async fn resync(&self, con: &mut MultiplexedConnection) -> Result<(), BackendError> {
        let snapshot: Option<String> =
            redis::cmd("GET").arg(&self.inner.keys.snapshot).query_async(con).await.map_err(|e| failed(&e))?;
        let Some(snapshot) = snapshot.and_then(|s| serde_json::from_str::<Value>(&s).ok()) else {
            self.inner.relay.lock().or_poisoned().last = (0, 0);
            return Ok(());
        };
        let (Some(id), Some(model)) = (snapshot["id"].as_str().and_then(parse_id), snapshot.get("model")) else {
            tracing::warn!("the shared view's snapshot is malformed; waiting for the next one");
            return Ok(());
        };
        {
            let mut relay = self.inner.relay.lock().or_poisoned();
            relay.model = Some(model.clone());
            relay.last = id;
        }
        // The entries after the snapshot, in pages.
        loop {
            let last = self.inner.relay.lock().or_poisoned().last;
            let reply: RedisValue = redis::cmd("XRANGE")
                .arg(&self.inner.keys.updates)
                .arg(format!("({}-{}", last.0, last.1))
                .arg("+")
                .arg("COUNT")
                .arg(1000)
                .query_async(con)
                .await
                .map_err(|e| failed(&e))?;
            let entries = stream_entries_of_range(&reply);
            if entries.is_empty() {
                break;
            }
            for (id, fields) in entries {
                if !self.apply_entry(id, &fields) {
                    tracing::warn!("the shared view's stream has a gap after its snapshot; waiting for the next model");
                    break;
                }
            }
        }
        let mut relay = self.inner.relay.lock().or_poisoned();
        if let Some(full) = relay.full() {
            relay.fan_out(&full, self.inner.max_pending);
        }
        Ok(())
    }

    // ---------------------------------------------------------------------------------------
    // Owning.

    /// Takes the lease when it is free and owns the view until it is lost; then again.
    async fn compete(&self, root: Root) -> Result<(), BackendError> {
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
        let first = layout.render().await;
        let mut model = Value::Null;
        apply_update(&mut model, &first).map_err(BackendError::Unavailable)?;
        let mut seq = 0u64;
        self.publish(&mut con, epoch, seq, "model", &model.to_string()).await?;
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
                        self.persist_and_publish(&mut con, &store, &mut saved, epoch, seq, &update, &mut model).await?;
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
                self.persist_and_publish(&mut con, &store, &mut saved, epoch, seq, &update, &mut model).await?;
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

    #[allow(clippy::too_many_arguments)]
    async fn persist_and_publish(
        &self,
        con: &mut ConnectionManager,
        store: &SessionStore,
        saved: &mut u64,
        epoch: u64,
        seq: u64,
        update: &LayoutUpdate,
        model: &mut Value,
    ) -> Result<(), BackendError> {
        if store.version() != *saved {
            store.save_now().await?;
            *saved = store.version();
        }
        apply_update(model, update).map_err(BackendError::Unavailable)?;
        self.publish(con, epoch, seq, "update", &update.to_message()).await?;
        if seq.is_multiple_of(SNAPSHOT_EVERY) {
            self.snapshot(con, epoch, seq, model).await?;
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
        model: &Value,
    ) -> Result<(), BackendError> {
        let snapshot = serde_json::json!({"id": format!("{epoch}-{seq}"), "model": model}).to_string();
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

/// Aborts a task when dropped.
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Runs `task` again whenever it ends (Redis away, a lease lost), with backoff, forever.
async fn forever<F, Fut>(what: &'static str, view: ClusterView, task: F)
where
    F: Fn(ClusterView) -> Fut,
    Fut: Future<Output = Result<(), BackendError>>,
{
    let mut backoff = Duration::from_millis(100);
    loop {
        match task(view.clone()).await {
            Ok(()) => backoff = Duration::from_millis(100),
            Err(e) => {
                tracing::warn!(error = %e, retry_in = ?backoff, "shared view: {what} stopped; retrying");
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(Duration::from_secs(5));
            }
        }
    }
}

fn skip(relay: &mut Relay, id: (u64, u64), why: &str) -> bool {
    tracing::warn!(id = ?id, why, "a malformed shared view entry skipped");
    relay.last = id;
    true
}

fn event_of(fields: &BTreeMap<String, String>) -> Option<LayoutEvent> {
    let event = fields.get("e").and_then(|e| serde_json::from_str::<LayoutEvent>(e).ok());
    if event.is_none() {
        tracing::warn!("a malformed shared view event skipped");
    }
    event
}

fn parse_id(id: &str) -> Option<(u64, u64)> {
    let (a, b) = id.split_once('-')?;
    Some((a.parse().ok()?, b.parse().ok()?))
}

fn text(v: &RedisValue) -> Option<String> {
    match v {
        RedisValue::BulkString(b) => String::from_utf8(b.clone()).ok(),
        RedisValue::SimpleString(s) => Some(s.clone()),
        _ => None,
    }
}

/// The entries of an `XREAD`/`XREADGROUP` reply of one stream.
fn stream_entries(reply: &RedisValue) -> Vec<((u64, u64), BTreeMap<String, String>)> {
    match reply {
        RedisValue::Array(streams) => streams
            .iter()
            .filter_map(|s| match s {
                RedisValue::Array(pair) if pair.len() == 2 => Some(stream_entries_of_range(&pair[1])),
                _ => None,
            })
            .flatten()
            .collect(),
        RedisValue::Map(streams) => streams.iter().flat_map(|(_, entries)| stream_entries_of_range(entries)).collect(),
        _ => Vec::new(),
    }
}

/// The entries of an `XRANGE` reply (or the entries part of an `XREAD` one).
fn stream_entries_of_range(reply: &RedisValue) -> Vec<((u64, u64), BTreeMap<String, String>)> {
    let RedisValue::Array(entries) = reply else { return Vec::new() };
    entries
        .iter()
        .filter_map(|entry| {
            let RedisValue::Array(pair) = entry else { return None };
            let id = parse_id(&text(pair.first()?)?)?;
            let RedisValue::Array(kv) = pair.get(1)? else { return Some((id, BTreeMap::new())) };
            let fields = kv.chunks(2).filter_map(|c| Some((text(c.first()?)?, text(c.get(1)?)?))).collect();
            Some((id, fields))
        })
        .collect()
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
