use idom::prelude::*;

fn remember_me() {
    let _ = use_state(|| false);
}

fn main() {
    remember_me();
}
