//! The procedural macros of [idom](https://docs.rs/idom): `html!`, `#[component]` and `#[hook]`.
//!
//! Use them through the `idom` crate (`use idom::prelude::*;`), which re-exports them next to
//! the runtime their expansions call (every generated path is an absolute `::idom::...`). The
//! syntax guide of `html!` and the rules of hooks are in the `idom` crate's documentation.
//!
//! Each macro parses its input into a small syntax tree first and generates code second, so the
//! parsers and the checks are tested on plain token streams. Errors point at the user's own
//! tokens and end with a `help:` line; errors that need types (a handler of the wrong type, an
//! unknown or missing prop, a hook called outside a component) come from rustc, at the tokens the
//! generated calls are spanned on.

mod awaits;
mod component;
mod diag;
mod hook;
mod html;
mod item;
mod names;
mod rules;

use proc_macro::TokenStream;

/// JSX-like markup that evaluates to an `idom::Element`.
///
/// ```ignore
/// html! {
///     <div class="card">
///         <h1>"Hello, " {name}</h1>
///         <button onclick={move |_| increment()}>"Clicked " {count} " times"</button>
///         for item in items { <li key={item.id}>{item.label.clone()}</li> }
///         if count > 10 { <p>"That's a lot."</p> }
///         <Row id={1} label="first" />
///     </div>
/// }
/// ```
///
/// Lower-case tags are HTML elements (`<div>`, `<input />`), tags with a `-` custom elements,
/// upper-case or `::` paths components. Text is quoted; Rust values go in braces. See the `idom`
/// crate's `html!` guide for the whole syntax and its checks.
#[proc_macro]
pub fn html(input: TokenStream) -> TokenStream {
    match syn::parse::<html::Markup>(input) {
        Ok(markup) => html::codegen::expand(&markup).into(),
        Err(error) => error.to_compile_error().into(),
    }
}

/// Turns `fn Name(props...) -> Element` into a component: a props struct `Name` that implements
/// `Component`, usable in markup as `<Name prop={value} />` and as `Layout::new(Name { .. })`.
///
/// ```ignore
/// #[component]
/// fn Row(id: u32, label: String, #[prop(default)] selected: bool) -> Element {
///     html! { <li class={selected.then_some("selected")}>{id} ": " {label}</li> }
/// }
/// ```
///
/// Props are compared with `PartialEq` to skip re-rendering. A prop is optional when it has
/// `#[prop(default)]` or `#[prop(default = EXPR)]`, is an `Option<T>`, or is `children: Element`
/// (the markup between the component's tags). Hooks may be called at the top level of the body.
#[proc_macro_attribute]
pub fn component(args: TokenStream, item: TokenStream) -> TokenStream {
    match component::parse(args.into(), item.into()) {
        Ok(component) => component::expand(component).into(),
        Err(error) => error.to_compile_error().into(),
    }
}

/// Turns `fn use_x(args) -> T` into a custom hook, callable at the top level of components and
/// other hooks (and nowhere else).
///
/// ```ignore
/// #[hook]
/// fn use_counter(start: i32) -> (i32, impl Fn() + Clone) {
///     let (count, set_count) = use_state(move || start);
///     (count, move || set_count.set(count + 1))
/// }
/// ```
#[proc_macro_attribute]
pub fn hook(args: TokenStream, item: TokenStream) -> TokenStream {
    match hook::parse(args.into(), item.into()) {
        Ok(hook) => hook::expand(hook).into(),
        Err(error) => error.to_compile_error().into(),
    }
}

/// Code as a string without whitespace (and without trailing commas before `}`, which rustfmt
/// adds to the expected code in tests), so tests compare tokens and not `to_string`'s spacing.
#[cfg(test)]
fn squash(code: &str) -> String {
    code.chars().filter(|c| !c.is_whitespace()).collect::<String>().replace(",}", "}")
}
