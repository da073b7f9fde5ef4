//! Arbitrary token streams through the `html!` parser and, when they parse, its code generator.
//! Nothing here may panic, and the generated code must itself be a Rust expression.
//!
//! idom-macros is a proc-macro crate, which cannot be a library dependency, so its parser's
//! source files are compiled into this target as modules of the same names; their `crate::` and
//! `super::` paths resolve exactly as they do in idom-macros. The module set mirrors what
//! `idom-macros/src/html/parse.rs` and `codegen.rs` use (`diag`, `names`, `rules`).
//!
//! The inputs in fuzz/regressions/html_parser/ are the bugs this target found (a panic on
//! non-ASCII attribute names, a bad expansion for a prop named `_`, a stack overflow on deep
//! nesting); `.ci/fuzz` replays them on every run.

#![no_main]

#[allow(dead_code, unused_imports)]
#[path = "../../idom-macros/src/awaits.rs"]
mod awaits;

#[path = "../../idom-macros/src/diag.rs"]
mod diag;
#[allow(dead_code, unused_imports)]
#[path = "../../idom-macros/src/html/mod.rs"]
mod html;
#[allow(dead_code, unused_imports)]
#[path = "../../idom-macros/src/names.rs"]
mod names;
#[allow(dead_code, unused_imports)]
#[path = "../../idom-macros/src/rules.rs"]
mod rules;

use std::hint::black_box;

use libfuzzer_sys::fuzz_target;
use proc_macro2::{Group, Ident, TokenStream, TokenTree};

/// Method names that syn rejects but rustc parses in tokens a macro produced: a component prop
/// named `self`, `super`, `crate` or `Self` expands to `.self(..)`, which rustc reports like any
/// other unknown prop (E0599 "no method named `self` found for struct `__RowBuilder`", at the
/// user's token). Not a bug of `html!`, so the expression check does not count it.
const RUSTC_ACCEPTS: &[&str] = &["self", "super", "crate", "Self"];

/// The generated code with every exempt method name (an identifier right after a `.`) replaced
/// by a plain identifier.
fn neutralize(code: TokenStream) -> TokenStream {
    let exempt = |ident: &Ident| RUSTC_ACCEPTS.iter().any(|name| ident == name);
    let mut after_dot = false;
    code.into_iter()
        .map(|tree| {
            let tree = match tree {
                TokenTree::Ident(ident) if after_dot && exempt(&ident) => {
                    TokenTree::Ident(Ident::new("__exempt_method", ident.span()))
                }
                TokenTree::Group(group) => {
                    let mut new = Group::new(group.delimiter(), neutralize(group.stream()));
                    new.set_span(group.span());
                    TokenTree::Group(new)
                }
                other => other,
            };
            after_dot = matches!(&tree, TokenTree::Punct(p) if p.as_char() == '.');
            tree
        })
        .collect()
}

fn check(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    // Inputs that do not lex never reach a macro.
    let Ok(tokens) = text.parse::<TokenStream>() else { return };

    // What `idom_macros::html` does, on proc_macro2 tokens.
    match syn::parse2::<html::Markup>(tokens) {
        Ok(markup) => {
            let code = html::codegen::expand(&markup);
            if let Err(error) = syn::parse2::<syn::Expr>(neutralize(code.clone())) {
                panic!("html! generated code that is not an expression ({error}):\n{code}");
            }
        }
        Err(error) => {
            black_box(error.to_compile_error());
            black_box(error.to_string());
        }
    }
}

fuzz_target!(|data: &[u8]| check(data));
