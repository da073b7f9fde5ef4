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

#![allow(non_camel_case_types)]

use std::fmt;
use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard};

use crate::Element;
use crate::component::Callback;
pub use crate::scope::HookContext;
pub(crate) use crate::scope::{EffectJob, EffectResult, EffectSlot, ScopeSignal};
use crate::vdom::Component;

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

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while a state lock was held cannot leave a half-written value (writes are whole
    // assignments), so a poisoned lock is still safe to use.
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

// ---------------------------------------------------------------------------------------------
// use_state

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
        let mut current = lock(&self.cell.value);
        if *current != value {
            *current = value;
            drop(current);
            self.cell.signal.mark();
        }
    }

    /// Computes the new value from the current one (`set.update(|c| c + 1)`); successive updates
    /// compose, even before the component re-renders.
    pub fn update(&self, f: impl FnOnce(&T) -> T) {
        let mut current = lock(&self.cell.value);
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
        lock(&self.cell.value).clone()
    }
}

impl<T> Clone for UseStateSetter<T> {
    fn clone(&self) -> Self {
        UseStateSetter { cell: self.cell.clone() }
    }
}

impl<T> PartialEq for UseStateSetter<T> {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.cell, &other.cell)
    }
}

impl<T> fmt::Debug for UseStateSetter<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("UseStateSetter")
    }
}

#[doc(hidden)]
pub struct use_state {}

impl use_state {
    #[doc(hidden)]
    pub fn __call<T, F>(cx: &mut HookContext<'_>, init: F) -> (T, UseStateSetter<T>)
    where
        T: Clone + PartialEq + Send + 'static,
        F: FnOnce() -> T,
    {
        let (_, cell) = cx.slot(|cx| Arc::new(StateCell { value: Mutex::new(init()), signal: cx.signal() }));
        let value = lock(&cell.value).clone();
        (value, UseStateSetter { cell: cell.clone() })
    }
}

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
#[allow(unreachable_code, unused_variables)]
pub fn use_state<'h, T, F>(init: F) -> (T, UseStateSetter<T>)
where
    &'h (): InsideComponent,
    T: Clone + PartialEq + Send + 'static,
    F: FnOnce() -> T,
{
    use_state::__call(unreachable!("{}", OUTSIDE), init)
}

// ---------------------------------------------------------------------------------------------
// use_reducer

type Reducer<S, A> = Box<dyn Fn(&S, A) -> S + Send + Sync>;

struct ReducerCell<S, A> {
    /// The current state. A render takes a [`StateRef`] to it instead of a copy, so a large state
    /// costs nothing to read; an action that changes it puts the new state in a new `Arc`.
    state: Mutex<Arc<S>>,
    reducer: Reducer<S, A>,
    signal: Arc<ScopeSignal>,
}

/// The state of a `use_reducer` hook as one render saw it: a cheap, shared, immutable snapshot
/// that derefs to the state. Reading it never copies the state, however large; cloning it shares
/// the snapshot.
///
/// ```
/// use idom::hooks::StateRef;
/// use idom::prelude::*;
///
/// #[component]
/// fn Names() -> Element {
///     let (names, dispatch): (StateRef<Vec<String>>, Dispatch<String>) =
///         use_reducer(|names: &Vec<String>, name| [names.clone(), vec![name]].concat(), Vec::new);
///     html! {
///         <p>{names.len()} " names"</p>
///         <ul> for name in names.iter() { <li>{name}</li> } </ul>
///         <button onclick={move |_| dispatch.dispatch("Ada".to_owned())}>"Add"</button>
///     }
/// }
/// # let _ = Layout::new(Names);
/// ```
pub struct StateRef<S>(Arc<S>);

impl<S> std::ops::Deref for StateRef<S> {
    type Target = S;

    fn deref(&self) -> &S {
        &self.0
    }
}

impl<S> AsRef<S> for StateRef<S> {
    fn as_ref(&self) -> &S {
        &self.0
    }
}

impl<S: Clone> StateRef<S> {
    /// The state by value: moved out if this is the last reference, cloned otherwise.
    pub fn into_inner(self) -> S {
        Arc::unwrap_or_clone(self.0)
    }
}

impl<S> Clone for StateRef<S> {
    fn clone(&self) -> Self {
        StateRef(self.0.clone())
    }
}

impl<S: PartialEq> PartialEq for StateRef<S> {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0) || *self.0 == *other.0
    }
}

impl<S: fmt::Debug> fmt::Debug for StateRef<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl<S: fmt::Display> fmt::Display for StateRef<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Iterating a snapshot by value yields owned items (the state is cloned if it is shared);
/// iterate `state.iter()` to borrow instead.
impl<S: Clone + IntoIterator> IntoIterator for StateRef<S> {
    type Item = S::Item;
    type IntoIter = S::IntoIter;

    fn into_iter(self) -> S::IntoIter {
        self.into_inner().into_iter()
    }
}

impl<'a, S> IntoIterator for &'a StateRef<S>
where
    &'a S: IntoIterator,
{
    type Item = <&'a S as IntoIterator>::Item;
    type IntoIter = <&'a S as IntoIterator>::IntoIter;

    fn into_iter(self) -> Self::IntoIter {
        (&*self.0).into_iter()
    }
}

/// A state that renders as a node (a number, a text) renders the same through its snapshot.
impl<S: Clone + Into<Element>> From<StateRef<S>> for Element {
    fn from(state: StateRef<S>) -> Element {
        state.into_inner().into()
    }
}

/// Dispatches actions to a `use_reducer` hook. Cheap to clone, `Send + Sync`.
pub struct Dispatch<A> {
    send: Arc<dyn Fn(A) + Send + Sync>,
}

impl<A> Dispatch<A> {
    /// Applies the reducer to the current state and the action; re-renders if the state changed.
    pub fn dispatch(&self, action: A) {
        (self.send)(action)
    }
}

impl<A> Clone for Dispatch<A> {
    fn clone(&self) -> Self {
        Dispatch { send: self.send.clone() }
    }
}

impl<A> PartialEq for Dispatch<A> {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.send, &other.send)
    }
}

impl<A> fmt::Debug for Dispatch<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Dispatch")
    }
}

#[doc(hidden)]
pub struct use_reducer {}

impl use_reducer {
    #[doc(hidden)]
    pub fn __call<S, A, R, I>(cx: &mut HookContext<'_>, reducer: R, init: I) -> (StateRef<S>, Dispatch<A>)
    where
        S: PartialEq + Send + Sync + 'static,
        A: 'static,
        R: Fn(&S, A) -> S + Send + Sync + 'static,
        I: FnOnce() -> S,
    {
        let (_, (cell, dispatch)) = cx.slot(|cx| {
            let state = Mutex::new(Arc::new(init()));
            let cell = Arc::new(ReducerCell { state, reducer: Box::new(reducer), signal: cx.signal() });
            let target = cell.clone();
            let dispatch = Dispatch {
                send: Arc::new(move |action: A| {
                    let mut state = lock(&target.state);
                    let next = (target.reducer)(&state, action);
                    if **state != next {
                        *state = Arc::new(next);
                        drop(state);
                        target.signal.mark();
                    }
                }),
            };
            (cell, dispatch)
        });
        let state = StateRef(lock(&cell.state).clone());
        (state, dispatch.clone())
    }
}

/// State managed by a reducer `fn(&state, action) -> state`: returns a [`StateRef`] to the
/// state (it derefs to the state, which is never copied to be read) and a [`Dispatch`]. An action
/// whose new state equals the old one does not re-render. The reducer of the first render is kept.
#[allow(unreachable_code, unused_variables)]
pub fn use_reducer<'h, S, A, R, I>(reducer: R, init: I) -> (StateRef<S>, Dispatch<A>)
where
    &'h (): InsideComponent,
    S: PartialEq + Send + Sync + 'static,
    A: 'static,
    R: Fn(&S, A) -> S + Send + Sync + 'static,
    I: FnOnce() -> S,
{
    use_reducer::__call(unreachable!("{}", OUTSIDE), reducer, init)
}

// ---------------------------------------------------------------------------------------------
// use_effect

/// Marker: the effect returns nothing.
#[doc(hidden)]
pub struct NoCleanup;
/// Marker: the effect returns a cleanup function.
#[doc(hidden)]
pub struct WithCleanup;
/// Marker: the effect is async.
#[doc(hidden)]
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

#[doc(hidden)]
pub struct use_effect {}

impl use_effect {
    #[doc(hidden)]
    pub fn __call<F, R, M, D>(cx: &mut HookContext<'_>, effect: F, deps: D)
    where
        F: FnOnce() -> R + Send + 'static,
        R: EffectOutput<M>,
        D: PartialEq + Send + 'static,
    {
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
#[allow(unreachable_code, unused_variables)]
pub fn use_effect<'h, F, R, M, D>(effect: F, deps: D)
where
    &'h (): InsideComponent,
    F: FnOnce() -> R + Send + 'static,
    R: EffectOutput<M>,
    D: PartialEq + Send + 'static,
{
    use_effect::__call(unreachable!("{}", OUTSIDE), effect, deps)
}

// ---------------------------------------------------------------------------------------------
// use_memo, use_callback

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

// ---------------------------------------------------------------------------------------------
// use_ref

/// A mutable value that lives as long as the component instance; changing it does not
/// re-render. Cheap to clone, `Send + Sync`.
pub struct UseRef<T> {
    cell: Arc<Mutex<T>>,
}

impl<T> UseRef<T> {
    /// Replaces the value.
    pub fn set(&self, value: T) {
        *lock(&self.cell) = value;
    }

    /// Reads the value through a closure.
    pub fn with<R>(&self, f: impl FnOnce(&T) -> R) -> R {
        f(&lock(&self.cell))
    }

    /// Changes the value through a closure.
    pub fn with_mut<R>(&self, f: impl FnOnce(&mut T) -> R) -> R {
        f(&mut lock(&self.cell))
    }
}

impl<T: Clone> UseRef<T> {
    /// A copy of the value.
    pub fn get(&self) -> T {
        lock(&self.cell).clone()
    }
}

impl<T> Clone for UseRef<T> {
    fn clone(&self) -> Self {
        UseRef { cell: self.cell.clone() }
    }
}

impl<T> PartialEq for UseRef<T> {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.cell, &other.cell)
    }
}

impl<T> fmt::Debug for UseRef<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("UseRef")
    }
}

#[doc(hidden)]
pub struct use_ref {}

impl use_ref {
    #[doc(hidden)]
    pub fn __call<T: Send + 'static, F: FnOnce() -> T>(cx: &mut HookContext<'_>, init: F) -> UseRef<T> {
        let (_, cell) = cx.slot(|_| UseRef { cell: Arc::new(Mutex::new(init())) });
        cell.clone()
    }
}

/// A [`UseRef`]: a value kept across renders that does not trigger them.
#[allow(unreachable_code, unused_variables)]
pub fn use_ref<'h, T, F>(init: F) -> UseRef<T>
where
    &'h (): InsideComponent,
    T: Send + 'static,
    F: FnOnce() -> T,
{
    use_ref::__call(unreachable!("{}", OUTSIDE), init)
}

// ---------------------------------------------------------------------------------------------
// use_update

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

// ---------------------------------------------------------------------------------------------
// Context

/// A value passed down the tree without props: a provider (`ctx.provide(value, children)`) makes
/// it visible to every component below it, which reads it with `use_context(&ctx)`. Components
/// that read it re-render when the provided value changes, even inside memoised subtrees.
///
/// Create one with [`create_context`], typically once, in a `static`:
/// ```
/// use std::sync::LazyLock;
/// use idom::prelude::*;
///
/// static THEME: LazyLock<Context<&'static str>> = LazyLock::new(|| create_context("light"));
///
/// #[component]
/// fn Themed() -> Element {
///     let theme = use_context(&THEME);
///     html! { <p class={theme}>"themed"</p> }
/// }
///
/// fn app() -> Element {
///     THEME.provide("dark", html! { <Themed /> })
/// }
/// ```
pub struct Context<T> {
    inner: Arc<ContextInner<T>>,
}

struct ContextInner<T> {
    default: T,
}

impl<T> Clone for Context<T> {
    fn clone(&self) -> Self {
        Context { inner: self.inner.clone() }
    }
}

impl<T> PartialEq for Context<T> {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }
}

impl<T> fmt::Debug for Context<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Context({:p})", Arc::as_ptr(&self.inner))
    }
}

/// Creates a [`Context`] whose readers see `default` when no provider is above them.
pub fn create_context<T: Clone + PartialEq + Send + Sync + 'static>(default: T) -> Context<T> {
    Context { inner: Arc::new(ContextInner { default }) }
}

impl<T: Clone + PartialEq + Send + Sync + 'static> Context<T> {
    /// An element that provides `value` to every component in `children`.
    pub fn provide(&self, value: T, children: impl Into<Element>) -> Element {
        Element::component(ContextProvider { context: self.clone(), value, children: children.into() })
    }
}

/// The state a provider keeps: the value and the components reading it.
pub(crate) struct ProviderState<T> {
    value: Mutex<T>,
    readers: Mutex<Vec<Arc<ScopeSignal>>>,
}

#[derive(PartialEq)]
struct ContextProvider<T> {
    context: Context<T>,
    value: T,
    children: Element,
}

impl<T: Clone + PartialEq + Send + Sync + 'static> Component for ContextProvider<T> {
    fn render(&self, cx: &mut HookContext<'_>) -> Element {
        let (_, state) = cx.slot(|_| {
            Arc::new(ProviderState { value: Mutex::new(self.value.clone()), readers: Mutex::new(Vec::new()) })
        });
        let mut value = lock(&state.value);
        if *value != self.value {
            *value = self.value.clone();
            drop(value);
            for reader in lock(&state.readers).drain(..) {
                reader.mark();
            }
        }
        self.children.clone()
    }

    fn name(&self) -> &'static str {
        "ContextProvider"
    }
}

#[doc(hidden)]
pub struct use_context {}

impl use_context {
    #[doc(hidden)]
    pub fn __call<T: Clone + PartialEq + Send + Sync + 'static>(cx: &mut HookContext<'_>, context: &Context<T>) -> T {
        let signal = cx.signal();
        let found = cx.find_ancestor(|props, hooks| {
            let provider = props.downcast_ref::<ContextProvider<T>>()?;
            if provider.context != *context {
                return None;
            }
            hooks.first()?.downcast_ref::<Arc<ProviderState<T>>>().cloned()
        });
        match found {
            Some(state) => {
                let mut readers = lock(&state.readers);
                if !readers.iter().any(|r| Arc::ptr_eq(r, &signal)) {
                    readers.push(signal);
                }
                drop(readers);

                lock(&state.value).clone()
            }
            None => context.inner.default.clone(),
        }
    }
}

/// The value of the nearest provider of `context` above this component, or its default.
#[allow(unreachable_code, unused_variables)]
pub fn use_context<'h, T>(context: &Context<T>) -> T
where
    &'h (): InsideComponent,
    T: Clone + PartialEq + Send + Sync + 'static,
{
    use_context::__call(unreachable!("{}", OUTSIDE), context)
}

// ---------------------------------------------------------------------------------------------
// use_location lives with the server's other location code; it stays reachable from here.

pub use crate::server::{Location, provide_location, use_location};
