//! Errors that read like rustc's: a one-line message, then a `help:` line saying what to do.
//!
//! Every error of the macros goes through here, so the shape stays the same everywhere. An error
//! becomes a `compile_error!` at the user's own tokens; used as an expression, its type is rustc's
//! error type, so nothing downstream of it reports a second, follow-up error.

use std::fmt::Display;

use proc_macro2::{Ident, Span, TokenStream};
use quote::ToTokens;

/// An error at `span`.
pub(crate) fn error(span: Span, message: impl Display, help: impl Display) -> syn::Error {
    syn::Error::new(span, format!("{message}\nhelp: {help}"))
}

/// An error covering `tokens` (from their first to their last token).
pub(crate) fn error_spanned(tokens: impl ToTokens, message: impl Display, help: impl Display) -> syn::Error {
    syn::Error::new_spanned(tokens, format!("{message}\nhelp: {help}"))
}

/// An error covering everything from `start` to `end`; rustc marks both ends, so it points at two
/// places with one message (an opening tag and its wrong closing tag).
pub(crate) fn error_between(start: Span, end: Span, message: impl Display, help: impl Display) -> syn::Error {
    let marks: TokenStream =
        [Ident::new("start", start), Ident::new("end", end)].into_iter().map(proc_macro2::TokenTree::from).collect();
    error_spanned(marks, message, help)
}

/// The line a span starts on, for "first set on line N" notes (0 when unknown).
pub(crate) fn line_of(span: Span) -> usize {
    span.start().line
}
