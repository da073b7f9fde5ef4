//! [`Key`]: the identity of a child among its siblings.

use std::borrow::Cow;
use std::fmt;

use super::Str;

/// The key of an element or component among its siblings: children with keys are matched by key
/// when a list re-renders, so their state and DOM nodes follow them when the list is reordered.
///
/// Made from strings or integers; it travels as a string in the model and never reaches the DOM.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct Key(pub(crate) KeyRepr);

#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub(crate) enum KeyRepr {
    Int(i128),
    Str(Str),
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            KeyRepr::Int(i) => write!(f, "{i}"),
            KeyRepr::Str(s) => f.write_str(s),
        }
    }
}

impl From<&str> for Key {
    fn from(s: &str) -> Self {
        Key(KeyRepr::Str(Cow::Owned(s.to_owned())))
    }
}

impl From<String> for Key {
    fn from(s: String) -> Self {
        Key(KeyRepr::Str(Cow::Owned(s)))
    }
}

impl From<&String> for Key {
    fn from(s: &String) -> Self {
        Key(KeyRepr::Str(Cow::Owned(s.clone())))
    }
}

macro_rules! key_from_int {
    ($($t:ty),*) => {$(
        impl From<$t> for Key {
            fn from(i: $t) -> Self {
                Key(KeyRepr::Int(i as i128))
            }
        }
        impl From<&$t> for Key {
            fn from(i: &$t) -> Self {
                Key(KeyRepr::Int(*i as i128))
            }
        }
    )*};
}
key_from_int!(i8, i16, i32, i64, isize, u8, u16, u32, u64, usize);
