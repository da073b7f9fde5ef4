use idom::prelude::*;

#[component]
async fn Profile() -> Element {
    html! { <p>"loading"</p> }
}

fn main() {}
