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
//!   the entries after it, and its clients get a whole model (and none of those entries). A gap
//!   the snapshot does not fill (an entry no owner wrote) makes it wait for the next model.
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
//!
//! `follow.rs` is the mirror every process keeps, `own.rs` the owner's loop, `entries.rs` the
//! reading of stream replies.

mod entries;
mod follow;
mod own;

use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use redis::aio::{ConnectionManager, MultiplexedConnection};
use redis::{AsyncConnectionConfig, Value as RedisValue};
use serde_json::Value;

use crate::Element;
use crate::cluster::BackendError;
use crate::dispatch::{ClientQueue, DispatchError, Events, Leave, serve_client};
use crate::protocol::{Json, LayoutEvent, LayoutUpdate, Op, PatchOp};
use crate::sync::OrPoisoned as _;

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
    /// After a gap the mirror cannot fill (at this entry id, or with no snapshot at all): update
    /// entries are passed over until a model entry or a snapshot past the gap.
    waiting: Option<(u64, u64)>,
    clients: Vec<Arc<ClientQueue>>,
}

impl Relay {
    fn full(&self) -> Option<LayoutUpdate> {
        self.model.as_ref().map(whole)
    }

    /// Queues `update` for every client; one too far behind gets the whole model instead.
    fn fan_out(&mut self, update: &LayoutUpdate, max: usize) {
        let Relay { model, clients, .. } = self;
        clients.retain(|c| !c.is_closed());
        for c in clients.iter() {
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
    /// `events` go to the owner, wherever it is.
    pub(crate) async fn join<S, SF, SE, E>(&self, send: S, events: E) -> Result<(), DispatchError<SE, E::Error>>
    where
        S: FnMut(LayoutUpdate) -> SF,
        SF: Future<Output = Result<(), SE>>,
        E: Events,
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
        serve_client(&queue, send, events, |event| async move {
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
