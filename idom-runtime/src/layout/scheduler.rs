//! The scheduler: which queued components render, in what order, and the tasks and failures of
//! their async work.

use std::any::Any;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use futures_util::FutureExt as _;

use super::Layout;
use crate::event::BoxFuture;
use crate::ids::NodeId;
use crate::scope::{ScopeId, ScopeSignal};
use crate::sync::OrPoisoned as _;

impl Layout {
    // -----------------------------------------------------------------------------------------
    // scheduling

    pub(super) fn take_queued(&mut self) -> Vec<NodeId> {
        let failures = std::mem::take(&mut *self.shared.failures.lock().or_poisoned());
        for (id, message) in failures {
            if self.arena.scope_alive(id) {
                self.fail_scope(id.idx, message);
            }
        }
        // Swap the queue with an empty buffer that has room, so neither side allocates.
        let mut signals = std::mem::take(&mut self.spare_signals);
        std::mem::swap(&mut signals, &mut *self.shared.queue.lock().or_poisoned());
        let mut dirty = std::mem::take(&mut self.spare_queued);
        for signal in signals.drain(..) {
            if signal.queued.load(Ordering::Acquire) && self.arena.scope_alive(signal.id) {
                let scope = self.arena.scope_mut(signal.id.idx);
                if !scope.dirty {
                    scope.dirty = true;
                    dirty.push(signal.id.idx);
                }
            }
        }
        self.spare_signals = signals;
        dirty.sort_by_key(|&idx| self.arena.scope(idx).depth);
        dirty
    }

    pub(super) fn fail_scope(&mut self, idx: NodeId, message: String) {
        tracing::error!(component = self.arena.scope(idx).props.name(), %message, "component failed");
        let generation = self.arena.generation(idx);
        let shared = Arc::downgrade(&self.shared);
        let scope = self.arena.scope_mut(idx);
        if scope.failed.is_none() {
            scope.failed = Some(message);
        }
        let id = ScopeId { idx, generation };
        scope.signal.get_or_insert_with(|| ScopeSignal::new(id, shared)).clone().mark();
    }

    pub(super) fn spawn_owned(&mut self, owner: NodeId, future: BoxFuture) {
        let id = ScopeId { idx: owner, generation: self.arena.generation(owner) };
        let handle = self.spawn_guarded(id, future);
        let tasks = &mut self.arena.scope_mut(owner).tasks;
        tasks.retain(|t| !t.is_finished());
        tasks.push(handle);
    }

    /// Spawns a task whose panic fails its component instead of vanishing.
    pub(super) fn spawn_guarded(&self, id: ScopeId, future: BoxFuture) -> tokio::task::AbortHandle {
        let shared = Arc::downgrade(&self.shared);
        let task = tokio::spawn(async move {
            if let Err(panic) = AssertUnwindSafe(future).catch_unwind().await
                && let Some(shared) = shared.upgrade()
            {
                shared.fail(id, panic_message(&*panic));
            }
        });
        task.abort_handle()
    }
}

pub(crate) fn panic_message(panic: &(dyn Any + Send)) -> String {
    if let Some(s) = panic.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = panic.downcast_ref::<String>() {
        s.clone()
    } else {
        "panic with a non-string payload".to_owned()
    }
}
