#![doc = include_str!("../README.md")]
//!
//! # Guides
//!
//! - [`guide::html`]: the `html!` markup.
//! - [`guide::hooks`]: hooks and their rules.
//! - [`guide::protocol`]: the model and the wire protocol.
//! - [`guide::js`]: JavaScript widgets and browser actions.
//! - [`guide::deploy`]: several processes behind nginx, with sessions' state in Redis.
//! - [`router`]: pages, typed path parameters, layouts, the fallback and its status, query state.

pub use idom_macros::{component, hook, html};
pub use idom_runtime::dispatch::{create_shared_view_dispatcher, dispatch_single_view};
pub use idom_runtime::hooks::{Location, Navigate, use_location, use_navigate, use_persisted_state, use_title};
pub use idom_runtime::server::ServerConfig;
#[cfg(feature = "server")]
pub use idom_runtime::server::{IdomService, PerClientStateServer, Server, SharedClientStateServer};
pub use idom_runtime::{
    BoundaryError, Callback, Component, Context, Dispatch, Element, ErrorBoundary, Event, HookContext, Key, Layout,
    LayoutEvent, LayoutUpdate, Resource, StateRef, Suspense, UpdateHandle, UseRef, UseStateSetter, cluster,
    create_context, dispatch, hooks, html, protocol, render_to_html, render_to_html_within, server, testing, upload,
    use_callback, use_context, use_effect, use_memo, use_memo_list, use_reducer, use_ref, use_resource, use_state,
    use_update, widget,
};

pub mod router {
    #![doc = include_str!("../docs/routing.md")]
    pub use idom_runtime::hooks::{Navigate, use_location, use_navigate, use_title};
    pub use idom_runtime::router::{
        FromParam, FromParams, Params, Pattern, PatternError, QueryError, Router, Routes, SetQuery, Status,
        parse_query, use_query, use_status,
    };
    pub use idom_runtime::{Prerendered, prerender_page};
}

/// Everything the common path needs: `use idom::prelude::*;`.
pub mod prelude {
    pub use crate::router::{Router, Routes, use_query};
    pub use crate::{
        BoundaryError, Callback, Context, Dispatch, Element, ErrorBoundary, Event, Key, Layout, LayoutEvent,
        LayoutUpdate, Resource, StateRef, Suspense, UseRef, UseStateSetter, component, create_context, hook, html,
        use_callback, use_context, use_effect, use_location, use_memo, use_memo_list, use_navigate,
        use_persisted_state, use_reducer, use_ref, use_resource, use_state, use_title, use_update,
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
    #[doc = include_str!("../docs/js.md")]
    pub mod js {}
    #[doc = include_str!("../docs/deploy.md")]
    pub mod deploy {}
}

#[doc(hidden)]
pub use idom_runtime::__private;
