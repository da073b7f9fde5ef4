//! Unmounting and effects: cleanups queued children first, tasks aborted, effects run after the
//! render that scheduled them, each catching its own panic.

use std::panic::{AssertUnwindSafe, catch_unwind};

use super::{Ids, Kind, Layout, panic_message};
use crate::ids::NodeId;
use crate::scope::{EffectSlot, ScopeId};
use crate::vdom::pool;

impl Layout {
    // -----------------------------------------------------------------------------------------
    // unmounting and effects

    /// Unmounts a subtree: effect cleanups are queued (children first), tasks aborted, slots freed.
    pub(crate) fn unmount(&mut self, idx: NodeId) {
        let children = match &mut self.arena.n_mut(idx).kind {
            Kind::Element(e) => std::mem::take(&mut e.children),
            Kind::Component(s) => std::mem::take(&mut s.children),
            Kind::Group(ids) => std::mem::take(&mut **ids),
            Kind::Text(_) | Kind::Empty | Kind::Static(_) => Ids::new(),
        };
        for c in children {
            self.unmount(c);
        }
        let generation = self.arena.generation(idx);
        let node = self.arena.slots[idx.slot()].node.take().expect("mounted node");
        match node.kind {
            Kind::Component(mut scope) => {
                let id = ScopeId { idx, generation };
                for slot in scope.hooks.slots.iter_mut() {
                    if let Some(effect) = slot.downcast_mut::<EffectSlot>() {
                        if let Some(task) = effect.task.take() {
                            task.abort();
                        }
                        if let Some(cleanup) = effect.cleanup.take() {
                            self.cleanups.push((id, cleanup));
                        }
                    }
                }
                for task in scope.tasks.drain(..) {
                    task.abort();
                }
                // Its unfinished async render is dropped with it: cancelled.
                if scope.suspended.is_some() {
                    self.pending_renders -= 1;
                }
            }
            Kind::Element(el) => {
                self.forget_static_targets(idx, generation, &el.handlers);
                pool::recycle(el);
            }
            Kind::Text(_) | Kind::Group(_) | Kind::Empty | Kind::Static(_) => {}
        }
        self.arena.release(idx);
    }

    /// Runs queued cleanups, then queued effects, catching panics per component.
    pub(super) fn run_effects(&mut self) {
        for (id, cleanup) in std::mem::take(&mut self.cleanups) {
            if let Err(panic) = catch_unwind(AssertUnwindSafe(cleanup)) {
                tracing::error!(scope = ?id, message = %panic_message(&*panic), "effect cleanup of an unmounted component panicked");
            }
        }
        for job in std::mem::take(&mut self.effects) {
            if !self.arena.scope_alive(job.scope) {
                continue;
            }
            let idx = job.scope.idx;
            let Some(slot) =
                self.arena.scope_mut(idx).hooks.slots.get_mut(job.slot).and_then(|s| s.downcast_mut::<EffectSlot>())
            else {
                continue;
            };
            if let Some(task) = slot.task.take() {
                task.abort();
            }
            let previous = slot.cleanup.take();
            let outcome = catch_unwind(AssertUnwindSafe(move || {
                if let Some(cleanup) = previous {
                    cleanup();
                }
                (job.run)()
            }));
            match outcome {
                Ok(result) => {
                    let task = result.task.map(|f| self.spawn_guarded(job.scope, f));
                    if let Some(slot) = self
                        .arena
                        .scope_mut(idx)
                        .hooks
                        .slots
                        .get_mut(job.slot)
                        .and_then(|s| s.downcast_mut::<EffectSlot>())
                    {
                        slot.cleanup = result.cleanup;
                        slot.task = task;
                    }
                }
                Err(panic) => self.report_panic(idx, "effect", &*panic),
            }
        }
    }
}
