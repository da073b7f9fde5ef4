//! `use_state`: a value of the component instance and its setter.

use std::sync::{Arc, Mutex};

use idom_macros::hook;

use super::{ScopeSignal, use_hook_context};
use crate::sync::OrPoisoned as _;

struct StateCell<T> {
    value: Mutex<T>,
    signal: Arc<ScopeSignal>,
}

/// Sets the state of a `use_state` hook. Cheap to clone, `Send + Sync`: use it from handlers,
/// async tasks and threads. Setting a value equal to the current one does not re-render.
pub struct UseStateSetter<T> {
    cell: Arc<StateCell<T>>,
}

impl<T: PartialEq + Send + 'static> UseStateSetter<T> {
    /// Replaces the value; the component re-renders if it changed.
    pub fn set(&self, value: T) {
        let mut current = self.cell.value.lock().or_poisoned();
        if *current != value {
            *current = value;
            drop(current);
            self.cell.signal.mark();
        }
    }

    /// Computes the new value from the current one (`set.update(|c| c + 1)`); successive updates
    /// compose, even before the component re-renders.
    pub fn update(&self, f: impl FnOnce(&T) -> T) {
        let mut current = self.cell.value.lock().or_poisoned();
        let value = f(&current);
        if *current != value {
            *current = value;
            drop(current);
            self.cell.signal.mark();
        }
    }
}

impl<T: Clone> UseStateSetter<T> {
    /// The latest value, including updates not rendered yet.
    pub fn get(&self) -> T {
        self.cell.value.lock().or_poisoned().clone()
    }
}

shared_handle!(UseStateSetter<T>, cell);

/// State of a component instance: returns the current value and a setter. `init` runs on the
/// first render only.
///
/// ```
/// use idom::prelude::*;
///
/// #[component]
/// fn Counter() -> Element {
///     let (count, set_count) = use_state(|| 0);
///     html! { <button onclick={move |_| set_count.update(|c| c + 1)}>{count}</button> }
/// }
/// ```
#[hook]
pub fn use_state<T, F>(init: F) -> (T, UseStateSetter<T>)
where
    T: Clone + PartialEq + Send + 'static,
    F: FnOnce() -> T,
{
    let cx = use_hook_context();
    let (_, cell) = cx.slot(|cx| Arc::new(StateCell { value: Mutex::new(init()), signal: cx.signal() }));
    let value = cell.value.lock().or_poisoned().clone();
    (value, UseStateSetter { cell: cell.clone() })
}
