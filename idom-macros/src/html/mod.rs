//! `html!`: JSX-like markup that expands to the `idom::html` builders.
//!
//! [`parse`] turns the tokens into the small tree below and does every check that needs no types
//! (tag balance, known names, duplicates, hooks in markup), stopping at the first error so the user
//! sees one message and no cascade. [`codegen`] turns a valid tree into builder calls whose method
//! names carry the spans of the user's attribute tokens, so the checks that need types (handler
//! closures, attribute values, props) are reported by rustc right at those tokens.

pub(crate) mod codegen;
pub(crate) mod parse;
pub(crate) mod template;

use proc_macro2::{Span, TokenStream};
use syn::{Expr, Ident, LitStr, Pat, Path};

/// The whole input of `html!`: its root nodes (several roots make an implicit fragment).
pub(crate) struct Markup {
    pub(crate) roots: Vec<Node>,
}

/// One node of markup.
pub(crate) enum Node {
    /// `<div ...>...</div>`, `<input ... />`, `<my-widget>...</my-widget>`.
    Element(ElementNode),
    /// `<Row id={1} />`, `<Card title="x">...</Card>`.
    Component(ComponentNode),
    /// `<>...</>`.
    Fragment(FragmentNode),
    /// `"text"` (numbers and chars are turned into text too).
    Text(LitStr),
    /// `{expr}`: anything that implements `IntoNodes`.
    Expr(Expr),
    /// `for PAT in EXPR { nodes }`.
    For(ForNode),
    /// `if COND { nodes } else ...`, including `if let`.
    If(IfNode),
    /// `match EXPR { PAT => node, ... }`.
    Match(MatchNode),
}

/// A tag name as written: `div`, `linearGradient`, `my-widget`.
pub(crate) struct TagName {
    /// The name with its parts joined (`my-widget`).
    pub(crate) text: String,
    /// The span of the first part.
    pub(crate) span: Span,
    /// The tokens of the name, to point an error at all of it.
    pub(crate) tokens: TokenStream,
}

/// What an HTML element expands to.
pub(crate) enum ElementKind {
    /// A standard element with children: `idom::html::<fn>()`.
    Normal(&'static str),
    /// A void element: `idom::html::<fn>()`, no children.
    Void(&'static str),
    /// A custom element (`my-widget`): `idom::html::custom("my-widget")`.
    Custom,
}

/// An HTML element.
pub(crate) struct ElementNode {
    pub(crate) name: TagName,
    pub(crate) kind: ElementKind,
    pub(crate) key: Option<Attr>,
    pub(crate) attrs: Vec<Attr>,
    pub(crate) listeners: Vec<Listener>,
    pub(crate) children: Vec<Node>,
}

/// An attribute (or prop, or `key`) and its value.
pub(crate) struct Attr {
    /// The name as written, parts joined: `class`, `data-id`, `for`.
    pub(crate) name: String,
    /// The span of the (first part of the) name.
    pub(crate) span: Span,
    pub(crate) value: AttrValue,
}

/// The value of an attribute.
pub(crate) enum AttrValue {
    /// `name="text"`, `name=3`, `name=true`.
    Lit(syn::Lit),
    /// `name={expr}`.
    Expr(Box<Expr>),
    /// A bare `name`: a boolean attribute that is present.
    Flag,
}

/// An event handler: `onclick={...}`, `onsubmit|prevent_default={...}`,
/// `oninput|debounce(300)={...}`.
pub(crate) struct Listener {
    /// The event, as written (`onclick`), with the span of the attribute name.
    pub(crate) event: Ident,
    pub(crate) prevent_default: bool,
    pub(crate) stop_propagation: bool,
    pub(crate) rate: Option<RateModifier>,
    pub(crate) handler: Expr,
}

impl Listener {
    /// Whether any modifier was given (the handler then needs its `EventOptions`).
    pub(crate) fn has_modifiers(&self) -> bool {
        self.prevent_default || self.stop_propagation || self.rate.is_some()
    }
}

/// `debounce(ms)` or `throttle(ms)` on a handler.
pub(crate) struct RateModifier {
    /// The modifier as written: `debounce` or `throttle` (also the name of the `EventOptions`
    /// setter it becomes).
    pub(crate) name: Ident,
    pub(crate) delay: Delay,
}

/// The argument of a rate modifier.
pub(crate) enum Delay {
    /// `debounce(300)`: whole milliseconds, checked to fit a browser timer.
    Millis(u64, Span),
    /// `debounce({delay})`: an expression of type `Duration`.
    Expr(Box<Expr>),
}

/// A component.
pub(crate) struct ComponentNode {
    /// `Row` or `crate::widgets::Row`.
    pub(crate) path: Path,
    pub(crate) key: Option<Attr>,
    pub(crate) props: Vec<Attr>,
    /// `None` for a self-closing tag; otherwise the children passed as the `children` prop.
    pub(crate) children: Option<Vec<Node>>,
}

/// `<>...</>`.
pub(crate) struct FragmentNode {
    pub(crate) span: Span,
    pub(crate) children: Vec<Node>,
}

/// `for PAT in EXPR { nodes }`.
pub(crate) struct ForNode {
    pub(crate) for_token: syn::Token![for],
    pub(crate) pat: Pat,
    pub(crate) in_token: syn::Token![in],
    pub(crate) expr: Expr,
    pub(crate) body: Vec<Node>,
}

/// `if COND { nodes } (else if ... )* (else { nodes })?`.
pub(crate) struct IfNode {
    pub(crate) if_token: syn::Token![if],
    /// The condition; `let PAT = EXPR` (and `&&` chains of them) for `if let`.
    pub(crate) cond: Expr,
    pub(crate) then: Vec<Node>,
    pub(crate) otherwise: Option<Else>,
}

/// The `else` part of an [`IfNode`].
pub(crate) enum Else {
    If(syn::Token![else], Box<IfNode>),
    Nodes(syn::Token![else], Vec<Node>),
}

/// `match EXPR { arms }`.
pub(crate) struct MatchNode {
    pub(crate) match_token: syn::Token![match],
    pub(crate) expr: Expr,
    pub(crate) arms: Vec<MatchArm>,
}

/// `PAT (if GUARD)? => { nodes } | node`.
pub(crate) struct MatchArm {
    pub(crate) pat: Pat,
    pub(crate) guard: Option<(syn::Token![if], Expr)>,
    pub(crate) arrow: syn::Token![=>],
    pub(crate) body: Vec<Node>,
}
