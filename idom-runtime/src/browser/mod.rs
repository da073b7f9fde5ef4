//! What the server knows of the browser on the other end of a session, as plain data: where it
//! is ([`Location`] and the one query-string parser), the [`ClientLink`] that moves it and carries
//! what the server asks of it ([`ClientCommand`], [`BrowserAction`]).
//!
//! Below the hooks (which read the link through a context) and above the scope handle (readers of
//! the location are re-rendered through their signals); it needs no transport.

mod link;
mod location;

use bytes::Bytes;

pub(crate) use link::LinkReader;
pub use link::{Arrival, ClientCommand, ClientLink, ForeignHref, History};
pub use location::Location;
#[cfg_attr(not(feature = "server"), allow(unused_imports))]
pub(crate) use location::query_param;

/// Something the browser does that the app's own JS would otherwise do.
#[derive(Clone, PartialEq, Eq, Debug)]
#[non_exhaustive]
pub enum BrowserAction {
    /// Focus the element.
    Focus {
        /// Its [`ElementRef::id`](crate::widget::ElementRef::id).
        element: String,
    },
    /// Scroll the element into view.
    ScrollIntoView {
        /// Its [`ElementRef::id`](crate::widget::ElementRef::id).
        element: String,
    },
    /// Copy `text` to the clipboard.
    Copy {
        /// The text.
        text: String,
    },
    /// Save bytes the server made as a file (served once, from a single-use URL).
    Download {
        /// The file name the browser suggests.
        name: String,
        /// Its MIME type.
        mime: String,
        /// The content.
        bytes: Bytes,
    },
    /// Run `code` as the body of a function of `element` (the referenced element, or `null`).
    /// Only where the app opted in (`Server::allow_eval`); refused otherwise.
    Eval {
        /// The function body.
        code: String,
        /// The element's [`ElementRef::id`](crate::widget::ElementRef::id), if any.
        element: Option<String>,
    },
}
