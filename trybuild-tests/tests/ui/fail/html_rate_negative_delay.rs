use idom::prelude::*;

fn search() -> Element {
    html! {
        <input oninput|debounce(-300)={|_| ()} />
    }
}

fn main() {
    let _ = search();
}
