//! The names `html!` knows: HTML and SVG elements, void elements, DOM events and handler
//! modifiers, plus the "did you mean" suggestion used by every "unknown name" error.
//!
//! These tables mirror `idom_runtime::html::{ELEMENTS, VOID_ELEMENTS, events::ALL}` entry for
//! entry (a test below reads the runtime's `html.rs` and compares), so a tag the macro accepts
//! always has a builder function to expand to, and every builder is reachable from markup.

/// Elements that may have children, as `(builder function, tag name as written in markup)`.
pub(crate) const ELEMENTS: &[(&str, &str)] = &[
    ("html", "html"),
    ("head", "head"),
    ("title", "title"),
    ("style", "style"),
    ("script", "script"),
    ("noscript", "noscript"),
    ("body", "body"),
    ("main", "main"),
    ("header", "header"),
    ("footer", "footer"),
    ("nav", "nav"),
    ("section", "section"),
    ("article", "article"),
    ("aside", "aside"),
    ("address", "address"),
    ("h1", "h1"),
    ("h2", "h2"),
    ("h3", "h3"),
    ("h4", "h4"),
    ("h5", "h5"),
    ("h6", "h6"),
    ("hgroup", "hgroup"),
    ("div", "div"),
    ("p", "p"),
    ("pre", "pre"),
    ("blockquote", "blockquote"),
    ("ol", "ol"),
    ("ul", "ul"),
    ("li", "li"),
    ("menu", "menu"),
    ("dl", "dl"),
    ("dt", "dt"),
    ("dd", "dd"),
    ("figure", "figure"),
    ("figcaption", "figcaption"),
    ("a", "a"),
    ("em", "em"),
    ("strong", "strong"),
    ("small", "small"),
    ("s", "s"),
    ("cite", "cite"),
    ("q", "q"),
    ("dfn", "dfn"),
    ("abbr", "abbr"),
    ("ruby", "ruby"),
    ("rt", "rt"),
    ("rp", "rp"),
    ("data", "data"),
    ("time", "time"),
    ("code", "code"),
    ("var", "var"),
    ("samp", "samp"),
    ("kbd", "kbd"),
    ("sub", "sub"),
    ("sup", "sup"),
    ("i", "i"),
    ("b", "b"),
    ("u", "u"),
    ("mark", "mark"),
    ("bdi", "bdi"),
    ("bdo", "bdo"),
    ("span", "span"),
    ("ins", "ins"),
    ("del", "del"),
    ("picture", "picture"),
    ("iframe", "iframe"),
    ("object", "object"),
    ("video", "video"),
    ("audio", "audio"),
    ("map", "map"),
    ("table", "table"),
    ("caption", "caption"),
    ("colgroup", "colgroup"),
    ("tbody", "tbody"),
    ("thead", "thead"),
    ("tfoot", "tfoot"),
    ("tr", "tr"),
    ("td", "td"),
    ("th", "th"),
    ("form", "form"),
    ("label", "label"),
    ("button", "button"),
    ("select", "select"),
    ("datalist", "datalist"),
    ("optgroup", "optgroup"),
    ("option", "option"),
    ("textarea", "textarea"),
    ("output", "output"),
    ("progress", "progress"),
    ("meter", "meter"),
    ("fieldset", "fieldset"),
    ("legend", "legend"),
    ("details", "details"),
    ("summary", "summary"),
    ("dialog", "dialog"),
    ("slot", "slot"),
    ("template", "template"),
    ("canvas", "canvas"),
    ("search", "search"),
    ("svg", "svg"),
    ("g", "g"),
    ("path", "path"),
    ("circle", "circle"),
    ("rect", "rect"),
    ("line", "line"),
    ("polyline", "polyline"),
    ("polygon", "polygon"),
    ("ellipse", "ellipse"),
    ("text", "text"),
    ("tspan", "tspan"),
    ("defs", "defs"),
    ("symbol", "symbol"),
    ("desc", "desc"),
    ("linear_gradient", "linearGradient"),
    ("radial_gradient", "radialGradient"),
    ("stop", "stop"),
    ("clip_path", "clipPath"),
    ("mask", "mask"),
    ("pattern", "pattern"),
    ("image", "image"),
    ("foreign_object", "foreignObject"),
    ("marker", "marker"),
    ("use_", "use"),
];

/// Void elements (no children, written self-closing), as `(builder function, tag name)`.
pub(crate) const VOID_ELEMENTS: &[(&str, &str)] = &[
    ("area", "area"),
    ("base", "base"),
    ("br", "br"),
    ("col", "col"),
    ("embed", "embed"),
    ("hr", "hr"),
    ("img", "img"),
    ("input", "input"),
    ("link", "link"),
    ("meta", "meta"),
    ("source", "source"),
    ("track", "track"),
    ("wbr", "wbr"),
];

/// Every event attribute, named as in HTML; each is a constant in `idom::html::events`.
pub(crate) const EVENTS: &[&str] = &[
    "onclick",
    "ondblclick",
    "onmousedown",
    "onmouseup",
    "onmousemove",
    "onmouseover",
    "onmouseout",
    "onmouseenter",
    "onmouseleave",
    "oncontextmenu",
    "onwheel",
    "onkeydown",
    "onkeyup",
    "onkeypress",
    "oninput",
    "onchange",
    "onsubmit",
    "onreset",
    "onfocus",
    "onblur",
    "onfocusin",
    "onfocusout",
    "onscroll",
    "onload",
    "onerror",
    "ondrag",
    "ondragstart",
    "ondragend",
    "ondragenter",
    "ondragleave",
    "ondragover",
    "ondrop",
    "onpointerdown",
    "onpointerup",
    "onpointermove",
    "onpointerenter",
    "onpointerleave",
    "onpointercancel",
    "ontouchstart",
    "ontouchend",
    "ontouchmove",
    "ontouchcancel",
    "oncopy",
    "oncut",
    "onpaste",
    "onselect",
    "onplay",
    "onpause",
    "onended",
    "ontimeupdate",
    "onvolumechange",
    "onanimationstart",
    "onanimationend",
    "ontransitionend",
    "oninvalid",
    "ontoggle",
];

/// Handler modifiers: `onsubmit|prevent_default={...}`.
pub(crate) const MODIFIERS: &[&str] = &["prevent_default", "stop_propagation"];

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
    let find = |table: &[(&'static str, &'static str)]| table.iter().find(|(_, tag)| *tag == name).map(|(f, _)| *f);
    find(ELEMENTS).map(TagKind::Normal).or_else(|| find(VOID_ELEMENTS).map(TagKind::Void))
}

/// Whether `name` (as written, `onclick`) is a known event.
pub(crate) fn is_event(name: &str) -> bool {
    EVENTS.contains(&name)
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

/// The names of every tag, for suggestions.
pub(crate) fn all_tags() -> impl Iterator<Item = &'static str> {
    ELEMENTS.iter().chain(VOID_ELEMENTS).map(|(_, tag)| *tag)
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
        let mut events = EVENTS.to_vec();
        events.sort_unstable();
        events.dedup();
        assert_eq!(events.len(), EVENTS.len());
    }

    #[test]
    fn suggestions_fix_typos_and_case() {
        assert_eq!(suggest("onclik", EVENTS.iter().copied()), Some("onclick"));
        assert_eq!(suggest("onClick", EVENTS.iter().copied()), Some("onclick"));
        assert_eq!(suggest("onsubmitt", EVENTS.iter().copied()), Some("onsubmit"));
        assert_eq!(suggest("dvi", all_tags()), Some("div"));
        assert_eq!(suggest("buton", all_tags()), Some("button"));
        assert_eq!(suggest("prevent_defualt", MODIFIERS.iter().copied()), Some("prevent_default"));
        assert_eq!(suggest("xyzzy", all_tags()), None);
        assert_eq!(suggest("onhover", EVENTS.iter().copied()), None);
    }

    /// The `name "literal",` pairs of the runtime's `tags!`/`events!` invocation named `mac`.
    fn runtime_table(file: &syn::File, mac: &str) -> Vec<(String, String)> {
        let tokens = file
            .items
            .iter()
            .find_map(|item| match item {
                syn::Item::Macro(m) if m.mac.path.is_ident(mac) && m.ident.is_none() => Some(m.mac.tokens.clone()),
                _ => None,
            })
            .unwrap_or_else(|| panic!("no `{mac}!` invocation in the runtime's html.rs"));
        fn flatten(tokens: proc_macro2::TokenStream, out: &mut Vec<proc_macro2::TokenTree>) {
            for tree in tokens {
                match tree {
                    proc_macro2::TokenTree::Group(g) => flatten(g.stream(), out),
                    other => out.push(other),
                }
            }
        }
        let mut trees = Vec::new();
        flatten(tokens, &mut trees);
        let mut pairs = Vec::new();
        for window in trees.windows(2) {
            if let [proc_macro2::TokenTree::Ident(name), proc_macro2::TokenTree::Literal(lit)] = window {
                let lit = lit.to_string();
                pairs.push((name.to_string(), lit.trim_matches('"').to_owned()));
            }
        }
        pairs
    }

    #[test]
    fn tables_match_the_runtime() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../idom-runtime/src/html.rs");
        let Ok(source) = std::fs::read_to_string(path) else {
            eprintln!("{path} not found: skipping (this check needs the workspace)");
            return;
        };
        let file = syn::parse_file(&source).expect("the runtime's html.rs parses");
        let tags = runtime_table(&file, "tags");
        let (normal, void): (Vec<_>, Vec<_>) = {
            let void_start = VOID_ELEMENTS[0].0;
            let at = tags.iter().position(|(f, _)| f == void_start).expect("void elements in `tags!`");
            (tags[..at].to_vec(), tags[at..].to_vec())
        };
        let ours = |table: &[(&str, &str)]| -> Vec<(String, String)> {
            table.iter().map(|(f, t)| ((*f).to_owned(), (*t).to_owned())).collect()
        };
        assert_eq!(normal, ours(ELEMENTS), "ELEMENTS differ from the runtime's");
        assert_eq!(void, ours(VOID_ELEMENTS), "VOID_ELEMENTS differ from the runtime's");
        let events: Vec<String> = runtime_table(&file, "events").into_iter().map(|(name, _)| name).collect();
        assert_eq!(events, EVENTS, "EVENTS differ from the runtime's events::ALL");
    }

    #[test]
    fn edit_distance_counts_swaps_once() {
        assert_eq!(edit_distance("abc", "abc"), 0);
        assert_eq!(edit_distance("abc", "acb"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }
}
