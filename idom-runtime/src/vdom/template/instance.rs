//! A template's instances: the one allocation a render of a [`Template`](super::Template) keeps
//! its holes and its in-place handlers in ([`Holes`]), and the thread's lists of ended instances
//! that the next renders are written into ([`KeptInstances`], up to [`KEEP_BYTES`] a thread).
//!
//! An instance the layout is done with is ended ([`Holes::end`]): when nothing else shares it, its
//! parts and handlers are dropped at once and the allocation goes on its template's list. A new
//! render pops one of its own type and writes itself in place, so clearing and building rows
//! again costs the allocator nothing.

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::fmt;
use std::ops::Deref;
use std::sync::Arc;
use std::thread::LocalKey;

use super::{Hole, Part};
use crate::event::{BoxFuture, Event};

/// A render's holes and the handlers written in place among them, in one allocation that clones
/// of the element share (see [`Template::build_with`](super::Template::build_with)).
#[derive(Clone)]
pub(crate) struct Holes(Arc<dyn HoleSet>);

/// What a [`Holes`] points at: an [`Instance`] of some number of holes and handlers.
trait HoleSet: Any + Send + Sync {
    fn holes(&self) -> &[Hole];
    fn holes_mut(&mut self) -> &mut [Hole];
    fn call(&self, slot: u32, event: Event) -> Option<BoxFuture>;
    /// Drops the parts and the handlers (an ended instance owns nothing).
    fn clear(&mut self);
    /// Whether it was cleared (and owns nothing).
    fn is_ended(&self) -> bool;
}

/// A template instance: its holes, and the functions of its handlers written in place (`None`
/// once it is ended).
struct Instance<const N: usize, H> {
    holes: [Hole; N],
    handlers: Option<H>,
}

impl<const N: usize, H: InPlaceHandlers> HoleSet for Instance<N, H> {
    fn holes(&self) -> &[Hole] {
        &self.holes
    }
    fn holes_mut(&mut self) -> &mut [Hole] {
        &mut self.holes
    }
    fn call(&self, slot: u32, event: Event) -> Option<BoxFuture> {
        self.handlers.as_ref()?.call(slot, event)
    }
    fn clear(&mut self) {
        for hole in &mut self.holes {
            *hole = Hole(Part::Attr(None));
        }
        self.handlers = None;
    }
    fn is_ended(&self) -> bool {
        self.handlers.is_none() && self.holes.iter().all(|h| matches!(h.0, Part::Attr(None)))
    }
}

/// The most bytes of ended instances a thread keeps, all templates together: about three
/// thousand table rows.
pub(crate) const KEEP_BYTES: usize = 1 << 20;

thread_local! {
    /// The bytes of the instances the thread keeps now.
    static KEPT_BYTES: Cell<usize> = const { Cell::new(0) };
}

/// A thread's ended instances of one template, for its next renders (`html!` declares one per
/// template, in a `thread_local!`; not for hand use).
pub struct KeptInstances(RefCell<Vec<Arc<dyn Any + Send + Sync>>>);

impl fmt::Debug for KeptInstances {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kept = self.0.try_borrow().map(|list| list.len());
        f.debug_struct("KeptInstances").field("kept", &kept.ok()).finish()
    }
}

impl KeptInstances {
    /// An empty list.
    #[allow(clippy::new_without_default, reason = "made in a `thread_local!` initializer only")]
    pub const fn new() -> Self {
        KeptInstances(RefCell::new(Vec::new()))
    }
}

/// `instance` in an allocation of its own: a kept one of its type when the thread has one.
#[inline]
fn allocate<T: HoleSet>(kept: &'static LocalKey<KeptInstances>, instance: T) -> Arc<T> {
    let Some(reused) = kept.try_with(|list| list.0.borrow_mut().pop()).ok().flatten() else {
        return Arc::new(instance);
    };
    match reused.downcast::<T>() {
        Ok(mut arc) => {
            KEPT_BYTES.with(|bytes| bytes.set(bytes.get().saturating_sub(std::mem::size_of::<T>())));
            if let Some(slot) = Arc::get_mut(&mut arc) {
                debug_assert!(slot.is_ended(), "a kept instance holds parts");
                // What is replaced was ended: it owns nothing, and dropping its holes one by one
                // would cost more than the allocation saved.
                #[allow(clippy::mem_forget, reason = "what is forgotten owns no memory")]
                std::mem::forget(std::mem::replace(slot, instance));
                return arc;
            }
            Arc::new(instance)
        }
        // A template in a generic function may have instances of more than one type.
        Err(other) => {
            let _ = kept.try_with(|list| list.0.borrow_mut().push(other));
            Arc::new(instance)
        }
    }
}

impl Holes {
    /// A render's `holes` and in-place `handlers` (`None` for none), in a kept allocation of the
    /// template's when the thread has one.
    #[inline]
    pub(super) fn new<const N: usize, H: InPlaceHandlers>(
        kept: &'static LocalKey<KeptInstances>,
        holes: [Hole; N],
        handlers: Option<H>,
    ) -> Self {
        Holes(allocate(kept, Instance { holes, handlers }))
    }

    /// The holes, when no other element shares them.
    pub(crate) fn get_mut(&mut self) -> Option<&mut [Hole]> {
        Arc::get_mut(&mut self.0).map(|set| set.holes_mut())
    }

    /// Runs the in-place handler `slot` (the `HandlerFunc::InTemplate` of one of the holes).
    pub(crate) fn call(&self, slot: u32, event: Event) -> Option<BoxFuture> {
        self.0.call(slot, event)
    }

    /// Ends an instance the layout is done with: when nothing else shares it, its parts and
    /// handlers are dropped now and its allocation is kept for the template's next render (or
    /// freed, when the thread keeps enough); otherwise the layout's reference is simply dropped.
    pub(super) fn end(mut self, kept: &'static LocalKey<KeptInstances>) {
        let Some(set) = Arc::get_mut(&mut self.0) else { return };
        set.clear();
        let size = std::mem::size_of_val(set);
        let Ok(room) = KEPT_BYTES.try_with(|bytes| {
            let room = bytes.get() + size <= KEEP_BYTES;
            if room {
                bytes.set(bytes.get() + size);
            }
            room
        }) else {
            return;
        };
        if !room {
            return;
        }
        let instance: Arc<dyn Any + Send + Sync> = self.0;
        let left = kept.try_with(|list| list.0.borrow_mut().push(instance));
        if left.is_err() {
            // The thread is exiting: the instance was dropped with the closure.
            let _ = KEPT_BYTES.try_with(|bytes| bytes.set(bytes.get().saturating_sub(size)));
        }
    }

    /// The holes moved out, when no other element shares them, or copied.
    pub(super) fn take(&mut self) -> Vec<Hole> {
        match self.get_mut() {
            Some(holes) => holes.iter_mut().map(|h| std::mem::replace(h, Hole(Part::Attr(None)))).collect(),
            None => self.to_vec(),
        }
    }
}

impl Deref for Holes {
    type Target = [Hole];
    #[inline]
    fn deref(&self) -> &[Hole] {
        self.0.holes()
    }
}

impl PartialEq for Holes {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::addr_eq(Arc::as_ptr(&self.0), Arc::as_ptr(&other.0)) || self[..] == other[..]
    }
}

/// A handler closure written in place in a template, as `html!` passes it to
/// [`Template::build_with`](super::Template::build_with) (not for hand use;
/// `__private::in_place` makes one).
pub trait InPlace: Send + Sync + 'static {
    /// Runs the closure.
    #[doc(hidden)]
    fn run(&self, event: Event) -> Option<BoxFuture>;
}

/// The handlers of a template's render written in place: `()` or a tuple of up to eight
/// [`InPlace`]s, kept in the allocation of the render's holes (not for hand use).
pub trait InPlaceHandlers: Send + Sync + 'static {
    /// Runs handler `slot`, if there is one.
    #[doc(hidden)]
    fn call(&self, slot: u32, event: Event) -> Option<BoxFuture>;
}

impl InPlaceHandlers for () {
    fn call(&self, _: u32, _: Event) -> Option<BoxFuture> {
        None
    }
}

macro_rules! in_place_tuples {
    ($( ($($n:tt $f:ident),+) )+) => {$(
        impl<$($f: InPlace),+> InPlaceHandlers for ($($f,)+) {
            fn call(&self, slot: u32, event: Event) -> Option<BoxFuture> {
                match slot {
                    $($n => self.$n.run(event),)+
                    _ => None,
                }
            }
        }
    )+};
}

in_place_tuples! {
    (0 F0)
    (0 F0, 1 F1)
    (0 F0, 1 F1, 2 F2)
    (0 F0, 1 F1, 2 F2, 3 F3)
    (0 F0, 1 F1, 2 F2, 3 F3, 4 F4)
    (0 F0, 1 F1, 2 F2, 3 F3, 4 F4, 5 F5)
    (0 F0, 1 F1, 2 F2, 3 F3, 4 F4, 5 F5, 6 F6)
    (0 F0, 1 F1, 2 F2, 3 F3, 4 F4, 5 F5, 6 F6, 7 F7)
}
