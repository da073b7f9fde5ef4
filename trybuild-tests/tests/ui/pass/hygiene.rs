//! The expansions use absolute paths only, and hidden names that cannot clash with the user's:
//! everything works under `#![no_implicit_prelude]`, next to variables named like the macros'.
//!
//! (Components with *required* props are the exception: their "missing prop" message uses
//! `#[diagnostic::on_unimplemented]`, and rustc does not resolve the `diagnostic::` tool namespace
//! under `no_implicit_prelude`. So the props here are optional.)
#![no_implicit_prelude]

use ::idom::prelude::*;

#[hook]
fn use_double(value: i32) -> i32 {
    let __cx = value;
    let (doubled, _set) = use_state(move || __cx * 2);
    doubled
}

#[component]
fn Page(
    #[prop(default)] items: ::std::vec::Vec<::std::string::String>,
    title: ::std::option::Option<::std::string::String>,
    children: Element,
) -> Element {
    let __nodes = 3;
    let __cx = "not the context";
    let doubled = use_double(__nodes);
    html! {
        <div title={title}>
            {__cx}
            for item in items { <p key={&item}>{item} {__nodes}</p> }
            if doubled > 5 { <span>{doubled}</span> } else { "small" }
            match doubled { 0 => "zero", _ => <Inner n=1 /> }
            <Inner />
            <>{children}</>
        </div>
    }
}

#[component]
fn Inner(#[prop(default = 7)] n: i32) -> Element {
    let delay = ::core::time::Duration::from_millis(5);
    html! {
        <b onclick|debounce(300)|prevent_default={move |_| ()} onmousemove|throttle({delay})={move |_| ()}>{n}</b>
    }
}

#[component]
fn App() -> Element {
    html! { <Page title="t">"child"</Page> }
}

fn main() {
    let _ = Layout::new(App);
    let _ = Page::__builder().build();
}
