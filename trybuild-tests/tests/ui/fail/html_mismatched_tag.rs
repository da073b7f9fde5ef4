use idom::prelude::*;

fn page() -> Element {
    html! {
        <div>
            <p>"text"</span>
        </div>
    }
}

fn main() {
    let _ = page();
}
