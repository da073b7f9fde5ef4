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
/// two of them builds two: the rest cost a hash lookup, and the diff stops at once at an
/// unchanged row (the same props, by pointer). Each element is given its item's key.
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
    let (_, cache) = cx.slot(|_| MemoList::<D> { entries: HashMap::with_hasher(KeyHashing::new()), render: 0 });
    cache.list(items, key_and_deps, build)
}

/// The elements of the items by key, each marked with the last render that used it.
struct MemoList<D> {
    entries: HashMap<Key, Entry<D>, KeyHashing>,
    render: u32,
}

struct Entry<D> {
    deps: D,
    element: Element,
    render: u32,
}

impl<D: PartialEq> MemoList<D> {
    fn list<T, K: Into<Key>>(
        &mut self,
        items: impl IntoIterator<Item = T>,
        mut key_and_deps: impl FnMut(&T) -> (K, D),
        mut build: impl FnMut(T) -> Element,
    ) -> Element {
        self.render = self.render.wrapping_add(1);
        let render = self.render;
        let items = items.into_iter();
        let mut out = Vec::with_capacity(items.size_hint().0);
        // Room for a list that grew (a thousand new rows) at once, not by rehashing as it fills.
        self.entries.reserve(items.size_hint().0.saturating_sub(self.entries.len()));
        // Entries this render used; the others are dropped after it.
        let mut used = 0;
        for item in items {
            let (key, deps) = key_and_deps(&item);
            let key = key.into();
            let element = match self.entries.get_mut(&key) {
                // A key seen twice in one render is built again, its entry left to the first
                // (the diff warns about the key).
                Some(entry) if entry.render == render => build(item).with_key(key),
                Some(entry) => {
                    used += 1;
                    entry.render = render;
                    if entry.deps != deps {
                        entry.deps = deps;
                        entry.element = build(item).with_key(key);
                    }
                    entry.element.clone()
                }
                None => {
                    used += 1;
                    let element = build(item).with_key(key.clone());
                    self.entries.insert(key, Entry { deps, element: element.clone(), render });
                    element
                }
            };
            push_child(&mut out, element);
        }
        // Items that were not in this render lose their entries.
        if used != self.entries.len() {
            self.entries.retain(|_, entry| entry.render == render);
        }
        Element::group(out)
    }
}
