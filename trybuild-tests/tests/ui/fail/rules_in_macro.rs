use idom::prelude::*;

#[component]
fn Debug() -> Element {
    println!("count = {}", use_state(|| 0).0);
    html! { <p>"see the log"</p> }
}

fn main() {
    let _ = Layout::new(Debug);
}
