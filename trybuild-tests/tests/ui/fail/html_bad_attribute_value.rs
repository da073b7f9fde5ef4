use idom::prelude::*;

fn page(classes: Vec<String>) -> Element {
    html! {
        <div class={classes}></div>
    }
}

fn main() {
    let _ = page(Vec::new());
}
