//! Hooks: the state of a component instance that outlives one render.
//!
//! # Design
//! Every mounted component instance owns a list of hook slots, kept by the
//! [`Layout`](crate::Layout) and lent to each render through a [`HookContext`]. Nothing names a
//! slot: the n-th hook call of a render gets the n-th slot, made on the first render. The hooks
//! here never see the layout, its arena or its scheduler; they ask the context for their slot
//! (`cx.slot(init)`), for their component's signal (`cx.signal()`, which queues a re-render) and
//! for an ancestor (`cx.find_ancestor`, for context).
//!
//! Nothing is global or thread-local: the slots live in the layout, and the handles hooks return
//! (setters, dispatchers, refs, update handles) are `Clone + Send + Sync` values that queue a
//! re-render of their component and wake the layout, from any thread or task.
//!
//! **Nothing outlives its component.** A slot is dropped when its component unmounts, so whatever
//! a hook registers elsewhere is undone when the slot goes: a context reader's slot holds its
//! place in the provider's list of readers and gives it back in `Drop`; an effect's cleanup runs
//! and its task is cancelled (the layout does that part, on unmount).
//! `idom-runtime/tests/memory_leak.rs` holds the heap to this under churn.
//!
//! # Calling convention
//! A hook is a pair of items with one name: a hidden `struct use_x {}` whose
//! `use_x::__call(cx, args..)` runs the hook against the [`HookContext`] (the macros rewrite each
//! hook call in a `#[component]` or `#[hook]` body to it), and a `fn use_x(args..)` that carries
//! the documentation and exists so that a call from a plain function is a compile error:
//! "hooks can only be called from #\[component\] or #\[hook\] functions" (its bound on
//! [`InsideComponent`] never holds).
//!
//! The built-in hooks are written with the public `#[hook]`, exactly as an application writes its
//! own, so the pair is generated in one place. The one hand-written pair is the crate-private
//! primitive `use_hook_context`, which hands a `#[hook]` body the raw context its slots and
//! signal come from; `use_callback` and `use_location` do not even need it (they are `use_memo`
//! and `use_context` underneath).
//!
//! # The rules
//! Because slots are found by call order, every render must call the same hooks in the same
//! order: at the top level of a `#[component]` or `#[hook]` body, never in a branch, loop,
//! closure or after an early return. `#[component]` and `#[hook]` check this at compile time (see
//! the guide on hooks); a hook whose slot changed type between renders panics with a message
//! that names the rule.
//!
//! # Files
//! One file per hook: `state` ([`use_state`]), `reducer` ([`use_reducer`]), `effect`
//! ([`use_effect`]), `memo` ([`use_memo`], [`use_callback`]), `reference` ([`use_ref`]), `update`
//! ([`use_update`]), `resource` ([`use_resource`], an async effect and a cell), `context`
//! ([`create_context`], [`use_context`]), `location` ([`Location`], [`use_location`],
//! [`provide_location`] and the one query-string parser, which the server's stream URLs use too).

mod context;
mod effect;
mod memo;
mod navigation;
mod persisted;
mod reducer;
mod reference;
mod resource;
mod state;
mod update;

pub use context::{Context, create_context, use_context};
pub use effect::{AsyncEffect, EffectOutput, NoCleanup, WithCleanup, use_effect};
pub use memo::{use_callback, use_memo, use_memo_list};
pub use persisted::{PersistedSetter, provide_session_store, use_persisted_state};
pub use reducer::{Dispatch, StateRef, use_reducer};
pub use reference::{UseRef, use_ref};
pub use resource::{Resource, use_resource};
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
impl InsideComponent for HookScopeToken {}

/// The message of the (never reached) body of a hand-written hook's guard function.
pub(crate) const OUTSIDE: &str = "hooks are called through #[component] and #[hook]";

/// The primitive under the built-in hooks: the rendering component's [`HookContext`], handed to
/// a `#[hook]` body (whose own context the macro keeps out of reach). Through it a built-in hook
/// takes its slot (`cx.slot(init)`) and its component's signal (`cx.signal()`). The one hook
/// written as the pair by hand; crate-private, like the slots and signals it reaches.
#[allow(non_camel_case_types)]
pub(crate) struct use_hook_context {}

impl use_hook_context {
    pub(crate) fn __call<'a, 'cx>(cx: &'a mut HookContext<'cx>) -> &'a mut HookContext<'cx> {
        cx
    }
}

/// The guard of [`use_hook_context`](struct@use_hook_context): callable only where `#[hook]` and
/// `#[component]` rewrite the call.
#[allow(dead_code)]
pub(crate) fn use_hook_context<'h>() -> !
where
    &'h (): InsideComponent,
{
    unreachable!("{}", OUTSIDE)
}

pub use crate::browser::{Arrival, ClientCommand, ClientLink, ForeignHref, History, Location};
pub use navigation::{
    Navigate, provide_client_link, provide_location, use_client_link, use_location, use_navigate, use_title,
};
