//! The benchmark table (js-framework-benchmark, keyed) as a live page: create, update, swap,
//! select and remove rows, and watch how little goes over the wire.
//!
//! Run `cargo run --release --example table` and open the printed address.

mod app;

use idom::prelude::*;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::args().nth(1).unwrap_or_else(|| "127.0.0.1:5000".to_owned());
    PerClientStateServer::new(app::Table)
        .title("idom table")
        .head("<style>.danger { background: #fdd } td { padding: 2px 8px } a { cursor: pointer }</style>")
        .on_listening(|addr| println!("idom: open http://{addr}/"))
        .run(addr)
        .await
}
