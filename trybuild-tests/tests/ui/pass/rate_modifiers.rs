//! `debounce(ms)` and `throttle(ms)` handler modifiers: with the other modifiers, with a
//! `Duration` in braces, on a handler value, and as they appear in the model.

use std::time::Duration;

use idom::prelude::*;
use idom::testing::TestLayout;

#[component]
fn Search() -> Element {
    let (query, set_query) = use_state(String::new);
    let (y, set_y) = use_state(|| 0.0);
    let period = Duration::from_millis(50);
    let on_scroll = move |e: Event| set_y.set(e.client_pos().map_or(0.0, |(_, y)| y));
    html! {
        <form onsubmit|prevent_default={|_| ()}>
            <input value={query.clone()}
                   oninput|debounce(300)|stop_propagation={move |e: Event| set_query.set(e.value().unwrap_or_default().to_owned())} />
            <div onscroll|throttle({period * 2})={on_scroll} onkeydown|prevent_default|debounce(0)={|_| ()}>
                {query} " at " {y}
            </div>
        </form>
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let page = TestLayout::new(Search).await;
    let input = &page.find_all_by_tag("input")[0].node["eventHandlers"]["onInput"];
    assert_eq!(input["debounce"], 300);
    assert_eq!(input["stopPropagation"], true);
    assert!(input.get("throttle").is_none() && input.get("preventDefault").is_none(), "{input}");
    let div = &page.find_all_by_tag("div")[0].node["eventHandlers"];
    assert_eq!(div["onScroll"]["throttle"], 100);
    assert_eq!(div["onKeydown"]["debounce"], 0);
    assert_eq!(div["onKeydown"]["preventDefault"], true);
}
