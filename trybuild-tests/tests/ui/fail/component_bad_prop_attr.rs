use idom::prelude::*;

#[component]
fn Header(#[prop(into)] title: String) -> Element {
    html! { <h1>{title}</h1> }
}

fn main() {}
