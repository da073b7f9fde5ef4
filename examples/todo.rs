//! A todo list: a form with a text input, a keyed list, and delete buttons.
//!
//! Run `cargo run --example todo` and open the printed address. Typing stays responsive while
//! every keystroke makes a round trip: the input's value is state on the server.

use idom::prelude::*;

#[derive(Clone, PartialEq)]
struct Todo {
    id: u64,
    text: String,
    done: bool,
}

#[derive(Clone, PartialEq)]
enum Action {
    Add(String),
    Toggle(u64),
    Remove(u64),
}

fn reduce(todos: &[Todo], action: Action) -> Vec<Todo> {
    let mut todos = todos.to_vec();
    match action {
        Action::Add(text) => {
            let id = todos.iter().map(|t| t.id).max().unwrap_or(0) + 1;
            todos.push(Todo { id, text, done: false });
        }
        Action::Toggle(id) => {
            if let Some(t) = todos.iter_mut().find(|t| t.id == id) {
                t.done = !t.done;
            }
        }
        Action::Remove(id) => todos.retain(|t| t.id != id),
    }
    todos
}

#[component]
fn TodoItem(todo: Todo, dispatch: Dispatch<Action>) -> Element {
    let id = todo.id;
    let toggle = dispatch.clone();
    html! {
        <li class={todo.done.then_some("done")}>
            <input type="checkbox" checked={todo.done} onchange={move |_| toggle.dispatch(Action::Toggle(id))} />
            <span>{todo.text}</span>
            <button class="delete" onclick={move |_| dispatch.dispatch(Action::Remove(id))}>"×"</button>
        </li>
    }
}

#[component]
fn TodoApp() -> Element {
    let (todos, dispatch) = use_reducer(|todos: &Vec<Todo>, action| reduce(todos, action), Vec::new);
    let (draft, set_draft) = use_state(String::new);
    let on_input = set_draft.clone();
    let add = dispatch.clone();
    let left = todos.iter().filter(|t| !t.done).count();
    html! {
        <main>
            <h1>"Todo"</h1>
            <form onsubmit|prevent_default={move |_| {
                let text = set_draft.get();
                if !text.trim().is_empty() {
                    add.dispatch(Action::Add(text.trim().to_owned()));
                    set_draft.set(String::new());
                }
            }}>
                <input id="new-todo" placeholder="What needs doing?" value={draft}
                    oninput={move |e: Event| on_input.set(e.value().unwrap_or_default().to_owned())} />
                <button type="submit">"Add"</button>
            </form>
            <ul>
                for todo in todos {
                    <TodoItem key={todo.id} todo={todo.clone()} dispatch={dispatch.clone()} />
                }
            </ul>
            <p class="count">{left} " left"</p>
        </main>
    }
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::args().nth(1).unwrap_or_else(|| "127.0.0.1:5000".to_owned());
    PerClientStateServer::new(TodoApp)
        .title("Todo")
        .head("<style>.done span { text-decoration: line-through; color: #888 }</style>")
        .on_listening(|addr| println!("idom: open http://{addr}/"))
        .run(addr)
        .await
}
