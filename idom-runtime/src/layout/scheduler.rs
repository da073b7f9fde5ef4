//! The scheduler: which queued components render, in what order, the tasks of their async work,
//! and where failures go (a render panic to the nearest error boundary; a handler or effect panic
//! to the log).

use std::any::{Any, TypeId};
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use futures_util::FutureExt as _;

use super::{Kind, Layout};
use crate::boundary::{self, Catch, ErrorBoundary};
use crate::event::BoxFuture;
use crate::ids::NodeId;
use crate::scope::{ScopeId, ScopeSignal};
use crate::sync::OrPoisoned as _;

impl Layout {
    // -----------------------------------------------------------------------------------------
    // scheduling

    /// Takes the queue: returns the queued components (marked dirty, parents first) and moves
    /// the woken async renders to `self.woken`.
    pub(super) fn take_queued(&mut self) -> Vec<NodeId> {
        // Swap the queue with an empty buffer that has room, so neither side allocates.
        let mut signals = std::mem::take(&mut self.spare_signals);
        {
            let mut queue = self.shared.queue.lock().or_poisoned();
            std::mem::swap(&mut signals, &mut queue.signals);
            if !queue.woken.is_empty() {
                self.woken.append(&mut queue.woken);
            }
        }
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

    /// Routes a render panic of the component at `idx`: the nearest [`ErrorBoundary`] above it
    /// that is not showing its fallback records the error and is queued to show it; without one,
    /// the component is marked failed (it shows the error node from now on). Returns whether a
    /// boundary took it, in which case the component's mounted nodes may stay as they are until
    /// the boundary replaces them.
    ///
    /// [`ErrorBoundary`]: crate::ErrorBoundary
    pub(super) fn fail_scope(&mut self, idx: NodeId, message: String) -> bool {
        let component = self.arena.scope(idx).props.name();
        tracing::error!(component, %message, "component failed to render");
        let boundary_ty = TypeId::of::<ErrorBoundary>();
        let mut cur = self.arena.n(idx).parent;
        while let Some(id) = cur {
            let node = self.arena.n(id);
            if let Kind::Component(scope) = &node.kind
                && scope.ty == boundary_ty
            {
                match boundary::catch(&scope.hooks.slots, component, &message) {
                    Catch::Caught => {
                        self.queue_scope(id);
                        self.boundary_caught = true;
                        return true;
                    }
                    Catch::AlreadyCaught => return true,
                    Catch::InFallback => {}
                }
            }
            cur = node.parent;
        }
        let scope = self.arena.scope_mut(idx);
        if scope.failed.is_none() {
            scope.failed = Some(message);
        }
        false
    }

    /// Queues the component at `idx` for re-rendering, as its own setters would.
    fn queue_scope(&mut self, idx: NodeId) {
        let id = ScopeId { idx, generation: self.arena.generation(idx) };
        let shared = Arc::downgrade(&self.shared);
        self.arena.scope_mut(idx).signal.get_or_insert_with(|| ScopeSignal::new(id, shared)).clone().mark();
    }

    /// Logs a panic of an event handler or an effect of the component at `idx`. The component
    /// keeps its last render and its state; nothing is re-rendered.
    pub(super) fn report_panic(&self, idx: NodeId, what: &'static str, panic: &(dyn Any + Send)) {
        let component = self.arena.scope(idx).props.name();
        let message = panic_message(panic);
        tracing::error!(component, panic = %message, "{what} of `{component}` panicked ({message}); it keeps its last render and state");
    }

    pub(super) fn spawn_owned(&mut self, owner: NodeId, future: BoxFuture) {
        let id = ScopeId { idx: owner, generation: self.arena.generation(owner) };
        let handle = self.spawn_guarded(id, future);
        let tasks = &mut self.arena.scope_mut(owner).tasks;
        tasks.retain(|t| !t.is_finished());
        tasks.push(handle);
    }

    /// Spawns a task (an async handler or effect) whose panic is logged with its component's
    /// name instead of vanishing; the component keeps its last render and its state.
    pub(super) fn spawn_guarded(&self, id: ScopeId, future: BoxFuture) -> tokio::task::AbortHandle {
        let component = self.arena.scope(id.idx).props.name();
        let task = tokio::spawn(async move {
            if let Err(panic) = AssertUnwindSafe(future).catch_unwind().await {
                let message = panic_message(&*panic);
                tracing::error!(component, panic = %message, "async work of `{component}` panicked ({message}); it keeps its last render and state");
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
