use idom::prelude::*;

#[component]
fn Row(id: u32, label: String) -> Element {
    html! { <li>{id} {label}</li> }
}

fn page() -> Element {
    html! { <Row idx={1} label="one" /> }
}

fn main() {
    let _ = page();
}
