//! Custom hooks: generic, with `impl Trait` arguments and results, calling other hooks, called
//! one after another while the closures they returned are still alive, by path and turbofish.

use std::sync::Arc;

use idom::prelude::*;
use idom::testing::TestLayout;

/// A toggle that reports each change.
#[hook]
pub fn use_toggle(
    initial: bool,
    on_change: impl Fn(bool) + Send + Sync + 'static,
) -> (bool, impl Fn() + Clone + Send + Sync) {
    let (on, set_on) = use_state(move || initial);
    let on_change = Arc::new(on_change);
    (on, move || {
        set_on.set(!on);
        on_change(!on);
    })
}

/// The previous value passed in, and whether it changed.
#[hook]
fn use_previous<T: Clone + PartialEq + Send + Sync + 'static>(value: T) -> (Option<T>, bool) {
    let slot = use_ref(|| None::<T>);
    let previous = slot.get();
    slot.set(Some(value.clone()));
    let changed = previous.as_ref() != Some(&value);
    (previous, changed)
}

/// Hooks calling hooks, by path and with a turbofish.
#[hook]
fn use_counter() -> (i32, impl Fn() + Clone + Send + Sync) {
    let (count, set_count) = idom::use_state::<i32, _>(|| 0);
    let _ = use_previous(count);
    (count, move || set_count.update(|c| c + 1))
}

#[component]
fn Panel() -> Element {
    let (open, toggle) = use_toggle(false, |_| {});
    let (count, increment) = use_counter();
    let (previous, changed) = use_previous(open);
    let both = {
        let toggle = toggle.clone();
        move |_| {
            toggle();
            increment();
        }
    };
    html! {
        <div>
            <button onclick={both}>"both"</button>
            <button onclick={move |_| toggle()}>"toggle"</button>
            <p>{format!("open={open} count={count} previous={previous:?} changed={changed}")}</p>
        </div>
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let mut page = TestLayout::new(Panel).await;
    assert!(page.find_by_text("open=false count=0 previous=None changed=true").is_some(), "{}", page.model());
    let both = page.find_by_text("both").unwrap();
    page.fire(&both, "onclick", serde_json::json!({"type": "click"})).await;
    assert!(page.find_by_text("open=true count=1 previous=Some(false) changed=true").is_some(), "{}", page.model());
}
