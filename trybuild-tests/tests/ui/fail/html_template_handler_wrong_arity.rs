// A handler written in place inside a multi-element template, taking no argument: one error,
// at the event, with the fix.
use idom::prelude::*;

fn row(label: String) -> Element {
    html! {
        <tr>
            <td class="label">{label}</td>
            <td><button onclick={move || println!("removed")}>"Remove"</button></td>
        </tr>
    }
}

fn main() {
    let _ = row("first".to_owned());
}
