use idom::prelude::*;

#[component]
fn Counter() -> Element {
    html! {
        <p>"Count: " {use_state(|| 0).0}</p>
    }
}

fn main() {
    let _ = Layout::new(Counter);
}
