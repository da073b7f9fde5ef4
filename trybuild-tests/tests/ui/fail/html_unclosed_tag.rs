use idom::prelude::*;

fn page() -> Element {
    html! {
        <section>
            <p>"one"</p>
    }
}

fn main() {
    let _ = page();
}
