//! Keyed children: matched by key, moved with the fewest `move`s, replaced, cleared and created
//! with one operation on the `children` array; keyed components keep their state when reordered;
//! a key twice in one list is a warning, the same in every build.

mod common;

use common::{Harness, Registry, assert_update, warnings};
use idom_runtime::hooks::use_state;
use idom_runtime::html::{li, ul};
use idom_runtime::{Component, Element, HookContext, UseStateSetter};
use serde_json::{Value, json};

/// `<ul>` of `<li key=i>i</li>`.
fn list(items: &[i32]) -> Element {
    ul().child(items.iter().map(|i| li().key(*i).child(*i))).into()
}

fn item(i: i32) -> Value {
    json!({"tagName": "li", "key": i.to_string(), "children": [i.to_string()]})
}

fn items(list: &[i32]) -> Value {
    Value::Array(list.iter().map(|&i| item(i)).collect())
}

fn mounted(init: &[i32]) -> Harness<Vec<i32>> {
    let h = Harness::new(init.to_vec(), |v: &Vec<i32>| list(v));
    let ul = if init.is_empty() { json!({"tagName": "ul"}) } else { json!({"tagName": "ul", "children": items(init)}) };
    assert_eq!(h.model, json!({"tagName": "", "children": [ul]}));
    h
}

/// The `<li>` texts of the client's model, in order.
fn order<T>(h: &Harness<T>) -> Vec<String> {
    h.model["children"][0]["children"]
        .as_array()
        .map(|a| a.iter().map(|li| li["children"][0].as_str().unwrap().to_owned()).collect())
        .unwrap_or_default()
}

#[test]
fn insert_at_front() {
    let mut h = mounted(&[1, 2, 3]);
    let u = h.set(vec![0, 1, 2, 3]);
    assert_update(&u, "/children/0", json!([{"op": "add", "path": "/children/0", "value": item(0)}]));
}

#[test]
fn insert_in_the_middle() {
    let mut h = mounted(&[1, 2, 3]);
    let u = h.set(vec![1, 9, 2, 3]);
    assert_update(&u, "/children/0", json!([{"op": "add", "path": "/children/1", "value": item(9)}]));
}

#[test]
fn insert_at_end() {
    let mut h = mounted(&[1, 2, 3]);
    let u = h.set(vec![1, 2, 3, 4]);
    assert_update(&u, "/children/0", json!([{"op": "add", "path": "/children/3", "value": item(4)}]));
}

#[test]
fn insert_at_several_places_right_to_left() {
    let mut h = mounted(&[1, 2, 3]);
    let u = h.set(vec![0, 1, 5, 2, 3, 6]);
    assert_update(
        &u,
        "/children/0",
        json!([
            {"op": "add", "path": "/children/3", "value": item(6)},
            {"op": "add", "path": "/children/1", "value": item(5)},
            {"op": "add", "path": "/children/0", "value": item(0)},
        ]),
    );
    assert_eq!(order(&h), ["0", "1", "5", "2", "3", "6"]);
}

#[test]
fn remove_last_first() {
    let mut h = mounted(&[1, 2, 3, 4]);
    let u = h.set(vec![2, 4]);
    assert_update(
        &u,
        "/children/0",
        json!([{"op": "remove", "path": "/children/2"}, {"op": "remove", "path": "/children/0"}]),
    );
}

#[test]
fn remove_one() {
    let mut h = mounted(&[1, 2, 3]);
    let u = h.set(vec![1, 3]);
    assert_update(&u, "/children/0", json!([{"op": "remove", "path": "/children/1"}]));
}

#[test]
fn swap_two_adjacent_is_one_move() {
    let mut h = mounted(&[1, 2, 3]);
    let u = h.set(vec![2, 1, 3]);
    assert_update(&u, "/children/0", json!([{"op": "move", "from": "/children/1", "path": "/children/0"}]));
}

#[test]
fn swap_two_apart_is_exactly_two_moves() {
    let mut h = mounted(&[1, 2, 3, 4, 5]);
    let u = h.set(vec![1, 4, 3, 2, 5]);
    assert_eq!(u.changes.len(), 2);
    assert_update(
        &u,
        "/children/0",
        json!([
            {"op": "move", "from": "/children/2", "path": "/children/1"},
            {"op": "move", "from": "/children/3", "path": "/children/1"},
        ]),
    );
    assert_eq!(order(&h), ["1", "4", "3", "2", "5"]);
}

#[test]
fn reverse_is_n_minus_one_moves() {
    let mut h = mounted(&[1, 2, 3, 4]);
    let u = h.set(vec![4, 3, 2, 1]);
    assert_update(
        &u,
        "/children/0",
        json!([
            {"op": "move", "from": "/children/1", "path": "/children/0"},
            {"op": "move", "from": "/children/2", "path": "/children/0"},
            {"op": "move", "from": "/children/3", "path": "/children/0"},
        ]),
    );
    assert_eq!(order(&h), ["4", "3", "2", "1"]);
}

#[test]
fn move_first_to_the_end_is_one_move() {
    let mut h = mounted(&[1, 2, 3, 4, 5, 6]);
    let u = h.set(vec![2, 3, 4, 5, 6, 1]);
    assert_update(&u, "/children/0", json!([{"op": "move", "from": "/children/0", "path": "/children/5"}]));
}

#[test]
fn move_last_far_forward_is_one_move() {
    let mut h = mounted(&[1, 2, 3, 4, 5, 6]);
    let u = h.set(vec![1, 6, 2, 3, 4, 5]);
    assert_update(&u, "/children/0", json!([{"op": "move", "from": "/children/5", "path": "/children/1"}]));
}

#[test]
fn remove_insert_and_move_in_one_update() {
    let mut h = mounted(&[1, 2, 3, 4]);
    let u = h.set(vec![4, 5, 1, 3]);
    assert_update(
        &u,
        "/children/0",
        json!([
            {"op": "remove", "path": "/children/1"},
            {"op": "add", "path": "/children/0", "value": item(5)},
            {"op": "move", "from": "/children/3", "path": "/children/0"},
        ]),
    );
    assert_eq!(order(&h), ["4", "5", "1", "3"]);
}

#[test]
fn replace_all_is_one_replace_of_the_children_array() {
    let mut h = mounted(&[1, 2]);
    let u = h.set(vec![3, 4]);
    assert_update(&u, "/children/0", json!([{"op": "replace", "path": "/children", "value": items(&[3, 4])}]));
}

#[test]
fn clear_removes_the_children_array() {
    let mut h = mounted(&[1, 2, 3]);
    let u = h.set(vec![]);
    assert_update(&u, "/children/0", json!([{"op": "remove", "path": "/children"}]));
    assert_eq!(h.model["children"][0], json!({"tagName": "ul"}));
}

#[test]
fn from_empty_adds_the_children_array() {
    let mut h = mounted(&[]);
    let u = h.set(vec![1, 2]);
    assert_update(&u, "/children/0", json!([{"op": "add", "path": "/children", "value": items(&[1, 2])}]));
}

#[test]
fn unchanged_keys_send_nothing() {
    let mut h = mounted(&[1, 2, 3]);
    assert_eq!(h.try_set(vec![1, 2, 3]), None);
    // A new but equal list re-renders the root and finds nothing to send.
    h.setter().set(vec![1, 2]);
    h.setter().set(vec![1, 2, 3]);
    assert_eq!(h.step(), None);
}

// ---------------------------------------------------------------------------------------------
// Keyed components

/// A row with its own counter; exports its setter under its id.
struct Row {
    id: i32,
    setters: Registry<i32, UseStateSetter<i32>>,
}

impl PartialEq for Row {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id && self.setters == other.setters
    }
}

impl Component for Row {
    fn render(&self, cx: &mut HookContext<'_>) -> Element {
        let (count, set) = use_state::__call(cx, || 0);
        self.setters.put(self.id, set);
        li().child(format!("row {}: {count}", self.id)).into()
    }
}

fn rows(setters: &Registry<i32, UseStateSetter<i32>>) -> Harness<Vec<i32>> {
    let setters = setters.clone();
    Harness::new(vec![1, 2, 3], move |ids: &Vec<i32>| {
        ul().child(ids.iter().map(|&id| Element::component(Row { id, setters: setters.clone() }).with_key(id))).into()
    })
}

fn row_texts(h: &Harness<Vec<i32>>) -> Vec<String> {
    h.model["children"][0]["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|li| li["children"][0].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn keyed_components_keep_their_state_when_reordered() {
    let setters = Registry::default();
    let mut h = rows(&setters);
    setters.at(&2).set(5);
    let u = h.step().unwrap();
    assert_update(&u, "/children/0/children/1", json!([{"op": "replace", "path": "/children/0", "value": "row 2: 5"}]));

    let u = h.set(vec![3, 1, 2]);
    assert_update(&u, "/children/0", json!([{"op": "move", "from": "/children/2", "path": "/children/0"}]));
    assert_eq!(row_texts(&h), ["row 3: 0", "row 1: 0", "row 2: 5"]);

    // The row's own updates now go to its new place.
    setters.at(&2).update(|c| c + 1);
    let u = h.step().unwrap();
    assert_update(&u, "/children/0/children/2", json!([{"op": "replace", "path": "/children/0", "value": "row 2: 6"}]));
    setters.at(&3).set(1);
    let u = h.step().unwrap();
    assert_update(&u, "/children/0/children/0", json!([{"op": "replace", "path": "/children/0", "value": "row 3: 1"}]));
}

#[test]
fn a_keyed_component_removed_and_added_again_starts_fresh() {
    let setters = Registry::default();
    let mut h = rows(&setters);
    setters.at(&1).set(7);
    h.step().unwrap();
    let u = h.set(vec![2, 3]);
    assert_update(&u, "/children/0", json!([{"op": "remove", "path": "/children/0"}]));
    let u = h.set(vec![2, 3, 1]);
    assert_update(
        &u,
        "/children/0",
        json!([{"op": "add", "path": "/children/2", "value": {"tagName": "li", "children": ["row 1: 0"]}}]),
    );
}

/// A keyed component contributing two nodes (a fragment).
struct Pair {
    id: &'static str,
}

impl PartialEq for Pair {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
    }
}

impl Component for Pair {
    fn render(&self, _cx: &mut HookContext<'_>) -> Element {
        Element::fragment([li().child(format!("{}0", self.id)).into(), li().child(format!("{}1", self.id)).into()])
    }
}

fn pairs() -> Harness<Vec<&'static str>> {
    Harness::new(vec!["a", "b", "c"], |ids: &Vec<&'static str>| {
        ul().child(ids.iter().map(|&id| Element::component(Pair { id }).with_key(id))).into()
    })
}

fn pair_texts(h: &Harness<Vec<&'static str>>) -> Vec<String> {
    h.model["children"][0]["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|li| li["children"][0].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn keyed_fragment_components_move_all_their_nodes_back() {
    let mut h = pairs();
    let u = h.set(vec!["c", "a", "b"]);
    assert_update(
        &u,
        "/children/0",
        json!([
            {"op": "move", "from": "/children/4", "path": "/children/0"},
            {"op": "move", "from": "/children/5", "path": "/children/1"},
        ]),
    );
    assert_eq!(pair_texts(&h), ["c0", "c1", "a0", "a1", "b0", "b1"]);
}

#[test]
fn keyed_fragment_components_move_all_their_nodes_forward() {
    let mut h = pairs();
    let u = h.set(vec!["b", "c", "a"]);
    assert_update(
        &u,
        "/children/0",
        json!([
            {"op": "move", "from": "/children/0", "path": "/children/5"},
            {"op": "move", "from": "/children/0", "path": "/children/5"},
        ]),
    );
    assert_eq!(pair_texts(&h), ["b0", "b1", "c0", "c1", "a0", "a1"]);
}

#[test]
fn keyed_fragment_component_removed_from_the_middle() {
    let mut h = pairs();
    let u = h.set(vec!["a", "c"]);
    assert_update(
        &u,
        "/children/0",
        json!([{"op": "remove", "path": "/children/2"}, {"op": "remove", "path": "/children/2"}]),
    );
    assert_eq!(pair_texts(&h), ["a0", "a1", "c0", "c1"]);
}

// ---------------------------------------------------------------------------------------------
// Duplicate keys: one detector, the same in every build. The list is shown whole, a warning
// names the key and the component, and the first child with the key keeps its match.

fn duplicate_warning(key: &str) -> String {
    format!(
        "duplicate key `{key}` in one list of <Driven>: keys must be unique within one list; \
         the first child with it keeps its state, the others are mounted afresh"
    )
}

#[test]
fn duplicate_keys_on_mount_show_every_child_and_warn() {
    let (h, warned) = warnings(|| Harness::new(vec![1, 2, 1], |v: &Vec<i32>| list(v)));
    assert_eq!(h.model, json!({"tagName": "", "children": [{"tagName": "ul", "children": items(&[1, 2, 1])}]}));
    assert_eq!(warned, [duplicate_warning("1")]);
}

#[test]
fn duplicate_keys_on_update_match_the_first_and_mount_the_others() {
    let mut h = mounted(&[1, 2]);
    let (u, warned) = warnings(|| h.set(vec![7, 2, 7]));
    assert_update(
        &u,
        "/children/0",
        json!([
            {"op": "remove", "path": "/children/0"},
            {"op": "add", "path": "/children/1", "value": item(7)},
            {"op": "add", "path": "/children/0", "value": item(7)},
        ]),
    );
    assert_eq!(warned, [duplicate_warning("7")]);
}

#[test]
fn duplicate_keys_of_nested_elements_name_the_key() {
    let (h, warned) = warnings(|| {
        Harness::new((), |_: &()| ul().child(li().child(ul().child([li().key("x"), li().key("x")]))).into())
    });
    assert_eq!(h.model["children"][0]["children"][0]["children"][0]["children"].as_array().unwrap().len(), 2);
    assert_eq!(warned, [duplicate_warning("x")]);
}

#[test]
fn the_first_keyed_component_with_a_duplicate_key_keeps_its_state() {
    let setters = Registry::default();
    let mut h = rows(&setters);
    setters.at(&1).set(5);
    h.step().unwrap();
    let (_, warned) = warnings(|| h.set(vec![1, 2, 1]));
    assert_eq!(warned, [duplicate_warning("1")]);
    assert_eq!(row_texts(&h), ["row 1: 5", "row 2: 0", "row 1: 0"]);
}

#[test]
fn a_moved_item_is_updated_at_its_new_place() {
    let mut h = Harness::new(vec![(1, "a"), (2, "b"), (3, "c")], |items: &Vec<(i32, &'static str)>| {
        ul().child(items.iter().map(|(k, t)| li().key(*k).child(*t))).into()
    });
    let u = h.set(vec![(3, "C"), (1, "a"), (2, "b")]);
    assert_update(
        &u,
        "/children/0",
        json!([
            {"op": "move", "from": "/children/2", "path": "/children/0"},
            {"op": "replace", "path": "/children/0/children/0", "value": "C"},
        ]),
    );
}

#[test]
fn a_dirty_keyed_component_moved_by_its_parent_renders_in_its_new_place() {
    let setters = Registry::default();
    let mut h = rows(&setters);
    setters.at(&1).set(4);
    h.setter().set(vec![3, 2, 1]);
    let u = h.step().unwrap();
    assert_update(
        &u,
        "/children/0",
        json!([
            {"op": "move", "from": "/children/1", "path": "/children/0"},
            {"op": "move", "from": "/children/2", "path": "/children/0"},
            {"op": "replace", "path": "/children/2/children/0", "value": "row 1: 4"},
        ]),
    );
    assert_eq!(row_texts(&h), ["row 3: 0", "row 2: 0", "row 1: 4"]);
    assert_eq!(h.step(), None);
}

/// A keyed list spliced into its parent (a fragment), with its own state.
struct KeyedFragment {
    setters: Registry<&'static str, UseStateSetter<Vec<i32>>>,
}

impl PartialEq for KeyedFragment {
    fn eq(&self, other: &Self) -> bool {
        self.setters == other.setters
    }
}

impl Component for KeyedFragment {
    fn render(&self, cx: &mut HookContext<'_>) -> Element {
        let (ids, set) = use_state::__call(cx, || vec![1, 2, 3]);
        self.setters.put("list", set);
        Element::fragment(ids.iter().map(|i| li().key(*i).child(*i).into()))
    }
}

#[test]
fn a_keyed_fragment_after_a_sibling_offsets_its_operations() {
    let setters = Registry::default();
    let s = setters.clone();
    let mut h = Harness::new((), move |_: &()| {
        ul().child(li().child("head"))
            .child(Element::component(KeyedFragment { setters: s.clone() }))
            .child(li().child("tail"))
            .into()
    });
    let set = setters.at(&"list");
    set.set(vec![3, 1, 2]);
    let u = h.step().unwrap();
    assert_update(&u, "/children/0", json!([{"op": "move", "from": "/children/3", "path": "/children/1"}]));
    set.set(vec![3, 1, 2, 4]);
    let u = h.step().unwrap();
    assert_update(&u, "/children/0", json!([{"op": "add", "path": "/children/4", "value": item(4)}]));
    set.set(vec![]);
    let u = h.step().unwrap();
    assert_update(
        &u,
        "/children/0",
        json!([
            {"op": "remove", "path": "/children/4"},
            {"op": "remove", "path": "/children/3"},
            {"op": "remove", "path": "/children/2"},
            {"op": "remove", "path": "/children/1"},
        ]),
    );
    set.set(vec![5, 6]);
    let u = h.step().unwrap();
    assert_update(
        &u,
        "/children/0",
        json!([
            {"op": "add", "path": "/children/1", "value": item(6)},
            {"op": "add", "path": "/children/1", "value": item(5)},
        ]),
    );
    assert_eq!(order(&h), ["head", "5", "6", "tail"]);
}

/// Length of the longest increasing subsequence.
fn lis(seq: &[i32]) -> usize {
    let mut best = vec![1; seq.len()];
    for i in 0..seq.len() {
        for j in 0..i {
            if seq[j] < seq[i] {
                best[i] = best[i].max(best[j] + 1);
            }
        }
    }
    best.into_iter().max().unwrap_or(0)
}

#[test]
fn a_large_shuffle_moves_only_what_leaves_the_longest_increasing_run() {
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for _ in 0..5 {
        let start: Vec<i32> = (0..40).collect();
        let mut shuffled = start.clone();
        for i in (1..shuffled.len()).rev() {
            shuffled.swap(i, (next() % (i as u64 + 1)) as usize);
        }
        let mut h = mounted(&start);
        let u = h.set(shuffled.clone());
        assert!(u.changes.iter().all(|op| op.to_value()["op"] == "move"), "{u:?}");
        assert_eq!(u.changes.len(), 40 - lis(&shuffled));
        let expected: Vec<String> = shuffled.iter().map(i32::to_string).collect();
        assert_eq!(order(&h), expected);
    }
}

#[test]
fn duplicate_keys_in_a_long_list_are_found() {
    let mut keys: Vec<i32> = (0..30).collect();
    keys.push(17);
    let (h, warned) = warnings(|| Harness::new(keys.clone(), |v: &Vec<i32>| list(v)));
    assert_eq!(order(&h).len(), 31);
    assert_eq!(warned, [duplicate_warning("17")]);
}
