use idom::prelude::*;

#[component]
fn Title(text: String) -> String {
    text
}

fn main() {
    let _ = Layout::new(Title { text: String::new() });
}
