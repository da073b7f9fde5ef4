use std::rc::Rc;

use idom::prelude::*;

#[component]
async fn Rows() -> Element {
    let shared = Rc::new(1);
    tokio::task::yield_now().await;
    html! { <p>{*shared}</p> }
}

fn main() {
    let _ = Layout::new(Rows);
}
