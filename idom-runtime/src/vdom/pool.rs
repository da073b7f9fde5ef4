//! Tags whose boxes are used again: a thread's recently freed tag boxes, handed to the next
//! elements built on it.
//!
//! Every element a render builds is a boxed [`Tag`]; mounting moves the box into the arena, and
//! unmounting (or a diff, for a re-rendered element) ends it. Mounting and clearing a thousand
//! table rows is six thousand of each, and the profile of `table/create1k` and `table/clear`
//! put a fifth of their instructions in `malloc` and `free` (a tag is larger than the
//! allocator's per-thread caches take). Here an ended tag's contents are dropped as before,
//! and its box is kept, up to [`KEEP`] a thread, for the next `td()` or `div()` on that thread.
//!
//! [`take_kept`] and [`keep_box`] are the list itself, for any type whose box is worth keeping:
//! the arena keeps its components' scope boxes the same way (`arena::ScopeData::boxed`).

use std::cell::RefCell;
use std::thread::LocalKey;

use super::{Str, Tag};

/// The most boxes a thread keeps: about 1.2 MB of tags, enough for a page of a few hundred rows
/// to be rebuilt without the allocator.
pub(crate) const KEEP: usize = 4096;

thread_local! {
    static FREE: Kept<Tag> = const { RefCell::new(Vec::new()) };
}

/// A thread's kept boxes of one type, each holding an ended value that owns nothing.
#[allow(clippy::vec_box, reason = "the boxes themselves are what is kept")]
pub(crate) type Kept<T> = RefCell<Vec<Box<T>>>;

/// A kept box from the thread's list, if it has one (and still exists: not during the thread's
/// exit).
#[inline]
pub(crate) fn take_kept<T: 'static>(list: &'static LocalKey<Kept<T>>) -> Option<Box<T>> {
    list.try_with(|free| free.borrow_mut().pop()).ok().flatten()
}

/// Keeps a box whose value was ended (it owns nothing), up to `most` on the thread; a box beyond
/// that, or one ended during the thread's exit, is freed.
///
/// Nothing is dropped while the list is borrowed, so a value's `Drop` may itself end values.
#[inline]
pub(crate) fn keep_box<T: 'static>(list: &'static LocalKey<Kept<T>>, value: Box<T>, most: usize) {
    let _ = list.try_with(|free| {
        let mut free = free.borrow_mut();
        if free.len() < most {
            free.push(value);
            None
        } else {
            Some(value)
        }
    });
}

/// A boxed new tag, in a kept box when the thread has one.
#[inline]
pub(crate) fn new_tag(name: Str) -> Box<Tag> {
    match take_kept(&FREE) {
        Some(mut tag) => {
            // The kept box holds `Tag::new("")`: with the name set it is `Tag::new(name)`, and the
            // empty name it had owns nothing (forgotten, not dropped).
            debug_assert!(tag.is_empty(), "a kept tag box holds an ended tag");
            #[allow(clippy::mem_forget, reason = "what is forgotten owns no memory")]
            std::mem::forget(std::mem::replace(&mut tag.name, name));
            tag
        }
        None => Box::new(Tag::new(name)),
    }
}

/// Ends a tag: its contents are dropped now, and its box is kept for a later [`new_tag`] (or
/// freed, when the thread keeps enough).
#[inline]
pub(crate) fn recycle(mut tag: Box<Tag>) {
    *tag = Tag::new(Str::Borrowed(""));
    keep(tag);
}

/// Takes the tag out of its box, and keeps the box.
#[inline]
pub(crate) fn unbox(mut tag: Box<Tag>) -> Tag {
    let inner = std::mem::replace(&mut *tag, Tag::new(Str::Borrowed("")));
    keep(tag);
    inner
}

/// Keeps a box that holds an empty tag.
#[inline]
fn keep(tag: Box<Tag>) {
    keep_box(&FREE, tag, KEEP);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_ended_tag_box_is_used_again_empty() {
        let mut tag = new_tag(Str::Borrowed("td"));
        tag.attrs.push((Str::Borrowed("class"), crate::vdom::AttrValue::True));
        tag.key = Some(crate::Key::from(7));
        let address = &*tag as *const Tag as usize;
        recycle(tag);
        let again = new_tag(Str::Borrowed("tr"));
        assert_eq!(&*again as *const Tag as usize, address, "the box was kept");
        assert_eq!(&*again.name, "tr");
        assert!(again.attrs.is_empty() && again.key.is_none() && again.head.is_none());
    }

    #[test]
    fn a_thread_keeps_at_most_keep_boxes() {
        std::thread::spawn(|| {
            let tags: Vec<_> = (0..KEEP + 10).map(|_| new_tag(Str::Borrowed("p"))).collect();
            tags.into_iter().for_each(recycle);
            assert_eq!(FREE.with(|free| free.borrow().len()), KEEP);
        })
        .join()
        .unwrap();
    }
}
