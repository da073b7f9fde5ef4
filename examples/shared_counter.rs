//! A shared counter: one state for everyone. Open the printed address in two browsers and
//! click in one: both show the same count.
//!
//! Run `cargo run --example shared_counter`.

use idom::prelude::*;

#[component]
fn SharedCount() -> Element {
    let (count, set_count) = use_state(|| 0);
    html! {
        <div>
            <p>"Everyone sees: " {count}</p>
            <button onclick={move |_| set_count.update(|c| c + 1)}>"Add one"</button>
        </div>
    }
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::args().nth(1).unwrap_or_else(|| "127.0.0.1:5000".to_owned());
    SharedClientStateServer::new(SharedCount)
        .title("Shared counter")
        .on_listening(|addr| println!("idom: open http://{addr}/"))
        .run(addr)
        .await
}
