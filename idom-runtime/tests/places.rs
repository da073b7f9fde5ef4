//! Children keep their place: an absent child is a hole that keeps its siblings' identity, a loop,
//! an iterator or a fragment is one group reconciled inside itself, keys are unique per group, and
//! texts merge only within a group. Each test asserts the exact patch and that the stateful
//! siblings kept their state (and their handler targets).

mod common;

use common::{Harness, warnings};
use idom::prelude::*;
use idom_runtime::LayoutEvent;
use serde_json::{Value, json};

/// A button that counts its clicks and shows `name=count`.
#[component]
fn Counter(name: &'static str) -> Element {
    let (count, set_count) = use_state(|| 0);
    html! { <button onclick={move |_| set_count.update(|c| c + 1)}>{name} "=" {count}</button> }
}

fn button(name: &str, count: i32) -> Value {
    json!({"tagName": "button", "children": [format!("{name}={count}")]})
}

/// Clicks the button at `pointer` (a JSON Pointer into the model) and applies the update.
fn click<T: Clone + PartialEq + Send + Sync + 'static>(h: &mut Harness<T>, pointer: &str) {
    let target = h.target(pointer, "onClick");
    h.layout.deliver_now(LayoutEvent::new(target, vec![json!({"type": "click"})]));
    h.step().expect("a click changes the count");
}

use common::without_handlers as plain;

/// The model's `<div>` (the root component's only node), without targets.
fn div(h: &Harness<impl Clone + PartialEq + Send + Sync + 'static>) -> Value {
    plain(&h.model["children"][0])
}

fn assert_patch(update: &LayoutUpdate, path: &str, changes: Value) {
    common::assert_update(update, path, changes);
}

/// Like [`assert_patch`], with handler targets left out of the values.
fn assert_plain_patch(update: &LayoutUpdate, path: &str, changes: Value) {
    assert_eq!((update.path.as_str(), common::changes_without_handlers(update)), (path, changes));
}

// ---------------------------------------------------------------------------------------------
// Holes

fn banner(show: &bool) -> Element {
    let show = *show;
    html! { <div>
        if show { <p>"banner"</p> }
        <Counter name="a" />
        <Counter name="b" />
    </div> }
}

#[test]
fn a_hidden_banner_leaves_a_hole_and_the_counters_keep_their_state() {
    let mut h = Harness::new(true, banner);
    for _ in 0..3 {
        click(&mut h, "/children/0/children/1");
    }
    let a_target = h.target("/children/0/children/1", "onClick");

    let u = h.set(false);
    assert_patch(&u, "/children/0", json!([{"op": "remove", "path": "/children/0"}]));
    assert_eq!(div(&h), json!({"tagName": "div", "children": [button("a", 3), button("b", 0)]}));
    assert_eq!(h.target("/children/0/children/0", "onClick"), a_target, "a keeps its handler target");

    let u = h.set(true);
    assert_patch(
        &u,
        "/children/0",
        json!([{"op": "add", "path": "/children/0", "value": {"tagName": "p", "children": ["banner"]}}]),
    );
    click(&mut h, "/children/0/children/2");
    assert_eq!(
        div(&h),
        json!({"tagName": "div", "children": [{"tagName": "p", "children": ["banner"]}, button("a", 3), button("b", 1)]})
    );
}

#[test]
fn a_banner_shown_later_does_not_take_the_first_counters_state() {
    let mut h = Harness::new(false, banner);
    click(&mut h, "/children/0/children/0");
    let u = h.set(true);
    assert_patch(
        &u,
        "/children/0",
        json!([{"op": "add", "path": "/children/0", "value": {"tagName": "p", "children": ["banner"]}}]),
    );
    assert_eq!(
        div(&h),
        json!({"tagName": "div", "children": [{"tagName": "p", "children": ["banner"]}, button("a", 1), button("b", 0)]})
    );
}

#[derive(Clone, Copy, PartialEq)]
enum Notice {
    Nothing,
    Info,
    Warning,
}

/// `None`, an `Option<Element>` and a `match` arm with nothing are holes too.
fn notices(notice: &Notice) -> Element {
    let option = (*notice == Notice::Info).then(|| html! { <i>"info"</i> });
    let notice = *notice;
    html! { <div>
        {option}
        match notice {
            Notice::Warning => { <b>"warning"</b> }
            _ => {}
        }
        <Counter name="c" />
    </div> }
}

#[test]
fn none_and_an_empty_match_arm_keep_their_place() {
    let mut h = Harness::new(Notice::Nothing, notices);
    click(&mut h, "/children/0/children/0");
    let u = h.set(Notice::Info);
    assert_patch(
        &u,
        "/children/0",
        json!([{"op": "add", "path": "/children/0", "value": {"tagName": "i", "children": ["info"]}}]),
    );
    let u = h.set(Notice::Warning);
    assert_patch(
        &u,
        "/children/0",
        json!([
            {"op": "add", "path": "/children/1", "value": {"tagName": "b", "children": ["warning"]}},
            {"op": "remove", "path": "/children/0"},
        ]),
    );
    let u = h.set(Notice::Nothing);
    assert_patch(&u, "/children/0", json!([{"op": "remove", "path": "/children/0"}]));
    assert_eq!(div(&h), json!({"tagName": "div", "children": [button("c", 1)]}));
}

// ---------------------------------------------------------------------------------------------
// Groups

fn span(i: usize) -> Value {
    json!({"tagName": "span", "children": [i.to_string()]})
}

fn spans_then_counter(n: &usize) -> Element {
    let n = *n;
    html! { <div>
        for i in 0..n { <span>{i}</span> }
        <Counter name="c" />
    </div> }
}

#[test]
fn an_unkeyed_loop_grows_and_shrinks_before_a_stateful_sibling() {
    let mut h = Harness::new(2, spans_then_counter);
    click(&mut h, "/children/0/children/2");
    click(&mut h, "/children/0/children/2");

    let u = h.set(4);
    assert_patch(
        &u,
        "/children/0",
        json!([
            {"op": "add", "path": "/children/2", "value": span(3)},
            {"op": "add", "path": "/children/2", "value": span(2)},
        ]),
    );
    assert_eq!(div(&h), json!({"tagName": "div", "children": [span(0), span(1), span(2), span(3), button("c", 2)]}));

    let u = h.set(1);
    assert_patch(
        &u,
        "/children/0",
        json!([
            {"op": "remove", "path": "/children/3"},
            {"op": "remove", "path": "/children/2"},
            {"op": "remove", "path": "/children/1"},
        ]),
    );
    assert_eq!(div(&h), json!({"tagName": "div", "children": [span(0), button("c", 2)]}));

    let u = h.set(0);
    assert_patch(&u, "/children/0", json!([{"op": "remove", "path": "/children/0"}]));
    click(&mut h, "/children/0/children/0");
    assert_eq!(div(&h), json!({"tagName": "div", "children": [button("c", 3)]}));
}

#[allow(clippy::ptr_arg, reason = "a view of the harness state, which is a Vec")]
fn nested(groups: &Vec<usize>) -> Element {
    let groups = groups.clone();
    html! { <div>
        for (g, n) in groups.into_iter().enumerate() {
            <b>{g}</b>
            for i in 0..n { <i>{i}</i> }
        }
        <Counter name="c" />
    </div> }
}

fn b(i: usize) -> Value {
    json!({"tagName": "b", "children": [i.to_string()]})
}

fn i(i: usize) -> Value {
    json!({"tagName": "i", "children": [i.to_string()]})
}

#[test]
fn nested_loops_reconcile_each_group_inside_itself() {
    let mut h = Harness::new(vec![1, 1], nested);
    click(&mut h, "/children/0/children/4");
    assert_eq!(div(&h), json!({"tagName": "div", "children": [b(0), i(0), b(1), i(0), button("c", 1)]}));

    // The first inner loop grows: the second group and the counter keep their nodes.
    let u = h.set(vec![3, 1]);
    assert_patch(
        &u,
        "/children/0",
        json!([
            {"op": "add", "path": "/children/2", "value": i(2)},
            {"op": "add", "path": "/children/2", "value": i(1)},
        ]),
    );
    // A third group appears; the first shrinks to nothing.
    let u = h.set(vec![0, 1, 2]);
    assert_patch(
        &u,
        "/children/0",
        json!([
            {"op": "add", "path": "/children/6", "value": b(2)},
            {"op": "add", "path": "/children/7", "value": i(0)},
            {"op": "add", "path": "/children/8", "value": i(1)},
            {"op": "remove", "path": "/children/1"},
            {"op": "remove", "path": "/children/1"},
            {"op": "remove", "path": "/children/1"},
        ]),
    );
    click(&mut h, "/children/0/children/6");
    assert_eq!(div(&h), json!({"tagName": "div", "children": [b(0), b(1), i(0), b(2), i(0), i(1), button("c", 2)]}));
}

fn fragment_then_counter(n: &usize) -> Element {
    let items = Element::fragment((0..*n).map(|i| html! { <span>{i}</span> }));
    html! { <div>
        <Counter name="first" />
        {items}
        <Counter name="last" />
    </div> }
}

#[test]
fn a_fragment_whose_length_changes_keeps_the_siblings_after_it() {
    let mut h = Harness::new(1, fragment_then_counter);
    click(&mut h, "/children/0/children/0");
    click(&mut h, "/children/0/children/2");
    let u = h.set(3);
    assert_patch(
        &u,
        "/children/0",
        json!([
            {"op": "add", "path": "/children/2", "value": span(2)},
            {"op": "add", "path": "/children/2", "value": span(1)},
        ]),
    );
    let u = h.set(0);
    assert_patch(
        &u,
        "/children/0",
        json!([
            {"op": "remove", "path": "/children/3"},
            {"op": "remove", "path": "/children/2"},
            {"op": "remove", "path": "/children/1"},
        ]),
    );
    assert_eq!(div(&h), json!({"tagName": "div", "children": [button("first", 1), button("last", 1)]}));
}

/// A keyed counter: `<li>` showing `name=count`.
#[component]
fn Item(name: String) -> Element {
    let (count, set_count) = use_state(|| 0);
    html! { <li onclick={move |_| set_count.update(|c| c + 1)}>{name} "=" {count}</li> }
}

fn two_groups(orders: &(Vec<u32>, Vec<u32>)) -> Element {
    let (left, right) = orders.clone();
    html! { <ul>
        for k in left { <Item key={k} name={format!("l{k}")} /> }
        for k in right { <Item key={k} name={format!("r{k}")} /> }
    </ul> }
}

fn li(name: &str, count: i32) -> Value {
    json!({"tagName": "li", "children": [format!("{name}={count}")]})
}

#[test]
fn the_same_key_in_two_groups_is_two_children() {
    let (mut h, warned) = warnings(|| Harness::new((vec![1, 2], vec![1, 2]), two_groups));
    assert!(warned.is_empty(), "keys are unique per group: {warned:?}");
    click(&mut h, "/children/0/children/0");
    click(&mut h, "/children/0/children/3");

    // Reordering one group moves only inside it.
    let (u, warned) = warnings(|| h.set((vec![2, 1], vec![1, 2])));
    assert!(warned.is_empty(), "{warned:?}");
    assert_patch(&u, "/children/0", json!([{"op": "move", "from": "/children/1", "path": "/children/0"}]));
    assert_eq!(
        plain(&h.model["children"][0]),
        json!({"tagName": "ul", "children": [li("l2", 0), li("l1", 1), li("r1", 0), li("r2", 1)]})
    );

    // A key that leaves one group and appears in the other is a new child there.
    let u = h.set((vec![2], vec![1, 2, 3]));
    assert_plain_patch(
        &u,
        "/children/0",
        json!([
            {"op": "remove", "path": "/children/1"},
            {"op": "add", "path": "/children/3", "value": li("r3", 0)},
        ]),
    );
    assert_eq!(
        plain(&h.model["children"][0]),
        json!({"tagName": "ul", "children": [li("l2", 0), li("r1", 0), li("r2", 1), li("r3", 0)]})
    );
}

// ---------------------------------------------------------------------------------------------
// Texts

fn texts_around(show: &bool) -> Element {
    let show = *show;
    html! { <p>"a" if show { <b>"b"</b> } "c"</p> }
}

#[test]
fn texts_on_both_sides_of_a_hole_stay_apart() {
    let mut h = Harness::new(false, texts_around);
    assert_eq!(h.model["children"][0], json!({"tagName": "p", "children": ["a", "c"]}));
    let u = h.set(true);
    assert_patch(
        &u,
        "/children/0",
        json!([{"op": "add", "path": "/children/1", "value": {"tagName": "b", "children": ["b"]}}]),
    );
    let u = h.set(false);
    assert_patch(&u, "/children/0", json!([{"op": "remove", "path": "/children/1"}]));
}

fn conditional_text(exclaim: &bool) -> Element {
    let exclaim = *exclaim;
    html! { <div>"count" if exclaim { "!" } ": " <Counter name="c" /></div> }
}

#[test]
fn a_conditional_text_merges_where_it_is_and_never_shifts_its_siblings() {
    let mut h = Harness::new(false, conditional_text);
    assert_eq!(div(&h), json!({"tagName": "div", "children": ["count", ": ", button("c", 0)]}));
    click(&mut h, "/children/0/children/2");

    let u = h.set(true);
    assert_patch(
        &u,
        "/children/0",
        json!([
            {"op": "remove", "path": "/children/1"},
            {"op": "replace", "path": "/children/0", "value": "count!: "},
        ]),
    );
    assert_eq!(div(&h), json!({"tagName": "div", "children": ["count!: ", button("c", 1)]}));

    let u = h.set(false);
    assert_patch(
        &u,
        "/children/0",
        json!([
            {"op": "add", "path": "/children/1", "value": ": "},
            {"op": "replace", "path": "/children/0", "value": "count"},
        ]),
    );
    click(&mut h, "/children/0/children/2");
    assert_eq!(div(&h), json!({"tagName": "div", "children": ["count", ": ", button("c", 2)]}));
}

#[test]
fn a_text_and_a_number_stay_one_node() {
    let mut h = Harness::new(1, |n: &i32| html! { <p>"Count: " {*n}</p> });
    assert_eq!(h.model["children"][0], json!({"tagName": "p", "children": ["Count: 1"]}));
    let u = h.set(2);
    assert_patch(&u, "/children/0", json!([{"op": "replace", "path": "/children/0", "value": "Count: 2"}]));
}
