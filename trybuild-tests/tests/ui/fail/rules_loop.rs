use idom::prelude::*;

#[component]
fn Checklist(items: Vec<String>) -> Element {
    let mut rows = Vec::new();
    for item in items {
        let (done, _set_done) = use_state(|| false);
        rows.push(html! { <li>{item} {done}</li> });
    }
    html! { <ul>{rows}</ul> }
}

fn main() {
    let _ = Layout::new(Checklist { items: Vec::new() });
}
