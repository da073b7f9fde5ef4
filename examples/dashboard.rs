//! A dashboard whose data loads while the page stays live: an async component queries "rows"
//! (with simulated latency) and shows a fallback meanwhile; typing in the filter restarts the
//! query, and only the rows of the latest filter are ever shown; beside it, a panel built on
//! `use_resource` sums up the same filter.
//!
//! Run `cargo run --example dashboard` and open the printed address. The page is prerendered
//! within the server's prerender budget (100 ms); the simulated query takes longer, so the first
//! paint has the fallback and the rows follow over the websocket. The filter input stays
//! responsive meanwhile.

use std::convert::Infallible;
use std::time::Duration;

use idom::prelude::*;

/// One row of the table.
#[derive(Clone, Copy, PartialEq)]
struct City {
    name: &'static str,
    country: &'static str,
    /// Thousands of inhabitants.
    population: u32,
}

const CITIES: &[City] = &[
    City { name: "Amsterdam", country: "Netherlands", population: 931 },
    City { name: "Athens", country: "Greece", population: 643 },
    City { name: "Barcelona", country: "Spain", population: 1_660 },
    City { name: "Berlin", country: "Germany", population: 3_878 },
    City { name: "Bordeaux", country: "France", population: 261 },
    City { name: "Brussels", country: "Belgium", population: 1_222 },
    City { name: "Budapest", country: "Hungary", population: 1_686 },
    City { name: "Copenhagen", country: "Denmark", population: 660 },
    City { name: "Dublin", country: "Ireland", population: 592 },
    City { name: "Hamburg", country: "Germany", population: 1_892 },
    City { name: "Helsinki", country: "Finland", population: 674 },
    City { name: "Lisbon", country: "Portugal", population: 548 },
    City { name: "Lyon", country: "France", population: 522 },
    City { name: "Madrid", country: "Spain", population: 3_416 },
    City { name: "Milan", country: "Italy", population: 1_371 },
    City { name: "Munich", country: "Germany", population: 1_512 },
    City { name: "Oslo", country: "Norway", population: 717 },
    City { name: "Paris", country: "France", population: 2_103 },
    City { name: "Prague", country: "Czechia", population: 1_357 },
    City { name: "Rome", country: "Italy", population: 2_749 },
    City { name: "Stockholm", country: "Sweden", population: 984 },
    City { name: "Vienna", country: "Austria", population: 2_005 },
    City { name: "Warsaw", country: "Poland", population: 1_862 },
    City { name: "Zurich", country: "Switzerland", population: 436 },
];

/// The cities whose name or country contains `filter` (ignoring case).
fn matching(filter: &str) -> impl Iterator<Item = City> + use<'_> {
    let filter = filter.to_lowercase();
    CITIES
        .iter()
        .copied()
        .filter(move |c| c.name.to_lowercase().contains(&filter) || c.country.to_lowercase().contains(&filter))
}

/// The simulated database query. A broader filter matches more rows and takes longer: 500 ms
/// for none, 300 ms for one letter, down towards 100 ms. So while someone types, an earlier and
/// broader query would finish after a later one, if it were not cancelled.
async fn query(filter: &str) -> Vec<City> {
    let latency = 100 + 400 / (1 + filter.chars().count() as u64);
    tokio::time::sleep(Duration::from_millis(latency)).await;
    matching(filter).collect()
}

/// The rows of the filter: the component renders up to `query(..).await` and finishes when the
/// query does. A new filter (a new prop) restarts it; the unfinished query is dropped.
#[component(fallback = html! { <p class="loading">"Loading rows for \u{201c}" {filter.clone()} "\u{201d}\u{2026}"</p> })]
async fn Rows(filter: String) -> Element {
    let rows = query(&filter).await;
    if rows.is_empty() {
        return html! { <p class="empty" data-filter={filter}>"No city matches."</p> };
    }
    html! {
        <table id="rows" data-filter={filter}>
            <thead><tr><th>"City"</th><th>"Country"</th><th>"Inhabitants (k)"</th></tr></thead>
            <tbody>
                for city in rows {
                    <tr key={city.name}><td>{city.name}</td><td>{city.country}</td><td>{city.population}</td></tr>
                }
            </tbody>
        </table>
    }
}

/// What the summary panel shows.
#[derive(Clone, PartialEq)]
struct Summary {
    cities: usize,
    countries: usize,
    population: u32,
}

/// The simulated aggregate query behind the summary panel (a steady 200 ms).
async fn summarize(filter: String) -> Result<Summary, Infallible> {
    tokio::time::sleep(Duration::from_millis(200)).await;
    let rows: Vec<City> = matching(&filter).collect();
    let mut countries: Vec<&str> = rows.iter().map(|c| c.country).collect();
    countries.sort_unstable();
    countries.dedup();
    Ok(Summary { cities: rows.len(), countries: countries.len(), population: rows.iter().map(|c| c.population).sum() })
}

/// A sync component that loads with `use_resource`: loading until the aggregate for the current
/// filter arrives; a new filter makes it loading again and cancels the stale query.
#[component]
fn SummaryPanel(filter: String) -> Element {
    let summary = use_resource(filter.clone(), summarize(filter));
    match summary {
        Resource::Loading => html! { <p id="summary" class="loading">"Summing up\u{2026}"</p> },
        Resource::Ready(s) => html! {
            <dl id="summary">
                <dt>"Cities"</dt><dd>{s.cities}</dd>
                <dt>"Countries"</dt><dd>{s.countries}</dd>
                <dt>"Inhabitants (k)"</dt><dd>{s.population}</dd>
            </dl>
        },
        Resource::Failed(never) => match never {},
    }
}

#[component]
fn Dashboard() -> Element {
    let (filter, set_filter) = use_state(String::new);
    html! {
        <main>
            <h1>"European cities"</h1>
            <label>
                "Filter: "
                <input id="filter" placeholder="city or country" value={filter.clone()}
                    oninput={move |e: Event| set_filter.set(e.value().unwrap_or_default().to_owned())} />
            </label>
            <section id="table"><Rows filter={filter.clone()} /></section>
            <aside><SummaryPanel filter={filter} /></aside>
        </main>
    }
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::args().nth(1).unwrap_or_else(|| "127.0.0.1:5000".to_owned());
    PerClientStateServer::new(Dashboard).on_listening(|addr| println!("idom: open http://{addr}/")).run(addr).await
}
