//! Navigation: the hooks on a session's [`ClientLink`] ([`use_location`], [`use_navigate`],
//! [`use_title`]) and the context that hands the link down.
//!
//! # Design
//!
//! A per-client session owns one [`ClientLink`] and provides it to its root
//! ([`provide_client_link`]). The link holds what the server knows of the browser's page, the
//! [`Location`] and the title, and a small outbox of [`ClientCommand`]s for the browser (history
//! changes and the title today; the session sends them as protocol messages between updates).
//!
//! - **Readers re-render.** [`use_location`] subscribes its component to the link (the
//!   subscription lives in the reader's hook slot and leaves with it on unmount); a location that
//!   changes marks every reader, so the page re-renders without a reload.
//! - **Two directions.** The browser moves (a link click or back and forward) and the session
//!   calls [`ClientLink::arrived`]; the app moves ([`Navigate::push`], [`Navigate::replace`], a
//!   query setter) and the link queues a [`ClientCommand::Location`] so the browser's URL bar
//!   follows with `pushState` / `replaceState`.
//! - **Paths are the app's.** A [`Location`]'s path is relative to the app's prefix (`/` is the
//!   prefix itself), whether the app is served at `/` or under `/admin/`; the link adds the prefix
//!   (its `base`) to every URL it sends the browser and strips it from every one it receives.
//! - **Per-client only.** A shared view has one layout for every client, so it has one location
//!   and no link: there [`Navigate`] logs an error and does nothing, and the browser client keeps
//!   links as ordinary page loads.
//!
//! The link is plain data and a [`Notify`]: it needs no transport, so prerendering and headless
//! tests use it too ([`ClientLink::take_commands`]).

use std::sync::LazyLock;

use idom_macros::hook;

use super::{Context, create_context, use_context, use_hook_context};
use crate::Element;
use crate::browser::{ClientLink, LinkReader, Location};

static LINK: LazyLock<Context<Option<ClientLink>>> = LazyLock::new(|| create_context(None));

/// Provides `link` to `root`: its [`use_location`], [`use_navigate`], [`use_title`] and the
/// query hooks read and move it. The server does this for every per-client session.
pub fn provide_client_link(link: ClientLink, root: impl Into<Element>) -> Element {
    LINK.provide(Some(link), root)
}

/// Provides a fixed `location` to `root`: a [`ClientLink`] at `location` for an app served at
/// `/`, which nothing outside reads. For prerendering and tests.
pub fn provide_location(location: Location, root: impl Into<Element>) -> Element {
    provide_client_link(ClientLink::new("", location), root)
}

/// The session's [`ClientLink`], if this component renders under one.
#[hook]
pub fn use_client_link() -> Option<ClientLink> {
    use_context(&LINK)
}

/// Where the page is: the [`Location`] of this session's page, its path relative to the app's
/// prefix. The component re-renders when it changes (a link click, back or forward,
/// [`use_navigate`]). Empty outside a session.
///
/// ```
/// use idom::prelude::*;
/// use idom::hooks::{ClientLink, provide_client_link};
/// use idom::Location;
///
/// #[component]
/// fn Here() -> Element {
///     let here = use_location();
///     html! { <p>{here.path}</p> }
/// }
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let link = ClientLink::new("/", Location { path: "/a".into(), query: String::new() });
/// let mut layout = Layout::from_element(provide_client_link(link.clone(), html! { <Here /> }));
/// layout.render().await;
/// link.push("/b");
/// layout.render().await;
/// assert_eq!(layout.model()["children"][0]["children"][0], "/b");
/// # });
/// ```
#[hook]
pub fn use_location() -> Location {
    let link = use_context(&LINK);
    let cx = use_hook_context();
    let signal = cx.signal();
    let (_, reader) = cx.slot(|_| None::<(ClientLink, LinkReader)>);
    let Some(link) = link else {
        *reader = None;
        return Location::default();
    };
    if reader.as_ref().is_none_or(|(subscribed, _)| *subscribed != link) {
        *reader = Some((link.clone(), link.subscribe(signal)));
    }
    link.location()
}

/// Moves the page from event handlers: what [`use_navigate`] returns. Cheap to clone.
#[derive(Clone, PartialEq, Debug)]
pub struct Navigate {
    link: Option<ClientLink>,
}

impl Navigate {
    /// Goes to `path` (the app's path, `/users/7?tab=info`), adding a history entry: the
    /// location's readers re-render and the browser's URL bar follows, without a reload.
    pub fn push(&self, path: &str) {
        match &self.link {
            Some(link) => link.push(path),
            None => refused(path),
        }
    }

    /// Goes to `path` replacing the current history entry (back skips it).
    pub fn replace(&self, path: &str) {
        match &self.link {
            Some(link) => link.replace(path),
            None => refused(path),
        }
    }
}

fn refused(path: &str) {
    tracing::error!(
        path,
        "navigation refused: there is no per-client session here (a shared view shows one location to every client)"
    );
}

/// A handle to move the page without a reload: `navigate.push("/users/7")` or
/// `navigate.replace(..)`. Per-client sessions only: in a shared view it logs an error and
/// does nothing.
///
/// ```
/// use idom::prelude::*;
///
/// #[component]
/// fn Back() -> Element {
///     let navigate = use_navigate();
///     html! { <button onclick={move |_| navigate.push("/")}>"Home"</button> }
/// }
/// ```
#[hook]
pub fn use_navigate() -> Navigate {
    Navigate { link: use_context(&LINK) }
}

/// Sets the page's `document.title` to `title`, on this render and whenever it changes; the
/// prerendered page carries it too. When several components set one, the last to render wins.
///
/// ```
/// use idom::prelude::*;
///
/// #[component]
/// fn User(id: u64) -> Element {
///     use_title(&format!("User {id}"));
///     html! { <h1>"User " {id}</h1> }
/// }
/// ```
#[hook]
pub fn use_title(title: &str) {
    if let Some(link) = use_context(&LINK) {
        link.set_title(title);
    }
}
