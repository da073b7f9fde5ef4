//! `use_effect`: work after a render, with its cleanup, or an async task cancelled on unmount.

use std::future::Future;

use idom_macros::hook;

use super::{EffectJob, EffectResult, EffectSlot, use_hook_context};

/// Marker: the effect returns nothing.
#[doc(hidden)]
#[derive(Debug)]
pub struct NoCleanup;
/// Marker: the effect returns a cleanup function.
#[doc(hidden)]
#[derive(Debug)]
pub struct WithCleanup;
/// Marker: the effect is async.
#[doc(hidden)]
#[derive(Debug)]
pub struct AsyncEffect;

/// What an effect may return: `()`, a cleanup function run before the next run and on unmount,
/// or a future (an async effect) cancelled on unmount or when the dependencies change.
#[diagnostic::on_unimplemented(
    message = "an effect must return `()`, a cleanup closure `FnOnce() + Send + 'static`, or a `Future<Output = ()> + Send + 'static`",
    label = "this effect returns `{Self}`"
)]
pub trait EffectOutput<M> {
    #[doc(hidden)]
    fn into_result(self) -> EffectResult;
}

impl EffectOutput<NoCleanup> for () {
    fn into_result(self) -> EffectResult {
        EffectResult::default()
    }
}

impl<F: FnOnce() + Send + 'static> EffectOutput<WithCleanup> for F {
    fn into_result(self) -> EffectResult {
        EffectResult { cleanup: Some(Box::new(self)), task: None }
    }
}

impl<F: Future<Output = ()> + Send + 'static> EffectOutput<AsyncEffect> for F {
    fn into_result(self) -> EffectResult {
        EffectResult { cleanup: None, task: Some(Box::pin(self)) }
    }
}

/// Runs `effect` after the render that first mounts the component and again whenever `deps`
/// changes (compare with `==`; pass `()` to run once). The effect may return a cleanup closure,
/// run before the next run and on unmount, or be async (`move || async move { ... }`), in which
/// case it runs as a task that is cancelled on unmount or when `deps` changes.
///
/// ```
/// use idom::prelude::*;
///
/// #[component]
/// fn Clock() -> Element {
///     let (ticks, set_ticks) = use_state(|| 0u64);
///     use_effect(move || async move {
///         loop {
///             tokio::time::sleep(std::time::Duration::from_secs(1)).await;
///             set_ticks.update(|t| t + 1);
///         }
///     }, ());
///     html! { <p>"Ticks: " {ticks}</p> }
/// }
/// ```
#[hook]
pub fn use_effect<F, R, M, D>(effect: F, deps: D)
where
    F: FnOnce() -> R + Send + 'static,
    R: EffectOutput<M>,
    D: PartialEq + Send + 'static,
{
    let cx = use_hook_context();
    let mut first = false;
    let (index, slot) = cx.slot(|_| {
        first = true;
        EffectSlot { deps: Box::new(()), cleanup: None, task: None }
    });
    let changed = first || slot.deps.downcast_ref::<D>() != Some(&deps);
    if changed {
        slot.deps = Box::new(deps);
        let scope = cx.scope;
        cx.effects.push(EffectJob { scope, slot: index, run: Box::new(move || effect().into_result()) });
    }
}
