use idom::prelude::*;

#[hook]
fn use_optional_state(enabled: bool) -> Option<i32> {
    if enabled {
        Some(use_state(|| 0).0)
    } else {
        None
    }
}

#[component]
fn Widget() -> Element {
    let value = use_optional_state(true);
    html! { <p>{value}</p> }
}

fn main() {
    let _ = Layout::new(Widget);
}
