//! [`ErrorBoundary`]: the component that catches render panics of its subtree.
//!
//! The boundary itself only renders: its children while nothing failed, its fallback once
//! something did. The routing of a failure (finding the nearest boundary above the failed
//! component, recording the error, queueing the boundary) is the layout's, in `layout/`; the two
//! meet in the boundary's first hook slot, a [`BoundaryState`] that [`catch`] reads and writes.

use std::any::Any;
use std::fmt;
use std::sync::{Arc, Mutex};

use idom_macros::{component, hook};

use crate::hooks::{UpdateHandle, use_hook_context, use_update};
use crate::sync::OrPoisoned as _;
use crate::{Callback, Element};

/// What a render panic under an [`ErrorBoundary`] hands its fallback: which component failed,
/// the panic's message (in debug builds only), and a way to start over.
#[derive(Clone)]
pub struct BoundaryError {
    component: &'static str,
    message: Option<Arc<str>>,
    state: Arc<BoundaryState>,
    update: UpdateHandle,
}

impl BoundaryError {
    /// The name of the component whose render panicked.
    pub fn component(&self) -> &'static str {
        self.component
    }

    /// The panic's message in debug builds; `None` in release builds, so that no internal detail
    /// reaches the browser.
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }

    /// Clears the error and re-mounts the boundary's children with fresh state. Cheap, and
    /// callable from a handler or a task (`onclick={move |_| error.reset()}`).
    pub fn reset(&self) {
        self.state.inner.lock().or_poisoned().caught = None;
        self.update.update();
    }
}

impl PartialEq for BoundaryError {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.state, &other.state) && self.component == other.component && self.message == other.message
    }
}

impl fmt::Debug for BoundaryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BoundaryError").field("component", &self.component).field("message", &self.message).finish()
    }
}

/// A boundary's state, kept in its first hook slot.
#[derive(Default)]
pub(crate) struct BoundaryState {
    inner: Mutex<Caught>,
}

#[derive(Default)]
struct Caught {
    /// The failed component and the panic's message, until a reset.
    caught: Option<(&'static str, Arc<str>)>,
    /// Whether the last render showed the fallback (so the boundary's descendants are the
    /// fallback's, and a failure among them belongs to a boundary further up).
    showing: bool,
}

/// What [`catch`] did with a failure.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Catch {
    /// The boundary recorded it: queue the boundary to render its fallback.
    Caught,
    /// The boundary already holds an error and will replace its children anyway.
    AlreadyCaught,
    /// The failure is inside the boundary's fallback: it belongs to a boundary further up.
    InFallback,
}

/// Offers a render failure to the boundary whose hook slots are `slots`.
pub(crate) fn catch(slots: &[Box<dyn Any + Send>], component: &'static str, message: &str) -> Catch {
    let Some(state) = slots.first().and_then(|s| s.downcast_ref::<Arc<BoundaryState>>()) else {
        // A boundary that has not finished its first render has no children yet.
        return Catch::InFallback;
    };
    let mut inner = state.inner.lock().or_poisoned();
    if inner.showing {
        Catch::InFallback
    } else if inner.caught.is_some() {
        Catch::AlreadyCaught
    } else {
        inner.caught = Some((component, message.into()));
        Catch::Caught
    }
}

#[hook]
fn use_boundary_state() -> Arc<BoundaryState> {
    let cx = use_hook_context();
    let (_, state) = cx.slot(|_| Arc::new(BoundaryState::default()));
    state.clone()
}

/// Catches render panics of the components inside it. While nothing failed it renders its
/// `children`; when a component inside panics while rendering, the boundary unmounts its
/// children (their effects are cleaned up) and renders `fallback` with the [`BoundaryError`]
/// instead, until [`BoundaryError::reset`] re-mounts the children with fresh state. Only the
/// boundary's own nodes change: components outside it never notice. An async component's render
/// that fails later (its future panics or returns an error) is caught the same way.
///
/// Panics in event handlers and effects do not reach a boundary: they are logged with the
/// component's name and the component keeps its last render and its state. A render panic with
/// no boundary above shows an error node in place of the failed component alone. A panic in the
/// fallback goes to the next boundary up.
///
/// ```
/// use idom::prelude::*;
///
/// #[component]
/// fn Fragile() -> Element {
///     panic!("no data");
/// }
///
/// fn oops(error: BoundaryError) -> Element {
///     html! {
///         <div class="oops">
///             "Something went wrong"
///             <button onclick={move |_| error.reset()}>"Try again"</button>
///         </div>
///     }
/// }
///
/// #[component]
/// fn Page() -> Element {
///     html! {
///         <main>
///             <ErrorBoundary fallback={oops}><Fragile /></ErrorBoundary>
///             <p>"The rest of the page"</p>
///         </main>
///     }
/// }
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let mut layout = Layout::new(Page);
/// layout.render().await;
/// let page = layout.model();
/// assert_eq!(page["children"][0]["children"][0]["attributes"]["class"], "oops");
/// assert_eq!(page["children"][0]["children"][1]["children"][0], "The rest of the page");
/// # });
/// ```
#[component]
pub fn ErrorBoundary(
    /// What to show once a component inside failed to render.
    fallback: Callback<BoundaryError, Element>,
    /// What to show while nothing failed.
    children: Element,
) -> Element {
    let state = use_boundary_state();
    let update = use_update();
    let mut inner = state.inner.lock().or_poisoned();
    inner.showing = inner.caught.is_some();
    match inner.caught.clone() {
        None => {
            drop(inner);
            // One place holding the children, so that they and the fallback (at the second
            // place) never match one another: a reset always mounts fresh children.
            Element::fragment([Element::fragment([children])])
        }
        Some((component, message)) => {
            drop(inner);
            let message = cfg!(debug_assertions).then_some(message);
            let error = BoundaryError { component, message, state: state.clone(), update };
            Element::fragment([Element::empty(), fallback.emit(error)])
        }
    }
}
