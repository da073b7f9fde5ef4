//! The scope handle: what a component's render and its hooks see of the layout that runs them.
//!
//! A [`HookContext`] lends a render its instance's hook slots, the instance's [`ScopeSignal`] (made
//! by the first hook that needs one), the list the render's effects go to, and a [`ScopeHost`]:
//! the two questions a hook may ask of the tree, "which queue wakes this layout" and "which
//! ancestor provides this". Hooks are written against this module only; they never see the
//! `Layout`, its arena or its scheduler, so the layout can change its insides without touching
//! a hook.
//!
//! The [`RenderQueue`] is the one thing the two sides share at run time: setters push their
//! instance's signal onto it from any thread, the wakers of async renders push their
//! [`RenderWaker`], and the layout's scheduler drains both.

use std::any::Any;
use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::task::Wake;

use tokio::sync::Notify;

use crate::event::BoxFuture;
use crate::ids::NodeId;
use crate::sync::OrPoisoned as _;

/// Identifies a component instance: its arena slot and that slot's generation.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub(crate) struct ScopeId {
    pub(crate) idx: NodeId,
    pub(crate) generation: u32,
}

/// What setters and tasks share with the layout: the queue of components to re-render, the
/// async renders to poll, and the notification that wakes `render`.
pub(crate) struct RenderQueue {
    pub(crate) queue: Mutex<Queued>,
    pub(crate) notify: Notify,
}

/// The contents of a [`RenderQueue`], behind one lock so the layout drains both at once.
#[derive(Default)]
pub(crate) struct Queued {
    /// Components to re-render (their render runs again).
    pub(crate) signals: Vec<Arc<ScopeSignal>>,
    /// Async renders whose future was woken (the future is polled; the render does not run again).
    pub(crate) woken: Vec<Arc<RenderWaker>>,
}

impl Queued {
    pub(crate) fn is_empty(&self) -> bool {
        self.signals.is_empty() && self.woken.is_empty()
    }
}

impl RenderQueue {
    pub(crate) fn new() -> Self {
        RenderQueue { queue: Mutex::new(Queued::default()), notify: Notify::new() }
    }

    pub(crate) fn enqueue(&self, signal: Arc<ScopeSignal>) {
        self.queue.lock().or_poisoned().signals.push(signal);
        self.notify.notify_one();
    }

    fn enqueue_woken(&self, waker: Arc<RenderWaker>) {
        self.queue.lock().or_poisoned().woken.push(waker);
        self.notify.notify_one();
    }
}

/// The hook storage of one component instance during one render. Hooks take it as their first
/// argument; `#[component]` and `#[hook]` pass it for you.
pub struct HookContext<'a> {
    pub(crate) state: &'a mut HookState,
    /// The instance's signal, made by the first hook that needs one.
    pub(crate) signal: &'a mut Option<Arc<ScopeSignal>>,
    pub(crate) scope: ScopeId,
    pub(crate) effects: &'a mut Vec<EffectJob>,
    pub(crate) host: &'a dyn ScopeHost,
    /// Where an async component's render leaves the future that finishes it (see
    /// [`suspend_render`](Self::suspend_render)).
    pub(crate) pending_render: &'a mut Option<Box<dyn Any + Send>>,
}

/// A visitor of ancestors: given a component's props and hook slots, whether the search is over.
pub(crate) type AncestorVisitor<'v> = dyn FnMut(&dyn Any, &[Box<dyn Any + Send>]) -> bool + 'v;

/// What a hook may ask of the tree around the rendering instance. The layout implements it.
pub(crate) trait ScopeHost {
    /// The queue that wakes the layout.
    fn queue(&self) -> Weak<RenderQueue>;

    /// Calls `found` with the props and hook slots of each component above the rendering one,
    /// nearest first, until it returns `true`.
    fn ancestors(&self, found: &mut AncestorVisitor<'_>);
}

/// The hook slots of one component instance.
#[derive(Default)]
pub(crate) struct HookState {
    pub(crate) slots: Vec<Box<dyn Any + Send>>,
    pub(crate) cursor: usize,
}

impl HookContext<'_> {
    /// The next hook slot, created by `init` on the first render.
    pub(crate) fn slot<T: Send + 'static>(&mut self, init: impl FnOnce(&mut Self) -> T) -> (usize, &mut T) {
        let index = self.state.cursor;
        self.state.cursor += 1;
        if index == self.state.slots.len() {
            let value = init(self);
            self.state.slots.push(Box::new(value));
        }
        let slot = self.state.slots[index].downcast_mut::<T>().unwrap_or_else(|| {
            panic!("hook #{index} changed type between renders: hooks must be called in the same order on every render")
        });
        (index, slot)
    }

    /// A handle that re-renders this component when triggered.
    pub(crate) fn signal(&mut self) -> Arc<ScopeSignal> {
        let (id, host) = (self.scope, self.host);
        self.signal.get_or_insert_with(|| ScopeSignal::new(id, host.queue())).clone()
    }

    /// Hands the layout the future that finishes this render (an async component's body after
    /// its hooks). The future's type names `Element`, which this module cannot name (the model
    /// imports it), so it travels type-erased: `suspense` puts it here and the layout takes it.
    pub(crate) fn suspend_render(&mut self, future: Box<dyn Any + Send>) {
        *self.pending_render = Some(future);
    }

    /// The nearest component above this one whose props and hook slots give `Some`.
    pub(crate) fn find_ancestor<R>(&self, f: impl Fn(&dyn Any, &[Box<dyn Any + Send>]) -> Option<R>) -> Option<R> {
        let mut result = None;
        self.host.ancestors(&mut |props, hooks| {
            result = f(props, hooks);
            result.is_some()
        });
        result
    }
}

/// Wakes the layout to re-render one component instance. Shared by all handles of the instance.
pub(crate) struct ScopeSignal {
    pub(crate) id: ScopeId,
    pub(crate) queued: AtomicBool,
    pub(crate) queue: Weak<RenderQueue>,
}

impl ScopeSignal {
    pub(crate) fn new(id: ScopeId, queue: Weak<RenderQueue>) -> Arc<Self> {
        Arc::new(ScopeSignal { id, queued: AtomicBool::new(false), queue })
    }

    /// Queues a re-render of the component, once until it renders.
    pub(crate) fn mark(self: &Arc<Self>) {
        if !self.queued.swap(true, Ordering::AcqRel)
            && let Some(queue) = self.queue.upgrade()
        {
            queue.enqueue(self.clone());
        }
    }
}

/// Wakes the layout to poll the future of one async render. A restart or unmount drops the
/// future and its waker with it; the layout ignores a waker that is no longer its instance's.
pub(crate) struct RenderWaker {
    pub(crate) id: ScopeId,
    /// Set while the waker is in the queue, so a busy future queues it once per poll.
    pub(crate) woken: AtomicBool,
    queue: Weak<RenderQueue>,
}

impl RenderWaker {
    pub(crate) fn new(id: ScopeId, queue: Weak<RenderQueue>) -> Arc<Self> {
        Arc::new(RenderWaker { id, woken: AtomicBool::new(false), queue })
    }
}

impl Wake for RenderWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        if !self.woken.swap(true, Ordering::AcqRel)
            && let Some(queue) = self.queue.upgrade()
        {
            queue.enqueue_woken(self.clone());
        }
    }
}

/// An effect to run after the render that scheduled it.
pub(crate) struct EffectJob {
    pub(crate) scope: ScopeId,
    pub(crate) slot: usize,
    pub(crate) run: Box<dyn FnOnce() -> EffectResult + Send>,
}

/// What running an effect left behind.
#[doc(hidden)]
#[derive(Default)]
pub struct EffectResult {
    pub(crate) cleanup: Option<Box<dyn FnOnce() + Send>>,
    pub(crate) task: Option<BoxFuture>,
}

/// The stored state of a `use_effect` slot.
pub(crate) struct EffectSlot {
    pub(crate) deps: Box<dyn Any + Send>,
    pub(crate) cleanup: Option<Box<dyn FnOnce() + Send>>,
    pub(crate) task: Option<tokio::task::AbortHandle>,
}

impl fmt::Debug for HookContext<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HookContext")
            .field("scope", &self.scope)
            .field("hooks", &self.state.slots.len())
            .field("cursor", &self.state.cursor)
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for EffectResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EffectResult")
            .field("cleanup", &self.cleanup.is_some())
            .field("task", &self.task.is_some())
            .finish()
    }
}
