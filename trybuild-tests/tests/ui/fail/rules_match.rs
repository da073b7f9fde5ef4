use idom::prelude::*;

#[component]
fn Tab(index: u32) -> Element {
    let body = match index {
        0 => {
            let (text, _set_text) = use_state(String::new);
            text
        }
        _ => String::from("other"),
    };
    html! { <p>{body}</p> }
}

fn main() {
    let _ = Layout::new(Tab { index: 0 });
}
