//! Where the client is: [`Location`] and the one query-string parser.
//!
//! The client opens its stream as `{prefix}_idom/stream?loc=<the page's path and query>`; the
//! session turns that into a [`Location`] and keeps it in the session's
//! [`ClientLink`](super::ClientLink), where [`use_location`](crate::hooks::use_location) reads it. This
//! part is plain data and needs no transport: it compiles without the `server` feature.
//!
//! Every query string is decoded by one parser, [`query_param`], built on `form_urlencoded`:
//! `+` is a space, `%XX` escapes are decoded, malformed escapes are kept as written and invalid
//! UTF-8 becomes U+FFFD. It never panics, whatever the bytes.

/// Where the client is: the path of the page, relative to the app's prefix (`/` is the prefix
/// itself), and its query.
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
}

/// The decoded value of the first parameter called `name` in `query` (without the `?`).
pub(crate) fn query_param(query: &str, name: &str) -> Option<String> {
    form_urlencoded::parse(query.as_bytes()).find(|(key, _)| key == name).map(|(_, value)| value.into_owned())
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
}
