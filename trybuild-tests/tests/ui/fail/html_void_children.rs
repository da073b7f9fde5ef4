use idom::prelude::*;

fn page() -> Element {
    html! {
        <input type="checkbox">"Remember me"</input>
    }
}

fn main() {
    let _ = page();
}
