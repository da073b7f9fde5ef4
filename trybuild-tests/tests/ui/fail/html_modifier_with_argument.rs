use idom::prelude::*;

fn page() -> Element {
    html! {
        <form onsubmit|prevent_default(true)={|_| ()}></form>
    }
}

fn main() {
    let _ = page();
}
