use idom::prelude::*;

fn search(delay: u64) -> Element {
    html! {
        <input oninput|debounce({delay})={|_| ()} />
    }
}

fn main() {
    let _ = search(300);
}
