//! The rules of hooks, checked on the body of every `#[component]` and `#[hook]`.
//!
//! A hook call is any call `path(args)` whose last path segment starts with `use_`. Hooks find
//! their state by call order, so each must run exactly once per render, in the same order:
//!
//! - at the top level of the body (statements, `let` initialisers, plain and `unsafe` blocks, the
//!   condition of an `if`, the scrutinee of a `match`, the iterator of a `for`, the left side of
//!   `&&` / `||`), a hook call is rewritten to `path::__call(__cx, args)`, which runs it against
//!   the component's hook context;
//! - anywhere else (branches, arms, guards, loop bodies and `while` conditions, closures, `async`
//!   blocks, nested items, the right side of `&&` / `||`, `let ... else` blocks, macro arguments,
//!   and anything after an early `return` or `?`) it is an error at the call that names the rule
//!   and the construct. The call is replaced by that `compile_error!`, whose type is rustc's error
//!   type, so the user sees exactly one error per misplaced call and no follow-up errors.
//!
//! In an async component, hooks run in the render and the rest of the body later, so a hook call
//! in the statement of the body's first `.await` (see `awaits.rs`) or after it is an error too.
//!
//! `html!` is not looked into here: it rejects every hook call inside it with its own message.

use proc_macro2::{Delimiter, Group, Spacing, Span, TokenStream, TokenTree};
use quote::ToTokens;
use syn::visit::Visit;
use syn::visit_mut::{self, VisitMut};
use syn::{Expr, ExprCall, Ident, PathArguments, PathSegment};

use crate::awaits::FirstAwait;
use crate::diag::{error, line_of};

/// Whose body is checked; named in the error message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Owner {
    Component,
    Hook,
}

/// Checks the rules of hooks on `block` and rewrites its top-level hook calls to run against
/// `cx`. Each violation is replaced in place by a `compile_error!`; they are also returned.
pub(crate) fn rewrite_hook_calls(block: &mut syn::Block, owner: Owner, cx: &Ident) -> Vec<syn::Error> {
    rewrite(block, owner, cx, None).errors
}

/// What [`rewrite`] found.
pub(crate) struct Rewritten {
    /// The violations, each also replaced in place by a `compile_error!`.
    pub(crate) errors: Vec<syn::Error>,
    /// The index of the last top-level statement with a (correct) hook call in it.
    pub(crate) last_hook_stmt: Option<usize>,
}

/// [`rewrite_hook_calls`], refusing also every hook call in or after the statement of
/// `first_await` (the body of an async component), and telling where the last hook call is.
pub(crate) fn rewrite(block: &mut syn::Block, owner: Owner, cx: &Ident, first_await: Option<FirstAwait>) -> Rewritten {
    let mut rewriter = Rewriter {
        owner,
        cx,
        scopes: Vec::new(),
        exit: None,
        first_await,
        stmt: 0,
        last_hook_stmt: None,
        errors: Vec::new(),
    };
    for (i, stmt) in block.stmts.iter_mut().enumerate() {
        rewriter.stmt = i;
        rewriter.visit_stmt_mut(stmt);
    }
    Rewritten { errors: rewriter.errors, last_hook_stmt: rewriter.last_hook_stmt }
}

/// The first hook call in `expr` (macro arguments included), for `html!`'s check.
pub(crate) fn first_hook_call(expr: &Expr) -> Option<Ident> {
    struct Finder(Option<Ident>);
    impl<'ast> Visit<'ast> for Finder {
        fn visit_expr_call(&mut self, call: &'ast ExprCall) {
            if self.0.is_none() {
                self.0 = hook_callee(call).cloned();
            }
            syn::visit::visit_expr_call(self, call);
        }
        fn visit_macro(&mut self, mac: &'ast syn::Macro) {
            if self.0.is_none() {
                replace_hook_calls(mac.tokens.clone(), &mut |hook| {
                    self.0.get_or_insert_with(|| hook.clone());
                    TokenStream::new()
                });
            }
        }
    }
    let mut finder = Finder(None);
    finder.visit_expr(expr);
    finder.0
}

/// Whether a name is a hook's: `use_` and something after it.
pub(crate) fn is_hook_name(name: &str) -> bool {
    name.len() > 4 && name.starts_with("use_")
}

/// The hook named by a call, if the call is a hook call.
fn hook_callee(call: &ExprCall) -> Option<&Ident> {
    let Expr::Path(path) = &*call.func else { return None };
    if path.qself.is_some() {
        return None;
    }
    let last = path.path.segments.last()?;
    is_hook_name(&last.ident.to_string()).then_some(&last.ident)
}

/// Where a hook call stands, innermost last.
#[derive(Clone, Copy, Debug)]
enum Scope {
    If,
    MatchArm,
    MatchGuard,
    Loop(&'static str),
    WhileCondition,
    Closure,
    Async,
    NestedFn,
    NestedItem,
    RightOf(&'static str),
    LetElse,
}

impl Scope {
    /// Inside these, `return` and `?` leave something other than the component's body.
    fn is_boundary(self) -> bool {
        matches!(self, Scope::Closure | Scope::Async | Scope::NestedFn | Scope::NestedItem)
    }

    fn describe(self, hook: &Ident) -> (String, String) {
        let (what, help) = match self {
            Scope::If => ("is inside an `if`", "move the call above the `if` and use its value inside".to_owned()),
            Scope::MatchArm => (
                "is inside a `match` arm",
                "move the call above the `match` and use its value inside the arm".to_owned(),
            ),
            Scope::MatchGuard => (
                "is inside a `match` guard",
                "move the call above the `match` and use its value in the guard".to_owned(),
            ),
            Scope::Loop(keyword) => {
                return (
                    format!("is inside a `{keyword}` loop"),
                    "a loop may run it any number of times: move the call above the loop, or make the loop body a component with its own hooks".to_owned(),
                );
            }
            Scope::WhileCondition => (
                "is inside a `while` condition",
                "a loop may run it any number of times: move the call above the loop and use its value in the condition".to_owned(),
            ),
            Scope::Closure => (
                "is inside a closure",
                format!("call `{hook}` at the top level and use its value (or its setter) inside the closure"),
            ),
            Scope::Async => (
                "is inside an `async` block",
                format!("call `{hook}` at the top level and move its value into the `async` block"),
            ),
            Scope::NestedFn => (
                "is inside a nested `fn`",
                "a nested function has no hook context: make it a `#[hook]` (named `use_...`) and call it here, or call the hook at the top level".to_owned(),
            ),
            Scope::NestedItem => (
                "is inside a nested item",
                "an item has no hook context: call the hook at the top level of the body".to_owned(),
            ),
            Scope::RightOf(op) => {
                return (
                    format!("is on the right of `{op}`, which does not always run"),
                    format!("call it above, `let x = {hook}(..);`, and use `x` on the right of `{op}`"),
                );
            }
            Scope::LetElse => (
                "is inside the `else` block of a `let ... else`",
                "move the call above the `let`".to_owned(),
            ),
        };
        (what.to_owned(), help)
    }
}

/// An early exit seen at the top level: hooks after it do not run on every render.
#[derive(Clone, Copy, Debug)]
enum Exit {
    Return(Span),
    Try(Span),
}

impl Exit {
    fn describe(self) -> (String, String) {
        let (what, span) = match self {
            Exit::Return(span) => ("an early `return`", span),
            Exit::Try(span) => ("a `?` that may return early", span),
        };
        let line = line_of(span);
        let place = if line > 0 { format!(" on line {line}") } else { String::new() };
        let short = match self {
            Exit::Return(_) => "`return`",
            Exit::Try(_) => "`?`",
        };
        (
            format!("comes after {what}"),
            format!("hooks must run on every render: move the call above the {short}{place}"),
        )
    }
}

struct Rewriter<'a> {
    owner: Owner,
    cx: &'a Ident,
    scopes: Vec<Scope>,
    exit: Option<Exit>,
    /// An async component's first `.await`: no hook in its statement or after.
    first_await: Option<FirstAwait>,
    /// The top-level statement being visited.
    stmt: usize,
    last_hook_stmt: Option<usize>,
    errors: Vec<syn::Error>,
}

impl Rewriter<'_> {
    fn rule(&self) -> &'static str {
        match self.owner {
            Owner::Component => "hooks must be called at the top level of a component",
            Owner::Hook => "hooks must be called at the top level of a hook",
        }
    }

    /// The error for a hook call at the current place, if it is not allowed here.
    fn violation(&self, hook: &Ident) -> Option<syn::Error> {
        let awaited = self.first_await.filter(|a| self.stmt >= a.stmt);
        let (what, help) = match (self.scopes.last(), awaited, self.exit) {
            (Some(scope), _, _) => scope.describe(hook),
            (None, Some(first), _) => return Some(self.after_await(hook, first)),
            (None, None, Some(exit)) => exit.describe(),
            (None, None, None) => return None,
        };
        Some(error(hook.span(), format_args!("{}; `{hook}` {what}", self.rule()), help))
    }

    /// A hook call in or after the statement of an async component's first `.await`.
    fn after_await(&self, hook: &Ident, first: FirstAwait) -> syn::Error {
        let line = line_of(first.span);
        let (what, help) = if self.stmt == first.stmt {
            let place = if line > 0 { format!(" (line {line})") } else { String::new() };
            (
                format!("is in the statement of the first `.await`{place}"),
                "call it in a `let` of its own above that statement, and use its value there".to_owned(),
            )
        } else {
            let place = if line > 0 { format!(" on line {line}") } else { String::new() };
            (
                format!("comes after the first `.await`{place}"),
                "the component renders up to that `.await` and finishes later, when hooks can no longer run: move the call above it".to_owned(),
            )
        };
        let rule = "hooks must be called before the first `.await` of an async component";
        error(hook.span(), format_args!("{rule}; `{hook}` {what}"), help)
    }

    fn within(&mut self, scope: Scope, f: impl FnOnce(&mut Self)) {
        self.scopes.push(scope);
        f(self);
        self.scopes.pop();
    }

    fn exit_here(&mut self, exit: Exit) {
        if self.exit.is_none() && !self.scopes.iter().any(|s| s.is_boundary()) {
            self.exit = Some(exit);
        }
    }

    /// Hook calls in a macro's arguments are errors (the macro could run them any number of
    /// times); they are replaced inside the tokens so the macro still expands quietly.
    fn check_macro(&mut self, mac: &mut syn::Macro) {
        let Some(last) = mac.path.segments.last() else { return };
        let name = last.ident.to_string();
        if name == "html" {
            return;
        }
        let rule = self.rule();
        let mut errors = Vec::new();
        let tokens = replace_hook_calls(mac.tokens.clone(), &mut |hook| {
            let e = error(
                hook.span(),
                format_args!("{rule}; `{hook}` is inside the macro `{name}!`"),
                format_args!("call it above, `let x = {hook}(..);`, and pass `x` to `{name}!`"),
            );
            let tokens = e.to_compile_error();
            errors.push(e);
            tokens
        });
        if !errors.is_empty() {
            mac.tokens = tokens;
            self.errors.extend(errors);
        }
    }
}

impl VisitMut for Rewriter<'_> {
    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        match expr {
            Expr::Call(call) if hook_callee(call).is_some() => {
                let hook = hook_callee(call).cloned().expect("checked above");
                if let Some(e) = self.violation(&hook) {
                    *expr = Expr::Verbatim(e.to_compile_error());
                    self.errors.push(e);
                    return;
                }
                for arg in &mut call.args {
                    self.visit_expr_mut(arg);
                }
                redirect_call(call, self.cx);
                self.last_hook_stmt = Some(self.stmt);
            }
            Expr::If(e) => {
                self.visit_expr_mut(&mut e.cond);
                self.within(Scope::If, |v| {
                    v.visit_block_mut(&mut e.then_branch);
                    if let Some((_, otherwise)) = &mut e.else_branch {
                        v.visit_expr_mut(otherwise);
                    }
                });
            }
            Expr::Match(e) => {
                self.visit_expr_mut(&mut e.expr);
                for arm in &mut e.arms {
                    if let Some((_, guard)) = &mut arm.guard {
                        self.within(Scope::MatchGuard, |v| v.visit_expr_mut(guard));
                    }
                    self.within(Scope::MatchArm, |v| v.visit_expr_mut(&mut arm.body));
                }
            }
            Expr::While(e) => {
                self.within(Scope::WhileCondition, |v| v.visit_expr_mut(&mut e.cond));
                self.within(Scope::Loop("while"), |v| v.visit_block_mut(&mut e.body));
            }
            Expr::ForLoop(e) => {
                self.visit_expr_mut(&mut e.expr);
                self.within(Scope::Loop("for"), |v| v.visit_block_mut(&mut e.body));
            }
            Expr::Loop(e) => self.within(Scope::Loop("loop"), |v| v.visit_block_mut(&mut e.body)),
            Expr::Closure(e) => self.within(Scope::Closure, |v| v.visit_expr_mut(&mut e.body)),
            Expr::Async(e) => self.within(Scope::Async, |v| v.visit_block_mut(&mut e.block)),
            Expr::Binary(e) if matches!(e.op, syn::BinOp::And(_) | syn::BinOp::Or(_)) => {
                let op = if matches!(e.op, syn::BinOp::And(_)) { "&&" } else { "||" };
                self.visit_expr_mut(&mut e.left);
                self.within(Scope::RightOf(op), |v| v.visit_expr_mut(&mut e.right));
            }
            Expr::Return(e) => {
                if let Some(value) = &mut e.expr {
                    self.visit_expr_mut(value);
                }
                self.exit_here(Exit::Return(e.return_token.span));
            }
            Expr::Try(e) => {
                self.visit_expr_mut(&mut e.expr);
                self.exit_here(Exit::Try(e.question_token.span));
            }
            Expr::Macro(e) => self.check_macro(&mut e.mac),
            _ => visit_mut::visit_expr_mut(self, expr),
        }
    }

    fn visit_local_mut(&mut self, local: &mut syn::Local) {
        if let Some(init) = &mut local.init {
            self.visit_expr_mut(&mut init.expr);
            if let Some((_, diverge)) = &mut init.diverge {
                self.within(Scope::LetElse, |v| v.visit_expr_mut(diverge));
            }
        }
    }

    fn visit_stmt_macro_mut(&mut self, stmt: &mut syn::StmtMacro) {
        self.check_macro(&mut stmt.mac);
    }

    fn visit_item_mut(&mut self, item: &mut syn::Item) {
        let attrs: &[syn::Attribute] = match item {
            syn::Item::Fn(f) => &f.attrs,
            syn::Item::Macro(_) => return,
            _ => &[],
        };
        // A nested `#[hook]` or `#[component]` is checked by its own macro.
        let has_own_macro =
            attrs.iter().any(|a| a.path().segments.last().is_some_and(|s| s.ident == "hook" || s.ident == "component"));
        if has_own_macro {
            return;
        }
        let scope = if matches!(item, syn::Item::Fn(_)) { Scope::NestedFn } else { Scope::NestedItem };
        self.within(scope, |v| visit_mut::visit_item_mut(v, item));
    }
}

/// `path::use_x::<T>(args)` becomes `path::use_x::__call::<T>(cx, args)`: the hook's real
/// function, spanned on the user's hook name so type errors point at the call.
fn redirect_call(call: &mut ExprCall, cx: &Ident) {
    let Expr::Path(path) = &mut *call.func else { return };
    let Some(last) = path.path.segments.last_mut() else { return };
    let arguments = std::mem::replace(&mut last.arguments, PathArguments::None);
    let ident = Ident::new("__call", last.ident.span());
    path.path.segments.push(PathSegment { ident, arguments });
    call.args.insert(0, Expr::Verbatim(cx.to_token_stream()));
}

/// Finds hook calls (`a::b::use_x(...)`, `use_x::<T>(...)`) in raw macro tokens and replaces
/// each, path and arguments, with what `replace` returns.
pub(crate) fn replace_hook_calls(tokens: TokenStream, replace: &mut dyn FnMut(&Ident) -> TokenStream) -> TokenStream {
    let trees: Vec<TokenTree> = tokens.into_iter().collect();
    let mut out: Vec<TokenTree> = Vec::with_capacity(trees.len());
    let mut i = 0;
    while i < trees.len() {
        match &trees[i] {
            TokenTree::Ident(ident) if is_hook_name(&ident.to_string()) && !is_method_or_definition(&out) => {
                let args_at = skip_turbofish(&trees, i + 1);
                let is_call =
                    matches!(trees.get(args_at), Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Parenthesis);
                if is_call {
                    strip_path_prefix(&mut out);
                    out.extend(replace(ident));
                    i = args_at + 1;
                    continue;
                }
                out.push(trees[i].clone());
            }
            TokenTree::Group(group) => {
                let mut new = Group::new(group.delimiter(), replace_hook_calls(group.stream(), replace));
                new.set_span(group.span());
                out.push(TokenTree::Group(new));
            }
            other => out.push(other.clone()),
        }
        i += 1;
    }
    out.into_iter().collect()
}

fn is_punct(tree: Option<&TokenTree>, ch: char) -> bool {
    matches!(tree, Some(TokenTree::Punct(p)) if p.as_char() == ch)
}

/// `x.use_y(` is a method call and `fn use_y(` a definition, not hook calls.
fn is_method_or_definition(before: &[TokenTree]) -> bool {
    match before.last() {
        Some(TokenTree::Punct(p)) => p.as_char() == '.',
        Some(TokenTree::Ident(i)) => i == "fn",
        _ => false,
    }
}

/// The index after an optional `::<...>` starting at `at`.
fn skip_turbofish(trees: &[TokenTree], at: usize) -> usize {
    let is_colons = matches!(trees.get(at), Some(TokenTree::Punct(p)) if p.as_char() == ':' && p.spacing() == Spacing::Joint)
        && is_punct(trees.get(at + 1), ':');
    if !is_colons || !is_punct(trees.get(at + 2), '<') {
        return at;
    }
    let mut depth = 0usize;
    for (j, tree) in trees.iter().enumerate().skip(at + 2) {
        match tree {
            TokenTree::Punct(p) if p.as_char() == '<' => depth += 1,
            TokenTree::Punct(p) if p.as_char() == '>' => {
                depth -= 1;
                if depth == 0 {
                    return j + 1;
                }
            }
            _ => {}
        }
    }
    at
}

/// Removes `a::b::` (and a leading `::`) just emitted before a hook name.
fn strip_path_prefix(out: &mut Vec<TokenTree>) {
    loop {
        let n = out.len();
        if n >= 2 && is_punct(out.get(n - 1), ':') && is_punct(out.get(n - 2), ':') {
            out.truncate(n - 2);
            if matches!(out.last(), Some(TokenTree::Ident(_))) {
                out.pop();
                continue;
            }
        }
        break;
    }
}

#[cfg(test)]
mod tests {
    use proc_macro2::Span;
    use quote::quote;

    use super::*;

    fn run(owner: Owner, body: &TokenStream) -> (String, Vec<String>) {
        let mut block: syn::Block = syn::parse2(quote!({ #body })).unwrap();
        let cx = Ident::new("__cx", Span::mixed_site());
        let errors = rewrite_hook_calls(&mut block, owner, &cx);
        let code = crate::squash(&block.to_token_stream().to_string());
        (code, errors.iter().map(ToString::to_string).collect())
    }

    fn messages(body: &TokenStream) -> Vec<String> {
        run(Owner::Component, body).1
    }

    #[test]
    fn top_level_calls_are_rewritten() {
        let (code, errors) = run(
            Owner::Component,
            &quote! {
                let (count, set_count) = use_state(|| 0);
                let theme = idom::use_context::<Theme>();
                let items = { use_memo(|| 1, ()) };
                let u = unsafe { use_ref(0) };
                if use_flag() { }
                match use_mode() { _ => {} }
                for x in use_items() { }
                let ok = use_a() && b;
                other(use_b(use_c()));
                html! { <p>{count}</p> }
            },
        );
        assert!(errors.is_empty(), "{errors:?}");
        for expected in [
            "use_state :: __call (__cx , || 0)",
            "idom :: use_context :: __call :: < Theme > (__cx)",
            "use_memo :: __call (__cx , || 1 , ())",
            "use_ref :: __call (__cx , 0)",
            "use_flag :: __call (__cx)",
            "use_mode :: __call (__cx)",
            "use_items :: __call (__cx)",
            "use_a :: __call (__cx)",
            "use_b :: __call (__cx , use_c :: __call (__cx))",
        ] {
            assert!(code.contains(&crate::squash(expected)), "missing `{expected}` in {code}");
        }
        // Methods and non-hook names are left alone.
        let (code, _) = run(Owner::Component, &quote! { x.use_state(1); user(2); });
        assert_eq!(code, crate::squash("{ x . use_state (1) ; user (2) ; }"));
    }

    #[test]
    fn every_construct_is_named() {
        let cases: Vec<(TokenStream, &str)> = vec![
            (quote! { if a { use_state(0); } }, "is inside an `if`"),
            (quote! { if a { } else { use_state(0); } }, "is inside an `if`"),
            (quote! { if a { } else if use_state(0) { } }, "is inside an `if`"),
            (quote! { match a { _ => use_state(0) } }, "is inside a `match` arm"),
            (quote! { match a { _ if use_state(0) => {} } }, "is inside a `match` guard"),
            (quote! { for x in y { use_state(0); } }, "is inside a `for` loop"),
            (quote! { while a { use_state(0); } }, "is inside a `while` loop"),
            (quote! { while use_state(0) { } }, "is inside a `while` condition"),
            (quote! { loop { use_state(0); } }, "is inside a `loop` loop"),
            (quote! { let f = || use_state(0); }, "is inside a closure"),
            (quote! { let f = async { use_state(0) }; }, "is inside an `async` block"),
            (quote! { fn helper() { use_state(0); } }, "is inside a nested `fn`"),
            (quote! { const X: i32 = use_state(0); }, "is inside a nested item"),
            (quote! { let b = a && use_state(0); }, "is on the right of `&&`"),
            (quote! { let b = a || use_state(0); }, "is on the right of `||`"),
            (
                quote! { let Some(x) = y else { use_state(0); return; }; },
                "is inside the `else` block of a `let ... else`",
            ),
            (quote! { if a { return x; } let s = use_state(0); }, "comes after an early `return`"),
            (quote! { let v = f()?; let s = use_state(0); }, "comes after a `?` that may return early"),
            (quote! { println!("{}", use_state(0)); }, "is inside the macro `println!`"),
            (quote! { let v = vec![idom::use_state(0)]; }, "is inside the macro `vec!`"),
        ];
        for (body, expected) in cases {
            let errors = messages(&body);
            assert_eq!(errors.len(), 1, "{body}: {errors:?}");
            assert!(
                errors[0].starts_with(&format!(
                    "hooks must be called at the top level of a component; `use_state` {expected}"
                )),
                "{body}: {}",
                errors[0]
            );
            assert!(errors[0].contains("\nhelp: "), "{}", errors[0]);
        }
    }

    #[test]
    fn returns_inside_closures_and_async_blocks_are_not_early_exits() {
        let errors = messages(&quote! {
            let f = || { return 1; };
            let g = async { x?; Ok(()) };
            let s = use_state(0);
            let t = use_state(s? + 1);
        });
        assert!(errors.is_empty(), "{errors:?}");
    }

    #[test]
    fn all_violations_are_reported_and_replaced() {
        let (code, errors) = run(
            Owner::Hook,
            &quote! {
                if a { use_a(); }
                let f = move || use_b();
                println!("{}", hooks::use_c());
            },
        );
        assert_eq!(errors.len(), 3, "{errors:?}");
        assert!(errors[0].starts_with("hooks must be called at the top level of a hook; `use_a`"));
        assert_eq!(code.matches("compile_error").count(), 3, "{code}");
        assert!(!code.contains(&crate::squash("hooks ::")), "{code}");
    }

    #[test]
    fn async_bodies_refuse_hooks_from_the_first_await_on() {
        let mut block: syn::Block = syn::parse2(quote!({
            let a = use_a();
            let f = async { use_in_block() };
            let rows = load(use_b()).await;
            let c = use_c();
            if c {
                use_d();
            }
            rows
        }))
        .unwrap();
        let first = crate::awaits::first_await(&block);
        let cx = Ident::new("__cx", Span::mixed_site());
        let out = rewrite(&mut block, Owner::Component, &cx, first);
        let errors: Vec<String> = out.errors.iter().map(ToString::to_string).collect();
        assert_eq!(errors.len(), 4, "{errors:?}");
        assert!(errors[0].contains("`use_in_block` is inside an `async` block"), "{}", errors[0]);
        let rule = "hooks must be called before the first `.await` of an async component";
        assert!(
            errors[1].starts_with(&format!("{rule}; `use_b` is in the statement of the first `.await`")),
            "{}",
            errors[1]
        );
        assert!(errors[2].starts_with(&format!("{rule}; `use_c` comes after the first `.await`")), "{}", errors[2]);
        assert!(errors[3].contains("`use_d` is inside an `if`"), "{}", errors[3]);
        assert!(errors.iter().all(|e| e.contains("\nhelp: ")), "{errors:?}");
        assert_eq!(out.last_hook_stmt, Some(0));
        let code = crate::squash(&block.to_token_stream().to_string());
        assert!(code.contains(&crate::squash("use_a :: __call (__cx)")), "{code}");
    }

    #[test]
    fn without_an_await_every_top_level_hook_is_fine() {
        let mut block: syn::Block = syn::parse2(quote!({
            let a = use_a();
            let b = 1;
            use_b(b);
            b
        }))
        .unwrap();
        let cx = Ident::new("__cx", Span::mixed_site());
        let out = rewrite(&mut block, Owner::Component, &cx, None);
        assert!(out.errors.is_empty());
        assert_eq!(out.last_hook_stmt, Some(2));
    }

    #[test]
    fn html_and_nested_hooks_are_left_to_their_own_macros() {
        let (code, errors) = run(
            Owner::Component,
            &quote! {
                let e = html! { <p>{use_a()}</p> };
                #[hook]
                fn use_inner() { use_state(0); }
            },
        );
        assert!(errors.is_empty(), "{errors:?}");
        assert!(code.contains(&crate::squash("{ use_a () }")), "{code}");
        assert!(code.contains(&crate::squash("{ use_state (0) ; }")), "{code}");
    }

    #[test]
    fn first_hook_call_finds_calls_and_macro_tokens() {
        let expr: Expr = syn::parse2(quote! { foo(bar.use_x(), |a| use_y(a)) }).unwrap();
        assert_eq!(first_hook_call(&expr).unwrap(), "use_y");
        let expr: Expr = syn::parse2(quote! { format!("{}", a::use_z::<u8>(1)) }).unwrap();
        assert_eq!(first_hook_call(&expr).unwrap(), "use_z");
        let expr: Expr = syn::parse2(quote! { use_count + 1 }).unwrap();
        assert!(first_hook_call(&expr).is_none());
    }

    #[test]
    fn token_replacement_takes_the_path_and_turbofish() {
        let out = replace_hook_calls(quote! { a, ::idom::use_x::<T, U>(1, 2), b.use_y(), fn use_z() {} }, &mut |_| {
            quote!(REPLACED)
        });
        assert_eq!(out.to_string(), "a , REPLACED , b . use_y () , fn use_z () { }");
    }
}
