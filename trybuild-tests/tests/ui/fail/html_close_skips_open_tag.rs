use idom::prelude::*;

fn page() -> Element {
    html! {
        <ul>
            <li>"one"
        </ul>
    }
}

fn main() {
    let _ = page();
}
