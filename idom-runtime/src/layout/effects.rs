//! Unmounting and effects: cleanups queued children first, tasks aborted, effects run after the
//! render that scheduled them, each catching its own panic.

use std::panic::{AssertUnwindSafe, catch_unwind};

use super::{Kind, Layout, panic_message};
use crate::arena::ScopeData;
use crate::ids::NodeId;
use crate::scope::{EffectSlot, ScopeId};
use crate::vdom::pool;

impl Layout {
    // -----------------------------------------------------------------------------------------
    // unmounting and effects

    /// Unmounts a subtree: effect cleanups are queued (children first), tasks aborted, slots freed.
    pub(crate) fn unmount(&mut self, idx: NodeId) {
        let (node, generation) = self.arena.take(idx);
        match node.kind {
            Kind::Element(el) => {
                for &c in el.children.iter() {
                    self.unmount(c);
                }
                if !el.handlers.is_empty() {
                    self.forget_static_targets(idx, generation, &el.handlers);
                }
                pool::recycle(el);
            }
            Kind::Component(mut scope) => {
                for &c in scope.children.iter() {
                    self.unmount(c);
                }
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
                ScopeData::end(scope);
            }
            Kind::Group(ids) => {
                for c in *ids {
                    self.unmount(c);
                }
            }
            // Its allocation is kept for the template's next render.
            Kind::Template(template, holes) => template.end(holes),
            Kind::Text(_) | Kind::Empty | Kind::Static(_) => {}
        }
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
