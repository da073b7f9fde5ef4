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

/// Async components, as a library would export them.
pub mod loaders {
    use idom::prelude::*;

    /// Greets `name` once a (simulated) lookup finished; shows a placeholder meanwhile.
    #[component(fallback = html! { <p class="loading">"Looking up " {name.clone()}</p> })]
    pub async fn Greeting(
        /// Who to greet.
        name: String,
        /// Whether the lookup fails.
        #[prop(default)]
        fails: bool,
    ) -> Result<Element, String> {
        let (greeted, set_greeted) = use_state(|| 0u32);
        tokio::task::yield_now().await;
        if fails {
            return Err(format!("no {name}"));
        }
        Ok(html! {
            <button onclick={move |_| set_greeted.update(|n| n + 1)}>"Hello, " {name} " x" {greeted}</button>
        })
    }
}

use widgets::Counter;

#[component]
fn Greetings() -> Element {
    let waiting = html! { <p>"..."</p> };
    html! {
        <Suspense fallback={waiting}>
            <loaders::Greeting name="Ada" />
        </Suspense>
    }
}

#[tokio::test]
async fn async_components_finish() {
    let mut page = TestLayout::new(Greetings).await;
    assert!(page.find_by_text("Looking up Ada").is_some(), "{}", page.model());
    page.next_update(std::time::Duration::from_secs(5)).await.expect("the greeting finishes");
    assert_eq!(page.text(), "Hello, Ada x0");
}

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
