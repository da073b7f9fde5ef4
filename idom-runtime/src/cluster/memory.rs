//! [`MemoryBackend`]: persisted state in this process (the default).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::{Backend, BackendFuture};
use crate::sync::OrPoisoned as _;

/// Persisted state kept in this process: it survives a session moving between connections of
/// this process, not the process itself. The default backend.
#[derive(Debug, Default)]
pub struct MemoryBackend {
    states: Mutex<HashMap<String, (String, Instant)>>,
}

impl MemoryBackend {
    /// An empty backend.
    pub fn new() -> Self {
        Self::default()
    }

    /// How many sessions have state here (expired ones included until the next save).
    pub fn len(&self) -> usize {
        self.states.lock().or_poisoned().len()
    }

    /// Whether no session has state here.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Backend for MemoryBackend {
    fn check(&self) -> BackendFuture<'_, ()> {
        Box::pin(async { Ok(()) })
    }

    fn save<'a>(&'a self, session: &'a str, state: String, ttl: Duration) -> BackendFuture<'a, ()> {
        let mut states = self.states.lock().or_poisoned();
        let now = Instant::now();
        states.retain(|_, (_, until)| *until > now);
        states.insert(session.to_owned(), (state, now + ttl));
        Box::pin(async { Ok(()) })
    }

    fn claim<'a>(&'a self, session: &'a str) -> BackendFuture<'a, Option<String>> {
        let taken = self.states.lock().or_poisoned().remove(session);
        let state = taken.filter(|(_, until)| *until > Instant::now()).map(|(state, _)| state);
        Box::pin(async { Ok(state) })
    }
}
