use idom::prelude::*;

fn search() -> Element {
    html! {
        <input oninput|throttle(100)|throttle(200)={|_| ()} />
    }
}

fn main() {
    let _ = search();
}
