//! Templates: an element tree of fixed shape as one `static` `Template` and its holes.
//!
//! A tree qualifies when it has at least two elements, no key but on its root (which is then its
//! first hole: `Template::keyed`), no `style` (parsed at run time),
//! and each element holds either literal texts and elements that qualify, or literal texts and
//! `{values}` only (its text, which must be one text at render time; the runtime builds the
//! markup as elements when it is not). Its dynamic parts are then attribute values, handlers and
//! those texts; everything else is written into the `static`. Shape:
//!
//! ```text
//! {
//!     ::std::thread_local! {
//!         static __IDOM_KEPT: ::idom::__private::KeptInstances = const { .. };
//!     }
//!     static __IDOM_TEMPLATE: ::idom::__private::Template = ::idom::__private::Template::new({
//!         static __IDOM_NODES: &[::idom::__private::TemplateNode] = &[
//!             ::idom::__private::TemplateNode { name: "tr", fixed: &[], attrs: &[..], events: &[..],
//!                 content: ::idom::__private::TemplateContent::Children(&[..]) },
//!             ..
//!         ];
//!         __IDOM_NODES
//!     }, &__IDOM_KEPT);
//!     __IDOM_TEMPLATE.build([hole, ..])
//! }
//! ```
//!
//! `__IDOM_KEPT` is the thread's list of this template's ended renders, whose allocations its
//! next renders use again (see the runtime's `vdom/template.rs`).
//!
//! The holes are evaluated in the order the builder calls would evaluate them: the root's key
//! first (`Template::keyed`), then per element in pre-order, its attributes, its handlers, its
//! text, then its children.
//!
//! Handler closures written in place (up to eight) are kept in the allocation of the holes, not
//! each in one of its own: the parts are then bound in that order first, and the call is
//! `__IDOM_TEMPLATE.build_with([h0, h1, ..], (f0, ..))`, where a handler's hole
//! (`in_place_hole(options, k)`) names its closure `fk` by its place.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};

use super::codegen::{handler, options, value};
use super::{AttrValue, ElementNode, Node};

/// The most handlers written in place that a render keeps with its holes (`InPlaceHandlers` is
/// implemented for tuples up to this length); a template with more gives each its own.
const MAX_IN_PLACE: usize = 8;

/// The expression of one hole, in evaluation order.
enum HoleExpr {
    /// A hole built by this expression.
    Plain(TokenStream),
    /// A handler closure written in place: its options and closure (already wrapped by
    /// `codegen::handler`), spanned at `span` (the event's name).
    InPlace { options: TokenStream, closure: TokenStream, span: Span },
}

/// Whether `e` becomes a template (its expression is then an `Element` already).
pub(crate) fn is_template(e: &ElementNode) -> bool {
    qualifies(e, true) && elements(e) >= 2
}

/// The template expression for `e`, if it qualifies.
pub(crate) fn template(e: &ElementNode) -> Option<TokenStream> {
    if !is_template(e) {
        return None;
    }
    let (mut nodes, mut holes) = (Vec::new(), Vec::new());
    let new = match &e.key {
        Some(key) => {
            let v = value(&key.value, key.span);
            holes.push(HoleExpr::Plain(quote_spanned!(key.span=> ::idom::__private::key_hole(#v))));
            quote!(keyed)
        }
        None => quote!(new),
    };
    node(e, &mut nodes, &mut holes);
    let span = e.name.span;
    let name = syn::Ident::new("__IDOM_TEMPLATE", Span::mixed_site());
    let list = syn::Ident::new("__IDOM_NODES", Span::mixed_site());
    let kept = syn::Ident::new("__IDOM_KEPT", Span::mixed_site());
    let build = build(&name, holes);
    // The nodes in a `static` of their own: only there are the literal lists inside them
    // promoted to `'static` (not in the argument of a call).
    Some(quote_spanned! {span=>
        {
            ::std::thread_local! {
                static #kept: ::idom::__private::KeptInstances =
                    const { ::idom::__private::KeptInstances::new() };
            }
            static #name: ::idom::__private::Template = ::idom::__private::Template::#new({
                static #list: &[::idom::__private::TemplateNode] = &[#(#nodes),*];
                #list
            }, &#kept);
            #build
        }
    })
}

/// The call that builds a render of template `name` from its holes: `build([..])`, or, with
/// handlers written in place, `build_with` after binding every part in evaluation order.
fn build(name: &syn::Ident, holes: Vec<HoleExpr>) -> TokenStream {
    let in_place = holes.iter().filter(|h| matches!(h, HoleExpr::InPlace { .. })).count();
    if in_place == 0 || in_place > MAX_IN_PLACE {
        let holes = holes.into_iter().map(|h| match h {
            HoleExpr::Plain(expr) => expr,
            HoleExpr::InPlace { options, closure, span } => {
                quote_spanned!(span=> ::idom::__private::handler_hole(#options, #closure))
            }
        });
        return quote!(#name.build([#(#holes),*]));
    }
    // One `let` per hole, in order, each spanned at its part (so an error in a handler points
    // there, not at the whole markup).
    let (mut lets, mut parts, mut fns) = (Vec::new(), Vec::new(), Vec::new());
    for (i, h) in holes.into_iter().enumerate() {
        let part = syn::Ident::new(&format!("__idom_hole{i}"), Span::mixed_site());
        lets.push(match h {
            HoleExpr::Plain(expr) => quote!(let #part = #expr;),
            HoleExpr::InPlace { options, closure, span } => {
                let slot = fns.len() as u32;
                let func = syn::Ident::new(&format!("__idom_fn{slot}"), Span::mixed_site());
                let lets = quote_spanned! {span=>
                    let #part = ::idom::__private::in_place_hole(#options, #slot);
                    let #func = ::idom::__private::in_place(#closure);
                };
                fns.push(func);
                lets
            }
        });
        parts.push(part);
    }
    quote! {{
        #(#lets)*
        #name.build_with([#(#parts),*], (#(#fns,)*))
    }}
}

/// Whether an element and everything in it can be one template (only the `root` may have a key).
fn qualifies(e: &ElementNode, root: bool) -> bool {
    let attrs_ok =
        e.attrs.iter().all(|a| a.name != "style" && !a.name.get(..2).is_some_and(|p| p.eq_ignore_ascii_case("on")));
    if e.key.is_some() && !root || !attrs_ok {
        return false;
    }
    let elements_and_texts = e.children.iter().all(|c| match c {
        Node::Text(_) => true,
        Node::Element(inner) => qualifies(inner, false),
        _ => false,
    });
    elements_and_texts || is_text_run(e)
}

/// Whether an element's children are literal texts and values only, at least one value.
fn is_text_run(e: &ElementNode) -> bool {
    e.children.iter().all(|c| matches!(c, Node::Text(_) | Node::Expr(_)))
        && e.children.iter().any(|c| matches!(c, Node::Expr(_)))
}

/// The number of elements in a tree.
fn elements(e: &ElementNode) -> usize {
    1 + e
        .children
        .iter()
        .map(|c| match c {
            Node::Element(inner) => elements(inner),
            _ => 0,
        })
        .sum::<usize>()
}

/// Appends the `TemplateNode` of `e` and those of its element children (pre-order), and the holes
/// of each in order.
fn node(e: &ElementNode, nodes: &mut Vec<TokenStream>, holes: &mut Vec<HoleExpr>) {
    let span = e.name.span;
    let at = nodes.len();
    nodes.push(TokenStream::new());
    let literal = |a: &super::Attr| matches!(a.value, AttrValue::Lit(syn::Lit::Str(_)) | AttrValue::Flag);
    let fixed_attr = |a: &super::Attr| {
        let name = &a.name;
        match &a.value {
            AttrValue::Lit(syn::Lit::Str(text)) => quote_spanned!(a.span=> ::idom::__private::fixed_text(#name, #text)),
            _ => quote_spanned!(a.span=> ::idom::__private::fixed_flag(#name)),
        }
    };
    let (fixed, attrs) = if e.attrs.iter().all(literal) {
        let fixed = e.attrs.iter().map(fixed_attr);
        (quote!(&[#(#fixed),*]), quote!(&[]))
    } else {
        let attrs: Vec<_> = e
            .attrs
            .iter()
            .map(|a| {
                if literal(a) {
                    let fixed = fixed_attr(a);
                    quote_spanned!(a.span=> ::idom::__private::TemplateAttr::Fixed(#fixed))
                } else {
                    let name = &a.name;
                    let v = value(&a.value, a.span);
                    holes.push(HoleExpr::Plain(quote_spanned!(a.span=> ::idom::__private::attr_hole(#v))));
                    quote_spanned!(a.span=> ::idom::__private::TemplateAttr::Hole(#name))
                }
            })
            .collect();
        (quote!(&[]), quote!(&[#(#attrs),*]))
    };
    let events = e.listeners.iter().map(|l| {
        let event = &l.event;
        let span = event.span();
        let options = options(l);
        holes.push(if let syn::Expr::Closure(_) = l.handler {
            HoleExpr::InPlace { options, closure: handler(&l.handler), span }
        } else {
            let h = &l.handler;
            HoleExpr::Plain(quote_spanned!(span=> ::idom::__private::handler_value_hole(#options, #h)))
        });
        quote_spanned!(span=> ::idom::html::events::#event)
    });
    let events: Vec<_> = events.collect();
    let content = if is_text_run(e) {
        let parts = e.children.iter().map(|c| match c {
            Node::Text(text) => quote_spanned!(text.span()=> .child(::idom::__private::static_text(#text))),
            Node::Expr(expr) => {
                let span = syn::spanned::Spanned::span(expr);
                quote_spanned!(span=> .child(#expr))
            }
            _ => unreachable!("a text run holds texts and values"),
        });
        holes.push(HoleExpr::Plain(quote_spanned!(span=> ::idom::__private::TextRun::new() #(#parts)* .hole())));
        quote!(::idom::__private::TemplateContent::Text)
    } else {
        let mut children = Vec::new();
        let mut text: Option<String> = None;
        for c in &e.children {
            match c {
                Node::Text(t) => text.get_or_insert_with(String::new).push_str(&t.value()),
                Node::Element(inner) => {
                    if let Some(t) = text.take() {
                        children.push(quote!(::idom::__private::TemplateChild::Text(#t)));
                    }
                    children.push(quote!(::idom::__private::TemplateChild::Element));
                    node(inner, nodes, holes);
                }
                _ => unreachable!("a template's element holds texts and elements"),
            }
        }
        if let Some(t) = text.take() {
            children.push(quote!(::idom::__private::TemplateChild::Text(#t)));
        }
        quote!(::idom::__private::TemplateContent::Children(&[#(#children),*]))
    };
    let name = &e.name.text;
    nodes[at] = quote_spanned! {span=>
        ::idom::__private::TemplateNode {
            name: #name,
            fixed: #fixed,
            attrs: #attrs,
            events: &[#(#events),*],
            content: #content,
        }
    };
}
