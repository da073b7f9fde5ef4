use idom::prelude::*;

#[hook]
fn use_parsed(text: String) -> Option<i32> {
    let value: i32 = text.parse().ok()?;
    let (doubled, _set) = use_state(move || value * 2);
    Some(doubled)
}

#[component]
fn Number(text: String) -> Element {
    let parsed = use_parsed(text);
    html! { <p>{parsed}</p> }
}

fn main() {
    let _ = Layout::new(Number { text: String::new() });
}
