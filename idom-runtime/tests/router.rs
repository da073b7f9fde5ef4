//! The router: matching, typed params, nested layouts, the fallback and its status, a changed
//! location re-rendering the page with exact patches, and use_query with good and bad input.

mod common;

use common::{Harness, assert_update, warnings};
use idom::prelude::*;
use idom::router::{Params, prerender_page, use_status};
use idom_runtime::hooks::{Location, provide_location};
use serde_json::json;

fn at(path: &str) -> Location {
    let (path, query) = path.split_once('?').unwrap_or((path, ""));
    Location { path: path.to_owned(), query: query.to_owned() }
}

fn nav(page: Element) -> Element {
    html! { <nav>"Admin"</nav> <main>{page}</main> }
}

#[component]
fn App() -> Element {
    let admin = Routes::new()
        .route("/", |()| html! { <h1>"Dashboard"</h1> })
        .route("/settings", |()| html! { <h1>"Settings"</h1> });
    let routes = Routes::new()
        .route("/", |()| html! { <h1>"Home"</h1> })
        .route("/users/:id", |id: u64| html! { <h1>"User " {id}</h1> })
        .route("/users/:id/posts/:post", |(id, post): (u64, String)| html! { <p>{post} " by " {id}</p> })
        .route("/files/*rest", |p: Params| html! { <p>"File " {p.raw("rest").unwrap_or_default().to_owned()}</p> })
        .nest("/admin", nav, admin)
        .fallback(|| html! { <h1>"Not found"</h1> });
    html! { <Router routes={routes} /> }
}

fn page(path: &str) -> (String, u16) {
    let page = prerender_page(App, at(path));
    (page.html, page.status)
}

#[test]
fn matching_routes_render_with_200() {
    assert_eq!(page("/"), ("<h1>Home</h1>".to_owned(), 200));
    assert_eq!(page("/users/7"), ("<h1>User 7</h1>".to_owned(), 200));
    assert_eq!(page("/users/7/"), ("<h1>User 7</h1>".to_owned(), 200));
    assert_eq!(page("/users/7/posts/a%20b"), ("<p>a b by 7</p>".to_owned(), 200));
    assert_eq!(page("/files/a/b%2Fc"), ("<p>File a/b/c</p>".to_owned(), 200));
}

#[test]
fn unknown_paths_and_bad_params_fall_back_with_404() {
    for path in ["/nowhere", "/users", "/users/abc", "/users/-1", "/users/99999999999999999999", "/users/7/x"] {
        assert_eq!(page(path), ("<h1>Not found</h1>".to_owned(), 404), "{path}");
    }
}

#[test]
fn nested_routes_render_inside_their_layout() {
    assert_eq!(page("/admin"), ("<nav>Admin</nav><main><h1>Dashboard</h1></main>".to_owned(), 200));
    assert_eq!(page("/admin/settings"), ("<nav>Admin</nav><main><h1>Settings</h1></main>".to_owned(), 200));
    assert_eq!(page("/admin/nope").1, 404);
}

#[component]
fn Gone() -> Element {
    use_status().set(410);
    html! { <p>"Gone"</p> }
}

#[test]
fn a_component_below_the_router_sets_the_status_last() {
    #[component]
    fn Statuses() -> Element {
        let routes = Routes::new().route("/old", |()| html! { <Gone /> }).fallback(|| "missing").fallback_status(451);
        html! { <Router routes={routes} /> }
    }
    let old = prerender_page(Statuses, at("/old"));
    assert_eq!((old.html.as_str(), old.status), ("<p>Gone</p>", 410));
    let other = prerender_page(Statuses, at("/other"));
    assert_eq!((other.html.as_str(), other.status), ("missing", 451));
    // A component sets it without a router too; without a provided cell, setting does nothing.
    assert_eq!(prerender_page(Gone, at("/")).status, 410);
    assert_eq!(idom_runtime::render_to_html(Element::component(Gone)), "<p>Gone</p>");
}

#[test]
fn a_changed_location_renders_the_new_page_with_exact_patches() {
    let mut h = Harness::new(at("/users/1"), |here: &Location| provide_location(here.clone(), Element::component(App)));
    assert_eq!(h.model, json!({"tagName": "", "children": [{"tagName": "h1", "children": ["User 1"]}]}));

    let u = h.set(at("/users/2"));
    assert_update(&u, "/children/0", json!([{"op": "replace", "path": "/children/0", "value": "User 2"}]));

    // Into a layout: the page is replaced by the nav and the main.
    let u = h.set(at("/admin"));
    assert_update(
        &u,
        "",
        json!([{"op": "replace", "path": "/children", "value": [
            {"tagName": "nav", "children": ["Admin"]},
            {"tagName": "main", "children": [{"tagName": "h1", "children": ["Dashboard"]}]}
        ]}]),
    );

    // Within the layout: only the page inside `main` changes; the nav stays.
    let u = h.set(at("/admin/settings"));
    assert_update(&u, "/children/1/children/0", json!([{"op": "replace", "path": "/children/0", "value": "Settings"}]));

    // A bad parameter: the fallback.
    let u = h.set(at("/users/abc"));
    assert_update(
        &u,
        "",
        json!([{"op": "replace", "path": "/children", "value": [{"tagName": "h1", "children": ["Not found"]}]}]),
    );
    // The query alone does not change the page.
    assert!(h.try_set(at("/users/abc?x=1")).is_none());
}

#[derive(serde::Serialize, serde::Deserialize, Clone, Debug, Default, PartialEq)]
struct Filters {
    tag: Option<String>,
    page: u32,
}

#[component]
fn List() -> Element {
    let (filters, _) = use_query::<Filters>();
    html! { <p>{filters.tag.unwrap_or_else(|| "all".to_owned())} " " {filters.page}</p> }
}

#[test]
fn use_query_reads_the_query_and_defaults_when_malformed() {
    let (mut h, logged) = warnings(|| {
        Harness::new(at("/list?tag=caf%C3%A9+noir&page=3"), |here: &Location| {
            provide_location(here.clone(), Element::component(List))
        })
    });
    assert!(logged.is_empty(), "{logged:?}");
    assert_eq!(h.model, json!({"tagName": "", "children": [{"tagName": "p", "children": ["café noir 3"]}]}));

    let (u, logged) = warnings(|| h.set(at("/list?page=three")));
    assert_update(&u, "/children/0", json!([{"op": "replace", "path": "/children/0", "value": "all 0"}]));
    assert_eq!(logged.len(), 1, "{logged:?}");
    assert!(logged[0].contains("malformed query `page=three`"), "{logged:?}");

    let (u, logged) = warnings(|| h.set(at("/list?page=4")));
    assert_update(&u, "/children/0", json!([{"op": "replace", "path": "/children/0", "value": "all 4"}]));
    assert!(logged.is_empty(), "{logged:?}");

    // A missing required field is malformed too.
    let (_, logged) = warnings(|| prerender_page(List, at("/list?tag=x")));
    assert_eq!(logged.len(), 1, "{logged:?}");
}

#[test]
#[should_panic(expected = "route pattern `users/:id` must start with `/`")]
fn a_malformed_pattern_panics_at_definition() {
    let _ = Routes::new().route("users/:id", |id: u64| html! { {id} });
}

#[test]
#[should_panic(expected = "route `/users/:id` has 1 parameter(s) but its view takes 2")]
fn a_view_taking_the_wrong_number_of_params_panics_at_definition() {
    let _ = Routes::new().route("/users/:id", |(a, b): (u64, u64)| html! { {a} {b} });
}

#[test]
#[should_panic(expected = "its view must take `Params`")]
fn typed_views_under_a_prefix_with_params_panic_at_definition() {
    let _ = Routes::new().nest("/orgs/:org", |p| p, Routes::new().route("/users/:id", |id: u64| html! { {id} }));
}

#[test]
fn a_prefix_with_params_gives_them_first() {
    let routes = Routes::new().nest(
        "/orgs/:org",
        |p| p,
        Routes::new().route("/users/:id", |p: Params| {
            html! { <p>{p.raw("org").unwrap_or_default().to_owned()} "/" {p.get::<u64>("id").unwrap_or_default()}</p> }
        }),
    );
    let (page, status) = routes.render("/orgs/acme/users/7");
    assert_eq!(status, 200);
    assert_eq!(idom_runtime::render_to_html(page), "<p>acme/7</p>");
}
