//! Pure components: plain functions that return markup, composed like any other function.
//!
//! Run `cargo run --example pure` and open the printed address.

use idom::prelude::*;

/// A pure component: no hooks, just a function of its arguments.
fn paragraphs(texts: &[&str]) -> Element {
    html! { <div> for text in texts { <p>{*text}</p> } </div> }
}

fn card(title: &str, body: Element) -> Element {
    html! {
        <section class="card" style="border: 1px solid #ccc; padding: 8px; margin: 8px">
            <h2>{title.to_owned()}</h2>
            {body}
        </section>
    }
}

#[component]
fn App() -> Element {
    html! {
        <main>
            {card("Paragraphs", paragraphs(&["Hello", "from", "pure components"]))}
            {card("Builders", idom::html::ul().child((1..=3).map(|i| idom::html::li().child(i))).into())}
        </main>
    }
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::args().nth(1).unwrap_or_else(|| "127.0.0.1:5000".to_owned());
    PerClientStateServer::new(App)
        .title("Pure components")
        .on_listening(|addr| println!("idom: open http://{addr}/"))
        .run(addr)
        .await
}
