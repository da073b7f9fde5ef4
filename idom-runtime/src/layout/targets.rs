//! Handler targets: the ids the client sends back with an event, resolved to an element and event.

use super::{Kind, Layout};
use crate::arena::TargetId;
use crate::event::{BoxFuture, Event, HandlerFn};
use crate::ids::NodeId;
use crate::vdom::{Handler, HandlerFunc, Holes};

/// A handler's function, held apart from the layout so that it can run while the layout changes.
pub(super) enum Callable {
    /// A function of its own.
    Own(HandlerFn),
    /// A handler written in place in a template instance: the instance and its place there.
    InTemplate(Holes, u32),
}

impl Callable {
    pub(super) fn call(&self, event: Event) -> Option<BoxFuture> {
        match self {
            Callable::Own(func) => func(event),
            Callable::InTemplate(holes, slot) => holes.call(*slot, event),
        }
    }
}

impl Layout {
    // -----------------------------------------------------------------------------------------
    // targets

    /// The element (or template) a target names and its handler's function.
    pub(super) fn resolve_target(&self, target: &str) -> Option<(NodeId, Callable)> {
        let (idx, generation, hole, event) = match self.static_targets.get(target) {
            Some(&(idx, generation, wire)) => (idx, generation, None, wire),
            None => {
                let id = TargetId::parse(target)?;
                (id.node, id.generation, id.hole, id.event)
            }
        };
        let slot = self.arena.slots.get(idx.slot())?;
        if slot.generation != generation {
            return None;
        }
        let (handler, holes) = match (slot.node.as_ref().map(|n| &n.kind)?, hole) {
            (Kind::Element(el), None) => {
                let (_, handler) = el.handlers.iter().find(|(e, _)| e.wire == event)?;
                // A fixed target is only reachable by its own text.
                if handler.target.as_deref().is_some_and(|t| t != target) {
                    return None;
                }
                (handler, None)
            }
            (Kind::Template(template, holes), Some(hole)) => (template.handler(holes, hole, event)?, Some(holes)),
            _ => return None,
        };
        let callable = match (&handler.func, holes) {
            (HandlerFunc::Own(func), _) => Callable::Own(func.clone()),
            (&HandlerFunc::InTemplate(slot), Some(holes)) => Callable::InTemplate(holes.clone(), slot),
            // Only a template's hole holds a handler written in place.
            (HandlerFunc::InTemplate(_), None) => return None,
        };
        Some((idx, callable))
    }

    pub(crate) fn register_static_targets(&mut self, idx: NodeId) {
        let generation = self.arena.generation(idx);
        if let Kind::Element(el) = &self.arena.n(idx).kind
            && el.handlers.iter().any(|(_, h)| h.target.is_some())
        {
            let found: Vec<_> = el.handlers.iter().filter_map(|(e, h)| Some((h.target.clone()?, e.wire))).collect();
            for (t, wire) in found {
                self.static_targets.insert(t, (idx, generation, wire));
            }
        }
    }

    /// Forgets an element's fixed targets, unless another element registered the same id since
    /// (a handler that moved between parents is mounted before its old element is unmounted).
    pub(crate) fn forget_static_targets(
        &mut self,
        idx: NodeId,
        generation: u32,
        handlers: &[(crate::html::EventName, Handler)],
    ) {
        for (_, h) in handlers {
            if let Some(t) = &h.target
                && self.static_targets.get(t).is_some_and(|&(i, g, _)| i == idx && g == generation)
            {
                self.static_targets.remove(t);
            }
        }
    }
}
