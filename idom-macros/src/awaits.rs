//! Where the body of an async component first awaits.
//!
//! An async component's hooks run in its render, and the rest of its body runs later, as a
//! future; so every hook must come before the body's first `.await`. This finds that `.await`:
//! the first top-level statement of the body that holds one (in its own code, or in the tokens of
//! a macro it calls), skipping closures, `async` blocks and nested items, whose awaits belong to
//! another future. The rules of hooks (`rules.rs`) then refuse a hook call in that statement or
//! after it.

use proc_macro2::{Delimiter, Span, TokenStream, TokenTree};
use syn::visit::{self, Visit};

/// The first `.await` of a body: the index of its top-level statement, and the `await` token.
#[derive(Clone, Copy, Debug)]
pub(crate) struct FirstAwait {
    pub(crate) stmt: usize,
    pub(crate) span: Span,
}

/// The first `.await` of `block`, if it has one.
pub(crate) fn first_await(block: &syn::Block) -> Option<FirstAwait> {
    block.stmts.iter().enumerate().find_map(|(stmt, s)| {
        let mut finder = Finder(None);
        finder.visit_stmt(s);
        finder.0.map(|span| FirstAwait { stmt, span })
    })
}

struct Finder(Option<Span>);

impl<'ast> Visit<'ast> for Finder {
    fn visit_expr_await(&mut self, e: &'ast syn::ExprAwait) {
        self.0.get_or_insert(e.await_token.span);
    }

    fn visit_expr_closure(&mut self, _: &'ast syn::ExprClosure) {}

    fn visit_expr_async(&mut self, _: &'ast syn::ExprAsync) {}

    fn visit_item(&mut self, _: &'ast syn::Item) {}

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        if self.0.is_none() {
            self.0 = await_in_tokens(mac.tokens.clone());
        }
        visit::visit_macro(self, mac);
    }
}

/// The first `.await` in raw macro tokens (`println!("{}", x.await)`). The block after an
/// `async` is skipped, and so is everything after a `|` (a closure's body has no end in tokens).
fn await_in_tokens(tokens: TokenStream) -> Option<Span> {
    let mut after_dot = false;
    let mut in_async = false;
    for tree in tokens {
        match &tree {
            TokenTree::Ident(ident) if ident == "await" && after_dot => return Some(ident.span()),
            TokenTree::Ident(ident) if ident == "async" => in_async = true,
            TokenTree::Punct(p) if p.as_char() == '|' => return None,
            TokenTree::Group(group) if group.delimiter() == Delimiter::Brace && in_async => in_async = false,
            TokenTree::Group(group) => {
                if let Some(span) = await_in_tokens(group.stream()) {
                    return Some(span);
                }
            }
            _ => {}
        }
        after_dot = matches!(&tree, TokenTree::Punct(p) if p.as_char() == '.');
    }
    None
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::*;

    fn stmt_of(body: &TokenStream) -> Option<usize> {
        let block: syn::Block = syn::parse2(quote!({ #body })).unwrap();
        first_await(&block).map(|a| a.stmt)
    }

    #[test]
    fn finds_the_statement_of_the_first_await() {
        assert_eq!(stmt_of(&quote! { let a = use_a(); let rows = load(a).await; rows }), Some(1));
        assert_eq!(stmt_of(&quote! { let a = 1; if a > 0 { x.await; } }), Some(1));
        assert_eq!(stmt_of(&quote! { let a = 1; println!("{}", fetch().await); }), Some(1));
        assert_eq!(stmt_of(&quote! { html! { <p>{ load().await }</p> } }), Some(0));
    }

    #[test]
    fn awaits_of_other_futures_do_not_count() {
        assert_eq!(stmt_of(&quote! { let f = async { x.await }; let g = || async move { y.await }; }), None);
        assert_eq!(stmt_of(&quote! { async fn inner() { z.await } let a = use_a(); }), None);
        assert_eq!(stmt_of(&quote! { tokio::spawn(async move { x.await }); }), None);
        assert_eq!(stmt_of(&quote! { let await_count = 1; }), None);
        assert_eq!(stmt_of(&quote! { join!(async { a.await }, b); }), None);
        assert_eq!(stmt_of(&quote! { let a = 1; join!(async { a.await }, b.await); }), Some(1));
    }
}
