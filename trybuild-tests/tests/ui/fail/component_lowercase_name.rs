use idom::prelude::*;

#[component]
fn click_count() -> Element {
    html! { <p>"0"</p> }
}

fn main() {}
