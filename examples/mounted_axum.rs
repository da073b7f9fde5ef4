//! Mounting into an axum application: the app's own routes beside idom nested under `/app`.
//!
//! Run `cargo run --example mounted_axum` and open the printed address.

use axum::Router;
use axum::routing::get;
use idom::prelude::*;

#[component]
fn Greeter() -> Element {
    let (name, set_name) = use_state(String::new);
    html! {
        <div>
            <input placeholder="Your name" value={name.clone()} oninput={move |e: Event| set_name.set(e.value().unwrap_or_default().to_owned())} />
            <p>"Hello, " {if name.is_empty() { "stranger".to_owned() } else { name }} "!"</p>
        </div>
    }
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::args().nth(1).unwrap_or_else(|| "127.0.0.1:5000".to_owned());
    let app = Router::new()
        .route("/", get(|| async { "The axum app. The idom page is at /app/" }))
        .nest_service("/app", PerClientStateServer::new(Greeter).prefix("/app").into_service());
    let listener = tokio::net::TcpListener::bind(addr).await?;
    println!("idom: serving the axum app at http://{}/ with idom at /app/", listener.local_addr()?);
    axum::serve(listener, app).await
}
