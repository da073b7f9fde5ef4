//! `use_resource`: data a future loads for a sync component, as loading, ready or failed.
//!
//! The hook keeps the resource's state and the number of its current run in a cell shared with
//! the run's task. New deps start a new run: the state goes back to loading in the same render,
//! and an async effect (whose deps are the run's number) runs the new future, so the layout
//! cancels the task of the stale run, and cancels the current one when the component unmounts.
//! A result is written only if its run is still the current one, so a stale result that arrives
//! anyway (its task was already finishing when the deps changed) is dropped.

use std::future::Future;
use std::sync::{Arc, Mutex};

use idom_macros::hook;

use super::{ScopeSignal, use_effect, use_hook_context};
use crate::sync::OrPoisoned as _;

/// What a [`use_resource`] has: [`Loading`](Resource::Loading) until its future finishes, then
/// what the future returned.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Resource<T, E> {
    /// The future of the current deps has not finished.
    Loading,
    /// The future returned `Ok`.
    Ready(T),
    /// The future returned `Err`.
    Failed(E),
}

impl<T, E> Resource<T, E> {
    /// Whether the future of the current deps has not finished.
    pub fn is_loading(&self) -> bool {
        matches!(self, Resource::Loading)
    }

    /// The value, once the future returned `Ok`.
    pub fn ready(&self) -> Option<&T> {
        match self {
            Resource::Ready(value) => Some(value),
            Resource::Loading | Resource::Failed(_) => None,
        }
    }
}

/// The state of one resource and the number of its current run, shared with the run's task.
struct ResourceCell<T, E> {
    state: Mutex<(u64, Resource<T, E>)>,
    signal: Arc<ScopeSignal>,
}

impl<T, E> ResourceCell<T, E> {
    /// Starts run `run`: the resource is loading again.
    fn restart(&self, run: u64) {
        *self.state.lock().or_poisoned() = (run, Resource::Loading);
    }

    /// Records the result of run `run` and re-renders the component, unless another run has
    /// started since (then the result is stale and dropped).
    fn finish(&self, run: u64, result: Result<T, E>) {
        let mut state = self.state.lock().or_poisoned();
        if state.0 != run {
            return;
        }
        state.1 = match result {
            Ok(value) => Resource::Ready(value),
            Err(error) => Resource::Failed(error),
        };
        drop(state);
        self.signal.mark();
    }
}

/// The hook's slot: the deps of the current run, its number and the shared cell.
struct ResourceSlot<D, T, E> {
    deps: Option<D>,
    run: u64,
    cell: Arc<ResourceCell<T, E>>,
}

/// Loads data with a future, for a component that renders at once: returns
/// [`Resource::Loading`] until `load` finishes, then [`Resource::Ready`] with its value or
/// [`Resource::Failed`] with its error, re-rendering the component when it does.
///
/// `load` runs as a task after the first render and again whenever `deps` changes (compared with
/// `==`); the future given on other renders is dropped unused. New deps make the resource loading
/// again in the same render and cancel the run of the old deps; a result of the old deps that
/// arrives anyway is dropped, so a component never shows stale data after fresh data. Unmounting
/// cancels the current run. A panic in `load` is logged with the component's name, as an async
/// effect's is, and the resource stays loading.
///
/// ```
/// use std::time::Duration;
/// use idom::prelude::*;
///
/// async fn count_rows(filter: String) -> Result<usize, String> {
///     tokio::time::sleep(Duration::from_millis(10)).await;
///     Ok(filter.len() * 10)
/// }
///
/// #[component]
/// fn RowCount(filter: String) -> Element {
///     let count = use_resource(filter.clone(), count_rows(filter));
///     match count {
///         Resource::Loading => html! { <p>"Counting..."</p> },
///         Resource::Ready(n) => html! { <p>{n} " rows"</p> },
///         Resource::Failed(error) => html! { <p class="error">{error}</p> },
///     }
/// }
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let mut layout = Layout::new(RowCount { filter: "abc".into() });
/// layout.render().await;
/// assert_eq!(layout.model()["children"][0]["children"][0], "Counting...");
/// layout.render().await;
/// assert_eq!(layout.model()["children"][0]["children"][0], "30 rows");
/// # });
/// ```
#[hook]
pub fn use_resource<D, F, T, E>(deps: D, load: F) -> Resource<T, E>
where
    D: PartialEq + Send + 'static,
    F: Future<Output = Result<T, E>> + Send + 'static,
    T: Clone + Send + 'static,
    E: Clone + Send + 'static,
{
    let cx = use_hook_context();
    let (_, slot) = cx.slot(|cx| ResourceSlot {
        deps: None,
        run: 0,
        cell: Arc::new(ResourceCell { state: Mutex::new((0, Resource::Loading)), signal: cx.signal() }),
    });
    if slot.deps.as_ref() != Some(&deps) {
        slot.deps = Some(deps);
        slot.run += 1;
        slot.cell.restart(slot.run);
    }
    let (run, cell) = (slot.run, slot.cell.clone());
    let state = cell.state.lock().or_poisoned().1.clone();
    use_effect(move || async move { cell.finish(run, load.await) }, run);
    state
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex, Weak};

    use super::{Resource, ResourceCell};
    use crate::ids::NodeId;
    use crate::scope::{ScopeId, ScopeSignal};

    #[test]
    fn a_result_of_a_stale_run_is_dropped() {
        let signal = ScopeSignal::new(ScopeId { idx: NodeId::from_slot(1), generation: 0 }, Weak::new());
        let cell = ResourceCell { state: Mutex::new((0, Resource::<&str, ()>::Loading)), signal: Arc::clone(&signal) };
        cell.restart(1);
        cell.restart(2);
        cell.finish(1, Ok("stale"));
        assert_eq!(cell.state.lock().unwrap().1, Resource::Loading);
        assert!(!signal.queued.load(std::sync::atomic::Ordering::Acquire), "a stale result re-renders nothing");
        cell.finish(2, Ok("fresh"));
        assert_eq!(cell.state.lock().unwrap().1, Resource::Ready("fresh"));
        assert!(signal.queued.load(std::sync::atomic::Ordering::Acquire));
    }
}
