use idom::prelude::*;

#[component]
fn Greeting(show_count: bool) -> Element {
    if show_count {
        let (count, _set_count) = use_state(|| 0);
        return html! { <p>{count}</p> };
    }
    html! { <p>"Hello"</p> }
}

fn main() {
    let _ = Layout::new(Greeting { show_count: true });
}
