//! Components: the [`Component`] trait that `#[component]` implements, and [`Callback`].

use std::any::Any;
use std::fmt;
use std::sync::Arc;

use crate::Element;
use crate::hooks::HookContext;

/// A component: a value holding its props that renders to an [`Element`] using hooks.
///
/// You normally get this from `#[component]`, which turns `fn Row(id: usize) -> Element` into a
/// props struct `Row { id }` implementing this trait. Props compare with `PartialEq`: a component
/// whose props did not change and whose state is clean is not re-rendered.
pub trait Component: PartialEq + Send + Sync + 'static {
    /// Renders the component. Hooks are called against `cx`, in the same order on every render.
    fn render(&self, cx: &mut HookContext<'_>) -> Element;

    /// The component's name, for error messages and debugging.
    fn name(&self) -> &'static str {
        let full = std::any::type_name::<Self>();
        let base = full.split('<').next().unwrap_or(full);
        base.rsplit("::").next().unwrap_or(base)
    }
}

/// A component behind a pointer, with its props comparable across types.
pub(crate) trait AnyComponent: Send + Sync {
    fn render(&self, cx: &mut HookContext<'_>) -> Element;
    fn name(&self) -> &'static str;
    fn eq_any(&self, other: &dyn AnyComponent) -> bool;
    fn as_any(&self) -> &dyn Any;
}

impl<C: Component> AnyComponent for C {
    fn render(&self, cx: &mut HookContext<'_>) -> Element {
        Component::render(self, cx)
    }
    fn name(&self) -> &'static str {
        Component::name(self)
    }
    fn eq_any(&self, other: &dyn AnyComponent) -> bool {
        other.as_any().downcast_ref::<C>().is_some_and(|o| self == o)
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// Wraps a component in an [`Element`]; used by `html!`.
#[doc(hidden)]
pub fn component_element<C: Component>(component: C) -> Element {
    Element::component(component)
}

/// A function with a stable identity, so it can be a prop: two `Callback`s are equal only when
/// they are clones of one another. Make one with `Callback::from(closure)` or, to keep it equal
/// across renders, with `use_callback`.
///
/// ```
/// use idom_runtime::Callback;
/// let double = Callback::from(|x: i32| x * 2);
/// assert_eq!(double.emit(21), 42);
/// assert_eq!(double, double.clone());
/// assert_ne!(double, Callback::from(|x: i32| x * 2));
/// ```
pub struct Callback<A, R = ()> {
    func: Arc<dyn Fn(A) -> R + Send + Sync>,
}

impl<A, R> Callback<A, R> {
    /// Calls the function.
    pub fn emit(&self, arg: A) -> R {
        (self.func)(arg)
    }
}

impl<A, R, F: Fn(A) -> R + Send + Sync + 'static> From<F> for Callback<A, R> {
    fn from(f: F) -> Self {
        Callback { func: Arc::new(f) }
    }
}

impl<A, R> Clone for Callback<A, R> {
    fn clone(&self) -> Self {
        Callback { func: self.func.clone() }
    }
}

impl<A, R> PartialEq for Callback<A, R> {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.func, &other.func)
    }
}

impl<A, R> fmt::Debug for Callback<A, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Callback({:p})", Arc::as_ptr(&self.func))
    }
}
