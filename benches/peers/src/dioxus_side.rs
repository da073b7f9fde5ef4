//! The workloads on dioxus 0.7.10: a headless `VirtualDom`, driven by click events on the element
//! ids its mutations gave the listeners, each render's mutations written as JSON text
//! (`json::JsonWriter`).

use std::any::Any;
use std::rc::Rc;
use std::sync::{Arc, OnceLock};

use dioxus::html::{PlatformEventData, SerializedHtmlEventConverter, SerializedMouseData};
use dioxus::prelude::*;
use dioxus_core::ElementId;

use crate::json::{JsonWriter, click_listeners};
use crate::stats;
use crate::table_app::{Op, TableState};

/// Lets listeners read the click events built here (once per process): the converter dioxus's
/// LiveView installs for events that arrive serialised.
pub(crate) fn init() {
    static ONCE: OnceLock<()> = OnceLock::new();
    ONCE.get_or_init(|| dioxus::html::set_event_converter(Box::new(SerializedHtmlEventConverter)));
}

/// One connection: the dom and the writer that knows which templates the client has.
pub(crate) struct Session {
    dom: VirtualDom,
    writer: JsonWriter,
}

/// A click as a listener receives it, built before the clock starts (as the idom side builds its
/// `LayoutEvent`).
fn click() -> Event<dyn Any> {
    let data: Rc<dyn Any> = Rc::new(PlatformEventData::new(Box::new(SerializedMouseData::default())));
    Event::new(data, true)
}

impl Session {
    /// A dom after its first render; returns the session and that render's message.
    pub(crate) fn new(dom: VirtualDom) -> (Session, String) {
        init();
        let mut session = Session { dom, writer: JsonWriter::default() };
        session.dom.rebuild(&mut session.writer);
        let first = session.writer.take();
        (session, first)
    }

    /// Clicks `id` and renders, unmeasured (setup); returns the message.
    pub(crate) fn click(&mut self, id: ElementId) -> String {
        self.dom.runtime().handle_event("click", click(), id);
        self.dom.render_immediate(&mut self.writer);
        self.writer.take()
    }

    /// One measured action: the click handled, the render, the mutations as JSON text. Returns
    /// (microseconds, the text).
    #[inline(never)]
    pub(crate) fn act(&mut self, id: ElementId) -> (f64, String) {
        let event = click();
        let (text, us) = stats::timed(|| {
            self.dom.runtime().handle_event("click", event, id);
            self.dom.render_immediate(&mut self.writer);
            self.writer.take()
        });
        (us, std::hint::black_box(text))
    }
}

// ---------------------------------------------------------------------------------------------
// counter and children

#[component]
fn ClickCount() -> Element {
    let mut count = use_signal(|| 0);
    rsx! { button { onclick: move |_| count += 1, "Click count: {count}" } }
}

#[component]
fn Child(index: usize) -> Element {
    let mut count = use_signal(|| 0u32);
    rsx! { button { onclick: move |_| count += 1, "{index}: {count}" } }
}

#[component]
fn Children(n: usize) -> Element {
    rsx! {
        div {
            for i in 0..n {
                Child { key: "{i}", index: i }
            }
        }
    }
}

/// A mounted counter and its button.
pub(crate) fn counter() -> (Session, ElementId) {
    let (session, first) = Session::new(VirtualDom::new(ClickCount));
    (session, click_listeners(&first)[0])
}

/// A mounted parent of `n` children and the button of child `n / 2`.
pub(crate) fn children(n: usize) -> (Session, ElementId) {
    let (session, first) = Session::new(VirtualDom::new_with_props(Children, ChildrenProps { n }));
    let buttons = click_listeners(&first);
    assert_eq!(buttons.len(), n);
    (session, buttons[n / 2])
}

// ---------------------------------------------------------------------------------------------
// the table

/// How a table's rows are written: in the table's own `rsx!`, or as a `Row` component with props
/// (memoised by them, like idom's `TableRow`).
#[derive(Clone, Copy, PartialEq, Debug)]
pub(crate) enum Rows {
    Inline,
    Component,
}

impl Rows {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Rows::Inline => "inline",
            Rows::Component => "component",
        }
    }
}

/// The state of a table and what its buttons do: the same `TableState::apply` (the same seeded
/// labels, the same copy of the rows per operation) as idom's table.
#[derive(Clone, Copy, PartialEq)]
struct Store {
    state: Signal<TableState>,
    selected: Signal<Option<usize>>,
}

impl Store {
    fn apply(mut self, op: Op) {
        if matches!(op, Op::Create(_) | Op::Clear) {
            self.selected.set(None);
        }
        let next = self.state.peek().apply(op);
        self.state.set(next);
    }
}

fn use_store() -> Store {
    Store { state: use_signal(TableState::default), selected: use_signal(|| None) }
}

/// The buttons above the table, in the order of idom's table.
const BUTTONS: [&str; 6] = ["run", "runlots", "add", "update", "clear", "swaprows"];

/// The buttons, rendered by the table's own render (as idom's table renders them).
fn buttons(store: Store) -> Element {
    rsx! {
        div { class: "jumbotron",
            button { id: "run", r#type: "button", onclick: move |_| store.apply(Op::Create(1_000)), "Create 1,000 rows" }
            button { id: "runlots", r#type: "button", onclick: move |_| store.apply(Op::Create(10_000)), "Create 10,000 rows" }
            button { id: "add", r#type: "button", onclick: move |_| store.apply(Op::Append(1_000)), "Append 1,000 rows" }
            button { id: "update", r#type: "button", onclick: move |_| store.apply(Op::UpdateEvery10th), "Update every 10th row" }
            button { id: "clear", r#type: "button", onclick: move |_| store.apply(Op::Clear), "Clear" }
            button { id: "swaprows", r#type: "button", onclick: move |_| store.apply(Op::SwapRows), "Swap Rows" }
        }
    }
}

/// The table with its rows in its own `rsx!`.
#[component]
fn TableInline() -> Element {
    let store = use_store();
    let mut selected = store.selected;
    let current = selected();
    rsx! {
        div { class: "container",
            {buttons(store)}
            table { class: "table",
                tbody {
                    for row in store.state.read().rows.iter() {
                        tr { key: "{row.id}", class: if current == Some(row.id) { "danger" },
                            td { class: "col-md-1", "{row.id}" }
                            td { class: "col-md-4",
                                a { onclick: { let id = row.id; move |_| selected.set(Some(id)) }, "{row.label}" }
                            }
                            td { class: "col-md-1",
                                a { onclick: { let id = row.id; move |_| store.apply(Op::Remove(id)) }, "x" }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// One row as a component, memoised by its props.
#[component]
fn Row(id: usize, label: Arc<str>, selected: bool, store: Store) -> Element {
    let mut select = store.selected;
    rsx! {
        tr { class: if selected { "danger" },
            td { class: "col-md-1", "{id}" }
            td { class: "col-md-4", a { onclick: move |_| select.set(Some(id)), "{label}" } }
            td { class: "col-md-1", a { onclick: move |_| store.apply(Op::Remove(id)), "x" } }
        }
    }
}

/// The table with a `Row` component per row.
#[component]
fn TableComponents() -> Element {
    let store = use_store();
    let current = (store.selected)();
    rsx! {
        div { class: "container",
            {buttons(store)}
            table { class: "table",
                tbody {
                    for row in store.state.read().rows.iter() {
                        Row { key: "{row.id}", id: row.id, label: row.label.clone(), selected: current == Some(row.id), store }
                    }
                }
            }
        }
    }
}

/// The click targets of a table: its buttons, and the click listeners the last render of the
/// setup created (after a `run`, the rows': row k's label link is `2k`, its remove link `2k + 1`).
///
/// Element ids come from a slab, so a dom built by the same steps has the same ids: targets are
/// found once, from the mutations of one such dom, and runs do not parse messages.
pub(crate) struct TableTargets {
    buttons: Vec<ElementId>,
    pub(crate) created: Vec<ElementId>,
}

impl TableTargets {
    pub(crate) fn find(rows: Rows, setup: &[&str]) -> TableTargets {
        let (mut session, first) = Session::new(table_dom(rows));
        let buttons = click_listeners(&first);
        assert_eq!(buttons.len(), BUTTONS.len(), "the table's buttons");
        let mut targets = TableTargets { buttons, created: Vec::new() };
        for id in setup {
            let message = session.click(targets.button(id));
            targets.created = click_listeners(&message);
        }
        targets
    }

    /// The element id of the button `id` (`run`).
    pub(crate) fn button(&self, id: &str) -> ElementId {
        self.buttons[BUTTONS.iter().position(|b| *b == id).expect("a known button")]
    }
}

fn table_dom(rows: Rows) -> VirtualDom {
    match rows {
        Rows::Inline => VirtualDom::new(TableInline),
        Rows::Component => VirtualDom::new(TableComponents),
    }
}

/// A table session after clicking the buttons `setup` (by id).
pub(crate) fn table_with(rows: Rows, setup: &[&str], targets: &TableTargets) -> Session {
    let (mut session, _) = Session::new(table_dom(rows));
    for id in setup {
        session.click(targets.button(id));
    }
    session
}
