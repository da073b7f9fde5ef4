//! `use_memo` and `use_callback`: values kept across renders until their dependencies change.

use idom_macros::hook;

use super::use_hook_context;
use crate::component::Callback;

/// Computes a value on the first render and again only when `deps` changes.
#[hook]
pub fn use_memo<T, F, D>(compute: F, deps: D) -> T
where
    T: Clone + Send + 'static,
    F: FnOnce() -> T,
    D: PartialEq + Send + 'static,
{
    let cx = use_hook_context();
    let mut compute = Some(compute);
    let mut deps = Some(deps);
    let (_, slot) = cx.slot(|_| (deps.take(), compute.take().map(|f| f())));
    if let Some(new_deps) = deps
        && slot.0.as_ref() != Some(&new_deps)
    {
        *slot = (Some(new_deps), compute.take().map(|f| f()));
    }
    slot.1.clone().unwrap_or_else(|| unreachable!("memo value is always computed"))
}

/// A [`Callback`] that stays equal across renders until `deps` changes, so passing it as a prop
/// does not re-render a memoised child.
#[hook]
pub fn use_callback<A, R, F, D>(f: F, deps: D) -> Callback<A, R>
where
    A: 'static,
    R: 'static,
    F: Fn(A) -> R + Send + Sync + 'static,
    D: PartialEq + Send + 'static,
{
    use_memo(move || Callback::from(f), deps)
}
