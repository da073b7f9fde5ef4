//! The runtime of [idom](https://docs.rs/idom): the VDOM, hooks, the [`Layout`] that renders
//! components to JSON Patch, the wire protocol and testing helpers.
//!
//! Use it through the `idom` crate, which re-exports everything here together with the `html!`,
//! `#[component]` and `#[hook]` macros.
//!
//! # Features
//!
//! - `server` (on by default): the HTTP and websocket [`server`] on hyper and tokio-tungstenite.
//!   Without it the crate is the core and the [`dispatch`]ers, with no HTTP dependency; the
//!   server's plain data ([`server::ServerConfig`], [`server::Location`] and `use_location`)
//!   stays.

// Library code logs with `tracing`; printing is for the applications built on it.
#![deny(clippy::print_stdout)]

// The built-in hooks are written with the public `#[hook]`, whose expansion names this crate's
// items by their path in the facade (`::idom::__private::...`); inside the runtime that path is
// the runtime itself.
extern crate self as idom;

mod arena;
mod component;
mod diff;
pub mod dispatch;
mod event;
pub mod hooks;
pub mod html;
mod ids;
mod layout;
mod prerender;
pub mod protocol;
mod scope;
pub mod server;
mod sync;
pub mod testing;
mod vdom;

pub use component::{Callback, Component};
pub use event::Event;
pub use hooks::{
    Context, Dispatch, HookContext, StateRef, UpdateHandle, UseRef, UseStateSetter, create_context, use_callback,
    use_context, use_effect, use_memo, use_reducer, use_ref, use_state, use_update,
};
pub use layout::Layout;
pub use prerender::render_to_html;
pub use protocol::{LayoutEvent, LayoutUpdate};
pub use vdom::{Element, Key};

/// Items the macros expand to. Not part of the public API.
#[doc(hidden)]
pub mod __private {
    pub use crate::component::{Component, component_element};
    pub use crate::hooks::{HookContext, InsideComponent};
}
