//! Criterion benchmarks of the hot parts, through the public API: the diff of a keyed list, the
//! model JSON and the wire message, and hook access in a render.
//!
//! `cargo bench --bench hot` (add `-- --quick` for a short run, or a name such as `diff` to pick).
//! The workloads of `shared/bench/WORKLOADS.md` are in `benches/workloads.rs`; these isolate the
//! pieces a workload's profile points at.

// criterion_group! defines an undocumented function.
#![allow(missing_docs)]

use std::hint::black_box;
use std::sync::{Arc, Mutex};

use criterion::{Criterion, criterion_group, criterion_main};
use idom::UpdateHandle;
use idom::prelude::*;

/// A handle a component leaves for the benchmark, compared by identity so it can be a prop.
struct Slot<T>(Arc<Mutex<Option<T>>>);

impl<T> Clone for Slot<T> {
    fn clone(&self) -> Self {
        Slot(self.0.clone())
    }
}

impl<T> PartialEq for Slot<T> {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl<T: Clone> Slot<T> {
    fn new() -> Self {
        Slot(Arc::new(Mutex::new(None)))
    }

    fn get(&self) -> T {
        self.0.lock().unwrap().clone().expect("the component rendered")
    }
}

/// `<ul>` of 1,000 keyed `<li>`s in the order held by its state.
#[component]
fn List(setter: Slot<UseStateSetter<Vec<u32>>>, update: Slot<UpdateHandle>) -> Element {
    let (items, set) = use_state(|| (0..1_000).collect::<Vec<u32>>());
    *setter.0.lock().unwrap() = Some(set);
    *update.0.lock().unwrap() = Some(use_update());
    html! { <ul> for i in items.iter() { <li key={*i}>{*i}</li> } </ul> }
}

/// A component with no state but its update handle.
#[component]
fn Stateless(update: Slot<UpdateHandle>) -> Element {
    *update.0.lock().unwrap() = Some(use_update());
    html! { <p>"0"</p> }
}

/// A component with ten pieces of state.
#[component]
fn TenStates(update: Slot<UpdateHandle>) -> Element {
    *update.0.lock().unwrap() = Some(use_update());
    let (a, _) = use_state(|| 1u32);
    let (b, _) = use_state(|| 1u32);
    let (c, _) = use_state(|| 1u32);
    let (d, _) = use_state(|| 1u32);
    let (e, _) = use_state(|| 1u32);
    let (f, _) = use_state(|| 1u32);
    let (g, _) = use_state(|| 1u32);
    let (h, _) = use_state(|| 1u32);
    let (i, _) = use_state(|| 1u32);
    let (j, _) = use_state(|| 1u32);
    html! { <p>{a + b + c + d + e + f + g + h + i + j}</p> }
}

fn mounted(root: impl idom::Component) -> Layout {
    let mut layout = Layout::new(root);
    layout.try_render().expect("first render");
    layout
}

fn diff(c: &mut Criterion) {
    let (setter, update) = (Slot::new(), Slot::new());
    let mut layout = mounted(List { setter: setter.clone(), update: update.clone() });
    let (set, update): (UseStateSetter<Vec<u32>>, UpdateHandle) = (setter.get(), update.get());
    c.bench_function("diff/keyed-1000-unchanged", |b| {
        b.iter(|| {
            update.update();
            black_box(layout.try_render());
        })
    });
    c.bench_function("diff/keyed-1000-swap", |b| {
        b.iter(|| {
            set.update(|v| {
                let mut v = v.clone();
                v.swap(1, 998);
                v
            });
            black_box(layout.try_render().expect("a swap is an update"));
        })
    });
    c.bench_function("diff/keyed-1000-reverse", |b| {
        b.iter(|| {
            set.update(|v| v.iter().rev().copied().collect());
            black_box(layout.try_render().expect("a reversal is an update"));
        })
    });
}

fn serialise(c: &mut Criterion) {
    let (setter, update) = (Slot::new(), Slot::new());
    let mut layout = Layout::new(List { setter, update });
    let first = layout.try_render().expect("first render");
    c.bench_function("serialise/model-1000", |b| b.iter(|| black_box(layout.model_json())));
    c.bench_function("serialise/message-1000", |b| b.iter(|| black_box(first.to_message())));
}

fn hooks(c: &mut Criterion) {
    let stateless = Slot::new();
    let ten = Slot::new();
    let layouts = [
        ("hooks/render-with-0-states", mounted(Stateless { update: stateless.clone() }), stateless.get()),
        ("hooks/render-with-10-states", mounted(TenStates { update: ten.clone() }), ten.get()),
    ];
    for (name, mut layout, update) in layouts {
        c.bench_function(name, |b| {
            b.iter(|| {
                update.update();
                black_box(layout.try_render());
            })
        });
    }
}

criterion_group!(hot, diff, serialise, hooks);
criterion_main!(hot);
