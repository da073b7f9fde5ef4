//! `use_update`: a handle that re-renders its component.

use std::fmt;
use std::sync::Arc;

use idom_macros::hook;

use super::{ScopeSignal, use_hook_context};

/// Re-renders its component when called. Cheap to clone, `Send + Sync`.
#[derive(Clone)]
pub struct UpdateHandle {
    signal: Arc<ScopeSignal>,
}

impl UpdateHandle {
    /// Queues a re-render.
    pub fn update(&self) {
        self.signal.mark();
    }
}

impl fmt::Debug for UpdateHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("UpdateHandle")
    }
}

/// A handle that forces a re-render of the component (for state kept outside hooks).
#[hook]
pub fn use_update() -> UpdateHandle {
    let cx = use_hook_context();
    UpdateHandle { signal: cx.signal() }
}
