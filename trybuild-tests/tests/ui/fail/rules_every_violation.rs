use idom::prelude::*;

#[component]
fn Busy(flag: bool) -> Element {
    let (a, _) = use_state(|| 1);
    if flag {
        let _ = use_state(|| 2);
    }
    let show = move || use_state(|| 3).0;
    while use_state(|| false).0 {}
    html! { <p>{a} {show()}</p> }
}

fn main() {
    let _ = Layout::new(Busy { flag: false });
}
