use idom::prelude::*;

#[component]
async fn Rows() -> String {
    tokio::task::yield_now().await;
    String::from("rows")
}

fn main() {
    let _ = Layout::new(Rows);
}
