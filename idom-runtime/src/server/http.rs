//! Routes and the page: what an [`IdomService`] answers to a plain HTTP request.
//!
//! Under the prefix: `_idom/client.js` is the JS client, `_idom/stream` goes to the websocket
//! handshake ([`super::ws`]), a `POST` to `_idom/upload/<token>` is a file for an upload
//! ([`super::upload`]), other `_idom/` paths are 404, and every other `GET` or `HEAD` is the page,
//! with the first render prerendered so the first paint needs no round trip. No other request's
//! body is read.

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context as TaskContext, Poll};

use bytes::Bytes;
use http::{HeaderValue, Method, Request, Response, StatusCode, header};
use http_body_util::Full;

use super::assets::{Encoding, brotli, gzip};
use super::service::Mode;
use super::{IdomService, Location};
use crate::page::{Prerendered, prerender_element_within};
use crate::prerender::{escape_attr, escape_text};

/// Pages at least this large are sent compressed to browsers that take it.
const COMPRESS_PAGES_FROM: usize = 8 * 1024;

/// The body of every response: the server only ever answers with whole, small bodies.
pub(super) type Body = Full<Bytes>;

/// Why the page went out without its prerendered body (the client renders it on connect).
#[derive(Debug, thiserror::Error)]
enum PrerenderError {
    #[error("the prerender task failed: {0}")]
    Task(#[from] tokio::task::JoinError),
    #[error("the shared view has stopped")]
    ViewStopped,
}

impl IdomService {
    /// Answers one request. Only an upload's `POST` reads its body.
    pub async fn handle<B>(&self, req: Request<B>) -> Response<Body>
    where
        B: http_body::Body + Send + Unpin,
        B::Data: Send,
        B::Error: std::fmt::Display,
    {
        let config = &self.inner.config;
        let path = req.uri().path();
        // Mounted under a router that strips the prefix, or serving the full path ourselves.
        let relative = path.strip_prefix(config.prefix.trim_end_matches('/')).unwrap_or(path);
        let relative = relative.strip_prefix('/').unwrap_or(relative);
        if let Some(token) = relative.strip_prefix("_idom/upload/") {
            if req.method() != Method::POST {
                return plain(StatusCode::METHOD_NOT_ALLOWED, "uploads are sent with POST");
            }
            let token = token.to_owned();
            return self.receive_upload(&token, req).await;
        }
        if req.method() != Method::GET && req.method() != Method::HEAD {
            return plain(StatusCode::METHOD_NOT_ALLOWED, "method not allowed");
        }
        match relative {
            // The client: at its content-hashed URL for good, and at the plain one revalidated.
            _ if relative == format!("_idom/{}", super::assets::client_file()) => {
                let mut res = super::assets::client().respond(
                    &req,
                    "text/javascript; charset=utf-8",
                    "public, max-age=31536000, immutable",
                );
                self.secure_headers(res.headers_mut(), false);
                res
            }
            "_idom/client.js" => {
                let mut res = super::assets::client().respond(&req, "text/javascript; charset=utf-8", "no-cache");
                self.secure_headers(res.headers_mut(), false);
                res
            }
            "_idom/stream" => self.upgrade(req),
            _ if relative.starts_with("_idom/modules/") => {
                super::assets::module(&relative["_idom/modules/".len()..], &req)
            }
            _ if relative.starts_with("_idom/download/") => self.download(&relative["_idom/download/".len()..]),
            _ if relative.starts_with("_idom/") => plain(StatusCode::NOT_FOUND, "not found"),
            _ => {
                // The app sees paths relative to its prefix: `/` is the prefix itself.
                let location =
                    Location { path: format!("/{relative}"), query: req.uri().query().unwrap_or("").to_owned() };
                let sticky = self.sticky_cookie(&req);
                let mut page = self.page(location, req.headers()).await;
                if let Some(cookie) = sticky {
                    page.headers_mut().insert(header::SET_COOKIE, cookie);
                }
                page
            }
        }
    }

    /// The page's protective headers (each configurable, see [`ServerConfig`](super::ServerConfig)):
    /// `X-Content-Type-Options: nosniff` on everything, and on the page `Referrer-Policy` and the
    /// Content-Security-Policy (whose `frame-ancestors` keeps other sites from framing it).
    fn secure_headers(&self, h: &mut http::HeaderMap, page: bool) {
        let config = &self.inner.config;
        if !config.secure_headers {
            return;
        }
        h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
        if !page {
            return;
        }
        h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
        let policy = match &config.content_security_policy {
            Some(policy) => policy.clone(),
            None => default_policy(config.allow_eval),
        };
        match HeaderValue::from_str(&policy) {
            Ok(v) if !policy.is_empty() => {
                h.insert(header::CONTENT_SECURITY_POLICY, v);
            }
            Ok(_) => {}
            Err(_) => tracing::error!(policy, "the Content-Security-Policy is not a valid header value; none sent"),
        }
    }

    /// The `Set-Cookie` of the sticky cookie for a browser that has none yet (when configured).
    fn sticky_cookie<B>(&self, req: &Request<B>) -> Option<HeaderValue> {
        let config = &self.inner.config;
        let name = config.sticky_cookie.as_deref()?;
        let has = req
            .headers()
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .any(|pair| pair.trim().split_once('=').is_some_and(|(k, _)| k == name));
        if has {
            return None;
        }
        let cookie = format!("{name}={}; Path={}; HttpOnly; SameSite=Lax", super::session::random_id(), config.prefix);
        HeaderValue::from_str(&cookie).ok()
    }

    /// The HTML of the first render at `location`, and the HTTP status it set (a router's
    /// fallback sets 404; a shared view is one page for everyone, always 200).
    async fn prerender(&self, location: Location) -> Result<(String, StatusCode, Option<String>), PrerenderError> {
        let inner = &self.inner;
        match &inner.mode {
            Mode::PerClient => {
                let root = (inner.root)();
                // Render where panics and slow components cannot block the accept loop; async
                // components get the prerender budget to finish.
                let (trusted, budget) = (inner.config.allow_script_urls, inner.config.prerender_budget);
                let runtime = tokio::runtime::Handle::current();
                let Prerendered { html, status, title, .. } = tokio::task::spawn_blocking(move || {
                    runtime.block_on(prerender_element_within(root, location, trusted, budget))
                })
                .await?;
                let status = StatusCode::from_u16(status).unwrap_or_else(|_| {
                    tracing::warn!(component = inner.name, status, "a component set an invalid HTTP status; 500 sent");
                    StatusCode::INTERNAL_SERVER_ERROR
                });
                Ok((html, status, title))
            }
            Mode::Shared(_) => {
                let view = self.shared_view().ok_or(PrerenderError::ViewStopped)?;
                Ok((view.html().await.ok_or(PrerenderError::ViewStopped)?, StatusCode::OK, None))
            }
        }
    }

    async fn page(&self, location: Location, request: &http::HeaderMap) -> Response<Body> {
        let (body_html, status, title) = self.prerender(location).await.unwrap_or_else(|e| {
            tracing::error!(component = self.inner.name, error = %e, "page sent without its prerendered body");
            (String::new(), StatusCode::OK, None)
        });
        let config = &self.inner.config;
        let mut html = String::with_capacity(body_html.len() + 1024);
        html.push_str("<!doctype html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
        escape_text(title.as_deref().unwrap_or(&config.title), &mut html);
        html.push_str("</title>\n");
        html.push_str(&config.head);
        html.push_str("</head>\n<body>\n<div id=\"idom-root\" data-idom-stream=\"");
        escape_attr(&format!("{}_idom/stream", config.prefix), &mut html);
        html.push_str("\" data-idom-base=\"");
        escape_attr(&config.prefix, &mut html);
        html.push('"');
        if config.allow_script_urls {
            html.push_str(" data-idom-trusted-urls");
        }
        if config.allow_eval {
            html.push_str(" data-idom-eval");
        }
        // The client mounts itself on `data-idom-auto`: the page has no inline script.
        html.push_str(" data-idom-auto>");
        html.push_str(&body_html);
        html.push_str("</div>\n<script type=\"module\" src=\"");
        escape_attr(&format!("{}_idom/{}", config.prefix, super::assets::client_file()), &mut html);
        html.push_str("\"></script>\n</body>\n</html>\n");
        // Revalidated by its entity tag; a large page (a long table) goes compressed, made anew
        // for each request at a fast setting (the page is rendered for each request anyway).
        let etag = HeaderValue::from_str(&format!("\"{}\"", crate::widget::content_hash_of(html.as_bytes())))
            .expect("a hex tag is a valid header");
        let fresh = status == StatusCode::OK && request.get(header::IF_NONE_MATCH).is_some_and(|t| t == etag);
        let encoding = match Encoding::chosen(request.get(header::ACCEPT_ENCODING)) {
            _ if fresh || html.len() < COMPRESS_PAGES_FROM => Encoding::Identity,
            chosen => chosen,
        };
        let body = match encoding {
            _ if fresh => Bytes::new(),
            Encoding::Identity => Bytes::from(html),
            Encoding::Gzip => gzip(html.as_bytes(), flate2::Compression::new(6)),
            Encoding::Brotli => brotli(html.as_bytes(), 5),
        };
        let mut res = Response::new(Full::new(body));
        *res.status_mut() = if fresh { StatusCode::NOT_MODIFIED } else { status };
        let h = res.headers_mut();
        h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        h.insert(header::ETAG, etag);
        h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        if let Some(value) = encoding.header() {
            h.insert(header::CONTENT_ENCODING, value);
        }
        self.secure_headers(h, true);
        res
    }
}

/// The default Content-Security-Policy: scripts only from the app itself (its client and its
/// registered modules, plus the origins of external modules it registered; `'unsafe-eval'` only
/// where it allowed eval), connections only to itself, no plugins, no framing by other sites.
/// Styles may be inline (components write `style` attributes), images come from anywhere.
pub(crate) fn default_policy(allow_eval: bool) -> String {
    let mut scripts = String::from("'self'");
    for origin in crate::widget::external_origins() {
        scripts.push(' ');
        scripts.push_str(&origin);
    }
    if allow_eval {
        scripts.push_str(" 'unsafe-eval'");
    }
    format!(
        "default-src 'self'; script-src {scripts}; style-src 'self' 'unsafe-inline'; img-src * data: blob: about:; \
         media-src * about:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'"
    )
}

/// A short plain-text answer, for refusals and errors.
pub(super) fn plain(status: StatusCode, text: &'static str) -> Response<Body> {
    let mut res = Response::new(Full::new(Bytes::from_static(text.as_bytes())));
    *res.status_mut() = status;
    res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
    res
}

impl<B> tower_service::Service<Request<B>> for IdomService
where
    B: http_body::Body + Send + Unpin + 'static,
    B::Data: Send,
    B::Error: std::fmt::Display,
{
    type Response = Response<Body>;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Infallible>> + Send>>;

    fn poll_ready(&mut self, _cx: &mut TaskContext<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: Request<B>) -> Self::Future {
        let service = self.clone();
        Box::pin(async move { Ok(service.handle(req).await) })
    }
}
