//! [`OneOrMany`]: a list that keeps a single item inline.

/// A list that keeps a single item inline. Most elements have one attribute, one handler, one
/// child: as a `Vec` each of those lists would be an allocation of room for four.
#[derive(Clone, Debug)]
pub(crate) enum OneOrMany<T> {
    One(T),
    /// Any other number of items (an empty `Vec` does not allocate).
    Many(Vec<T>),
}

impl<T> OneOrMany<T> {
    pub(crate) const fn new() -> Self {
        OneOrMany::Many(Vec::new())
    }

    /// An empty list with room for `n` items (no allocation for one or none).
    pub(crate) fn with_capacity(n: usize) -> Self {
        OneOrMany::Many(if n > 1 { Vec::with_capacity(n) } else { Vec::new() })
    }

    pub(crate) fn push(&mut self, item: T) {
        match self {
            OneOrMany::Many(items) if items.capacity() == 0 => {
                // An empty `Vec` with no capacity owns nothing: forgetting it skips its drop.
                #[allow(clippy::mem_forget, reason = "what is forgotten owns no memory")]
                std::mem::forget(std::mem::replace(self, OneOrMany::One(item)));
            }
            OneOrMany::Many(items) => items.push(item),
            OneOrMany::One(_) => {
                let OneOrMany::One(first) = std::mem::take(self) else { unreachable!() };
                // Room for four: a list that grew past one usually grows on (a row of cells).
                let mut items = Vec::with_capacity(4);
                items.push(first);
                items.push(item);
                *self = OneOrMany::Many(items);
            }
        }
    }

    pub(crate) fn pop(&mut self) -> Option<T> {
        match self {
            OneOrMany::One(_) => {
                let OneOrMany::One(item) = std::mem::take(self) else { unreachable!() };
                Some(item)
            }
            OneOrMany::Many(items) => items.pop(),
        }
    }

    pub(crate) fn retain(&mut self, mut keep: impl FnMut(&T) -> bool) {
        match self {
            OneOrMany::One(item) if !keep(item) => *self = OneOrMany::new(),
            OneOrMany::One(_) => {}
            OneOrMany::Many(items) => items.retain(keep),
        }
    }
}

impl<T> FromIterator<T> for OneOrMany<T> {
    fn from_iter<I: IntoIterator<Item = T>>(items: I) -> Self {
        let items = items.into_iter();
        let mut list = OneOrMany::with_capacity(items.size_hint().0);
        for item in items {
            list.push(item);
        }
        list
    }
}

impl<T> Default for OneOrMany<T> {
    fn default() -> Self {
        OneOrMany::new()
    }
}

impl<T> std::ops::Deref for OneOrMany<T> {
    type Target = [T];

    fn deref(&self) -> &[T] {
        match self {
            OneOrMany::One(item) => std::slice::from_ref(item),
            OneOrMany::Many(items) => items,
        }
    }
}

impl<T> std::ops::DerefMut for OneOrMany<T> {
    fn deref_mut(&mut self) -> &mut [T] {
        match self {
            OneOrMany::One(item) => std::slice::from_mut(item),
            OneOrMany::Many(items) => items,
        }
    }
}

impl<T: PartialEq> PartialEq for OneOrMany<T> {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl<'a, T> IntoIterator for &'a OneOrMany<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<T> IntoIterator for OneOrMany<T> {
    type Item = T;
    type IntoIter = std::iter::Chain<std::option::IntoIter<T>, std::vec::IntoIter<T>>;

    fn into_iter(self) -> Self::IntoIter {
        match self {
            OneOrMany::One(item) => Some(item).into_iter().chain(Vec::new()),
            OneOrMany::Many(items) => None.into_iter().chain(items),
        }
    }
}
