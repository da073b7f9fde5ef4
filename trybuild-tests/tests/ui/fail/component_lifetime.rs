use idom::prelude::*;

#[component]
fn Label<'a>(text: &'a str) -> Element {
    html! { <span>{text}</span> }
}

fn main() {}
