//! Mounting into an existing hyper server: the app's own routes, and idom under `/app/`.
//!
//! Run `cargo run --example mounted_hyper` and open the printed address.

use std::convert::Infallible;

use bytes::Bytes;
use http_body_util::Full;
use hyper::{Request, Response};
use hyper_util::rt::{TokioExecutor, TokioIo};
use idom::prelude::*;

#[component]
fn Widget() -> Element {
    let (on, set_on) = use_state(|| false);
    html! { <button onclick={move |_| set_on.update(|v| !v)}>{if on { "On" } else { "Off" }}</button> }
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::args().nth(1).unwrap_or_else(|| "127.0.0.1:5000".to_owned());
    let idom = PerClientStateServer::new(Widget).prefix("/app").into_service();
    let listener = tokio::net::TcpListener::bind(addr).await?;
    println!("idom: serving the host app at http://{}/ with idom at /app/", listener.local_addr()?);
    loop {
        let (stream, _) = listener.accept().await?;
        let idom = idom.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |req: Request<hyper::body::Incoming>| {
                let idom = idom.clone();
                async move {
                    if req.uri().path().starts_with("/app") {
                        Ok::<_, Infallible>(idom.handle(req).await)
                    } else {
                        Ok(Response::new(Full::new(Bytes::from_static(b"The host app. The widget is at /app/"))))
                    }
                }
            });
            let builder = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
            let _ = builder.serve_connection_with_upgrades(TokioIo::new(stream), service).await;
        });
    }
}
