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
use std::sync::{Arc, LazyLock, Mutex, OnceLock};
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

/// Answers `GET _idom/modules/<hash>/<file>`: immutable, compressed once per file.
pub(super) fn module<B>(rest: &str, req: &http::Request<B>) -> Response<Body> {
    static COMPRESSED: LazyLock<Mutex<HashMap<String, Arc<Compressed>>>> = LazyLock::new(Mutex::default);
    let Some(bytes) = rest.split_once('/').and_then(|(hash, file)| module_file(hash, file)) else {
        return plain(StatusCode::NOT_FOUND, "no such registered module");
    };
    let file = COMPRESSED
        .lock()
        .or_poisoned()
        .entry(rest.to_owned())
        .or_insert_with(|| Arc::new(Compressed::new(bytes)))
        .clone();
    let mut res = file.respond(req, "text/javascript; charset=utf-8", "public, max-age=31536000, immutable");
    res.headers_mut().insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    res
}

/// A file served as is, or compressed with brotli or gzip for the browsers that take them; both
/// are made once, on first use.
pub(super) struct Compressed {
    raw: Bytes,
    etag: HeaderValue,
    gzip: OnceLock<Bytes>,
    brotli: OnceLock<Bytes>,
}

/// How a response body was encoded.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Encoding {
    Identity,
    Gzip,
    Brotli,
}

impl Encoding {
    /// The best encoding `accept` (an `Accept-Encoding` value) takes: brotli, then gzip.
    pub(super) fn chosen(accept: Option<&HeaderValue>) -> Encoding {
        let accept = accept.and_then(|v| v.to_str().ok()).unwrap_or("");
        let takes = |name: &str| {
            accept.split(',').any(|item| {
                let mut parts = item.split(';');
                let coding = parts.next().unwrap_or("").trim();
                let q =
                    parts.find_map(|p| p.trim().strip_prefix("q=")).and_then(|q| q.parse::<f32>().ok()).unwrap_or(1.0);
                coding.eq_ignore_ascii_case(name) && q > 0.0
            })
        };
        if takes("br") {
            Encoding::Brotli
        } else if takes("gzip") {
            Encoding::Gzip
        } else {
            Encoding::Identity
        }
    }

    /// The `Content-Encoding` value, if any.
    pub(super) fn header(self) -> Option<HeaderValue> {
        match self {
            Encoding::Identity => None,
            Encoding::Gzip => Some(HeaderValue::from_static("gzip")),
            Encoding::Brotli => Some(HeaderValue::from_static("br")),
        }
    }
}

impl Compressed {
    pub(super) fn new(raw: Bytes) -> Compressed {
        let etag = HeaderValue::from_str(&format!("\"{}\"", crate::widget::content_hash_of(&raw)))
            .expect("a hex tag is a valid header");
        Compressed { raw, etag, gzip: OnceLock::new(), brotli: OnceLock::new() }
    }

    /// The body in `encoding`.
    pub(super) fn body(&self, encoding: Encoding) -> Bytes {
        match encoding {
            Encoding::Identity => self.raw.clone(),
            Encoding::Gzip => self.gzip.get_or_init(|| gzip(&self.raw, flate2::Compression::best())).clone(),
            Encoding::Brotli => self.brotli.get_or_init(|| brotli(&self.raw, 11)).clone(),
        }
    }

    /// The response to `req`: 304 when it already has this version, else the body in the best
    /// encoding it takes, with `content_type` and `cache` (a `Cache-Control` value).
    pub(super) fn respond<B>(
        &self,
        req: &http::Request<B>,
        content_type: &'static str,
        cache: &'static str,
    ) -> Response<Body> {
        let h = req.headers();
        let mut res = if h.get(header::IF_NONE_MATCH).is_some_and(|tag| tag.as_bytes() == self.etag.as_bytes()) {
            let mut res = Response::new(Full::new(Bytes::new()));
            *res.status_mut() = StatusCode::NOT_MODIFIED;
            res
        } else {
            let encoding = Encoding::chosen(h.get(header::ACCEPT_ENCODING));
            let mut res = Response::new(Full::new(self.body(encoding)));
            if let Some(value) = encoding.header() {
                res.headers_mut().insert(header::CONTENT_ENCODING, value);
            }
            res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
            res
        };
        let out = res.headers_mut();
        out.insert(header::ETAG, self.etag.clone());
        out.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
        out.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        res
    }
}

/// `bytes` gzipped.
pub(super) fn gzip(bytes: &[u8], level: flate2::Compression) -> Bytes {
    use std::io::Write as _;
    let mut encoder = flate2::write::GzEncoder::new(Vec::with_capacity(bytes.len() / 3), level);
    let _ = encoder.write_all(bytes);
    Bytes::from(encoder.finish().unwrap_or_default())
}

/// `bytes` compressed with brotli at `quality` (0 to 11).
pub(super) fn brotli(bytes: &[u8], quality: i32) -> Bytes {
    let params = brotli::enc::BrotliEncoderParams { quality, lgwin: 22, ..Default::default() };
    let mut out = Vec::with_capacity(bytes.len() / 4);
    let _ = brotli::BrotliCompress(&mut &bytes[..], &mut out, &params);
    Bytes::from(out)
}

/// The JS client as it is sent: without its comments and indentation, compressed once.
pub(super) fn client() -> &'static Compressed {
    static CLIENT: OnceLock<Compressed> = OnceLock::new();
    CLIENT.get_or_init(|| Compressed::new(Bytes::from(strip_comments(super::CLIENT_JS))))
}

/// `client-<hash>.js`: the client's name at its content-hashed URL.
pub(super) fn client_file() -> &'static str {
    static NAME: OnceLock<String> = OnceLock::new();
    NAME.get_or_init(|| format!("client-{}.js", crate::widget::content_hash_of(super::CLIENT_JS.as_bytes())))
}

/// `js` without its whole-line comments (`// ...` and `/* ... */` blocks that start a line),
/// blank lines and indentation. Every other line is kept whole and on its own line, so
/// semicolon insertion is unchanged. Sound for the client, which has no string or template
/// literal that spans lines (a test holds it to that).
pub(super) fn strip_comments(js: &str) -> String {
    let mut out = String::with_capacity(js.len());
    let mut in_block = false;
    for line in js.lines() {
        let line = line.trim();
        if in_block {
            in_block = !line.contains("*/");
            continue;
        }
        if line.starts_with("/*") {
            in_block = !line.contains("*/");
            continue;
        }
        if line.is_empty() || line.starts_with("//") {
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stripping_keeps_every_line_of_code_in_order() {
        let source = super::super::CLIENT_JS;
        let stripped = strip_comments(source);
        assert!(stripped.len() * 4 < source.len() * 3, "{} of {}", stripped.len(), source.len());
        // What is kept is the source's lines, trimmed, in order, and none of it is a comment.
        let mut source_lines = source.lines().map(str::trim);
        for line in stripped.lines() {
            assert!(!line.is_empty() && !line.starts_with("//") && !line.starts_with("/*"), "{line:?}");
            assert!(source_lines.any(|l| l == line), "{line:?} is not a line of the source, in order");
            // No literal spans lines: a kept line never ends inside a template literal.
            assert!(line.matches('`').count() % 2 == 0, "a template literal spans lines at {line:?}");
        }
        // And every line of code is kept (the client's comment lines start with //, /* or *).
        let code = source
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with("//") && !l.starts_with("/*") && !l.starts_with('*'));
        assert_eq!(code.count(), stripped.lines().count());
    }
}
