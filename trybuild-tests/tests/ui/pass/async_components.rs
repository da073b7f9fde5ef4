//! Async components with their own fallback or a Suspense's, returning an element or a result,
//! with hooks before the first `.await`; `use_resource` in a sync component.

use std::time::Duration;

use idom::prelude::*;

async fn load(filter: String) -> Result<Vec<String>, String> {
    tokio::time::sleep(Duration::from_millis(5)).await;
    Ok(["apple", "banana", "cherry"].into_iter().filter(|r| r.contains(&*filter)).map(String::from).collect())
}

#[component(fallback = html! { <p class="loading">"Loading rows for " {filter.clone()}</p> })]
async fn Rows(filter: String) -> Result<Element, String> {
    let (selected, set_selected) = use_state(|| None::<usize>);
    let rows = load(filter).await?;
    Ok(html! {
        <ul>
            for (i, row) in rows.into_iter().enumerate() {
                <li key={i} onclick={let set = set_selected.clone(); move |_| set.set(Some(i))}>
                    {row} if selected == Some(i) { " (selected)" }
                </li>
            }
        </ul>
    })
}

#[component]
async fn Count(filter: String) -> Element {
    let count = load(filter).await.map(|rows| rows.len()).unwrap_or_default();
    html! { <p>{count} " rows"</p> }
}

#[component]
fn Total(filter: String) -> Element {
    match use_resource(filter.clone(), load(filter)) {
        Resource::Loading => html! { <p>"counting"</p> },
        Resource::Ready(rows) => html! { <p>{rows.len()} " in all"</p> },
        Resource::Failed(error) => html! { <p>{error}</p> },
    }
}

#[component]
fn Page() -> Element {
    let waiting = html! { <p>"..."</p> };
    html! {
        <main>
            <Rows filter="an" />
            <Suspense fallback={waiting}><Count filter="e" /></Suspense>
            <Total filter="" />
        </main>
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let mut layout = Layout::new(Page);
    layout.render().await;
    let loading = layout.model();
    assert_eq!(loading["children"][0]["children"][0]["children"][0], "Loading rows for an", "{loading}");
    assert_eq!(loading["children"][0]["children"][1]["children"][0], "...", "{loading}");
    while layout.model()["children"][0]["children"][2]["children"][0] != "3 in all" {
        layout.render().await;
    }
    let done = layout.model();
    assert_eq!(done["children"][0]["children"][0]["children"][0]["children"][0], "banana", "{done}");
    assert_eq!(done["children"][0]["children"][1]["children"][0], "2 rows", "{done}");
    let html = idom::render_to_html_within(Page, Duration::from_secs(5)).await;
    assert!(html.contains("<li>banana</li>") && html.contains("2 rows"), "{html}");
}
