//! Static parts of `html!` cost nothing at render time: literal texts and attribute values are
//! borrowed, a subtree with no dynamic part is built once and shared with its model JSON, and a
//! layout diffs a static subtree against an element of the same tag as an element (so only what
//! differs is sent).

use idom::prelude::*;
use idom::testing::TestLayout;
use serde_json::json;
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

#[global_allocator]
static GLOBAL: &StatsAlloc<std::alloc::System> = &INSTRUMENTED_SYSTEM;

/// Allocations (and reallocations) made while `f` runs. The counter is global, so the tests that
/// count run one after the other in one test (`static_parts_allocate_nothing`), and the other
/// tests of this file take the same lock.
fn allocations<R>(f: impl FnOnce() -> R) -> (usize, R) {
    let region = Region::new(GLOBAL);
    let result = f();
    let change = region.change();
    (change.allocations + change.reallocations, result)
}

static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn footer() -> Element {
    html! {
        <footer class="site" hidden>
            <p title="made">"Made with " "idom"</p>
            <br />
            <a href="/about">"About"</a>
        </footer>
    }
}

#[test]
fn static_parts_allocate_nothing() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    a_static_subtree_allocates_nothing_once_built();
    literals_in_dynamic_markup_are_borrowed();
}

fn a_static_subtree_allocates_nothing_once_built() {
    let first = footer();
    let (n, second) = allocations(footer);
    assert_eq!(n, 0, "a render of a static subtree allocated");
    assert_eq!(first, second);
    // The same markup from the builders, all dynamic, has the same model.
    let built: Element = idom::html::footer()
        .attr("class", String::from("site"))
        .attr("hidden", true)
        .child(idom::html::p().attr("title", String::from("made")).child(String::from("Made with idom")))
        .child(idom::html::br())
        .child(idom::html::a().attr("href", String::from("/about")).child(String::from("About")))
        .into();
    assert_eq!(second.to_json(), built.to_json());
    assert_eq!(second.tag_name(), Some("footer"));
}

fn literals_in_dynamic_markup_are_borrowed() {
    // The same element with literals, and with owned values made before counting: the literals
    // must cost no allocation of their own.
    let with_literals = |title: String| html! { <td class="col-md-1" title={title}>"x"</td> };
    let with_values =
        |title: String, class: String, text: String| html! { <td class={class} title={title}>{text}</td> };
    let (literal, a) = allocations(|| with_literals(String::from("t")));
    let (title, class, text) = (String::from("t"), String::from("col-md-1"), String::from("x"));
    let (owned, b) = allocations(move || with_values(title, class, text));
    assert_eq!(a, b);
    // `String::from("t")` inside the first count is one allocation.
    assert_eq!(literal, owned + 1, "literal attributes or texts allocated");
}

#[component]
fn Page() -> Element {
    let (count, set_count) = use_state(|| 0);
    html! {
        <main>
            <button onclick={move |_| set_count.update(|c| c + 1)}>"Clicked " {count}</button>
            {footer()}
        </main>
    }
}

#[tokio::test]
async fn a_layout_mounts_and_prerenders_a_static_subtree_and_never_diffs_inside_it() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let mut page = TestLayout::new(Page).await;
    let model = page.model();
    assert_eq!(model["children"][0]["children"][1], footer().to_json());
    let html = page.layout().to_html();
    assert!(
        html.ends_with(r#"<footer class="site" hidden><p title="made">Made with idom</p><br><a href="/about">About</a></footer></main>"#),
        "{html}"
    );
    let button = page.find_by_text("Clicked 0").unwrap();
    let update = page.fire(&button, "onclick", json!({"type": "click"})).await.expect("an update");
    assert_eq!(update.changes_json(), json!([{"op": "replace", "path": "/children/0", "value": "Clicked 1"}]));
}

/// The arm each click shows: two statics, a dynamic element of the same tag, a static with
/// another class, the first static twice, and the dynamic element again.
const ARMS: [u32; 7] = [0, 1, 2, 3, 0, 0, 1];

#[component]
fn Switch(start: usize) -> Element {
    let (step, set_step) = use_state(|| start);
    let arm = match ARMS[step % ARMS.len()] {
        0 => html! { <p class="note">"loading"</p> },
        1 => html! { <p class="note">{format!("rows {step}")}</p> },
        2 => html! { <p class="note">"done"</p> },
        _ => html! { <p class="other">"done"</p> },
    };
    html! { <div><button onclick={move |_| set_step.update(|s| s + 1)}>"next " {step}</button>{arm}</div> }
}

#[tokio::test]
async fn a_static_subtree_and_an_element_of_its_tag_diff_as_elements() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let mut page = TestLayout::new(Switch { start: 0 }).await;
    let text =
        |step: usize| json!({"op": "replace", "path": "/children/0/children/0", "value": format!("next {step}")});
    let expected = [
        json!([text(1), {"op": "replace", "path": "/children/1/children/0", "value": "rows 1"}]),
        json!([text(2), {"op": "replace", "path": "/children/1/children/0", "value": "done"}]),
        json!([text(3), {"op": "replace", "path": "/children/1/attributes/class", "value": "other"}]),
        json!([text(4), {"op": "replace", "path": "/children/1/attributes/class", "value": "note"}, {"op": "replace", "path": "/children/1/children/0", "value": "loading"}]),
        // The same static subtree again: nothing inside it is looked at, only the button changed.
        json!(null),
        json!([text(6), {"op": "replace", "path": "/children/1/children/0", "value": "rows 6"}]),
    ];
    for (i, changes) in expected.into_iter().enumerate() {
        let step = i + 1;
        let button = page.find_by_text(&format!("next {i}")).unwrap();
        let update = page.fire(&button, "onclick", json!({"type": "click"})).await.expect("an update");
        if changes.is_null() {
            assert_eq!(update.path, "/children/0/children/0", "step {step}");
            assert_eq!(update.changes_json(), json!([{"op": "replace", "path": "/children/0", "value": "next 5"}]));
        } else {
            assert_eq!(update.path, "/children/0", "step {step}");
            assert_eq!(update.changes_json(), changes, "step {step}");
        }
        // The model is the one a fresh layout of the same step shows.
        let fresh = TestLayout::new(Switch { start: step }).await;
        assert_eq!(page.model(), fresh.model(), "step {step}");
    }
}

#[tokio::test]
async fn a_head_written_at_compile_time_equals_one_written_at_run_time() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let odd = "q\"uote \\ back\nnl\ttab\u{1}ctl ünï </script>";
    let n = 7;
    // Literal attributes (the head is pre-written) beside the same attributes given as values.
    let literal = html! { <td class="q&quot;" data-x="q\"uote \\ back\nnl\ttab\u{1}ctl ünï </script>" hidden>{n}</td> };
    let values = idom::html::td()
        .attr("class", String::from("q&quot;"))
        .attr("data-x", String::from(odd))
        .attr("hidden", true)
        .child(n);
    let values: Element = values.into();
    assert_eq!(literal.to_json(), values.to_json());
    // And mounted, through the layout's writer and its updates.
    let mounted = TestLayout::from_element(literal).await;
    let other = TestLayout::from_element(values).await;
    assert_eq!(mounted.model(), other.model());
    assert_eq!(mounted.model()["children"][0]["attributes"]["data-x"], odd);
}
