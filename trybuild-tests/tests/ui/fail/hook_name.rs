use idom::prelude::*;

#[hook]
fn toggle(initial: bool) -> (bool, idom::UseStateSetter<bool>) {
    use_state(move || initial)
}

fn main() {}
