//! Pages: an app with a nav bar, three pages, a detail page with a typed id, a real 404, and
//! filters kept in the query string.
//!
//! Run `cargo run --example pages` and open the printed address. Links change the page without
//! a reload (the server renders the new page and the browser's URL follows), back and forward
//! work, every page has its own title, and a deep link or a reload prerenders the right page:
//! `/users/3`, `/users?role=admin&q=a`, or `/nowhere` (a 404).

use idom::prelude::*;

/// The people the app lists.
const USERS: &[(u64, &str, &str)] = &[
    (1, "Ada", "admin"),
    (2, "Grace", "staff"),
    (3, "Alan", "staff"),
    (4, "Edsger", "admin"),
    (5, "Barbara", "staff"),
];

#[component]
fn App() -> Element {
    let routes = Routes::new()
        .route("/", |()| html! { <Home /> })
        .route("/users", |()| html! { <UserList /> })
        .route("/users/:id", |id: u64| html! { <UserPage id={id} /> })
        .route("/about", |()| html! { <About /> })
        .fallback(|| html! { <NotFound /> });
    html! { <Router routes={routes} /> }
}

/// The layout around every page: the nav bar, then the page.
fn layout(title: &str, page: Element) -> Element {
    html! {
        <nav>
            <a href="/">"Home"</a> " | " <a href="/users">"Users"</a> " | " <a href="/about">"About"</a>
        </nav>
        <main><h1>{title.to_owned()}</h1>{page}</main>
    }
}

#[component]
fn Home() -> Element {
    use_title("Home");
    layout("Home", html! { <p>"Pick a page above."</p> })
}

#[component]
fn About() -> Element {
    use_title("About");
    layout("About", html! { <p>"An idom app with pages, rendered on the server."</p> })
}

#[component]
fn NotFound() -> Element {
    use_title("Not found");
    let here = use_location();
    layout("Not found", html! { <p class="missing">"Nothing at " {here.path}</p> })
}

/// The list's filters, kept in the URL: `/users?role=admin&q=a`.
#[derive(serde::Serialize, serde::Deserialize, Clone, Default, PartialEq)]
struct Filters {
    #[serde(skip_serializing_if = "Option::is_none")]
    role: Option<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    q: String,
}

#[component]
fn UserList() -> Element {
    use_title("Users");
    let (filters, set_filters) = use_query::<Filters>();
    let matching = USERS.iter().filter(|(_, name, role)| {
        filters.role.as_deref().is_none_or(|r| r == *role) && name.to_lowercase().contains(&filters.q.to_lowercase())
    });
    let rows = matching.map(|(id, name, _)| {
        html! { <li key={*id}><a href={format!("/users/{id}")}>{*name}</a></li> }
    });
    let role = |r: Option<&str>| {
        let (set_filters, filters) = (set_filters.clone(), filters.clone());
        let r = r.map(str::to_owned);
        move |_| set_filters.set(&Filters { role: r.clone(), ..filters.clone() })
    };
    let search = {
        let (set_filters, filters) = (set_filters.clone(), filters.clone());
        move |e: Event| set_filters.set(&Filters { q: e.value().unwrap_or_default().to_owned(), ..filters.clone() })
    };
    layout(
        "Users",
        html! {
            <p>
                <button class="all" onclick={role(None)}>"Everyone"</button>
                <button class="admins" onclick={role(Some("admin"))}>"Admins"</button>
                <button class="staff" onclick={role(Some("staff"))}>"Staff"</button>
                <input class="search" placeholder="Search" value={filters.q.clone()} oninput={search} />
            </p>
            <ul class="users">{rows}</ul>
        },
    )
}

#[component]
fn UserPage(id: u64) -> Element {
    let navigate = use_navigate();
    let status = idom::router::use_status();
    let user = USERS.iter().find(|(i, _, _)| *i == id);
    use_title(user.map_or("Not found", |(_, name, _)| name));
    let Some((_, name, role)) = user else {
        // A well-formed id of nobody: the 404 page, with its status.
        status.set(404);
        return html! { <NotFound /> };
    };
    layout(
        name,
        html! {
            <p class="role">"Role: " {*role}</p>
            <button class="back" onclick={move |_| navigate.push("/users")}>"All users"</button>
        },
    )
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::args().nth(1).unwrap_or_else(|| "127.0.0.1:5000".to_owned());
    PerClientStateServer::new(App).on_listening(|addr| println!("idom: open http://{addr}/")).run(addr).await
}
