//! Components with required, optional and default props, children, keys and paths.

use idom::prelude::*;
use idom::testing::TestLayout;

mod widgets {
    use idom::prelude::*;

    /// A card with a title around its children.
    #[component]
    pub fn Card(
        /// The heading.
        title: String,
        /// The content.
        children: Element,
    ) -> Element {
        html! { <section><h2>{title}</h2>{children}</section> }
    }
}

#[component]
fn Row(
    id: u32,
    label: String,
    #[prop(default)] selected: bool,
    #[prop(default = 10)] size: u8,
    note: Option<String>,
    r#type: Option<&'static str>,
) -> Element {
    html! {
        <li class={selected.then_some("selected")} data-size={size} data-type={r#type}>
            {id} ": " {label}
            if let Some(note) = note { <small>{note}</small> }
        </li>
    }
}

#[component]
fn App() -> Element {
    let rows = vec![(1, "one"), (2, "two")];
    let third = String::from("three");
    html! {
        <widgets::Card title="Rows">
            <ul>
                for (id, label) in rows {
                    <Row key={id} id={id} label={label} />
                }
                <Row key="3" id=3 label={&third} selected size=2 note="last" type="x" />
            </ul>
        </widgets::Card>
        <widgets::Card title={String::from("Empty")} />
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let page = TestLayout::new(App).await;
    let items = page.find_all_by_tag("li");
    assert_eq!(items.len(), 3, "{}", page.model());
    assert_eq!(items[0].text(), "1: one");
    assert_eq!(items[0].attr("data-size").as_deref(), Some("10"));
    assert_eq!(items[0].attr("class"), None);
    assert_eq!(items[2].text(), "3: threelast");
    assert_eq!(items[2].attr("class").as_deref(), Some("selected"));
    assert_eq!(items[2].attr("data-type").as_deref(), Some("x"));
    assert_eq!(page.find_all_by_tag("h2").len(), 2);
}
