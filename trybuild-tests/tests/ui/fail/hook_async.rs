use idom::prelude::*;

#[hook]
async fn use_user() -> String {
    String::new()
}

fn main() {}
