//! One websocket session: the loop, its pings and timeouts, and how it ends.
//!
//! A session sends the client its id (per-client servers), then runs a dispatcher over the socket.
//! One writer owns the sending half: updates, commands and a ping every
//! [`ping_interval`](super::ServerConfig::ping_interval) reach it through a short queue, and it
//! writes whatever is queued with one flush. The reader owns the receiving half and spends the
//! session's event budget on each message. It ends when the client leaves, the transport fails,
//! the client is silent for the idle timeout, a message is too big, the client floods past its
//! budget, something other than a component panics, or the server shuts down; each way has its
//! close code. A per-client layout whose connection dropped is parked (see `parking.rs`).

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use futures_util::future::Either;
use futures_util::task::AtomicWaker;
use futures_util::{FutureExt as _, SinkExt as _, StreamExt as _};
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::{Error as WsError, Message, Utf8Bytes};

use super::IdomService;
use super::budget::Budget;
use super::parking::taken_over;
use super::service::Mode;
use crate::Layout;
use crate::cluster::SessionStore;
use crate::dispatch::{DispatchError, Events, drive_on};
use crate::hooks::{Arrival, ClientCommand, ClientLink, Location, provide_client_link, provide_session_store};
use crate::protocol::{ClientMessage, LayoutEvent, LayoutUpdate, encode_action, encode_command};
use crate::sync::OrPoisoned as _;
use crate::widget::BrowserAction;

/// Messages waiting for a session's writer, at most: with the one being written, what a client
/// that stopped reading costs besides its socket buffers.
const OUTGOING_QUEUE: usize = 4;

/// Messages written before one flush, at most, when more keep coming.
const BATCH: usize = 32;

/// The messages waiting for a session's writer: updates from the dispatcher and commands from the
/// link go in, the writer takes them out. A short queue on the session's own stack (a few hundred
/// bytes once used), in place of a channel whose first block alone is kilobytes. The one writer
/// waits on a waker slot, not on a future of its own; senders wait on `room` only when the queue
/// is full, which is rare.
struct Outbox {
    /// The texts of the frames (every queued message is a text frame; the writer makes the pings
    /// itself): half the size of a `Message` each.
    messages: std::sync::Mutex<std::collections::VecDeque<Utf8Bytes>>,
    /// The writer, waiting for a message.
    queued: AtomicWaker,
    /// Wakes the senders: the writer made room.
    room: tokio::sync::Notify,
}

impl Outbox {
    fn new() -> Outbox {
        Outbox {
            messages: std::sync::Mutex::new(std::collections::VecDeque::new()),
            queued: AtomicWaker::new(),
            room: tokio::sync::Notify::new(),
        }
    }

    /// Queues `message`, waiting while the queue is full.
    fn push(&self, message: Utf8Bytes) -> Push<'_> {
        Push { outbox: self, message: Some(message), room: None }
    }

    /// Queues `message` if there is room, or gives it back.
    fn try_push(&self, message: Utf8Bytes) -> Result<(), Utf8Bytes> {
        let mut messages = self.messages.lock().or_poisoned();
        if messages.len() >= OUTGOING_QUEUE {
            return Err(message);
        }
        messages.push_back(message);
        drop(messages);
        self.queued.wake();
        Ok(())
    }

    fn try_pop(&self) -> Option<Utf8Bytes> {
        let mut messages = self.messages.lock().or_poisoned();
        let was_full = messages.len() >= OUTGOING_QUEUE;
        let message = messages.pop_front()?;
        drop(messages);
        if was_full {
            self.room.notify_waiters();
        }
        Some(message)
    }

    /// The next message, for the one writer; wakes it when one is queued.
    fn poll_pop(&self, cx: &mut Context<'_>) -> Poll<Utf8Bytes> {
        if let Some(message) = self.try_pop() {
            return Poll::Ready(message);
        }
        // Registered before the second look, so a message queued in between still wakes us.
        self.queued.register(cx.waker());
        match self.try_pop() {
            Some(message) => Poll::Ready(message),
            None => Poll::Pending,
        }
    }
}

/// The future of [`Outbox::push`]: a message and, only while the queue is full, the boxed wait for
/// room (nothing is allocated when there is room, the usual case).
struct Push<'a> {
    outbox: &'a Outbox,
    message: Option<Utf8Bytes>,
    room: Option<Pin<Box<tokio::sync::futures::Notified<'a>>>>,
}

impl Future for Push<'_> {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = &mut *self;
        loop {
            if let Some(room) = &mut this.room {
                std::task::ready!(room.as_mut().poll(cx));
                this.room = None;
            }
            let message = this.message.take().expect("Push polled after it completed");
            let Err(message) = this.outbox.try_push(message) else { return Poll::Ready(()) };
            // Full: registered before the second try, so room made in between still wakes us.
            let mut room = Box::pin(this.outbox.room.notified());
            room.as_mut().enable();
            match this.outbox.try_push(message) {
                Ok(()) => return Poll::Ready(()),
                Err(message) => {
                    this.message = Some(message);
                    this.room = Some(room);
                }
            }
        }
    }
}

/// A session's one writer: writes each message of `outbox`, and a ping every `ping_every`.
/// Whatever is queued when it wakes is written as one batch with one flush (the socket's write
/// buffer, see `socket_config`, gathers it into few writes). Ends only when the socket fails.
#[allow(clippy::manual_async_fn, reason = "an async fn would keep a second copy of its arguments")]
fn write_out<'a, W>(sink: &'a mut W, outbox: &'a Outbox, ping_every: Duration) -> impl Future<Output = WsError> + 'a
where
    W: futures_util::Sink<Message, Error = WsError> + Unpin,
{
    // An async block, not an async fn: it uses its captures in place instead of keeping a copy.
    async move {
        let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + ping_every, ping_every);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            let first = std::future::poll_fn(|cx| match outbox.poll_pop(cx) {
                Poll::Ready(text) => Poll::Ready(Message::Text(text)),
                Poll::Pending => ticks.poll_tick(cx).map(|_| Message::Ping(Bytes::new())),
            })
            .await;
            if let Err(e) = sink.feed(first).await {
                return e;
            }
            for _ in 1..BATCH {
                let Some(text) = outbox.try_pop() else { break };
                if let Err(e) = sink.feed(Message::Text(text)).await {
                    return e;
                }
            }
            if let Err(e) = sink.flush().await {
                return e;
            }
        }
    }
}

/// Where a session starts: the page's URL as the client sent it (`loc`), the app's location in
/// it, and the session it asks to resume. A resumed session that finds its page moved meanwhile
/// (back or forward while offline) follows it.
pub(super) struct Start {
    pub(super) href: String,
    pub(super) location: Location,
    pub(super) resume: Option<String>,
}

/// Why a session's receiving side ended.
#[derive(Debug, thiserror::Error)]
enum SessionEnd {
    #[error("client closed the connection")]
    Closed,
    #[error("nothing received for the idle timeout")]
    Idle,
    #[error("message over the size limit")]
    TooBig,
    #[error("messages over the event budget for the flood timeout")]
    Flood,
    #[error("the client resumed the session on a new connection")]
    TakenOver,
    #[error("{0}")]
    Failed(WsError),
}

impl IdomService {
    /// Runs one websocket session until the client leaves, the transport fails or the server
    /// shuts down.
    ///
    /// Not an `async fn`: an async fn keeps its arguments for its whole life beside the locals it
    /// moves them into, and this future lives as long as the session (it is most of an idle
    /// session's memory). The socket is split before the future is made, and the future uses what
    /// it captured in place.
    pub(super) fn session<S>(&self, ws: WebSocketStream<S>, start: Box<Start>) -> impl Future<Output = ()> + Send + '_
    where
        S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
    {
        let (mut sink, stream) = ws.split();
        async move {
            let config = &self.inner.config;
            // Per-client: this connection's layout and link, resumed if the client brought back a
            // parked one. A shared view's client has a link of its own too, only to be answered
            // (uploads): it is not provided to the layout, and navigation is refused.
            let (mut own, link, key) = {
                // Only the start needs these, the box included: the block ends their lives.
                let start = start;
                let Start { href, location, resume } = *start;
                match &self.inner.mode {
                    Mode::PerClient => {
                        let own = self.own_session(resume.as_deref(), &href, location).await;
                        let (link, key) = (own.link.clone(), own.id.clone());
                        (Some(own), link, key)
                    }
                    Mode::Shared(_) => (None, ClientLink::new(&config.prefix, location), random_id()),
                }
            };
            let navigable = own.is_some();
            // Registered while this connection runs (until after it parked, or its task ended), so
            // that the client coming back on another one can take the session over (`take_over`).
            let live = own.as_ref().map(|own| self.go_live(&own.id));
            if let Some(Own { id, resumed, restored, .. }) = &own {
                let hello = serde_json::json!({"type": "session", "id": id, "resumed": resumed, "restored": restored})
                    .to_string();
                if sink.send(Message::Text(hello.into())).await.is_err() {
                    return;
                }
            }
            // Everything that goes out (updates, commands, pings) goes through the outbox to the one
            // writer that owns the sink. It holds few messages: a client that does not read backs
            // the writer up, then the dispatcher, whose renders then coalesce.
            let outbox = Outbox::new();
            let out = &outbox;
            let mut send = move |update: LayoutUpdate| out.push(update.into_message().into()).map(Ok::<(), WsError>);
            // The reader owns the stream half: nothing else reads it. The dispatcher borrows it, and
            // `send`, so that neither is kept twice.
            let mut reader = Reader::new(stream, Receiving { service: self, link: &link, session: &key, navigable });
            // What the app asks of the browser besides patches (history, title), as it is queued.
            let commands = async {
                loop {
                    let Some(text) = self.command_text(link.next_command().await) else { continue };
                    out.push(text.into()).await;
                }
            };
            let writer = write_out(&mut sink, out, config.ping_interval);

            // A shared view's join is boxed: it is the larger future, and every per-client session
            // would otherwise carry room for it.
            let view = self.shared_view();
            let dispatch = match &mut own {
                Some(own) => Either::Left(drive_on(&mut own.layout, &mut send, &mut reader)),
                None => Either::Right(Box::pin(async {
                    match view {
                        Some(view) => view.join(&mut send, &mut reader).await,
                        None => Err(DispatchError::ViewStopped),
                    }
                })),
            };
            // In this order, so that what the dispatcher and the link queue in one wake-up is
            // written in the same one (the writer polled first would find the outbox empty and
            // the session's task would be woken again to write it).
            let outcome = tokio::select! {
                biased;
                result = AssertUnwindSafe(dispatch).catch_unwind() => result,
                () = commands => Ok(Err(DispatchError::Send(WsError::ConnectionClosed))),
                error = writer => Ok(Err(DispatchError::Send(error))),
                () = self.stopped() => Ok(Err(DispatchError::ViewStopped)),
                () = taken_over(live.as_ref()) => Ok(Err(DispatchError::Recv(SessionEnd::TakenOver))),
            };
            let shutting_down = self.inner.shutting_down.load(Ordering::Acquire);
            let (close, park) = match outcome {
                Err(panic) => {
                    let message = crate::layout::panic_message(&*panic);
                    tracing::error!(component = self.inner.name, %message, "session failed; closing it");
                    (Some((CloseCode::Error, "internal error")), false)
                }
                Ok(_) if shutting_down => (Some((CloseCode::Away, "server shutting down")), false),
                Ok(Err(DispatchError::Recv(SessionEnd::TooBig))) => (Some((CloseCode::Size, "message too big")), false),
                Ok(Err(DispatchError::Recv(SessionEnd::Flood))) => {
                    tracing::info!(
                        component = self.inner.name,
                        "session over its event budget for the flood timeout; closing it"
                    );
                    (Some((CloseCode::Policy, "event rate over the limit")), false)
                }
                Ok(Err(DispatchError::Recv(SessionEnd::Idle))) => (Some((CloseCode::Away, "idle timeout")), true),
                Ok(Err(DispatchError::Recv(SessionEnd::TakenOver))) => {
                    (Some((CloseCode::Away, "resumed by a new connection")), true)
                }
                Ok(Err(DispatchError::Recv(SessionEnd::Closed))) => (None, true),
                Ok(Err(DispatchError::Recv(SessionEnd::Failed(e)))) => {
                    tracing::debug!(error = %e, "session transport failed");
                    (None, true)
                }
                Ok(Err(DispatchError::Send(e))) => {
                    tracing::debug!(error = %e, "session send failed");
                    (None, true)
                }
                Ok(Err(DispatchError::ViewStopped)) => (Some((CloseCode::Away, "view stopped")), false),
                Ok(Ok(())) => (None, true),
            };
            let parked = match (park, own) {
                (true, Some(own)) => self.park(own.id, own.layout, own.link),
                _ => false,
            };
            // Parked first, then off the live list: a takeover waiting for it finds it parked.
            drop(live);
            if !parked {
                // The layout, and with it every upload's reader, has gone.
                self.forget_uploads(&key);
            }
            if let Some((code, reason)) = close {
                let _ = sink.send(Message::Close(Some(CloseFrame { code, reason: reason.into() }))).await;
            }
            let _ = sink.close().await;
        }
    }

    /// The layout of a per-client session: the parked one the client came back to, or one
    /// mounted afresh, with the session's persisted state when another process (or an expired
    /// park of this one) left it in the backend.
    async fn own_session(&self, resume: Option<&str>, href: &str, location: Location) -> Own {
        if let Some(id) = resume {
            if let Some(parked) = self.take_over(id).await {
                if parked.link.location() != location && parked.link.arrived(href, Arrival::Pop).is_err() {
                    tracing::debug!(href, "resumed at a location outside the app; kept the old one");
                }
                return Own {
                    id: id.to_owned(),
                    layout: parked.layout,
                    link: parked.link,
                    resumed: true,
                    restored: false,
                };
            }
            match self.inner.backend.claim(id).await {
                Ok(Some(state)) => return self.mount_session(id.to_owned(), location, Some(&state)),
                Ok(None) => {}
                Err(e) => tracing::warn!(error = %e, "could not claim a session's persisted state; starting afresh"),
            }
        }
        self.mount_session(random_id(), location, None)
    }

    fn mount_session(&self, id: String, location: Location, restored: Option<&str>) -> Own {
        let config = &self.inner.config;
        let link = ClientLink::new(&config.prefix, location);
        let store = SessionStore::new(&id, self.inner.backend.clone(), config.resume_window, restored);
        if restored.is_some() {
            // Claiming took the state out of the backend: put it back, for the next move.
            store.save_soon();
        }
        let root = provide_session_store(store, provide_client_link(link.clone(), (self.inner.root)()));
        Own { id, layout: Layout::from_element(root), link, resumed: false, restored: restored.is_some() }
    }

    /// The frame of a command for the browser: a download is offered first, and an eval the app
    /// did not allow is dropped (`None`) with an error log.
    fn command_text(&self, command: ClientCommand) -> Option<String> {
        match command {
            ClientCommand::Action(BrowserAction::Download { name, mime, bytes }) => {
                let url = self.offer_download(&name, &mime, bytes.clone());
                Some(encode_action(&BrowserAction::Download { name, mime, bytes }, Some(&url)))
            }
            ClientCommand::Action(BrowserAction::Eval { .. }) if !self.inner.config.allow_eval => {
                tracing::error!(component = self.inner.name, "eval refused: the app did not opt in with `allow_eval`");
                None
            }
            other => Some(encode_command(&other)),
        }
    }

    /// Tells every session that the server shuts down.
    pub(super) fn shut_down(&self) {
        self.inner.shutting_down.store(true, Ordering::Release);
        self.inner.stop.notify_waiters();
    }

    /// Resolves once the server shuts down.
    async fn stopped(&self) {
        let stop = self.inner.stop.notified();
        tokio::pin!(stop);
        // Registered before the check, so a shutdown in between still wakes us.
        stop.as_mut().enable();
        if self.inner.shutting_down.load(Ordering::Acquire) {
            return;
        }
        stop.await;
    }

    /// Waits until no session (nor upgrade in progress) is left.
    pub(super) async fn sessions_finished(&self) {
        loop {
            let ended = self.inner.sessions_ended.notified();
            tokio::pin!(ended);
            // Registered before the check, so a session ending in between still wakes us.
            ended.as_mut().enable();
            if self.active_sessions() == 0 {
                return;
            }
            ended.await;
        }
    }

    /// How many sessions are connected now.
    pub fn active_sessions(&self) -> usize {
        self.inner.sessions.load(Ordering::Acquire)
    }
}

/// Counts a session against [`ServerConfig::max_sessions`](super::ServerConfig::max_sessions)
/// while it lives.
pub(super) struct SessionSlot(IdomService);

impl SessionSlot {
    /// Takes one of the places, or `None` when all are taken.
    pub(super) fn try_take(service: &IdomService) -> Option<SessionSlot> {
        let taken_before = service.inner.sessions.fetch_add(1, Ordering::AcqRel);
        // Made at once, so that giving the place back also goes through `drop`.
        let slot = SessionSlot(service.clone());
        (taken_before < service.inner.config.max_sessions).then_some(slot)
    }
}

impl Drop for SessionSlot {
    fn drop(&mut self) {
        if self.0.inner.sessions.fetch_sub(1, Ordering::AcqRel) == 1 {
            self.0.inner.sessions_ended.notify_waiters();
        }
    }
}

/// A random, unguessable id (128 bits, hex): of sessions and of upload URLs.
pub(super) fn random_id() -> String {
    let mut bytes = [0u8; 16];
    if getrandom::fill(&mut bytes).is_err() {
        // Without OS randomness the id is only unique; such a session is still never accepted
        // twice, as resuming takes it out of the parked set.
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        bytes[..8].copy_from_slice(&(n as u64).to_le_bytes());
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A per-client session's own layout and link.
struct Own {
    id: String,
    layout: Layout,
    link: ClientLink,
    /// Its layout was parked here and is back as it was.
    resumed: bool,
    /// Mounted afresh with the persisted state the session left in the backend.
    restored: bool,
}

/// What a session's receiving side answers to: the service (uploads), the session's link
/// (navigation and answers) and whether it may navigate (per-client sessions only).
struct Receiving<'a> {
    service: &'a IdomService,
    link: &'a ClientLink,
    /// The session's key for its uploads (its id).
    session: &'a str,
    navigable: bool,
}

/// A session's receiving side: its half of the socket, read by nobody else.
struct Reader<'a, S> {
    stream: futures_util::stream::SplitStream<WebSocketStream<S>>,
    from: Receiving<'a>,
    /// When the last frame came: the idle timer is moved on only when it fires, not per frame.
    last_seen: tokio::time::Instant,
    idle: std::pin::Pin<Box<tokio::time::Sleep>>,
    budget: Budget,
}

impl<'a, S> Reader<'a, S> {
    fn new(stream: futures_util::stream::SplitStream<WebSocketStream<S>>, from: Receiving<'a>) -> Self {
        let config = &from.service.inner.config;
        let now = tokio::time::Instant::now();
        let budget = Budget::new(config.max_events_per_second, config.event_burst, config.flood_timeout, now);
        let idle = Box::pin(tokio::time::sleep_until(now + config.idle_timeout));
        Reader { stream, from, last_seen: now, idle, budget }
    }
}

impl<S> Events for Reader<'_, S>
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    type Error = SessionEnd;

    async fn next(&mut self) -> Result<LayoutEvent, SessionEnd> {
        self.next_event().await
    }
}

impl<S> Reader<'_, S>
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    /// The next event from the client, skipping frames that are not one (logged at debug level).
    /// Navigations move the link on the way (per-client sessions only); an upload announcement is
    /// answered through the link and becomes the `onchange` event with its files. Every data
    /// message takes a token of the session's budget first.
    async fn next_event(&mut self) -> Result<LayoutEvent, SessionEnd> {
        use tokio_tungstenite::tungstenite::error::CapacityError;
        let idle = self.from.service.inner.config.idle_timeout;
        loop {
            let frame = loop {
                // The socket first: a frame that is there makes the idle timer moot (and
                // spares polling it).
                tokio::select! {
                    biased;
                    frame = self.stream.next() => break frame,
                    () = self.idle.as_mut() => {
                        let until = self.last_seen + idle;
                        if until <= tokio::time::Instant::now() {
                            return Err(SessionEnd::Idle);
                        }
                        self.idle.as_mut().reset(until);
                    }
                }
            };
            self.last_seen = tokio::time::Instant::now();
            let text = match frame {
                Some(Ok(Message::Text(text))) => text,
                Some(Ok(Message::Binary(_))) => {
                    self.spend().await?;
                    tracing::debug!("binary frame ignored");
                    continue;
                }
                Some(Ok(Message::Close(_))) | None => return Err(SessionEnd::Closed),
                Some(Ok(_)) => continue,
                Some(Err(WsError::Capacity(CapacityError::MessageTooLong { .. }))) => return Err(SessionEnd::TooBig),
                Some(Err(e)) => return Err(SessionEnd::Failed(e)),
            };
            self.spend().await?;
            let from = &self.from;
            match ClientMessage::decode(text.as_str()) {
                Ok(ClientMessage::LayoutEvent(event)) => return Ok(event),
                Ok(ClientMessage::Navigate { href, how }) if from.navigable => {
                    if let Err(e) = from.link.arrived(&href, how) {
                        tracing::debug!(error = %e, "navigation ignored");
                    }
                }
                Ok(ClientMessage::Navigate { href, .. }) => {
                    tracing::debug!(href, "navigation ignored: a shared view has one location");
                }
                Ok(ClientMessage::UploadStart { upload, target, files }) => {
                    let (event, answer) = from.service.start_upload(from.session, upload, &target, &files);
                    from.link.send(answer);
                    return Ok(event);
                }
                Ok(_) => {}
                Err(e) => tracing::debug!(error = %e, "undecodable message ignored"),
            }
        }
    }

    /// Takes a token of the budget for the message in hand, waiting for one if need be.
    async fn spend(&mut self) -> Result<(), SessionEnd> {
        match self.budget.take(tokio::time::Instant::now()) {
            Ok(None) => Ok(()),
            Ok(Some(at)) => {
                tracing::debug!("event budget spent; the session's socket waits");
                // Boxed: only a client over its budget waits, and the reader's future, which lives
                // as long as the session, need not keep room for a timer.
                Box::pin(tokio::time::sleep_until(at)).await;
                Ok(())
            }
            Err(()) => Err(SessionEnd::Flood),
        }
    }
}
