//! [`Callback`]: functions with an identity, so they can be props; and the element of a component
//! as `html!` builds it. The [`Component`] trait itself lives with the elements that hold it.

use std::fmt;
use std::sync::Arc;

use crate::Element;
pub use crate::vdom::Component;

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
