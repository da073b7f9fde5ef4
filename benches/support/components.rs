//! The components of the counter and children workloads, shared by `benches/workloads.rs` and the
//! peer comparison (`benches/peers`), so both measure the same idom components.

use idom::prelude::*;

#[hook]
fn use_counter() -> (i32, impl Fn() + Clone) {
    let (count, set_count) = use_state(|| 0);
    (count, move || set_count.update(|c| c + 1))
}

/// The seed's click counter: a button whose click increments `use_state`.
#[component]
pub(crate) fn ClickCount() -> Element {
    let (count, increment) = use_counter();
    html! { <button onclick={move |_| increment()}>"Click count: " {count}</button> }
}

/// One child of `Children`: its own counter and button.
#[component]
pub(crate) fn Child(index: usize) -> Element {
    let (count, set_count) = use_state(|| 0u32);
    html! { <button onclick={move |_| set_count.update(|c| c + 1)}>{index} ": " {count}</button> }
}

/// A parent of `n` keyed children.
#[component]
pub(crate) fn Children(n: usize) -> Element {
    html! { <div> for i in 0..n { <Child key={i} index={i} /> } </div> }
}
