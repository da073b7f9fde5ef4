//! Typed ids of the mounted tree, below every module that holds one.

use std::num::NonZeroU32;

/// A node of the arena, by its slot. A node id is only meaningful with the slot's generation
/// (see `ScopeId` and `TargetId`) once the node may have been unmounted.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub(crate) struct NodeId(NonZeroU32);

impl NodeId {
    /// The node in slot `slot`.
    #[inline]
    pub(crate) fn from_slot(slot: usize) -> Self {
        Self::checked_from_slot(slot).expect("fewer than 2^32 - 1 mounted nodes")
    }

    /// The node in slot `slot`, or `None` for a slot no arena can have.
    #[inline]
    pub(crate) fn checked_from_slot(slot: usize) -> Option<Self> {
        let raw = u32::try_from(slot).ok()?.checked_add(1)?;
        NonZeroU32::new(raw).map(NodeId)
    }

    /// The slot's index in the arena (what a target's text shows).
    #[inline]
    pub(crate) fn slot(self) -> usize {
        self.0.get() as usize - 1
    }
}
