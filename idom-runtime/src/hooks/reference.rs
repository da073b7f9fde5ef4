//! `use_ref`: a value kept across renders that does not trigger them.

use std::sync::{Arc, Mutex};

use idom_macros::hook;

use super::use_hook_context;
use crate::sync::OrPoisoned as _;

/// A mutable value that lives as long as the component instance; changing it does not
/// re-render. Cheap to clone, `Send + Sync`.
pub struct UseRef<T> {
    cell: Arc<Mutex<T>>,
}

impl<T> UseRef<T> {
    /// Replaces the value.
    pub fn set(&self, value: T) {
        *self.cell.lock().or_poisoned() = value;
    }

    /// Reads the value through a closure.
    pub fn with<R>(&self, f: impl FnOnce(&T) -> R) -> R {
        f(&self.cell.lock().or_poisoned())
    }

    /// Changes the value through a closure.
    pub fn with_mut<R>(&self, f: impl FnOnce(&mut T) -> R) -> R {
        f(&mut self.cell.lock().or_poisoned())
    }
}

impl<T: Clone> UseRef<T> {
    /// A copy of the value.
    pub fn get(&self) -> T {
        self.cell.lock().or_poisoned().clone()
    }
}

shared_handle!(UseRef<T>, cell);

/// A [`UseRef`]: a value kept across renders that does not trigger them.
#[hook]
pub fn use_ref<T: Send + 'static, F: FnOnce() -> T>(init: F) -> UseRef<T> {
    let cx = use_hook_context();
    let (_, cell) = cx.slot(|_| UseRef { cell: Arc::new(Mutex::new(init())) });
    cell.clone()
}
