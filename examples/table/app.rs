//! The benchmark table of js-framework-benchmark (keyed): rows of `id`, a label you can click to
//! select, and a remove link; buttons above run each operation. Shared by the `table` example and
//! the `workloads` benchmark, so both measure the same component.

use std::sync::Arc;

use idom::hooks::use_memo_list;
use idom::prelude::*;

const ADJECTIVES: &[&str] = &[
    "pretty",
    "large",
    "big",
    "small",
    "tall",
    "short",
    "long",
    "handsome",
    "plain",
    "quaint",
    "clean",
    "elegant",
    "easy",
    "angry",
    "crazy",
    "helpful",
    "mushy",
    "odd",
    "unsightly",
    "adorable",
    "important",
    "inexpensive",
    "cheap",
    "expensive",
    "fancy",
];
const COLOURS: &[&str] =
    &["red", "yellow", "blue", "green", "pink", "brown", "purple", "brown", "white", "black", "orange"];
const NOUNS: &[&str] = &[
    "table", "chair", "house", "bbq", "desk", "car", "pony", "cookie", "sandwich", "burger", "pizza", "mouse",
    "keyboard",
];

/// One row of the table. The label is shared (`Arc<str>`): a render shows it without copying it.
#[derive(Clone, PartialEq, Eq, Debug)]
pub(crate) struct Row {
    pub(crate) id: usize,
    pub(crate) label: Arc<str>,
}

/// The table's rows and what builds new ones. The selected row is a separate piece of state
/// (`use_state`), so selecting a row never copies the rows. Rows are shared (`Arc`): a new state
/// copies pointers, and a row that did not change is the same row, so its element is reused.
#[derive(Clone, PartialEq, Debug)]
pub(crate) struct TableState {
    pub(crate) rows: Vec<Arc<Row>>,
    next_id: usize,
    seed: u64,
}

impl Default for TableState {
    fn default() -> Self {
        TableState { rows: Vec::new(), next_id: 1, seed: 0x2545_f491_4f6c_dd1d }
    }
}

/// An operation on the rows, triggered by a click.
#[derive(Clone, Copy, PartialEq, Debug)]
pub(crate) enum Op {
    Create(usize),
    Append(usize),
    UpdateEvery10th,
    Clear,
    SwapRows,
    Remove(usize),
}

impl TableState {
    fn random(&mut self, n: usize) -> usize {
        // xorshift64*: deterministic labels for a given history.
        self.seed ^= self.seed >> 12;
        self.seed ^= self.seed << 25;
        self.seed ^= self.seed >> 27;
        (self.seed.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 33) as usize % n
    }

    fn build(&mut self, count: usize) -> Vec<Arc<Row>> {
        let mut label = String::new();
        (0..count)
            .map(|_| {
                label.clear();
                label.push_str(ADJECTIVES[self.random(ADJECTIVES.len())]);
                label.push(' ');
                label.push_str(COLOURS[self.random(COLOURS.len())]);
                label.push(' ');
                label.push_str(NOUNS[self.random(NOUNS.len())]);
                let id = self.next_id;
                self.next_id += 1;
                Arc::new(Row { id, label: Arc::from(label.as_str()) })
            })
            .collect()
    }

    /// Applies an operation.
    pub(crate) fn apply(&self, op: Op) -> TableState {
        let mut next = self.clone();
        match op {
            Op::Create(n) => next.rows = next.build(n),
            Op::Append(n) => {
                let more = next.build(n);
                next.rows.extend(more);
            }
            Op::UpdateEvery10th => {
                for row in next.rows.iter_mut().step_by(10) {
                    let row = Arc::make_mut(row);
                    row.label = format!("{} !!!", row.label).into();
                }
            }
            Op::Clear => next.rows.clear(),
            Op::SwapRows => {
                if next.rows.len() > 998 {
                    next.rows.swap(1, 998);
                }
            }
            Op::Remove(id) => next.rows.retain(|r| r.id != id),
        }
        next
    }
}

/// One row: memoised by its props, so selecting a row re-renders two rows, not a thousand.
#[component]
pub(crate) fn TableRow(
    row: Arc<Row>,
    selected: bool,
    select: UseStateSetter<Option<usize>>,
    dispatch: Dispatch<Op>,
) -> Element {
    let (id, label) = (row.id, Arc::clone(&row.label));
    html! {
        <tr class={selected.then_some("danger")}>
            <td class="col-md-1">{id}</td>
            <td class="col-md-4"><a onclick={move |_| select.set(Some(id))}>{label}</a></td>
            <td class="col-md-1"><a onclick={move |_| dispatch.dispatch(Op::Remove(id))}>"x"</a></td>
        </tr>
    }
}

/// The whole benchmark page.
#[component]
pub(crate) fn Table() -> Element {
    let (state, dispatch) = use_reducer(|s: &TableState, op: Op| s.apply(op), TableState::default);
    let (selected, select) = use_state(|| None::<usize>);
    let button = |id: &'static str, label: &'static str, op: Op| {
        let (dispatch, select) = (dispatch.clone(), select.clone());
        let onclick = move |_| {
            if matches!(op, Op::Create(_) | Op::Clear) {
                select.set(None);
            }
            dispatch.dispatch(op);
        };
        html! { <button id={id} type="button" onclick={onclick}>{label}</button> }
    };
    // Each row's element is kept while its row and its selection are the same: a render after a
    // selection builds two rows and reuses 998.
    let rows = use_memo_list(
        state.rows.iter(),
        |row| (row.id, (Arc::clone(row), selected == Some(row.id))),
        |row| {
            html! {
                <TableRow row={Arc::clone(row)} selected={selected == Some(row.id)}
                    select={select.clone()} dispatch={dispatch.clone()} />
            }
        },
    );
    html! {
        <div class="container">
            <div class="jumbotron">
                {button("run", "Create 1,000 rows", Op::Create(1_000))}
                {button("runlots", "Create 10,000 rows", Op::Create(10_000))}
                {button("add", "Append 1,000 rows", Op::Append(1_000))}
                {button("update", "Update every 10th row", Op::UpdateEvery10th)}
                {button("clear", "Clear", Op::Clear)}
                {button("swaprows", "Swap Rows", Op::SwapRows)}
            </div>
            <table class="table">
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}
