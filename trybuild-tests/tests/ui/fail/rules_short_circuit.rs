use idom::prelude::*;

#[component]
fn Banner(enabled: bool) -> Element {
    let visible = enabled && use_state(|| true).0;
    html! { <p hidden={!visible}>"Sale!"</p> }
}

fn main() {
    let _ = Layout::new(Banner { enabled: true });
}
