use idom::prelude::*;

struct User;

fn page(user: User) -> Element {
    html! {
        <p>{user}</p>
    }
}

fn main() {
    let _ = page(User);
}
