use idom::prelude::*;

fn page() -> Element {
    html! {
        <p>"first line" <br> "second line"</p>
    }
}

fn main() {
    let _ = page();
}
