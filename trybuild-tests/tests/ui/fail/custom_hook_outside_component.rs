use idom::prelude::*;

#[hook]
fn use_toggle() -> (bool, idom::UseStateSetter<bool>) {
    use_state(|| false)
}

fn page() -> Element {
    let (on, set_on) = use_toggle();
    html! { <button onclick={move |_| set_on.set(!on)}>{on.to_string()}</button> }
}

fn main() {
    let _ = page();
}
