use idom::prelude::*;

#[component]
fn Loader() -> Element {
    let load = async {
        let (_data, set_data) = use_state(String::new);
        set_data.set(String::from("loaded"));
    };
    drop(load);
    html! { <p>"Loading"</p> }
}

fn main() {
    let _ = Layout::new(Loader);
}
