//! `for`, `if` / `else if` / `else`, `if let`, `match` with guards, `Option` and iterator
//! children, fragments and several roots.

use idom::prelude::*;

enum Status {
    Loading,
    Failed(String),
    Ready(Vec<&'static str>),
}

fn view(status: &Status, count: usize, extra: Option<&str>) -> Element {
    html! {
        <>
            match status {
                Status::Loading => <p>"Loading"</p>,
                Status::Failed(why) if why.is_empty() => "Failed",
                Status::Failed(why) => { "Failed: " {why.clone()} }
                Status::Ready(items) => {
                    <ul>
                        for (i, item) in items.iter().enumerate() {
                            <li key={i}>{*item}</li>
                        }
                    </ul>
                }
            }
            if count == 0 { "none" } else if count == 1 { "one" } else { {count} " items" }
            if let Some(extra) = extra { <em>{extra}</em> }
            {extra.map(|e| html! { <b>{e}</b> })}
            {(0..2).map(|i| html! { <i>{i}</i> })}
        </>
        "tail" 42
    }
}

fn main() {
    let json = view(&Status::Ready(vec!["a", "b"]), 2, Some("x")).to_json();
    let texts = json.to_string();
    assert!(texts.contains(r#""tagName":"ul""#), "{texts}");
    assert!(texts.contains("2 items"), "{texts}");
    assert!(texts.contains(r#""key":"1""#), "{texts}");
    assert!(texts.contains("tail42"), "{texts}");
    let loading = view(&Status::Loading, 0, None).to_json().to_string();
    assert!(loading.contains("Loading") && loading.contains("none") && !loading.contains("\"em\""), "{loading}");
    let failed = view(&Status::Failed("boom".into()), 1, None).to_json().to_string();
    assert!(failed.contains("Failed: boom") && failed.contains("one"), "{failed}");
    let empty: Element = html! {};
    assert_eq!(empty, Element::empty());
}
