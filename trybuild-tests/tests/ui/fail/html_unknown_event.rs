use idom::prelude::*;

fn page() -> Element {
    html! {
        <button onclik={|_| println!("clicked")}>"Save"</button>
    }
}

fn main() {
    let _ = page();
}
