use idom::prelude::*;

#[component(fallback = html! { <p>"Loading"</p> })]
fn Rows() -> Element {
    html! { <p>"rows"</p> }
}

fn main() {
    let _ = Layout::new(Rows);
}
