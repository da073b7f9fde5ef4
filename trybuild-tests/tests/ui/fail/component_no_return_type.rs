use idom::prelude::*;

#[component]
fn Header() {
    let _ = html! { <h1>"Title"</h1> };
}

fn main() {}
