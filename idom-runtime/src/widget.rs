//! JavaScript widgets: [`JsModule`]s the app registers, the [`JsComponent`] element that mounts
//! one, [`Widget`] handles to call its methods, and [`Browser`] actions (focus, scroll, copy,
//! download, an opt-in eval) that need no JS of the app's own.
//!
//! # Design
//!
//! - **Registered modules only.** Making a [`JsModule`] registers it in this process: its files
//!   (an entry and the files beside it, which it may import with relative URLs) are kept in
//!   memory and hashed together. The server serves them at
//!   `{prefix}_idom/modules/<hash>/<file>` with immutable caching; a new content is a new URL.
//!   The model names a module by `<hash>/<entry>` only, and the client builds the URL itself
//!   under its own prefix after checking that shape, so nothing a user typed can make the page
//!   load a script. An external module (a URL the app chose) is served as a one-line module that
//!   re-exports it.
//! - **A widget is an element.** [`JsComponent`] renders `<idom-widget>` with the module, the
//!   export and one attribute per prop (`prop:<name>`, the prop's JSON). Props travel in the
//!   normal patches, each prop on its own: a re-render with equal props changes nothing, a changed
//!   prop sends that prop alone. The client keeps such attributes off the DOM and hands the props
//!   to the widget.
//! - **Both ways.** `emit(name, value)` in the widget is a `layout-event` to the element's
//!   `onEmit` handler, which reaches `on_event` as an [`Event`] ([`Event::emit_name`],
//!   [`Event::emit_value`]). A [`Widget`] from [`use_widget`], given to the element, calls a
//!   method of the mounted instance (`widget.call("append", args)`), through the session's
//!   [`ClientLink`]: the client runs a call when the widget has mounted, so a call made before is
//!   kept until then.
//! - **Browser actions** ([`use_browser`]) go the same way, addressed to elements by an
//!   [`ElementRef`] (`data-idom-ref`).

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, LazyLock, Mutex};

use bytes::Bytes;
use idom_macros::{component, hook};
use serde_json::Value;

pub use crate::browser::BrowserAction;
use crate::browser::{ClientCommand, ClientLink};
use crate::component::Callback;
use crate::event::{Event, EventName};
use crate::hooks::{use_client_link, use_memo};
use crate::html;
use crate::sync::OrPoisoned as _;
use crate::vdom::Element;

/// The event a widget's `emit` arrives as, on the `<idom-widget>` element.
pub const ONEMIT: EventName = EventName { html: "onemit", wire: "onEmit" };

/// A registered ES module: what a [`JsComponent`] mounts. Cheap to clone. Make one once (in a
/// `static`) and use it everywhere:
///
/// ```
/// use std::sync::LazyLock;
/// use idom::widget::JsModule;
///
/// static CLOCK: LazyLock<JsModule> = LazyLock::new(|| {
///     JsModule::inline(
///         "clock.js",
///         "export const Clock = { mount(el, props) { el.textContent = props.time; \
///          return { update(p) { el.textContent = p.time; }, unmount() {} }; } };",
///     )
/// });
/// assert!(CLOCK.path().ends_with("/clock.js"));
/// ```
#[derive(Clone)]
pub struct JsModule {
    inner: Arc<ModuleFiles>,
}

/// What the server serves for one module: its files under its hash.
#[cfg_attr(not(feature = "server"), allow(dead_code))]
pub(crate) struct ModuleFiles {
    pub(crate) hash: String,
    pub(crate) entry: String,
    pub(crate) files: HashMap<String, Bytes>,
}

impl PartialEq for JsModule {
    fn eq(&self, other: &Self) -> bool {
        self.inner.hash == other.inner.hash && self.inner.entry == other.inner.entry
    }
}

impl std::fmt::Debug for JsModule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "JsModule({})", self.path())
    }
}

/// Every module made in this process, by hash: what the server may serve.
static MODULES: LazyLock<Mutex<HashMap<String, Arc<ModuleFiles>>>> = LazyLock::new(Mutex::default);

/// The origins (`https://cdn.example`) of the external modules made in this process, for the
/// page's Content-Security-Policy.
static EXTERNAL: LazyLock<Mutex<std::collections::BTreeSet<String>>> = LazyLock::new(Mutex::default);

/// The origins of the external modules registered so far.
#[cfg_attr(not(feature = "server"), allow(dead_code))]
pub(crate) fn external_origins() -> Vec<String> {
    EXTERNAL.lock().or_poisoned().iter().cloned().collect()
}

/// A file name a module may have: letters, digits, `_`, `-` and `.`, ending in `.js` or `.mjs`.
pub(crate) fn is_module_file_name(name: &str) -> bool {
    !name.starts_with('.')
        && (name.ends_with(".js") || name.ends_with(".mjs"))
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'.')
}

impl JsModule {
    /// A module of one file, `name` (e.g. `chart.js`), whose source is `source` (often
    /// `include_str!("chart.js")`).
    ///
    /// # Panics
    /// When `name` is not a plain file name ending in `.js` or `.mjs`.
    pub fn inline(name: &str, source: impl Into<String>) -> JsModule {
        JsModule::files(name, [(name.to_owned(), source.into())])
    }

    /// A module whose entry is `entry`, with more files beside it that it imports by relative URL
    /// (`import { scale } from "./scale.js"`): `files` are `(name, source)` pairs, the entry among
    /// them.
    ///
    /// # Panics
    /// When a name is not a plain file name ending in `.js` or `.mjs`, or the entry is missing.
    pub fn files(entry: &str, files: impl IntoIterator<Item = (String, String)>) -> JsModule {
        let files: HashMap<String, Bytes> = files.into_iter().map(|(n, s)| (n, Bytes::from(s))).collect();
        for name in files.keys() {
            assert!(is_module_file_name(name), "module file name `{name}` must be a plain name ending in .js or .mjs");
        }
        assert!(files.contains_key(entry), "the module's entry `{entry}` is not among its files");
        JsModule::register(entry, files)
    }

    /// The module at `path` (read now), with every other `.js` and `.mjs` file of its folder,
    /// which it may import by relative URL. For libraries vendored as files.
    pub fn file(path: impl AsRef<Path>) -> std::io::Result<JsModule> {
        let path = path.as_ref();
        let entry = path.file_name().and_then(|n| n.to_str()).filter(|n| is_module_file_name(n)).ok_or_else(|| {
            std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!("{} is not a .js or .mjs file with a plain name", path.display()),
            )
        })?;
        let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let mut files = HashMap::new();
        for item in std::fs::read_dir(dir)? {
            let item = item?;
            let Some(name) = item.file_name().to_str().map(str::to_owned) else { continue };
            if is_module_file_name(&name) && item.file_type()?.is_file() {
                files.insert(name, Bytes::from(std::fs::read(item.path())?));
            }
        }
        if !files.contains_key(entry) {
            return Err(std::io::Error::new(std::io::ErrorKind::NotFound, format!("{} not found", path.display())));
        }
        Ok(JsModule::register(entry, files))
    }

    /// A module the browser loads from `url`, which the app chose (a CDN, another server). It is
    /// served as a module that re-exports the named exports of `url`; the page's policy must allow
    /// that origin.
    ///
    /// # Panics
    /// When `url` is not an `https:` or `http:` URL, or holds a quote, a backslash or a newline.
    pub fn url(url: &str) -> JsModule {
        assert!(
            (url.starts_with("https://") || url.starts_with("http://")) && !url.contains(['"', '\\', '\n', '\r', '<']),
            "a module URL must be an http(s) URL without quotes, backslashes or newlines: `{url}`"
        );
        let origin = url.splitn(4, '/').take(3).collect::<Vec<_>>().join("/");
        EXTERNAL.lock().or_poisoned().insert(origin);
        let shim = format!("export * from \"{url}\";\n");
        JsModule::register("external.js", HashMap::from([("external.js".to_owned(), Bytes::from(shim))]))
    }

    fn register(entry: &str, files: HashMap<String, Bytes>) -> JsModule {
        let hash = content_hash(&files);
        let inner = Arc::new(ModuleFiles { hash: hash.clone(), entry: entry.to_owned(), files });
        let mut modules = MODULES.lock().or_poisoned();
        let inner = modules.entry(hash).or_insert(inner).clone();
        JsModule { inner }
    }

    /// `<hash>/<entry>`: how the model names the module (the client adds
    /// `{prefix}_idom/modules/`).
    pub fn path(&self) -> String {
        format!("{}/{}", self.inner.hash, self.inner.entry)
    }
}

/// The registered module file at `<hash>/<file>`, for the server.
#[cfg_attr(not(feature = "server"), allow(dead_code))]
pub(crate) fn module_file(hash: &str, file: &str) -> Option<Bytes> {
    MODULES.lock().or_poisoned().get(hash)?.files.get(file).cloned()
}

/// FNV-1a (64 bits) of `bytes`, as 16 hex digits: a name that changes with the content.
#[cfg_attr(not(feature = "server"), allow(dead_code))]
pub(crate) fn content_hash_of(bytes: &[u8]) -> String {
    let mut files = HashMap::new();
    files.insert(String::new(), Bytes::copy_from_slice(bytes));
    content_hash(&files)
}

/// FNV-1a (64 bits) over the files in name order: a URL that changes with the content.
fn content_hash(files: &HashMap<String, Bytes>) -> String {
    let mut names: Vec<&String> = files.keys().collect();
    names.sort();
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |bytes: &[u8]| {
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    };
    for name in names {
        eat(name.as_bytes());
        eat(&[0]);
        eat(&files[name]);
        eat(&[0xff]);
    }
    let mut out = String::with_capacity(16);
    let _ = write!(out, "{h:016x}");
    out
}

/// A handle to a mounted widget, from [`use_widget`]: give it to a [`JsComponent`]'s `widget`
/// prop, then [`call`](Self::call) the instance's methods from handlers and effects. Cheap to
/// clone, `Send + Sync`.
#[derive(Clone, PartialEq, Debug)]
pub struct Widget {
    id: Arc<str>,
    link: Option<ClientLink>,
}

impl Widget {
    /// The id the element carries (`widget` attribute); unique in this process.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Calls `method` of the mounted widget instance with `args` (JSON): the instance's
    /// `method(args)` runs in the browser. A call made before the widget has mounted (its module
    /// may still be loading) waits for the mount; a call to a widget that is gone is dropped, with
    /// a debug log in the browser's console. Per-client sessions only: elsewhere it logs an error.
    pub fn call(&self, method: &str, args: impl serde::Serialize) {
        let Some(link) = &self.link else {
            return tracing::error!(method, "widget call dropped: there is no per-client session here");
        };
        match serde_json::to_value(args) {
            Ok(args) => {
                link.send(ClientCommand::WidgetCall { widget: self.id.to_string(), method: method.to_owned(), args })
            }
            Err(e) => tracing::error!(method, error = %e, "widget call dropped: its arguments are not JSON"),
        }
    }
}

fn next_id(prefix: char) -> Arc<str> {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    format!("{prefix}{}", NEXT.fetch_add(1, Ordering::Relaxed)).into()
}

/// A [`Widget`] handle for one [`JsComponent`] of this component, the same on every render.
#[hook]
pub fn use_widget() -> Widget {
    let link = use_client_link();
    use_memo(|| Widget { id: next_id('w'), link: link.clone() }, ())
}

/// Mounts the export `export` of `module` in a `<idom-widget>` element, with `props` (a JSON
/// object; each prop travels on its own when it changes) and, when given, `on_event` for what
/// the widget emits and `widget` to call its methods. See `docs/js.md` for the contract a module
/// implements.
///
/// ```
/// use std::sync::LazyLock;
/// use idom::prelude::*;
/// use idom::widget::{JsComponent, JsModule};
///
/// static GAUGE: LazyLock<JsModule> = LazyLock::new(|| JsModule::inline("gauge.js", "export const Gauge = \
///     { mount(el, props) { el.textContent = props.value; return { update(p) { el.textContent = p.value; } }; } };"));
///
/// #[component]
/// fn Speed(kmh: u32) -> Element {
///     html! { <JsComponent module={GAUGE.clone()} export="Gauge" props={serde_json::json!({"value": kmh})} /> }
/// }
///
/// let html = idom::render_to_html(html! { <Speed kmh={88} /> });
/// assert!(html.starts_with("<idom-widget module=\""), "{html}");
/// ```
#[component]
pub fn JsComponent(
    /// The registered module.
    module: JsModule,
    /// The name of the export that is the widget (its `mount`).
    export: String,
    /// The props, a JSON object.
    #[prop(default)]
    props: Value,
    /// Called with every `emit(name, value)` of the widget.
    on_event: Option<Callback<Event>>,
    /// A handle from [`use_widget`], to call the widget's methods.
    widget: Option<Widget>,
) -> Element {
    let mut el = html::custom("idom-widget").attr("module", module.path()).attr("export", export.clone());
    if let Some(widget) = &widget {
        el = el.attr("widget", widget.id().to_owned());
    }
    match &props {
        Value::Object(map) => {
            for (name, value) in map {
                el = el.attr(format!("prop:{name}"), value.to_string());
            }
        }
        Value::Null => {}
        other => tracing::warn!(export, props = %other, "widget props must be a JSON object; ignored"),
    }
    if let Some(on_event) = on_event {
        el = el.on(ONEMIT, move |e: Event| {
            if e.emit_name().is_none() {
                return tracing::debug!(data = ?e.data(), "a widget event without a name ignored");
            }
            on_event.emit(e);
        });
    }
    el.into()
}

/// An element the server addresses in browser actions, from [`use_element_ref`]: put its
/// [`id`](Self::id) in the element's `data-idom-ref` attribute.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ElementRef {
    id: Arc<str>,
}

impl ElementRef {
    /// The value for the element's `data-idom-ref` attribute.
    pub fn id(&self) -> String {
        self.id.to_string()
    }
}

/// An [`ElementRef`] for one element of this component, the same on every render.
#[hook]
pub fn use_element_ref() -> ElementRef {
    use_memo(|| ElementRef { id: next_id('r') }, ())
}

/// Browser actions for handlers and effects, from [`use_browser`]. Cheap to clone. Per-client
/// sessions only: elsewhere each action logs an error.
///
/// ```
/// use idom::prelude::*;
/// use idom::widget::{use_browser, use_element_ref};
///
/// #[component]
/// fn Search() -> Element {
///     let browser = use_browser();
///     let field = use_element_ref();
///     let target = field.clone();
///     html! {
///         <input data-idom-ref={field.id()} />
///         <button onclick={move |_| browser.focus(&target)}>"Search"</button>
///     }
/// }
/// ```
#[derive(Clone, PartialEq, Debug)]
pub struct Browser {
    link: Option<ClientLink>,
}

impl Browser {
    fn act(&self, action: BrowserAction) {
        match &self.link {
            Some(link) => link.send(ClientCommand::Action(action)),
            None => tracing::error!(?action, "browser action dropped: there is no per-client session here"),
        }
    }

    /// Focuses `element`.
    pub fn focus(&self, element: &ElementRef) {
        self.act(BrowserAction::Focus { element: element.id() });
    }

    /// Scrolls `element` into view.
    pub fn scroll_into_view(&self, element: &ElementRef) {
        self.act(BrowserAction::ScrollIntoView { element: element.id() });
    }

    /// Copies `text` to the clipboard.
    pub fn copy(&self, text: &str) {
        self.act(BrowserAction::Copy { text: text.to_owned() });
    }

    /// Has the browser save `bytes` as `name` (of type `mime`), from a single-use URL.
    pub fn download(&self, name: &str, mime: &str, bytes: impl Into<Bytes>) {
        self.act(BrowserAction::Download { name: name.to_owned(), mime: mime.to_owned(), bytes: bytes.into() });
    }

    /// Runs `code` in the page as the body of `function (element)`, with `element` the referenced
    /// element (or `null`). Refused, with an error log, unless the app opted in with
    /// `Server::allow_eval(true)`: code sent to a browser is code that runs there.
    pub fn eval(&self, code: &str, element: Option<&ElementRef>) {
        self.act(BrowserAction::Eval { code: code.to_owned(), element: element.map(ElementRef::id) });
    }
}

/// A [`Browser`] handle of this session.
#[hook]
pub fn use_browser() -> Browser {
    Browser { link: use_client_link() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_follows_the_content_and_only_plain_names_are_files() {
        let a = JsModule::inline("a.js", "export const A = 1;");
        let same = JsModule::inline("a.js", "export const A = 1;");
        let other = JsModule::inline("a.js", "export const A = 2;");
        assert_eq!(a.path(), same.path());
        assert_ne!(a.path(), other.path());
        let hash = a.path().split('/').next().unwrap().to_owned();
        assert_eq!(module_file(&hash, "a.js").as_deref(), Some(&b"export const A = 1;"[..]));
        assert_eq!(module_file(&hash, "b.js"), None);
        for bad in ["../x.js", ".hidden.js", "x.css", "a/b.js", "x y.js", ""] {
            assert!(!is_module_file_name(bad), "{bad}");
        }
        let external = JsModule::url("https://cdn.example/lib.js");
        let hash = external.path().split('/').next().unwrap().to_owned();
        assert_eq!(
            module_file(&hash, "external.js").as_deref(),
            Some(&b"export * from \"https://cdn.example/lib.js\";\n"[..])
        );
    }

    #[test]
    #[should_panic(expected = "must be an http(s) URL")]
    fn an_external_url_with_a_quote_panics() {
        let _ = JsModule::url("https://x/\";alert(1)//");
    }
}
