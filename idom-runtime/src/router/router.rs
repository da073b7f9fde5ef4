//! The route table ([`Routes`]), the component that renders it ([`Router`]) and the HTTP status
//! of a prerendered page ([`Status`], [`use_status`]).

use std::fmt;
use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Arc, LazyLock};

use idom_macros::{component, hook};

use super::params::{FromParams, Params};
use super::pattern::Pattern;
use crate::Element;
use crate::hooks::{Context, create_context, use_context, use_location};

type View = Arc<dyn Fn(&Params) -> Option<Element> + Send + Sync>;
type Wrap = Arc<dyn Fn(Element) -> Element + Send + Sync>;
type Fallback = Arc<dyn Fn() -> Element + Send + Sync>;

#[derive(Clone)]
struct Entry {
    pattern: Pattern,
    view: View,
    /// How many parameters the view takes (`None`: any, it takes `Params`).
    count: Option<usize>,
    /// The layouts around the view, outermost first.
    layouts: Vec<Wrap>,
}

/// A route table: patterns with their views, nested tables under a layout, and a fallback.
///
/// Routes are tried in the order they were added; the first whose pattern matches the path
/// **and** whose parameters parse into what its view takes is rendered. When none is, the
/// fallback is, with the status 404 (see [`fallback_status`](Self::fallback_status)).
///
/// ```
/// use idom::prelude::*;
/// use idom::router::Routes;
///
/// fn admin_nav(page: Element) -> Element {
///     html! { <nav>"Admin"</nav> <main>{page}</main> }
/// }
///
/// let routes = Routes::new()
///     .route("/", |()| html! { <h1>"Home"</h1> })
///     .route("/users/:id", |id: u64| html! { <h1>"User " {id}</h1> })
///     .nest("/admin", admin_nav, Routes::new().route("/settings", |()| html! { <h1>"Settings"</h1> }))
///     .fallback(|| html! { <h1>"Not found"</h1> });
/// assert_eq!(routes.len(), 3);
/// ```
///
/// Two tables are equal only when they are clones of one another (views are closures), so a
/// [`Router`] whose parent re-renders renders again too unless the table is built once (in a
/// `static`, or with `use_memo`).
#[derive(Clone, Default)]
pub struct Routes {
    entries: Arc<Vec<Entry>>,
    fallback: Option<Fallback>,
    fallback_status: Option<u16>,
}

impl PartialEq for Routes {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.entries, &other.entries)
            && match (&self.fallback, &other.fallback) {
                (Some(a), Some(b)) => Arc::ptr_eq(a, b),
                (a, b) => a.is_none() && b.is_none(),
            }
            && self.fallback_status == other.fallback_status
    }
}

impl fmt::Debug for Routes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Routes")
            .field("patterns", &self.entries.iter().map(|e| e.pattern.as_str()).collect::<Vec<_>>())
            .field("fallback", &self.fallback.is_some())
            .field("fallback_status", &self.status_of_fallback())
            .finish()
    }
}

impl Routes {
    /// An empty table (every path goes to the fallback).
    pub fn new() -> Self {
        Routes::default()
    }

    /// Adds a route: `view` renders the paths `pattern` matches, given their parameters typed
    /// as it asks ([`FromParams`]: `()`, one value, a tuple, or [`Params`]).
    ///
    /// # Panics
    /// When `pattern` is malformed (with the [`PatternError`](super::PatternError)'s message),
    /// or when its number of parameters is not the number the view takes. Both are mistakes in
    /// the program, found the first time the table is built.
    pub fn route<A, V>(self, pattern: &str, view: impl Fn(A) -> V + Send + Sync + 'static) -> Self
    where
        A: FromParams,
        V: Into<Element>,
    {
        let pattern = Pattern::parse(pattern).unwrap_or_else(|e| panic!("{e}"));
        check_count::<A>(&pattern);
        let view: View = Arc::new(move |params: &Params| A::from_params(params).map(|a| view(a).into()));
        self.push(Entry { pattern, view, count: A::COUNT, layouts: Vec::new() })
    }

    /// Adds the routes of `routes` under `prefix`, each rendered inside `layout`: a nav bar
    /// around pages. The nested patterns are relative (`/settings` under `/admin` is
    /// `/admin/settings`; `/` is the prefix itself), and a prefix may have parameters, which come
    /// first: the views under such a prefix take [`Params`] and read them by name. Layouts nest as deep as tables do.
    ///
    /// # Panics
    /// When `prefix` is malformed, when it has parameters and a nested view takes typed values
    /// instead of [`Params`], or when `routes` has a
    /// fallback (the fallback belongs to the outermost table).
    pub fn nest<V>(
        mut self,
        prefix: &str,
        layout: impl Fn(Element) -> V + Send + Sync + 'static,
        routes: Routes,
    ) -> Self
    where
        V: Into<Element>,
    {
        let prefix = Pattern::parse(prefix).unwrap_or_else(|e| panic!("{e}"));
        assert!(
            routes.fallback.is_none() && routes.fallback_status.is_none(),
            "the routes nested under `{prefix}` have a fallback: set it on the outermost table"
        );
        let layout: Wrap = Arc::new(move |page| layout(page).into());
        let entries = Arc::make_mut(&mut self.entries);
        for entry in Arc::unwrap_or_clone(routes.entries) {
            let pattern = prefix.join(&entry.pattern).unwrap_or_else(|e| panic!("{e}"));
            assert!(
                prefix.param_names().count() == 0 || entry.count.is_none(),
                "route `{pattern}` is nested under `{prefix}`, whose parameters come before its own: \
                 its view must take `Params` and read them by name"
            );
            let mut layouts = vec![layout.clone()];
            layouts.extend(entry.layouts);
            entries.push(Entry { pattern, view: entry.view, count: entry.count, layouts });
        }
        self
    }

    /// What the paths no route renders show, with the status 404 unless
    /// [`fallback_status`](Self::fallback_status) says otherwise. Without one they show nothing
    /// (and are 404 too).
    pub fn fallback<V: Into<Element>>(mut self, view: impl Fn() -> V + Send + Sync + 'static) -> Self {
        self.fallback = Some(Arc::new(move || view().into()));
        self
    }

    /// The HTTP status of a page that shows the fallback (404 by default).
    pub fn fallback_status(mut self, status: u16) -> Self {
        self.fallback_status = Some(status);
        self
    }

    /// How many routes the table has (nested ones included).
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether it has none.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// What `path` renders, and its status: the first route that matches and whose parameters
    /// parse, inside its layouts, with 200; else the fallback with its status.
    pub fn render(&self, path: &str) -> (Element, u16) {
        for entry in self.entries.iter() {
            let Some(params) = entry.pattern.matches(path) else { continue };
            let Some(page) = (entry.view)(&params) else { continue };
            let page = entry.layouts.iter().rev().fold(page, |page, layout| layout(page));
            return (page, 200);
        }
        let page = self.fallback.as_ref().map_or_else(Element::empty, |f| f());
        (page, self.status_of_fallback())
    }

    fn status_of_fallback(&self) -> u16 {
        self.fallback_status.unwrap_or(404)
    }

    fn push(mut self, entry: Entry) -> Self {
        Arc::make_mut(&mut self.entries).push(entry);
        self
    }
}

fn check_count<A: FromParams>(pattern: &Pattern) {
    let found = pattern.param_names().count();
    if let Some(wanted) = A::COUNT {
        assert!(
            wanted == found,
            "route `{pattern}` has {found} parameter(s) but its view takes {wanted}: take a tuple of {found}, \
             or `Params` to read them by name"
        );
    }
}

/// Renders the route of the current [`Location`](crate::hooks::Location)'s path from `routes`
/// (see [`Routes`] for the order and the fallback), and sets the page's [`Status`]. It reads the
/// location with `use_location`, so it renders again whenever the location changes.
///
/// ```
/// use idom::prelude::*;
/// use idom::router::{Router, Routes, prerender_page};
/// use idom::Location;
///
/// #[component]
/// fn App() -> Element {
///     let routes = Routes::new()
///         .route("/users/:id", |id: u64| html! { <p>"User " {id}</p> })
///         .fallback(|| html! { <p>"Not found"</p> });
///     html! { <Router routes={routes} /> }
/// }
///
/// let at = |path: &str| Location { path: path.into(), query: String::new() };
/// let page = prerender_page(App, at("/users/7"));
/// assert_eq!((page.html.as_str(), page.status), ("<p>User 7</p>", 200));
/// let page = prerender_page(App, at("/users/abc"));
/// assert_eq!((page.html.as_str(), page.status), ("<p>Not found</p>", 404));
/// ```
#[component]
pub fn Router(
    /// The route table.
    routes: Routes,
) -> Element {
    let location = use_location();
    let status = use_status();
    let (page, code) = routes.render(&location.path);
    status.set(code);
    page
}

/// The HTTP status of the page being prerendered: a shared cell the server (or
/// [`prerender_page`](crate::prerender_page)) provides and reads after the render. The
/// [`Router`] sets it (200 for a route, 404 for the fallback); a component below it may set it
/// again with [`use_status`] (say, a user page whose user does not exist), since children render
/// after their parents.
///
/// Outside a prerender (in a live session) there is no cell and [`set`](Self::set) does
/// nothing: a status only means something for the response that carries the first HTML.
#[derive(Clone, Default)]
pub struct Status {
    cell: Option<Arc<AtomicU16>>,
}

impl Status {
    /// A cell holding 200, to [`provide`](Self::provide) and read back.
    pub fn new() -> Self {
        Status { cell: Some(Arc::new(AtomicU16::new(200))) }
    }

    /// Sets the status (nothing happens without a cell).
    pub fn set(&self, code: u16) {
        if let Some(cell) = &self.cell {
            cell.store(code, Ordering::Relaxed);
        }
    }

    /// The status set last (200 when nothing set it, or without a cell).
    pub fn get(&self) -> u16 {
        self.cell.as_ref().map_or(200, |c| c.load(Ordering::Relaxed))
    }

    /// Provides this cell to every component in `root`.
    pub fn provide(&self, root: impl Into<Element>) -> Element {
        STATUS.provide(self.clone(), root)
    }
}

impl PartialEq for Status {
    fn eq(&self, other: &Self) -> bool {
        match (&self.cell, &other.cell) {
            (Some(a), Some(b)) => Arc::ptr_eq(a, b),
            (a, b) => a.is_none() && b.is_none(),
        }
    }
}

impl fmt::Debug for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.cell {
            Some(_) => write!(f, "Status({})", self.get()),
            None => f.write_str("Status(none)"),
        }
    }
}

static STATUS: LazyLock<Context<Status>> = LazyLock::new(|| create_context(Status::default()));

/// The page's [`Status`] cell, to set the HTTP status of a prerendered page:
///
/// ```
/// use idom::prelude::*;
/// use idom::router::use_status;
///
/// #[component]
/// fn Gone() -> Element {
///     use_status().set(410);
///     html! { <p>"This page is gone"</p> }
/// }
/// let page = idom::router::prerender_page(Gone, idom::Location::default());
/// assert_eq!(page.status, 410);
/// ```
#[hook]
pub fn use_status() -> Status {
    use_context(&STATUS)
}
