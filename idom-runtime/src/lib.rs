//! The runtime of [idom](https://docs.rs/idom): the VDOM, hooks, the [`Layout`] that renders
//! components to JSON Patch, the wire protocol and testing helpers.
//!
//! Use it through the `idom` crate, which re-exports everything here together with the `html!`,
//! `#[component]` and `#[hook]` macros.
//!
//! # Design
//!
//! The runtime is built in layers; each module imports only the ones below it, and none of the
//! core imports the server:
//!
//! ```text
//! server/      config, http (routes, page), ws (handshake, origin), session (loop, parking), serve
//!   |          (feature `server`: the only code that knows hyper and tungstenite)
//! dispatch     one view per client, or one shared view, over any transport
//!   |
//! page         a prerendered page at a location: its HTML (prerender) and HTTP status (router)
//!   |
//! layout/      the Layout: scheduler (queue, passes, tasks), render (mount, run components),
//!   |          suspend (async renders: poll, restart, cancel), effects (cleanups, unmount),
//!   |          targets (events to handlers)
//!   +--------> protocol/  the wire types; json (the one escaper, model JSON); patch (the JSON
//!   |            |        Patch writer: a PatchSink, and the choice of each update's path)
//!   +----------> diff/    children, placement, attributes: reconciles the arena and reports to
//!                  |      a PatchSink; asks a Reconciler (the layout) to mount and render
//!                arena    the mounted tree: NodeId slots with generations, counts, TargetId
//!                  |
//! router/      patterns, typed params, the route table and Router, the page's Status, use_query:
//!   |          components and hooks on use_location; they never see the layout
//! boundary     ErrorBoundary: a component written with hooks; the layout routes render panics
//!   |          to it through its first hook slot
//! suspense     the future an async component's render hands the layout, its fallback, and
//!   |          Suspense, which lends its fallback to the async components inside it
//! hooks/       one file per hook, written with `#[hook]`; they see only the scope handle
//!   |
//! vdom/, html, component    what a render builds: Element, Tag, Key, the Component trait,
//!   |                       the builders, Callback
//! scope        the scope handle (HookContext) and the render queue setters push to
//! event, ids, sync          Event and handler types; NodeId; the poisoned-lock helper
//! ```
//!
//! Where each concept lives: an [`Element`] and how children keep their place, `vdom/mod.rs`;
//! a mounted node, `arena.rs`; the order components render in, `layout/scheduler.rs`; the
//! matching of a list, `diff/children.rs`; the minimal moves, `diff/placement.rs`; a JSON Patch
//! operation's text, `protocol/patch.rs`; the rules of hooks, `hooks/mod.rs` (the compile-time
//! checks are in the macros crate); where a panic goes (the log, an error boundary or an error
//! node), `layout/scheduler.rs`; an async component's render, `suspense.rs` and
//! `layout/suspend.rs`; a websocket session, `server/session.rs`.
//!
//! # Features
//!
//! - `server` (on by default): the HTTP and websocket [`server`] on hyper and tokio-tungstenite.
//!   Without it the crate is the core and the [`dispatch`]ers, with no HTTP dependency; the
//!   server's plain data ([`server::ServerConfig`]) stays, and [`hooks::Location`] and
//!   [`hooks::use_location`] are core hooks.

// Library code logs with `tracing`; printing is for the applications built on it.
#![deny(clippy::print_stdout)]

// The built-in hooks are written with the public `#[hook]`, whose expansion names this crate's
// items by their path in the facade (`::idom::__private::...`); inside the runtime that path is
// the runtime itself.
extern crate self as idom;

mod arena;
mod boundary;
mod component;
mod diff;
pub mod dispatch;
mod event;
pub mod hooks;
pub mod html;
mod ids;
mod layout;
mod page;
mod prerender;
pub mod protocol;
pub mod router;
mod scope;
pub mod server;
mod suspense;
mod sync;
pub mod testing;
mod vdom;

pub use boundary::{BoundaryError, ErrorBoundary};
pub use component::{Callback, Component};
pub use event::Event;
pub use hooks::{
    Context, Dispatch, HookContext, Resource, StateRef, UpdateHandle, UseRef, UseStateSetter, create_context,
    use_callback, use_context, use_effect, use_memo, use_reducer, use_ref, use_resource, use_state, use_update,
};
pub use layout::Layout;
pub use page::{Prerendered, prerender_page};
pub use prerender::{render_to_html, render_to_html_within};
pub use protocol::{LayoutEvent, LayoutUpdate};
pub use suspense::Suspense;
pub use vdom::{Element, Key};

/// Items the macros expand to. Not part of the public API.
#[doc(hidden)]
pub mod __private {
    pub use crate::component::{Component, component_element};
    pub use crate::hooks::{HookContext, InsideComponent};
    pub use crate::suspense::{RenderResult, suspend};
}
