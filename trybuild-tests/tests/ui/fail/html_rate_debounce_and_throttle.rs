use idom::prelude::*;

fn search() -> Element {
    html! {
        <input oninput|debounce(300)|prevent_default|throttle(100)={|_| ()} />
    }
}

fn main() {
    let _ = search();
}
