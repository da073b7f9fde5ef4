use std::sync::LazyLock;

use idom::prelude::*;

static DATABASE: LazyLock<Context<&'static str>> = LazyLock::new(|| create_context("main"));

async fn load_rows(database: &'static str) -> Vec<String> {
    vec![database.to_owned()]
}

#[component]
async fn Rows() -> Element {
    let rows = load_rows(use_context(&DATABASE)).await;
    html! { <p>{rows.len()} " rows"</p> }
}

fn main() {
    let _ = Layout::new(Rows);
}
