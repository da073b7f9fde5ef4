use idom::prelude::*;

#[component]
async fn Rows() -> Element {
    let count = async {
        let (count, _set_count) = use_state(|| 0);
        count
    }
    .await;
    html! { <p>{count}</p> }
}

fn main() {
    let _ = Layout::new(Rows);
}
