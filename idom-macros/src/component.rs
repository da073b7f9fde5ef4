//! `#[component]`: a function `fn Name(props...) -> Element` becomes a props struct that
//! implements `Component`, plus the typed builder `html!` uses to set its props.
//!
//! For `fn Row(id: u32, label: String, #[prop(default)] selected: bool) -> Element`:
//!
//! ```text
//! #[derive(Clone, PartialEq)] pub struct Row { pub id: u32, pub label: String, pub selected: bool }
//! impl Component for Row {
//!     fn render(&self, __cx: &mut HookContext<'_>) -> Element {
//!         let Row { id, label, selected } = Clone::clone(self);
//!         /* the body, hook calls rewritten to run against __cx */
//!     }
//!     fn name(&self) -> &'static str { "Row" }
//! }
//! // hidden: the builder html! calls, `Row::__builder().id(1).label(l).build()`
//! pub struct __RowBuilder<P0, P1> { id: P0, label: P1, selected: Option<bool> }
//! ```
//!
//! Each required prop has a type parameter in the builder: `()` until its setter is called, then
//! `(T,)`. `build()` requires one marker trait per required prop, implemented only for `(T,)`,
//! whose `#[diagnostic::on_unimplemented]` turns a missing prop into "missing prop `label` for
//! `<Row>`" at the component name in `html!`. A prop-less component is a unit struct, so
//! `Layout::new(ClickCount)` works.
//!
//! An `async fn` component renders in two parts: its statements up to the last hook call run in
//! `render`, and the rest of the body (from before its first `.await` on) becomes the future the
//! layout finishes later; hooks in or after the statement of the first `.await` are errors:
//!
//! ```text
//! fn render(&self, __cx: &mut HookContext<'_>) -> Element {
//!     let Rows { filter } = Clone::clone(self);
//!     /* the statements up to the last hook call, hooks rewritten */
//!     let __fallback = Some(Into::into(/* the `fallback = ...` expression */));
//!     ::idom::__private::suspend::<Element, _>(__cx, __fallback, async move { /* the rest */ })
//! }
//! ```

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned as _;
use syn::{Attribute, Expr, FnArg, Ident, ItemFn, Pat, Result, Type, Visibility};

use crate::awaits;
use crate::diag::{error, error_spanned};
use crate::item::{self, Attrs, Kind};
use crate::rules::{self, Owner};

/// A component function, read and checked.
pub(crate) struct ComponentFn {
    attrs: Attrs,
    vis: Visibility,
    name: Ident,
    props: Vec<Prop>,
    output: Box<Type>,
    body: syn::Block,
    /// The `async` keyword of an async component.
    asyncness: Option<Span>,
    /// `#[component(fallback = EXPR)]`: what an async component shows while it loads.
    fallback: Option<Expr>,
}

/// One parameter of the component: one prop.
struct Prop {
    /// Docs and other attributes of the parameter, kept on the field.
    attrs: Vec<Attribute>,
    /// The parameter's pattern (`label`, `mut count`), used to destructure the props.
    pat: Pat,
    /// The field and setter name.
    name: Ident,
    ty: Type,
    default: PropDefault,
}

#[derive(Clone)]
enum PropDefault {
    /// Must be set in `html!`.
    Required,
    /// `Option<T>`: `None` unless set.
    None,
    /// `#[prop(default)]`: `Default::default()` unless set.
    Default,
    /// `#[prop(default = EXPR)]`.
    Expr(Box<Expr>),
    /// `children: Element`: `Element::empty()` unless given.
    Children,
}

/// Reads the function under `#[component]`.
pub(crate) fn parse(args: TokenStream, item: TokenStream) -> Result<ComponentFn> {
    let fallback = options(args)?;
    let ItemFn { attrs, vis, sig, block } = item::parse_fn(Kind::Component, TokenStream::new(), item)?;
    item::check_signature(Kind::Component, &sig)?;
    let asyncness = sig.asyncness.map(|a| a.span);
    if let (None, Some((key, _))) = (asyncness, &fallback) {
        return Err(error(
            *key,
            "`fallback` is for async components",
            "this component renders at once and never shows a fallback: remove `fallback`, or make it an `async fn`",
        ));
    }
    let name = sig.ident.clone();
    let text = name.to_string();
    if !text.starts_with(|c: char| c.is_ascii_uppercase()) {
        return Err(error(
            name.span(),
            format_args!(
                "component names start with an upper-case letter so html! can tell them from HTML tags: `{text}`"
            ),
            format_args!("rename it to `{}`", upper_camel(&text)),
        ));
    }
    if let Some(param) = sig.generics.params.first() {
        let help = match param {
            syn::GenericParam::Lifetime(_) => {
                "props are owned values: use `String` instead of `&str`, `Vec<T>` instead of `&[T]`"
            }
            _ => "use concrete prop types (a `Callback<T>` for a function, an `Element` for markup)",
        };
        let what = match param {
            syn::GenericParam::Lifetime(_) => "lifetime parameters",
            _ => "generic parameters",
        };
        return Err(error_spanned(&sig.generics, format_args!("a component cannot have {what}"), help));
    }
    if let Some(clause) = &sig.generics.where_clause {
        return Err(error_spanned(clause, "a component cannot have a `where` clause", "use concrete prop types"));
    }
    let output = match sig.output {
        syn::ReturnType::Type(_, ty) => ty,
        syn::ReturnType::Default => {
            return Err(error(
                sig.paren_token.span.close(),
                format_args!("component `{text}` has no return type"),
                "a component returns its markup: add `-> Element`",
            ));
        }
    };
    if let Type::ImplTrait(_) = *output {
        return Err(error_spanned(&output, "a component returns `Element`", "write `-> Element`"));
    }
    let mut props = Vec::new();
    for input in sig.inputs {
        let FnArg::Typed(arg) = input else { unreachable!("receivers are rejected above") };
        let prop = prop(arg)?;
        if props.iter().any(|p: &Prop| p.name == prop.name) {
            return Err(error(
                prop.name.span(),
                format_args!("prop `{}` is declared twice", prop.name),
                "rename one of them",
            ));
        }
        props.push(prop);
    }
    let fallback = fallback.map(|(_, expr)| expr);
    Ok(ComponentFn { attrs: item::sort_attrs(attrs), vis, name, props, output, body: *block, asyncness, fallback })
}

/// The options of `#[component(...)]`: only `fallback = EXPR`, returned with the span of its name.
fn options(args: TokenStream) -> Result<Option<(Span, Expr)>> {
    const HELP: &str = "`#[component]` takes one option, `fallback = ...`: what an async component shows while it loads (`#[component(fallback = html! { <p>\"Loading...\"</p> })]`)";
    if args.is_empty() {
        return Ok(None);
    }
    let meta: syn::Meta =
        syn::parse2(args.clone()).map_err(|_| error_spanned(args, "unsupported `#[component]` option", HELP))?;
    match meta {
        syn::Meta::NameValue(nv) if nv.path.is_ident("fallback") => {
            Ok(Some((nv.path.get_ident().expect("checked").span(), nv.value)))
        }
        other => {
            let shown = other.path().get_ident().map_or_else(|| "this".to_owned(), |i| format!("`{i}`"));
            Err(error_spanned(other, format_args!("unsupported `#[component]` option {shown}"), HELP))
        }
    }
}

fn upper_camel(name: &str) -> String {
    name.split('_')
        .filter(|part| !part.is_empty())
        .map(|part| {
            let mut chars = part.chars();
            chars.next().map(|c| c.to_ascii_uppercase().to_string() + chars.as_str()).unwrap_or_default()
        })
        .collect()
}

fn prop(arg: syn::PatType) -> Result<Prop> {
    let syn::PatType { attrs, pat, ty, .. } = arg;
    let name = match &*pat {
        Pat::Ident(p) if p.subpat.is_none() => p.ident.clone(),
        other => {
            return Err(error_spanned(
                other,
                "component props are named parameters",
                "write `name: Type` and destructure the value in the body",
            ));
        }
    };
    if name == "key" {
        return Err(error(
            name.span(),
            "`key` cannot be a prop name",
            "html! reads `key={...}` as the component's key among its siblings; rename the prop (`id`, `item_key`)",
        ));
    }
    if name == "build" || name == "__builder" {
        return Err(error(
            name.span(),
            format_args!("`{name}` cannot be a prop name"),
            "it is taken by the builder `html!` uses; rename the prop",
        ));
    }
    check_prop_type(&ty)?;
    let mut default = None;
    let mut kept = Vec::new();
    for attr in attrs {
        if attr.path().is_ident("prop") {
            if default.is_some() {
                return Err(error_spanned(&attr, "`#[prop]` is given twice", "merge them into one `#[prop(...)]`"));
            }
            default = Some(prop_attr(&attr)?);
        } else {
            kept.push(attr);
        }
    }
    let default = match default {
        Some(d) => d,
        None if is_option(&ty) => PropDefault::None,
        None if name == "children" && last_segment_is(&ty, "Element") => PropDefault::Children,
        None => PropDefault::Required,
    };
    Ok(Prop { attrs: kept, pat: *pat, name, ty: *ty, default })
}

/// `#[prop(default)]` or `#[prop(default = EXPR)]`.
fn prop_attr(attr: &Attribute) -> Result<PropDefault> {
    const HELP: &str = "write `#[prop(default)]` (uses `Default::default()`) or `#[prop(default = EXPR)]`";
    let syn::Meta::List(list) = &attr.meta else {
        return Err(error_spanned(attr, "`#[prop]` needs an option", HELP));
    };
    let meta: syn::Meta = list.parse_args().map_err(|e| error(e.span(), "unsupported `#[prop]` option", HELP))?;
    match meta {
        syn::Meta::Path(path) if path.is_ident("default") => Ok(PropDefault::Default),
        syn::Meta::NameValue(nv) if nv.path.is_ident("default") => Ok(PropDefault::Expr(Box::new(nv.value))),
        other => {
            let shown = other.path().get_ident().map_or_else(|| "this".to_owned(), |i| format!("`{i}`"));
            Err(error_spanned(other, format_args!("unsupported `#[prop]` option {shown}"), HELP))
        }
    }
}

fn check_prop_type(ty: &Type) -> Result<()> {
    struct Check(Option<syn::Error>);
    impl<'ast> syn::visit::Visit<'ast> for Check {
        fn visit_type_reference(&mut self, r: &'ast syn::TypeReference) {
            let is_static = r.lifetime.as_ref().is_some_and(|l| l.ident == "static");
            if !is_static && self.0.is_none() {
                self.0 = Some(error_spanned(
                    r,
                    "component props cannot borrow",
                    "props are owned values kept between renders: use `String` instead of `&str`, `Vec<T>` instead of `&[T]`, or a `&'static` reference",
                ));
            }
            syn::visit::visit_type_reference(self, r);
        }
        fn visit_type_impl_trait(&mut self, t: &'ast syn::TypeImplTrait) {
            if self.0.is_none() {
                self.0 = Some(error_spanned(
                    t,
                    "component props need a concrete type",
                    "use `Callback<T>` for a function, `Element` for markup, or another concrete type",
                ));
            }
        }
        fn visit_lifetime(&mut self, l: &'ast syn::Lifetime) {
            if l.ident != "static" && self.0.is_none() {
                self.0 = Some(error(
                    l.span(),
                    "component props cannot borrow",
                    "props are owned values kept between renders: use owned types or `'static`",
                ));
            }
        }
    }
    let mut check = Check(None);
    syn::visit::visit_type(&mut check, ty);
    check.0.map_or(Ok(()), Err)
}

fn last_segment_is(ty: &Type, name: &str) -> bool {
    matches!(ty, Type::Path(p) if p.qself.is_none() && p.path.segments.last().is_some_and(|s| s.ident == name))
}

fn is_option(ty: &Type) -> bool {
    option_inner(ty).is_some()
}

/// `T` of `Option<T>`.
fn option_inner(ty: &Type) -> Option<&Type> {
    let Type::Path(p) = ty else { return None };
    if p.qself.is_some() {
        return None;
    }
    let last = p.path.segments.last()?;
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else { return None };
    match (last.ident == "Option", args.args.first(), args.args.len()) {
        (true, Some(syn::GenericArgument::Type(inner)), 1) => Some(inner),
        _ => None,
    }
}

/// Types a literal is written for (`id={1}`): their setter takes the type itself, since
/// `impl Into<u32>` would make `1` an `i32`.
fn is_literal_friendly(ty: &Type) -> bool {
    let Type::Path(p) = ty else { return false };
    p.qself.is_none()
        && p.path.get_ident().is_some_and(|i| {
            matches!(
                i.to_string().as_str(),
                "i8" | "i16"
                    | "i32"
                    | "i64"
                    | "i128"
                    | "isize"
                    | "u8"
                    | "u16"
                    | "u32"
                    | "u64"
                    | "u128"
                    | "usize"
                    | "f32"
                    | "f64"
                    | "bool"
                    | "char"
            )
        })
}

/// Generates the props struct, its `Component` impl and the builder.
pub(crate) fn expand(c: ComponentFn) -> TokenStream {
    let ComponentFn { attrs, vis, name, props, output, mut body, asyncness, fallback } = c;
    let Attrs { docs, cfgs, body: body_attrs } = attrs;
    let cx = Ident::new("__cx", Span::mixed_site());
    let first_await = asyncness.and_then(|_| awaits::first_await(&body));
    let rewritten = rules::rewrite(&mut body, Owner::Component, &cx, first_await);
    let render_body = match asyncness {
        None => {
            let stmts = &body.stmts;
            quote!(#(#stmts)*)
        }
        Some(span) => async_render(body, rewritten.last_hook_stmt, fallback, &output, &cx, span),
    };
    let render_output = match asyncness {
        None => quote!(#output),
        Some(_) => quote!(::idom::Element),
    };
    let name_text = name.to_string();

    let fields = props.iter().map(|p| {
        let (attrs, field, ty) = (&p.attrs, &p.name, &p.ty);
        quote!(#(#attrs)* #vis #field: #ty)
    });
    let derive = quote!(#[derive(::core::clone::Clone, ::core::cmp::PartialEq)]);
    let (definition, destructure) = if props.is_empty() {
        (quote!(#derive #vis struct #name;), quote!())
    } else {
        let pats = props.iter().map(|p| &p.pat);
        let destructure = quote!(let #name { #(#pats),* } = ::core::clone::Clone::clone(self););
        (quote!(#derive #vis struct #name { #(#fields),* }), destructure)
    };
    let builder = builder(&cfgs, &vis, &name, &props);

    quote! {
        #(#cfgs)*
        #(#docs)*
        #definition

        #(#cfgs)*
        impl ::idom::__private::Component for #name {
            #(#body_attrs)*
            fn render(&self, #cx: &mut ::idom::__private::HookContext<'_>) -> #render_output {
                #destructure
                #render_body
            }

            fn name(&self) -> &'static str {
                #name_text
            }
        }

        #builder
    }
}

/// The render of an async component after its props: the statements up to the last hook call
/// (`last_hook`), then `::idom::__private::suspend` with the fallback and the rest of
/// the body as an `async move` block. A tail expression among the first statements is evaluated
/// there and the block returns its value.
fn async_render(
    body: syn::Block,
    last_hook: Option<usize>,
    fallback: Option<Expr>,
    output: &Type,
    cx: &Ident,
    async_span: Span,
) -> TokenStream {
    let mut now = body.stmts;
    let split = last_hook.map_or(0, |i| i + 1);
    let later = now.split_off(split);
    let later = match now.pop() {
        Some(syn::Stmt::Expr(expr, None)) => {
            let tail = Ident::new("__tail", Span::mixed_site());
            now.push(syn::parse_quote!(let #tail = #expr;));
            quote!(#tail)
        }
        other => {
            now.extend(other);
            quote!(#(#later)*)
        }
    };
    let fallback_var = Ident::new("__fallback", Span::mixed_site());
    let fallback = match fallback {
        Some(expr) => {
            quote_spanned!(expr.span()=> ::core::option::Option::Some(::core::convert::Into::<::idom::Element>::into(#expr)))
        }
        None => quote!(::core::option::Option::None),
    };
    quote_spanned! {async_span=>
        #(#now)*
        let #fallback_var: ::core::option::Option<::idom::Element> = #fallback;
        ::idom::__private::suspend::<#output, _>(#cx, #fallback_var, async move { #later })
    }
}

fn builder(cfgs: &[Attribute], vis: &Visibility, name: &Ident, props: &[Prop]) -> TokenStream {
    let builder = format_ident!("__{}Builder", name);
    let required: Vec<&Prop> = props.iter().filter(|p| matches!(p.default, PropDefault::Required)).collect();
    let params: Vec<Ident> = (0..required.len()).map(|i| format_ident!("__IdomP{}", i)).collect();
    let unset = required.iter().map(|_| quote!(()));
    let generics = if params.is_empty() { quote!() } else { quote!(<#(#params),*>) };
    let unset = if params.is_empty() { quote!() } else { quote!(<#(#unset),*>) };

    let storage = props.iter().map(|p| {
        let (field, ty) = (&p.name, &p.ty);
        let ty = match &p.default {
            PropDefault::Required => {
                let index = required_index(&required, p);
                let param = &params[index];
                quote!(#param)
            }
            PropDefault::None => quote!(#ty),
            _ => quote!(::core::option::Option<#ty>),
        };
        quote!(#field: #ty)
    });
    let init = props.iter().map(|p| {
        let field = &p.name;
        match p.default {
            PropDefault::Required => quote!(#field: ()),
            _ => quote!(#field: ::core::option::Option::None),
        }
    });

    // `Option<T>` props take a `T`-ish value (`note="x"`) as well as an `Option` (`note={None}`).
    let into_option = format_ident!("__{}IntoOption", name);
    fn option_inner_of(p: &Prop) -> Option<&Type> {
        match p.default {
            PropDefault::None => option_inner(&p.ty).filter(|inner| !is_literal_friendly(inner)),
            _ => None,
        }
    }
    let into_option_def = props.iter().any(|p| option_inner_of(p).is_some()).then(|| {
        quote! {
            #(#cfgs)*
            #[doc(hidden)]
            #[allow(non_camel_case_types, clippy::all, clippy::pedantic, clippy::nursery)]
            #vis trait #into_option<T, M> {
                #[doc(hidden)]
                fn __into_option(self) -> ::core::option::Option<T>;
            }
            #(#cfgs)*
            #[allow(clippy::all, clippy::pedantic, clippy::nursery)]
            impl<T, U: ::core::convert::Into<T>> #into_option<T, ((),)> for U {
                #[inline]
                fn __into_option(self) -> ::core::option::Option<T> {
                    ::core::option::Option::Some(::core::convert::Into::into(self))
                }
            }
            #(#cfgs)*
            #[allow(clippy::all, clippy::pedantic, clippy::nursery)]
            impl<T> #into_option<T, ()> for ::core::option::Option<T> {
                #[inline]
                fn __into_option(self) -> ::core::option::Option<T> {
                    self
                }
            }
        }
    });

    let setters = props.iter().map(|p| {
        let (field, ty) = (&p.name, &p.ty);
        let span = field.span();
        let (param_ty, converted) = if is_literal_friendly(ty) {
            (quote!(#ty), quote!(value))
        } else {
            (quote!(impl ::core::convert::Into<#ty>), quote!(::core::convert::Into::<#ty>::into(value)))
        };
        match &p.default {
            PropDefault::Required => {
                let index = required_index(&required, p);
                let out = params
                    .iter()
                    .enumerate()
                    .map(|(i, param)| if i == index { quote!((#ty,)) } else { quote!(#param) });
                let others = props.iter().filter(|o| o.name != p.name).map(|o| &o.name);
                quote_spanned! {span=>
                    #[doc(hidden)]
                    #[inline]
                    #vis fn #field(self, value: #param_ty) -> #builder<#(#out),*> {
                        #builder { #field: (#converted,), #(#others: self.#others),* }
                    }
                }
            }
            PropDefault::None if option_inner_of(p).is_some() => {
                let inner = option_inner_of(p).expect("checked");
                quote_spanned! {span=>
                    #[doc(hidden)]
                    #[inline]
                    #vis fn #field<__IdomM>(mut self, value: impl #into_option<#inner, __IdomM>) -> Self {
                        self.#field = #into_option::<#inner, __IdomM>::__into_option(value);
                        self
                    }
                }
            }
            PropDefault::None => quote_spanned! {span=>
                #[doc(hidden)]
                #[inline]
                #vis fn #field(mut self, value: #param_ty) -> Self {
                    self.#field = #converted;
                    self
                }
            },
            _ => quote_spanned! {span=>
                #[doc(hidden)]
                #[inline]
                #vis fn #field(mut self, value: #param_ty) -> Self {
                    self.#field = ::core::option::Option::Some(#converted);
                    self
                }
            },
        }
    });

    let markers: Vec<Ident> =
        required.iter().map(|p| format_ident!("__{}Prop_{}", name, p.name.unraw_string())).collect();
    let marker_defs = required.iter().zip(&markers).map(|(p, marker)| {
        let (field, ty) = (p.name.unraw_string(), &p.ty);
        let message = format!("missing prop `{field}` for `<{name}>`");
        let label = format!("`<{name}>` needs `{field}`");
        let note = format!("add `{field}={{...}}` to `<{name} ... />`");
        quote! {
            #(#cfgs)*
            #[doc(hidden)]
            #[allow(non_camel_case_types, clippy::all, clippy::pedantic, clippy::nursery)]
            #[diagnostic::on_unimplemented(message = #message, label = #label, note = #note)]
            #vis trait #marker {
                #[doc(hidden)]
                fn __take(self) -> #ty;
            }
            #(#cfgs)*
            #[allow(clippy::all, clippy::pedantic, clippy::nursery)]
            #[diagnostic::do_not_recommend]
            impl #marker for (#ty,) {
                #[inline]
                fn __take(self) -> #ty {
                    self.0
                }
            }
        }
    });
    let bounds: Vec<_> = params.iter().zip(&markers).map(|(param, marker)| quote!(#param: #marker)).collect();
    let where_clause = if bounds.is_empty() { quote!() } else { quote!(where #(#bounds),*) };
    let values = props.iter().map(|p| {
        let field = &p.name;
        match &p.default {
            PropDefault::Required => {
                let marker = &markers[required_index(&required, p)];
                let param = &params[required_index(&required, p)];
                quote!(#field: <#param as #marker>::__take(self.#field))
            }
            PropDefault::None => quote!(#field: self.#field),
            PropDefault::Default => quote!(#field: self.#field.unwrap_or_default()),
            PropDefault::Expr(expr) => quote!(#field: self.#field.unwrap_or_else(|| #expr)),
            PropDefault::Children => quote!(#field: self.#field.unwrap_or_else(::idom::Element::empty)),
        }
    });
    let construct = if props.is_empty() { quote!(#name) } else { quote!(#name { #(#values),* }) };

    quote! {
        #(#cfgs)*
        #[doc(hidden)]
        #[allow(non_camel_case_types, non_snake_case, clippy::all, clippy::pedantic, clippy::nursery)]
        #vis struct #builder #generics {
            #(#storage),*
        }

        #(#cfgs)*
        #[allow(clippy::all, clippy::pedantic, clippy::nursery)]
        impl #name {
            #[doc(hidden)]
            #[inline]
            #vis fn __builder() -> #builder #unset {
                #builder { #(#init),* }
            }
        }

        #(#marker_defs)*

        #into_option_def

        #(#cfgs)*
        #[allow(non_camel_case_types, clippy::all, clippy::pedantic, clippy::nursery)]
        impl #generics #builder #generics {
            #(#setters)*

            #[doc(hidden)]
            #[inline]
            #vis fn build(self) -> #name #where_clause {
                #construct
            }
        }
    }
}

fn required_index(required: &[&Prop], prop: &Prop) -> usize {
    required.iter().position(|p| p.name == prop.name).expect("a required prop")
}

/// The name without `r#`, for messages and generated names.
trait UnrawString {
    fn unraw_string(&self) -> String;
}

impl UnrawString for Ident {
    fn unraw_string(&self) -> String {
        syn::ext::IdentExt::unraw(self).to_string()
    }
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::*;

    fn expand_str(item: TokenStream) -> String {
        crate::squash(&expand(parse(TokenStream::new(), item).unwrap()).to_string())
    }

    fn err(args: TokenStream, item: TokenStream) -> String {
        match parse(args, item) {
            Ok(_) => panic!("expected an error"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn prop_less_component_is_a_unit_struct() {
        let code = expand_str(quote! {
            /// Counts clicks.
            pub fn ClickCount() -> Element {
                let (count, set_count) = use_state(|| 0);
                html! { <p>{count}</p> }
            }
        });
        assert!(code.contains(&crate::squash("# [doc = r\" Counts clicks.\"] # [derive (:: core :: clone :: Clone , :: core :: cmp :: PartialEq)] pub struct ClickCount ;")), "{code}");
        assert!(code.contains(&crate::squash("impl :: idom :: __private :: Component for ClickCount")), "{code}");
        assert!(
            code.contains(&crate::squash(
                "fn render (& self , __cx : & mut :: idom :: __private :: HookContext < '_ >) -> Element"
            )),
            "{code}"
        );
        assert!(code.contains(&crate::squash("use_state :: __call (__cx , || 0)")), "{code}");
        assert!(code.contains(&crate::squash("fn name (& self) -> & 'static str { \"ClickCount\" }")), "{code}");
        assert!(code.contains(&crate::squash("pub fn build (self) -> ClickCount { ClickCount }")), "{code}");
    }

    #[test]
    #[rustfmt::skip]
    fn props_struct_destructure_and_builder() {
        let code = expand_str(quote! {
            pub fn Row(
                /// The id.
                id: u32,
                mut label: String,
                #[prop(default)] selected: bool,
                #[prop(default = 3)] size: u8,
                note: Option<String>,
                children: Element,
            ) -> Element {
                html! {}
            }
        });
        for expected in [
            quote!(
                pub struct Row {
                    #[doc = r" The id."]
                    pub id: u32,
                    pub label: String,
                    pub selected: bool,
                    pub size: u8,
                    pub note: Option<String>,
                    pub children: Element,
                }
            ),
            quote!(let Row { id, mut label, selected, size, note, children } = ::core::clone::Clone::clone(self);),
            quote!(
                pub struct __RowBuilder<__IdomP0, __IdomP1> {
                    id: __IdomP0,
                    label: __IdomP1,
                    selected: ::core::option::Option<bool>,
                    size: ::core::option::Option<u8>,
                    note: Option<String>,
                    children: ::core::option::Option<Element>,
                }
            ),
            quote!(pub fn __builder() -> __RowBuilder<(), ()>),
            quote!(
                pub fn id(self, value: u32) -> __RowBuilder<(u32,), __IdomP1> {
                    __RowBuilder {
                        id: (value,),
                        label: self.label,
                        selected: self.selected,
                        size: self.size,
                        note: self.note,
                        children: self.children,
                    }
                }
            ),
            quote!(pub fn label(self, value: impl ::core::convert::Into<String>) -> __RowBuilder<__IdomP0, (String,)>),
            quote!(
                pub fn note<__IdomM>(mut self, value: impl __RowIntoOption<String, __IdomM>) -> Self {
                    self.note = __RowIntoOption::<String, __IdomM>::__into_option(value);
                    self
                }
            ),
            quote!(impl<T> __RowIntoOption<T, ()> for ::core::option::Option<T>),
            quote!(
                #[diagnostic::on_unimplemented(
                    message = "missing prop `label` for `<Row>`",
                    label = "`<Row>` needs `label`",
                    note = "add `label={...}` to `<Row ... />`"
                )]
                pub trait __RowProp_label {
                    #[doc(hidden)]
                    fn __take(self) -> String;
                }
            ),
            quote!(
                pub fn build(self) -> Row
                where
                    __IdomP0: __RowProp_id,
                    __IdomP1: __RowProp_label
                {
                    Row {
                        id: <__IdomP0 as __RowProp_id>::__take(self.id),
                        label: <__IdomP1 as __RowProp_label>::__take(self.label),
                        selected: self.selected.unwrap_or_default(),
                        size: self.size.unwrap_or_else(|| 3),
                        note: self.note,
                        children: self.children.unwrap_or_else(::idom::Element::empty),
                    }
                }
            ),
        ] {
            assert!(code.contains(&crate::squash(&expected.to_string())), "missing `{expected}` in\n{code}");
        }
    }

    #[test]
    fn signature_errors() {
        let cases: Vec<(TokenStream, TokenStream, &str)> = vec![
            (
                quote!(),
                quote!(
                    fn counter() -> Element {}
                ),
                "component names start with an upper-case letter so html! can tell them from HTML tags: `counter`\nhelp: rename it to `Counter`",
            ),
            (
                quote!(),
                quote!(
                    fn List<T>(items: Vec<T>) -> Element {}
                ),
                "a component cannot have generic parameters",
            ),
            (
                quote!(),
                quote!(
                    fn Label<'a>(text: &'a str) -> Element {}
                ),
                "a component cannot have lifetime parameters",
            ),
            (
                quote!(fallback = html! { <p>"Loading"</p> }),
                quote!(
                    fn Page() -> Element {}
                ),
                "`fallback` is for async components",
            ),
            (
                quote!(fallback),
                quote!(
                    async fn Page() -> Element {}
                ),
                "unsupported `#[component]` option `fallback`\nhelp: `#[component]` takes one option, `fallback = ...`",
            ),
            (
                quote!(),
                quote!(
                    fn Page(&self) -> Element {}
                ),
                "a component is a free function, not a method",
            ),
            (
                quote!(),
                quote!(
                    fn Page() {}
                ),
                "component `Page` has no return type\nhelp: a component returns its markup: add `-> Element`",
            ),
            (
                quote!(),
                quote!(
                    fn Page(#[prop(into)] x: String) -> Element {}
                ),
                "unsupported `#[prop]` option `into`",
            ),
            (
                quote!(),
                quote!(
                    fn Page(#[prop] x: String) -> Element {}
                ),
                "`#[prop]` needs an option",
            ),
            (
                quote!(),
                quote!(
                    fn Page((a, b): (i32, i32)) -> Element {}
                ),
                "component props are named parameters",
            ),
            (
                quote!(),
                quote!(
                    fn Page(text: &str) -> Element {}
                ),
                "component props cannot borrow",
            ),
            (
                quote!(),
                quote!(
                    fn Page(f: impl Fn()) -> Element {}
                ),
                "component props need a concrete type",
            ),
            (
                quote!(),
                quote!(
                    fn Page(key: u32) -> Element {}
                ),
                "`key` cannot be a prop name",
            ),
            (
                quote!(name = "x"),
                quote!(
                    fn Page() -> Element {}
                ),
                "unsupported `#[component]` option `name`",
            ),
            (
                quote!(fallback = a, name = b),
                quote!(
                    async fn Page() -> Element {}
                ),
                "unsupported `#[component]` option",
            ),
            (
                quote!(),
                quote!(
                    struct Page;
                ),
                "`#[component]` goes on a function",
            ),
        ];
        for (args, item, expected) in cases {
            let e = err(args, item.clone());
            assert!(e.starts_with(expected), "{item}: {e}");
            assert!(e.contains("\nhelp: "), "{e}");
        }
    }

    #[test]
    fn static_references_are_fine_props() {
        assert!(
            parse(
                TokenStream::new(),
                quote!(
                    fn Page(text: &'static str) -> Element {}
                )
            )
            .is_ok()
        );
    }

    #[test]
    fn async_components_render_their_hooks_and_suspend_on_the_rest() {
        let item = quote! {
            async fn Rows(filter: String) -> Element {
                let (page, _) = use_state(|| 0);
                let query = format!("{filter}:{page}");
                let rows = load(query).await;
                html! { <p>{rows}</p> }
            }
        };
        let code =
            crate::squash(&expand(parse(quote!(fallback = html! { <p>"Loading"</p> }), item).unwrap()).to_string());
        let expected = quote! {
            fn render(&self, __cx: &mut ::idom::__private::HookContext<'_>) -> ::idom::Element {
                let Rows { filter } = ::core::clone::Clone::clone(self);
                let (page, _) = use_state::__call(__cx, || 0);
                let __fallback: ::core::option::Option<::idom::Element> =
                    ::core::option::Option::Some(::core::convert::Into::<::idom::Element>::into(html! { <p>"Loading"</p> }));
                ::idom::__private::suspend::<Element, _>(__cx, __fallback, async move {
                    let query = format!("{filter}:{page}");
                    let rows = load(query).await;
                    html! { <p>{rows}</p> }
                })
            }
        };
        assert!(code.contains(&crate::squash(&expected.to_string())), "{code}");
    }

    #[test]
    fn an_async_tail_with_a_hook_is_evaluated_before_the_future() {
        let code = expand_str(quote! {
            async fn Page() -> Element {
                use_page()
            }
        });
        let expected = quote! {
            let __tail = use_page::__call(__cx);
            let __fallback: ::core::option::Option<::idom::Element> = ::core::option::Option::None;
            ::idom::__private::suspend::<Element, _>(__cx, __fallback, async move { __tail })
        };
        assert!(code.contains(&crate::squash(&expected.to_string())), "{code}");
    }

    #[test]
    fn hooks_after_the_first_await_are_errors() {
        let code = expand_str(quote! {
            async fn Page() -> Element {
                let rows = load().await;
                let (n, _) = use_state(|| 0);
                html! {}
            }
        });
        assert!(code.contains("compile_error"), "{code}");
        assert!(code.contains(&crate::squash("`use_state` comes after the first `.await`")), "{code}");
    }

    #[test]
    fn misplaced_hooks_become_errors_in_the_body() {
        let code = expand_str(quote! {
            fn Page(flag: bool) -> Element {
                if flag { let x = use_state(|| 1); }
                html! {}
            }
        });
        assert!(code.contains(&crate::squash("compile_error")), "{code}");
        assert!(code.contains(&crate::squash("is inside an `if`")), "{code}");
    }
}
