//! `use_reducer`: state changed only by a reducer, read through a shared snapshot.

use std::fmt;
use std::sync::{Arc, Mutex};

use idom_macros::hook;

use super::{ScopeSignal, use_hook_context};
use crate::Element;
use crate::sync::OrPoisoned as _;

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

shared_handle!(Dispatch<A>, send);

/// State managed by a reducer `fn(&state, action) -> state`: returns a [`StateRef`] to the
/// state (it derefs to the state, which is never copied to be read) and a [`Dispatch`]. An action
/// whose new state equals the old one does not re-render. The reducer of the first render is kept.
#[hook]
pub fn use_reducer<S, A, R, I>(reducer: R, init: I) -> (StateRef<S>, Dispatch<A>)
where
    S: PartialEq + Send + Sync + 'static,
    A: 'static,
    R: Fn(&S, A) -> S + Send + Sync + 'static,
    I: FnOnce() -> S,
{
    let cx = use_hook_context();
    let (_, (cell, dispatch)) = cx.slot(|cx| {
        let state = Mutex::new(Arc::new(init()));
        let cell = Arc::new(ReducerCell { state, reducer: Box::new(reducer), signal: cx.signal() });
        let target = cell.clone();
        let dispatch = Dispatch {
            send: Arc::new(move |action: A| {
                let mut state = target.state.lock().or_poisoned();
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
    let state = StateRef(cell.state.lock().or_poisoned().clone());
    (state, dispatch.clone())
}
