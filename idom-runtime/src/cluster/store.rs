//! [`SessionStore`]: one session's persisted values, and the task that saves them.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use serde_json::Value;
use tokio::sync::Notify;

use super::Backend;
use crate::sync::OrPoisoned as _;

/// The persisted values of one session, saved to a [`Backend`] as they change. The server makes
/// one per per-client session and provides it to the root; components reach it through
/// [`use_persisted_state`](crate::hooks::use_persisted_state). Cheap to clone.
#[derive(Clone)]
pub struct SessionStore {
    inner: Arc<StoreInner>,
}

struct StoreInner {
    session: String,
    backend: Arc<dyn Backend>,
    ttl: Duration,
    values: Mutex<BTreeMap<String, Value>>,
    /// Woken when a value changed, and when the store is dropped.
    changed: Arc<Notify>,
    saving: AtomicBool,
    /// Counts changes, so a caller that saves knows whether it must.
    version: AtomicU64,
    /// Saved by a writer task of its own (else only by `save_now`).
    background: bool,
}

impl Drop for StoreInner {
    fn drop(&mut self) {
        self.changed.notify_one();
    }
}

impl PartialEq for SessionStore {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }
}

impl std::fmt::Debug for SessionStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionStore")
            .field("session", &self.inner.session)
            .field("keys", &self.inner.values.lock().or_poisoned().keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

/// The first wait after a failed save; it doubles up to [`MAX_BACKOFF`].
const FIRST_BACKOFF: Duration = Duration::from_millis(100);
const MAX_BACKOFF: Duration = Duration::from_secs(5);

impl SessionStore {
    /// The store of `session`, saved to `backend` with time to live `ttl`, holding the values
    /// of `restored` (the JSON object a [`Backend::claim`] gave, if any). A restored state that is
    /// not a JSON object is dropped with a warning.
    pub fn new(session: &str, backend: Arc<dyn Backend>, ttl: Duration, restored: Option<&str>) -> SessionStore {
        SessionStore::make(session, backend, ttl, restored, true)
    }

    /// A store that only [`save_now`](Self::save_now) saves, for a caller that must know what
    /// was saved when (a shared view persists before it publishes); [`version`](Self::version)
    /// tells it whether something changed.
    pub fn saved_by_caller(
        session: &str,
        backend: Arc<dyn Backend>,
        ttl: Duration,
        restored: Option<&str>,
    ) -> SessionStore {
        SessionStore::make(session, backend, ttl, restored, false)
    }

    fn make(
        session: &str,
        backend: Arc<dyn Backend>,
        ttl: Duration,
        restored: Option<&str>,
        background: bool,
    ) -> SessionStore {
        let values = match restored.map(serde_json::from_str::<BTreeMap<String, Value>>) {
            None => BTreeMap::new(),
            Some(Ok(values)) => values,
            Some(Err(e)) => {
                tracing::warn!(session, error = %e, "persisted session state is not a JSON object; dropped");
                BTreeMap::new()
            }
        };
        let inner = StoreInner {
            session: session.to_owned(),
            backend,
            ttl,
            values: Mutex::new(values),
            changed: Arc::new(Notify::new()),
            saving: AtomicBool::new(false),
            version: AtomicU64::new(0),
            background,
        };
        SessionStore { inner: Arc::new(inner) }
    }

    /// The session's id.
    pub fn session(&self) -> &str {
        &self.inner.session
    }

    /// The value kept under `key`, if any.
    pub fn get(&self, key: &str) -> Option<Value> {
        self.inner.values.lock().or_poisoned().get(key).cloned()
    }

    /// Keeps `value` under `key`, and has it saved (a value equal to the one kept saves nothing).
    pub fn put(&self, key: &str, value: Value) {
        let mut values = self.inner.values.lock().or_poisoned();
        if values.get(key) == Some(&value) {
            return;
        }
        values.insert(key.to_owned(), value);
        drop(values);
        self.save_soon();
    }

    /// Forgets `key`, and has the change saved.
    pub fn remove(&self, key: &str) {
        if self.inner.values.lock().or_poisoned().remove(key).is_some() {
            self.save_soon();
        }
    }

    /// Has the current values saved by the writer task (a restored session saves them again at
    /// once, since claiming took them out of the backend). The task starts on first use, in the current
    /// tokio runtime, and ends when the store is dropped.
    pub(crate) fn save_soon(&self) {
        self.inner.version.fetch_add(1, Ordering::AcqRel);
        if !self.inner.background {
            return;
        }
        if !self.inner.saving.swap(true, Ordering::AcqRel) {
            tokio::spawn(writer(Arc::downgrade(&self.inner), self.inner.changed.clone()));
        }
        self.inner.changed.notify_one();
    }

    /// How many changes the store has seen.
    pub fn version(&self) -> u64 {
        self.inner.version.load(Ordering::Acquire)
    }

    /// Saves the current values now (what the writer does after each change), for a session
    /// that ends with its state.
    pub async fn save_now(&self) -> Result<(), super::BackendError> {
        let state = self.snapshot();
        self.inner.backend.save(&self.inner.session, state, self.inner.ttl).await
    }

    fn snapshot(&self) -> String {
        serde_json::to_string(&*self.inner.values.lock().or_poisoned()).unwrap_or_else(|_| "{}".to_owned())
    }
}

/// Saves the store's values after every change (coalescing changes made meanwhile), retrying
/// with backoff while the backend fails; ends when the store is gone.
async fn writer(store: Weak<StoreInner>, changed: Arc<Notify>) {
    loop {
        changed.notified().await;
        let mut backoff = FIRST_BACKOFF;
        loop {
            let Some(inner) = store.upgrade() else { return };
            let store = SessionStore { inner };
            let state = store.snapshot();
            match store.inner.backend.save(&store.inner.session, state, store.inner.ttl).await {
                Ok(()) => break,
                Err(e) => {
                    tracing::warn!(session = store.inner.session, error = %e, retry_in = ?backoff, "persisting session state failed; retrying");
                    drop(store);
                    tokio::time::sleep(backoff).await;
                    backoff = (backoff * 2).min(MAX_BACKOFF);
                }
            }
        }
    }
}
