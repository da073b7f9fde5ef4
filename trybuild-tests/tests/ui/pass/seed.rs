//! The seed example: a custom hook returning a closure, used by a component.

use idom::prelude::*;
use idom::testing::TestLayout;

/// A counter: its value and a function that increments it.
#[hook]
fn use_counter() -> (i32, impl Fn() + Clone) {
    let (count, set_count) = use_state(|| 0);
    (count, move || set_count.set(count + 1))
}

#[component]
fn ClickCount() -> Element {
    let (count, increment) = use_counter();
    html! { <button onclick={move |_| increment()}>"Click count: " {count}</button> }
}

fn paragraphs(texts: &[&str]) -> Element {
    html! {
        <div>
            for text in texts { <p>{*text}</p> }
        </div>
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let mut page = TestLayout::new(ClickCount).await;
    let button = page.find_by_text("Click count: 0").expect("the first render");
    page.fire(&button, "onclick", serde_json::json!({"type": "click"})).await;
    assert!(page.find_by_text("Click count: 1").is_some(), "{}", page.model());

    let json = paragraphs(&["a", "b"]).to_json();
    assert_eq!(json["children"][1]["children"][0], "b");
}
