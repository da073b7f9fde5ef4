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
//! server/      config, http (routes, page), ws (handshake, origin), session (loop, parking), serve,
//!   |          upload (single-use POST URLs), assets (JS modules, downloads)
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
//!   +----------> diff/    children, placement, attributes, template (hole by hole): reconciles
//!                  |      the arena and reports to a PatchSink; asks a Reconciler (the layout)
//!                  |      to mount and render
//!                arena    the mounted tree: NodeId slots with generations, counts, TargetId
//!                  |
//! router/      patterns, typed params, the route table and Router, the page's Status, use_query:
//!   |          components and hooks on use_location; they never see the layout
//! widget       JsModule, JsComponent, use_widget, use_browser: JS widgets and browser actions
//! boundary     ErrorBoundary: a component written with hooks; the layout routes render panics
//!   |          to it through its first hook slot
//! suspense     the future an async component's render hands the layout, its fallback, and
//!   |          Suspense, which lends its fallback to the async components inside it
//! hooks/       one file per hook, written with `#[hook]`; they see only the scope handle
//!   |          (navigation and use_persisted_state read the session's link and store by context)
//! browser/     Location, the ClientLink (the session's browser: location, title, commands),
//!   |          BrowserAction
//! cluster/     the session Backend (memory; Redis with feature `redis`) and the SessionStore
//!   |
//! vdom/, html, component    what a render builds: Element, Tag, Key, Template (an `html!`
//!   |                       tree of fixed shape and its holes), the Component trait, the
//!   |                       builders, Callback
//! scope        the scope handle (HookContext) and the render queue setters push to
//! event, upload, ids, sync  Event and handler types; Upload (a file's bytes as a bounded
//!                           stream); NodeId; the poisoned-lock helper
//! ```
//!
//! Where each concept lives: an [`Element`] and how children keep their place, `vdom/mod.rs`;
//! a mounted node, `arena.rs`; the order components render in, `layout/scheduler.rs`; the
//! matching of a list, `diff/children.rs`; the minimal moves, `diff/placement.rs`; a JSON Patch
//! operation's text, `protocol/patch.rs`; what `html!` makes a template and what its render
//! builds, `vdom/template.rs` (its JSON in `protocol/json.rs`, its diff in `diff/template.rs`);
//! the rules of hooks, `hooks/mod.rs` (the compile-time
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

/// `Clone`, `PartialEq` and `Debug` for a handle that is one `Arc`: clones share it, and two
/// handles are equal only when they share it, so handles can sit in props and deps without
/// making them unequal on every render.
macro_rules! shared_handle {
    ($name:ident $(<$t:ident>)?, $field:ident) => {
        impl$(<$t>)? Clone for $name$(<$t>)? {
            fn clone(&self) -> Self {
                $name { $field: self.$field.clone() }
            }
        }

        impl$(<$t>)? PartialEq for $name$(<$t>)? {
            fn eq(&self, other: &Self) -> bool {
                std::sync::Arc::ptr_eq(&self.$field, &other.$field)
            }
        }

        impl$(<$t>)? std::fmt::Debug for $name$(<$t>)? {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, concat!(stringify!($name), "({:p})"), std::sync::Arc::as_ptr(&self.$field))
            }
        }
    };
}

mod arena;
mod boundary;
pub mod browser;
pub mod cluster;
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
pub mod upload;
mod vdom;
pub mod widget;

pub use boundary::{BoundaryError, ErrorBoundary};
pub use component::{Callback, Component};
pub use event::Event;
pub use hooks::{
    Context, Dispatch, HookContext, Resource, StateRef, UpdateHandle, UseRef, UseStateSetter, create_context,
    use_callback, use_context, use_effect, use_memo, use_memo_list, use_reducer, use_ref, use_resource, use_state,
    use_update,
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
    pub use crate::vdom::StaticElement;

    /// A text child written as a literal in `html!`: borrowed, never copied.
    #[inline]
    pub fn static_text(text: &'static str) -> crate::Element {
        crate::Element::text(text)
    }

    /// One of the literal attributes `html!` keeps in a `static` list (see `__fixed`).
    pub type FixedAttr = (std::borrow::Cow<'static, str>, crate::vdom::AttrValue);

    /// A literal text attribute, `name="text"`, for such a list.
    pub const fn fixed_text(name: &'static str, text: &'static str) -> FixedAttr {
        (std::borrow::Cow::Borrowed(name), crate::vdom::AttrValue::Text(std::borrow::Cow::Borrowed(text)))
    }

    /// A flag attribute, `disabled`, for such a list.
    pub const fn fixed_flag(name: &'static str) -> FixedAttr {
        (std::borrow::Cow::Borrowed(name), crate::vdom::AttrValue::True)
    }

    /// An attribute value written as a literal in `html!`: borrowed, never copied.
    #[inline]
    pub fn static_attr(text: &'static str) -> crate::vdom::AttrValue {
        crate::vdom::AttrValue::Text(std::borrow::Cow::Borrowed(text))
    }

    pub use crate::html::TextRun;
    pub use crate::vdom::{
        Hole, InPlace, InPlaceHandlers, KeptInstances, Template, TemplateAttr, TemplateChild, TemplateContent,
        TemplateNode,
    };

    /// A template's dynamic attribute, as `.attr(name, value)` takes it (`None` or `false` leaves
    /// it out). `html!` never passes `style` or an `on…` name here.
    #[inline]
    pub fn attr_hole(value: impl crate::html::IntoAttrValue) -> Hole {
        Hole::attr(value.into_attr_value())
    }

    /// The key of a template's root, as `.key(k)` takes it.
    #[inline]
    pub fn key_hole(key: impl Into<crate::Key>) -> Hole {
        Hole::key(key.into())
    }

    /// A template's handler written as a closure in place, as `.on_with(event, options, f)`
    /// takes it.
    #[inline]
    pub fn handler_hole<M, R, F>(options: crate::html::EventOptions, f: F) -> Hole
    where
        F: Fn(crate::Event) -> R + Send + Sync + 'static,
        R: crate::html::HandlerOutput<M>,
    {
        Hole::handler(crate::vdom::Handler {
            func: crate::html::handler(f).into(),
            target: None,
            options: options.into(),
        })
    }

    /// The hole of a template's handler written as a closure in place, when its function is kept
    /// with the holes (`Template::build_with`): `slot` is its place among those functions.
    #[inline]
    pub fn in_place_hole(options: crate::html::EventOptions, slot: u32) -> Hole {
        Hole::in_place(options, slot)
    }

    /// A template's handler closure written in place, its event type fixed, for
    /// `Template::build_with`.
    #[inline]
    pub fn in_place<M, R, F>(f: F) -> InPlaceFn<F>
    where
        F: Fn(crate::Event) -> R + Send + Sync + 'static,
        R: crate::html::HandlerOutput<M>,
    {
        // The output's conversion is chosen here, where the closure's type is checked, so that
        // the type `build_with` checks again carries no bound that could fail a second time.
        InPlaceFn { f, run: |f, event| crate::html::HandlerOutput::into_future(f(event)) }
    }

    /// A template's handler closure written in place, with the function that runs it (see
    /// [`in_place`]).
    pub struct InPlaceFn<F> {
        f: F,
        run: fn(&F, crate::Event) -> Option<crate::event::BoxFuture>,
    }

    impl<F: Send + Sync + 'static> InPlace for InPlaceFn<F> {
        #[inline]
        fn run(&self, event: crate::Event) -> Option<crate::event::BoxFuture> {
            (self.run)(&self.f, event)
        }
    }

    impl<F> std::fmt::Debug for InPlaceFn<F> {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("InPlaceFn")
        }
    }

    /// A template's handler given as a value, as `.on_value(event, options, h)` takes it (a
    /// `StaticHandler` keeps its fixed target, and then the markup is built as elements).
    #[inline]
    pub fn handler_value_hole<M>(options: crate::html::EventOptions, h: impl crate::html::IntoHandler<M>) -> Hole {
        let (func, target) = h.into_handler();
        Hole::handler(crate::vdom::Handler { func: func.into(), target, options: options.into() })
    }
}
