use idom::prelude::*;

fn page() -> Element {
    html! {
        <button onclick={|| println!("clicked")}>"Save"</button>
    }
}

fn main() {
    let _ = page();
}
