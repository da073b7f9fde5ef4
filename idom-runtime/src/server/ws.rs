//! The websocket handshake of `{prefix}_idom/stream`, and the Origin check that guards it.
//!
//! An upgrade is refused before anything is spawned when it is not a websocket upgrade (400), of
//! another protocol version (400), from a foreign origin (403) or beyond
//! [`ServerConfig::max_sessions`](super::ServerConfig::max_sessions) (503). An accepted one answers
//! 101 at once and hands the upgraded connection, with small buffers and the message size limit,
//! to the session ([`super::session`]); an upgrade that does not complete within the handshake
//! timeout is dropped.

use bytes::Bytes;
use http::{HeaderValue, Request, Response, StatusCode, header};
use http_body_util::Full;
use hyper_util::rt::TokioIo;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;
use tokio_tungstenite::tungstenite::protocol::{Role, WebSocketConfig};

use super::http::{Body, plain};
use super::session::{SessionSlot, Start};
use super::{IdomService, query_param};
use crate::hooks::{ClientLink, Location};

impl IdomService {
    /// Checks and answers a websocket upgrade, then runs the session on the upgraded connection.
    pub(super) fn upgrade<B>(&self, mut req: Request<B>) -> Response<Body> {
        let headers = req.headers();
        let is_upgrade = headers
            .get(header::UPGRADE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.eq_ignore_ascii_case("websocket"));
        let Some(key) = headers.get(header::SEC_WEBSOCKET_KEY).filter(|_| is_upgrade) else {
            return plain(StatusCode::BAD_REQUEST, "expected a websocket upgrade");
        };
        if headers.get(header::SEC_WEBSOCKET_VERSION).is_some_and(|v| v != "13") {
            return plain(StatusCode::BAD_REQUEST, "unsupported websocket version");
        }
        if !self.origin_allowed(&req) {
            return plain(StatusCode::FORBIDDEN, "cross-origin websocket refused");
        }
        let config = &self.inner.config;
        let Some(slot) = SessionSlot::try_take(self) else {
            tracing::warn!(limit = config.max_sessions, "session limit reached; upgrade refused");
            return plain(StatusCode::SERVICE_UNAVAILABLE, "too many sessions");
        };
        let accept = derive_accept_key(key.as_bytes());
        let query = req.uri().query().unwrap_or("");
        // Where the page is; a `loc` that is not under the prefix starts the app at its root.
        let link = ClientLink::new(&config.prefix, Location::default());
        let href = query_param(query, "loc").unwrap_or_default();
        let location =
            link.location_of(&href).unwrap_or_else(|| Location { path: "/".to_owned(), query: String::new() });
        // Boxed: needed only to start the session, and every future that carries it to there
        // keeps the room for it as long as the session lives.
        let start = Box::new(Start { href, location, resume: query_param(query, "session") });
        let on_upgrade = hyper::upgrade::on(&mut req);
        let service = self.clone();
        let timeout = config.handshake_timeout;
        tokio::spawn(async move {
            let _slot = slot;
            let upgraded = match tokio::time::timeout(timeout, on_upgrade).await {
                Ok(Ok(upgraded)) => upgraded,
                Ok(Err(e)) => {
                    tracing::debug!(error = %e, "websocket upgrade failed");
                    return;
                }
                Err(_) => {
                    tracing::debug!("websocket upgrade timed out");
                    return;
                }
            };
            let config = socket_config(service.inner.config.max_message_size);
            let ws = WebSocketStream::from_raw_socket(TokioIo::new(upgraded), Role::Server, Some(config)).await;
            service.session(ws, start).await;
        });
        let mut res = Response::new(Full::new(Bytes::new()));
        *res.status_mut() = StatusCode::SWITCHING_PROTOCOLS;
        let h = res.headers_mut();
        h.insert(header::CONNECTION, HeaderValue::from_static("upgrade"));
        h.insert(header::UPGRADE, HeaderValue::from_static("websocket"));
        h.insert(header::SEC_WEBSOCKET_ACCEPT, HeaderValue::from_str(&accept).expect("base64 is a valid header"));
        res
    }

    /// Same origin as the `Host` the request came to, or one of the allowed origins. Requests
    /// without an `Origin` (not from a browser) are allowed.
    fn origin_allowed<B>(&self, req: &Request<B>) -> bool {
        let Some(origin) = req.headers().get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
            return true;
        };
        if self.inner.config.allowed_origins.iter().any(|o| o.trim_end_matches('/') == origin) {
            return true;
        }
        let host = req
            .headers()
            .get(header::HOST)
            .and_then(|v| v.to_str().ok())
            .or_else(|| req.uri().authority().map(|a| a.as_str()));
        let origin_host = origin.split_once("://").map(|(_, rest)| rest).unwrap_or("");
        host.is_some_and(|h| h.eq_ignore_ascii_case(origin_host))
    }
}

/// Small buffers: an idle session should cost kilobytes, not the 128 KiB read buffer tungstenite
/// defaults to. The read buffer is 256 bytes: a click or a short input event fits in one read, a
/// larger message grows the buffer to fit (it is read 256 bytes a call), and the budget bounds
/// the reads a flood costs. Frames gather in the write buffer until the session's writer flushes, once per
/// batch of ready messages (or sooner, past 16 KiB). Messages and frames over `max` bytes end the
/// session with 1009.
fn socket_config(max: usize) -> WebSocketConfig {
    WebSocketConfig::default()
        .read_buffer_size(256)
        .write_buffer_size(16 * 1024)
        .max_message_size(Some(max))
        .max_frame_size(Some(max))
}
