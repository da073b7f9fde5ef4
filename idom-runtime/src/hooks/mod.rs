//! Hooks: per-instance state of components, stored by the [`Layout`].
//!
//! Every mounted component instance owns a list of hook slots. A render walks the slots in order:
//! the n-th hook call of a render gets the n-th slot, created on the first render. That is why
//! hooks must be called unconditionally and in a fixed order, a rule `#[component]` and `#[hook]`
//! check at compile time (see the guide on hooks).
//!
//! Nothing here is global or thread-local: the slots live in the layout, and the handles hooks
//! return (state setters, dispatchers, refs) are `Clone + Send + Sync` values that queue a
//! re-render of their component and wake the layout, from any thread or task.
//!
//! # Calling convention
//! Each hook is a pair of items with one name: a hidden `struct use_x {}` whose `__call` takes the
//! [`HookContext`] (this is what the macros call), and a `fn use_x` that only exists so that calling
//! a hook from a plain function is a compile error saying "hooks can only be called from
//! \#\[component\] or \#\[hook\] functions".

mod context;
mod effect;
mod memo;
mod reducer;
mod reference;
mod state;
mod update;

pub use context::{Context, create_context, use_context};
pub use effect::{AsyncEffect, EffectOutput, NoCleanup, WithCleanup, use_effect};
pub use memo::{use_callback, use_memo};
pub use reducer::{Dispatch, StateRef, use_reducer};
pub use reference::{UseRef, use_ref};
pub use state::{UseStateSetter, use_state};
pub use update::{UpdateHandle, use_update};

pub use crate::scope::HookContext;
pub(crate) use crate::scope::{EffectJob, EffectResult, EffectSlot, ScopeSignal};

/// Marks the only place hooks may be called. Implemented for a private type only, so a direct
/// call of a hook from a plain function fails to compile with this trait's message.
#[doc(hidden)]
#[diagnostic::on_unimplemented(
    message = "hooks can only be called from #[component] or #[hook] functions",
    label = "hook called outside a component or hook",
    note = "call it at the top level of a function marked #[component], or of a custom hook marked #[hook] (named `use_*`)"
)]
pub trait InsideComponent {}

#[allow(dead_code)]
struct HookScopeToken;

/// The message of the (never reached) body of a hook's guard function.
pub(crate) const OUTSIDE: &str = "hooks are called through #[component] and #[hook]";
impl InsideComponent for HookScopeToken {}

// ---------------------------------------------------------------------------------------------
// use_location lives with the server's other location code; it stays reachable from here.

pub use crate::server::{Location, provide_location, use_location};
