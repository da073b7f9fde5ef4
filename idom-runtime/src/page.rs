//! A prerendered page: its HTML and its HTTP status, for a location. This is what the server
//! calls to answer a page request (the router sets the status; see [`crate::router`]).

use crate::hooks::{ClientLink, Location, provide_client_link};
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
    /// The title the render set with [`use_title`](crate::hooks::use_title), if any.
    pub title: Option<String>,
}

/// Renders the component `root` once at `location` (in a [`ClientLink`] of its own), with a
/// [`Status`] cell provided, and returns the HTML, the status and the title the render set.
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
    let link = ClientLink::new("", location);
    let html = render_to_html_with(provide_client_link(link.clone(), status.provide(root)), trusted);
    Prerendered { html, status: status.get(), title: link.title() }
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
    let link = ClientLink::new("", location);
    let root = provide_client_link(link.clone(), status.provide(root));
    let html = crate::prerender::render_to_html_within_with(root, trusted, budget).await;
    Prerendered { html, status: status.get(), title: link.title() }
}
