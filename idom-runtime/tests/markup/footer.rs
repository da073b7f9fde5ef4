//! The static markup both `static_alloc.rs` and `static_markup.rs` render.

use idom::prelude::*;

/// A footer with no dynamic part: literal attributes and flags, texts merged, a void element.
pub(crate) fn footer() -> Element {
    html! {
        <footer class="site" hidden>
            <p title="made">"Made with " "idom"</p>
            <br />
            <a href="/about">"About"</a>
        </footer>
    }
}
