//! `use_update`: a handle that re-renders its component.

#![allow(non_camel_case_types)]

use std::fmt;
use std::sync::Arc;

use super::{HookContext, InsideComponent, OUTSIDE, ScopeSignal};

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

#[doc(hidden)]
pub struct use_update {}

impl use_update {
    #[doc(hidden)]
    pub fn __call(cx: &mut HookContext<'_>) -> UpdateHandle {
        UpdateHandle { signal: cx.signal() }
    }
}

/// A handle that forces a re-render of the component (for state kept outside hooks).
#[allow(unreachable_code, unused_variables)]
pub fn use_update<'h>() -> UpdateHandle
where
    &'h (): InsideComponent,
{
    use_update::__call(unreachable!("{}", OUTSIDE))
}
