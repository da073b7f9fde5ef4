//! `use_memo`, `use_callback` and `use_memo_list`: values and elements kept across renders until
//! their dependencies change.

use idom_macros::hook;

use std::collections::HashMap;

use super::use_hook_context;
use crate::component::Callback;
use crate::vdom::{KeyHashing, push_child};
use crate::{Element, Key};

/// Computes a value on the first render and again only when `deps` changes.
#[hook]
pub fn use_memo<T, F, D>(compute: F, deps: D) -> T
where
    T: Clone + Send + 'static,
    F: FnOnce() -> T,
    D: PartialEq + Send + 'static,
{
    let cx = use_hook_context();
    let mut compute = Some(compute);
    let mut deps = Some(deps);
    let (_, slot) = cx.slot(|_| (deps.take(), compute.take().map(|f| f())));
    if let Some(new_deps) = deps
        && slot.0.as_ref() != Some(&new_deps)
    {
        *slot = (Some(new_deps), compute.take().map(|f| f()));
    }
    slot.1.clone().unwrap_or_else(|| unreachable!("memo value is always computed"))
}

/// A [`Callback`] that stays equal across renders until `deps` changes, so passing it as a prop
/// does not re-render a memoised child.
#[hook]
pub fn use_callback<A, R, F, D>(f: F, deps: D) -> Callback<A, R>
where
    A: 'static,
    R: 'static,
    F: Fn(A) -> R + Send + Sync + 'static,
    D: PartialEq + Send + 'static,
{
    use_memo(move || Callback::from(f), deps)
}

/// The elements of a list, each built once and reused while its key and its `deps` stay equal,
/// as one group (a list among its siblings, like a `for` loop's).
///
/// `key_and_deps` gives each item its [`Key`] and the values its element depends on; `build`
/// makes the element of an item whose key is new or whose deps changed. Every other item gets
/// the element it had on the last render, so a parent re-rendering a thousand rows to change
/// two of them builds two: the rest cost a comparison of their deps (an item is looked for first
/// where the last render had it, then by key), and the diff stops at once at an unchanged row
/// (the same props, by pointer). Each element is given its item's key.
///
/// Reuse is cheap when `build` returns a component (`<Row .. />`: a clone is a pointer), and
/// deps are cheap to compare when they are small or shared (`Arc<Row>` compares by pointer
/// first when `Row: Eq`). Entries of items absent from a render are dropped.
///
/// ```
/// use std::sync::Arc;
/// use idom::prelude::*;
/// use idom::hooks::use_memo_list;
///
/// #[derive(PartialEq, Eq)]
/// struct Item { id: u32, name: String }
///
/// #[component]
/// fn Line(item: Arc<Item>, selected: bool) -> Element {
///     html! { <li class={selected.then_some("selected")}>{item.name.clone()}</li> }
/// }
///
/// #[component]
/// fn List(items: Vec<Arc<Item>>, selected: Option<u32>) -> Element {
///     let lines = use_memo_list(
///         items.iter(),
///         |item| (item.id, (Arc::clone(item), selected == Some(item.id))),
///         |item| html! { <Line item={Arc::clone(item)} selected={selected == Some(item.id)} /> },
///     );
///     html! { <ul>{lines}</ul> }
/// }
/// # let items = vec![Arc::new(Item { id: 1, name: "one".into() })];
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let page = idom::testing::TestLayout::new(List { items, selected: Some(1) }).await;
/// assert_eq!(page.text(), "one");
/// # });
/// ```
#[hook]
pub fn use_memo_list<T, K, D, I, KD, B>(items: I, key_and_deps: KD, build: B) -> Element
where
    I: IntoIterator<Item = T>,
    K: Into<Key>,
    D: PartialEq + Send + Sync + 'static,
    KD: FnMut(&T) -> (K, D),
    B: FnMut(T) -> Element,
{
    let cx = use_hook_context();
    let (_, cache) = cx.slot(|_| MemoList::<D>::new());
    cache.list(items, key_and_deps, build)
}

/// The elements of the items, each in a slot that stays put while its key is used, found by key
/// or, in the common case of an unchanged order, where the last render had its next item.
struct MemoList<D> {
    slots: Vec<Option<Entry<D>>>,
    /// Slots freed by items that left, reused first.
    free: Vec<u32>,
    by_key: HashMap<Key, u32, KeyHashing>,
    /// The slots in the last render's order, and the list the next render's order is built in.
    order: Vec<u32>,
    next: Vec<u32>,
    render: u32,
}

struct Entry<D> {
    key: Key,
    deps: D,
    element: Element,
    /// The last render that used the entry, and its position in that render's order.
    render: u32,
    position: u32,
}

impl<D: PartialEq> MemoList<D> {
    fn new() -> Self {
        MemoList {
            slots: Vec::new(),
            free: Vec::new(),
            by_key: HashMap::with_hasher(KeyHashing::new()),
            order: Vec::new(),
            next: Vec::new(),
            render: 0,
        }
    }

    fn list<T, K: Into<Key>>(
        &mut self,
        items: impl IntoIterator<Item = T>,
        mut key_and_deps: impl FnMut(&T) -> (K, D),
        mut build: impl FnMut(T) -> Element,
    ) -> Element {
        self.render = self.render.wrapping_add(1);
        let render = self.render;
        let items = items.into_iter();
        // Room for a list that grew (a thousand new rows) at once, not by rehashing and copying
        // the slots as it fills.
        let hint = items.size_hint().0;
        self.by_key.reserve(hint.saturating_sub(self.by_key.len()));
        self.slots.reserve(hint.saturating_sub(self.slots.len()));
        let mut out = Vec::with_capacity(hint);
        let mut next = std::mem::take(&mut self.next);
        next.clear();
        next.reserve(hint);
        // Where the last render's order is expected to go on: after the item last found in it.
        let mut cursor = 0;
        for item in items {
            let (key, deps) = key_and_deps(&item);
            let key = key.into();
            let in_place = self.order.get(cursor).copied().filter(|&s| self.entry(s).key == key);
            let element = match in_place.or_else(|| self.by_key.get(&key).copied()) {
                Some(slot) => {
                    let entry = self.slots[slot as usize].as_mut().unwrap_or_else(|| unreachable!("a used slot"));
                    if entry.render == render {
                        // A key seen twice in one render is built again, its entry left to the
                        // first (the diff warns about the key).
                        build(item).with_key(key)
                    } else {
                        cursor = entry.position as usize + 1;
                        entry.render = render;
                        entry.position = next.len() as u32;
                        next.push(slot);
                        if entry.deps != deps {
                            entry.deps = deps;
                            entry.element = build(item).with_key(key);
                        }
                        entry.element.clone()
                    }
                }
                None => {
                    let element = build(item).with_key(key.clone());
                    let entry =
                        Entry { key: key.clone(), deps, element: element.clone(), render, position: next.len() as u32 };
                    let slot = match self.free.pop() {
                        Some(slot) => {
                            self.slots[slot as usize] = Some(entry);
                            slot
                        }
                        None => {
                            self.slots.push(Some(entry));
                            (self.slots.len() - 1) as u32
                        }
                    };
                    self.by_key.insert(key, slot);
                    next.push(slot);
                    element
                }
            };
            push_child(&mut out, element);
        }
        // Items that were not in this render lose their entries: all of them at once when the
        // list is now empty (a cleared table), without a lookup per key.
        if next.is_empty() {
            self.by_key.clear();
            self.slots.clear();
            self.free.clear();
        } else if next.len() != self.by_key.len() {
            self.free.reserve(self.by_key.len() - next.len());
            for &slot in &self.order {
                if self.entry(slot).render != render
                    && let Some(entry) = self.slots[slot as usize].take()
                {
                    self.by_key.remove(&entry.key);
                    self.free.push(slot);
                }
            }
        }
        self.next = std::mem::replace(&mut self.order, next);
        Element::group(out)
    }

    fn entry(&self, slot: u32) -> &Entry<D> {
        self.slots[slot as usize].as_ref().unwrap_or_else(|| unreachable!("a slot in the order is used"))
    }
}
