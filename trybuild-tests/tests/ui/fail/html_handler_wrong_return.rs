use idom::prelude::*;

fn page() -> Element {
    html! {
        <button onclick={|_| 42}>"Save"</button>
    }
}

fn main() {
    let _ = page();
}
