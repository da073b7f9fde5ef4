#![doc = include_str!("../README.md")]
//!
//! # Guides
//!
//! - [`guide::html`]: the `html!` markup.
//! - [`guide::hooks`]: hooks and their rules.
//! - [`guide::protocol`]: the model and the wire protocol.
//! - [`router`]: pages, typed path parameters, layouts, the fallback and its status, query state.

pub use idom_macros::{component, hook, html};
pub use idom_runtime::dispatch::{create_shared_view_dispatcher, dispatch_single_view};
pub use idom_runtime::hooks::{Location, use_location};
pub use idom_runtime::server::ServerConfig;
#[cfg(feature = "server")]
pub use idom_runtime::server::{IdomService, PerClientStateServer, Server, SharedClientStateServer};
pub use idom_runtime::{
    BoundaryError, Callback, Component, Context, Dispatch, Element, ErrorBoundary, Event, HookContext, Key, Layout,
    LayoutEvent, LayoutUpdate, Resource, StateRef, Suspense, UpdateHandle, UseRef, UseStateSetter, create_context,
    dispatch, hooks, html, protocol, render_to_html, render_to_html_within, server, testing, use_callback, use_context,
    use_effect, use_memo, use_reducer, use_ref, use_resource, use_state, use_update,
};

pub mod router {
    #![doc = include_str!("../docs/routing.md")]
    pub use idom_runtime::router::{
        FromParam, FromParams, Params, Pattern, PatternError, QueryError, Router, Routes, Status, parse_query,
        use_query, use_status,
    };
    pub use idom_runtime::{Prerendered, prerender_page};
}

/// Everything the common path needs: `use idom::prelude::*;`.
pub mod prelude {
    pub use crate::router::{Router, Routes, use_query};
    pub use crate::{
        BoundaryError, Callback, Context, Dispatch, Element, ErrorBoundary, Event, Key, Layout, LayoutEvent,
        LayoutUpdate, Resource, StateRef, Suspense, UseRef, UseStateSetter, component, create_context, hook, html,
        use_callback, use_context, use_effect, use_location, use_memo, use_reducer, use_ref, use_resource, use_state,
        use_update,
    };
    #[cfg(feature = "server")]
    pub use crate::{PerClientStateServer, SharedClientStateServer};
}

/// Guides, included from `docs/`.
pub mod guide {
    #[doc = include_str!("../docs/html.md")]
    pub mod html {}
    #[doc = include_str!("../docs/hooks.md")]
    pub mod hooks {}
    #[doc = include_str!("../docs/protocol.md")]
    pub mod protocol {}
}

#[doc(hidden)]
pub use idom_runtime::__private;
