//! Where the client is: [`Location`], the one query-string parser, and the hook that reads it.
//!
//! The client opens its stream as `{prefix}_idom/stream?loc=<the page's path and query>`; the
//! session turns that into a [`Location`] and provides it to the root, so every component can
//! [`use_location`]. This part is plain data and needs no transport: it compiles without the
//! `server` feature, so prerendering and headless tests can provide a location too.
//!
//! Every query string is decoded by one parser, [`query_param`], built on `form_urlencoded`:
//! `+` is a space, `%XX` escapes are decoded, malformed escapes are kept as written and invalid
//! UTF-8 becomes U+FFFD. It never panics, whatever the bytes.

use std::sync::LazyLock;

use idom_macros::hook;

use crate::Element;
use crate::hooks::{Context, create_context, use_context};

/// Where the client is: the path and query of the page that opened the connection.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct Location {
    /// The page's path, e.g. `/items/7`.
    pub path: String,
    /// The page's query string without the `?`, e.g. `tab=info` (empty when there is none).
    pub query: String,
}

impl Location {
    /// The decoded value of a query parameter (the first, if it repeats).
    ///
    /// ```
    /// use idom::Location;
    ///
    /// let here = Location { path: "/search".into(), query: "q=caf%C3%A9+au+lait&bad=%a".into() };
    /// assert_eq!(here.query_param("q").as_deref(), Some("café au lait"));
    /// assert_eq!(here.query_param("bad").as_deref(), Some("%a"));
    /// assert_eq!(here.query_param("missing"), None);
    /// ```
    pub fn query_param(&self, name: &str) -> Option<String> {
        query_param(&self.query, name)
    }

    /// The location a client sent as `loc` in the query of its stream URL (empty without one).
    #[cfg_attr(not(feature = "server"), allow(dead_code))]
    pub(crate) fn from_stream_query(query: &str) -> Location {
        let loc = query_param(query, "loc").unwrap_or_default();
        let (path, query) = loc.split_once('?').unwrap_or((&loc, ""));
        Location { path: path.to_owned(), query: query.to_owned() }
    }
}

/// The decoded value of the first parameter called `name` in `query` (without the `?`).
pub(crate) fn query_param(query: &str, name: &str) -> Option<String> {
    form_urlencoded::parse(query.as_bytes()).find(|(key, _)| key == name).map(|(_, value)| value.into_owned())
}

static LOCATION: LazyLock<Context<Location>> = LazyLock::new(|| create_context(Location::default()));

/// Provides `location` to `root` (the server does this for every connection).
pub fn provide_location(location: Location, root: impl Into<Element>) -> Element {
    LOCATION.provide(location, root)
}

/// The [`Location`] of the page this session serves (empty outside a server connection).
#[hook]
pub fn use_location() -> Location {
    use_context(&LOCATION)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loc(query: &str) -> Location {
        Location { path: "/".to_owned(), query: query.to_owned() }
    }

    #[test]
    fn decodes_escapes_plus_and_utf8() {
        assert_eq!(loc("a=1&b=x+y%20z&c=%C3%A9").query_param("b").as_deref(), Some("x y z"));
        assert_eq!(loc("a=1&b=x+y%20z&c=%C3%A9").query_param("c").as_deref(), Some("é"));
        assert_eq!(loc("k%61y=v").query_param("kay").as_deref(), Some("v"));
        assert_eq!(loc("flag&x=1").query_param("flag").as_deref(), Some(""));
        assert_eq!(loc("x=1&x=2").query_param("x").as_deref(), Some("1"));
        assert_eq!(loc("").query_param("x"), None);
    }

    #[test]
    fn malformed_input_never_panics() {
        // Bad escapes are kept as written, next to multi-byte characters too.
        assert_eq!(loc("x=%aé").query_param("x").as_deref(), Some("%aé"));
        assert_eq!(loc("x=%é").query_param("x").as_deref(), Some("%é"));
        assert_eq!(loc("x=%").query_param("x").as_deref(), Some("%"));
        assert_eq!(loc("x=%zz%4").query_param("x").as_deref(), Some("%zz%4"));
        // Invalid UTF-8 becomes U+FFFD.
        assert_eq!(loc("x=%FF%C3").query_param("x").as_deref(), Some("\u{FFFD}\u{FFFD}"));
        assert_eq!(loc("x=é%C3%A9").query_param("x").as_deref(), Some("éé"));
    }

    #[test]
    fn stream_query_carries_the_page_location() {
        let here = Location::from_stream_query("session=abc&loc=%2Fitems%2F7%3Ftab%3Dinfo");
        assert_eq!(here, Location { path: "/items/7".to_owned(), query: "tab=info".to_owned() });
        assert_eq!(here.query_param("tab").as_deref(), Some("info"));
        let odd = Location::from_stream_query("loc=%2F%3Fx%3D%25a%C3%A9");
        assert_eq!(odd.query_param("x").as_deref(), Some("%aé"));
        assert_eq!(Location::from_stream_query(""), Location::default());
    }
}
