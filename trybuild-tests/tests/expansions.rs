//! The macros' expansions under the workspace lints and clippy (`cargo clippy --all-targets`):
//! documented public components and hooks, every kind of prop, and markup with every construct,
//! checked by rendering.
#![deny(warnings)]

use idom::prelude::*;
use idom::testing::TestLayout;

/// Public items, as a library would export them.
pub mod widgets {
    use idom::prelude::*;

    /// A labelled counter.
    #[component]
    pub fn Counter(
        /// The text before the count.
        label: String,
        /// Where counting starts.
        #[prop(default)]
        start: i32,
        /// The step.
        #[prop(default = 1)]
        step: i32,
        /// Shown under the counter.
        hint: Option<String>,
        /// Extra content.
        children: Element,
    ) -> Element {
        let (count, increment) = use_counter(start, step);
        html! {
            <div class="counter">
                <button onclick={move |_| increment()}>{label} {count}</button>
                if let Some(hint) = hint { <small>{hint}</small> }
                {children}
            </div>
        }
    }

    /// A count and a function that adds `step` to it.
    #[hook]
    pub fn use_counter(start: i32, step: i32) -> (i32, impl Fn() + Clone + Send + Sync) {
        let (count, set_count) = use_state(move || start);
        (count, move || set_count.set(count + step))
    }

    /// The current value of a toggle.
    #[hook]
    pub fn use_flag(initial: bool) -> bool {
        use_state(move || initial).0
    }
}

use widgets::Counter;

#[component]
fn App() -> Element {
    let flag = widgets::use_flag(true);
    let items = ["a", "b"];
    html! {
        <Counter label="Clicks: " start=5 hint="click it"><p>"child"</p></Counter>
        <Counter label="Steps: " step=2 />
        <ul>
            for (i, item) in items.iter().enumerate() { <li key={i}>{*item}</li> }
        </ul>
        match flag { true => "on", false => "off" }
    }
}

#[tokio::test]
async fn counters_count() {
    let mut page = TestLayout::new(App).await;
    assert!(page.find_by_text("Clicks: 5").is_some(), "{}", page.model());
    assert!(page.find_by_text("click it").is_some());
    assert!(page.find_by_text("child").is_some());
    let steps = page.find_by_text("Steps: 0").expect("the second counter");
    page.fire(&steps, "onclick", serde_json::json!({"type": "click"})).await;
    assert!(page.find_by_text("Steps: 2").is_some(), "{}", page.model());
    assert_eq!(page.find_all_by_tag("li").len(), 2);
    assert!(page.text().contains("on"));
}
