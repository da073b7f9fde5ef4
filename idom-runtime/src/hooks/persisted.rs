//! `use_persisted_state`: state that survives its session moving to another process.

use std::sync::LazyLock;

use idom_macros::hook;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::{Context, UseStateSetter, create_context, use_context, use_state};
use crate::Element;
use crate::cluster::SessionStore;

static STORE: LazyLock<Context<Option<SessionStore>>> = LazyLock::new(|| create_context(None));

/// Provides `store` to `root`: its [`use_persisted_state`] hooks read and write it. The server
/// does this for every per-client session.
pub fn provide_session_store(store: SessionStore, root: impl Into<Element>) -> Element {
    STORE.provide(Some(store), root)
}

/// Sets a [`use_persisted_state`]: the component re-renders and the value is saved.
pub struct PersistedSetter<T> {
    state: UseStateSetter<T>,
    store: Option<SessionStore>,
    key: String,
}

impl<T> Clone for PersistedSetter<T> {
    fn clone(&self) -> Self {
        PersistedSetter { state: self.state.clone(), store: self.store.clone(), key: self.key.clone() }
    }
}

impl<T> PartialEq for PersistedSetter<T> {
    fn eq(&self, other: &Self) -> bool {
        self.state == other.state
    }
}

impl<T> std::fmt::Debug for PersistedSetter<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PersistedSetter").field("key", &self.key).finish_non_exhaustive()
    }
}

impl<T: Serialize + Clone + PartialEq + Send + 'static> PersistedSetter<T> {
    /// Replaces the value: the component re-renders if it changed, and the session's persisted
    /// state is saved (in the background, retried while the backend is away).
    pub fn set(&self, value: T) {
        self.persist(&value);
        self.state.set(value);
    }

    /// Computes the new value from the current one (`set.update(|c| c + 1)`).
    pub fn update(&self, f: impl FnOnce(&T) -> T) {
        let value = f(&self.state.get());
        self.set(value);
    }

    /// The latest value, including one not rendered yet.
    pub fn get(&self) -> T {
        self.state.get()
    }

    fn persist(&self, value: &T) {
        let Some(store) = &self.store else { return };
        match serde_json::to_value(value) {
            Ok(json) => store.put(&self.key, json),
            Err(e) => tracing::error!(key = self.key, error = %e, "state not persisted: it does not serialise"),
        }
    }
}

/// State that survives its session: like [`use_state`](super::use_state), but saved under `key`
/// in the session's persisted state whenever it is set, and restored from there when the session
/// comes back, on this process or, with a shared backend such as Redis, on another one after its
/// process went away. `init` gives the value when there is nothing to restore.
///
/// Only these values survive a move to another process: every other hook (`use_state`,
/// `use_ref`, effects and their tasks) starts afresh there, and the page is rendered again from
/// its URL. Persisted state lives as long as the server's resume window after the last change
/// (60 s by default). A value that does not read back as `T` (the app changed the type since it
/// was saved) is dropped with a warning, and `init` is used. Outside a per-client session (a
/// shared view, a test without a store) it is plain state.
///
/// ```
/// use idom::prelude::*;
/// use idom::hooks::use_persisted_state;
///
/// #[component]
/// fn Draft() -> Element {
///     let (text, set_text) = use_persisted_state("draft", String::new);
///     html! {
///         <textarea value={text.clone()}
///             oninput={move |e: Event| set_text.set(e.value().unwrap_or_default().to_owned())} />
///         <p>{text.len()} " characters"</p>
///     }
/// }
/// ```
#[hook]
pub fn use_persisted_state<T, F>(key: &str, init: F) -> (T, PersistedSetter<T>)
where
    T: Serialize + DeserializeOwned + Clone + PartialEq + Send + 'static,
    F: FnOnce() -> T,
{
    let store = use_context(&STORE);
    let (value, state) = use_state(|| {
        let restored = store.as_ref().and_then(|s| s.get(key));
        match restored.map(serde_json::from_value::<T>) {
            Some(Ok(value)) => value,
            Some(Err(e)) => {
                tracing::warn!(
                    key,
                    error = %e,
                    "persisted state does not read as `{}` (did its type change?); dropped, the initial value is used",
                    std::any::type_name::<T>()
                );
                if let Some(store) = &store {
                    store.remove(key);
                }
                init()
            }
            None => init(),
        }
    });
    (value, PersistedSetter { state, store, key: key.to_owned() })
}
