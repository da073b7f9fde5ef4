//! Query state, the read side: [`use_query`] and [`parse_query`].
//!
//! The query string is decoded with `serde_urlencoded` (the `application/x-www-form-urlencoded`
//! format: `+` is a space, `%XX` escapes are decoded), so a flat struct of strings, numbers,
//! booleans and `Option`s reads straight from `?q=rust&page=2`.

use serde::Serialize;
use serde::de::DeserializeOwned;

use idom_macros::hook;

use crate::hooks::{use_location, use_memo};

/// A query string that does not fit the type asked for.
#[derive(Debug, thiserror::Error)]
#[error("malformed query `{query}`: {source}")]
pub struct QueryError {
    query: String,
    source: serde_urlencoded::de::Error,
}

/// `query` (without its `?`) decoded into `T`.
///
/// ```
/// use idom::router::parse_query;
///
/// #[derive(serde::Deserialize, Debug, PartialEq)]
/// struct Search { q: String, page: Option<u32> }
///
/// let search: Search = parse_query("q=caf%C3%A9+au+lait&page=2").unwrap();
/// assert_eq!(search, Search { q: "café au lait".into(), page: Some(2) });
/// assert!(parse_query::<Search>("q=x&page=two").is_err());
/// ```
pub fn parse_query<T: DeserializeOwned>(query: &str) -> Result<T, QueryError> {
    serde_urlencoded::from_str(query).map_err(|source| QueryError { query: query.to_owned(), source })
}

/// The current location's query decoded into `T` (with [`parse_query`]); a query that does not
/// fit gives `T::default()` and logs a warning. It is decoded again only when the query changes,
/// and the component renders again whenever the location does.
///
/// `T: Serialize` is asked for already because writing the query back (a setter, which needs the
/// client to replace the URL in place) will come with navigation; today the hook only reads.
///
/// ```
/// use idom::prelude::*;
/// use idom::router::{prerender_page, use_query};
/// use idom::Location;
///
/// #[derive(serde::Serialize, serde::Deserialize, Clone, Default, PartialEq)]
/// struct Filters { tag: Option<String>, page: u32 }
///
/// #[component]
/// fn List() -> Element {
///     let filters = use_query::<Filters>();
///     html! { <p>{filters.tag.unwrap_or_default()} " page " {filters.page}</p> }
/// }
///
/// let at = |query: &str| Location { path: "/list".into(), query: query.into() };
/// assert_eq!(prerender_page(List, at("tag=rust&page=3")).html, "<p>rust page 3</p>");
/// assert_eq!(prerender_page(List, at("page=three")).html, "<p> page 0</p>");
/// ```
#[hook]
pub fn use_query<T>() -> T
where
    T: Serialize + DeserializeOwned + Default + Clone + Send + 'static,
{
    let location = use_location();
    let query = location.query;
    use_memo(
        || {
            parse_query(&query).unwrap_or_else(|e| {
                tracing::warn!("{e}; using the default `{}`", std::any::type_name::<T>());
                T::default()
            })
        },
        query.clone(),
    )
}
