//! An element's attributes and handlers: a matched element keeps what did not change, and the
//! sink hears of each attribute or handler that appeared, changed or went away.

use super::{Diff, ElementRef, PatchSink, Reconciler};
use crate::Key;
use crate::arena::Kind;
use crate::event::EventName;
use crate::ids::NodeId;
use crate::vdom::{AttrValue, Handler, OneOrMany, Str, Tag};

/// How a list of named items changed, member by member.
enum Change<'a, T> {
    /// The list was empty and now holds these.
    All(&'a [T]),
    /// The list is empty now.
    Cleared,
    Removed(&'a T),
    /// Added, or changed (`true`).
    Set(&'a T, bool),
}

/// Compares two lists of named items: removals first, then additions and changes in new order.
fn diff_named<'a, T, N: AsRef<str> + ?Sized>(
    old: &'a [T],
    new: &'a [T],
    name: impl Fn(&T) -> &N,
    equal: impl Fn(&T, &T) -> bool,
    mut emit: impl FnMut(Change<'a, T>),
) {
    if old.is_empty() {
        if !new.is_empty() {
            emit(Change::All(new));
        }
        return;
    }
    if new.is_empty() {
        emit(Change::Cleared);
        return;
    }
    for item in old {
        let n = name(item).as_ref();
        if !new.iter().any(|x| name(x).as_ref() == n) {
            emit(Change::Removed(item));
        }
    }
    for item in new {
        let n = name(item).as_ref();
        let previous = old.iter().find(|x| name(x).as_ref() == n);
        if !previous.is_some_and(|p| equal(p, item)) {
            emit(Change::Set(item, previous.is_some()));
        }
    }
}

/// Whether two handlers look the same to the client (same target, same options as written in the
/// model: two rates that round to the same milliseconds are the same).
pub(super) fn same_on_the_wire(a: &Handler, b: &Handler) -> bool {
    // The options are kept as they are sent.
    a.target == b.target && a.options == b.options
}

/// An attribute: its name and value.
type Attribute = (Str, AttrValue);

/// Diffs a matched element's attributes: the literal list `html!` shares (`fixed`) and the
/// others. The same list on both sides (the same markup) is compared by address alone.
fn diff_attributes<S: PatchSink>(
    el: &mut Tag,
    fixed: &'static [(Str, AttrValue)],
    attrs: OneOrMany<(Str, AttrValue)>,
    sink: &mut S,
    element: ElementRef<'_>,
) {
    let same_fixed = std::ptr::eq(el.fixed, fixed);
    if same_fixed && el.attrs == attrs {
        return;
    }
    // The same literals on both sides: only the others are compared. Another markup's literals
    // (the two branches of an `if`): every attribute is.
    let all;
    let (old, new): (&[Attribute], &[Attribute]) = if same_fixed {
        (&el.attrs, &attrs)
    } else {
        all = (
            el.attributes().cloned().collect::<Vec<_>>(),
            fixed.iter().chain(attrs.iter()).cloned().collect::<Vec<_>>(),
        );
        (&all.0, &all.1)
    };
    // Beside shared literals the `attributes` object stays: it changes one member at a time.
    let shared = same_fixed && !fixed.is_empty();
    diff_named(
        old,
        new,
        |(n, _)| n,
        |a, b| a.1 == b.1,
        |change| match change {
            Change::All(all) if shared => {
                all.iter().for_each(|(name, value)| sink.set_attribute(element, name, value, false))
            }
            Change::Cleared if shared => old.iter().for_each(|(name, _)| sink.remove_attribute(element, name)),
            Change::All(all) => sink.set_attributes(element, all),
            Change::Cleared => sink.remove_attributes(element),
            Change::Removed((name, _)) => sink.remove_attribute(element, name),
            Change::Set((name, value), replaces) => sink.set_attribute(element, name, value, replaces),
        },
    );
    el.fixed = fixed;
    el.attrs = attrs;
}

impl<R: Reconciler, S: PatchSink> Diff<'_, R, S> {
    /// Diffs the key, attributes and handlers of a matched element at `path` against the new
    /// tag's, moved out of it one by one.
    #[allow(clippy::too_many_arguments, reason = "a `Tag` by value is a 336-byte copy per matched element")]
    pub(super) fn diff_element(
        &mut self,
        id: NodeId,
        key: Option<Key>,
        fixed: &'static [(Str, AttrValue)],
        attrs: OneOrMany<(Str, AttrValue)>,
        head: Option<&'static str>,
        handlers: OneOrMany<(EventName, Handler)>,
        path: &str,
    ) {
        let generation = self.arena().generation(id);
        let element = ElementRef { path, node: id, generation, hole: None };
        let Kind::Element(el) = &mut self.tree.arena_mut().n_mut(id).kind else { unreachable!("matched an element") };
        el.key = key;
        // The same pre-written head is the same literal attributes: nothing to compare.
        let same_head = matches!((el.head, head), (Some(a), Some(b)) if std::ptr::eq(a, b));
        el.head = head;
        let sink = &mut *self.sink;
        if !same_head {
            diff_attributes(el, fixed, attrs, sink, element);
        }
        let same_shape = el.handlers.len() == handlers.len()
            && el.handlers.iter().zip(&handlers).all(|((e1, h1), (e2, h2))| e1 == e2 && same_on_the_wire(h1, h2));
        if same_shape {
            el.handlers = handlers;
            return;
        }
        let old = std::mem::replace(&mut el.handlers, handlers);
        diff_named(
            &old,
            &el.handlers,
            |(e, _)| e.wire,
            |a, b| same_on_the_wire(&a.1, &b.1),
            |change| match change {
                Change::All(all) => sink.set_handlers(element, all),
                Change::Cleared => sink.remove_handlers(element),
                Change::Removed((event, _)) => sink.remove_handler(element, *event),
                Change::Set((event, handler), replaces) => sink.set_handler(element, *event, handler, replaces),
            },
        );
        self.tree.handlers_replaced(id, &old);
    }
}
