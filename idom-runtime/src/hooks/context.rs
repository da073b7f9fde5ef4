//! Context: a value handed down the tree without props, and `use_context` to read it.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, Weak};

use idom_macros::hook;

use super::{HookContext, ScopeSignal, use_hook_context};
use crate::Element;
use crate::component::Component;
use crate::sync::OrPoisoned as _;

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

shared_handle!(Context<T>, inner);

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
    readers: Mutex<Readers>,
}

/// The components reading one provider, each under the number its [`Subscription`] holds, in the
/// order they subscribed (so they are queued in a stable order when the value changes).
#[derive(Default)]
struct Readers {
    next: u64,
    signals: BTreeMap<u64, Arc<ScopeSignal>>,
}

/// A reader's place in its provider's [`Readers`], kept in the reader's hook slot. The slot is
/// dropped when the reader unmounts, and with it the place: a provider whose value never changes
/// keeps only the readers that are mounted.
struct Subscription<T> {
    provider: Weak<ProviderState<T>>,
    number: u64,
}

impl<T> Subscription<T> {
    fn new(provider: &Arc<ProviderState<T>>, signal: Arc<ScopeSignal>) -> Self {
        let mut readers = provider.readers.lock().or_poisoned();
        let number = readers.next;
        readers.next += 1;
        readers.signals.insert(number, signal);
        Subscription { provider: Arc::downgrade(provider), number }
    }

    fn is_to(&self, provider: &Arc<ProviderState<T>>) -> bool {
        std::ptr::eq(self.provider.as_ptr(), Arc::as_ptr(provider))
    }
}

impl<T> Drop for Subscription<T> {
    fn drop(&mut self) {
        if let Some(provider) = self.provider.upgrade() {
            provider.readers.lock().or_poisoned().signals.remove(&self.number);
        }
    }
}

#[derive(PartialEq)]
struct ContextProvider<T> {
    context: Context<T>,
    value: T,
    children: Element,
}

impl<T: Clone + PartialEq + Send + Sync + 'static> Component for ContextProvider<T> {
    fn render(&self, cx: &mut HookContext<'_>) -> Element {
        let (_, state) =
            cx.slot(|_| Arc::new(ProviderState { value: Mutex::new(self.value.clone()), readers: Mutex::default() }));
        let mut value = state.value.lock().or_poisoned();
        if *value != self.value {
            *value = self.value.clone();
            drop(value);
            // Readers stay subscribed until they unmount; marking one twice queues it once.
            for reader in state.readers.lock().or_poisoned().signals.values() {
                reader.mark();
            }
        }
        self.children.clone()
    }

    fn name(&self) -> &'static str {
        "ContextProvider"
    }
}

/// The value of the nearest provider of `context` above this component, or its default. The
/// component re-renders when the provided value changes; it subscribes to the provider on its
/// first render and leaves it when it unmounts.
#[hook]
pub fn use_context<T: Clone + PartialEq + Send + Sync + 'static>(context: &Context<T>) -> T {
    let cx = use_hook_context();
    let found = cx.find_ancestor(|props, hooks| {
        let provider = props.downcast_ref::<ContextProvider<T>>()?;
        if provider.context != *context {
            return None;
        }
        hooks.first()?.downcast_ref::<Arc<ProviderState<T>>>().cloned()
    });
    let signal = found.as_ref().map(|_| cx.signal());
    let (_, subscription) = cx.slot(|_| None::<Subscription<T>>);
    match (found, signal) {
        (Some(state), Some(signal)) => {
            // The provider above an instance stays the same, but a provider's props may name
            // another context: then the reader moves to the provider it finds now.
            if !subscription.as_ref().is_some_and(|s| s.is_to(&state)) {
                *subscription = Some(Subscription::new(&state, signal));
            }
            state.value.lock().or_poisoned().clone()
        }
        _ => {
            *subscription = None;
            context.inner.default.clone()
        }
    }
}
