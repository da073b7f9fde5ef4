//! Async renders: the future an async component's render left, polled until it finishes.
//!
//! # Goals
//! - A render whose future is ready at once costs one poll and shows no fallback.
//! - A pending render shows its fallback, and the rest of the tree renders and stays interactive.
//! - Only an instance's latest render can finish. A new render of the instance (its props, state
//!   or context changed) drops the unfinished future first, and so does unmounting; a dropped
//!   future is never polled again, so nothing after its `.await` runs (no state write, no late
//!   update).
//! - A finished future's element is diffed against what the instance shows, as an ordinary update.
//! - A failure (an error the body returned, or a panic while it was polled) goes where a render
//!   panic goes: the nearest error boundary, or the instance's error node.
//!
//! # Implementation
//! The future lives in its instance (`ScopeData::suspended`) with a [`RenderWaker`] of its own.
//! The waker pushes itself on the layout's queue and wakes `render`; each pass of
//! `render_queued`, after the queued components rendered, polls the woken futures whose waker is
//! still their instance's (a waker of a dropped future finds another one there, or none).
//! `pending_renders` counts the unfinished futures, for the prerenderer's wait and to keep the
//! sync path free of any of this.

use std::any::Any;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use super::{Layout, panic_message};
use crate::Element;
use crate::arena::Suspended;
use crate::diff::{Diff, PatchSink};
use crate::ids::NodeId;
use crate::protocol::JsonPatch;
use crate::scope::{EffectJob, RenderWaker, ScopeId};
use crate::suspense::RenderFuture;
use crate::vdom::{OneOrMany, splice};

impl Layout {
    /// Takes the future an async component's render left and polls it once: ready, its element
    /// is the render's output; pending, the instance keeps it and shows the fallback the render
    /// returned. A failure (of the render itself, or of the future) is routed as a render panic,
    /// and the render's effects are dropped, as they are then.
    #[cold]
    pub(super) fn start_suspended(
        &mut self,
        id: ScopeId,
        future: Box<dyn Any + Send>,
        rendered: std::thread::Result<(Element, Vec<EffectJob>)>,
    ) -> Option<(OneOrMany<Element>, Vec<EffectJob>)> {
        let (fallback, effects) = match rendered {
            Ok(rendered) => rendered,
            Err(panic) => return self.render_failed(id.idx, panic_message(&*panic)),
        };
        let future = *future.downcast::<RenderFuture>().expect("only `suspend` leaves a render future");
        let wake = RenderWaker::new(id, Arc::downgrade(&self.shared));
        let waker = Waker::from(wake.clone());
        let mut suspended = Box::new(Suspended { future, wake, waker });
        match poll(&mut suspended) {
            Poll::Pending => {
                self.arena.scope_mut(id.idx).suspended = Some(suspended);
                self.pending_renders += 1;
                Some((splice(fallback), effects))
            }
            Poll::Ready(Ok(element)) => Some((splice(element), effects)),
            Poll::Ready(Err(message)) => self.render_failed(id.idx, message),
        }
    }

    /// Drops the unfinished render of the component at `idx` (which has one): cancelled by a new
    /// render, or finished.
    pub(super) fn drop_suspended(&mut self, idx: NodeId) {
        self.arena.scope_mut(idx).suspended = None;
        self.pending_renders -= 1;
    }

    /// Polls the woken futures (taken from the queue with the queued components) that are still
    /// their instance's; a finished one's element replaces what its instance shows.
    pub(super) fn poll_woken<S: PatchSink>(&mut self, sink: &mut S) {
        let mut woken = std::mem::take(&mut self.woken);
        for wake in woken.drain(..) {
            let idx = wake.id.idx;
            if !self.arena.scope_alive(wake.id) {
                continue;
            }
            let current = self.arena.scope_mut(idx).suspended.as_mut().filter(|s| Arc::ptr_eq(&s.wake, &wake));
            let Some(suspended) = current else { continue };
            // Before the poll, so a wake during it queues the future again.
            wake.woken.store(false, Ordering::Release);
            let Poll::Ready(result) = poll(suspended) else { continue };
            self.drop_suspended(idx);
            let output = match result {
                Ok(element) => Some(splice(element)),
                Err(message) => self.render_failed(idx, message).map(|(output, _)| output),
            };
            if let Some(output) = output {
                self.update_in_place(idx, sink, |layout, at, sink| {
                    Diff { tree: layout, sink }.children(idx, output, at)
                });
            }
        }
        self.woken = woken;
    }

    /// Lets the mounted tree's async renders finish, for at most `budget`, without running
    /// effects: the prerenderer's wait, after which a render still pending is written as its
    /// fallback. Returns early once none is pending; a zero budget does not wait at all.
    pub(crate) async fn settle_within(&mut self, budget: Duration) {
        let deadline = tokio::time::Instant::now() + budget;
        let mut discard = JsonPatch::new();
        while self.pending_renders > 0 && tokio::time::Instant::now() < deadline {
            let shared = self.shared.clone();
            if tokio::time::timeout_at(deadline, shared.notify.notified()).await.is_err() {
                break;
            }
            self.render_passes(&mut discard);
            self.effects.clear();
        }
    }
}

/// Polls an unfinished render, catching a panic as its failure.
fn poll(suspended: &mut Suspended) -> Poll<Result<Element, String>> {
    let Suspended { future, waker, .. } = suspended;
    let mut cx = Context::from_waker(waker);
    match catch_unwind(AssertUnwindSafe(|| future.as_mut().poll(&mut cx))) {
        Ok(poll) => poll,
        Err(panic) => Poll::Ready(Err(panic_message(&*panic))),
    }
}
