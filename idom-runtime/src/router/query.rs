//! Query state: [`use_query`], its setter [`SetQuery`], and [`parse_query`].
//!
//! The query string is decoded with `serde_urlencoded` (the `application/x-www-form-urlencoded`
//! format: `+` is a space, `%XX` escapes are decoded), so a flat struct of strings, numbers,
//! booleans and `Option`s reads straight from `?q=rust&page=2`, and is written back the same
//! way by [`SetQuery`], which replaces the browser's URL in place (`history.replaceState`): the
//! filters survive a reload and can be shared as a link.

use std::marker::PhantomData;

use serde::Serialize;
use serde::de::DeserializeOwned;

use idom_macros::hook;

use crate::hooks::{ClientLink, use_client_link, use_location, use_memo};

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

/// Writes a query state back: what [`use_query`] returns beside the value. Cheap to clone.
pub struct SetQuery<T> {
    link: Option<ClientLink>,
    _type: PhantomData<fn(&T)>,
}

impl<T> Clone for SetQuery<T> {
    fn clone(&self) -> Self {
        SetQuery { link: self.link.clone(), _type: PhantomData }
    }
}

impl<T> PartialEq for SetQuery<T> {
    fn eq(&self, other: &Self) -> bool {
        self.link == other.link
    }
}

impl<T> std::fmt::Debug for SetQuery<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SetQuery").field("link", &self.link).finish()
    }
}

impl<T: Serialize> SetQuery<T> {
    /// Replaces the query string with `value` encoded (`None` fields are left out); the page
    /// re-renders with it and the browser's URL changes in place. A value that does not encode
    /// as a flat query (a nested struct, a list) is refused with an error log.
    pub fn set(&self, value: &T) {
        let Some(link) = &self.link else {
            return tracing::error!("query not written: there is no per-client session here");
        };
        match serde_urlencoded::to_string(value) {
            Ok(query) => link.set_query(query),
            Err(e) => tracing::error!(
                "query not written: `{}` does not encode as a query string ({e}); use a flat struct of strings, numbers, booleans and options",
                std::any::type_name::<T>()
            ),
        }
    }
}

/// The current location's query decoded into `T` (with [`parse_query`]), and a [`SetQuery`] to
/// write it back. A query that does not fit gives `T::default()` and logs a warning. It is
/// decoded again only when the query changes, and the component renders again whenever the
/// location does.
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
///     let (filters, set_filters) = use_query::<Filters>();
///     let next = Filters { page: filters.page + 1, ..filters.clone() };
///     html! {
///         <p>{filters.tag.unwrap_or_default()} " page " {filters.page}</p>
///         <button onclick={move |_| set_filters.set(&next)}>"Next page"</button>
///     }
/// }
///
/// let at = |query: &str| Location { path: "/list".into(), query: query.into() };
/// assert!(prerender_page(List, at("tag=rust&page=3")).html.starts_with("<p>rust page 3</p>"));
/// assert!(prerender_page(List, at("page=three")).html.starts_with("<p> page 0</p>"));
/// ```
#[hook]
pub fn use_query<T>() -> (T, SetQuery<T>)
where
    T: Serialize + DeserializeOwned + Default + Clone + Send + 'static,
{
    let location = use_location();
    let link = use_client_link();
    let query = location.query;
    let value = use_memo(
        || {
            parse_query(&query).unwrap_or_else(|e| {
                tracing::warn!("{e}; using the default `{}`", std::any::type_name::<T>());
                T::default()
            })
        },
        query.clone(),
    );
    (value, SetQuery { link, _type: PhantomData })
}
