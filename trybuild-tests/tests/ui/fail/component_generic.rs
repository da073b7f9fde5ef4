use idom::prelude::*;

#[component]
fn List<T: ToString>(items: Vec<T>) -> Element {
    html! { <ul>for item in items { <li>{item.to_string()}</li> }</ul> }
}

fn main() {}
