//! Uploads: pick files, watch their progress, then see each file's size and SHA-256.
//!
//! Run `cargo run --example upload` and open the printed address. The files go to the server by
//! HTTP `POST`, one single-use URL each, never through the websocket; the `onchange` handler
//! reads each one as a stream of chunks, hashing as the bytes arrive and showing the progress. A
//! file over the limit (here 10 MiB, the default) is refused before it is sent, with a message,
//! and the counter beside it shows that the session keeps working.

use std::fmt::Write as _;

use idom::prelude::*;
use idom::upload::Upload;
use sha2::{Digest as _, Sha256};

/// What the page shows for one file.
#[derive(Clone, PartialEq)]
enum FileState {
    Receiving { received: u64 },
    Done { sha256: String },
    Failed(String),
}

#[component]
fn Uploader() -> Element {
    let (files, set_files) = use_state(Vec::<(String, u64, FileState)>::new);
    let (clicks, set_clicks) = use_state(|| 0);
    let on_change = move |e: Event| {
        let uploads = e.files().to_vec();
        set_files.set(
            uploads.iter().map(|u| (u.name().to_owned(), u.size(), FileState::Receiving { received: 0 })).collect(),
        );
        let set_files = set_files.clone();
        async move {
            for (i, upload) in uploads.into_iter().enumerate() {
                let state = hash(&upload, |received| {
                    set_files.update(|files| with_state(files, i, FileState::Receiving { received }))
                })
                .await;
                set_files.update(|files| with_state(files, i, state));
            }
        }
    };
    let rows = files.iter().map(|(name, size, state)| {
        let status = match state {
            FileState::Receiving { received } => format!("receiving: {received} of {size} bytes"),
            FileState::Done { sha256 } => format!("{size} bytes, sha256 {sha256}"),
            FileState::Failed(why) => format!("refused: {why}"),
        };
        html! { <li><span class="name">{name.clone()}</span> ": " <span class="status">{status}</span></li> }
    });
    html! {
        <h1>"Upload"</h1>
        <input type="file" multiple onchange={on_change} />
        <ul class="files">{rows}</ul>
        <button class="clicks" onclick={move |_| set_clicks.update(|c| c + 1)}>"Clicks: " {clicks}</button>
    }
}

/// Reads `upload` to its end, hashing it and reporting the bytes received after each chunk.
async fn hash(upload: &Upload, progress: impl Fn(u64)) -> FileState {
    let mut hasher = Sha256::new();
    while let Some(chunk) = upload.chunk().await {
        match chunk {
            Ok(bytes) => hasher.update(&bytes),
            Err(e) => return FileState::Failed(e.to_string()),
        }
        progress(upload.received());
    }
    let mut hex = String::with_capacity(64);
    for byte in hasher.finalize() {
        let _ = write!(hex, "{byte:02x}");
    }
    FileState::Done { sha256: hex }
}

fn with_state(files: &[(String, u64, FileState)], i: usize, state: FileState) -> Vec<(String, u64, FileState)> {
    let mut files = files.to_vec();
    if let Some(file) = files.get_mut(i) {
        file.2 = state;
    }
    files
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::args().nth(1).unwrap_or_else(|| "127.0.0.1:5000".to_owned());
    PerClientStateServer::new(Uploader)
        .title("idom uploads")
        .on_listening(|addr| println!("idom: open http://{addr}/"))
        .run(addr)
        .await
}
