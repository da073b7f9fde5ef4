//! Sessions between connections: a per-client layout whose connection dropped (not one closed by
//! the server for cause) is *parked* under its session id for the resume window, and a client
//! that reconnects with `session=<id>` gets it back with its state. A client that comes back
//! while its old connection still looks open takes the session over: the old one is told to end
//! and park. Parked sessions are bounded, oldest evicted first, swept when their window ends, and
//! their layouts are dropped outside the lock, since dropping runs effect cleanups.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use super::IdomService;
use super::service::Parked;
use crate::Layout;
use crate::hooks::ClientLink;
use crate::sync::OrPoisoned as _;

/// A running per-client session's entry in the service's live sessions, for a takeover; removed
/// when this is dropped (after the session parked, or however its task ends), unless a newer
/// connection of the same id replaced it.
pub(super) struct Live<'a> {
    service: &'a IdomService,
    id: String,
    takeover: Arc<tokio::sync::Notify>,
}

impl Live<'_> {
    /// Ends when a new connection takes the session over.
    pub(super) async fn taken_over(&self) {
        self.takeover.notified().await;
    }
}

impl Drop for Live<'_> {
    fn drop(&mut self) {
        let mut live = self.service.inner.live.lock().or_poisoned();
        if live.get(&self.id).is_some_and(|t| Arc::ptr_eq(t, &self.takeover)) {
            live.remove(&self.id);
        }
    }
}

/// Ends when a new connection takes the session over; never, for a session that cannot be.
pub(super) async fn taken_over(live: Option<&Live<'_>>) {
    match live {
        Some(live) => live.taken_over().await,
        None => std::future::pending().await,
    }
}

impl IdomService {
    /// Keeps a dropped session's layout for the resume window, evicting expired and, beyond the
    /// bound, the oldest parked sessions. Returns whether it was kept.
    pub(super) fn park(&self, id: String, layout: Layout, link: ClientLink) -> bool {
        let config = &self.inner.config;
        if config.max_parked_sessions == 0 || config.resume_window.is_zero() {
            return false;
        }
        let mut evicted = Vec::new();
        {
            let mut parked = self.inner.parked.lock().or_poisoned();
            let now = Instant::now();
            evicted.extend(take_expired(&mut parked, now));
            while parked.len() >= config.max_parked_sessions {
                let Some(oldest) = parked.iter().min_by_key(|(_, p)| p.until).map(|(k, _)| k.clone()) else { break };
                evicted.extend(parked.remove(&oldest));
            }
            parked.insert(id, Parked { layout, link, until: now + config.resume_window });
        }
        // Dropping layouts runs their cleanups: outside the lock.
        drop(evicted);
        self.sweep_parked();
        true
    }

    /// Starts, unless it runs, the one task that drops parked sessions when their window ends, so
    /// a server that goes quiet lets them go (not only at the next park). It wakes at the earliest
    /// end (at most twenty times a second), holds the service weakly (never keeping a stopped
    /// server alive) and ends when nothing is parked.
    pub(super) fn sweep_parked(&self) {
        if self.inner.sweeping.swap(true, Ordering::AcqRel) {
            return;
        }
        let inner = Arc::downgrade(&self.inner);
        tokio::spawn(async move {
            loop {
                let next = {
                    let Some(inner) = inner.upgrade() else { return };
                    let (expired, next) = {
                        let mut parked = inner.parked.lock().or_poisoned();
                        let expired = take_expired(&mut parked, Instant::now());
                        let next = parked.values().map(|p| p.until).min();
                        if next.is_none() {
                            // Under the lock: a park after this starts a new sweeper.
                            inner.sweeping.store(false, Ordering::Release);
                        }
                        (expired, next)
                    };
                    // Dropping layouts runs their cleanups: outside the lock.
                    drop(expired);
                    match next {
                        Some(next) => next.max(Instant::now() + Duration::from_millis(50)),
                        None => return,
                    }
                };
                tokio::time::sleep_until(next.into()).await;
            }
        });
    }

    /// The parked session `id`; when a connection still runs it (the client came back before its
    /// old connection's close arrived, or its old connection is half-open), that one is told to
    /// end and park first, and waited for (at most a second).
    pub(super) async fn take_over(&self, id: &str) -> Option<Parked> {
        if let Some(parked) = self.unpark(id) {
            return Some(parked);
        }
        let running = self.inner.live.lock().or_poisoned().get(id).cloned()?;
        running.notify_one();
        let deadline = Instant::now() + Duration::from_secs(1);
        while Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(2)).await;
            if let Some(parked) = self.unpark(id) {
                return Some(parked);
            }
            if !self.inner.live.lock().or_poisoned().contains_key(id) {
                // It ended without parking (the server stops, or parking is off).
                return self.unpark(id);
            }
        }
        tracing::debug!("a session's old connection did not give it up within a second; starting afresh");
        None
    }

    /// Registers a running per-client session for a takeover, while the returned entry lives.
    pub(super) fn go_live(&self, id: &str) -> Live<'_> {
        let takeover = Arc::new(tokio::sync::Notify::new());
        self.inner.live.lock().or_poisoned().insert(id.to_owned(), Arc::clone(&takeover));
        Live { service: self, id: id.to_owned(), takeover }
    }

    fn unpark(&self, id: &str) -> Option<Parked> {
        let parked = self.inner.parked.lock().or_poisoned().remove(id)?;
        (parked.until > Instant::now()).then_some(parked)
    }

    /// Drops every parked session (on shutdown: nobody can come back to them).
    pub(super) fn drop_parked(&self) {
        let parked = std::mem::take(&mut *self.inner.parked.lock().or_poisoned());
        drop(parked);
    }

    /// How many dropped sessions are waiting to be resumed.
    pub fn parked_sessions(&self) -> usize {
        self.inner.parked.lock().or_poisoned().len()
    }
}

/// Takes the parked sessions whose resume window has ended at `now`.
fn take_expired(parked: &mut HashMap<String, Parked>, now: Instant) -> Vec<Parked> {
    let ids: Vec<String> = parked.iter().filter(|(_, p)| p.until <= now).map(|(k, _)| k.clone()).collect();
    ids.into_iter().filter_map(|k| parked.remove(&k)).collect()
}
