//! JS widgets headless: the widget element's model and exact patches (props that change travel
//! one by one, equal props send nothing), emits reaching Rust, calls and browser actions routed
//! through the session's link, and bad input (no session, a nameless emit, props that are not an
//! object) giving a log and nothing else.

mod common;

use std::sync::LazyLock;

use common::{Shared, assert_update, warnings};
use idom::hooks::{ClientCommand, ClientLink, provide_client_link};
use idom::prelude::*;
use idom::protocol::{encode_action, encode_command};
use idom::testing::TestLayout;
use idom::widget::{BrowserAction, JsComponent, JsModule, Widget, use_browser, use_element_ref, use_widget};
use idom::{LayoutEvent, Location};
use serde_json::json;

static CHART: LazyLock<JsModule> =
    LazyLock::new(|| JsModule::inline("chart.js", "export const Chart = { mount() { return {}; } };"));

#[derive(Clone, PartialEq, Debug)]
struct Config {
    color: &'static str,
    title: &'static str,
    other: u32,
}

#[component]
fn Chart(config: Config, widget: Widget, picks: Shared<Vec<String>>) -> Element {
    let on_event = move |e: Event| {
        let value = e.emit_value().cloned().unwrap_or_default();
        picks.push(format!("{}: {value}", e.emit_name().unwrap_or_default()));
    };
    html! {
        <JsComponent module={CHART.clone()} export="Chart" widget={widget}
            props={json!({"color": config.color, "title": config.title})} on_event={on_event} />
        <p>{config.other}</p>
    }
}

#[component]
fn App(config: Shared<Config>, picks: Shared<Vec<String>>) -> Element {
    let widget = use_widget();
    let (_, set_tick) = use_state(|| 0u32);
    let feed = widget.clone();
    let config_now = config.get();
    html! {
        <Chart config={config_now} widget={widget} picks={picks} />
        <button onclick={move |_| feed.call("append", json!([[1, 2], [3, 4]]))}>"Append"</button>
        <button onclick={move |_| set_tick.update(|t| t + 1)}>"Render"</button>
    }
}

struct Page {
    t: TestLayout,
    link: ClientLink,
    config: Shared<Config>,
    picks: Shared<Vec<String>>,
}

async fn page() -> Page {
    let link = ClientLink::new("/", Location { path: "/".into(), query: String::new() });
    let config = Shared::new(Config { color: "red", title: "Sales", other: 0 });
    let picks = Shared::default();
    let root = html! { <App config={config.clone()} picks={picks.clone()} /> };
    let t = TestLayout::from_element(provide_client_link(link.clone(), root)).await;
    Page { t, link, config, picks }
}

#[tokio::test]
async fn the_widget_element_carries_module_export_id_and_one_attribute_per_prop() {
    let p = page().await;
    let widget = &p.t.model()["children"][0];
    assert_eq!(widget["tagName"], "idom-widget");
    let attributes = widget["attributes"].as_object().unwrap();
    assert_eq!(attributes["module"], CHART.path());
    assert!(CHART.path().ends_with("/chart.js") && CHART.path().len() == 16 + "/chart.js".len());
    assert_eq!(attributes["export"], "Chart");
    assert!(attributes["widget"].as_str().unwrap().starts_with('w'));
    assert_eq!(attributes["prop:color"], "\"red\"");
    assert_eq!(attributes["prop:title"], "\"Sales\"");
    assert!(widget["eventHandlers"]["onEmit"]["target"].is_string());
    assert!(widget.get("children").is_none(), "a widget is a leaf of the model");
}

#[tokio::test]
async fn a_changed_prop_travels_alone_and_equal_props_send_nothing() {
    let mut p = page().await;
    let render = p.t.find_by_text("Render").unwrap();
    // Re-rendered with equal props: no update at all.
    assert!(p.t.fire(&render, "onclick", json!({"type": "click"})).await.is_none());

    p.config.with(|c| c.color = "blue");
    let u = p.t.fire(&render, "onclick", json!({"type": "click"})).await.expect("a patch");
    assert_update(&u, "/children/0", json!([{"op": "replace", "path": "/attributes/prop:color", "value": "\"blue\""}]));

    // Something beside the widget changes: the widget's props are not sent again.
    p.config.with(|c| c.other = 5);
    let u = p.t.fire(&render, "onclick", json!({"type": "click"})).await.expect("a patch");
    assert_update(&u, "/children/1", json!([{"op": "replace", "path": "/children/0", "value": "5"}]));
}

#[tokio::test]
async fn emits_reach_the_handler_and_nameless_ones_are_dropped() {
    let mut p = page().await;
    let target = p.t.model()["children"][0]["eventHandlers"]["onEmit"]["target"].as_str().unwrap().to_owned();
    p.t.layout()
        .deliver(LayoutEvent::new(target.clone(), vec![json!({"type": "emit", "name": "pick", "value": {"x": 1}})]))
        .await;
    assert_eq!(p.picks.take(), ["pick: {\"x\":1}"]);

    // No name, or not an emit at all: nothing reaches the handler, and nothing is logged above
    // debug level.
    let malformed = [json!({"type": "emit", "value": 3}), json!({"type": "emit", "name": 7}), json!("junk")];
    for data in malformed {
        let event = LayoutEvent::new(target.clone(), vec![data]);
        let ((), logged) = warnings(|| p.t.layout().deliver_now(event));
        assert!(logged.is_empty(), "{logged:?}");
    }
    assert!(p.picks.take().is_empty());
    // An unknown widget target: dropped by the layout.
    let ((), logged) =
        warnings(|| p.t.layout().deliver_now(LayoutEvent::new("999:0:onEmit", vec![json!({"type": "emit"})])));
    assert!(logged.is_empty(), "{logged:?}");
}

#[tokio::test]
async fn calls_go_to_the_widget_by_its_id() {
    let mut p = page().await;
    p.link.take_commands();
    let id = p.t.model()["children"][0]["attributes"]["widget"].as_str().unwrap().to_owned();
    let append = p.t.find_by_text("Append").unwrap();
    p.t.fire(&append, "onclick", json!({"type": "click"})).await;
    let commands = p.link.take_commands();
    assert_eq!(
        commands,
        [ClientCommand::WidgetCall { widget: id.clone(), method: "append".into(), args: json!([[1, 2], [3, 4]]) }]
    );
    assert_eq!(
        encode_command(&commands[0]),
        format!(r#"{{"type":"widget-call","widget":"{id}","method":"append","args":[[1,2],[3,4]]}}"#)
    );
}

#[component]
fn Actions() -> Element {
    let browser = use_browser();
    let field = use_element_ref();
    let (b1, f1) = (browser, field.clone());
    html! {
        <input data-idom-ref={field.id()} />
        <button onclick={move |_| { b1.focus(&f1); b1.copy("hi"); b1.download("a.txt", "text/plain", "abc"); }}>"Go"</button>
    }
}

#[tokio::test]
async fn browser_actions_are_queued_for_the_session() {
    let link = ClientLink::new("/", Location::default());
    let mut t = TestLayout::from_element(provide_client_link(link.clone(), html! { <Actions /> })).await;
    let id = t.model()["children"][0]["attributes"]["data-idom-ref"].as_str().unwrap().to_owned();
    let go = t.find_by_text("Go").unwrap();
    t.fire(&go, "onclick", json!({"type": "click"})).await;
    let commands = link.take_commands();
    assert_eq!(commands.len(), 3);
    assert_eq!(encode_command(&commands[0]), format!(r#"{{"type":"action","action":"focus","element":"{id}"}}"#));
    assert_eq!(encode_command(&commands[1]), r#"{"type":"action","action":"copy","text":"hi"}"#);
    let ClientCommand::Action(download @ BrowserAction::Download { .. }) = &commands[2] else { panic!("{commands:?}") };
    assert_eq!(
        encode_action(download, Some("/_idom/download/x")),
        r#"{"type":"action","action":"download","name":"a.txt","url":"/_idom/download/x"}"#
    );
}

#[component]
fn Lonely() -> Element {
    let widget = use_widget();
    let call = widget.clone();
    html! {
        <JsComponent module={CHART.clone()} export="Chart" widget={widget} props={json!([1, 2])} />
        <button onclick={move |_| call.call("append", 1)}>"Call"</button>
    }
}

#[test]
fn without_a_session_calls_are_refused_and_bad_props_warn() {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let (mut t, logged) = warnings(|| rt.block_on(TestLayout::new(Lonely)));
    assert!(logged.iter().any(|m| m.contains("widget props must be a JSON object")), "{logged:?}");
    assert!(t.model()["children"][0]["attributes"].get("prop:0").is_none());
    let call = t.find_by_text("Call").unwrap();
    let target = call.target("onclick").unwrap();
    let ((), logged) = warnings(|| t.layout().deliver_now(LayoutEvent::new(target, vec![json!({"type": "click"})])));
    assert!(logged.iter().any(|m| m.contains("widget call dropped")), "{logged:?}");
}
