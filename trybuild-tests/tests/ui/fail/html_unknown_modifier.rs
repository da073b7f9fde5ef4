use idom::prelude::*;

fn page() -> Element {
    html! {
        <form onsubmit|prevent_defualt={|_| ()}></form>
    }
}

fn main() {
    let _ = page();
}
