use idom::prelude::*;

#[component]
fn Panel() -> Element {
    fn open_state() -> bool {
        use_state(|| false).0
    }
    html! { <p>{open_state().to_string()}</p> }
}

fn main() {
    let _ = Layout::new(Panel);
}
