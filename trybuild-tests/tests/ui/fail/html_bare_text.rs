use idom::prelude::*;

fn page(name: &str) -> Element {
    html! {
        <p>Hello {name}</p>
    }
}

fn main() {
    let _ = page("you");
}
