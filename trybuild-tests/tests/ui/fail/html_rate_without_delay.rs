use idom::prelude::*;

fn search() -> Element {
    html! {
        <input oninput|debounce={|_| ()} />
    }
}

fn main() {
    let _ = search();
}
