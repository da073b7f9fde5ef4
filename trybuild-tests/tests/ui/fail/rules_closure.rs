use idom::prelude::*;

#[component]
fn Clicker() -> Element {
    let on_click = move |_: Event| {
        let (_clicks, set_clicks) = use_state(|| 0);
        set_clicks.set(1);
    };
    html! { <button onclick={on_click}>"Click"</button> }
}

fn main() {
    let _ = Layout::new(Clicker);
}
