use idom::prelude::*;

#[component]
fn Badge(count: u32) -> Element {
    html! { <span>{count}</span> }
}

fn page() -> Element {
    html! { <Badge count=3>"new"</Badge> }
}

fn main() {
    let _ = page();
}
