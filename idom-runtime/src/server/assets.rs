//! Files the server serves beside the page: the registered JS modules of widgets, and the
//! single-use downloads that browser actions offer.
//!
//! - `GET {prefix}_idom/modules/<hash>/<file>`: a file of a registered
//!   [`JsModule`](crate::widget::JsModule), with `Cache-Control: immutable` (the hash changes
//!   with the content); anything else under `modules/` is 404, so only what the app registered is
//!   ever served.
//! - `GET {prefix}_idom/download/<token>`: the bytes of a
//!   [`Browser::download`](crate::widget::Browser::download), once, within [`DOWNLOAD_WITHIN`],
//!   as an attachment; a used, expired or unknown token is 404.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::{HeaderValue, Response, StatusCode, header};
use http_body_util::Full;

use super::IdomService;
use super::http::{Body, plain};
use super::session::random_id;
use crate::sync::OrPoisoned as _;
use crate::widget::module_file;

/// How long a download's URL waits for the browser.
pub const DOWNLOAD_WITHIN: Duration = Duration::from_secs(60);

/// Downloads waiting at once, over all sessions; beyond, the oldest are dropped.
const MAX_DOWNLOADS: usize = 256;

/// Downloads offered and not fetched yet.
#[derive(Default)]
pub(super) struct Downloads {
    waiting: Mutex<HashMap<String, Download>>,
}

struct Download {
    name: String,
    mime: String,
    bytes: Bytes,
    expires: Instant,
}

impl IdomService {
    /// Offers `bytes` for one download; returns its URL.
    pub(super) fn offer_download(&self, name: &str, mime: &str, bytes: Bytes) -> String {
        let token = random_id();
        let mut waiting = self.inner.downloads.waiting.lock().or_poisoned();
        let now = Instant::now();
        waiting.retain(|_, d| d.expires > now);
        while waiting.len() >= MAX_DOWNLOADS {
            let Some(oldest) = waiting.iter().min_by_key(|(_, d)| d.expires).map(|(k, _)| k.clone()) else { break };
            waiting.remove(&oldest);
            tracing::warn!(limit = MAX_DOWNLOADS, "too many downloads waiting; the oldest was dropped");
        }
        let download = Download { name: name.to_owned(), mime: mime.to_owned(), bytes, expires: now + DOWNLOAD_WITHIN };
        waiting.insert(token.clone(), download);
        format!("{}_idom/download/{token}", self.inner.config.prefix)
    }

    /// Answers `GET _idom/download/<token>`.
    pub(super) fn download(&self, token: &str) -> Response<Body> {
        let Some(d) = self.inner.downloads.waiting.lock().or_poisoned().remove(token) else {
            return plain(StatusCode::NOT_FOUND, "unknown, used or expired download");
        };
        if d.expires <= Instant::now() {
            return plain(StatusCode::NOT_FOUND, "unknown, used or expired download");
        }
        let mut res = Response::new(Full::new(d.bytes));
        let h = res.headers_mut();
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_str(&d.mime).unwrap_or(HeaderValue::from_static("application/octet-stream")),
        );
        // The name as a quoted string, with anything that could end it replaced.
        let name: String =
            d.name.chars().map(|c| if c == '"' || c == '\\' || c.is_control() { '_' } else { c }).collect();
        let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{name}\""))
            .unwrap_or(HeaderValue::from_static("attachment"));
        h.insert(header::CONTENT_DISPOSITION, disposition);
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        res
    }
}

/// Answers `GET _idom/modules/<hash>/<file>`.
pub(super) fn module(rest: &str) -> Response<Body> {
    let Some(bytes) = rest.split_once('/').and_then(|(hash, file)| module_file(hash, file)) else {
        return plain(StatusCode::NOT_FOUND, "no such registered module");
    };
    let mut res = Response::new(Full::new(bytes));
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/javascript; charset=utf-8"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=31536000, immutable"));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    res
}
