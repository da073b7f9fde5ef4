//! Error boundaries: a panic in a render goes to the nearest `ErrorBoundary` above the failed
//! component, which swaps its children for its fallback; `reset()` from the fallback re-mounts
//! the children with fresh state. Siblings outside the boundary never notice: every patch touches
//! only the boundary's nodes. Handler panics never reach a boundary.

mod common;

use common::{Harness, assert_update, oops};
use idom::prelude::*;
use serde_json::{Value, json};

/// A button that counts its clicks and shows `name=count`.
#[component]
fn Counter(name: &'static str) -> Element {
    let (count, set_count) = use_state(|| 0);
    html! { <button onclick={move |_| set_count.update(|c| c + 1)}>{name} "=" {count}</button> }
}

/// A counter that panics while rendering once its count reaches `fail_at`.
#[component]
fn Bomb(fail_at: i32) -> Element {
    let (count, set_count) = use_state(|| 0);
    if count >= fail_at {
        panic!("boom at {count}");
    }
    html! { <button onclick={move |_| set_count.update(|c| c + 1)}>"bomb=" {count}</button> }
}

/// A counter whose click handler panics.
#[component]
fn BadHandler() -> Element {
    html! { <button onclick={|_| -> () { panic!("handler boom") }}>"bad"</button> }
}

/// The fallback's JSON (handler targets left out).
fn fallback(text: &str) -> Value {
    let text = if cfg!(debug_assertions) { text.to_owned() } else { "Bomb failed: ".to_owned() };
    json!({"tagName": "div", "attributes": {"class": "oops"}, "children": [
        {"tagName": "p", "children": [text]},
        {"tagName": "button", "children": ["reset"]},
    ]})
}

fn button(text: &str) -> Value {
    json!({"tagName": "button", "children": [text]})
}

/// `a`, then a boundary around `b` and a bomb, then `c`.
fn page(fail_at: i32) -> Harness<i32> {
    Harness::new(0, move |_: &i32| {
        html! {
            <div>
                <Counter name="a" />
                <ErrorBoundary fallback={oops}>
                    <Counter name="b" />
                    <Bomb fail_at={fail_at} />
                </ErrorBoundary>
                <Counter name="c" />
            </div>
        }
    })
}

use common::without_handlers as plain;

/// The `<div>`'s children, without targets.
fn children(h: &Harness<i32>) -> Value {
    plain(&h.model["children"][0])["children"].clone()
}

use common::changes_without_handlers as plain_changes;

fn click(h: &mut Harness<i32>, index: usize) -> Option<LayoutUpdate> {
    let target = h.target(&format!("/children/0/children/{index}"), "onClick");
    h.layout.deliver_now(LayoutEvent::new(target, vec![json!({"type": "click"})]));
    h.step()
}

fn click_fallback_reset(h: &mut Harness<i32>) -> LayoutUpdate {
    let target = h.target("/children/0/children/1/children/1", "onClick");
    h.layout.deliver_now(LayoutEvent::new(target, vec![json!({"type": "click"})]));
    h.step().expect("the reset re-renders the boundary")
}

/// The siblings outside the boundary: each click patches exactly its own button.
fn siblings_go_on(h: &mut Harness<i32>, a: i32, c: i32, c_index: usize) {
    let u = click(h, 0).unwrap();
    let text = format!("a={}", a + 1);
    assert_update(&u, "/children/0/children/0", json!([{"op": "replace", "path": "/children/0", "value": text}]));
    let u = click(h, c_index).unwrap();
    let text = format!("c={}", c + 1);
    let path = format!("/children/0/children/{c_index}");
    assert_update(&u, &path, json!([{"op": "replace", "path": "/children/0", "value": text}]));
}

#[test]
fn a_panic_in_the_first_render_shows_the_fallback() {
    let mut h = page(0);
    assert_eq!(children(&h), json!([button("a=0"), fallback("Bomb failed: boom at 0"), button("c=0")]));
    assert_eq!(h.step(), None, "the first update already showed the fallback");
    siblings_go_on(&mut h, 0, 0, 2);
}

#[test]
fn a_panic_in_a_later_render_replaces_only_the_boundarys_nodes() {
    let mut h = page(1);
    assert_eq!(children(&h), json!([button("a=0"), button("b=0"), button("bomb=0"), button("c=0")]));
    click(&mut h, 0).unwrap();
    click(&mut h, 1).unwrap();
    // The bomb's click makes it fail: the boundary's two buttons go, the fallback comes.
    let u = click(&mut h, 2).expect("the boundary shows its fallback");
    assert_eq!(u.path, "/children/0");
    assert_eq!(
        plain_changes(&u),
        json!([
            {"op": "remove", "path": "/children/1"},
            {"op": "remove", "path": "/children/1"},
            {"op": "add", "path": "/children/1", "value": fallback("Bomb failed: boom at 1")},
        ])
    );
    assert_eq!(children(&h), json!([button("a=1"), fallback("Bomb failed: boom at 1"), button("c=0")]));
    siblings_go_on(&mut h, 1, 0, 2);
}

#[test]
fn reset_re_mounts_the_children_with_fresh_state() {
    let mut h = page(1);
    click(&mut h, 1).unwrap();
    click(&mut h, 2).unwrap();
    assert_eq!(children(&h), json!([button("a=0"), fallback("Bomb failed: boom at 1"), button("c=0")]));
    let u = click_fallback_reset(&mut h);
    assert_eq!(u.path, "/children/0");
    assert_eq!(
        plain_changes(&u),
        json!([
            {"op": "remove", "path": "/children/1"},
            {"op": "add", "path": "/children/1", "value": button("b=0")},
            {"op": "add", "path": "/children/2", "value": button("bomb=0")},
        ])
    );
    // The fresh children work, and fail again as the first ones did.
    let u = click(&mut h, 1).unwrap();
    assert_update(&u, "/children/0/children/1", json!([{"op": "replace", "path": "/children/0", "value": "b=1"}]));
    click(&mut h, 2).expect("the boundary shows its fallback again");
    assert_eq!(children(&h), json!([button("a=0"), fallback("Bomb failed: boom at 1"), button("c=0")]));
    siblings_go_on(&mut h, 0, 0, 2);
}

#[test]
fn a_parents_render_leaves_the_fallback_in_place() {
    let mut h = page(0);
    assert_eq!(h.try_set(1), None, "the boundary keeps its fallback, and nothing changed");
    assert_eq!(children(&h), json!([button("a=0"), fallback("Bomb failed: boom at 0"), button("c=0")]));
}

#[test]
fn a_handler_panic_inside_a_boundary_does_not_reach_it() {
    let mut h = Harness::new(0, |_: &i32| {
        html! {
            <div>
                <ErrorBoundary fallback={oops}><BadHandler /></ErrorBoundary>
            </div>
        }
    });
    assert_eq!(click(&mut h, 0), None);
    assert_eq!(children(&h), json!([button("bad")]));
}

/// A fallback that fails itself.
fn broken(_: BoundaryError) -> Element {
    html! { <Bomb fail_at={0} /> }
}

#[test]
fn a_panic_in_a_fallback_goes_to_the_next_boundary_up() {
    let h = Harness::new(0, |_: &i32| {
        html! {
            <div>
                <ErrorBoundary fallback={oops}>
                    <ErrorBoundary fallback={broken}><Bomb fail_at={0} /></ErrorBoundary>
                </ErrorBoundary>
            </div>
        }
    });
    assert_eq!(children(&h), json!([fallback("Bomb failed: boom at 0")]));
}

#[test]
fn without_a_boundary_the_failed_component_alone_shows_the_error_node() {
    let h = Harness::new(0, |_: &i32| html! { <div><Counter name="a" /><Bomb fail_at={0} /></div> });
    let error = if cfg!(debug_assertions) {
        json!({"tagName": "pre", "attributes": {"class": "idom-error"}, "children": ["Bomb failed: boom at 0"]})
    } else {
        json!({"tagName": "pre", "attributes": {"class": "idom-error"}})
    };
    assert_eq!(children(&h), json!([button("a=0"), error]));
}
