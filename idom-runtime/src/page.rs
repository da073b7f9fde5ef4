//! A prerendered page: its HTML and its HTTP status, for a location. This is what the server
//! calls to answer a page request (the router sets the status; see [`crate::router`]).

use crate::hooks::{Location, provide_location};
use crate::prerender::render_to_html_with;
use crate::router::Status;
use crate::{Component, Element};

/// The first HTML of a page and the HTTP status to send it with.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Prerendered {
    /// The HTML of the root's first render (see [`render_to_html`](crate::render_to_html)).
    pub html: String,
    /// The status the render set ([`Status`]): 200 unless the router showed its fallback (404)
    /// or a component set another.
    pub status: u16,
}

/// Renders the component `root` once at `location` (provided as with [`provide_location`]), with a [`Status`]
/// cell provided, and returns the HTML and the status the render set.
///
/// ```
/// use idom::prelude::*;
/// use idom::router::{Router, Routes, prerender_page};
///
/// #[component]
/// fn App() -> Element {
///     html! { <Router routes={Routes::new().route("/", |()| "home")} /> }
/// }
/// let page = prerender_page(App, idom::Location { path: "/nowhere".into(), query: String::new() });
/// assert_eq!((page.html.as_str(), page.status), ("", 404));
/// ```
pub fn prerender_page<C: Component>(root: C, location: Location) -> Prerendered {
    prerender_element(Element::component(root), location, false)
}

/// [`prerender_page`] of any root element, keeping script URLs when `trusted` (the server's path).
pub(crate) fn prerender_element(root: Element, location: Location, trusted: bool) -> Prerendered {
    let status = Status::new();
    let html = render_to_html_with(provide_location(location, status.provide(root)), trusted);
    Prerendered { html, status: status.get() }
}

/// [`prerender_element`] that gives async components up to `budget` to finish (see
/// [`render_to_html_within`](crate::render_to_html_within)): the server's path.
#[cfg(feature = "server")]
pub(crate) async fn prerender_element_within(
    root: Element,
    location: Location,
    trusted: bool,
    budget: std::time::Duration,
) -> Prerendered {
    let status = Status::new();
    let root = provide_location(location, status.provide(root));
    let html = crate::prerender::render_to_html_within_with(root, trusted, budget).await;
    Prerendered { html, status: status.get() }
}
