use idom::prelude::*;

fn page() -> Element {
    html! {
        <div
            class="card"
            id="main"
            class="wide"
        ></div>
    }
}

fn main() {
    let _ = page();
}
