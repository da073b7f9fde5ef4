use idom::prelude::*;

fn page() -> Element {
    html! {
        <p>"one"</p>
        </p>
    }
}

fn main() {
    let _ = page();
}
