use idom::prelude::*;

async fn load_rows(filter: String) -> Vec<String> {
    vec![filter]
}

#[component(fallback = html! { <p>"Loading"</p> })]
async fn Rows(filter: String) -> Element {
    let rows = load_rows(filter).await;
    let (selected, _set_selected) = use_state(|| 0usize);
    html! { <p>{rows.len()} " rows, " {selected} " selected"</p> }
}

fn main() {
    let _ = Layout::new(Rows { filter: String::new() });
}
