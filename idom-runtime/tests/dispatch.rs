//! Dispatchers over channels: the single view, the shared view with clients joining at different
//! times, stalled and failing clients, and cancellation.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock};
use std::time::Duration;

use idom_runtime::dispatch::{
    DispatchError, SharedViewConfig, create_shared_view_dispatcher, create_shared_view_dispatcher_with,
    dispatch_single_view,
};
use idom_runtime::hooks::{use_effect, use_state};
use idom_runtime::html::{button, div, events};
use idom_runtime::testing::{StaticEventHandler, apply_update};
use idom_runtime::{Component, Element, HookContext, Layout, LayoutEvent, LayoutUpdate};
use serde_json::{Value, json};
use tokio::sync::mpsc;

static CLICK: LazyLock<StaticEventHandler> = LazyLock::new(StaticEventHandler::new);

#[derive(PartialEq)]
struct Counter;

impl Component for Counter {
    fn render(&self, cx: &mut HookContext<'_>) -> Element {
        let (count, set_count) = use_state::__call(cx, || 0);
        button()
            .on_target(events::onclick, CLICK.target(), move |_| set_count.update(|c| c + 1))
            .child(format!("Count: {count}"))
            .into()
    }
}

fn text_of(model: &Value) -> String {
    model["children"][0]["children"][0].as_str().unwrap_or_default().to_owned()
}

/// The seed's test: `send` collects updates and stops after 5; `recv` releases one click per sent
/// update. Exactly 5 distinct updates, the last showing the count the clicks imply.
#[tokio::test]
async fn single_view_sends_one_update_per_click() {
    let (release, released) = mpsc::unbounded_channel::<()>();
    let released = Arc::new(tokio::sync::Mutex::new(released));
    let sent = Arc::new(std::sync::Mutex::new(Vec::<LayoutUpdate>::new()));
    let sink = sent.clone();
    let send = move |update: LayoutUpdate| {
        let sink = sink.clone();
        let release = release.clone();
        async move {
            let mut sent = sink.lock().unwrap();
            sent.push(update);
            if sent.len() == 5 {
                return Err("stop after 5");
            }
            release.send(()).map_err(|_| "closed")?;
            Ok(())
        }
    };
    let recv = move || {
        let released = released.clone();
        async move {
            released.lock().await.recv().await.ok_or("no more")?;
            Ok::<_, &str>(CLICK.event(vec![json!({"type": "click"})]))
        }
    };
    let result = tokio::time::timeout(Duration::from_secs(10), dispatch_single_view(Layout::new(Counter), send, recv))
        .await
        .expect("dispatch finished");
    assert!(matches!(result, Err(DispatchError::Send("stop after 5"))));
    let sent = sent.lock().unwrap();
    assert_eq!(sent.len(), 5);
    let mut model = Value::Null;
    for (i, update) in sent.iter().enumerate() {
        apply_update(&mut model, update).unwrap();
        assert_eq!(text_of(&model), format!("Count: {i}"));
    }
    let distinct: std::collections::HashSet<String> = sent.iter().map(LayoutUpdate::to_message).collect();
    assert_eq!(distinct.len(), 5);
}

/// A test client of a shared view: its model, rebuilt from its own updates.
struct Client {
    updates: mpsc::UnboundedReceiver<LayoutUpdate>,
    events: mpsc::UnboundedSender<LayoutEvent>,
    model: Value,
    task: tokio::task::JoinHandle<Result<(), String>>,
}

impl Client {
    fn join(view: &idom_runtime::dispatch::SharedViewDispatcher) -> Client {
        let (update_tx, updates) = mpsc::unbounded_channel();
        let (events, event_rx) = mpsc::unbounded_channel::<LayoutEvent>();
        let event_rx = Arc::new(tokio::sync::Mutex::new(event_rx));
        let view = view.clone();
        let task = tokio::spawn(async move {
            view.join(
                move |u| {
                    let tx = update_tx.clone();
                    async move { tx.send(u).map_err(|_| "client gone".to_owned()) }
                },
                move || {
                    let rx = event_rx.clone();
                    async move { rx.lock().await.recv().await.ok_or_else(|| "client closed".to_owned()) }
                },
            )
            .await
            .map_err(|e| e.to_string())
        });
        Client { updates, events, model: Value::Null, task }
    }

    /// Applies updates until the model shows `text` (or fails after a while).
    async fn wait_for(&mut self, text: &str) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
        while text_of(&self.model) != text {
            let update = tokio::time::timeout_at(deadline, self.updates.recv())
                .await
                .unwrap_or_else(|_| panic!("timed out waiting for {text:?}, model {}", self.model))
                .expect("view open");
            apply_update(&mut self.model, &update).unwrap();
        }
    }

    fn click(&self) {
        self.events.send(CLICK.event(vec![json!({"type": "click"})])).unwrap();
    }
}

#[tokio::test]
async fn shared_view_keeps_clients_in_sync() {
    let (view, driver) = create_shared_view_dispatcher(Layout::new(Counter));
    let driver = tokio::spawn(driver);

    let mut a = Client::join(&view);
    a.wait_for("Count: 0").await;
    a.click();
    a.wait_for("Count: 1").await;

    // b joins late: its first update is the whole model.
    let mut b = Client::join(&view);
    let first = b.updates.recv().await.unwrap();
    assert_eq!(first.path, "");
    apply_update(&mut b.model, &first).unwrap();
    assert_eq!(text_of(&b.model), "Count: 1");

    b.click();
    a.wait_for("Count: 2").await;
    b.wait_for("Count: 2").await;

    // c joins, then a drops mid-stream: the others go on.
    let mut c = Client::join(&view);
    c.wait_for("Count: 2").await;
    a.task.abort();
    drop(a);
    c.click();
    c.click();
    b.wait_for("Count: 4").await;
    c.wait_for("Count: 4").await;
    assert_eq!(b.model, c.model);

    drop(view);
    b.task.abort();
    c.task.abort();
    tokio::time::timeout(Duration::from_secs(5), driver).await.expect("driver stops when everyone left").unwrap();
}

#[tokio::test]
async fn a_stalled_client_is_resynchronised_with_the_whole_model() {
    let config = SharedViewConfig { max_pending_updates: 3, ..SharedViewConfig::default() };
    let (view, driver) = create_shared_view_dispatcher_with(Layout::new(Counter), config);
    tokio::spawn(driver);

    // The stalled client's `send` blocks until released.
    let (gate_tx, gate_rx) = tokio::sync::watch::channel(false);
    let received = Arc::new(std::sync::Mutex::new(Vec::<LayoutUpdate>::new()));
    let sink = received.clone();
    let stalled_view = view.clone();
    tokio::spawn(async move {
        stalled_view
            .join(
                move |u| {
                    let sink = sink.clone();
                    let mut gate = gate_rx.clone();
                    async move {
                        let _ = gate.wait_for(|open| *open).await;
                        sink.lock().unwrap().push(u);
                        Ok::<_, ()>(())
                    }
                },
                std::future::pending::<Result<LayoutEvent, ()>>,
            )
            .await
    });

    let mut fast = Client::join(&view);
    fast.wait_for("Count: 0").await;
    for i in 1..=20 {
        fast.click();
        fast.wait_for(&format!("Count: {i}")).await;
    }
    gate_tx.send(true).unwrap();
    // The stalled client gets: the update it was blocked on, then at most the bound, the first of
    // which is a whole model; applying them in order gives the current model.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        let got = received.lock().unwrap().clone();
        let mut model = Value::Null;
        for u in &got {
            apply_update(&mut model, u).unwrap();
        }
        if text_of(&model) == "Count: 20" {
            assert!(got.len() <= 1 + 3 + 1, "{} updates kept for a stalled client", got.len());
            assert!(got.iter().skip(1).any(|u| u.path.is_empty()), "resynchronised with a whole model");
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "stalled client never caught up: {model}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

static CLEANUPS: AtomicUsize = AtomicUsize::new(0);

#[derive(PartialEq)]
struct WithEffect(u32);

impl Component for WithEffect {
    fn render(&self, cx: &mut HookContext<'_>) -> Element {
        use_effect::__call(
            cx,
            || {
                || {
                    CLEANUPS.fetch_add(1, Ordering::SeqCst);
                }
            },
            (),
        );
        Element::text(format!("effect {}", self.0))
    }
}

#[derive(PartialEq)]
struct ManyEffects;

impl Component for ManyEffects {
    fn render(&self, _cx: &mut HookContext<'_>) -> Element {
        div().child((0..3).map(|i| Element::component(WithEffect(i)))).into()
    }
}

#[tokio::test]
async fn dropping_the_dispatch_runs_every_cleanup_once() {
    let (first_sent, mut got_first) = mpsc::unbounded_channel::<()>();
    let dispatch = dispatch_single_view(
        Layout::new(ManyEffects),
        move |_| {
            let _ = first_sent.send(());
            async { Ok::<_, ()>(()) }
        },
        std::future::pending::<Result<LayoutEvent, ()>>,
    );
    let task = tokio::spawn(dispatch);
    got_first.recv().await.unwrap();
    assert_eq!(CLEANUPS.load(Ordering::SeqCst), 0);
    task.abort();
    let _ = task.await;
    assert_eq!(CLEANUPS.load(Ordering::SeqCst), 3);
}
