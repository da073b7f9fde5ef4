//! Generating builder calls from [`Markup`].
//!
//! Shapes (all paths absolute, so markup works under `#![no_implicit_prelude]`):
//!
//! - element: `::idom::html::div().key(k).attr("class", v).on(::idom::html::events::onclick, h)
//!   .child(c)...`; a void element the same without children; a custom element starts with
//!   `::idom::html::custom("my-widget")`; handlers with modifiers use `.on_with(event,
//!   ::idom::html::EventOptions::new().prevent_default().debounce(Duration::from_millis(300)), h)`
//!   (the options are built by their setters: the struct is `#[non_exhaustive]`); a handler that
//!   is a value rather than a closure written in place (`onclick={handler}`) uses
//!   `.on_value(event, options, h)`, which also takes a `StaticHandler` with its fixed target.
//! - component: `::idom::__private::component_element(Row::__builder().id(v)...
//!   .children(e).build()).with_key(k)`; the prop setters are spanned on the attribute names and
//!   `__builder`/`build` on the component name, so unknown props and missing props are reported
//!   there.
//! - `for`: a block that pushes one `Element` per iteration into a `Vec` (a real `for` loop, so
//!   moves, `break` and `continue` behave as in Rust); `if` and `match`: the same expression with
//!   each branch an `Element` (a missing `else` gives `Element::empty()`).
//! - a tree of two or more elements whose only dynamic parts are attribute values, handlers and
//!   element texts: one `static` `Template` and a render of its holes, with the handler closures
//!   written in place kept beside them (see `template.rs`).
//! - several nodes where one `Element` is needed: a `::idom::html::fragment()` of them.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use super::{
    AttrValue, ComponentNode, Delay, ElementKind, ElementNode, Else, ForNode, IfNode, Listener, Markup, MatchNode, Node,
};
use crate::names;

/// The `Element` expression for a whole `html!` invocation.
pub(crate) fn expand(markup: &Markup) -> TokenStream {
    nodes_to_element(&markup.roots)
}

/// One `Element` made of `nodes`: nothing, the node itself, or a fragment.
fn nodes_to_element(nodes: &[Node]) -> TokenStream {
    match nodes {
        [] => quote!(::idom::Element::empty()),
        [node] => node_to_element(node),
        many => into_element(&fragment(many), Span::call_site()),
    }
}

fn into_element(value: &TokenStream, span: Span) -> TokenStream {
    quote_spanned!(span=> <::idom::Element as ::core::convert::From<_>>::from(#value))
}

fn fragment(children: &[Node]) -> TokenStream {
    let children = children.iter().map(child_call);
    quote!(::idom::html::fragment() #(#children)*)
}

fn node_to_element(node: &Node) -> TokenStream {
    let span = node_span(node);
    match node {
        // A text, a static subtree and a template are already `Element`s (no conversion to lint
        // about).
        Node::Text(_) => child_value(node),
        Node::Element(e) if is_static(e) || super::template::is_template(e) => child_value(node),
        Node::Element(_) | Node::Fragment(_) => into_element(&child_value(node), span),
        Node::Expr(_) => into_element(&fragment(std::slice::from_ref(node)), span),
        Node::Component(_) | Node::If(_) | Node::Match(_) => child_value(node),
        Node::For(_) => {
            let nodes = child_value(node);
            quote_spanned!(span=> ::idom::Element::fragment(#nodes))
        }
    }
}

/// `.child(value)`, spanned on the child so a value that is not a node is reported there.
fn child_call(node: &Node) -> TokenStream {
    let value = child_value(node);
    quote_spanned!(node_span(node)=> .child(#value))
}

/// The value a node adds as a child (anything `IntoNodes`).
fn child_value(node: &Node) -> TokenStream {
    match node {
        Node::Element(e) => element(e),
        Node::Component(c) => component(c),
        Node::Fragment(f) => fragment(&f.children),
        Node::Text(text) => quote_spanned!(text.span()=> ::idom::__private::static_text(#text)),
        Node::Expr(expr) => quote!(#expr),
        Node::For(f) => for_loop(f),
        Node::If(i) => if_else(i),
        Node::Match(m) => match_arms(m),
    }
}

fn node_span(node: &Node) -> Span {
    match node {
        Node::Element(e) => e.name.span,
        Node::Component(c) => c.path.span(),
        Node::Fragment(f) => f.span,
        Node::Text(text) => text.span(),
        Node::Expr(expr) => expr.span(),
        Node::For(f) => f.for_token.span,
        Node::If(i) => i.if_token.span,
        Node::Match(m) => m.match_token.span,
    }
}

pub(super) fn value(value: &AttrValue, span: Span) -> TokenStream {
    match value {
        AttrValue::Lit(lit) => quote!(#lit),
        AttrValue::Expr(expr) => quote!(#expr),
        AttrValue::Flag => quote_spanned!(span=> true),
    }
}

fn element(e: &ElementNode) -> TokenStream {
    if is_static(e) {
        return static_element(e);
    }
    if let Some(template) = super::template::template(e) {
        return template;
    }
    element_builder(e)
}

/// Whether an element is markup only: literal attributes, no key, no handlers, and children
/// that are literal texts or such elements. It is built once and shared (see `static_element`).
fn is_static(e: &ElementNode) -> bool {
    fn static_child(node: &Node) -> bool {
        match node {
            Node::Text(_) => true,
            Node::Element(e) => is_static(e),
            Node::Fragment(f) => f.children.iter().all(static_child),
            _ => false,
        }
    }
    e.key.is_none()
        && e.listeners.is_empty()
        && e.attrs.iter().all(|a| matches!(a.value, AttrValue::Lit(syn::Lit::Str(_)) | AttrValue::Flag))
        && e.children.iter().all(static_child)
}

/// A static subtree: a `static` `StaticElement` whose builder runs on the first render only;
/// every render after that shares the built subtree and its model JSON.
fn static_element(e: &ElementNode) -> TokenStream {
    let span = e.name.span;
    let name = syn::Ident::new("__IDOM_STATIC", Span::mixed_site());
    let builder = element_builder(e);
    quote_spanned! {span=>
        {
            static #name: ::idom::__private::StaticElement = ::idom::__private::StaticElement::new(|| {
                <::idom::Element as ::core::convert::From<_>>::from(#builder)
            });
            #name.get()
        }
    }
}

/// The builder calls of an element (its static children are built in place, inside it).
fn element_builder(e: &ElementNode) -> TokenStream {
    let span = e.name.span;
    let start = match e.kind {
        ElementKind::Normal(function) | ElementKind::Void(function) => {
            let function = syn::Ident::new(function, span);
            quote_spanned!(span=> ::idom::html::#function())
        }
        ElementKind::Custom => {
            let name = &e.name.text;
            quote_spanned!(span=> ::idom::html::custom(#name))
        }
    };
    let key = e.key.as_ref().map(|key| {
        let v = value(&key.value, key.span);
        quote_spanned!(key.span=> .key(#v))
    });
    let attrs = match fixed_attrs(e) {
        Some(fixed) => vec![fixed],
        None => e
            .attrs
            .iter()
            .map(|attr| {
                let name = &attr.name;
                let v = match &attr.value {
                    // A literal text is borrowed, not copied, on every render.
                    AttrValue::Lit(syn::Lit::Str(text)) => {
                        quote_spanned!(attr.span=> ::idom::__private::static_attr(#text))
                    }
                    other => value(other, attr.span),
                };
                quote_spanned!(attr.span=> .attr(#name, #v))
            })
            .collect(),
    };
    let head = prewritten_head(e).map(|head| quote_spanned!(span=> .__head(#head)));
    let listeners = e.listeners.iter().map(listener);
    // Inside a static subtree, children are built by the one builder (no static of their own).
    let children = e.children.iter().map(|child| match child {
        Node::Element(inner) if is_static(e) => {
            let value = element_builder(inner);
            quote_spanned!(inner.name.span=> .child(#value))
        }
        other => child_call(other),
    });
    quote!(#start #key #(#attrs)* #head #(#listeners)* #(#children)*)
}

/// The attributes of an element whose attributes are all literals (texts and flags, no `style`,
/// which is parsed at run time), as one `static` list every render of it shares:
/// `.__fixed(&[..])`. The names are checked here already (and duplicates refused by the parser),
/// so a render neither checks nor copies them, and unmounting has nothing of them to drop.
fn fixed_attrs(e: &ElementNode) -> Option<TokenStream> {
    let literal = |a: &&super::Attr| {
        matches!(a.value, AttrValue::Lit(syn::Lit::Str(_)) | AttrValue::Flag)
            && a.name != "style"
            && !a.name.get(..2).is_some_and(|p| p.eq_ignore_ascii_case("on"))
    };
    if e.attrs.is_empty() || !e.attrs.iter().all(|a| literal(&a)) {
        return None;
    }
    let span = e.name.span;
    let items = e.attrs.iter().map(|attr| {
        let name = &attr.name;
        match &attr.value {
            AttrValue::Lit(syn::Lit::Str(text)) => {
                quote_spanned!(attr.span=> ::idom::__private::fixed_text(#name, #text))
            }
            _ => quote_spanned!(attr.span=> ::idom::__private::fixed_flag(#name)),
        }
    });
    let name = syn::Ident::new("__IDOM_ATTRS", Span::mixed_site());
    Some(quote_spanned! {span=>
        .__fixed({
            static #name: &[::idom::__private::FixedAttr] = &[#(#items),*];
            #name
        })
    })
}

/// The model JSON of an element's tag name and attributes (`{"tagName":"td","attributes":{..}`,
/// no closing brace), when every attribute is a literal and there is no key: the runtime writer
/// then copies it. A `style` is parsed at run time, so an element with one has none.
fn prewritten_head(e: &ElementNode) -> Option<String> {
    if e.key.is_some() || e.attrs.iter().any(|a| a.name == "style") {
        return None;
    }
    let mut attrs = Vec::new();
    for attr in &e.attrs {
        match &attr.value {
            AttrValue::Lit(syn::Lit::Str(text)) => attrs.push((&attr.name, Some(text.value()))),
            AttrValue::Flag => attrs.push((&attr.name, None)),
            _ => return None,
        }
    }
    let mut head = String::from("{\"tagName\":");
    json_str(&mut head, &e.name.text);
    if !attrs.is_empty() {
        head.push_str(",\"attributes\":{");
        for (i, (name, value)) in attrs.iter().enumerate() {
            if i > 0 {
                head.push(',');
            }
            json_str(&mut head, name);
            head.push(':');
            match value {
                Some(text) => json_str(&mut head, text),
                None => head.push_str("true"),
            }
        }
        head.push('}');
    }
    Some(head)
}

/// A JSON string literal, escaped exactly as the runtime's writer escapes (`"`, `\\`, `\n`, `\r`,
/// `\t`, other control characters as `\u00xx`), so a pre-written head equals a written one.
fn json_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
}

fn listener(l: &Listener) -> TokenStream {
    let span = l.event.span();
    let event = &l.event;
    if let syn::Expr::Closure(_) = l.handler {
        let handler = handler(&l.handler);
        if l.has_modifiers() {
            let options = options(l);
            quote_spanned!(span=> .on_with(::idom::html::events::#event, #options, #handler))
        } else {
            quote_spanned!(span=> .on(::idom::html::events::#event, #handler))
        }
    } else {
        // A value (a closure in a variable, a function, a `StaticHandler`): `.on_value` takes
        // anything `IntoHandler`, so a `StaticHandler` keeps its fixed target.
        let handler = &l.handler;
        let options = options(l);
        quote_spanned!(span=> .on_value(::idom::html::events::#event, #options, #handler))
    }
}

/// The `EventOptions` of a handler's modifiers: `EventOptions::new()` and one setter each, the
/// rate's spanned on the user's modifier (and a braced delay left as written, so a value that is
/// not a `Duration` is reported there).
pub(super) fn options(l: &Listener) -> TokenStream {
    let span = l.event.span();
    let prevent_default = l.prevent_default.then(|| quote_spanned!(span=> .prevent_default()));
    let stop_propagation = l.stop_propagation.then(|| quote_spanned!(span=> .stop_propagation()));
    let rate = l.rate.as_ref().map(|rate| {
        let setter = &rate.name;
        let delay = match &rate.delay {
            Delay::Millis(ms, at) => quote_spanned!(*at=> ::core::time::Duration::from_millis(#ms)),
            Delay::Expr(expr) => quote!(#expr),
        };
        quote_spanned!(setter.span()=> .#setter(#delay))
    });
    quote_spanned!(span=> ::idom::html::EventOptions::new() #prevent_default #stop_propagation #rate)
}

/// A handler as `.on` takes it. An async closure (`async move |e| ...`) is only `AsyncFn`, so it
/// is shared behind an `Arc` by a plain closure that calls it inside an `async move` block.
pub(super) fn handler(handler: &syn::Expr) -> TokenStream {
    let syn::Expr::Closure(closure) = handler else { return quote!(#handler) };
    if closure.asyncness.is_none() {
        return quote!(#handler);
    }
    let span = closure.or1_token.span;
    let (typed, shared, event) = (
        syn::Ident::new("__typed", Span::mixed_site()),
        syn::Ident::new("__handler", Span::mixed_site()),
        syn::Ident::new("__event", Span::mixed_site()),
    );
    quote_spanned! {span=>
        {
            fn #typed<F: ::core::ops::AsyncFn(::idom::Event)>(f: F) -> F { f }
            let #shared = ::std::sync::Arc::new(#typed(#handler));
            move |#event: ::idom::Event| {
                let #shared = ::std::sync::Arc::clone(&#shared);
                async move { #shared(#event).await }
            }
        }
    }
}

fn component(c: &ComponentNode) -> TokenStream {
    let path = &c.path;
    let span = path.segments.last().map_or_else(|| path.span(), |s| s.ident.span());
    let props = c.props.iter().map(|prop| {
        let setter = prop_ident(&prop.name, prop.span);
        let v = value(&prop.value, prop.span);
        quote_spanned!(prop.span=> .#setter(#v))
    });
    let children = c.children.as_ref().map(|children| {
        let children = nodes_to_element(children);
        quote_spanned!(span=> .children(#children))
    });
    let key = c.key.as_ref().map(|key| {
        let v = value(&key.value, key.span);
        quote_spanned!(key.span=> .with_key(#v))
    });
    quote_spanned!(span=>
        ::idom::__private::component_element(#path::__builder() #(#props)* #children .build()) #key
    )
}

/// The setter of a prop: its name, raw if it is a keyword (`type` -> `r#type`).
fn prop_ident(name: &str, span: Span) -> syn::Ident {
    if names::is_keyword(name) && !matches!(name, "self" | "super" | "crate" | "Self") {
        syn::Ident::new_raw(name, span)
    } else {
        syn::Ident::new(name, span)
    }
}

fn for_loop(f: &ForNode) -> TokenStream {
    let nodes = syn::Ident::new("__nodes", Span::mixed_site());
    let (for_token, pat, in_token, expr) = (&f.for_token, &f.pat, &f.in_token, &f.expr);
    let body = nodes_to_element(&f.body);
    quote_spanned!(f.for_token.span=> {
        let mut #nodes = ::std::vec::Vec::<::idom::Element>::new();
        #for_token #pat #in_token #expr {
            #nodes.push(#body);
        }
        #nodes
    })
}

fn if_else(i: &IfNode) -> TokenStream {
    let (if_token, cond) = (&i.if_token, &i.cond);
    let then = nodes_to_element(&i.then);
    let otherwise = match &i.otherwise {
        Some(Else::If(else_token, nested)) => {
            let nested = if_else(nested);
            quote!(#else_token #nested)
        }
        Some(Else::Nodes(else_token, nodes)) => {
            let nodes = nodes_to_element(nodes);
            quote!(#else_token { #nodes })
        }
        None => quote!(else { ::idom::Element::empty() }),
    };
    quote!(#if_token #cond { #then } #otherwise)
}

fn match_arms(m: &MatchNode) -> TokenStream {
    let (match_token, expr) = (&m.match_token, &m.expr);
    let arms = m.arms.iter().map(|arm| {
        let pat = &arm.pat;
        let guard = arm.guard.as_ref().map(|(if_token, guard)| quote!(#if_token #guard));
        let arrow = &arm.arrow;
        let body = nodes_to_element(&arm.body);
        quote!(#pat #guard #arrow { #body },)
    });
    quote!(#match_token #expr { #(#arms)* })
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::*;

    fn expand_str(tokens: TokenStream) -> String {
        let markup: Markup = syn::parse2(tokens).unwrap();
        crate::squash(&expand(&markup).to_string())
    }

    #[test]
    fn element_with_everything() {
        let code = expand_str(quote! {
            <button key={id} class="big" disabled onclick={move |_| inc()}>"Count: " {count}</button>
        });
        assert_eq!(
            code,
            quote! {
                <::idom::Element as ::core::convert::From<_>>::from(
                    ::idom::html::button()
                        .key(id)
                        .__fixed({
                            static __IDOM_ATTRS: &[::idom::__private::FixedAttr] = &[
                                ::idom::__private::fixed_text("class", "big"),
                                ::idom::__private::fixed_flag("disabled")
                            ];
                            __IDOM_ATTRS
                        })
                        .on(::idom::html::events::onclick, move |_| inc())
                        .child(::idom::__private::static_text("Count: "))
                        .child(count)
                )
            }
            .to_string()
            .replace(' ', "")
        );
    }

    #[test]
    fn attributes_beside_a_value_or_a_style_are_set_one_by_one() {
        for (markup, calls) in [
            (
                quote! { <td class="a" title={t}></td> },
                r#".attr("class",::idom::__private::static_attr("a")).attr("title",t)"#,
            ),
            (quote! { <td style="color: red"></td> }, r#".attr("style",::idom::__private::static_attr("color:red"))"#),
        ] {
            let code = expand_str(markup);
            assert!(code.contains(calls) && !code.contains("__fixed"), "{code}");
        }
    }

    #[test]
    fn literal_attributes_get_a_prewritten_head() {
        let code = expand_str(quote! { <td class="a\"b" hidden>{n}</td> });
        let head = r#"{"tagName":"td","attributes":{"class":"a\"b","hidden":true}"#;
        assert!(code.contains(&crate::squash(&quote!(.__head(#head)).to_string())), "{code}");
        // A key, a value or a style leaves the head to the runtime.
        for markup in [
            quote! { <td key=1>{n}</td> },
            quote! { <td class={c}>{n}</td> },
            quote! { <td style="color: red">{n}</td> },
        ] {
            assert!(!expand_str(markup).contains("__head"));
        }
    }

    #[test]
    fn modifiers_build_event_options_with_setters() {
        let code = expand_str(quote! { <form onsubmit|prevent_default|stop_propagation={move |_| ()}></form> });
        let expected = quote!(.on_with(
            ::idom::html::events::onsubmit,
            ::idom::html::EventOptions::new().prevent_default().stop_propagation(),
            move |_| ()
        ));
        assert!(code.contains(&crate::squash(&expected.to_string())), "{code}");
        // A handler value takes the same options through `on_value`.
        let code = expand_str(quote! { <form onsubmit|prevent_default={h}></form> });
        let expected =
            quote!(.on_value(::idom::html::events::onsubmit, ::idom::html::EventOptions::new().prevent_default(), h));
        assert!(code.contains(&crate::squash(&expected.to_string())), "{code}");
        let code = expand_str(quote! { <button onclick={h}></button> });
        let expected = quote!(.on_value(::idom::html::events::onclick, ::idom::html::EventOptions::new(), h));
        assert!(code.contains(&crate::squash(&expected.to_string())), "{code}");
    }

    #[test]
    fn rate_modifiers_set_a_duration() {
        let code = expand_str(quote! { <input oninput|debounce(300)|prevent_default={move |e| f(e)} /> });
        let expected = quote!(.on_with(
            ::idom::html::events::oninput,
            ::idom::html::EventOptions::new().prevent_default().debounce(::core::time::Duration::from_millis(300u64)),
            move |e| f(e)
        ));
        assert!(code.contains(&crate::squash(&expected.to_string())), "{code}");
        // A braced delay is a `Duration` expression, passed as written.
        let code = expand_str(quote! { <div onscroll|throttle({period * 2})={move |_| ()}></div> });
        let expected = quote!(.on_with(
            ::idom::html::events::onscroll,
            ::idom::html::EventOptions::new().throttle(period * 2),
            move |_| ()
        ));
        assert!(code.contains(&crate::squash(&expected.to_string())), "{code}");
        let code = expand_str(quote! { <div onscroll|throttle(0)={h}></div> });
        let expected = quote!(.on_value(
            ::idom::html::events::onscroll,
            ::idom::html::EventOptions::new().throttle(::core::time::Duration::from_millis(0u64)),
            h
        ));
        assert!(code.contains(&crate::squash(&expected.to_string())), "{code}");
    }

    #[test]
    fn async_closures_are_adapted() {
        let code = expand_str(quote! { <button onclick={async move |e| save(e).await}></button> });
        assert!(code.contains("::std::sync::Arc::new(__typed(asyncmove|e|save(e).await))"), "{code}");
        let code = expand_str(quote! { <button onclick={move |e| async move { save(e).await }}></button> });
        assert!(!code.contains("Arc"), "{code}");
    }

    #[test]
    fn custom_void_and_svg_elements() {
        let code = expand_str(quote! { <my-widget></my-widget> <input /> <linearGradient></linearGradient> <use /> });
        assert!(code.contains(&crate::squash("::idom::html::custom(\"my-widget\")")), "{code}");
        assert!(code.contains(&crate::squash(":: idom :: html :: input ()")), "{code}");
        assert!(code.contains(&crate::squash(":: idom :: html :: linear_gradient ()")), "{code}");
        assert!(code.contains(&crate::squash(":: idom :: html :: use_ ()")), "{code}");
        assert!(code.contains(&crate::squash(":: idom :: html :: fragment ()")), "{code}");
    }

    #[test]
    fn components_use_the_builder() {
        let code = expand_str(quote! {
            <Card title="t" type="x" key=1><p>{a}</p><p>{b}</p></Card>
        });
        assert_eq!(
            code,
            quote! {
                ::idom::__private::component_element(
                    Card::__builder()
                        .title("t")
                        .r#type("x")
                        .children(<::idom::Element as ::core::convert::From<_>>::from(
                            ::idom::html::fragment()
                                .child(::idom::html::p().__head("{\"tagName\":\"p\"").child(a))
                                .child(::idom::html::p().__head("{\"tagName\":\"p\"").child(b))
                        ))
                        .build()
                ).with_key(1)
            }
            .to_string()
            .replace(' ', "")
        );
        let code = expand_str(quote! { <ClickCount /> });
        assert_eq!(
            code,
            crate::squash(&quote!(::idom::__private::component_element(ClickCount::__builder().build())).to_string())
        );
    }

    #[test]
    fn static_subtrees_are_built_once() {
        // Literal attributes, flags and texts, nested: one static for the whole subtree.
        let code = expand_str(quote! { <ul class="menu" hidden><li>"a"</li><li>"b" 3</li></ul> });
        assert_eq!(code.matches("StaticElement::new").count(), 1, "{code}");
        assert!(
            code.contains(&crate::squash("static __IDOM_STATIC : :: idom :: __private :: StaticElement")),
            "{code}"
        );
        let li_head = quote!(.__head("{\"tagName\":\"li\""));
        let expected = format!("::idom::html::li(){li_head}.child(::idom::__private::static_text(\"a\"))");
        assert!(code.contains(&crate::squash(&expected)), "{code}");
        // A dynamic part anywhere makes the element dynamic; its static children stay static.
        let code = expand_str(quote! { <div><p>"x"</p>{n}</div> });
        assert_eq!(code.matches("StaticElement::new").count(), 1, "{code}");
        assert!(
            code.starts_with(&crate::squash(
                "< :: idom :: Element as :: core :: convert :: From < _ >> :: from (:: idom :: html :: div ()"
            )),
            "{code}"
        );
        for dynamic in [
            quote! { <p class={c}>"x"</p> },
            quote! { <p key="k">"x"</p> },
            quote! { <p onclick={move |_| ()}>"x"</p> },
            quote! { <p><Row /></p> },
            quote! { <p>if ok { "x" }</p> },
        ] {
            let code = expand_str(dynamic);
            assert!(!code.contains("StaticElement"), "{code}");
        }
    }

    #[test]
    fn control_flow_yields_elements() {
        let code = expand_str(quote! {
            <ul>
                for item in items { <li>{item}</li> }
                if ok { "yes" }
                match n { 0 => "zero", _ => {} }
            </ul>
        });
        assert!(
            code.contains(&crate::squash("let mut __nodes = :: std :: vec :: Vec :: < :: idom :: Element > :: new ()")),
            "{code}"
        );
        assert!(code.contains(&crate::squash("for item in items { __nodes . push (")), "{code}");
        assert!(
            code.contains(&crate::squash(
                "if ok { :: idom :: __private :: static_text (\"yes\") } else { :: idom :: Element :: empty () }"
            )),
            "{code}"
        );
        assert!(code.contains(&crate::squash("match n { 0 => { :: idom :: __private :: static_text (\"zero\") } , _ => { :: idom :: Element :: empty () } , }")), "{code}");
    }

    #[test]
    fn empty_markup_is_an_empty_element() {
        assert_eq!(expand_str(quote! {}), crate::squash(&quote!(::idom::Element::empty()).to_string()));
    }
}
