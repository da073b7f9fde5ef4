//! Templates: an `html!` element tree of fixed shape is rendered as its dynamic parts only, and
//! nothing a user sees depends on it. It shows the model the builders would show, its patches
//! bring the client's model to the layout's through every kind of change (attributes appearing
//! and going, texts, a text part that becomes an element and back, another markup at the same
//! place, markup built by hand), and its handlers keep receiving events through all of that.
//! (That a render allocates only for its dynamic parts is `static_alloc.rs`.)

use idom::html::{self as h, EventOptions};
use idom::prelude::*;
use idom::testing::TestLayout;
use serde_json::{Value, json};

/// A tree that is a template: literal and dynamic attributes on one element, an attribute that
/// is the element's only one, a flag, literal texts beside elements, a text of a literal and a
/// value, a void element, and handlers with and without options.
fn card(step: usize, content: Element, next: impl Fn(Event) + Send + Sync + 'static) -> Element {
    let odd = step % 2 == 1;
    html! {
        <section class="card" data-step={step}>
            <h1 title={odd.then_some("odd")}>"Step " {step}</h1>
            "between"
            <p>{content}</p>
            <button class={odd.then_some("odd")} onclick={next} onfocus|prevent_default={|_| {}}>"next"</button>
            <input disabled={odd} />
        </section>
    }
}

/// The same markup with the builders (as ordinary elements).
fn card_by_hand(step: usize, content: Element, next: impl Fn(Event) + Send + Sync + 'static) -> Element {
    let odd = step % 2 == 1;
    h::section()
        .attr("class", "card")
        .attr("data-step", step)
        .child(h::h1().attr("title", odd.then_some("odd")).child("Step ").child(step))
        .child("between")
        .child(h::p().child(content))
        .child(
            h::button()
                .attr("class", odd.then_some("odd"))
                .on(h::events::onclick, next)
                .on_with(h::events::onfocus, EventOptions::new().prevent_default(), |_| {})
                .child("next"),
        )
        .child(h::input().attr("disabled", odd))
        .into()
}

/// Another markup with the same root tag, its button at the same place.
fn other(step: usize, next: impl Fn(Event) + Send + Sync + 'static) -> Element {
    html! {
        <section class="other">
            <h1>"Other"</h1>
            "between"
            <p>"step " {step}</p>
            <button onclick={next}>"again"</button>
        </section>
    }
}

/// The model without handler targets (they name arena slots, which differ between the forms).
fn without_targets(mut model: Value) -> Value {
    fn strip(v: &mut Value) {
        match v {
            Value::Object(o) => {
                o.remove("target");
                o.values_mut().for_each(strip);
            }
            Value::Array(a) => a.iter_mut().for_each(strip),
            _ => {}
        }
    }
    strip(&mut model);
    model
}

#[test]
fn a_template_shows_the_model_of_the_same_markup_built_by_hand() {
    for step in 0..4 {
        let content = || if step == 3 { Element::from(h::em().child("em")) } else { Element::from(format!("c{step}")) };
        let template = card(step, content(), |_| {});
        let by_hand = card_by_hand(step, content(), |_| {});
        assert_eq!(template.to_json(), by_hand.to_json(), "step {step}");
        let mut a = Layout::from_element(template);
        let mut b = Layout::from_element(by_hand);
        a.try_render();
        b.try_render();
        assert_eq!(without_targets(a.model()), without_targets(b.model()), "step {step}");
        assert_eq!(a.to_html(), b.to_html(), "step {step}");
        // Mounted as a template, a handler's target names its hole; built as elements, not.
        let target = a.model()["children"][0]["children"][3]["eventHandlers"]["onClick"]["target"].clone();
        let first = target.as_str().unwrap().split(':').next().unwrap().to_owned();
        assert_eq!(first.contains('.'), step != 3, "target {target} at step {step}");
    }
    let html = {
        let mut layout = Layout::from_element(card(1, "c".into(), |_| {}));
        layout.try_render();
        layout.to_html()
    };
    assert_eq!(
        html,
        r#"<section class="card" data-step="1"><h1 title="odd">Step 1</h1>between<p>c</p><button class="odd">next</button><input disabled></section>"#
    );
}

/// Each click shows the next step's markup: a template whose parts change, its text part an
/// element every fifth step, another template of the same tag, and the markup built by hand.
#[component]
fn Steps() -> Element {
    let (step, set_step) = use_state(|| 0usize);
    let next = move |_| set_step.update(|s| s + 1);
    let content = if step % 5 == 3 {
        html! { <em>"an element"</em> }
    } else {
        Element::from(format!("text {step}"))
    };
    match step % 11 {
        6 | 7 => other(step, next),
        9 => card_by_hand(step, content, next),
        _ => card(step, content, next),
    }
}

#[tokio::test]
async fn patches_of_a_template_bring_the_client_to_the_layout_and_its_handlers_keep_working() {
    let mut page = TestLayout::new(Steps).await;
    for step in 0..40usize {
        let button = page.find_all_by_tag("button").remove(0);
        page.fire(&button, "onclick", json!({"type": "click"})).await.expect("an update");
        let model = page.layout().model();
        assert_eq!(page.model(), &model, "after step {step}");
        let now = step + 1;
        let text = page.text();
        match now % 11 {
            6 | 7 => assert!(text.contains(&format!("step {now}")), "{text}"),
            _ => assert!(text.starts_with(&format!("Step {now}")), "{text}"),
        }
        let odd = now % 2 == 1 && !matches!(now % 11, 6 | 7);
        let button = page.find_all_by_tag("button").remove(0);
        assert_eq!(button.attr("class").is_some(), odd, "step {now}: {:?}", button.node);
    }
}

#[tokio::test]
async fn an_attribute_that_is_an_elements_only_one_comes_and_goes_as_the_whole_object() {
    let mut page = TestLayout::new(Steps).await;
    let button = page.find_all_by_tag("button").remove(0);
    let update = page.fire(&button, "onclick", json!({"type": "click"})).await.unwrap();
    let ops = update.changes_json();
    let ops = ops.as_array().unwrap();
    let paths: Vec<(&str, &str)> =
        ops.iter().map(|op| (op["op"].as_str().unwrap(), op["path"].as_str().unwrap())).collect();
    // Step 0 to 1 (paths below the section, the update's path): `data-step` changes beside the
    // literal `class`; the `h1`'s only attribute appears as a whole object; its text and the
    // `p`'s change; the button gets a class beside nothing else (handlers are no attributes);
    // the input's flag appears.
    assert_eq!(
        paths,
        [
            ("replace", "/attributes/data-step"),
            ("add", "/children/0/attributes"),
            ("replace", "/children/0/children/0"),
            ("replace", "/children/2/children/0"),
            ("add", "/children/3/attributes"),
            ("add", "/children/4/attributes"),
        ]
    );
    let button = page.find_all_by_tag("button").remove(0);
    let update = page.fire(&button, "onclick", json!({"type": "click"})).await.unwrap();
    let changes = update.changes_json();
    let removed: Vec<&str> = changes
        .as_array()
        .unwrap()
        .iter()
        .filter(|op| op["op"] == "remove")
        .map(|op| op["path"].as_str().unwrap())
        .collect();
    assert_eq!(removed, ["/children/0/attributes", "/children/3/attributes", "/children/4/attributes"]);
}

#[tokio::test]
async fn a_template_whose_text_becomes_an_element_is_built_as_elements_and_keeps_working() {
    #[component]
    fn Flip() -> Element {
        let (n, set_n) = use_state(|| 0);
        let content = if n == 1 {
            html! { <em>"em"</em> }
        } else {
            Element::from("plain")
        };
        html! {
            <div>
                <p>{content}</p>
                <button onclick={move |_| set_n.update(|n| n + 1)}>{n}</button>
            </div>
        }
    }
    let mut page = TestLayout::new(Flip).await;
    let button = page.find_all_by_tag("button").remove(0);
    let old = button.target("onclick").unwrap();
    assert!(old.split(':').next().unwrap().contains('.'), "{old}");
    // The text part becomes an element: the template is built as elements, and the button gets
    // a target of its own.
    page.fire(&button, "onclick", json!({"type": "click"})).await.unwrap();
    let button = page.find_all_by_tag("button").remove(0);
    assert_eq!(button.text(), "1");
    let new = button.target("onclick").unwrap();
    assert_ne!(old, new);
    // And back to a text: the place keeps its elements, the button its target.
    page.fire(&button, "onclick", json!({"type": "click"})).await.unwrap();
    let button = page.find_all_by_tag("button").remove(0);
    assert_eq!((button.text(), button.target("onclick").unwrap()), ("2".to_owned(), new));
    let model = page.layout().model();
    assert_eq!(page.model(), &model);
}

mod oracle {
    //! Random lists of rows, each one of three markups (two templates of one root tag and the
    //! same tag built by hand) with random values, under random edits: after every update the
    //! client's model (every update applied with the `json-patch` crate) is the layout's, equals a
    //! fresh layout's rendered from the same state (targets aside), and every row's button still
    //! reaches its handler (written in place in one template, given as a value in the other).

    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, Mutex};

    use idom::hooks::use_update;
    use idom::html as h;
    use idom::prelude::*;
    use idom::testing::apply_update;
    use idom::{Component, HookContext, LayoutEvent, UpdateHandle};
    use proptest::prelude::*;
    use serde_json::{Value, json};

    use super::without_targets;

    #[derive(Clone, Debug)]
    enum Content {
        Text(u8),
        Element,
        Nothing,
        Texts(u8, u8),
    }

    #[derive(Clone, Debug)]
    enum Row {
        /// A template whose parts all vary.
        Card { n: u8, flag: bool, content: Content },
        /// Another template with the same root tag.
        Other { n: u8 },
        /// The same tag, built by hand.
        Hand { n: u8, flag: bool },
    }

    fn row(r: &Row, clicks: &Arc<AtomicUsize>) -> Element {
        let clicks = Arc::clone(clicks);
        let click = move |_: Event| {
            clicks.fetch_add(1, Ordering::Relaxed);
        };
        match r {
            Row::Card { n, flag, content } => {
                let content = match content {
                    Content::Text(t) => Element::from(format!("t{t}")),
                    Content::Element => html! { <em>"em"</em> },
                    Content::Nothing => Element::empty(),
                    Content::Texts(a, b) => Element::fragment([Element::from(format!("{a}")), format!("{b}").into()]),
                };
                let (n, flag) = (*n, *flag);
                html! {
                    <li class={flag.then_some("on")} data-n={n}>
                        <span title="t" hidden={flag}>"n=" {n}</span>
                        <p>{content}</p>
                        // A closure written in place: kept with the holes, and run from there
                        // even after the row is turned into elements.
                        <button onclick={move |e| { click(e); }}>"go"</button>
                    </li>
                }
            }
            Row::Other { n } => html! {
                <li>
                    <b>{*n}</b>
                    <button class="other" onclick={click}>"go"</button>
                </li>
            },
            Row::Hand { n, flag } => h::li()
                .attr("class", flag.then_some("on"))
                .child(h::span().child(*n))
                .child(h::button().on(h::events::onclick, click).child("go"))
                .into(),
        }
    }

    struct List {
        rows: Arc<Mutex<Vec<Row>>>,
        handle: Arc<Mutex<Option<UpdateHandle>>>,
        clicks: Arc<AtomicUsize>,
    }

    impl PartialEq for List {
        fn eq(&self, other: &Self) -> bool {
            Arc::ptr_eq(&self.rows, &other.rows)
        }
    }

    impl Component for List {
        fn render(&self, cx: &mut HookContext<'_>) -> Element {
            *self.handle.lock().unwrap() = Some(use_update::__call(cx));
            let rows = self.rows.lock().unwrap().clone();
            h::ul().child(rows.iter().map(|r| row(r, &self.clicks))).into()
        }
    }

    fn content() -> impl Strategy<Value = Content> {
        prop_oneof![
            3 => (0u8..3).prop_map(Content::Text),
            1 => Just(Content::Element),
            1 => Just(Content::Nothing),
            1 => (0u8..2, 0u8..2).prop_map(|(a, b)| Content::Texts(a, b)),
        ]
    }

    fn rows() -> impl Strategy<Value = Vec<Row>> {
        let one = prop_oneof![
            4 => (0u8..3, any::<bool>(), content()).prop_map(|(n, flag, content)| Row::Card { n, flag, content }),
            1 => (0u8..3).prop_map(|n| Row::Other { n }),
            1 => (0u8..3, any::<bool>()).prop_map(|(n, flag)| Row::Hand { n, flag }),
        ];
        prop::collection::vec(one, 0..5)
    }

    /// Every button in the model, by its target.
    fn button_targets(model: &Value, out: &mut Vec<String>) {
        if model.get("tagName") == Some(&json!("button")) {
            out.push(model["eventHandlers"]["onClick"]["target"].as_str().unwrap().to_owned());
        }
        if let Some(children) = model.get("children").and_then(Value::as_array) {
            children.iter().for_each(|c| button_targets(c, out));
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

        #[test]
        fn template_patches_match_a_fresh_render(states in prop::collection::vec(rows(), 1..8)) {
            let list = || List {
                rows: Arc::new(Mutex::new(states[0].clone())),
                handle: Arc::new(Mutex::new(None)),
                clicks: Arc::new(AtomicUsize::new(0)),
            };
            let live = list();
            let (rows, handle, clicks) = (live.rows.clone(), live.handle.clone(), live.clicks.clone());
            let mut layout = Layout::new(live);
            let mut model = Value::Null;
            apply_update(&mut model, &layout.try_render().unwrap()).unwrap();
            for state in &states[1..] {
                *rows.lock().unwrap() = state.clone();
                handle.lock().unwrap().as_ref().unwrap().update();
                if let Some(update) = layout.try_render() {
                    apply_update(&mut model, &update).map_err(|e| TestCaseError::fail(format!("{e}: {update:?}")))?;
                }
                prop_assert_eq!(&model, &layout.model());
                let fresh = list();
                *fresh.rows.lock().unwrap() = state.clone();
                let mut other = Layout::new(fresh);
                other.try_render();
                prop_assert_eq!(without_targets(model.clone()), without_targets(other.model()));
                let mut targets = Vec::new();
                button_targets(&model, &mut targets);
                let before = clicks.load(Ordering::Relaxed);
                for target in &targets {
                    layout.deliver_now(LayoutEvent::new(target.clone(), vec![json!({"type": "click"})]));
                }
                prop_assert_eq!(clicks.load(Ordering::Relaxed) - before, targets.len());
            }
        }
    }
}

mod keyed {
    //! Keyed rows of a `for` loop are templates too (the key is the root's): reordered, inserted
    //! and removed by key, the client's model follows the layout's and a fresh render's.

    use std::sync::{Arc, Mutex};

    use idom::hooks::use_update;
    use idom::prelude::*;
    use idom::testing::apply_update;
    use idom::{Component, HookContext, UpdateHandle};
    use proptest::prelude::*;
    use serde_json::Value;

    use super::without_targets;

    struct Rows {
        rows: Shared,
        handle: Arc<Mutex<Option<UpdateHandle>>>,
    }

    impl PartialEq for Rows {
        fn eq(&self, other: &Self) -> bool {
            Arc::ptr_eq(&self.rows, &other.rows)
        }
    }

    impl Component for Rows {
        fn render(&self, cx: &mut HookContext<'_>) -> Element {
            *self.handle.lock().unwrap() = Some(use_update::__call(cx));
            let rows = self.rows.lock().unwrap().clone();
            html! {
                <ul>
                    for (id, label) in rows {
                        <li key={id} class={(label == 0).then_some("zero")}>
                            <span>"#" {id}</span>
                            <button onclick={move |_| assert!(id < 100)}>{label}</button>
                        </li>
                    }
                </ul>
            }
        }
    }

    fn rows() -> impl Strategy<Value = Vec<(u32, u8)>> {
        prop::collection::btree_map(0u32..12, 0u8..3, 0..8)
            .prop_map(|m| m.into_iter().collect::<Vec<_>>())
            .prop_shuffle()
    }

    /// The rows a test sets and the handle that re-renders them.
    type Shared = Arc<Mutex<Vec<(u32, u8)>>>;

    fn layout(rows: Vec<(u32, u8)>) -> (Layout, Shared, Arc<Mutex<Option<UpdateHandle>>>) {
        let root = Rows { rows: Arc::new(Mutex::new(rows)), handle: Arc::new(Mutex::new(None)) };
        let (rows, handle) = (root.rows.clone(), root.handle.clone());
        (Layout::new(root), rows, handle)
    }

    #[test]
    fn a_keyed_swap_of_template_rows_is_moves_only() {
        let (mut layout, rows, handle) = layout(vec![(1, 1), (2, 1), (3, 1), (4, 1)]);
        let first = layout.try_render().unwrap();
        let target = |model: &Value, i: usize| {
            model["children"][0]["children"][i]["children"][1]["eventHandlers"]["onClick"]["target"].clone()
        };
        let before = layout.model();
        assert!(target(&before, 1).as_str().unwrap().split(':').next().unwrap().contains('.'), "not a template");
        assert_eq!(before["children"][0]["children"][1]["key"], "2");
        *rows.lock().unwrap() = vec![(1, 1), (4, 1), (3, 1), (2, 1)];
        handle.lock().unwrap().as_ref().unwrap().update();
        let update = layout.try_render().unwrap();
        let ops = update.changes_json();
        assert!(ops.as_array().unwrap().iter().all(|op| op["op"] == "move"), "{ops}");
        let mut model = Value::Null;
        apply_update(&mut model, &first).unwrap();
        apply_update(&mut model, &update).unwrap();
        assert_eq!(model, layout.model());
        // The moved rows kept their nodes, so their targets.
        assert_eq!(target(&model, 3), target(&before, 1));
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

        #[test]
        fn keyed_template_rows_match_a_fresh_render(states in prop::collection::vec(rows(), 1..8)) {
            let (mut live, rows, handle) = layout(states[0].clone());
            let mut model = Value::Null;
            apply_update(&mut model, &live.try_render().unwrap()).unwrap();
            for state in &states[1..] {
                *rows.lock().unwrap() = state.clone();
                handle.lock().unwrap().as_ref().unwrap().update();
                if let Some(update) = live.try_render() {
                    apply_update(&mut model, &update).map_err(|e| TestCaseError::fail(format!("{e}: {update:?}")))?;
                }
                prop_assert_eq!(&model, &live.model());
                let (mut fresh, _, _) = layout(state.clone());
                fresh.try_render();
                prop_assert_eq!(without_targets(model.clone()), without_targets(fresh.model()));
            }
        }
    }
}

#[tokio::test]
async fn a_handler_with_a_fixed_target_makes_the_markup_elements_and_keeps_its_target() {
    use std::sync::LazyLock;

    use idom::testing::StaticEventHandler;

    static SAVE: LazyLock<StaticEventHandler> = LazyLock::new(StaticEventHandler::new);

    #[component]
    fn Form() -> Element {
        let (saved, set_saved) = use_state(|| 0);
        let save = SAVE.use_handler(move |_| set_saved.set(saved + 1));
        html! { <form><p>"saved " {saved}</p><button onclick={save}>"save"</button></form> }
    }
    let mut page = TestLayout::new(Form).await;
    let button = page.find_all_by_tag("button").remove(0);
    assert_eq!(button.target("onclick").as_deref(), Some(&*SAVE.target()));
    for n in 1..=2 {
        page.layout().deliver(idom::LayoutEvent::new(&*SAVE.target(), vec![])).await;
        page.settle().expect("an update");
        assert_eq!(page.text(), format!("saved {n}save"));
    }
}

#[test]
fn a_template_prerenders_as_its_elements_would_leaving_out_a_script_and_what_is_in_it() {
    let n = 3;
    let mut layout = Layout::from_element(html! {
        <div class={format!("n{n}")}>
            <script><b>"never"</b></script>
            <p title="<&>">"x < y " {n}</p>
        </div>
    });
    layout.try_render();
    assert_eq!(layout.to_html(), r#"<div class="n3"><p title="&lt;&amp;&gt;">x &lt; y 3</p></div>"#);
}

/// A template's closures are kept with its holes, so clones of a render share them: a clone is
/// the same element, and a keyed copy of a shared render (built as elements) still runs them.
#[tokio::test]
async fn clones_of_a_render_share_its_handlers_and_a_keyed_copy_runs_them() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static CLICKS: AtomicUsize = AtomicUsize::new(0);

    fn row() -> Element {
        html! {
            <li>
                <button onclick={move |_| {
                    CLICKS.fetch_add(1, Ordering::Relaxed);
                }}>"go"</button>
            </li>
        }
    }
    let (a, b) = (row(), row());
    assert!(a == a.clone(), "a clone is the same render");
    assert!(a != b, "two renders' closures are not the same handlers");

    #[component]
    fn Copies() -> Element {
        let shared = row();
        // Both copies share one render: each is built as elements, its handler run from there.
        h::ul().child(Element::fragment([shared.clone().with_key("a"), shared.with_key("b")])).into()
    }
    let mut page = TestLayout::new(Copies).await;
    let buttons = page.find_all_by_tag("button");
    assert_eq!(buttons.len(), 2);
    for (i, button) in buttons.iter().enumerate() {
        page.fire(button, "onclick", json!({"type": "click"})).await;
        assert_eq!(CLICKS.load(Ordering::Relaxed), i + 1);
    }
}

/// Each handler of a template reaches its own closure: closures in place numbered among a
/// handler given as a value, and a template with more of them than its holes keep (nine, each
/// then boxed on its own).
#[tokio::test]
async fn every_handler_of_a_template_reaches_its_own_closure() {
    use std::sync::atomic::{AtomicU32, Ordering};
    static HIT: AtomicU32 = AtomicU32::new(0);
    fn hit(n: u32) {
        HIT.fetch_or(1 << n, Ordering::Relaxed);
    }

    #[component]
    fn Buttons() -> Element {
        let value = move |_: Event| hit(0);
        // A template of four elements: one handler given as a value, three in place.
        let few = html! {
            <p>
                <button onclick={value}>"0"</button>
                <button onclick={move |_| hit(1)}>"1"</button>
                <button onfocus={move |_| hit(2)} onclick={move |_| hit(3)}>"3"</button>
            </p>
        };
        // And one of ten, with nine in place.
        let many = html! {
            <p>
                <b onclick={move |_| hit(10)}>"10"</b>
                <b onclick={move |_| hit(11)}>"11"</b>
                <b onclick={move |_| hit(12)}>"12"</b>
                <b onclick={move |_| hit(13)}>"13"</b>
                <b onclick={move |_| hit(14)}>"14"</b>
                <b onclick={move |_| hit(15)}>"15"</b>
                <b onclick={move |_| hit(16)}>"16"</b>
                <b onclick={move |_| hit(17)}>"17"</b>
                <b onclick={move |_| hit(18)}>"18"</b>
            </p>
        };
        h::div().child(few).child(many).into()
    }
    let mut page = TestLayout::new(Buttons).await;
    // Both are templates: their handlers' targets name a hole.
    for tag in ["button", "b"] {
        let target = page.find_all_by_tag(tag)[1].target("onclick").expect("a handler");
        assert!(target.split(':').next().unwrap().contains('.'), "{target}");
    }
    let mut expected = 0u32;
    for tag in ["button", "b"] {
        for found in page.find_all_by_tag(tag) {
            let n: u32 = found.text().parse().expect("a number");
            page.fire(&found, "onclick", json!({"type": "click"})).await;
            expected |= 1 << n;
            assert_eq!(HIT.load(Ordering::Relaxed), expected, "after a click on {n}");
        }
    }
    let focused = page.find_all_by_tag("button").remove(2);
    page.fire(&focused, "onfocus", json!({"type": "focus"})).await;
    assert_eq!(HIT.load(Ordering::Relaxed), expected | 1 << 2);
}

/// A template's async handlers, a closure returning a future and an `async` closure, are kept
/// with its holes like the others and run as tasks of their component.
#[tokio::test]
async fn a_templates_async_handlers_run_as_tasks() {
    use std::sync::atomic::{AtomicU32, Ordering};
    static DONE: AtomicU32 = AtomicU32::new(0);

    #[component]
    fn Later() -> Element {
        html! {
            <p>
                <button onclick={move |_| async move {
                    tokio::task::yield_now().await;
                    DONE.fetch_add(1, Ordering::Relaxed);
                }}>"a"</button>
                <button onclick={async move |_| {
                    tokio::task::yield_now().await;
                    DONE.fetch_add(10, Ordering::Relaxed);
                }}>"b"</button>
            </p>
        }
    }
    let mut page = TestLayout::new(Later).await;
    let buttons = page.find_all_by_tag("button");
    assert!(buttons[0].target("onclick").unwrap().split(':').next().unwrap().contains('.'), "a template");
    for button in &buttons {
        page.fire(button, "onclick", json!({"type": "click"})).await;
    }
    for _ in 0..1_000 {
        if DONE.load(Ordering::Relaxed) == 11 {
            break;
        }
        tokio::task::yield_now().await;
    }
    assert_eq!(DONE.load(Ordering::Relaxed), 11);
}

/// A row of a template in a generic function: each handler type is an instance type of its own,
/// and they share the template's kept instances.
fn generic_row<F: Fn(Event) + Send + Sync + 'static>(id: usize, label: std::sync::Arc<str>, on_pick: F) -> Element {
    html! { <li key={id}><a onclick={on_pick}>{label}</a>" #" {id}</li> }
}

/// Rows the layout is done with are ended: what they held is dropped when they go (not when their
/// allocation is next used), and the next rows, built in those allocations, show and handle
/// events as new ones would, whichever instance type each allocation had.
#[tokio::test]
async fn an_ended_template_instance_owns_nothing_and_its_reuse_is_invisible() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, LazyLock};
    static PICKED: AtomicUsize = AtomicUsize::new(0);
    static LABEL: LazyLock<Arc<str>> = LazyLock::new(|| Arc::from("row"));

    #[component]
    fn Rows() -> Element {
        // 0: no rows; odd: rows whose handlers are closures of one type; even: of another.
        let (round, set_round) = use_state(|| 1_usize);
        let rows: Vec<Element> = match round {
            0 => Vec::new(),
            r if r % 2 == 1 => (0..3)
                .map(|i| generic_row(r * 10 + i, LABEL.clone(), move |_| PICKED.store(r * 10 + i, Ordering::Relaxed)))
                .collect(),
            r => (0..3)
                .map(|i| {
                    let id = r * 10 + i;
                    generic_row(id, LABEL.clone(), move |_: Event| {
                        PICKED.store(id, Ordering::Relaxed);
                    })
                })
                .collect(),
        };
        let next = move |_| set_round.update(|r| if *r == 4 { 0 } else { r + 1 });
        html! { <div><button onclick={next}>"next"</button><ul>{rows}</ul></div> }
    }

    let mut page = TestLayout::new(Rows).await;
    let next = page.find_by_text("next").unwrap();
    assert_eq!(Arc::strong_count(&LABEL), 1 + 3, "three rows hold the label");
    // Rounds 2, 3, 4 replace every row by new keys (of the other handler type each time), then 0
    // clears them, then 1 builds them again from what the clear kept.
    for round in [2, 3, 4, 0, 1, 2] {
        page.fire(&next, "onclick", json!({"type": "click"})).await;
        let shown = if round == 0 { 0 } else { 3 };
        assert_eq!(Arc::strong_count(&LABEL), 1 + shown, "round {round}: ended rows still hold their parts");
        let items = page.find_all_by_tag("li");
        assert_eq!(items.len(), shown);
        for (i, item) in items.iter().enumerate() {
            let id = round * 10 + i;
            assert_eq!(item.text(), format!("row #{id}"));
            let link = page.find_all_by_tag("a").remove(i);
            page.fire(&link, "onclick", json!({"type": "click"})).await;
            assert_eq!(PICKED.load(Ordering::Relaxed), id, "round {round}: row {i} ran another row's handler");
        }
    }
    let model = page.model().clone();
    assert_eq!(model, page.layout().model(), "the patched model is the layout's");
}
