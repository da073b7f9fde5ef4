//! Small helpers for `std::sync`: one name for each idiom that would otherwise repeat.

use std::sync::{LockResult, MutexGuard};

/// Takes the guard out of a poisoned lock.
///
/// A panic while a lock is held is caught elsewhere (per component, per session) and the state
/// behind our locks stays consistent between statements, so a poisoned lock is used as is instead
/// of spreading the panic to every later user.
pub(crate) trait OrPoisoned {
    /// The lock's guard.
    type Guard;

    /// The guard, poisoned or not.
    fn or_poisoned(self) -> Self::Guard;
}

impl<'a, T: ?Sized> OrPoisoned for LockResult<MutexGuard<'a, T>> {
    type Guard = MutexGuard<'a, T>;

    fn or_poisoned(self) -> MutexGuard<'a, T> {
        self.unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}
