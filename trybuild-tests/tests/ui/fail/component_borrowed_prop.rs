use idom::prelude::*;

#[component]
fn Label(text: &str) -> Element {
    html! { <span>{text}</span> }
}

fn main() {}
