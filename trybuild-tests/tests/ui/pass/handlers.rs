//! Event handlers: closures, closures returning futures, async closures, `Event` data, modifiers,
//! handlers from variables.

use idom::prelude::*;
use idom::testing::TestLayout;

#[component]
fn Form() -> Element {
    let (name, set_name) = use_state(String::new);
    let (sent, set_sent) = use_state(|| 0);
    let (resets, set_resets) = use_state(|| 0);
    let on_input = move |e: Event| set_name.set(e.value().unwrap_or_default().to_owned());
    let submit = {
        let set_sent = set_sent.clone();
        move |_| {
            let set_sent = set_sent.clone();
            async move { set_sent.update(|n| n + 1) }
        }
    };
    html! {
        <form onsubmit|prevent_default={submit}>
            <input value={name.clone()} oninput={on_input} />
            <button type="submit" onclick|stop_propagation|prevent_default={|_| ()}>"Send"</button>
            <button type="reset" onclick={async move |e| {
                assert_eq!(e.data().len(), 1);
                set_resets.update(|n| n + 1);
            }}>"Reset " {resets}</button>
            <p>"Hello " {name} ", sent " {sent}</p>
        </form>
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let mut page = TestLayout::new(Form).await;
    let form = &page.find_all_by_tag("form")[0];
    assert_eq!(form.node["eventHandlers"]["onSubmit"]["preventDefault"], true);
    let button = &page.find_all_by_tag("button")[0];
    assert_eq!(button.node["eventHandlers"]["onClick"]["stopPropagation"], true);
    let input = page.find_all_by_tag("input")[0].clone();
    page.fire(&input, "oninput", serde_json::json!({"type": "input", "value": "Ann"})).await;
    assert!(page.find_by_text("Hello Ann, sent 0").is_some(), "{}", page.model());
    let form = page.find_all_by_tag("form")[0].clone();
    page.fire(&form, "onsubmit", serde_json::json!({"type": "submit"})).await;
    let _ = page.next_update(std::time::Duration::from_secs(1)).await;
    assert!(page.find_by_text("Hello Ann, sent 1").is_some(), "{}", page.model());
    let reset = page.find_by_text("Reset 0").unwrap();
    page.fire(&reset, "onclick", serde_json::json!({"type": "click"})).await;
    let _ = page.next_update(std::time::Duration::from_secs(1)).await;
    assert!(page.find_by_text("Reset 1").is_some(), "{}", page.model());
}
