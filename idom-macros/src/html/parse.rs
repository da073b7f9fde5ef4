//! Parsing `html!` markup into [`Markup`], with every check that needs no types.
//!
//! The parser stops at the first error: markup errors tend to confuse everything after them
//! (a missing `>` makes every later tag look wrong), so one precise message beats ten vague ones.

use proc_macro2::{Span, TokenStream};
use quote::ToTokens;
use syn::ext::IdentExt;
use syn::parse::{Parse, ParseStream};
use syn::spanned::Spanned;
use syn::{Expr, Ident, Lit, LitStr, Pat, Path, Result, Token, braced, parenthesized, token};

use super::{
    Attr, AttrValue, ComponentNode, Delay, ElementKind, ElementNode, Else, ForNode, FragmentNode, IfNode, Listener,
    Markup, MatchArm, MatchNode, Node, RateModifier, TagName,
};
use crate::diag::{error, error_between, error_spanned, line_of};
use crate::names::{self, TagKind};
use crate::rules;

impl Parse for Markup {
    fn parse(input: ParseStream<'_>) -> Result<Self> {
        check_group_depth(input)?;
        let mut open = Vec::new();
        let roots = parse_nodes(input, &mut open)?;
        if !input.is_empty() {
            return Err(stray_closing_tag(input));
        }
        Ok(Markup { roots })
    }
}

/// Parses nodes until the input ends or a closing tag (`</`) starts. `open` holds the names of
/// the enclosing open tags, innermost last, to explain a closing tag that skips one.
fn parse_nodes(input: ParseStream<'_>, open: &mut Vec<String>) -> Result<Vec<Node>> {
    let mut nodes = Vec::new();
    while !(input.is_empty() || input.peek(Token![<]) && input.peek2(Token![/])) {
        nodes.push(parse_node(input, open)?);
    }
    Ok(nodes)
}

/// Parses `{ nodes }`: the body of a `for`, an `if` branch or a `match` arm. Tags close inside
/// the block they open in, so the block starts with no open tags.
fn parse_block(input: ParseStream<'_>) -> Result<Vec<Node>> {
    let content;
    braced!(content in input);
    let nodes = parse_nodes(&content, &mut Vec::new())?;
    if !content.is_empty() {
        return Err(stray_closing_tag(&content));
    }
    Ok(nodes)
}

/// How deeply markup may nest (tags, and blocks of `for`/`if`/`match`); deeper input is an error
/// rather than a stack overflow of the compiler.
const MAX_DEPTH: usize = 128;

thread_local! {
    static DEPTH: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Counts one level of nesting while alive.
struct Nesting;

impl Nesting {
    fn enter(input: ParseStream<'_>) -> Result<Nesting> {
        let depth = DEPTH.with(|d| {
            d.set(d.get() + 1);
            d.get()
        });
        let guard = Nesting;
        if depth > MAX_DEPTH {
            return Err(error(
                input.span(),
                format_args!("markup nested more than {MAX_DEPTH} levels deep"),
                "split it into components",
            ));
        }
        Ok(guard)
    }
}

impl Drop for Nesting {
    fn drop(&mut self) {
        DEPTH.with(|d| d.set(d.get() - 1));
    }
}

/// Refuses input whose brackets nest deeper than [`MAX_DEPTH`] before anything recursive (syn's
/// expression parser included) sees it. Walks the groups with an explicit stack.
fn check_group_depth(input: ParseStream<'_>) -> Result<()> {
    let mut stack = vec![input.fork().parse::<proc_macro2::TokenStream>()?.into_iter()];
    while let Some(tokens) = stack.last_mut() {
        match tokens.next() {
            Some(proc_macro2::TokenTree::Group(group)) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(error(
                        group.span_open(),
                        format_args!("brackets nested more than {MAX_DEPTH} levels deep"),
                        "split the markup into components, or compute the value outside html!",
                    ));
                }
                stack.push(group.stream().into_iter());
            }
            Some(_) => {}
            None => {
                stack.pop();
            }
        }
    }
    Ok(())
}

fn parse_node(input: ParseStream<'_>, open: &mut Vec<String>) -> Result<Node> {
    let _nesting = Nesting::enter(input)?;
    if input.peek(Token![<]) {
        return parse_tag(input, open);
    }
    if input.peek(token::Brace) {
        let content;
        let braces = braced!(content in input);
        if content.is_empty() {
            return Err(error(
                braces.span.join(),
                "empty `{}` in markup",
                "put a Rust expression inside (`{count}`), or remove the braces",
            ));
        }
        return Ok(Node::Expr(parse_expr_in_braces(&content)?));
    }
    if input.peek(Token![for]) {
        return parse_for(input).map(Node::For);
    }
    if input.peek(Token![if]) {
        return parse_if(input).map(Node::If);
    }
    if input.peek(Token![match]) {
        return parse_match(input).map(Node::Match);
    }
    if input.peek(Lit) {
        return parse_text(input).map(Node::Text);
    }
    if input.peek(Ident::peek_any) {
        let word = input.call(Ident::parse_any)?;
        return Err(error(
            word.span(),
            format_args!("unexpected `{word}` in markup"),
            format_args!("text goes in quotes: `\"{word}\"`; a Rust value goes in braces: `{{{word}}}`"),
        ));
    }
    let token: proc_macro2::TokenTree = input.parse()?;
    Err(error(
        token.span(),
        format_args!("unexpected `{token}` in markup"),
        "markup holds elements (`<p>...</p>`), text (`\"...\"`), values (`{expr}`) and `for`, `if` and `match` blocks",
    ))
}

/// A literal child: strings as they are; numbers and chars become their text.
fn parse_text(input: ParseStream<'_>) -> Result<LitStr> {
    let lit: Lit = input.parse()?;
    let span = lit.span();
    match lit {
        Lit::Str(s) => Ok(s),
        Lit::Int(i) => Ok(LitStr::new(i.base10_digits(), span)),
        Lit::Float(f) => Ok(LitStr::new(f.base10_digits(), span)),
        Lit::Char(c) => Ok(LitStr::new(&c.value().to_string(), span)),
        other => {
            let shown = other.to_token_stream().to_string();
            Err(error(
                span,
                format_args!("`{shown}` cannot be shown as text"),
                format_args!("write text as a string literal, or a Rust value in braces: `{{{shown}}}`"),
            ))
        }
    }
}

/// The contents of `{ ... }`: one expression, or statements making a block.
fn parse_expr_in_braces(content: ParseStream<'_>) -> Result<Expr> {
    let span = content.span();
    let mut stmts = syn::Block::parse_within(content)?;
    let expr = if stmts.len() == 1 && matches!(stmts[0], syn::Stmt::Expr(_, None)) {
        match stmts.pop() {
            Some(syn::Stmt::Expr(expr, None)) => expr,
            _ => unreachable!("checked above"),
        }
    } else {
        syn::parse_quote_spanned!(span=> { #(#stmts)* })
    };
    no_hooks(&expr)?;
    Ok(expr)
}

/// An expression in markup (a `for` source, an `if` condition, ...), checked for hook calls.
fn parse_checked_expr(input: ParseStream<'_>, eager_brace: bool) -> Result<Expr> {
    let expr = if eager_brace { input.parse()? } else { Expr::parse_without_eager_brace(input)? };
    no_hooks(&expr)?;
    Ok(expr)
}

fn no_hooks(expr: &Expr) -> Result<()> {
    match rules::first_hook_call(expr) {
        Some(hook) => Err(error(
            hook.span(),
            "hooks cannot be called inside html!",
            format_args!("call `{hook}` at the top of the component and use its value here"),
        )),
        None => Ok(()),
    }
}

fn parse_for(input: ParseStream<'_>) -> Result<ForNode> {
    let for_token = input.parse()?;
    let pat = Pat::parse_multi_with_leading_vert(input)?;
    let in_token = input.parse()?;
    let expr = parse_checked_expr(input, false)?;
    let body = parse_block(input)?;
    Ok(ForNode { for_token, pat, in_token, expr, body })
}

fn parse_if(input: ParseStream<'_>) -> Result<IfNode> {
    let if_token = input.parse()?;
    let cond = parse_checked_expr(input, false)?;
    let then = parse_block(input)?;
    let otherwise = if input.peek(Token![else]) {
        let else_token = input.parse()?;
        if input.peek(Token![if]) {
            Some(Else::If(else_token, Box::new(parse_if(input)?)))
        } else {
            Some(Else::Nodes(else_token, parse_block(input)?))
        }
    } else {
        None
    };
    Ok(IfNode { if_token, cond, then, otherwise })
}

fn parse_match(input: ParseStream<'_>) -> Result<MatchNode> {
    let match_token = input.parse()?;
    let expr = parse_checked_expr(input, false)?;
    let content;
    braced!(content in input);
    let mut arms = Vec::new();
    while !content.is_empty() {
        let pat = Pat::parse_multi_with_leading_vert(&content)?;
        let guard = if content.peek(Token![if]) {
            let if_token = content.parse()?;
            Some((if_token, parse_checked_expr(&content, true)?))
        } else {
            None
        };
        let arrow = content.parse()?;
        let body = if content.peek(token::Brace) {
            parse_block(&content)?
        } else {
            if content.is_empty() || content.peek(Token![,]) {
                return Err(error(
                    arrow_span(&arrow),
                    "this `match` arm has no markup",
                    "write a node after `=>` (`<p>...</p>`, `\"text\"`), or `{}` for nothing",
                ));
            }
            vec![parse_node(&content, &mut Vec::new())?]
        };
        if content.peek(Token![,]) {
            content.parse::<Token![,]>()?;
        }
        arms.push(MatchArm { pat, guard, arrow, body });
    }
    Ok(MatchNode { match_token, expr, arms })
}

fn arrow_span(arrow: &Token![=>]) -> Span {
    arrow.spans[0]
}

/// The name after `<` or `</`.
enum Name {
    Html(TagName),
    Component(Path),
}

impl Name {
    fn display(&self) -> String {
        match self {
            Name::Html(name) => name.text.clone(),
            Name::Component(path) => path_string(path),
        }
    }

    fn span(&self) -> Span {
        match self {
            Name::Html(name) => name.span,
            Name::Component(path) => path.span(),
        }
    }

    fn last_span(&self) -> Span {
        match self {
            Name::Html(name) => name.tokens.clone().into_iter().last().map_or(name.span, |t| t.span()),
            Name::Component(path) => path.segments.last().map_or_else(|| path.span(), |s| s.ident.span()),
        }
    }
}

/// `a::b::Row` as written, without the spaces `to_string` puts in.
pub(crate) fn path_string(path: &Path) -> String {
    let mut text = String::new();
    if path.leading_colon.is_some() {
        text.push_str("::");
    }
    let segments: Vec<String> = path.segments.iter().map(|s| s.ident.unraw().to_string()).collect();
    text.push_str(&segments.join("::"));
    text
}

fn parse_name(input: ParseStream<'_>) -> Result<Name> {
    if input.peek(Token![::]) {
        return input.call(Path::parse_mod_style).map(Name::Component);
    }
    if !input.peek(Ident::peek_any) {
        return Err(error(
            input.span(),
            "expected a tag name after `<`",
            "write an element (`<div>`), a component (`<Row />`) or a fragment (`<>...</>`)",
        ));
    }
    if input.peek2(Token![::]) {
        return input.call(Path::parse_mod_style).map(Name::Component);
    }
    let first = input.call(Ident::parse_any)?;
    let first_text = first.unraw().to_string();
    if first_text.starts_with(|c: char| c.is_ascii_uppercase()) && !input.peek(Token![-]) {
        return Ok(Name::Component(Path::from(first)));
    }
    let span = first.span();
    let mut text = first_text;
    let mut tokens = first.to_token_stream();
    while input.peek(Token![-]) {
        let dash: Token![-] = input.parse()?;
        dash.to_tokens(&mut tokens);
        text.push('-');
        if input.peek(Ident::peek_any) {
            let part = input.call(Ident::parse_any)?;
            text.push_str(&part.unraw().to_string());
            part.to_tokens(&mut tokens);
        } else if input.peek(syn::LitInt) {
            let part: syn::LitInt = input.parse()?;
            text.push_str(&part.to_string());
            part.to_tokens(&mut tokens);
        } else {
            return Err(error(
                dash.span,
                format_args!("a tag name cannot end with `-`: `{text}`"),
                "custom element names are words joined by `-`, like `my-widget`",
            ));
        }
    }
    Ok(Name::Html(TagName { text, span, tokens }))
}

/// Parses `<...>`: an element, a component or a fragment, with its children and closing tag.
fn parse_tag(input: ParseStream<'_>, open: &mut Vec<String>) -> Result<Node> {
    let lt: Token![<] = input.parse()?;
    if input.peek(Token![>]) {
        input.parse::<Token![>]>()?;
        open.push(String::new());
        let children = parse_nodes(input, open)?;
        open.pop();
        if input.is_empty() {
            return Err(error(lt.span, "unclosed fragment `<>`", "add `</>` after its children"));
        }
        let close = parse_closing_tag(input)?;
        if let Some(close_name) = close.name {
            return Err(mismatch(lt.span, "<>", &close_name, close.span, open));
        }
        return Ok(Node::Fragment(FragmentNode { span: lt.span, children }));
    }

    let name = parse_name(input)?;
    let shown = name.display();
    let kind = match &name {
        Name::Component(_) => None,
        Name::Html(tag) => Some(element_kind(tag)?),
    };
    let is_component = kind.is_none();

    // Attributes, up to `>` or `/>`.
    let mut attrs: Vec<ParsedAttr> = Vec::new();
    let self_closing = loop {
        if input.peek(Token![/]) && input.peek2(Token![>]) {
            input.parse::<Token![/]>()?;
            input.parse::<Token![>]>()?;
            break true;
        }
        if input.peek(Token![>]) {
            input.parse::<Token![>]>()?;
            break false;
        }
        if input.is_empty() {
            return Err(error(
                name.span(),
                format_args!("unfinished tag `<{shown}`"),
                format_args!("end it with `>` (then its children and `</{shown}>`) or with `/>`"),
            ));
        }
        let attr = parse_attr(input, &shown)?;
        check_duplicate(&attrs, &attr, &shown)?;
        attrs.push(attr);
    };

    // Children and the closing tag.
    let children = if self_closing {
        Vec::new()
    } else {
        let first_child = input.span();
        open.push(shown.clone());
        let children = parse_nodes(input, open)?;
        open.pop();
        if input.is_empty() {
            let help = if matches!(kind, Some(ElementKind::Void(_))) {
                format!("`<{shown}>` is a void element: write it self-closing, `<{shown} ... />`")
            } else {
                format!("add `</{shown}>` after its children, or write `<{shown} />` if it has none")
            };
            return Err(error(name.span(), format_args!("unclosed tag `<{shown}>`"), help));
        }
        let close = parse_closing_tag(input)?;
        let is_void = matches!(kind, Some(ElementKind::Void(_)));
        match &close.name {
            Some(close_name) if *close_name == shown => {}
            _ if is_void => {
                return Err(error(
                    name.span(),
                    format_args!("`<{shown}>` is a void element and must be self-closing"),
                    format_args!("void elements have no children and no closing tag: write `<{shown} ... />`"),
                ));
            }
            Some(close_name) => return Err(mismatch(name.span(), &shown, close_name, close.span, open)),
            None => return Err(mismatch(name.span(), &shown, "", close.span, open)),
        }
        if let (Some(ElementKind::Void(_)), Some(_)) = (&kind, children.first()) {
            return Err(error(
                first_child,
                format_args!("`<{shown}>` is a void element and cannot have children"),
                format_args!("write it self-closing, `<{shown} ... />`, and put this content next to it"),
            ));
        }
        children
    };

    if is_component {
        let Name::Component(path) = name else { unreachable!("components have paths") };
        component_node(path, attrs, children, self_closing).map(Node::Component)
    } else {
        let Name::Html(tag) = name else { unreachable!("elements have tag names") };
        let kind = kind.expect("elements have a kind");
        element_node(tag, kind, attrs, children).map(Node::Element)
    }
}

fn element_kind(tag: &TagName) -> Result<ElementKind> {
    if tag.text.contains('-') {
        return Ok(ElementKind::Custom);
    }
    match names::lookup_tag(&tag.text) {
        Some(TagKind::Normal(f)) => Ok(ElementKind::Normal(f)),
        Some(TagKind::Void(f)) => Ok(ElementKind::Void(f)),
        None => {
            let help = match names::suggest(&tag.text, names::all_tags()) {
                Some(near) => format!("did you mean `<{near}>`? (a custom element needs a `-` in its name, a component an upper-case first letter)"),
                None => "a custom element needs a `-` in its name (`<my-widget>`), a component an upper-case first letter (`<Widget />`)".to_owned(),
            };
            Err(error_spanned(&tag.tokens, format_args!("unknown HTML element `<{}>`", tag.text), help))
        }
    }
}

struct ClosingTag {
    /// `None` for `</>`.
    name: Option<String>,
    span: Span,
}

fn parse_closing_tag(input: ParseStream<'_>) -> Result<ClosingTag> {
    input.parse::<Token![<]>()?;
    let slash: Token![/] = input.parse()?;
    if input.peek(Token![>]) {
        input.parse::<Token![>]>()?;
        return Ok(ClosingTag { name: None, span: slash.span });
    }
    let name = parse_name(input)?;
    if !input.peek(Token![>]) {
        return Err(error(
            input.span(),
            format_args!("expected `>` to end `</{}`", name.display()),
            "a closing tag has only its name: `</div>`",
        ));
    }
    input.parse::<Token![>]>()?;
    Ok(ClosingTag { name: Some(name.display()), span: name.last_span() })
}

/// The error for a closing tag that does not match the innermost open tag. `open` holds the tags
/// still open around the one being closed.
fn mismatch(open_span: Span, opened: &str, closed: &str, close_span: Span, open: &[String]) -> syn::Error {
    let open_tag = if opened.is_empty() || opened == "<>" { "<>".to_owned() } else { format!("<{opened}>") };
    let close_tag = format!("</{closed}>");
    let expected = if opened.is_empty() || opened == "<>" { "</>".to_owned() } else { format!("</{opened}>") };
    if open.iter().any(|o| o == closed) {
        error_between(
            open_span,
            close_span,
            format_args!("`{open_tag}` is not closed before `{close_tag}`"),
            format_args!(
                "add `{expected}` before `{close_tag}`, or write `{}` if it has no children",
                self_closing_form(&open_tag)
            ),
        )
    } else {
        error_between(
            open_span,
            close_span,
            format_args!("mismatched closing tag: `{open_tag}` is closed by `{close_tag}`"),
            format_args!("close it with `{expected}`, or rename one of the two tags"),
        )
    }
}

fn self_closing_form(open_tag: &str) -> String {
    format!("{} />", open_tag.trim_end_matches('>'))
}

fn stray_closing_tag(input: ParseStream<'_>) -> syn::Error {
    let start = input.span();
    let (name, end) = input
        .call(|input| {
            input.parse::<Token![<]>()?;
            input.parse::<Token![/]>()?;
            let name = if input.peek(Token![>]) { String::new() } else { parse_name(input)?.display() };
            let gt: Token![>] = input.parse()?;
            Ok((name, gt.span))
        })
        .unwrap_or_else(|_| (String::new(), start));
    let tag = format!("</{name}>");
    error_between(
        start,
        end,
        format_args!("unexpected closing tag `{tag}`"),
        "nothing is open here to close: remove it, or add the matching opening tag before it (tags close inside the `{}` block they open in)",
    )
}

/// An attribute as parsed, before it is sorted into attribute, handler, key or prop.
struct ParsedAttr {
    name: String,
    span: Span,
    tokens: TokenStream,
    modifiers: Vec<ParsedModifier>,
    value: AttrValue,
}

/// A modifier after `|`: its name and, if it has parentheses, their span and contents.
struct ParsedModifier {
    name: Ident,
    args: Option<(Span, TokenStream)>,
}

fn parse_attr(input: ParseStream<'_>, tag: &str) -> Result<ParsedAttr> {
    if !input.peek(Ident::peek_any) {
        return Err(error(
            input.span(),
            format_args!("expected an attribute name, `>` or `/>` in `<{tag}>`"),
            "attributes are written `name=\"text\"`, `name={expr}` or just `name` (a boolean that is on)",
        ));
    }
    let first = input.call(Ident::parse_any)?;
    let span = first.span();
    let mut name = first.unraw().to_string();
    let mut tokens = first.to_token_stream();
    loop {
        if input.peek(Token![-]) {
            let dash: Token![-] = input.parse()?;
            dash.to_tokens(&mut tokens);
            name.push('-');
        } else if input.peek(Token![:]) && !input.peek(Token![::]) {
            let colon: Token![:] = input.parse()?;
            colon.to_tokens(&mut tokens);
            name.push(':');
        } else {
            break;
        }
        if !input.peek(Ident::peek_any) {
            return Err(error(
                input.span(),
                format_args!("attribute name `{name}` is unfinished"),
                "attribute names are words joined by `-` (`data-id`, `aria-label`)",
            ));
        }
        let part = input.call(Ident::parse_any)?;
        name.push_str(&part.unraw().to_string());
        part.to_tokens(&mut tokens);
    }
    let mut modifiers = Vec::new();
    while input.peek(Token![|]) && !input.peek(Token![||]) {
        input.parse::<Token![|]>()?;
        if !input.peek(Ident::peek_any) {
            return Err(error(
                input.span(),
                format_args!("expected a modifier after `{name}|`"),
                format_args!("{}: `onsubmit|prevent_default={{...}}`", names::MODIFIERS_HELP),
            ));
        }
        let modifier = input.call(Ident::parse_any)?;
        let args = if input.peek(token::Paren) {
            let content;
            let parens = parenthesized!(content in input);
            Some((parens.span.join(), content.parse()?))
        } else {
            None
        };
        modifiers.push(ParsedModifier { name: modifier, args });
    }
    let value = if input.peek(Token![=]) && !input.peek(Token![==]) && !input.peek(Token![=>]) {
        input.parse::<Token![=]>()?;
        if input.peek(token::Brace) {
            let content;
            let braces = braced!(content in input);
            if content.is_empty() {
                return Err(error(
                    braces.span.join(),
                    format_args!("`{name}` has an empty value"),
                    format_args!("put a Rust expression inside: `{name}={{value}}`"),
                ));
            }
            AttrValue::Expr(Box::new(parse_expr_in_braces(&content)?))
        } else if input.peek(Lit) {
            AttrValue::Lit(input.parse()?)
        } else {
            return Err(error(
                input.span(),
                format_args!("expected a value for `{name}`"),
                format_args!(
                    "a value is a literal (`{name}=\"text\"`) or a Rust expression in braces (`{name}={{value}}`)"
                ),
            ));
        }
    } else {
        AttrValue::Flag
    };
    Ok(ParsedAttr { name, span, tokens, modifiers, value })
}

fn check_duplicate(seen: &[ParsedAttr], attr: &ParsedAttr, tag: &str) -> Result<()> {
    let Some(first) = seen.iter().find(|a| a.name == attr.name) else { return Ok(()) };
    let line = line_of(first.span);
    let at = if line > 0 { format!(" on line {line}") } else { String::new() };
    if attr.name == "key" {
        return Err(error_spanned(
            &attr.tokens,
            format_args!("`key` is set twice on `<{tag}>`"),
            format_args!("an element has one key: remove this one or the first{at}"),
        ));
    }
    Err(error_spanned(
        &attr.tokens,
        format_args!("duplicate attribute `{}` on `<{tag}>`", attr.name),
        format_args!("`{}` is already set{at}: remove one of the two", attr.name),
    ))
}

fn element_node(name: TagName, kind: ElementKind, parsed: Vec<ParsedAttr>, children: Vec<Node>) -> Result<ElementNode> {
    let mut key = None;
    let mut attrs = Vec::new();
    let mut listeners = Vec::new();
    for attr in parsed {
        let is_event = attr.name.len() > 2 && attr.name.get(..2).is_some_and(|p| p.eq_ignore_ascii_case("on"));
        if let (false, Some(modifier)) = (is_event, attr.modifiers.first()) {
            return Err(error(
                modifier.name.span(),
                format_args!("`{}` is not an event handler, so it takes no modifiers", attr.name),
                "modifiers go on event handlers: `onsubmit|prevent_default={...}`",
            ));
        }
        if attr.name == "key" {
            if let AttrValue::Flag = attr.value {
                return Err(error(attr.span, "`key` needs a value", "write `key={id}` or `key=\"a\"`"));
            }
            key = Some(Attr { name: attr.name, span: attr.span, value: attr.value });
        } else if is_event {
            listeners.push(listener(attr, &name.text)?);
        } else {
            attrs.push(Attr { name: attr.name, span: attr.span, value: attr.value });
        }
    }
    if let (ElementKind::Void(_), Some(_)) = (&kind, children.first()) {
        unreachable!("void children are rejected while parsing");
    }
    Ok(ElementNode { name, kind, key, attrs, listeners, children })
}

fn listener(attr: ParsedAttr, tag: &str) -> Result<Listener> {
    if !names::is_event(&attr.name) {
        let help = match names::suggest(&attr.name, names::all_events()) {
            Some(near) => format!("did you mean `{near}`?"),
            None => "event attributes are the lower-case DOM names, like `onclick`, `oninput`, `onsubmit`".to_owned(),
        };
        return Err(error_spanned(&attr.tokens, format_args!("unknown event `{}` on `<{tag}>`", attr.name), help));
    }
    let mut prevent_default = false;
    let mut stop_propagation = false;
    let mut rate: Option<RateModifier> = None;
    for (i, modifier) in attr.modifiers.iter().enumerate() {
        let name = &modifier.name;
        let text = name.to_string();
        if !names::MODIFIERS.contains(&text.as_str()) {
            let help = match names::suggest(&text, names::MODIFIERS.iter().copied()) {
                Some(near) => format!("did you mean `{near}`? ({})", names::MODIFIERS_HELP),
                None => names::MODIFIERS_HELP.to_owned(),
            };
            return Err(error(name.span(), format_args!("unknown event modifier `{text}`"), help));
        }
        if attr.modifiers[..i].iter().any(|earlier| earlier.name == text) {
            return Err(error(name.span(), format_args!("modifier `{text}` is given twice"), "remove one of them"));
        }
        match text.as_str() {
            "debounce" | "throttle" => {
                if let Some(first) = &rate {
                    return Err(error(
                        name.span(),
                        format_args!("`{}` and `{text}` cannot both limit one handler", first.name),
                        "keep one: `debounce` sends once the events pause, `throttle` at most one per period",
                    ));
                }
                rate = Some(RateModifier { name: name.clone(), delay: delay(modifier)? });
            }
            _ => {
                if let Some((parens, _)) = &modifier.args {
                    return Err(error(
                        *parens,
                        format_args!("modifier `{text}` takes no argument"),
                        format_args!("write it alone: `{}|{text}`", attr.name),
                    ));
                }
                if text == "prevent_default" {
                    prevent_default = true;
                } else {
                    stop_propagation = true;
                }
            }
        }
    }
    let handler = match attr.value {
        AttrValue::Expr(expr) => *expr,
        AttrValue::Lit(_) | AttrValue::Flag => {
            return Err(error_spanned(
                &attr.tokens,
                format_args!("`{}` needs a handler, not text", attr.name),
                format_args!("write `{}={{move |e: Event| ...}}`", attr.name),
            ));
        }
    };
    Ok(Listener { event: Ident::new(&attr.name, attr.span), prevent_default, stop_propagation, rate, handler })
}

/// The longest delay of `debounce`/`throttle`, in milliseconds: what a browser timer can wait.
const MAX_DELAY_MS: u64 = i32::MAX as u64;

/// The argument of `debounce(..)` or `throttle(..)`: whole milliseconds, or a `Duration` in braces.
fn delay(modifier: &ParsedModifier) -> Result<Delay> {
    let name = &modifier.name;
    let help =
        format!("write the milliseconds to wait, like `{name}(300)`, or a `Duration` in braces: `{name}({{delay}})`");
    let Some((parens, args)) = &modifier.args else {
        return Err(error(name.span(), format_args!("modifier `{name}` needs a delay"), help));
    };
    if args.is_empty() {
        return Err(error(*parens, format_args!("modifier `{name}` needs a delay"), help));
    }
    let parse = |input: ParseStream<'_>| {
        let delay = if input.peek(token::Brace) {
            let content;
            let braces = braced!(content in input);
            if content.is_empty() {
                return Err(error(braces.span.join(), format_args!("`{name}` has an empty delay"), help));
            }
            Delay::Expr(Box::new(parse_expr_in_braces(&content)?))
        } else if input.peek(Token![-]) {
            let rest: TokenStream = input.parse()?;
            return Err(error_spanned(
                &rest,
                "a delay cannot be negative",
                format_args!("write how many milliseconds to wait, 0 or more: `{name}(300)`"),
            ));
        } else if input.peek(syn::LitInt) {
            let lit: syn::LitInt = input.parse()?;
            if !lit.suffix().is_empty() {
                return Err(error(
                    lit.span(),
                    format_args!("the delay of `{name}` is a plain number of milliseconds"),
                    format_args!("leave out the suffix: `{name}({})`", lit.base10_digits()),
                ));
            }
            match lit.base10_parse::<u64>() {
                Ok(ms) if ms <= MAX_DELAY_MS => Delay::Millis(ms, lit.span()),
                _ => {
                    return Err(error(
                        lit.span(),
                        format_args!("`{name}({lit})` is longer than a browser timer can wait"),
                        format_args!("the longest delay is {MAX_DELAY_MS} ms (about 24 days)"),
                    ));
                }
            }
        } else {
            let rest: TokenStream = input.parse()?;
            let shown = rest.to_string();
            let help = match syn::parse2::<Ident>(rest.clone()) {
                Ok(ident) => format!(
                    "write an integer of milliseconds (`{name}(300)`), or a `Duration` value in braces: `{name}({{{ident}}})`"
                ),
                Err(_) => help.clone(),
            };
            return Err(error_spanned(
                &rest,
                format_args!("the delay of `{name}` is whole milliseconds, not `{shown}`"),
                help,
            ));
        };
        if !input.is_empty() {
            let rest: TokenStream = input.parse()?;
            return Err(error_spanned(
                &rest,
                format_args!("modifier `{name}` takes one delay"),
                format_args!("write one number of milliseconds: `{name}(300)`"),
            ));
        }
        Ok(delay)
    };
    syn::parse::Parser::parse2(parse, args.clone())
}

fn component_node(
    path: Path,
    parsed: Vec<ParsedAttr>,
    children: Vec<Node>,
    self_closing: bool,
) -> Result<ComponentNode> {
    let name = path_string(&path);
    let mut key = None;
    let mut props = Vec::new();
    for attr in parsed {
        if let Some(modifier) = attr.modifiers.first() {
            return Err(error(
                modifier.name.span(),
                format_args!("`{}` is a prop of `<{name}>`, so it takes no modifiers", attr.name),
                "modifiers apply to event handlers on HTML elements; set the options inside the component",
            ));
        }
        if attr.name.contains(['-', ':']) || attr.name == "_" {
            return Err(error_spanned(
                &attr.tokens,
                format_args!("`{}` is not a prop name", attr.name),
                format_args!("props of `<{name}>` are its parameter names, which are Rust identifiers"),
            ));
        }
        if attr.name == "key" {
            if let AttrValue::Flag = attr.value {
                return Err(error(attr.span, "`key` needs a value", "write `key={id}` or `key=\"a\"`"));
            }
            key = Some(Attr { name: attr.name, span: attr.span, value: attr.value });
            continue;
        }
        if attr.name == "children" && !children.is_empty() {
            return Err(error_spanned(
                &attr.tokens,
                format_args!("`<{name}>` gets `children` twice: as a prop and between its tags"),
                "keep one of the two",
            ));
        }
        props.push(Attr { name: attr.name, span: attr.span, value: attr.value });
    }
    let children = if self_closing || children.is_empty() { None } else { Some(children) };
    Ok(ComponentNode { path, key, props, children })
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::*;

    fn parse(tokens: TokenStream) -> Result<Markup> {
        syn::parse2(tokens)
    }

    fn err(tokens: TokenStream) -> String {
        match parse(tokens) {
            Ok(_) => panic!("expected an error"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn non_ascii_attribute_names_do_not_panic() {
        let tokens: TokenStream = "<input aé=\"x\" />".parse().unwrap();
        assert!(parse(tokens).is_ok());
    }

    #[test]
    fn underscore_is_not_a_prop() {
        assert!(err(quote! { <Row id={1} _ /> }).contains("`_` is not a prop name"));
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        // rustc runs macros on an 8 MiB stack; give the test the same.
        std::thread::Builder::new()
            .stack_size(8 << 20)
            .spawn(|| {
                let tags: TokenStream = "<>".repeat(2_000).parse().unwrap();
                assert!(err(tags).contains("nested more than 128 levels"));
                let braces: TokenStream = format!("{}{}", "{".repeat(1_600), "}".repeat(1_600)).parse().unwrap();
                assert!(err(braces).contains("nested more than 128 levels"));
            })
            .unwrap()
            .join()
            .unwrap();
    }

    #[test]
    fn parses_elements_attributes_and_children() {
        let m = parse(quote! {
            <div class="card" id={id} disabled data-x="1" for="name" key={k}>
                "Hello " {name}
                <input type="text" />
                <br>
                </br>
            </div>
        })
        .unwrap();
        assert_eq!(m.roots.len(), 1);
        let Node::Element(div) = &m.roots[0] else { panic!() };
        assert_eq!(div.name.text, "div");
        assert!(div.key.is_some());
        let names: Vec<_> = div.attrs.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, ["class", "id", "disabled", "data-x", "for"]);
        assert!(matches!(div.attrs[2].value, AttrValue::Flag));
        assert_eq!(div.children.len(), 4);
        assert!(matches!(div.children[0], Node::Text(_)));
        assert!(matches!(div.children[1], Node::Expr(_)));
        let Node::Element(input) = &div.children[2] else { panic!() };
        assert!(matches!(input.kind, ElementKind::Void("input")));
    }

    #[test]
    fn parses_handlers_and_modifiers() {
        let m = parse(quote! {
            <form onsubmit|prevent_default|stop_propagation={move |_| ()} onclick={f}></form>
        })
        .unwrap();
        let Node::Element(form) = &m.roots[0] else { panic!() };
        assert_eq!(form.listeners.len(), 2);
        assert!(form.listeners[0].prevent_default && form.listeners[0].stop_propagation);
        assert!(!form.listeners[1].prevent_default);
        assert_eq!(form.listeners[1].event.to_string(), "onclick");
    }

    #[test]
    fn parses_rate_modifiers() {
        let m = parse(quote! {
            <input oninput|debounce(300)|prevent_default={move |_| ()}
                   onkeydown|throttle({Duration::from_millis(50)})={f}
                   onchange|stop_propagation|throttle(0)={f} />
        })
        .unwrap();
        let Node::Element(input) = &m.roots[0] else { panic!() };
        let [input, keydown, change] = &input.listeners[..] else { panic!() };
        assert!(input.prevent_default && !input.stop_propagation);
        let rate = input.rate.as_ref().unwrap();
        assert_eq!(rate.name.to_string(), "debounce");
        assert!(matches!(rate.delay, Delay::Millis(300, _)));
        let rate = keydown.rate.as_ref().unwrap();
        assert_eq!(rate.name.to_string(), "throttle");
        assert!(matches!(&rate.delay, Delay::Expr(e) if matches!(**e, Expr::Call(_))));
        assert!(change.stop_propagation && matches!(change.rate.as_ref().unwrap().delay, Delay::Millis(0, _)));
    }

    #[test]
    fn bad_rate_modifiers() {
        let e = err(quote! { <input oninput|debounce={f} /> });
        assert!(
            e.starts_with(
                "modifier `debounce` needs a delay\nhelp: write the milliseconds to wait, like `debounce(300)`"
            ),
            "{e}"
        );
        let e = err(quote! { <input oninput|throttle()={f} /> });
        assert!(e.starts_with("modifier `throttle` needs a delay"), "{e}");
        let e = err(quote! { <input oninput|debounce(-5)={f} /> });
        assert!(e.starts_with("a delay cannot be negative"), "{e}");
        let e = err(quote! { <input oninput|debounce(0.5)={f} /> });
        assert!(e.starts_with("the delay of `debounce` is whole milliseconds, not `0.5`"), "{e}");
        let e = err(quote! { <input oninput|debounce("300")={f} /> });
        assert!(e.starts_with("the delay of `debounce` is whole milliseconds, not `\"300\"`"), "{e}");
        let e = err(quote! { <input oninput|debounce(delay)={f} /> });
        assert!(e.ends_with("or a `Duration` value in braces: `debounce({delay})`"), "{e}");
        let e = err(quote! { <input oninput|debounce(300ms)={f} /> });
        assert!(
            e.starts_with(
                "the delay of `debounce` is a plain number of milliseconds\nhelp: leave out the suffix: `debounce(300)`"
            ),
            "{e}"
        );
        let e = err(quote! { <input oninput|debounce(300, 5)={f} /> });
        assert!(e.starts_with("modifier `debounce` takes one delay"), "{e}");
        let e = err(quote! { <input oninput|debounce(99999999999)={f} /> });
        assert!(e.starts_with("`debounce(99999999999)` is longer than a browser timer can wait"), "{e}");
        assert!(parse(quote! { <input oninput|debounce(2147483647)={f} /> }).is_ok());
        let e = err(quote! { <input oninput|debounce({})={f} /> });
        assert!(e.starts_with("`debounce` has an empty delay"), "{e}");
        let e = err(quote! { <input oninput|debounce({use_delay()})={f} /> });
        assert!(e.starts_with("hooks cannot be called inside html!"), "{e}");
        let e = err(quote! { <input oninput|debounce(300)|throttle(100)={f} /> });
        assert!(e.starts_with("`debounce` and `throttle` cannot both limit one handler"), "{e}");
        let e = err(quote! { <input oninput|debounce(300)|debounce(200)={f} /> });
        assert!(e.starts_with("modifier `debounce` is given twice"), "{e}");
        let e = err(quote! { <form onsubmit|prevent_default(true)={f}></form> });
        assert!(
            e.starts_with(
                "modifier `prevent_default` takes no argument\nhelp: write it alone: `onsubmit|prevent_default`"
            ),
            "{e}"
        );
        let e = err(quote! { <input oninput|debounse(300)={f} /> });
        assert!(e.starts_with("unknown event modifier `debounse`\nhelp: did you mean `debounce`?"), "{e}");
        let e = err(quote! { <input oninput|lazy={f} /> });
        assert_eq!(
            e,
            "unknown event modifier `lazy`\nhelp: the modifiers are `prevent_default`, `stop_propagation`, `debounce(ms)` and `throttle(ms)`"
        );
    }

    #[test]
    fn parses_components_fragments_and_custom_elements() {
        let m = parse(quote! {
            <Row id={1} label="x" key=3 />
            <widgets::Card title="t"><p>"body"</p></widgets::Card>
            <>"a" "b"</>
            <my-widget some-attr="1"></my-widget>
            <linearGradient></linearGradient>
        })
        .unwrap();
        assert_eq!(m.roots.len(), 5);
        let Node::Component(row) = &m.roots[0] else { panic!() };
        assert_eq!(path_string(&row.path), "Row");
        assert!(row.key.is_some() && row.children.is_none());
        assert_eq!(row.props.len(), 2);
        let Node::Component(card) = &m.roots[1] else { panic!() };
        assert_eq!(path_string(&card.path), "widgets::Card");
        assert_eq!(card.children.as_ref().map(Vec::len), Some(1));
        assert!(matches!(&m.roots[2], Node::Fragment(f) if f.children.len() == 2));
        let Node::Element(custom) = &m.roots[3] else { panic!() };
        assert_eq!(custom.name.text, "my-widget");
        assert!(matches!(custom.kind, ElementKind::Custom));
        assert_eq!(custom.attrs[0].name, "some-attr");
        let Node::Element(gradient) = &m.roots[4] else { panic!() };
        assert!(matches!(gradient.kind, ElementKind::Normal("linear_gradient")));
    }

    #[test]
    fn parses_control_flow() {
        let m = parse(quote! {
            for (i, item) in items.iter().enumerate() { <li key={i}>{item}</li> }
            if let Some(x) = opt { <p>{x}</p> } else if flag { "flag" } else { }
            match n { 0 => "zero", 1 | 2 => <b>"few"</b>, n if n > 10 => { "many" {n} } _ => {} }
        })
        .unwrap();
        assert_eq!(m.roots.len(), 3);
        let Node::If(i) = &m.roots[1] else { panic!() };
        assert!(matches!(i.cond, Expr::Let(_)));
        assert!(
            matches!(&i.otherwise, Some(Else::If(_, inner)) if matches!(inner.otherwise, Some(Else::Nodes(_, ref n)) if n.is_empty()))
        );
        let Node::Match(m) = &m.roots[2] else { panic!() };
        assert_eq!(m.arms.len(), 4);
        assert!(m.arms[2].guard.is_some());
        assert_eq!(m.arms[2].body.len(), 2);
    }

    #[test]
    fn numbers_become_text() {
        let m = parse(quote! { 1_000 'x' 2.5 }).unwrap();
        let texts: Vec<_> = m
            .roots
            .iter()
            .map(|n| match n {
                Node::Text(t) => t.value(),
                _ => panic!(),
            })
            .collect();
        assert_eq!(texts, ["1000", "x", "2.5"]);
    }

    #[test]
    fn braces_with_statements_become_a_block() {
        let m = parse(quote! { <p>{ let x = 1; x + 1 }</p> }).unwrap();
        let Node::Element(p) = &m.roots[0] else { panic!() };
        assert!(matches!(p.children[0], Node::Expr(Expr::Block(_))));
    }

    #[test]
    fn mismatched_and_unclosed_tags() {
        let e = err(quote! { <div><span></div> });
        assert!(e.starts_with("`<span>` is not closed before `</div>`"), "{e}");
        let e = err(quote! { <div></span> });
        assert!(e.starts_with("mismatched closing tag: `<div>` is closed by `</span>`"), "{e}");
        assert!(e.contains("\nhelp: close it with `</div>`"), "{e}");
        let e = err(quote! { <div> "x" });
        assert!(e.starts_with("unclosed tag `<div>`"), "{e}");
        let e = err(quote! { <p>"x"</p></p> });
        assert!(e.starts_with("unexpected closing tag `</p>`"), "{e}");
        let e = err(quote! { <>"x"</div> });
        assert!(e.starts_with("mismatched closing tag: `<>` is closed by `</div>`"), "{e}");
        let e = err(quote! { <Card></Row> });
        assert!(e.starts_with("mismatched closing tag: `<Card>`"), "{e}");
        let e = err(quote! { <div class="x" });
        assert!(e.starts_with("unfinished tag `<div`"), "{e}");
        let e = err(quote! { if x { <p> } </p> });
        assert!(e.starts_with("unclosed tag `<p>`"), "{e}");
    }

    #[test]
    fn void_elements_take_no_children() {
        let e = err(quote! { <input>"x"</input> });
        assert!(e.starts_with("`<input>` is a void element and cannot have children"), "{e}");
        assert!(parse(quote! { <input></input> }).is_ok());
        let e = err(quote! { <br> });
        assert!(e.contains("help: `<br>` is a void element: write it self-closing"), "{e}");
        let e = err(quote! { <p>"a" <br> "b"</p> });
        assert!(e.starts_with("`<br>` is a void element and must be self-closing"), "{e}");
    }

    #[test]
    fn unknown_names_suggest_the_nearest() {
        let e = err(quote! { <dvi></dvi> });
        assert!(e.starts_with("unknown HTML element `<dvi>`\nhelp: did you mean `<div>`?"), "{e}");
        let e = err(quote! { <button onclik={f}></button> });
        assert_eq!(e, "unknown event `onclik` on `<button>`\nhelp: did you mean `onclick`?");
        let e = err(quote! { <form onsubmit|prevent_defualt={f}></form> });
        assert!(
            e.starts_with("unknown event modifier `prevent_defualt`\nhelp: did you mean `prevent_default`?"),
            "{e}"
        );
        let e = err(quote! { <div class|prevent_default="x"></div> });
        assert!(e.starts_with("`class` is not an event handler"), "{e}");
    }

    #[test]
    fn duplicates_are_rejected() {
        let e = err(quote! { <div class="a" class="b"></div> });
        assert!(e.starts_with("duplicate attribute `class` on `<div>`"), "{e}");
        let e = err(quote! { <li key=1 key=2></li> });
        assert!(e.starts_with("`key` is set twice on `<li>`"), "{e}");
        let e = err(quote! { <Row id=1 id=2 /> });
        assert!(e.starts_with("duplicate attribute `id` on `<Row>`"), "{e}");
        let e = err(quote! { <Card children={x}>"y"</Card> });
        assert!(e.starts_with("`<Card>` gets `children` twice"), "{e}");
    }

    #[test]
    fn hooks_are_rejected_anywhere_in_markup() {
        let e = err(quote! { <p>{use_state(|| 0).0}</p> });
        assert_eq!(
            e,
            "hooks cannot be called inside html!\nhelp: call `use_state` at the top of the component and use its value here"
        );
        let e = err(quote! { <button onclick={move |_| { let x = hooks::use_thing(); }}></button> });
        assert!(e.contains("`use_thing`"), "{e}");
        let e = err(quote! { for x in use_items() { <p /> } });
        assert!(e.contains("`use_items`"), "{e}");
        let e = err(quote! { <p>{format!("{}", use_name())}</p> });
        assert!(e.contains("`use_name`"), "{e}");
    }

    #[test]
    fn bad_text_and_values() {
        let e = err(quote! { <p>hello</p> });
        assert!(e.starts_with("unexpected `hello` in markup\nhelp: text goes in quotes"), "{e}");
        let e = err(quote! { <p>{}</p> });
        assert!(e.starts_with("empty `{}` in markup"), "{e}");
        let e = err(quote! { <button onclick="alert(1)"></button> });
        assert!(e.starts_with("`onclick` needs a handler, not text"), "{e}");
        let e = err(quote! { <div class=x></div> });
        assert!(e.starts_with("expected a value for `class`"), "{e}");
        let e = err(quote! { <Row data-id=1 /> });
        assert!(e.starts_with("`data-id` is not a prop name"), "{e}");
    }
}
