//! Lists that mix keyed and unkeyed children of every kind under random edits (moved out of the
//! diff's source): the patches reproduce the layout's model and a fresh render's, and a keyed
//! component whose key stays keeps its instance.

use std::collections::HashMap;

/// Lists that mix keyed and unkeyed children of every kind (texts, elements, components
/// standing for zero to three nodes) under random edits: the patches reproduce the layout's
/// model and a fresh render's, and a keyed component whose key stays keeps its instance.
#[test]
fn mixed_lists_patch_to_a_fresh_render_and_keep_keyed_instances() {
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::sync::{Arc, Mutex};

    use idom_runtime::hooks::{UpdateHandle, use_ref, use_update};
    use idom_runtime::html::{b, i, ul};
    use idom_runtime::{Component, Element, HookContext, Layout, LayoutUpdate};

    static INSTANCES: AtomicU32 = AtomicU32::new(0);

    #[derive(Clone, Copy, PartialEq, Debug)]
    enum Item {
        Text(u8),
        El(Option<u8>, u8),
        Comp(Option<u8>, u8),
    }

    /// Renders `n` nodes: `<b data-k=key>instance</b>` then `<i>`s (its key is a prop too, so the
    /// model shows which keyed component holds which instance).
    #[derive(PartialEq)]
    struct Multi(u8, Option<u8>);
    impl Component for Multi {
        fn render(&self, cx: &mut HookContext<'_>) -> Element {
            let instance = use_ref::__call(cx, || INSTANCES.fetch_add(1, Ordering::Relaxed)).get();
            let head = |instance: u32| match self.1 {
                Some(k) => b().attr("data-k", k).child(instance).into(),
                None => b().child(instance).into(),
            };
            let nodes = (0..self.0).map(|k| if k == 0 { head(instance) } else { i().child(k).into() });
            Element::fragment(nodes.collect::<Vec<Element>>())
        }
    }

    #[derive(Clone)]
    struct Root(Arc<Mutex<Vec<Item>>>, Arc<Mutex<Option<UpdateHandle>>>);
    impl PartialEq for Root {
        fn eq(&self, other: &Self) -> bool {
            Arc::ptr_eq(&self.0, &other.0)
        }
    }
    impl Component for Root {
        fn render(&self, cx: &mut HookContext<'_>) -> Element {
            *self.1.lock().unwrap() = Some(use_update::__call(cx));
            let items = self.0.lock().unwrap().clone();
            ul().child(items.iter().map(|item| match *item {
                Item::Text(t) => Element::text(format!("t{t}")),
                Item::El(key, v) => {
                    let el = i().child(v);
                    match key {
                        Some(k) => el.key(k).into(),
                        None => el.into(),
                    }
                }
                Item::Comp(key, n) => match key {
                    Some(k) => Element::component(Multi(n, Some(k))).with_key(k),
                    None => Element::component(Multi(n, None)),
                },
            }))
            .into()
        }
    }

    fn apply(doc: &mut serde_json::Value, update: &LayoutUpdate) {
        let patch: json_patch::Patch = serde_json::from_value(update.changes_json()).unwrap();
        let target = if update.path.is_empty() { &mut *doc } else { doc.pointer_mut(&update.path).unwrap() };
        json_patch::patch(target, &patch).unwrap();
    }
    /// Instance of each keyed component, from the model: the `<b>` that carries its key.
    fn instances(layout: &Layout) -> HashMap<String, String> {
        let model = layout.model();
        let mut out = HashMap::new();
        for node in model["children"][0]["children"].as_array().into_iter().flatten() {
            if node["tagName"] == "b"
                && let Some(k) = node["attributes"]["data-k"].as_str()
            {
                out.insert(k.to_owned(), node["children"][0].as_str().unwrap().to_owned());
            }
        }
        out
    }

    let mut rng = 0x2545_f491_4f6c_dd1d_u64;
    let mut below = |n: usize| {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        (rng % n as u64) as usize
    };
    for round in 0..300 {
        // Keys are unique within a list: each key value is used at most once.
        let fresh = |below: &mut dyn FnMut(usize) -> usize, used: &[Item]| loop {
            let kind = below(3);
            let key = (below(3) > 0).then(|| below(24) as u8);
            let taken =
                used.iter().any(|it| matches!(it, Item::El(Some(k), _) | Item::Comp(Some(k), _) if Some(*k) == key));
            if key.is_some() && taken {
                continue;
            }
            break match kind {
                0 => Item::Text(below(4) as u8),
                1 => Item::El(key, below(4) as u8),
                _ => Item::Comp(key, below(4) as u8),
            };
        };
        let mut items = Vec::new();
        for _ in 0..below(8) {
            let item = fresh(&mut below, &items);
            items.push(item);
        }
        let state = Arc::new(Mutex::new(items.clone()));
        let handle = Arc::new(Mutex::new(None));
        let mut layout = Layout::new(Root(state.clone(), handle.clone()));
        let mut doc = serde_json::Value::Null;
        apply(&mut doc, &layout.try_render().unwrap());
        for step in 0..12 {
            let before = instances(&layout);
            for _ in 0..1 + below(3) {
                match below(5) {
                    0 if !items.is_empty() => {
                        items.remove(below(items.len()));
                    }
                    1 if items.len() > 1 => {
                        let (a, b) = (below(items.len()), below(items.len()));
                        items.swap(a, b);
                    }
                    2 if !items.is_empty() => {
                        let at = below(items.len());
                        let item = items.remove(at);
                        items.insert(below(items.len() + 1), item);
                    }
                    3 if !items.is_empty() => items.reverse(),
                    _ => {
                        let item = fresh(&mut below, &items);
                        items.insert(below(items.len() + 1), item);
                    }
                }
            }
            *state.lock().unwrap() = items.clone();
            handle.lock().unwrap().as_ref().unwrap().update();
            if let Some(update) = layout.try_render() {
                apply(&mut doc, &update);
            }
            let context = format!("round {round} step {step}: {items:?}");
            assert_eq!(doc, layout.model(), "{context}");
            let mut fresh_layout = Layout::new(Root(Arc::new(Mutex::new(items.clone())), Default::default()));
            fresh_layout.try_render();
            let shape = |v: &serde_json::Value| {
                // Instances (the text of `<b>`) differ between layouts; compare everything else.
                let mut v = v.clone();
                if let Some(children) = v.pointer_mut("/children/0/children").and_then(|c| c.as_array_mut()) {
                    for c in children {
                        if c["tagName"] == "b" {
                            c["children"] = serde_json::Value::Null;
                        }
                    }
                }
                v
            };
            assert_eq!(shape(&doc), shape(&fresh_layout.model()), "{context}");
            let after = instances(&layout);
            for (key, instance) in &before {
                if let Some(now) = after.get(key) {
                    assert_eq!(now, instance, "{context}: keyed component {key} lost its state");
                }
            }
        }
    }
}
