use idom::prelude::*;

fn list(items: &[(u32, &str)]) -> Element {
    html! {
        <ul>
            for (id, label) in items {
                <li key={*id} key={*label}>{*label}</li>
            }
        </ul>
    }
}

fn main() {
    let _ = list(&[]);
}
