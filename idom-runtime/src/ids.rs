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

/// A node's children ids: up to three inline (a cell, a link, a table row of three cells), more
/// in a `Vec`. Inline, the list is as large as the `Vec` it replaces, and a mounted row costs no
/// allocation for its children.
#[derive(Clone, Debug)]
pub(crate) enum IdList {
    Inline { len: u8, ids: [NodeId; INLINE] },
    Heap(Vec<NodeId>),
}

const INLINE: usize = 3;
/// The filler of unused inline places (never read).
const FILLER: NodeId = NodeId(NonZeroU32::MAX);

impl IdList {
    pub(crate) const fn new() -> Self {
        IdList::Inline { len: 0, ids: [FILLER; INLINE] }
    }

    /// An empty list with room for `n` ids (no allocation for up to three).
    pub(crate) fn with_capacity(n: usize) -> Self {
        if n <= INLINE { IdList::new() } else { IdList::Heap(Vec::with_capacity(n)) }
    }

    #[inline]
    pub(crate) fn push(&mut self, id: NodeId) {
        match self {
            IdList::Inline { len, ids } if usize::from(*len) < INLINE => {
                ids[usize::from(*len)] = id;
                *len += 1;
            }
            IdList::Inline { ids, .. } => {
                let mut heap = Vec::with_capacity(2 * INLINE);
                heap.extend_from_slice(ids);
                heap.push(id);
                *self = IdList::Heap(heap);
            }
            IdList::Heap(ids) => ids.push(id),
        }
    }

    pub(crate) fn extend_from_slice(&mut self, ids: &[NodeId]) {
        match self {
            IdList::Heap(list) => list.extend_from_slice(ids),
            IdList::Inline { .. } => ids.iter().for_each(|&id| self.push(id)),
        }
    }
}

impl PartialEq for IdList {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl Default for IdList {
    fn default() -> Self {
        IdList::new()
    }
}

impl std::ops::Deref for IdList {
    type Target = [NodeId];

    #[inline]
    fn deref(&self) -> &[NodeId] {
        match self {
            IdList::Inline { len, ids } => &ids[..usize::from(*len)],
            IdList::Heap(ids) => ids,
        }
    }
}

impl std::ops::DerefMut for IdList {
    #[inline]
    fn deref_mut(&mut self) -> &mut [NodeId] {
        match self {
            IdList::Inline { len, ids } => &mut ids[..usize::from(*len)],
            IdList::Heap(ids) => ids,
        }
    }
}

impl FromIterator<NodeId> for IdList {
    fn from_iter<I: IntoIterator<Item = NodeId>>(ids: I) -> Self {
        let ids = ids.into_iter();
        let mut list = IdList::with_capacity(ids.size_hint().0);
        for id in ids {
            list.push(id);
        }
        list
    }
}

impl IntoIterator for IdList {
    type Item = NodeId;
    type IntoIter = IdIter;

    fn into_iter(self) -> IdIter {
        IdIter { list: self, next: 0 }
    }
}

/// The ids of an [`IdList`], by value.
pub(crate) struct IdIter {
    list: IdList,
    next: usize,
}

impl Iterator for IdIter {
    type Item = NodeId;

    #[inline]
    fn next(&mut self) -> Option<NodeId> {
        let id = self.list.get(self.next).copied();
        self.next += 1;
        id
    }
}

impl<'a> IntoIterator for &'a IdList {
    type Item = &'a NodeId;
    type IntoIter = std::slice::Iter<'a, NodeId>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_list_holds_three_inline_and_any_number_after() {
        let ids: Vec<NodeId> = (0..10).map(NodeId::from_slot).collect();
        for n in 0..10 {
            let list: IdList = ids[..n].iter().copied().collect();
            assert_eq!(&*list, &ids[..n]);
            assert_eq!(matches!(list, IdList::Inline { .. }), n <= INLINE, "{n}");
            assert_eq!(list.into_iter().collect::<Vec<_>>(), &ids[..n]);
            let mut grown = IdList::new();
            grown.extend_from_slice(&ids[..n]);
            assert_eq!(&*grown, &ids[..n]);
        }
        assert_eq!(std::mem::size_of::<IdList>(), std::mem::size_of::<Vec<NodeId>>());
    }
}
