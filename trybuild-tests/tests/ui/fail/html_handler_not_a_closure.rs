use idom::prelude::*;

fn page() -> Element {
    html! {
        <button onclick="save()">"Save"</button>
    }
}

fn main() {
    let _ = page();
}
