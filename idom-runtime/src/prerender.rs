//! Prerendering: the model of a [`Layout`] as HTML, so a page shows its content before the
//! websocket connects.
//!
//! Everything that comes from data is escaped: text (`&`, `<`, `>`), attribute values (also `"`),
//! attribute names that are not plain names are dropped, and so are names starting with `on` (a
//! handler can never come from data). `javascript:`, `vbscript:` and `data:text/html` URLs in
//! URL attributes are replaced with `about:blank#blocked`. `<script>` elements of the model are not
//! prerendered at all, so model data is never executed by the browser.

use std::fmt::Write as _;
use std::time::Duration;

use crate::Element;
use crate::ids::NodeId;
use crate::layout::{Kind, Layout};
use crate::vdom::{AttrValue, Hole, Node, Template, TemplateChild, TemplateContent};

const URL_ATTRIBUTES: &[&str] = &["href", "src", "action", "formaction", "xlink:href", "poster", "cite", "data"];

impl Layout {
    /// The HTML of the model's nodes (the root component's output), escaped for safe inclusion in
    /// a page. Event handlers are not rendered: they attach when the client connects.
    pub fn to_html(&self) -> String {
        self.to_html_with(false)
    }

    /// [`to_html`](Self::to_html), keeping script URLs and `srcdoc` when `trusted` (the app opted
    /// in with [`ServerConfig::allow_script_urls`](crate::server::ServerConfig::allow_script_urls)).
    pub fn to_html_with(&self, trusted: bool) -> String {
        let mut out = String::new();
        for &c in self.arena.children(self.root_node()) {
            self.html_of(c, &mut out, false, trusted);
        }
        out
    }

    fn html_of(&self, idx: NodeId, out: &mut String, raw_text: bool, trusted: bool) {
        match &self.arena.n(idx).kind {
            Kind::Text(t) => text_html(t, raw_text, out),
            Kind::Component(_) | Kind::Group(_) | Kind::Empty => {
                for &c in self.arena.children(idx) {
                    self.html_of(c, out, raw_text, trusted);
                }
            }
            Kind::Static(tree) => static_html(&tree.element, out, raw_text, trusted),
            Kind::Template(template, holes) => template_html(template, holes, &mut 0, out, trusted),
            Kind::Element(el) => {
                tag_html(&el.name, attributes(el.attributes()), out, trusted, |out, raw| match el.inline_text() {
                    Some(t) => text_html(t, raw, out),
                    None => {
                        for &c in &el.children {
                            self.html_of(c, out, raw, trusted);
                        }
                    }
                })
            }
        }
    }
}

/// The HTML of an element that is not mounted (the inside of a static subtree, which holds no
/// components), by the same rules as a mounted one.
fn static_html(element: &Element, out: &mut String, raw_text: bool, trusted: bool) {
    match &element.0 {
        Node::Text(t) => text_html(t, raw_text, out),
        Node::Fragment(items) => items.iter().for_each(|c| static_html(c, out, raw_text, trusted)),
        Node::Static(tree) => static_html(&tree.element, out, raw_text, trusted),
        Node::Template(template, holes) => template_html(template, holes, &mut 0, out, trusted),
        Node::Tag(tag) => tag_html(&tag.name, attributes(tag.attributes()), out, trusted, |out, raw| {
            tag.content.iter().for_each(|c| static_html(c, out, raw, trusted));
        }),
        Node::Empty | Node::Merged | Node::Component(_) => {}
    }
}

/// The HTML of element `*e` of a template instance and its subtree, by the same rules as an
/// element's; `*e` moves past the subtree.
fn template_html(template: &Template, holes: &[Hole], e: &mut usize, out: &mut String, trusted: bool) {
    let at = *e;
    let node = &template.nodes()[at];
    *e += 1;
    tag_html(node.name, template.attributes(at, holes), out, trusted, |out, raw| match node.content {
        TemplateContent::Text => text_html(template.text(at, holes).unwrap_or_default(), raw, out),
        TemplateContent::Children(children) => {
            for child in children {
                match child {
                    TemplateChild::Text(text) => text_html(text, raw, out),
                    TemplateChild::Element => template_html(template, holes, e, out, trusted),
                }
            }
        }
    });
    // Past the subtree also when it was left out (a `<script>`).
    *e = template.shape().elements[at].end;
}

/// An element's attributes as `tag_html` takes them.
fn attributes<'a>(
    attrs: impl Iterator<Item = &'a (crate::vdom::Str, AttrValue)>,
) -> impl Iterator<Item = (&'a str, &'a AttrValue)> {
    attrs.map(|(name, value)| (name.as_ref(), value))
}

/// Writes a text: escaped, or as it is inside a `<style>` (`raw`), where only a `</` that could
/// end the element is broken up.
fn text_html(text: &str, raw: bool, out: &mut String) {
    if raw {
        out.push_str(&text.replace("</", "<\\/"));
    } else {
        escape_text(text, out);
    }
}

/// Writes an element: its start tag with the attributes that are safe, the children that
/// `children` writes (told whether they are raw text, inside `<style>`), and its end tag.
fn tag_html<'n, 'v>(
    name: &str,
    attrs: impl Iterator<Item = (&'n str, &'v AttrValue)>,
    out: &mut String,
    trusted: bool,
    children: impl FnOnce(&mut String, bool),
) {
    if name.eq_ignore_ascii_case("script") || !is_safe_name(name) {
        return;
    }
    out.push('<');
    out.push_str(name);
    for (attr, value) in attrs {
        if !is_safe_name(attr)
            || attr.get(..2).is_some_and(|p| p.eq_ignore_ascii_case("on"))
            || !trusted && attr.eq_ignore_ascii_case("srcdoc")
        {
            continue;
        }
        match value {
            AttrValue::True => {
                let _ = write!(out, " {attr}");
            }
            AttrValue::Text(v) => {
                let _ = write!(out, " {attr}=\"");
                if !trusted && URL_ATTRIBUTES.contains(&attr.to_ascii_lowercase().as_str()) && is_dangerous_url(v) {
                    out.push_str("about:blank#blocked");
                } else {
                    escape_attr(v, out);
                }
                out.push('"');
            }
            AttrValue::Style(style) => {
                out.push_str(" style=\"");
                for (i, (p, v)) in style.iter().enumerate() {
                    if i > 0 {
                        out.push_str("; ");
                    }
                    escape_attr(p, out);
                    out.push_str(": ");
                    escape_attr(v, out);
                }
                out.push('"');
            }
        }
    }
    out.push('>');
    if idom_names::is_void(name) {
        return;
    }
    let raw = name.eq_ignore_ascii_case("style");
    children(out, raw);
    let _ = write!(out, "</{name}>");
}

/// Whether a URL would run script when followed or loaded.
pub(crate) fn is_dangerous_url(url: &str) -> bool {
    let cleaned: String =
        url.chars().filter(|c| !c.is_whitespace() && !c.is_control()).collect::<String>().to_ascii_lowercase();
    cleaned.starts_with("javascript:") || cleaned.starts_with("vbscript:") || cleaned.starts_with("data:text/html")
}

fn is_safe_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ':' | '.'))
}

pub(crate) fn escape_text(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
}

pub(crate) fn escape_attr(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

/// Renders `root` once, without running effects, and returns its HTML (see [`Layout::to_html`]).
/// This is how the server prerenders a page.
pub fn render_to_html(root: impl Into<crate::Element>) -> String {
    render_to_html_with(root, false)
}

/// The HTML of a model (as a client holds it: a root whose `children` are the page), written
/// with the same escaping as [`render_to_html`]: the page of a shared view that another process
/// renders, from this process's mirror of its model.
#[cfg_attr(not(feature = "redis"), allow(dead_code))]
pub(crate) fn model_to_html(model: &serde_json::Value) -> String {
    fn element_of(node: &serde_json::Value) -> crate::Element {
        let Some(tag) = node.get("tagName").and_then(serde_json::Value::as_str) else {
            return crate::Element::text(node.as_str().unwrap_or_default().to_owned());
        };
        let mut el = crate::html::custom(tag.to_owned());
        for (name, value) in node.get("attributes").and_then(serde_json::Value::as_object).into_iter().flatten() {
            el = match value {
                serde_json::Value::String(v) => el.attr(name.clone(), v.clone()),
                serde_json::Value::Bool(b) => el.attr(name.clone(), *b),
                serde_json::Value::Object(style) => {
                    let css: Vec<String> =
                        style.iter().map(|(p, v)| format!("{p}: {}", v.as_str().unwrap_or_default())).collect();
                    el.attr(name.clone(), css.join("; "))
                }
                _ => el,
            };
        }
        for child in node.get("children").and_then(serde_json::Value::as_array).into_iter().flatten() {
            el = el.child(element_of(child));
        }
        el.into()
    }
    let children: Vec<crate::Element> =
        model.get("children").and_then(serde_json::Value::as_array).into_iter().flatten().map(element_of).collect();
    render_to_html(crate::Element::fragment(children))
}

/// [`render_to_html`] with script URLs and `srcdoc` kept when `trusted`.
pub(crate) fn render_to_html_with(root: impl Into<crate::Element>, trusted: bool) -> String {
    let mut layout = Layout::from_element(root);
    layout.mount_without_effects();
    layout.to_html_with(trusted)
}

/// Renders `root` as [`render_to_html`] does, then gives its async components up to `budget` to
/// finish before writing the HTML: one still loading then is written as its fallback. Returns as
/// soon as none is loading, so a quick component's data is in the first paint. The server
/// prerenders its pages this way, within
/// [`ServerConfig::prerender_budget`](crate::server::ServerConfig::prerender_budget).
///
/// Needs a tokio runtime with timers.
///
/// ```
/// use std::time::Duration;
/// use idom::prelude::*;
///
/// #[component(fallback = html! { <p>"Loading..."</p> })]
/// async fn Report(delay_ms: u64) -> Element {
///     tokio::time::sleep(Duration::from_millis(delay_ms)).await;
///     html! { <p>"Ready"</p> }
/// }
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().start_paused(true).build().unwrap().block_on(async {
/// let budget = Duration::from_millis(100);
/// assert_eq!(idom::render_to_html_within(Report { delay_ms: 10 }, budget).await, "<p>Ready</p>");
/// assert_eq!(idom::render_to_html_within(Report { delay_ms: 5_000 }, budget).await, "<p>Loading...</p>");
/// # });
/// ```
pub async fn render_to_html_within(root: impl Into<crate::Element>, budget: Duration) -> String {
    render_to_html_within_with(root, false, budget).await
}

/// [`render_to_html_within`] with script URLs and `srcdoc` kept when `trusted`.
pub(crate) async fn render_to_html_within_with(
    root: impl Into<crate::Element>,
    trusted: bool,
    budget: Duration,
) -> String {
    let mut layout = Layout::from_element(root);
    layout.mount_without_effects();
    layout.settle_within(budget).await;
    layout.to_html_with(trusted)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Element;
    use crate::html::{a, br, div, input, p, script};

    fn html(e: impl Into<Element>) -> String {
        let mut layout = Layout::from_element(e);
        layout.try_render();
        layout.to_html()
    }

    #[test]
    fn escapes_text_and_attributes() {
        let page = div()
            .attr("title", "\"><script>alert(1)</script>")
            .child(p().child("<b>&</b>"))
            .child(input().attr("disabled", true).attr("value", "x'y"))
            .child(br());
        assert_eq!(
            html(page),
            "<div title=\"&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;\"><p>&lt;b&gt;&amp;&lt;/b&gt;</p><input disabled value=\"x&#39;y\"><br></div>"
        );
    }

    #[test]
    fn drops_scripts_handlers_and_dangerous_urls() {
        let page = div()
            .child(script().child("alert(1)"))
            .child(a().attr("href", " JaVa\tScript:alert(1)").child("x"))
            .child(a().attr("href", "/ok").child("y"))
            .child(crate::html::custom("x-y").attr("bad name", "1").attr("data-ok", "1"));
        assert_eq!(
            html(page),
            "<div><a href=\"about:blank#blocked\">x</a><a href=\"/ok\">y</a><x-y data-ok=\"1\"></x-y></div>"
        );
    }
}
