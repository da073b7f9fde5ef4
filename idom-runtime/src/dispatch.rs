//! Dispatchers: the loops that animate a [`Layout`] over a transport.
//!
//! A dispatcher sends every update out and delivers every incoming event until the transport ends.
//! [`dispatch_single_view`] drives one layout for one client; [`create_shared_view_dispatcher`]
//! drives one layout that any number of clients join, all seeing one synchronised view. Both take
//! plain async functions, so they work over websockets (the server), channels (tests) or anything
//! else.
//!
//! Rendering and receiving run concurrently: while an update is being sent, events keep being
//! delivered, and the state changes they cause are coalesced into the next render instead of
//! queueing one update per event.

use std::collections::VecDeque;
use std::future::Future;
use std::sync::{Arc, Mutex};

use tokio::sync::{Notify, mpsc};

use crate::Layout;
use crate::protocol::{Json, LayoutEvent, LayoutUpdate, Op, PatchOp};
use crate::sync::OrPoisoned as _;

/// Why a dispatch ended.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DispatchError<SE, RE> {
    /// Sending an update failed (the client went away, the socket broke...).
    #[error("sending an update failed: {0}")]
    Send(SE),
    /// Receiving an event failed, or the client closed the stream.
    #[error("receiving an event failed: {0}")]
    Recv(RE),
    /// The shared view this client joined has stopped.
    #[error("the shared view has stopped")]
    ViewStopped,
}

/// Drives `layout` for one client: renders, sends each update with `send`, and delivers each event
/// that `recv` returns, until either fails. The layout is dropped when this returns or when the
/// future is dropped, which runs every effect cleanup once and cancels the layout's tasks.
///
/// ```
/// use idom::prelude::*;
/// use idom::dispatch::dispatch_single_view;
///
/// #[component]
/// fn Hello() -> Element {
///     html! { <p>"Hello"</p> }
/// }
///
/// # tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap().block_on(async {
/// let mut sent = Vec::new();
/// let result = dispatch_single_view(
///     Layout::new(Hello),
///     |update| {
///         sent.push(update);
///         async { Err::<(), _>("stop after the first update") }
///     },
///     || std::future::pending::<Result<LayoutEvent, ()>>(),
/// )
/// .await;
/// assert!(result.is_err());
/// assert_eq!(sent[0].path, "");
/// # });
/// ```
pub async fn dispatch_single_view<S, SF, SE, R, RF, RE>(
    mut layout: Layout,
    send: S,
    recv: R,
) -> Result<(), DispatchError<SE, RE>>
where
    S: FnMut(LayoutUpdate) -> SF,
    SF: Future<Output = Result<(), SE>>,
    R: FnMut() -> RF,
    RF: Future<Output = Result<LayoutEvent, RE>>,
{
    drive(&mut layout, send, FnEvents(recv), false).await
}

/// [`dispatch_single_view`] on a borrowed layout, which outlives the transport: the server keeps
/// it to resume the session when the client reconnects. A layout that was already rendered first
/// sends its whole model (path `""`), so a new transport starts from a full model either way.
pub async fn dispatch_single_view_on<S, SF, SE, R, RF, RE>(
    layout: &mut Layout,
    send: S,
    recv: R,
) -> Result<(), DispatchError<SE, RE>>
where
    S: FnMut(LayoutUpdate) -> SF,
    SF: Future<Output = Result<(), SE>>,
    R: FnMut() -> RF,
    RF: Future<Output = Result<LayoutEvent, RE>>,
{
    drive_on(layout, send, FnEvents(recv)).await
}

/// Where a dispatcher's events come from, one at a time. Unlike a closure, the future of
/// [`next`](Events::next) may borrow the source (the server's reader owns its socket half and
/// reads it without a lock).
pub(crate) trait Events {
    /// Why receiving ended.
    type Error;
    /// The next event.
    async fn next(&mut self) -> Result<LayoutEvent, Self::Error>;
}

/// A borrowed source: the server's session keeps its reader, and the dispatcher's future holds
/// only the reference.
impl<E: Events> Events for &mut E {
    type Error = E::Error;
    fn next(&mut self) -> impl Future<Output = Result<LayoutEvent, E::Error>> {
        (**self).next()
    }
}

/// The events of a `recv` closure.
struct FnEvents<R>(R);

impl<R, RF, RE> Events for FnEvents<R>
where
    R: FnMut() -> RF,
    RF: Future<Output = Result<LayoutEvent, RE>>,
{
    type Error = RE;
    async fn next(&mut self) -> Result<LayoutEvent, RE> {
        (self.0)().await
    }
}

/// [`dispatch_single_view_on`] over any [`Events`]. Not an `async fn` of its own: the future is
/// [`drive`]'s, with no wrapper holding a second copy of `send` and `events` (it lives as long as
/// the session).
pub(crate) fn drive_on<'a, S, SF, SE, E>(
    layout: &'a mut Layout,
    send: S,
    events: E,
) -> impl Future<Output = Result<(), DispatchError<SE, E::Error>>> + 'a
where
    S: FnMut(LayoutUpdate) -> SF + 'a,
    SF: Future<Output = Result<(), SE>> + 'a,
    SE: 'a,
    E: Events + 'a,
{
    let resend = layout.is_mounted();
    drive(layout, send, events, resend)
}

/// Renders and sends, and receives and delivers, concurrently; first sends the whole model when
/// `resend`. The futures of the update being sent and of the event being received live on this
/// future's stack: nothing is allocated per event or per update here.
async fn drive<S, SF, SE, E>(
    layout: &mut Layout,
    mut send: S,
    mut events: E,
    resend: bool,
) -> Result<(), DispatchError<SE, E::Error>>
where
    S: FnMut(LayoutUpdate) -> SF,
    SF: Future<Output = Result<(), SE>>,
    E: Events,
{
    if resend {
        send(full_model(layout)).await.map_err(DispatchError::Send)?;
    }
    let mut sending = std::pin::pin!(None::<SF>);
    loop {
        let event = {
            let mut receiving = std::pin::pin!(events.next());
            loop {
                tokio::select! {
                    event = &mut receiving => break event,
                    result = async { sending.as_mut().as_pin_mut().expect("guarded").await }, if sending.is_some() => {
                        sending.set(None);
                        result.map_err(DispatchError::Send)?;
                    }
                    update = layout.render(), if sending.is_none() => {
                        sending.set(Some(send(update)));
                    }
                }
            }
        };
        layout.deliver(event.map_err(DispatchError::Recv)?).await;
    }
}

/// How a shared view treats its clients.
#[derive(Clone, Copy, Debug)]
pub struct SharedViewConfig {
    /// Updates a client may have waiting to be sent. A client that falls further behind has its
    /// queue replaced by one update carrying the whole current model (path `""`), so a slow client
    /// costs at most this many updates of memory and catches up in one step.
    pub max_pending_updates: usize,
    /// Events waiting to reach the layout, from all clients together; a client whose events do not
    /// fit waits (its `recv` is not polled) until they do.
    pub max_pending_events: usize,
}

impl Default for SharedViewConfig {
    fn default() -> Self {
        SharedViewConfig { max_pending_updates: 64, max_pending_events: 1024 }
    }
}

/// A handle to a shared view: every client that [`join`](Self::join)s sees the same layout.
/// Cheap to clone. The view stops when every handle and every joined client is gone.
#[derive(Clone)]
pub struct SharedViewDispatcher {
    commands: mpsc::UnboundedSender<Command>,
    events: mpsc::Sender<LayoutEvent>,
    max_pending_updates: usize,
}

impl std::fmt::Debug for SharedViewDispatcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SharedViewDispatcher").finish_non_exhaustive()
    }
}

enum Command {
    Join(Arc<ClientQueue>),
    Html(tokio::sync::oneshot::Sender<String>),
}

/// The updates waiting for one client of a shared view.
pub(crate) struct ClientQueue {
    state: Mutex<QueueState>,
    ready: Notify,
}

struct QueueState {
    updates: VecDeque<LayoutUpdate>,
    closed: bool,
}

impl ClientQueue {
    pub(crate) fn new() -> ClientQueue {
        ClientQueue { state: Mutex::new(QueueState { updates: VecDeque::new(), closed: false }), ready: Notify::new() }
    }

    pub(crate) fn push(&self, update: LayoutUpdate, max: usize, model: impl FnOnce() -> LayoutUpdate) {
        let mut state = self.state.lock().or_poisoned();
        if state.updates.len() >= max {
            state.updates.clear();
            state.updates.push_back(model());
        } else {
            state.updates.push_back(update);
        }
        drop(state);
        self.ready.notify_one();
    }

    pub(crate) async fn pop(&self) -> Option<LayoutUpdate> {
        loop {
            {
                let mut state = self.state.lock().or_poisoned();
                if let Some(update) = state.updates.pop_front() {
                    return Some(update);
                }
                if state.closed {
                    return None;
                }
            }
            self.ready.notified().await;
        }
    }

    pub(crate) fn close(&self) {
        self.state.lock().or_poisoned().closed = true;
        self.ready.notify_one();
    }

    pub(crate) fn is_closed(&self) -> bool {
        self.state.lock().or_poisoned().closed
    }
}

/// One client of a shared view: sends what `queue` gets with `send`, and hands every event `recv`
/// returns to `forward` (which says whether the view still takes them), until either side fails
/// or the view stops.
pub(crate) async fn serve_client<S, SF, SE, E, F, FF>(
    queue: &ClientQueue,
    mut send: S,
    mut events: E,
    mut forward: F,
) -> Result<(), DispatchError<SE, E::Error>>
where
    S: FnMut(LayoutUpdate) -> SF,
    SF: Future<Output = Result<(), SE>>,
    E: Events,
    F: FnMut(LayoutEvent) -> FF,
    FF: Future<Output = bool>,
{
    let sender = async {
        while let Some(update) = queue.pop().await {
            send(update).await.map_err(DispatchError::Send)?;
        }
        Err(DispatchError::ViewStopped)
    };
    let receiver = async {
        loop {
            let event = events.next().await.map_err(DispatchError::Recv)?;
            if !forward(event).await {
                return Err(DispatchError::ViewStopped);
            }
        }
    };
    tokio::select! {
        result = sender => result,
        result = receiver => result,
    }
}

/// Closes a client's queue when its `join` ends, however it ends.
pub(crate) struct Leave(pub(crate) Arc<ClientQueue>);
impl Drop for Leave {
    fn drop(&mut self) {
        self.0.close();
    }
}

/// An update that builds `layout`'s whole current model.
pub(crate) fn full_model(layout: &Layout) -> LayoutUpdate {
    LayoutUpdate {
        path: String::new(),
        changes: vec![PatchOp {
            op: Op::Add,
            path: String::new(),
            from: None,
            value: Some(Json::new(layout.model_json())),
        }],
    }
}

/// Creates a shared view of `layout` with the default [`SharedViewConfig`]. Returns the handle
/// clients join with and the driver future, which owns the layout and must be spawned (or
/// awaited); it ends, dropping the layout, when the handle, its clones and all clients are gone.
///
/// ```
/// use idom::prelude::*;
/// use idom::dispatch::create_shared_view_dispatcher;
///
/// #[component]
/// fn Hello() -> Element {
///     html! { <p>"Hello"</p> }
/// }
///
/// # tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap().block_on(async {
/// let (view, driver) = create_shared_view_dispatcher(Layout::new(Hello));
/// tokio::spawn(driver);
/// // Each connection: view.join(send, recv).await
/// # let _ = view;
/// # });
/// ```
pub fn create_shared_view_dispatcher(layout: Layout) -> (SharedViewDispatcher, impl Future<Output = ()> + Send) {
    create_shared_view_dispatcher_with(layout, SharedViewConfig::default())
}

/// [`create_shared_view_dispatcher`] with an explicit configuration.
pub fn create_shared_view_dispatcher_with(
    mut layout: Layout,
    config: SharedViewConfig,
) -> (SharedViewDispatcher, impl Future<Output = ()> + Send) {
    let (commands, mut joins) = mpsc::unbounded_channel::<Command>();
    let (events, mut incoming) = mpsc::channel::<LayoutEvent>(config.max_pending_events.max(1));
    let max = config.max_pending_updates.max(1);
    let handle = SharedViewDispatcher { commands, events, max_pending_updates: max };
    let driver = async move {
        // Mount before anyone joins; joiners get the model, not this first update.
        let _ = layout.render().await;
        let mut clients: Vec<Arc<ClientQueue>> = Vec::new();
        let mut joins_open = true;
        loop {
            tokio::select! {
                command = joins.recv(), if joins_open => match command {
                    Some(Command::Join(client)) => {
                        client.push(full_model(&layout), max, || full_model(&layout));
                        clients.push(client);
                    }
                    Some(Command::Html(reply)) => {
                        let _ = reply.send(layout.to_html());
                    }
                    None => joins_open = false,
                },
                event = incoming.recv() => match event {
                    Some(event) => layout.deliver(event).await,
                    None => break,
                },
                update = layout.render() => {
                    clients.retain(|c| !c.is_closed());
                    for client in &clients {
                        client.push(update.clone(), max, || full_model(&layout));
                    }
                }
            }
            if !joins_open && clients.iter().all(|c| c.is_closed()) && incoming.is_closed() {
                break;
            }
        }
        for client in &clients {
            client.close();
        }
    };
    (handle, driver)
}

impl SharedViewDispatcher {
    /// Joins the view as one client: first `send` receives the whole current model as one update
    /// with path `""`, then every update all clients get, in the same order; events that `recv`
    /// returns reach the shared layout. Returns when `send` or `recv` fails or the view stops; a
    /// client leaving never disturbs the others.
    pub async fn join<S, SF, SE, R, RF, RE>(&self, send: S, recv: R) -> Result<(), DispatchError<SE, RE>>
    where
        S: FnMut(LayoutUpdate) -> SF,
        SF: Future<Output = Result<(), SE>>,
        R: FnMut() -> RF,
        RF: Future<Output = Result<LayoutEvent, RE>>,
    {
        self.join_with(send, FnEvents(recv)).await
    }

    /// [`join`](Self::join) over any [`Events`].
    pub(crate) async fn join_with<S, SF, SE, E>(&self, send: S, events: E) -> Result<(), DispatchError<SE, E::Error>>
    where
        S: FnMut(LayoutUpdate) -> SF,
        SF: Future<Output = Result<(), SE>>,
        E: Events,
    {
        let queue = Arc::new(ClientQueue::new());
        let _leave = Leave(queue.clone());
        if self.commands.send(Command::Join(queue.clone())).is_err() {
            return Err(DispatchError::ViewStopped);
        }
        serve_client(&queue, send, events, |event| async { self.events.send(event).await.is_ok() }).await
    }

    /// The current view as HTML (see [`Layout::to_html`]), or `None` if the view stopped.
    pub async fn html(&self) -> Option<String> {
        let (reply, answer) = tokio::sync::oneshot::channel();
        self.commands.send(Command::Html(reply)).ok()?;
        answer.await.ok()
    }

    /// The configured bound on a client's waiting updates.
    pub fn max_pending_updates(&self) -> usize {
        self.max_pending_updates
    }
}
