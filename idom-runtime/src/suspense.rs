//! Renders that finish later: the future an async component hands the layout, the fallback it
//! shows meanwhile, and [`Suspense`], which gives that fallback to the async components inside it.
//!
//! `#[component] async fn` splits its body in two. The statements up to its last hook call run
//! in the render, as in any component; the rest, with every `.await`, becomes a future that the
//! expansion hands to [`suspend`] together with the component's own fallback
//! (`#[component(fallback = ...)]`), if it has one. The layout polls that future at once: ready
//! already, its element is the render's output and no fallback is ever shown; still pending, the
//! layout keeps it in the component's instance and shows the fallback until the future's waker
//! fires and a poll finishes it. What the layout does with the future (polling, restarting,
//! cancelling, routing a failure) is `layout/suspend.rs`.
//!
//! A component with no fallback of its own shows the fallback of the nearest [`Suspense`] above
//! it, in its own place: each pending component shows one, and everything else inside the
//! `Suspense` renders and stays interactive. Without a `Suspense` it shows nothing meanwhile.

use std::cell::Cell;
use std::fmt;
use std::future::Future;
use std::pin::Pin;

use idom_macros::component;

use crate::hooks::HookContext;
use crate::{Component, Element};

/// The future of an unfinished render: the element, or the message of the error it returned.
pub(crate) type RenderFuture = Pin<Box<dyn Future<Output = Result<Element, String>> + Send>>;

/// What the body of an async component may end with: an [`Element`], or a `Result` whose error
/// is shown as a render panic is (the nearest [`ErrorBoundary`](crate::ErrorBoundary)'s fallback,
/// or the error node).
#[diagnostic::on_unimplemented(
    message = "an async component returns `Element` or `Result<Element, E>` with `E: Display`, not `{Self}`",
    label = "this component returns `{Self}`"
)]
pub trait RenderResult {
    /// The element, or the error's message.
    fn into_render(self) -> Result<Element, String>;
}

impl RenderResult for Element {
    fn into_render(self) -> Result<Element, String> {
        Ok(self)
    }
}

impl<E: fmt::Display> RenderResult for Result<Element, E> {
    fn into_render(self) -> Result<Element, String> {
        self.map_err(|e| e.to_string())
    }
}

/// The end of an async component's render, as `#[component] async fn` expands it: hands the
/// layout `body` (the rest of the component's body, after its hooks) and returns what to show
/// until it finishes: `fallback`, or else the nearest [`Suspense`]'s fallback, or else nothing.
pub fn suspend<O, F>(cx: &mut HookContext<'_>, fallback: Option<Element>, body: F) -> Element
where
    O: RenderResult,
    F: Future<Output = O> + Send + 'static,
{
    let future: RenderFuture = Box::pin(async move { body.await.into_render() });
    cx.suspend_render(Box::new(future));
    fallback.unwrap_or_else(|| suspense_fallback(cx))
}

/// The fallback of the nearest [`Suspense`] above the rendering component, marked as shown; empty
/// without one. A component inside a shown fallback looks past the `Suspense` the fallback came
/// from, so a fallback that itself suspends cannot show itself inside itself.
fn suspense_fallback(cx: &HookContext<'_>) -> Element {
    let inside_fallbacks = Cell::new(0usize);
    let found = cx.find_ancestor(|props, _| {
        if props.is::<ShownFallback>() {
            inside_fallbacks.set(inside_fallbacks.get() + 1);
        } else if let Some(suspense) = props.downcast_ref::<Suspense>() {
            match inside_fallbacks.get() {
                0 => return Some(suspense.fallback.clone()),
                n => inside_fallbacks.set(n - 1),
            }
        }
        None
    });
    found.map_or_else(Element::empty, |fallback| Element::component(ShownFallback(fallback)))
}

/// A [`Suspense`]'s fallback where a pending component shows it.
#[derive(Clone, PartialEq)]
struct ShownFallback(Element);

impl Component for ShownFallback {
    fn render(&self, _: &mut HookContext<'_>) -> Element {
        self.0.clone()
    }

    fn name(&self) -> &'static str {
        "SuspenseFallback"
    }
}

/// Gives a fallback to the async components inside it: each one that is loading and has no
/// fallback of its own (`#[component(fallback = ...)]`) shows `fallback` in its own place until
/// its render finishes. Everything else inside renders as usual and stays interactive, and each
/// component shows its content as soon as its own render finishes.
///
/// ```
/// use idom::prelude::*;
///
/// #[component]
/// async fn Greeting(name: String) -> Element {
///     tokio::task::yield_now().await;
///     html! { <p>"Hello, " {name}</p> }
/// }
///
/// #[component]
/// fn Page() -> Element {
///     let loading = html! { <p>"Loading..."</p> };
///     html! {
///         <Suspense fallback={loading}>
///             <Greeting name="Ada" />
///             <Greeting name="Alan" />
///         </Suspense>
///     }
/// }
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let mut layout = Layout::new(Page);
/// layout.render().await;
/// assert_eq!(layout.model()["children"][0]["children"][0], "Loading...");
/// assert_eq!(layout.model()["children"][1]["children"][0], "Loading...");
/// layout.render().await;
/// assert_eq!(layout.model()["children"][0]["children"][0], "Hello, Ada");
/// assert_eq!(layout.model()["children"][1]["children"][0], "Hello, Alan");
/// # });
/// ```
#[component]
pub fn Suspense(
    /// What a loading component inside shows, unless it has a fallback of its own.
    fallback: Element,
    /// The content.
    children: Element,
) -> Element {
    // The fallback is read by the components below (`suspense_fallback`), not rendered here.
    drop(fallback);
    children
}
