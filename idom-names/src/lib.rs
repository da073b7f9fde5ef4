//! The names idom knows, written once: HTML and SVG elements (and which of them are void) and DOM
//! events (as written in HTML and as sent on the wire).
//!
//! Three parts of idom read these names, and they must agree: `html!` checks tags and event
//! attributes at compile time and suggests the nearest name on a typo, `idom::html` has one builder
//! function per element and one constant per event, and prerendering writes no closing tag for a
//! void element. A proc-macro crate cannot hand data to the crates that use it, so the names live
//! here, in a crate without dependencies that both the macros and the runtime depend on.
//!
//! Each list is written once, as the input of a callback macro ([`for_each_element!`],
//! [`for_each_event!`]): the runtime feeds it to its own `macro_rules!` to generate builder
//! functions and event constants (items cannot come from a `const` table), and this crate feeds it
//! to build the [`ELEMENTS`] and [`EVENTS`] tables that the macros and prerendering look names up
//! in. Nothing else lists an element or an event.
//!
//! ```
//! use idom_names::{ElementKind, element, event};
//!
//! assert_eq!(element("input").map(|e| e.kind), Some(ElementKind::Void));
//! assert_eq!(element("linearGradient").map(|e| e.builder), Some("linear_gradient"));
//! assert_eq!(event("onclick").map(|e| e.wire), Some("onClick"));
//! ```

#![no_std]

/// Calls the macro `$m` with every element name, as
/// `normal: [builder "tag", ...] void: [builder "tag", ...]`.
///
/// `builder` is the name of the builder function in `idom::html` (a Rust identifier: `use_` for
/// `<use>`, snake case for SVG's camel-case tags), `"tag"` the tag name as written in markup and
/// sent on the wire. Normal elements may have children; void elements (`input`, `br`, ...) may not,
/// and are written without a closing tag. Each list is in the order of [`ELEMENTS`], and every
/// entry ends with a comma.
///
/// ```
/// macro_rules! count {
///     (normal: [$($n:ident $nt:literal,)*] void: [$($v:ident $vt:literal,)*]) => {
///         [$($nt),*].len() + [$($vt),*].len()
///     };
/// }
/// assert_eq!(idom_names::for_each_element!(count), idom_names::ELEMENTS.len());
/// ```
#[macro_export]
macro_rules! for_each_element {
    ($m:ident) => {
        $m! {
        normal: [
            html "html", head "head", title "title", style "style", script "script",
            noscript "noscript", body "body", main "main", header "header", footer "footer",
            nav "nav", section "section", article "article", aside "aside", address "address",
            h1 "h1", h2 "h2", h3 "h3", h4 "h4", h5 "h5", h6 "h6", hgroup "hgroup", div "div",
            p "p", pre "pre", blockquote "blockquote", ol "ol", ul "ul", li "li", menu "menu",
            dl "dl", dt "dt", dd "dd", figure "figure", figcaption "figcaption", a "a", em "em",
            strong "strong", small "small", s "s", cite "cite", q "q", dfn "dfn", abbr "abbr",
            ruby "ruby", rt "rt", rp "rp", data "data", time "time", code "code", var "var",
            samp "samp", kbd "kbd", sub "sub", sup "sup", i "i", b "b", u "u", mark "mark",
            bdi "bdi", bdo "bdo", span "span", ins "ins", del "del", picture "picture",
            iframe "iframe", object "object", video "video", audio "audio", map "map",
            table "table", caption "caption", colgroup "colgroup", tbody "tbody", thead "thead",
            tfoot "tfoot", tr "tr", td "td", th "th", form "form", label "label",
            button "button", select "select", datalist "datalist", optgroup "optgroup",
            option "option", textarea "textarea", output "output", progress "progress",
            meter "meter", fieldset "fieldset", legend "legend", details "details",
            summary "summary", dialog "dialog", slot "slot", template "template",
            canvas "canvas", search "search",
            svg "svg", g "g", path "path", circle "circle", rect "rect", line "line",
            polyline "polyline", polygon "polygon", ellipse "ellipse", text "text",
            tspan "tspan", defs "defs", symbol "symbol", desc "desc",
            linear_gradient "linearGradient", radial_gradient "radialGradient", stop "stop",
            clip_path "clipPath", mask "mask", pattern "pattern", image "image",
            foreign_object "foreignObject", marker "marker", use_ "use",
        ]
        void: [
            area "area", base "base", br "br", col "col", embed "embed", hr "hr", img "img",
            input "input", link "link", meta "meta", source "source", track "track", wbr "wbr",
        ]
        }
    };
}

/// Calls the macro `$m` with every DOM event, as `html "wire", ...`.
///
/// `html` is the attribute name written in markup and the name of the constant in
/// `idom::html::events` (`onclick`); `"wire"` is the name in the model's `eventHandlers`: `on` and
/// the DOM event type with its first letter upper-cased (`onClick`). The list is in the order of
/// [`EVENTS`], and every entry ends with a comma.
///
/// ```
/// macro_rules! first {
///     ($html:ident $wire:literal, $($rest:tt)*) => { (stringify!($html), $wire) };
/// }
/// assert_eq!(idom_names::for_each_event!(first), ("onclick", "onClick"));
/// ```
#[macro_export]
macro_rules! for_each_event {
    ($m:ident) => {
        $m! {
            onclick "onClick", ondblclick "onDblclick", onmousedown "onMousedown",
            onmouseup "onMouseup", onmousemove "onMousemove", onmouseover "onMouseover",
            onmouseout "onMouseout", onmouseenter "onMouseenter", onmouseleave "onMouseleave",
            oncontextmenu "onContextmenu", onwheel "onWheel", onkeydown "onKeydown",
            onkeyup "onKeyup", onkeypress "onKeypress", oninput "onInput", onchange "onChange",
            onsubmit "onSubmit", onreset "onReset", onfocus "onFocus", onblur "onBlur",
            onfocusin "onFocusin", onfocusout "onFocusout", onscroll "onScroll", onload "onLoad",
            onerror "onError", ondrag "onDrag", ondragstart "onDragstart", ondragend "onDragend",
            ondragenter "onDragenter", ondragleave "onDragleave", ondragover "onDragover",
            ondrop "onDrop", onpointerdown "onPointerdown", onpointerup "onPointerup",
            onpointermove "onPointermove", onpointerenter "onPointerenter",
            onpointerleave "onPointerleave", onpointercancel "onPointercancel",
            ontouchstart "onTouchstart", ontouchend "onTouchend", ontouchmove "onTouchmove",
            ontouchcancel "onTouchcancel", oncopy "onCopy", oncut "onCut", onpaste "onPaste",
            onselect "onSelect", onplay "onPlay", onpause "onPause", onended "onEnded",
            ontimeupdate "onTimeupdate", onvolumechange "onVolumechange",
            onanimationstart "onAnimationstart", onanimationend "onAnimationend",
            ontransitionend "onTransitionend", oninvalid "onInvalid", ontoggle "onToggle",
        }
    };
}

/// Whether an element may have children.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum ElementKind {
    /// An element that may have children and is written with a closing tag.
    Normal,
    /// A void element (`input`, `br`, `img`, ...): no children, no closing tag.
    Void,
}

/// An element idom knows: its tag name, its builder function and its kind.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct ElementName {
    /// The tag name as written in markup and sent on the wire, e.g. `div` or `linearGradient`.
    pub tag: &'static str,
    /// The name of its builder function in `idom::html`, e.g. `div` or `linear_gradient`.
    pub builder: &'static str,
    /// Whether it may have children.
    pub kind: ElementKind,
}

impl ElementName {
    /// Whether this is a void element.
    pub const fn is_void(&self) -> bool {
        matches!(self.kind, ElementKind::Void)
    }
}

/// The name of a DOM event as written in HTML (`onclick`) and as sent on the wire (`onClick`).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct EventName {
    /// The HTML attribute name, e.g. `onclick`.
    pub html: &'static str,
    /// The name in the model's `eventHandlers`, e.g. `onClick`: `on` and the DOM event type with
    /// its first letter upper-cased, so a client finds the DOM type by dropping `on` and lower-casing.
    pub wire: &'static str,
}

macro_rules! element_table {
    (normal: [$($n:ident $ntag:literal,)*] void: [$($v:ident $vtag:literal,)*]) => {
        /// Every element idom knows: the normal ones, then the void ones, each group in the
        /// order of [`for_each_element!`].
        pub const ELEMENTS: &[ElementName] = &[
            $(ElementName { tag: $ntag, builder: stringify!($n), kind: ElementKind::Normal },)*
            $(ElementName { tag: $vtag, builder: stringify!($v), kind: ElementKind::Void },)*
        ];

        /// Whether `tag` (exactly as written) names a void element, which has no children and no
        /// closing tag.
        pub fn is_void(tag: &str) -> bool {
            // A `match` on the void tags, not a search of ELEMENTS: prerendering asks this of every
            // element it writes.
            matches!(tag, $($vtag)|*)
        }
    };
}
for_each_element!(element_table);

macro_rules! event_table {
    ($($html:ident $wire:literal,)*) => {
        /// Every event idom knows, in the order of [`for_each_event!`].
        pub const EVENTS: &[EventName] = &[$(EventName { html: stringify!($html), wire: $wire },)*];
    };
}
for_each_event!(event_table);

/// The element with this tag name, exactly as written in markup (`div`, `linearGradient`; not
/// `DIV`, not `linear_gradient`).
pub fn element(tag: &str) -> Option<ElementName> {
    ELEMENTS.iter().copied().find(|e| e.tag == tag)
}

/// The event with this HTML name (`onclick`) or wire name (`onClick`).
pub fn event(name: &str) -> Option<EventName> {
    EVENTS.iter().copied().find(|e| e.html == name || e.wire == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_name_is_listed_twice() {
        for (i, a) in ELEMENTS.iter().enumerate() {
            for b in &ELEMENTS[i + 1..] {
                assert_ne!(a.tag, b.tag, "tag listed twice");
                assert_ne!(a.builder, b.builder, "builder listed twice");
            }
        }
        for (i, a) in EVENTS.iter().enumerate() {
            for b in &EVENTS[i + 1..] {
                assert_ne!(a.html, b.html, "event listed twice");
                assert_ne!(a.wire, b.wire, "wire name listed twice");
            }
        }
    }

    #[test]
    fn normal_elements_come_before_void_ones() {
        let first_void = ELEMENTS.iter().position(ElementName::is_void).expect("void elements");
        assert!(ELEMENTS[first_void..].iter().all(ElementName::is_void));
        let void: [&str; 13] = core::array::from_fn(|i| ELEMENTS[first_void + i].tag);
        assert_eq!(
            void,
            ["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"]
        );
        assert_eq!(ELEMENTS.len(), first_void + void.len());
    }

    #[test]
    fn builders_are_the_tag_in_snake_case() {
        for e in ELEMENTS {
            let builder = e.builder.chars().filter(|&c| c != '_');
            let tag = e.tag.chars().map(|c| c.to_ascii_lowercase());
            assert!(builder.eq(tag), "`{}` is not the builder of `<{}>`", e.builder, e.tag);
        }
    }

    #[test]
    fn wire_names_are_the_html_names_with_the_type_capitalised() {
        for e in EVENTS {
            let (on, kind) = e.html.split_at(2);
            assert_eq!(on, "on");
            let wire = e.wire.as_bytes();
            assert_eq!(&wire[..2], b"on", "{}", e.wire);
            assert_eq!(wire[2], kind.as_bytes()[0].to_ascii_uppercase(), "{}", e.wire);
            assert_eq!(&wire[3..], &kind.as_bytes()[1..], "{}", e.wire);
        }
    }

    #[test]
    fn lookups() {
        assert_eq!(element("div"), Some(ElementName { tag: "div", builder: "div", kind: ElementKind::Normal }));
        assert_eq!(element("use").map(|e| e.builder), Some("use_"));
        assert_eq!(element("DIV"), None);
        assert!(is_void("input") && is_void("wbr"));
        assert!(!is_void("div") && !is_void("my-input") && !is_void("INPUT"));
        assert_eq!(event("onClick"), event("onclick"));
        assert_eq!(event("onclik"), None);
        for e in ELEMENTS {
            assert_eq!(is_void(e.tag), e.is_void(), "{}", e.tag);
        }
    }
}
