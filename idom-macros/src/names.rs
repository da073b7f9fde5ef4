//! The names `html!` knows: HTML and SVG elements, void elements, DOM events and handler
//! modifiers, plus the "did you mean" suggestion used by every "unknown name" error.
//!
//! Elements and events are idom-names' tables, the same ones the runtime's builders, event
//! constants and prerendering are generated from, so a tag the macro accepts always has a builder
//! function to expand to, and every builder is reachable from markup. Only the modifiers, which are
//! the macro's own syntax, are listed here.

use idom_names::{ELEMENTS, EVENTS, ElementKind};

/// Handler modifiers: `onsubmit|prevent_default={...}`, `oninput|debounce(300)={...}`.
pub(crate) const MODIFIERS: &[&str] = &["prevent_default", "stop_propagation", "debounce", "throttle"];

/// The modifiers as a help line lists them.
pub(crate) const MODIFIERS_HELP: &str =
    "the modifiers are `prevent_default`, `stop_propagation`, `debounce(ms)` and `throttle(ms)`";

/// What a lower-case tag name is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TagKind {
    /// An element that may have children; the builder function's name.
    Normal(&'static str),
    /// A void element; the builder function's name.
    Void(&'static str),
}

/// Looks up a tag name as written in markup (`div`, `linearGradient`).
pub(crate) fn lookup_tag(name: &str) -> Option<TagKind> {
    let element = idom_names::element(name)?;
    Some(match element.kind {
        ElementKind::Normal => TagKind::Normal(element.builder),
        ElementKind::Void => TagKind::Void(element.builder),
    })
}

/// Whether `name` (as written, `onclick`) is a known event.
pub(crate) fn is_event(name: &str) -> bool {
    EVENTS.iter().any(|e| e.html == name)
}

/// The HTML names of every event (`onclick`), for suggestions.
pub(crate) fn all_events() -> impl Iterator<Item = &'static str> {
    EVENTS.iter().map(|e| e.html)
}

/// The known name closest to `name`, if one is close enough to be a likely typo: at most one edit
/// per three characters (a swap of two neighbours counts as one edit), or the same name in another
/// case.
pub(crate) fn suggest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (name.chars().count() / 3).max(1);
    let mut best: Option<(usize, &'a str)> = None;
    for candidate in candidates {
        if candidate.eq_ignore_ascii_case(name) {
            return Some(candidate);
        }
        let distance = edit_distance(name, candidate);
        if distance <= limit && best.is_none_or(|(d, _)| distance < d) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, c)| c)
}

/// The names of every tag, for suggestions: the normal elements, then the void ones (the order
/// decides between two equally near names).
pub(crate) fn all_tags() -> impl Iterator<Item = &'static str> {
    ELEMENTS.iter().map(|e| e.tag)
}

/// Optimal string alignment distance: insertions, deletions, substitutions and swaps of two
/// neighbouring characters each cost one.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let width = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * width];
    for i in 0..=a.len() {
        d[i * width] = i;
    }
    for (j, cell) in d.iter_mut().enumerate().take(width) {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v =
                (d[(i - 1) * width + j] + 1).min(d[i * width + j - 1] + 1).min(d[(i - 1) * width + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[(i - 2) * width + j - 2] + 1);
            }
            d[i * width + j] = v;
        }
    }
    d[a.len() * width + b.len()]
}

/// Whether `word` is a Rust keyword that needs `r#` to be used as an identifier.
pub(crate) fn is_keyword(word: &str) -> bool {
    matches!(
        word,
        "as" | "async"
            | "await"
            | "break"
            | "const"
            | "continue"
            | "dyn"
            | "else"
            | "enum"
            | "extern"
            | "false"
            | "fn"
            | "for"
            | "gen"
            | "if"
            | "impl"
            | "in"
            | "let"
            | "loop"
            | "match"
            | "mod"
            | "move"
            | "mut"
            | "pub"
            | "ref"
            | "return"
            | "static"
            | "struct"
            | "trait"
            | "true"
            | "type"
            | "unsafe"
            | "use"
            | "where"
            | "while"
            | "abstract"
            | "become"
            | "box"
            | "do"
            | "final"
            | "macro"
            | "override"
            | "priv"
            | "try"
            | "typeof"
            | "unsized"
            | "virtual"
            | "yield"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_resolve_to_builder_functions() {
        assert_eq!(lookup_tag("div"), Some(TagKind::Normal("div")));
        assert_eq!(lookup_tag("input"), Some(TagKind::Void("input")));
        assert_eq!(lookup_tag("linearGradient"), Some(TagKind::Normal("linear_gradient")));
        assert_eq!(lookup_tag("use"), Some(TagKind::Normal("use_")));
        assert_eq!(lookup_tag("dvi"), None);
        assert_eq!(lookup_tag("linear_gradient"), None);
    }

    #[test]
    fn no_name_is_listed_twice() {
        let mut tags: Vec<_> = all_tags().collect();
        tags.sort_unstable();
        let before = tags.len();
        tags.dedup();
        assert_eq!(before, tags.len());
        let mut events: Vec<_> = all_events().collect();
        events.sort_unstable();
        events.dedup();
        assert_eq!(events.len(), EVENTS.len());
    }

    #[test]
    fn suggestions_fix_typos_and_case() {
        assert_eq!(suggest("onclik", all_events()), Some("onclick"));
        assert_eq!(suggest("onClick", all_events()), Some("onclick"));
        assert_eq!(suggest("onsubmitt", all_events()), Some("onsubmit"));
        assert_eq!(suggest("dvi", all_tags()), Some("div"));
        assert_eq!(suggest("buton", all_tags()), Some("button"));
        assert_eq!(suggest("prevent_defualt", MODIFIERS.iter().copied()), Some("prevent_default"));
        assert_eq!(suggest("xyzzy", all_tags()), None);
        assert_eq!(suggest("onhover", all_events()), None);
    }

    #[test]
    fn every_tag_of_the_table_resolves_to_its_builder_and_kind() {
        for e in ELEMENTS {
            let expected = match e.kind {
                ElementKind::Normal => TagKind::Normal(e.builder),
                ElementKind::Void => TagKind::Void(e.builder),
            };
            assert_eq!(lookup_tag(e.tag), Some(expected), "<{}>", e.tag);
        }
        for e in EVENTS {
            assert!(is_event(e.html), "{}", e.html);
            assert!(!is_event(e.wire), "{} is the wire name, not an attribute", e.wire);
        }
    }

    /// `html!` itself: every tag of the table, in markup, expands to a call of its builder, void
    /// tags only self-closing; every event attribute to its constant; names outside the table are
    /// refused.
    #[test]
    fn markup_accepts_exactly_the_tables_names() {
        use proc_macro2::TokenStream;
        use quote::{format_ident, quote};

        let expand = |tokens: TokenStream| -> syn::Result<String> {
            let markup: crate::html::Markup = syn::parse2(tokens)?;
            Ok(crate::squash(&crate::html::codegen::expand(&markup).to_string()))
        };
        // Tag names as the user writes them, keywords (`use`) included.
        let tag_tokens = |tag: &str| syn::parse_str::<TokenStream>(tag).unwrap();
        for e in ELEMENTS {
            let tag = tag_tokens(e.tag);
            let call = crate::squash(&format!("::idom::html::{}()", e.builder));
            let closed = expand(quote!(<#tag />)).unwrap_or_else(|err| panic!("<{} />: {err}", e.tag));
            assert!(closed.contains(&call), "<{} /> expands to {closed}", e.tag);
            let with_child = expand(quote!(<#tag>"x"</#tag>));
            match e.kind {
                ElementKind::Normal => assert!(with_child.is_ok(), "<{}> refuses children", e.tag),
                ElementKind::Void => assert!(with_child.is_err(), "<{}> takes children", e.tag),
            }
        }
        for e in EVENTS {
            let name = format_ident!("{}", e.html);
            let code = expand(quote!(<div #name={h} />)).unwrap_or_else(|err| panic!("{}: {err}", e.html));
            assert!(code.contains(&crate::squash(&format!("::idom::html::events::{}", e.html))), "{code}");
        }
        for unknown in ["dvi", "dIv", "linear_gradient", "use_", "foreignobject"] {
            let tag = tag_tokens(unknown);
            assert!(expand(quote!(<#tag />)).is_err(), "<{unknown} /> is accepted");
        }
        for unknown in ["onClick", "onclik", "onhover"] {
            let name = format_ident!("{unknown}");
            assert!(expand(quote!(<div #name={h} />)).is_err(), "{unknown} is accepted");
        }
    }

    #[test]
    fn edit_distance_counts_swaps_once() {
        assert_eq!(edit_distance("abc", "abc"), 0);
        assert_eq!(edit_distance("abc", "acb"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }
}
