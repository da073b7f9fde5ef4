//! Templates: an `html!` element tree of fixed shape is rendered as its dynamic parts only, and
//! nothing a user sees depends on it. It shows the model the builders would show, its patches
//! bring the client's model to the layout's through every kind of change (attributes appearing
//! and going, texts, a text part that becomes an element and back, another markup at the same
//! place, markup built by hand), and its handlers keep receiving events through all of that.
//! (That a render allocates only for its dynamic parts is `static_alloc.rs`.)

use idom::html::{self as h, EventOptions};
use idom::prelude::*;
use idom::testing::TestLayout;
use serde_json::{Value, json};

/// A tree that is a template: literal and dynamic attributes on one element, an attribute that
/// is the element's only one, a flag, literal texts beside elements, a text of a literal and a
/// value, a void element, and handlers with and without options.
fn card(step: usize, content: Element, next: impl Fn(Event) + Send + Sync + 'static) -> Element {
    let odd = step % 2 == 1;
    html! {
        <section class="card" data-step={step}>
            <h1 title={odd.then_some("odd")}>"Step " {step}</h1>
            "between"
            <p>{content}</p>
            <button class={odd.then_some("odd")} onclick={next} onfocus|prevent_default={|_| {}}>"next"</button>
            <input disabled={odd} />
        </section>
    }
}

/// The same markup with the builders (as ordinary elements).
fn card_by_hand(step: usize, content: Element, next: impl Fn(Event) + Send + Sync + 'static) -> Element {
    let odd = step % 2 == 1;
    h::section()
        .attr("class", "card")
        .attr("data-step", step)
        .child(h::h1().attr("title", odd.then_some("odd")).child("Step ").child(step))
        .child("between")
        .child(h::p().child(content))
        .child(
            h::button()
                .attr("class", odd.then_some("odd"))
                .on(h::events::onclick, next)
                .on_with(h::events::onfocus, EventOptions::new().prevent_default(), |_| {})
                .child("next"),
        )
        .child(h::input().attr("disabled", odd))
        .into()
}

/// Another markup with the same root tag, its button at the same place.
fn other(step: usize, next: impl Fn(Event) + Send + Sync + 'static) -> Element {
    html! {
        <section class="other">
            <h1>"Other"</h1>
            "between"
            <p>"step " {step}</p>
            <button onclick={next}>"again"</button>
        </section>
    }
}

/// The model without handler targets (they name arena slots, which differ between the forms).
fn without_targets(mut model: Value) -> Value {
    fn strip(v: &mut Value) {
        match v {
            Value::Object(o) => {
                o.remove("target");
                o.values_mut().for_each(strip);
            }
            Value::Array(a) => a.iter_mut().for_each(strip),
            _ => {}
        }
    }
    strip(&mut model);
    model
}

#[test]
fn a_template_shows_the_model_of_the_same_markup_built_by_hand() {
    for step in 0..4 {
        let content = || if step == 3 { Element::from(h::em().child("em")) } else { Element::from(format!("c{step}")) };
        let template = card(step, content(), |_| {});
        let by_hand = card_by_hand(step, content(), |_| {});
        assert_eq!(template.to_json(), by_hand.to_json(), "step {step}");
        let mut a = Layout::from_element(template);
        let mut b = Layout::from_element(by_hand);
        a.try_render();
        b.try_render();
        assert_eq!(without_targets(a.model()), without_targets(b.model()), "step {step}");
        assert_eq!(a.to_html(), b.to_html(), "step {step}");
        // Mounted as a template, a handler's target names its hole; built as elements, not.
        let target = a.model()["children"][0]["children"][3]["eventHandlers"]["onClick"]["target"].clone();
        let first = target.as_str().unwrap().split(':').next().unwrap().to_owned();
        assert_eq!(first.contains('.'), step != 3, "target {target} at step {step}");
    }
    let html = {
        let mut layout = Layout::from_element(card(1, "c".into(), |_| {}));
        layout.try_render();
        layout.to_html()
    };
    assert_eq!(
        html,
        r#"<section class="card" data-step="1"><h1 title="odd">Step 1</h1>between<p>c</p><button class="odd">next</button><input disabled></section>"#
    );
}

/// Each click shows the next step's markup: a template whose parts change, its text part an
/// element every fifth step, another template of the same tag, and the markup built by hand.
#[component]
fn Steps() -> Element {
    let (step, set_step) = use_state(|| 0usize);
    let next = move |_| set_step.update(|s| s + 1);
    let content = if step % 5 == 3 {
        html! { <em>"an element"</em> }
    } else {
        Element::from(format!("text {step}"))
    };
    match step % 11 {
        6 | 7 => other(step, next),
        9 => card_by_hand(step, content, next),
        _ => card(step, content, next),
    }
}

#[tokio::test]
async fn patches_of_a_template_bring_the_client_to_the_layout_and_its_handlers_keep_working() {
    let mut page = TestLayout::new(Steps).await;
    for step in 0..40usize {
        let button = page.find_all_by_tag("button").remove(0);
        page.fire(&button, "onclick", json!({"type": "click"})).await.expect("an update");
        let model = page.layout().model();
        assert_eq!(page.model(), &model, "after step {step}");
        let now = step + 1;
        let text = page.text();
        match now % 11 {
            6 | 7 => assert!(text.contains(&format!("step {now}")), "{text}"),
            _ => assert!(text.starts_with(&format!("Step {now}")), "{text}"),
        }
        let odd = now % 2 == 1 && !matches!(now % 11, 6 | 7);
        let button = page.find_all_by_tag("button").remove(0);
        assert_eq!(button.attr("class").is_some(), odd, "step {now}: {:?}", button.node);
    }
}

#[tokio::test]
async fn an_attribute_that_is_an_elements_only_one_comes_and_goes_as_the_whole_object() {
    let mut page = TestLayout::new(Steps).await;
    let button = page.find_all_by_tag("button").remove(0);
    let update = page.fire(&button, "onclick", json!({"type": "click"})).await.unwrap();
    let ops = update.changes_json();
    let ops = ops.as_array().unwrap();
    let paths: Vec<(&str, &str)> =
        ops.iter().map(|op| (op["op"].as_str().unwrap(), op["path"].as_str().unwrap())).collect();
    // Step 0 to 1 (paths below the section, the update's path): `data-step` changes beside the
    // literal `class`; the `h1`'s only attribute appears as a whole object; its text and the
    // `p`'s change; the button gets a class beside nothing else (handlers are no attributes);
    // the input's flag appears.
    assert_eq!(
        paths,
        [
            ("replace", "/attributes/data-step"),
            ("add", "/children/0/attributes"),
            ("replace", "/children/0/children/0"),
            ("replace", "/children/2/children/0"),
            ("add", "/children/3/attributes"),
            ("add", "/children/4/attributes"),
        ]
    );
    let button = page.find_all_by_tag("button").remove(0);
    let update = page.fire(&button, "onclick", json!({"type": "click"})).await.unwrap();
    let changes = update.changes_json();
    let removed: Vec<&str> = changes
        .as_array()
        .unwrap()
        .iter()
        .filter(|op| op["op"] == "remove")
        .map(|op| op["path"].as_str().unwrap())
        .collect();
    assert_eq!(removed, ["/children/0/attributes", "/children/3/attributes", "/children/4/attributes"]);
}

#[tokio::test]
async fn a_template_whose_text_becomes_an_element_is_built_as_elements_and_keeps_working() {
    #[component]
    fn Flip() -> Element {
        let (n, set_n) = use_state(|| 0);
        let content = if n == 1 {
            html! { <em>"em"</em> }
        } else {
            Element::from("plain")
        };
        html! {
            <div>
                <p>{content}</p>
                <button onclick={move |_| set_n.update(|n| n + 1)}>{n}</button>
            </div>
        }
    }
    let mut page = TestLayout::new(Flip).await;
    let button = page.find_all_by_tag("button").remove(0);
    let old = button.target("onclick").unwrap();
    assert!(old.split(':').next().unwrap().contains('.'), "{old}");
    // The text part becomes an element: the template is built as elements, and the button gets
    // a target of its own.
    page.fire(&button, "onclick", json!({"type": "click"})).await.unwrap();
    let button = page.find_all_by_tag("button").remove(0);
    assert_eq!(button.text(), "1");
    let new = button.target("onclick").unwrap();
    assert_ne!(old, new);
    // And back to a text: the place keeps its elements, the button its target.
    page.fire(&button, "onclick", json!({"type": "click"})).await.unwrap();
    let button = page.find_all_by_tag("button").remove(0);
    assert_eq!((button.text(), button.target("onclick").unwrap()), ("2".to_owned(), new));
    let model = page.layout().model();
    assert_eq!(page.model(), &model);
}
