//! Navigation headless: a session's ClientLink moved by the browser (clicks, back and forward)
//! and by the app (use_navigate, the query setter, use_title), with the exact patches the page
//! gets and the commands the browser gets.

mod common;

use common::{assert_update, warnings};
use idom::hooks::{Arrival, ClientCommand, ClientLink, History, provide_client_link};
use idom::prelude::*;
use idom::router::prerender_page;
use idom::testing::TestLayout;
use idom::{Location, use_navigate, use_title};
use serde_json::json;

fn at(href: &str) -> Location {
    let (path, query) = href.split_once('?').unwrap_or((href, ""));
    Location { path: path.to_owned(), query: query.to_owned() }
}

fn location(href: &str, how: History, title: Option<&str>) -> ClientCommand {
    ClientCommand::Location { href: href.to_owned(), how, title: title.map(str::to_owned) }
}

#[component]
fn App() -> Element {
    let navigate = use_navigate();
    let routes = Routes::new()
        .route("/", |()| html! { <Home /> })
        .route("/users/:id", |id: u64| html! { <User id={id} /> })
        .fallback(|| html! { <h1>"Not found"</h1> });
    html! {
        <nav><button onclick={move |_| navigate.push("/users/7")}>"User 7"</button></nav>
        <Router routes={routes} />
    }
}

#[component]
fn Home() -> Element {
    use_title("Home");
    html! { <h1>"Home"</h1> }
}

#[component]
fn User(id: u64) -> Element {
    use_title(&format!("User {id}"));
    let navigate = use_navigate();
    html! { <h1>"User " {id}</h1> <button onclick={move |_| navigate.replace("/")}>"Home"</button> }
}

async fn mounted(prefix: &str, href: &str) -> (TestLayout, ClientLink) {
    let link = ClientLink::new(prefix, at(href));
    let t = TestLayout::from_element(provide_client_link(link.clone(), html! { <App /> })).await;
    (t, link)
}

#[tokio::test]
async fn a_click_on_a_link_renders_the_new_page_and_pushes_its_url() {
    let (mut t, link) = mounted("/app/", "/").await;
    assert_eq!(link.take_commands(), [location("/app/", History::Replace, Some("Home"))]);

    // The browser intercepted a click on `<a href="/app/users/3">`.
    link.arrived("/app/users/3", Arrival::Push).unwrap();
    let u = t.settle().expect("the page changes");
    // Another route is another component: the page is unmounted and the new one mounted.
    assert_update(
        &u,
        "",
        json!([
            {"op": "remove", "path": "/children/1"},
            {"op": "add", "path": "/children/1", "value": {"tagName": "h1", "children": ["User 3"]}},
            {"op": "add", "path": "/children/2", "value": {"tagName": "button", "children": ["Home"],
                "eventHandlers": {"onClick": {"target": t.model()["children"][2]["eventHandlers"]["onClick"]["target"]}}}},
        ]),
    );
    assert_eq!(link.take_commands(), [location("/app/users/3", History::Push, Some("User 3"))]);
    assert_eq!(t.text(), "User 7User 3Home");
}

#[tokio::test]
async fn use_navigate_moves_the_page_from_a_handler() {
    let (mut t, link) = mounted("/", "/").await;
    link.take_commands();
    let button = t.find_by_text("User 7").unwrap();
    t.fire(&button, "onclick", json!({"type": "click"})).await.expect("the page changes");
    assert_eq!(t.text(), "User 7User 7Home");
    assert_eq!(link.location(), at("/users/7"));
    assert_eq!(link.take_commands(), [location("/users/7", History::Push, Some("User 7"))]);

    // Replace: back to the home page, in place.
    let home = t.find_by_text("Home").unwrap();
    t.fire(&home, "onclick", json!({"type": "click"})).await.expect("the page changes");
    assert_eq!(t.text(), "User 7Home");
    assert_eq!(link.take_commands(), [location("/", History::Replace, Some("Home"))]);
}

#[tokio::test]
async fn back_and_forward_update_the_page_without_a_command() {
    let (mut t, link) = mounted("/", "/users/1").await;
    link.take_commands();
    link.arrived("/", Arrival::Pop).unwrap();
    t.settle().expect("the page changes");
    assert_eq!(t.text(), "User 7Home");
    // Only the title follows: the URL is where the browser already is.
    assert_eq!(link.take_commands(), [location("/", History::Replace, Some("Home"))]);
    // The same location again changes nothing.
    link.arrived("/", Arrival::Pop).unwrap();
    assert!(t.settle().is_none());
    // A URL outside the app is refused and changes nothing.
    assert!(link.arrived("https://elsewhere.example/", Arrival::Push).is_err());
    assert!(t.settle().is_none());
    assert!(link.take_commands().is_empty());
}

#[tokio::test]
async fn unknown_paths_and_bad_ids_show_the_fallback() {
    let (mut t, link) = mounted("/", "/").await;
    link.arrived("/users/abc", Arrival::Push).unwrap();
    t.settle().expect("the page changes");
    assert_eq!(t.text(), "User 7Not found");
}

#[test]
fn a_deep_link_prerenders_its_page_and_title() {
    let page = prerender_page(App, at("/users/42"));
    assert!(page.html.contains("<h1>User 42</h1>"), "{}", page.html);
    assert_eq!((page.status, page.title.as_deref()), (200, Some("User 42")));
    let missing = prerender_page(App, at("/nowhere"));
    assert_eq!((missing.status, missing.title), (404, None));
}

#[derive(serde::Serialize, serde::Deserialize, Clone, Debug, Default, PartialEq)]
struct Filters {
    q: Option<String>,
    page: u32,
}

#[component]
fn Search() -> Element {
    let (filters, set_filters) = use_query::<Filters>();
    let next = Filters { page: filters.page + 1, ..filters.clone() };
    let typed = set_filters.clone();
    html! {
        <input value={filters.q.clone().unwrap_or_default()}
            oninput={move |e: Event| typed.set(&Filters { q: e.value().map(str::to_owned), page: 0 })} />
        <button onclick={move |_| set_filters.set(&next)}>"Next"</button>
        <p>{filters.q.unwrap_or_default()} " page " {filters.page}</p>
    }
}

#[tokio::test]
async fn the_query_setter_writes_the_url_in_place_and_re_renders() {
    let link = ClientLink::new("/", at("/search?q=rust&page=2"));
    let mut t = TestLayout::from_element(provide_client_link(link.clone(), html! { <Search /> })).await;
    assert_eq!(t.text(), "Nextrust page 2");

    let next = t.find_by_text("Next").unwrap();
    let u = t.fire(&next, "onclick", json!({"type": "click"})).await.expect("re-rendered");
    assert_update(&u, "/children/2", json!([{"op": "replace", "path": "/children/0", "value": "rust page 3"}]));
    assert_eq!(link.take_commands(), [location("/search?q=rust&page=3", History::Replace, None)]);

    // Spaces and non-ASCII are encoded; the value reads back the same.
    let input = t.find_all_by_tag("input").remove(0);
    t.fire(&input, "oninput", json!({"type": "input", "value": "café au lait"})).await.expect("re-rendered");
    assert_eq!(link.location().query, "q=caf%C3%A9+au+lait&page=0");
    assert_eq!(t.text(), "Nextcafé au lait page 0");
}

#[test]
fn a_malformed_query_gives_the_default_and_a_warning() {
    let link = ClientLink::new("/", at("/search?page=many"));
    let (mut t, logged) =
        warnings(|| block_on(TestLayout::from_element(provide_client_link(link.clone(), html! { <Search /> }))));
    assert_eq!(t.text(), "Next page 0");
    assert_eq!(logged.len(), 1, "{logged:?}");
    assert!(logged[0].contains("malformed query `page=many`"), "{logged:?}");
    // Then a good one, from the browser's back button.
    link.arrived("/search?q=x&page=1", Arrival::Pop).unwrap();
    t.settle().expect("re-rendered");
    assert_eq!(t.text(), "Nextx page 1");
}

/// Runs a future to completion on this thread (so that `warnings` sees what it logs).
fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(future)
}

#[component]
fn NoSession() -> Element {
    let navigate = use_navigate();
    html! { <button onclick={move |_| navigate.push("/x")}>"Go"</button> }
}

#[test]
fn without_a_session_navigation_is_refused_with_an_error() {
    let mut t = block_on(TestLayout::new(NoSession));
    let go = t.find_by_text("Go").unwrap();
    let target = go.target("onclick").unwrap();
    let ((), logged) =
        warnings(|| block_on(t.layout().deliver(idom::LayoutEvent::new(target, vec![json!({"type": "click"})]))));
    assert!(logged.iter().any(|m| m.contains("navigation refused")), "{logged:?}");
    assert!(t.settle().is_none());
}
