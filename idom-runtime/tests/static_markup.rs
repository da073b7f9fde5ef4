//! Static parts of `html!` in a layout: a subtree with no dynamic part is mounted as one shared
//! node with its pre-written JSON, prerendered like any element, never diffed inside, and diffed
//! as an element against another element of its tag (so only what differs is sent). A head
//! written at compile time equals the one the writer would write. (That a render of static parts
//! allocates nothing is `static_alloc.rs`, which counts allocations and so runs alone.)

use idom::prelude::*;
use idom::testing::TestLayout;
use serde_json::json;

#[path = "markup/footer.rs"]
mod footer;
use footer::footer;

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

/// Four markups of one `<p>`: two literal attribute lists, none, and a dynamic one.
#[component]
fn Branches() -> Element {
    let (n, set_n) = use_state(|| 0u8);
    let class = "b";
    let body = match n % 4 {
        0 => html! { <p class="a">"x"</p> },
        1 => html! { <p class="b" id="i">"x"</p> },
        2 => html! { <p>"x"</p> },
        _ => html! { <p class={class}>"x"</p> },
    };
    html! { <div><button onclick={move |_| set_n.update(|n| n + 1)}>"next"</button>{body}</div> }
}

#[tokio::test]
async fn literal_attribute_lists_of_different_markups_are_diffed_member_by_member() {
    let mut page = TestLayout::new(Branches).await;
    let button = page.find_by_text("next").unwrap();
    let mut next = async || {
        let update = page.fire(&button, "onclick", json!({"type": "click"})).await.expect("an update");
        assert_eq!(update.path, "/children/0/children/1", "the changes are the <p>'s");
        update.changes_json()
    };
    assert_eq!(
        next().await,
        json!([
            {"op": "replace", "path": "/attributes/class", "value": "b"},
            {"op": "add", "path": "/attributes/id", "value": "i"},
        ])
    );
    assert_eq!(next().await, json!([{"op": "remove", "path": "/attributes"}]));
    assert_eq!(next().await, json!([{"op": "add", "path": "/attributes", "value": {"class": "b"}}]));
    assert_eq!(next().await, json!([{"op": "replace", "path": "/attributes/class", "value": "a"}]));
    let p = json!({"tagName": "p", "attributes": {"class": "a"}, "children": ["x"]});
    assert_eq!(page.model()["children"][0]["children"][1], p);
}
