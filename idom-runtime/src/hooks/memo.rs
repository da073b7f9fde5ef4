//! `use_memo` and `use_callback`: values kept across renders until their dependencies change.

#![allow(non_camel_case_types)]

use super::{HookContext, InsideComponent, OUTSIDE};
use crate::component::Callback;

#[doc(hidden)]
pub struct use_memo {}

impl use_memo {
    #[doc(hidden)]
    pub fn __call<T, F, D>(cx: &mut HookContext<'_>, compute: F, deps: D) -> T
    where
        T: Clone + Send + 'static,
        F: FnOnce() -> T,
        D: PartialEq + Send + 'static,
    {
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
}

/// Computes a value on the first render and again only when `deps` changes.
#[allow(unreachable_code, unused_variables)]
pub fn use_memo<'h, T, F, D>(compute: F, deps: D) -> T
where
    &'h (): InsideComponent,
    T: Clone + Send + 'static,
    F: FnOnce() -> T,
    D: PartialEq + Send + 'static,
{
    use_memo::__call(unreachable!("{}", OUTSIDE), compute, deps)
}

#[doc(hidden)]
pub struct use_callback {}

impl use_callback {
    #[doc(hidden)]
    pub fn __call<A, R, F, D>(cx: &mut HookContext<'_>, f: F, deps: D) -> Callback<A, R>
    where
        A: 'static,
        R: 'static,
        F: Fn(A) -> R + Send + Sync + 'static,
        D: PartialEq + Send + 'static,
    {
        use_memo::__call(cx, move || Callback::from(f), deps)
    }
}

/// A [`Callback`] that stays equal across renders until `deps` changes, so passing it as a prop
/// does not re-render a memoised child.
#[allow(unreachable_code, unused_variables)]
pub fn use_callback<'h, A, R, F, D>(f: F, deps: D) -> Callback<A, R>
where
    &'h (): InsideComponent,
    A: 'static,
    R: 'static,
    F: Fn(A) -> R + Send + Sync + 'static,
    D: PartialEq + Send + 'static,
{
    use_callback::__call(unreachable!("{}", OUTSIDE), f, deps)
}
