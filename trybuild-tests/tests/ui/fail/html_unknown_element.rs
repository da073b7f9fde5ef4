use idom::prelude::*;

fn page() -> Element {
    html! {
        <buton>"Save"</buton>
    }
}

fn main() {
    let _ = page();
}
