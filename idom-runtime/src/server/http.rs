//! Routes and the page: what an [`IdomService`] answers to a plain HTTP request.
//!
//! Under the prefix: `_idom/client.js` is the JS client, `_idom/stream` goes to the websocket
//! handshake ([`super::ws`]), other `_idom/` paths are 404, and every other `GET` or `HEAD` is the
//! page, with the first render prerendered so the first paint needs no round trip. The request
//! body is never read.

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context as TaskContext, Poll};

use bytes::Bytes;
use http::{HeaderValue, Method, Request, Response, StatusCode, header};
use http_body_util::Full;

use super::service::Mode;
use super::{CLIENT_JS, IdomService, Location};
use crate::page::{Prerendered, prerender_element_within};
use crate::prerender::{escape_attr, escape_text};

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
    /// Answers one request. The request body is never read.
    pub async fn handle<B>(&self, req: Request<B>) -> Response<Body> {
        let config = &self.inner.config;
        let path = req.uri().path();
        // Mounted under a router that strips the prefix, or serving the full path ourselves.
        let relative = path.strip_prefix(config.prefix.trim_end_matches('/')).unwrap_or(path);
        let relative = relative.strip_prefix('/').unwrap_or(relative);
        if req.method() != Method::GET && req.method() != Method::HEAD {
            return plain(StatusCode::METHOD_NOT_ALLOWED, "method not allowed");
        }
        match relative {
            "_idom/client.js" => {
                let mut res = Response::new(Full::new(Bytes::from_static(CLIENT_JS.as_bytes())));
                res.headers_mut()
                    .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/javascript; charset=utf-8"));
                res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
                res
            }
            "_idom/stream" => self.upgrade(req),
            _ if relative.starts_with("_idom/") => plain(StatusCode::NOT_FOUND, "not found"),
            _ => {
                let location = Location { path: path.to_owned(), query: req.uri().query().unwrap_or("").to_owned() };
                self.page(location).await
            }
        }
    }

    /// The HTML of the first render at `location`, and the HTTP status it set (a router's
    /// fallback sets 404; a shared view is one page for everyone, always 200).
    async fn prerender(&self, location: Location) -> Result<(String, StatusCode), PrerenderError> {
        let inner = &self.inner;
        match &inner.mode {
            Mode::PerClient => {
                let root = (inner.root)();
                // Render where panics and slow components cannot block the accept loop; async
                // components get the prerender budget to finish.
                let (trusted, budget) = (inner.config.allow_script_urls, inner.config.prerender_budget);
                let runtime = tokio::runtime::Handle::current();
                let Prerendered { html, status, .. } = tokio::task::spawn_blocking(move || {
                    runtime.block_on(prerender_element_within(root, location, trusted, budget))
                })
                .await?;
                let status = StatusCode::from_u16(status).unwrap_or_else(|_| {
                    tracing::warn!(component = inner.name, status, "a component set an invalid HTTP status; 500 sent");
                    StatusCode::INTERNAL_SERVER_ERROR
                });
                Ok((html, status))
            }
            Mode::Shared(_) => {
                let view = self.shared_view().ok_or(PrerenderError::ViewStopped)?;
                Ok((view.html().await.ok_or(PrerenderError::ViewStopped)?, StatusCode::OK))
            }
        }
    }

    async fn page(&self, location: Location) -> Response<Body> {
        let (body_html, status) = self.prerender(location).await.unwrap_or_else(|e| {
            tracing::error!(component = self.inner.name, error = %e, "page sent without its prerendered body");
            (String::new(), StatusCode::OK)
        });
        let config = &self.inner.config;
        let mut html = String::with_capacity(body_html.len() + 1024);
        html.push_str("<!doctype html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
        escape_text(&config.title, &mut html);
        html.push_str("</title>\n");
        html.push_str(&config.head);
        html.push_str("</head>\n<body>\n<div id=\"idom-root\" data-idom-stream=\"");
        escape_attr(&format!("{}_idom/stream", config.prefix), &mut html);
        html.push('"');
        if config.allow_script_urls {
            html.push_str(" data-idom-trusted-urls");
        }
        html.push('>');
        html.push_str(&body_html);
        html.push_str("</div>\n<script type=\"module\">import { mount } from \"");
        html.push_str(&format!("{}_idom/client.js", config.prefix).replace('"', "%22"));
        html.push_str("\"; mount(document.getElementById(\"idom-root\"));</script>\n</body>\n</html>\n");
        let mut res = Response::new(Full::new(Bytes::from(html)));
        *res.status_mut() = status;
        res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
        res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        res
    }
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
    B: Send + 'static,
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
