//! The router: which page a path shows, typed path parameters, nested layouts, a fallback with
//! the HTTP status of the prerendered page, and query state.
//!
//! The guide, with examples, is `docs/routing.md` (in the facade: `idom::router`).
//!
//! # Design
//!
//! **A layer above the hooks, below the layout.** The router is ordinary components and hooks:
//! [`Router`] reads [`use_location`](crate::hooks::use_location) and renders the matching
//! route's view, so when the location changes (the server provides a new one when navigation
//! arrives), the router renders again like any context reader, and the diff does the rest. It
//! imports hooks, the VDOM and the builders, never the layout, the diff, the arena, the protocol
//! or the server (`idom-runtime/tests/layers.rs` holds it to that).
//!
//! **The table is a typed builder, not markup.** `html!` children are rendered [`Element`](crate::Element)s,
//! opaque to their parent, so `<Router><Route .../></Router>` would have to look inside elements
//! for `Route` components and could not type-check a view against its pattern. A [`Routes`]
//! builder can: each view is a closure whose argument type ([`FromParams`]: `()`, one
//! [`FromParam`] value, a tuple, or [`Params`]) says what it takes, the number of parameters is
//! checked when the table is built, and their values when a path matches.
//!
//! **A parameter that does not parse is no match.** Routes are tried in order; a route whose
//! pattern matches but whose parameters do not parse (`/users/abc` for `|id: u64|`) is skipped,
//! so the path goes to a later route or to the fallback, never to a panic.
//!
//! **Mistakes in the table panic at definition time.** A malformed pattern is a
//! [`PatternError`] from [`Pattern::parse`]; the builder panics with its message (and the
//! pattern) the first time the table is built, as a wrong regex literal would. A mismatch between
//! a pattern's parameters and its view's argument does too.
//!
//! **The status is a cell in context.** Prerendering provides a [`Status`]; the router sets 200
//! or the fallback's status (404), components below may set another with [`use_status`], and
//! [`prerender_page`](crate::prerender_page) reads it after the render. In a live session
//! nothing provides one, and setting it does nothing.
//!
//! **The query is read with serde.** [`use_query`] decodes the location's query into a type;
//! a malformed query is the type's default and a warning, never an error page.
//!
//! # Files
//! `pattern` ([`Pattern`], [`PatternError`]: parsing and matching), `params` ([`Params`],
//! [`FromParam`], [`FromParams`]), `router` ([`Routes`], [`Router`], [`Status`],
//! [`use_status`]), `query` ([`use_query`], [`parse_query`]).
//!
//! # Not there yet
//! Navigation without a reload (links, `use_navigate`, the back button) needs the client to
//! intercept clicks and push the URL; it arrives with the client support, and so does writing
//! the query back. Until then a link is a plain `<a href>` and loads the page anew.

mod params;
mod pattern;
mod query;
#[allow(clippy::module_inception)]
mod router;

pub use params::{FromParam, FromParams, Params};
pub use pattern::{Pattern, PatternError};
pub use query::{QueryError, SetQuery, parse_query, use_query};
pub use router::{Router, Routes, Status, use_status};
