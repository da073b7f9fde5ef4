//! `#[hook]`: a function `fn use_x(args) -> T` becomes the pair every idom hook is made of.
//!
//! ```text
//! #[doc(hidden)] pub struct use_x {}                    // type namespace: the real hook
//! impl use_x {
//!     pub fn __call(__cx: &mut HookContext<'_>, args) -> T { /* body, hooks rewritten */ }
//! }
//! /// the user's docs
//! pub fn use_x<'__h>(_: A) -> ! where &'__h (): InsideComponent { unreachable!() }
//! ```
//!
//! Inside `#[component]` and `#[hook]` bodies, a call `use_x(args)` is rewritten to
//! `use_x::__call(__cx, args)`, which names the struct. Anywhere else the call reaches the
//! function, whose bound can never hold, so rustc reports "hooks can only be called from
//! #[component] or #[hook] functions" at the call.
//!
//! In edition 2024 a return-position `impl Trait` captures every lifetime in scope, including the
//! hook context's, which would keep the context borrowed for as long as the returned value lives
//! and block the next hook call. `__call` therefore gets `+ use<..>` (the function's own generic
//! parameters, never the context's lifetime) on each `impl Trait` of its return type, and its
//! argument-position `impl Trait`s become named type parameters, since the two cannot be mixed.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};
use syn::visit_mut::{self, VisitMut};
use syn::{FnArg, GenericParam, Generics, Ident, ItemFn, Result, Signature, Type};

use crate::diag::error;
use crate::item::{self, Attrs, Kind};
use crate::rules::{self, Owner};

/// A hook function, read and checked.
pub(crate) struct HookFn {
    attrs: Attrs,
    vis: syn::Visibility,
    sig: Signature,
    body: syn::Block,
}

/// Reads the function under `#[hook]`.
pub(crate) fn parse(args: TokenStream, item: TokenStream) -> Result<HookFn> {
    let ItemFn { attrs, vis, sig, block } = item::parse_fn(Kind::Hook, args, item)?;
    item::check_signature(Kind::Hook, &sig)?;
    let name = sig.ident.to_string();
    if !rules::is_hook_name(&name) {
        let suggestion = format!("use_{}", name.trim_start_matches("use").trim_start_matches('_'));
        return Err(error(
            sig.ident.span(),
            format_args!("hook names start with `use_`: `{name}`"),
            format_args!("rename it to `{suggestion}`, so the rules of hooks can recognise its calls"),
        ));
    }
    Ok(HookFn { attrs: item::sort_attrs(attrs), vis, sig, body: *block })
}

/// Generates the struct, its `__call` and the guard function.
pub(crate) fn expand(hook: HookFn) -> TokenStream {
    let HookFn { attrs, vis, sig, mut body } = hook;
    let Attrs { docs, cfgs, body: body_attrs } = attrs;
    let name = &sig.ident;
    let cx = Ident::new("__cx", Span::mixed_site());
    rules::rewrite_hook_calls(&mut body, Owner::Hook, &cx);

    // The real hook.
    let mut call_sig = sig.clone();
    call_sig.ident = Ident::new("__call", name.span());
    name_impl_trait_args(&mut call_sig);
    let captured = captured_params(&call_sig.generics);
    if let syn::ReturnType::Type(_, ty) = &mut call_sig.output {
        AddPreciseCapture(&captured).visit_type_mut(ty);
    }
    call_sig.inputs.insert(0, syn::parse_quote!(#cx: &mut ::idom::__private::HookContext<'_>));
    let deprecated: Vec<_> = docs.iter().filter(|a| a.path().is_ident("deprecated")).collect();

    // The guard: its bound never holds, so a call type-checks nowhere. It returns what the hook
    // returns (by forwarding to `__call` after a diverging context), so the code after a
    // misplaced call still type-checks quietly and the user sees the one error (the arguments,
    // never evaluated after the diverging context, are allowed to be "unused"). An `impl Trait`
    // of the guard would carry the failing bound to every use of the value, so a hook returning
    // one has a guard returning `!` instead (its cost: an "unreachable code" warning after the
    // misplaced call).
    let returns_impl_trait = matches!(&sig.output, syn::ReturnType::Type(_, ty) if contains_impl_trait(ty));
    let mut guard_sig = sig.clone();
    guard_sig.generics.params.insert(0, syn::parse_quote!('__h));
    guard_sig
        .generics
        .make_where_clause()
        .predicates
        .push(syn::parse_quote!(&'__h (): ::idom::__private::InsideComponent));
    let mut forwarded = Vec::new();
    for (i, input) in guard_sig.inputs.iter_mut().enumerate() {
        if let FnArg::Typed(arg) = input {
            let arg_name = guard_arg_name(&arg.pat, i);
            *arg.pat = syn::parse_quote!(#arg_name);
            forwarded.push(arg_name);
        }
    }
    let turbofish = turbofish(&call_sig.generics);
    let message = format!("`{name}` is a hook: call it from a #[component] or #[hook] function");
    let guard_body = if returns_impl_trait {
        guard_sig.output = syn::parse_quote!(-> !);
        quote!(let _ = (#(#forwarded,)*); ::core::unreachable!(#message))
    } else {
        quote!(#name::__call #turbofish(::core::unreachable!(#message), #(#forwarded),*))
    };

    quote! {
        #(#cfgs)*
        #(#deprecated)*
        #[doc(hidden)]
        #[allow(non_camel_case_types)]
        #vis struct #name {}

        #(#cfgs)*
        impl #name {
            #[doc(hidden)]
            #(#body_attrs)*
            #vis #call_sig #body
        }

        #(#cfgs)*
        #(#docs)*
        #[allow(unreachable_code, unused_variables, clippy::all, clippy::pedantic)]
        #vis #guard_sig {
            #guard_body
        }
    }
}

/// The name of the guard's argument `i`: the user's own name when the pattern is a plain
/// binding (`init` or `mut init`), so the hook's documentation reads as written; a hidden name for
/// other patterns (`(a, b): (i32, i32)`), which a guard cannot forward as they are.
fn guard_arg_name(pat: &syn::Pat, i: usize) -> Ident {
    match pat {
        syn::Pat::Ident(p) if p.by_ref.is_none() && p.subpat.is_none() => p.ident.clone(),
        _ => format_ident!("__arg{}", i, span = Span::mixed_site()),
    }
}

fn contains_impl_trait(ty: &Type) -> bool {
    struct Find(bool);
    impl<'ast> syn::visit::Visit<'ast> for Find {
        fn visit_type_impl_trait(&mut self, _: &'ast syn::TypeImplTrait) {
            self.0 = true;
        }
    }
    let mut find = Find(false);
    syn::visit::visit_type(&mut find, ty);
    find.0
}

/// `::<T, _, N>`: the type and const parameters of `__call` as the guard names them (`_` for the
/// ones made from argument-position `impl Trait`, which the guard cannot name).
fn turbofish(generics: &Generics) -> TokenStream {
    let args: Vec<TokenStream> = generics
        .params
        .iter()
        .filter_map(|p| {
            let ident = type_or_const_ident(p)?;
            Some(if ident.to_string().starts_with(IMPL_PREFIX) { quote!(_) } else { quote!(#ident) })
        })
        .collect();
    if args.is_empty() { quote!() } else { quote!(::<#(#args),*>) }
}

/// The prefix of the type parameters made from argument-position `impl Trait`.
const IMPL_PREFIX: &str = "__Impl";

/// Turns each argument-position `impl Trait` into a named type parameter.
fn name_impl_trait_args(sig: &mut Signature) {
    struct Namer {
        params: Vec<GenericParam>,
    }
    impl VisitMut for Namer {
        fn visit_type_mut(&mut self, ty: &mut Type) {
            visit_mut::visit_type_mut(self, ty);
            if let Type::ImplTrait(impl_trait) = ty {
                let param = format_ident!("{}{}", IMPL_PREFIX, self.params.len());
                let bounds = &impl_trait.bounds;
                self.params.push(syn::parse_quote!(#param: #bounds));
                *ty = syn::parse_quote!(#param);
            }
        }
    }
    let mut namer = Namer { params: Vec::new() };
    for input in &mut sig.inputs {
        if let FnArg::Typed(arg) = input {
            namer.visit_type_mut(&mut arg.ty);
        }
    }
    sig.generics.params.extend(namer.params);
}

/// The parameters a `use<..>` must list: every lifetime, type and const parameter of the
/// function (lifetimes first).
fn captured_params(generics: &Generics) -> Vec<TokenStream> {
    let lifetimes = generics.lifetimes().map(|l| {
        let lifetime = &l.lifetime;
        quote!(#lifetime)
    });
    let others = generics.params.iter().filter_map(type_or_const_ident).map(|ident| quote!(#ident));
    lifetimes.chain(others).collect()
}

/// The name of a type or const parameter (lifetimes have none here).
fn type_or_const_ident(param: &GenericParam) -> Option<&syn::Ident> {
    match param {
        GenericParam::Type(t) => Some(&t.ident),
        GenericParam::Const(c) => Some(&c.ident),
        GenericParam::Lifetime(_) => None,
    }
}

/// Adds `+ use<..>` to every `impl Trait` that has no precise capture yet.
struct AddPreciseCapture<'a>(&'a [TokenStream]);

impl VisitMut for AddPreciseCapture<'_> {
    fn visit_type_impl_trait_mut(&mut self, impl_trait: &mut syn::TypeImplTrait) {
        visit_mut::visit_type_impl_trait_mut(self, impl_trait);
        let has_capture = impl_trait.bounds.iter().any(|b| matches!(b, syn::TypeParamBound::PreciseCapture(_)));
        if !has_capture {
            let params = self.0;
            let capture: syn::TypeParamBound = syn::parse_quote!(use<#(#params),*>);
            impl_trait.bounds.push(capture);
        }
    }
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::*;

    fn expand_str(item: TokenStream) -> String {
        crate::squash(&expand(parse(TokenStream::new(), item).unwrap()).to_string())
    }

    #[test]
    fn generates_the_struct_call_and_guard() {
        let code = expand_str(quote! {
            /// Counts.
            pub fn use_counter(start: i32) -> (i32, impl Fn() + Clone) {
                let (count, set_count) = use_state(move || start);
                (count, move || set_count(count + 1))
            }
        });
        let expected = quote! {
            #[doc(hidden)]
            #[allow(non_camel_case_types)]
            pub struct use_counter {}
            impl use_counter {
                #[doc(hidden)]
                pub fn __call(__cx: &mut ::idom::__private::HookContext<'_>, start: i32) -> (i32, impl Fn() + Clone + use<>) {
                    let (count, set_count) = use_state::__call(__cx, move || start);
                    (count, move || set_count(count + 1))
                }
            }
            #[doc = r" Counts."]
            #[allow(unreachable_code, unused_variables, clippy::all, clippy::pedantic)]
            pub fn use_counter<'__h>(start: i32) -> ! where &'__h (): ::idom::__private::InsideComponent {
                let _ = (start,);
                ::core::unreachable!("`use_counter` is a hook: call it from a #[component] or #[hook] function")
            }
        };
        assert_eq!(code, crate::squash(&expected.to_string()));
    }

    #[test]
    fn generic_hooks_capture_their_parameters() {
        let code = expand_str(quote! {
            fn use_list<'a, T: Clone, const N: usize>(items: &'a [T; N], f: impl Fn(&T) -> bool) -> impl Iterator<Item = T> + use<'a, T, N> {
                items.iter().filter(move |x| f(x)).cloned().collect::<Vec<_>>().into_iter()
            }
        });
        assert!(
            code.contains(&crate::squash(&quote!(fn __call<'a, T: Clone, const N: usize, __Impl0: Fn(&T) -> bool>(__cx: &mut ::idom::__private::HookContext<'_>, items: &'a [T; N], f: __Impl0) -> impl Iterator<Item = T> + use<'a, T, N>).to_string())),
            "{code}"
        );
        let code = expand_str(quote! {
            fn use_handler<T: Send>(f: impl Fn(T)) -> impl Fn(T) { f }
        });
        assert!(code.contains(&crate::squash(&quote!(-> impl Fn(T) + use<T, __Impl0>).to_string())), "{code}");
        assert!(code.contains(&crate::squash(&quote!(fn use_handler<'__h, T: Send>(f: impl Fn(T)) -> ! where &'__h (): ::idom::__private::InsideComponent).to_string())), "{code}");
        let code = expand_str(quote! {
            fn use_first<T: Clone, const N: usize>(items: [T; N], f: impl Fn(&T) -> bool) -> Option<T> { None }
        });
        assert!(code.contains(&crate::squash(&quote!(fn use_first<'__h, T: Clone, const N: usize>(items: [T; N], f: impl Fn(&T) -> bool) -> Option<T>).to_string())), "{code}");
        assert!(code.contains("use_first::__call::<T,N,_>(::core::unreachable!"), "{code}");
    }

    #[test]
    fn guards_keep_plain_argument_names() {
        let code = expand_str(quote! {
            fn use_sum(mut start: i32, (a, b): (i32, i32)) -> i32 { start += a; start + b }
        });
        assert!(
            code.contains(&crate::squash(&quote!(fn use_sum<'__h>(start: i32, __arg1: (i32, i32)) -> i32).to_string())),
            "{code}"
        );
        assert!(code.contains("use_sum::__call(::core::unreachable!"), "{code}");
        assert!(code.contains(",start,__arg1)"), "{code}");
    }

    #[test]
    fn signature_errors() {
        let cases: Vec<(TokenStream, &str)> = vec![
            (
                quote!(
                    fn counter() -> i32 {
                        0
                    }
                ),
                "hook names start with `use_`: `counter`\nhelp: rename it to `use_counter`",
            ),
            (
                quote!(
                    async fn use_data() -> i32 {
                        0
                    }
                ),
                "a hook cannot be `async`",
            ),
            (
                quote!(
                    fn use_x(&self) {}
                ),
                "a hook is a free function, not a method",
            ),
            (
                quote!(
                    const fn use_x() {}
                ),
                "a hook cannot be `const`",
            ),
        ];
        for (item, expected) in cases {
            let e = match parse(TokenStream::new(), item.clone()) {
                Ok(_) => panic!("{item}: expected an error"),
                Err(e) => e.to_string(),
            };
            assert!(e.starts_with(expected), "{item}: {e}");
            assert!(e.contains("\nhelp: "), "{e}");
        }
    }

    #[test]
    fn rules_apply_to_hook_bodies() {
        let code = expand_str(quote! {
            fn use_x(flag: bool) { if flag { use_y(); } }
        });
        assert!(
            code.contains(&crate::squash("hooks must be called at the top level of a hook; `use_y` is inside an `if`")),
            "{code}"
        );
    }
}
