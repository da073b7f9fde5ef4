//! The counter: a button that counts its clicks, each browser tab with its own count.
//!
//! Run `cargo run --example counter` and open the printed address. The state lives on the
//! server; the page only shows it and sends clicks back.

use idom::prelude::*;

/// A custom hook: a count and a function that increments it.
#[hook]
fn use_counter() -> (i32, impl Fn() + Clone) {
    let (count, set_count) = use_state(|| 0);
    (count, move || set_count.update(|c| c + 1))
}

#[component]
fn ClickCount() -> Element {
    let (count, increment) = use_counter();
    html! { <button onclick={move |_| increment()}>"Click count: " {count}</button> }
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::args().nth(1).unwrap_or_else(|| "127.0.0.1:5000".to_owned());
    PerClientStateServer::new(ClickCount).on_listening(|addr| println!("idom: open http://{addr}/")).run(addr).await
}
