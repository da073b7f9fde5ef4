//! Components in the tree: the [`Component`] trait that `#[component]` implements, its type-erased
//! form, and the node that holds one in an [`Element`].

use std::any::{Any, TypeId};
use std::sync::Arc;

use super::{Element, Key};
use crate::scope::HookContext;

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

/// A mounted component: its props (the component value itself) and an optional key.
#[derive(Clone)]
pub(crate) struct ComponentNode {
    pub(crate) key: Option<Key>,
    pub(crate) props: Arc<dyn AnyComponent>,
    /// The component's type, kept here so matching a list of components makes no virtual calls.
    pub(crate) ty: TypeId,
}

impl PartialEq for ComponentNode {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key && (Arc::ptr_eq(&self.props, &other.props) || self.props.eq_any(&*other.props))
    }
}
