use idom::prelude::*;

#[component]
fn Profile(name: Option<String>) -> Element {
    let Some(name) = name else {
        let (_retries, _set_retries) = use_state(|| 0);
        return html! { <p>"Anonymous"</p> };
    };
    html! { <p>{name}</p> }
}

fn main() {
    let _ = Layout::new(Profile { name: None });
}
