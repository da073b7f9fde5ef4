//! A session that survives its process: one of several idom processes behind nginx, with its
//! persisted state in Redis.
//!
//! Run three of them and nginx in front with `examples/cluster/run-local.sh` (it needs
//! `redis-server` and `nginx`, e.g. Debian's `redis-server` and `nginx-light`), open the address
//! it prints, write a draft and count a few clicks, then kill the process that served you (its
//! port is on the page): the page reconnects to another process, which mounts the app afresh and
//! restores the draft and the count. The "not persisted" counter starts again from zero: only
//! `use_persisted_state` survives a move. See docs/deploy.md.
//!
//! Alone: `cargo run --example cluster -- 127.0.0.1:5001 redis://127.0.0.1:6379/`. Without a
//! Redis URL it runs as one process, with the state in memory.
//!
//! With `shared` after the Redis URL it serves one shared counter instead, the same for every
//! browser on every process: one process owns the view (a lease in Redis), the others follow its
//! updates on a Redis Stream and pass their clients' clicks to it. Kill the owner, and another
//! takes over within a few seconds with the count it persisted.

use std::sync::OnceLock;

use idom::prelude::*;

/// The port this process listens on, for the page to show.
static PORT: OnceLock<u16> = OnceLock::new();

#[component]
fn Notes() -> Element {
    let port = PORT.get().copied().unwrap_or(0);
    let (draft, set_draft) = use_persisted_state("draft", String::new);
    let (count, set_count) = use_persisted_state("count", || 0u32);
    let (volatile, set_volatile) = use_state(|| 0u32);
    html! {
        <h1>"Notes"</h1>
        <p class="served">"Served by the process on port " {port} " (pid " {std::process::id()} ")"</p>
        <textarea class="draft" value={draft.clone()}
            oninput={move |e: Event| set_draft.set(e.value().unwrap_or_default().to_owned())} />
        <p class="chars">{draft.chars().count()} " characters"</p>
        <button class="count" onclick={move |_| set_count.update(|c| c + 1)}>"Persisted: " {count}</button>
        <button class="volatile" onclick={move |_| set_volatile.update(|c| c + 1)}>"Not persisted: " {volatile}</button>
    }
}

/// One counter for everyone, on every process; its count survives the owner's death.
#[component]
fn SharedCounter() -> Element {
    let (count, set_count) = use_persisted_state("count", || 0u64);
    html! {
        <h1>"Shared counter"</h1>
        <button class="count" onclick={move |_| set_count.update(|c| c + 1)}>{count}</button>
    }
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let addr = args.next().unwrap_or_else(|| "127.0.0.1:5000".to_owned());
    let redis = args.next();
    let server = match args.next().as_deref() {
        Some("shared") => SharedClientStateServer::new(SharedCounter),
        _ => PerClientStateServer::new(Notes),
    };
    let server = server.title("idom cluster");
    let server = match redis {
        Some(url) => server.redis(&url),
        None => server,
    };
    server
        .on_listening(|addr| {
            let _ = PORT.set(addr.port());
            println!("idom: open http://{addr}/");
        })
        .run(addr)
        .await
}
