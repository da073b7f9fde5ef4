//! [`ServerConfig`]: every setting of a server, with safe defaults.
//!
//! Plain data: it compiles without the `server` feature (the prerenderer reads
//! [`allow_script_urls`](ServerConfig::allow_script_urls)).

use std::time::Duration;

/// Settings of a server. Build them with the server's builder methods (`.prefix()`, `.title()`,
/// `.head()`) or start from [`ServerConfig::default`] and set fields, then pass the whole
/// configuration with `.config()`.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct ServerConfig {
    /// The path the app is served under, e.g. `/app/` (always starts and ends with `/`).
    pub prefix: String,
    /// The page's `<title>`.
    pub title: String,
    /// Extra HTML for the page's `<head>` (stylesheets, meta tags). Trusted: written as is.
    pub head: String,
    /// Largest inbound websocket message in bytes (default 64 KiB); larger ones close the
    /// connection with code 1009.
    pub max_message_size: usize,
    /// Origins (`https://example.com`) allowed to open the websocket besides the page's own.
    pub allowed_origins: Vec<String>,
    /// Sessions served at once; upgrades beyond get 503.
    pub max_sessions: usize,
    /// Time a connection has to send its request headers (then 408), and an upgrade to complete.
    pub handshake_timeout: Duration,
    /// Connections accepted that have not sent their first request head yet, at most (default
    /// 1,024); more are answered 503 with `Retry-After` and closed.
    pub max_waiting_connections: usize,
    /// Messages a session may send per second, on average (default 200; 0 for no limit). A
    /// client over its budget is held back, not dropped: its socket is not read until the budget
    /// has refilled, so one flooding client costs the server no more than this rate and the
    /// excess waits in the client's own socket.
    pub max_events_per_second: u32,
    /// Messages a session may send at once above [`max_events_per_second`](Self::max_events_per_second)
    /// (default 200): the size of its bucket of tokens.
    pub event_burst: u32,
    /// A session held back this long is flooding, and is closed with 1008 (default 10 s): its
    /// budget never refilled to half meanwhile, and at least half the messages the budget allows
    /// in that time had to wait for a token.
    pub flood_timeout: Duration,
    /// How often the server pings each session.
    pub ping_interval: Duration,
    /// A session from which nothing (not even a pong) arrived for this long is closed.
    pub idle_timeout: Duration,
    /// How long a per-client session whose connection dropped is kept for the client to resume.
    pub resume_window: Duration,
    /// How many dropped sessions are kept for resuming; the oldest go first.
    pub max_parked_sessions: usize,
    /// Largest file a file input may upload, in bytes (default 10 MiB). A larger file is refused
    /// before it is sent, and its component is told why ([`Upload::refusal`](crate::upload::Upload::refusal)).
    pub max_upload_size: u64,
    /// A cookie, named so, that the page sets to a random value for the load balancer to route a
    /// browser's requests by (`hash $cookie_<name> consistent` in nginx), so that a reconnect
    /// reaches the process holding its session. Off by default; `.redis(url)` turns it on as
    /// `idom_sticky`.
    pub sticky_cookie: Option<String>,
    /// Send the protective headers: `X-Content-Type-Options: nosniff`, `Referrer-Policy:
    /// same-origin` and a Content-Security-Policy (default on).
    pub secure_headers: bool,
    /// The page's Content-Security-Policy; `None` (the default) is a policy that allows only the
    /// app's own scripts (and the origins of the external JS modules it registered), its own
    /// connections, inline styles, images from anywhere, and framing by itself only. `Some("")`
    /// sends none.
    pub content_security_policy: Option<String>,
    /// Let [`Browser::eval`](crate::widget::Browser::eval) run code in the browser (default off;
    /// refused with an error log otherwise).
    pub allow_eval: bool,
    /// Keep `javascript:` URLs and `srcdoc` from component data instead of neutralising them.
    /// Only for apps whose attribute values never come from users.
    pub allow_script_urls: bool,
    /// How long the prerender of a page waits for its async components (default 100 ms). One that
    /// finishes in time is in the first paint; one still loading is sent as its fallback, and its
    /// content follows over the websocket. `Duration::ZERO` sends every fallback at once.
    pub prerender_budget: Duration,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            prefix: "/".to_owned(),
            title: "idom".to_owned(),
            head: String::new(),
            max_message_size: 64 * 1024,
            allowed_origins: Vec::new(),
            max_sessions: 10_000,
            handshake_timeout: Duration::from_secs(10),
            max_waiting_connections: 1024,
            max_events_per_second: 200,
            event_burst: 200,
            flood_timeout: Duration::from_secs(10),
            ping_interval: Duration::from_secs(20),
            idle_timeout: Duration::from_secs(60),
            resume_window: Duration::from_secs(60),
            max_parked_sessions: 1_000,
            max_upload_size: 10 * 1024 * 1024,
            allow_eval: false,
            secure_headers: true,
            content_security_policy: None,
            sticky_cookie: None,
            allow_script_urls: false,
            prerender_budget: Duration::from_millis(100),
        }
    }
}
