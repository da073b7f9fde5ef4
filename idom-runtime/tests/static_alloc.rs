//! A render of the static parts of `html!` allocates nothing for them: literal texts and
//! attribute values are borrowed, and a subtree with no dynamic part is built once and shared.
//! The counting allocator is global, so this file holds one test and runs alone.

use idom::prelude::*;
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

#[global_allocator]
static GLOBAL: &StatsAlloc<std::alloc::System> = &INSTRUMENTED_SYSTEM;

/// Allocations (and reallocations) made while `f` runs.
fn allocations<R>(f: impl FnOnce() -> R) -> (usize, R) {
    let region = Region::new(GLOBAL);
    let result = f();
    let change = region.change();
    (change.allocations + change.reallocations, result)
}

#[path = "markup/footer.rs"]
mod footer;
use footer::footer;

#[test]
fn static_parts_allocate_nothing() {
    a_static_subtree_allocates_nothing_once_built();
    literals_in_dynamic_markup_are_borrowed();
    a_template_allocates_one_box_for_its_dynamic_parts();
    an_ended_row_lends_its_box_to_the_next_render();
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

fn a_template_allocates_one_box_for_its_dynamic_parts() {
    // A table row: four elements, their literal attributes and texts in the template; the class,
    // the two texts and the two handlers are its holes, and the handlers' closures are kept in the
    // same box.
    let row = |id: usize, label: std::sync::Arc<str>, selected: bool| {
        html! {
            <tr class={selected.then_some("danger")}>
                <td class="col-md-1">{id}</td>
                <td class="col-md-4"><a onclick={move |_| assert!(id > 0)}>{label}</a></td>
                <td class="col-md-1"><a onclick={move |_| assert!(id < usize::MAX)}>"x"</a></td>
            </tr>
        }
    };
    let label: std::sync::Arc<str> = std::sync::Arc::from("pretty red table");
    let first = row(1, label.clone(), true);
    // (A `&str` attribute value is copied, as in any element: count the row without it.)
    let (n, second) = allocations(|| row(2, label.clone(), false));
    assert_eq!(n, 1, "a row allocated more than the one box of its holes and handlers");
    assert_eq!(first.to_json()["children"][1]["children"][0]["children"][0], "pretty red table");
    assert_eq!(first.to_json()["attributes"]["class"], "danger");
    assert_eq!(second.to_json().get("attributes"), None);
    assert_eq!(second.to_json()["children"][0]["children"][0], "2");
}

/// A list row of the kind a table shows: its label, its id and a handler are holes.
fn list_row(id: usize, label: std::sync::Arc<str>) -> Element {
    html! { <li key={id}><a onclick={move |_| assert!(id > 0)}>{label}</a></li> }
}

fn an_ended_row_lends_its_box_to_the_next_render() {
    use idom::testing::TestLayout;
    use std::sync::{Arc, LazyLock};
    static LABEL: LazyLock<Arc<str>> = LazyLock::new(|| Arc::from("row"));

    #[component]
    fn List() -> Element {
        let (shown, set_shown) = use_state(|| true);
        let rows: Vec<Element> =
            if shown { (1..=3).map(|id| list_row(id, LABEL.clone())).collect() } else { Vec::new() };
        html! { <div><button onclick={move |_| set_shown.set(!shown)}>"toggle"</button><ul>{rows}</ul></div> }
    }

    let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
    runtime.block_on(async {
        let mut page = TestLayout::new(List).await;
        let toggle = page.find_by_text("toggle").unwrap();
        // Before any row was unmounted, a row costs its box.
        let (n, _) = allocations(|| list_row(7, LABEL.clone()));
        assert_eq!(n, 1);
        page.fire(&toggle, "onclick", serde_json::json!({"type": "click"})).await;
        assert_eq!(page.find_all_by_tag("li").len(), 0);
        assert_eq!(Arc::strong_count(&LABEL), 1, "an unmounted row still holds its label");
        // The thread kept the three rows' allocations: the next three rows cost nothing.
        let (n, rows) = allocations(|| (4..=6).map(|id| list_row(id, LABEL.clone())).collect::<Vec<_>>());
        assert_eq!(n, 1, "three rows built where unmounted ones were allocated more than their list");
        assert_eq!(rows[0].to_json()["children"][0]["children"][0], "row");
        assert_eq!(rows[2].key().map(|k| k.to_string()).as_deref(), Some("6"));
    });
}
