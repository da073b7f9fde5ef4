use idom::prelude::*;

#[component]
fn Inbox(messages: Vec<String>) -> Element {
    if messages.is_empty() {
        return html! { <p>"No messages"</p> };
    }
    let (selected, _set_selected) = use_state(|| 0usize);
    html! { <p>{messages[selected].clone()}</p> }
}

fn main() {
    let _ = Layout::new(Inbox { messages: Vec::new() });
}
