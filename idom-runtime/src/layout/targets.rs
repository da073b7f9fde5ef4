//! Handler targets: the ids the client sends back with an event, resolved to an element and event.

use super::{Kind, Layout};
use crate::arena::TargetId;
use crate::ids::NodeId;
use crate::vdom::Handler;

impl Layout {
    // -----------------------------------------------------------------------------------------
    // targets

    pub(super) fn resolve_target(&self, target: &str) -> Option<(NodeId, &'static str)> {
        if let Some(&(idx, generation, wire)) = self.static_targets.get(target) {
            return (self.arena.slots.get(idx.slot())?.generation == generation).then_some((idx, wire));
        }
        let id = TargetId::parse(target)?;
        let slot = self.arena.slots.get(id.node.slot())?;
        if slot.generation != id.generation {
            return None;
        }
        let Some(Kind::Element(el)) = slot.node.as_ref().map(|n| &n.kind) else { return None };
        let (event, handler) = el.handlers.iter().find(|(e, _)| e.wire == id.event)?;
        handler.target.is_none().then_some((id.node, event.wire))
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
