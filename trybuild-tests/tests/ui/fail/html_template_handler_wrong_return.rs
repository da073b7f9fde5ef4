// A handler written in place inside a multi-element template: its closure lives in the
// template's allocation, and a wrong return type must still give one error, at the event.
use idom::prelude::*;

fn row(label: String) -> Element {
    html! {
        <tr>
            <td class="label">{label}</td>
            <td><button onclick={|_| 42}>"Remove"</button></td>
        </tr>
    }
}

fn main() {
    let _ = row("first".to_owned());
}
