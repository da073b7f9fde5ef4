use idom::prelude::*;

struct Page;

impl Page {
    #[component]
    fn Header(&self) -> Element {
        html! { <h1>"Title"</h1> }
    }
}

fn main() {}
