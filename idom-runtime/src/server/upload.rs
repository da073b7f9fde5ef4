//! Uploads, the server's half: single-use URLs for announced files, and the `POST` that feeds
//! each file's bytes to its [`Upload`] (the core's half, in `upload.rs`).
//!
//! An `upload-start` from a session is answered at once: every file within
//! [`ServerConfig::max_upload_size`](super::ServerConfig::max_upload_size) gets a random,
//! single-use URL `{prefix}_idom/upload/<token>`, every other file an [`Upload`] that tells its
//! component why it was refused, and the `onchange` event is delivered with all of them. A URL
//! must be used within [`START_WITHIN`]; a `POST` to it streams the body into the upload, through
//! the upload's bounded buffer, so the server reads the request only as fast as the handler reads
//! the file. Answers: 200 when the whole file arrived; 404 for an unknown or used URL; 410 when
//! the component or session that asked has gone; 413 over the announced size or the limit; 400
//! when the body ended early or failed; 408 when it stalled for the idle timeout.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use bytes::Buf as _;
use http::{Response, StatusCode, header};
use http_body_util::BodyExt as _;

use super::IdomService;
use super::http::{Body, plain};
use super::session::random_id;
use crate::hooks::ClientCommand;
use crate::protocol::{FileInfo, LayoutEvent};
use crate::sync::OrPoisoned as _;
use crate::upload::{FeedError, Upload, UploadError, UploadFeed};

/// The most files one `upload-start` may announce.
pub const MAX_FILES: usize = 32;

/// How long an upload URL waits for its `POST`.
pub const START_WITHIN: Duration = Duration::from_secs(60);

/// Upload URLs waiting for their `POST`, over all sessions; beyond, new files are refused.
const MAX_PENDING: usize = 4096;

/// The upload URLs of one service that no `POST` has used yet.
#[derive(Default)]
pub(super) struct Uploads {
    pending: Mutex<HashMap<String, Pending>>,
}

struct Pending {
    feed: UploadFeed,
    expires: Instant,
    /// The session that asked, and whether it has ended (its URLs answer 410 until they expire).
    session: String,
    gone: bool,
}

impl Uploads {
    /// Forgets expired URLs (their readers learn it) and those nobody reads any more.
    fn purge(pending: &mut HashMap<String, Pending>) {
        let now = Instant::now();
        pending.retain(|_, p| {
            let keep = p.expires > now && (p.gone || !p.feed.is_closed());
            if !keep {
                p.feed.fail_now(UploadError::Expired);
            }
            keep
        });
    }
}

impl IdomService {
    /// Answers an `upload-start` of the session `session`: the event for `target` with one
    /// [`Upload`] per announced file, and the command telling the client where to send them.
    pub(super) fn start_upload(
        &self,
        session: &str,
        upload: String,
        target: &str,
        files: &[FileInfo],
    ) -> (LayoutEvent, ClientCommand) {
        let limit = self.inner.config.max_upload_size;
        let described: Vec<_> =
            files.iter().map(|f| serde_json::json!({"name": f.name, "size": f.size, "mime": f.mime})).collect();
        let event = |uploads| {
            LayoutEvent::new(target, vec![serde_json::json!({"type": "change", "files": described})])
                .with_files(uploads)
        };
        if files.len() > MAX_FILES {
            let error = UploadError::TooMany { max: MAX_FILES };
            let refused = files.iter().map(|f| Upload::refused(&f.name, f.size, mime(f), error.clone())).collect();
            return (event(refused), ClientCommand::UploadRefused { upload, reason: error.reason().to_owned() });
        }
        let mut pending = self.inner.uploads.pending.lock().or_poisoned();
        Uploads::purge(&mut pending);
        let mut uploads = Vec::with_capacity(files.len());
        let mut urls = Vec::with_capacity(files.len());
        for file in files {
            if file.size > limit {
                uploads.push(Upload::refused(&file.name, file.size, mime(file), UploadError::TooLarge { limit }));
                urls.push(None);
            } else if pending.len() >= MAX_PENDING {
                tracing::warn!(limit = MAX_PENDING, "too many uploads waiting to start; a file was refused");
                let error = UploadError::TooMany { max: MAX_PENDING };
                uploads.push(Upload::refused(&file.name, file.size, mime(file), error));
                urls.push(None);
            } else {
                let (upload, feed) = Upload::channel(&file.name, file.size, mime(file));
                let token = random_id();
                urls.push(Some(format!("{}_idom/upload/{token}", self.inner.config.prefix)));
                let expires = Instant::now() + START_WITHIN;
                pending.insert(token, Pending { feed, expires, session: session.to_owned(), gone: false });
                uploads.push(upload);
            }
        }
        drop(pending);
        (event(uploads), ClientCommand::UploadUrls { upload, urls })
    }

    /// The session `session` has ended for good (it was not parked): its unused upload URLs
    /// answer 410 from now on, and their readers (if any are left) learn that nothing will come.
    pub(super) fn forget_uploads(&self, session: &str) {
        let mut pending = self.inner.uploads.pending.lock().or_poisoned();
        for p in pending.values_mut().filter(|p| p.session == session) {
            p.gone = true;
            p.feed.fail_now(UploadError::Expired);
        }
    }

    /// Answers the `POST` of one file to its single-use URL, feeding the body to its upload.
    pub(super) async fn receive_upload<B>(&self, token: &str, req: http::Request<B>) -> Response<Body>
    where
        B: http_body::Body + Send + Unpin,
        B::Data: Send,
        B::Error: std::fmt::Display,
    {
        let Some(Pending { feed, gone, .. }) = self.inner.uploads.pending.lock().or_poisoned().remove(token) else {
            return plain(StatusCode::NOT_FOUND, "unknown or already used upload URL");
        };
        if gone || feed.is_closed() {
            return plain(StatusCode::GONE, "the component that asked for this upload has gone");
        }
        let size = feed.upload().size();
        let declared =
            req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
        if declared.is_some_and(|length| length > size) {
            feed.fail(UploadError::Oversent { size }).await;
            return plain(StatusCode::PAYLOAD_TOO_LARGE, "the body is larger than the announced file");
        }
        let idle = self.inner.config.idle_timeout;
        let mut body = req.into_body();
        loop {
            // The body's error is logged here and not held across the awaits below.
            let next = match tokio::time::timeout(idle, body.frame()).await {
                Err(_) => Err(StatusCode::REQUEST_TIMEOUT),
                Ok(None) => break,
                Ok(Some(Err(e))) => {
                    tracing::debug!(error = %e, "upload body failed");
                    Err(StatusCode::BAD_REQUEST)
                }
                Ok(Some(Ok(frame))) => Ok(frame),
            };
            let frame = match next {
                Ok(frame) => frame,
                Err(status) => {
                    feed.fail(aborted(&feed)).await;
                    let why = if status == StatusCode::REQUEST_TIMEOUT {
                        "the upload stalled"
                    } else {
                        "the upload body failed"
                    };
                    return plain(status, why);
                }
            };
            let Ok(mut data) = frame.into_data() else { continue }; // trailers
            let bytes = data.copy_to_bytes(data.remaining());
            match feed.send(bytes).await {
                Ok(()) => {}
                Err(FeedError::Oversent) => {
                    return plain(StatusCode::PAYLOAD_TOO_LARGE, "the body is larger than the announced file");
                }
                Err(_) => return plain(StatusCode::GONE, "the component that asked for this upload has gone"),
            }
        }
        if feed.upload().received() < size {
            feed.fail(aborted(&feed)).await;
            return plain(StatusCode::BAD_REQUEST, "the body is shorter than the announced file");
        }
        plain(StatusCode::OK, "received")
    }
}

fn aborted(feed: &UploadFeed) -> UploadError {
    UploadError::Aborted { received: feed.upload().received(), size: feed.upload().size() }
}

fn mime(file: &FileInfo) -> &str {
    if file.mime.is_empty() { "application/octet-stream" } else { &file.mime }
}
