use idom::prelude::*;

fn page() -> Element {
    html! {
        <div onscroll|throttle(0.5)={|_| ()}></div>
    }
}

fn main() {
    let _ = page();
}
