//! What `#[component]` and `#[hook]` share: reading the function they are put on, the checks on
//! its signature, and sorting its attributes onto the items generated from it.

use proc_macro2::{Span, TokenStream};
use quote::ToTokens;
use syn::spanned::Spanned;
use syn::{Attribute, ItemFn, Result, Signature};

use crate::diag::{error, error_spanned};

/// Which macro is reading the function; its name and examples go into the errors.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Component,
    Hook,
}

impl Kind {
    fn attribute(self) -> &'static str {
        match self {
            Kind::Component => "#[component]",
            Kind::Hook => "#[hook]",
        }
    }

    fn example(self) -> &'static str {
        match self {
            Kind::Component => "`#[component] fn Counter(start: i32) -> Element { ... }`",
            Kind::Hook => "`#[hook] fn use_toggle(initial: bool) -> (bool, Callback<()>) { ... }`",
        }
    }

    fn noun(self) -> &'static str {
        match self {
            Kind::Component => "a component",
            Kind::Hook => "a hook",
        }
    }
}

/// Parses the item under the attribute, which must be a free function, and rejects arguments to
/// the attribute itself.
pub(crate) fn parse_fn(kind: Kind, args: TokenStream, item: TokenStream) -> Result<ItemFn> {
    if let Some(first) = args.clone().into_iter().next() {
        return Err(error_spanned(
            args,
            format_args!("`{}` takes no arguments", kind.attribute()),
            format_args!("remove `({first}..)`; write `{}` alone", kind.attribute()),
        ));
    }
    match syn::parse2::<syn::Item>(item) {
        Ok(syn::Item::Fn(f)) => Ok(f),
        Ok(other) => Err(error(
            item_span(&other),
            format_args!("`{}` goes on a function", kind.attribute()),
            format_args!("write it as a function: {}", kind.example()),
        )),
        Err(e) => Err(e),
    }
}

fn item_span(item: &syn::Item) -> Span {
    // The keyword (`struct`, `impl`, ...) is the most recognisable token to point at.
    item.to_token_stream()
        .into_iter()
        .find(|t| !matches!(t, proc_macro2::TokenTree::Punct(_) | proc_macro2::TokenTree::Group(_)))
        .map_or_else(|| item.span(), |t| t.span())
}

/// Rejects what a component or hook function cannot be: `const`, `unsafe`, `extern`, a method
/// (`self`), or variadic; and a hook cannot be `async` (a component can).
pub(crate) fn check_signature(kind: Kind, sig: &Signature) -> Result<()> {
    let noun = kind.noun();
    if let (Kind::Hook, Some(token)) = (kind, &sig.asyncness) {
        return Err(error(
            token.span,
            "a hook cannot be `async`",
            "a hook runs while its component renders, before anything is awaited: return the value at once, and load data with `use_resource(deps, async move { ... })` or in a `#[component] async fn`",
        ));
    }
    if let Some(token) = &sig.constness {
        return Err(error(token.span, format_args!("{noun} cannot be `const`"), "remove `const`"));
    }
    if let Some(token) = &sig.unsafety {
        return Err(error(
            token.span,
            format_args!("{noun} cannot be `unsafe`"),
            "remove `unsafe`; use an `unsafe { ... }` block inside if you must",
        ));
    }
    if let Some(abi) = &sig.abi {
        return Err(error_spanned(abi, format_args!("{noun} cannot have an ABI"), "remove the `extern` ABI"));
    }
    if let Some(receiver) = sig.receiver() {
        return Err(error_spanned(
            receiver,
            format_args!("{noun} is a free function, not a method"),
            format_args!("remove `self` and write it outside the `impl`: {}", kind.example()),
        ));
    }
    if let Some(variadic) = &sig.variadic {
        return Err(error_spanned(variadic, format_args!("{noun} cannot be variadic"), "remove the `...`"));
    }
    Ok(())
}

/// The function's attributes, sorted by where they go.
#[derive(Default)]
pub(crate) struct Attrs {
    /// `///` docs and `#[deprecated]`: on the item the user sees (the props struct, the hook).
    pub(crate) docs: Vec<Attribute>,
    /// `#[cfg]` and `#[cfg_attr]`: on every generated item.
    pub(crate) cfgs: Vec<Attribute>,
    /// Everything else (`#[allow]`, `#[inline]`, ...): on the function that runs the body.
    pub(crate) body: Vec<Attribute>,
}

pub(crate) fn sort_attrs(attrs: Vec<Attribute>) -> Attrs {
    let mut sorted = Attrs::default();
    for attr in attrs {
        let path = attr.path();
        if path.is_ident("doc") || path.is_ident("deprecated") {
            sorted.docs.push(attr);
        } else if path.is_ident("cfg") || path.is_ident("cfg_attr") {
            sorted.cfgs.push(attr);
        } else {
            sorted.body.push(attr);
        }
    }
    sorted
}
