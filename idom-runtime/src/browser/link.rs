//! [`ClientLink`]: what the server knows of one session's browser (its [`Location`] and title)
//! and the [`ClientCommand`]s waiting for it.
//!
//! A per-client session owns one link and provides it to its root (see
//! [`provide_client_link`](crate::hooks::provide_client_link)). The browser moves (a link click,
//! back and forward) and the session calls [`ClientLink::arrived`]; the app moves (a
//! [`Navigate`](crate::hooks::Navigate), a query setter) or asks for something (a widget call, a
//! browser action, an upload's URLs) and the link queues a command, which the session sends
//! between updates. Readers of the location subscribe and are re-rendered when it changes. The
//! link is plain data and a [`Notify`]: it needs no transport, so prerendering and headless tests
//! use it too ([`ClientLink::take_commands`]).

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex, Weak};

use tokio::sync::Notify;

use super::{BrowserAction, Location};
use crate::scope::ScopeSignal;
use crate::sync::OrPoisoned as _;

/// How the browser's history takes a new URL.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum History {
    /// A new entry (`history.pushState`): back returns to the page before.
    Push,
    /// The current entry changes in place (`history.replaceState`).
    Replace,
}

/// How the browser moved, as it tells the server.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Arrival {
    /// A click on a link the client intercepted: the server answers with the URL to push.
    Push,
    /// Back or forward: the browser has moved already.
    Pop,
}

/// Something the server asks the browser to do, outside the layout's patches.
#[derive(Clone, PartialEq, Eq, Debug)]
#[non_exhaustive]
pub enum ClientCommand {
    /// Show `href` in the URL bar (pushed or replaced) and, when given, set `document.title`.
    Location {
        /// The full URL path and query, prefix included, e.g. `/app/users/7?tab=info`.
        href: String,
        /// Push or replace.
        how: History,
        /// The new `document.title`, when it changed.
        title: Option<String>,
    },
    /// Where to send the files the client announced as `upload`: one URL per file, in order,
    /// `None` for a file the server refused (its component was told why).
    UploadUrls {
        /// The client's id of the announcement.
        upload: String,
        /// A single-use URL per file, or `None`.
        urls: Vec<Option<String>>,
    },
    /// Call `method` of the mounted widget `widget` with `args`.
    WidgetCall {
        /// The widget's id ([`Widget::id`](crate::widget::Widget::id)).
        widget: String,
        /// The instance's method.
        method: String,
        /// Its argument.
        args: serde_json::Value,
    },
    /// A browser action (focus, scroll, copy, download, eval).
    Action(BrowserAction),
    /// The server takes none of the files announced as `upload`.
    UploadRefused {
        /// The client's id of the announcement.
        upload: String,
        /// A short reason (`too-many`, `no-uploads`...).
        reason: String,
    },
}

/// A URL from the browser that is not a path of this app.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("`{0}` is not a path under the app's prefix")]
pub struct ForeignHref(pub String);

/// Commands waiting for the session beyond this are dropped (the oldest first), with a warning:
/// an app that queues this many without the session sending them has lost its client.
const MAX_QUEUED: usize = 256;

/// The link between one session and its browser: the page's [`Location`] and title as the server
/// knows them, and the commands waiting for the browser. Cheap to clone (one `Arc`), `Send + Sync`.
///
/// The server makes one per per-client session. Tests and tools make their own:
///
/// ```
/// use idom::hooks::{ClientCommand, ClientLink, History};
/// use idom::Location;
///
/// let link = ClientLink::new("/app", Location { path: "/".into(), query: String::new() });
/// link.push("/users/7");
/// assert_eq!(link.location().path, "/users/7");
/// assert_eq!(
///     link.take_commands(),
///     [ClientCommand::Location { href: "/app/users/7".into(), how: History::Push, title: None }]
/// );
/// ```
pub struct ClientLink {
    inner: Arc<LinkInner>,
}

shared_handle!(ClientLink, inner);

struct LinkInner {
    /// The app's prefix without its trailing `/` (`""` for an app served at `/`).
    base: String,
    state: Mutex<LinkState>,
    /// Woken when a command is queued.
    ready: Notify,
}

struct LinkState {
    location: Location,
    title: Option<String>,
    outbox: VecDeque<ClientCommand>,
    readers: BTreeMap<u64, Arc<ScopeSignal>>,
    next_reader: u64,
}

impl ClientLink {
    /// A link for an app served under `prefix` (`""`, `"/"` or e.g. `"/app/"`), at `location`.
    pub fn new(prefix: &str, location: Location) -> ClientLink {
        let base = prefix.trim_end_matches('/').to_owned();
        let state =
            LinkState { location, title: None, outbox: VecDeque::new(), readers: BTreeMap::new(), next_reader: 0 };
        ClientLink { inner: Arc::new(LinkInner { base, state: Mutex::new(state), ready: Notify::new() }) }
    }

    /// Where the page is now.
    pub fn location(&self) -> Location {
        self.inner.state.lock().or_poisoned().location.clone()
    }

    /// The title set last with [`use_title`](crate::hooks::use_title) (or [`set_title`](Self::set_title)), if any.
    pub fn title(&self) -> Option<String> {
        self.inner.state.lock().or_poisoned().title.clone()
    }

    /// The browser's URL (path and query, prefix included) of the current location.
    pub fn href(&self) -> String {
        self.href_of(&self.inner.state.lock().or_poisoned().location)
    }

    fn href_of(&self, location: &Location) -> String {
        let mut href = format!("{}{}", self.inner.base, location.path);
        if !location.query.is_empty() {
            href.push('?');
            href.push_str(&location.query);
        }
        href
    }

    /// The app's location for a URL path (with its query) the browser shows: the prefix is
    /// stripped and a `#fragment` dropped. `None` for anything that is not a path under the
    /// prefix (another origin, `//host`, a backslash, control characters).
    pub fn location_of(&self, href: &str) -> Option<Location> {
        let href = href.split('#').next().unwrap_or("");
        if !href.starts_with('/') || href.starts_with("//") || href.contains('\\') || href.chars().any(char::is_control)
        {
            return None;
        }
        let (path, query) = href.split_once('?').unwrap_or((href, ""));
        let rest = path.strip_prefix(self.inner.base.as_str())?;
        let path = match rest {
            "" => "/",
            _ if rest.starts_with('/') => rest,
            _ => return None, // `/application` is not under `/app`
        };
        Some(Location { path: path.to_owned(), query: query.to_owned() })
    }

    /// The browser moved to `href` (its path and query, prefix included): the location changes
    /// and its readers re-render. After a link click ([`Arrival::Push`]) the browser is told to
    /// push the URL; after back or forward ([`Arrival::Pop`]) it is already there.
    pub fn arrived(&self, href: &str, how: Arrival) -> Result<(), ForeignHref> {
        let location = self.location_of(href).ok_or_else(|| ForeignHref(href.to_owned()))?;
        let history = match how {
            Arrival::Push => Some(History::Push),
            Arrival::Pop => None,
        };
        self.go(location, history);
        Ok(())
    }

    /// Moves to `path` (the app's path, with an optional `?query`), adding a history entry.
    /// A path that does not start with `/` is refused with an error log.
    pub fn push(&self, path: &str) {
        self.go_to(path, History::Push);
    }

    /// Moves to `path` replacing the current history entry.
    pub fn replace(&self, path: &str) {
        self.go_to(path, History::Replace);
    }

    fn go_to(&self, path: &str, how: History) {
        match self.location_of(&format!("{}{path}", self.inner.base)) {
            Some(location) => self.go(location, Some(how)),
            None => tracing::error!(path, "navigation refused: an app path starts with `/` (e.g. `/users/7`)"),
        }
    }

    /// Replaces the query string (without its `?`) of the current location, in place.
    pub fn set_query(&self, query: String) {
        let location = Location { path: self.location().path, query };
        self.go(location, Some(History::Replace));
    }

    /// Sets the page's title: the browser is told when it changes.
    pub fn set_title(&self, title: &str) {
        let mut state = self.inner.state.lock().or_poisoned();
        if state.title.as_deref() == Some(title) {
            return;
        }
        state.title = Some(title.to_owned());
        let href = self.href_of(&state.location);
        self.queue(state, ClientCommand::Location { href, how: History::Replace, title: Some(title.to_owned()) });
    }

    fn go(&self, location: Location, history: Option<History>) {
        let mut state = self.inner.state.lock().or_poisoned();
        if state.location != location {
            state.location = location;
            for reader in state.readers.values() {
                reader.mark();
            }
        }
        if let Some(how) = history {
            let href = self.href_of(&state.location);
            self.queue(state, ClientCommand::Location { href, how, title: None });
        }
    }

    /// Queues `command` for the browser.
    pub fn send(&self, command: ClientCommand) {
        self.queue(self.inner.state.lock().or_poisoned(), command);
    }

    /// Queues `command`. A location right after another one merges with it: the browser needs
    /// only where it ends up (a push wins over a replace, and a title is kept).
    fn queue(&self, mut state: std::sync::MutexGuard<'_, LinkState>, command: ClientCommand) {
        match (state.outbox.back_mut(), command) {
            (
                Some(ClientCommand::Location { href: last_href, how: last_how, title: last_title }),
                ClientCommand::Location { href, how, title },
            ) => {
                *last_href = href;
                if how == History::Push {
                    *last_how = History::Push;
                }
                if title.is_some() {
                    *last_title = title;
                }
            }
            (_, command) => {
                if state.outbox.len() >= MAX_QUEUED {
                    state.outbox.pop_front();
                    tracing::warn!(limit = MAX_QUEUED, "client commands not sent; dropping the oldest");
                }
                state.outbox.push_back(command);
            }
        }
        drop(state);
        self.inner.ready.notify_one();
    }

    /// Takes every command waiting for the browser, oldest first.
    pub fn take_commands(&self) -> Vec<ClientCommand> {
        self.inner.state.lock().or_poisoned().outbox.drain(..).collect()
    }

    /// Waits for the next command for the browser (the session's sending side).
    pub async fn next_command(&self) -> ClientCommand {
        loop {
            let ready = self.inner.ready.notified();
            if let Some(command) = self.inner.state.lock().or_poisoned().outbox.pop_front() {
                return command;
            }
            ready.await;
        }
    }

    /// Subscribes a reader of the location: `signal` is marked whenever it changes, until the
    /// returned place is dropped.
    pub(crate) fn subscribe(&self, signal: Arc<ScopeSignal>) -> LinkReader {
        let mut state = self.inner.state.lock().or_poisoned();
        let number = state.next_reader;
        state.next_reader += 1;
        state.readers.insert(number, signal);
        LinkReader { link: Arc::downgrade(&self.inner), number }
    }
}

/// A reader's place among its link's readers, held in the reader's hook slot: it leaves when
/// the component unmounts.
pub(crate) struct LinkReader {
    link: Weak<LinkInner>,
    number: u64,
}

impl Drop for LinkReader {
    fn drop(&mut self) {
        if let Some(link) = self.link.upgrade() {
            link.state.lock().or_poisoned().readers.remove(&self.number);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::browser::query_param;

    fn at(path: &str, query: &str) -> Location {
        Location { path: path.to_owned(), query: query.to_owned() }
    }

    #[test]
    fn hrefs_map_to_app_paths_under_the_prefix() {
        let link = ClientLink::new("/app/", at("/", ""));
        assert_eq!(link.location_of("/app"), Some(at("/", "")));
        assert_eq!(link.location_of("/app/"), Some(at("/", "")));
        assert_eq!(link.location_of("/app/users/7?tab=info#top"), Some(at("/users/7", "tab=info")));
        for foreign in
            ["/application", "/other", "users", "//evil.example/app", "/app\\x", "/app/\u{0}", "https://x/app"]
        {
            assert_eq!(link.location_of(foreign), None, "{foreign}");
        }
        let root = ClientLink::new("/", at("/", ""));
        assert_eq!(root.location_of("/users/7"), Some(at("/users/7", "")));
        root.set_query("q=a+b".to_owned());
        assert_eq!(root.href(), "/?q=a+b");
    }

    #[test]
    fn the_stream_query_carries_the_page_location() {
        let link = ClientLink::new("/", at("/", ""));
        let loc = query_param("session=abc&loc=%2Fitems%2F7%3Ftab%3Dinfo", "loc").unwrap();
        assert_eq!(link.location_of(&loc), Some(at("/items/7", "tab=info")));
        let odd = query_param("loc=%2F%3Fx%3D%25a%C3%A9", "loc").unwrap();
        assert_eq!(link.location_of(&odd).unwrap().query_param("x").as_deref(), Some("%aé"));
    }

    #[test]
    fn arrivals_answer_pushes_but_not_pops() {
        let link = ClientLink::new("/app", at("/", ""));
        link.arrived("/app/a", Arrival::Push).unwrap();
        assert_eq!(
            link.take_commands(),
            [ClientCommand::Location { href: "/app/a".into(), how: History::Push, title: None }]
        );
        link.arrived("/app/b?x=1", Arrival::Pop).unwrap();
        assert_eq!(link.location(), at("/b", "x=1"));
        assert!(link.take_commands().is_empty());
        assert_eq!(link.arrived("/elsewhere", Arrival::Push), Err(ForeignHref("/elsewhere".into())));
        assert_eq!(link.location(), at("/b", "x=1"));
    }

    #[test]
    fn commands_in_a_row_merge_into_where_the_page_ends_up() {
        let link = ClientLink::new("", at("/", ""));
        link.set_title("Home");
        link.push("/a");
        link.replace("/b");
        assert_eq!(
            link.take_commands(),
            [ClientCommand::Location { href: "/b".into(), how: History::Push, title: Some("Home".into()) }]
        );
        link.set_title("Home");
        assert!(link.take_commands().is_empty(), "an unchanged title sends nothing");
        link.push("no-slash");
        assert_eq!(link.location(), at("/b", ""));
    }
}
