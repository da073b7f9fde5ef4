//! The string of a text node ([`Text`]), and texts from numbers, written without `core::fmt`.

use std::fmt;
use std::sync::Arc;

use super::{Element, Str};

/// The string of a text node: borrowed (a literal), owned, shared (`Arc<str>`, a label kept in
/// the state), or up to 15 bytes inline (a number, which then costs no allocation).
#[derive(Clone)]
pub(crate) enum Text {
    Str(Str),
    Shared(Arc<str>),
    Small { len: u8, bytes: [u8; 15] },
}

impl Text {
    #[inline]
    pub(crate) fn as_str(&self) -> &str {
        match self {
            Text::Str(s) => s,
            Text::Shared(s) => s,
            // Only whole strings are copied in, so this is always valid.
            Text::Small { len, bytes } => std::str::from_utf8(&bytes[..usize::from(*len)]).unwrap_or_default(),
        }
    }

    /// The text as an owned `String`, to append to (a merged text).
    pub(crate) fn to_mut(&mut self) -> &mut String {
        if !matches!(self, Text::Str(Str::Owned(_))) {
            *self = Text::Str(Str::Owned(self.as_str().to_owned()));
        }
        match self {
            Text::Str(s) => s.to_mut(),
            _ => unreachable!("made owned above"),
        }
    }

    /// The decimal text of an integer, inline when it has at most 15 characters.
    pub(crate) fn int(value: i128) -> Text {
        let Ok(n) = u64::try_from(value.unsigned_abs()) else {
            return Text::Str(Str::Owned(int_text(value)));
        };
        // 20 digits and a sign at most.
        let mut digits = [0u8; 21];
        let mut at = write_digits(&mut digits, n);
        if value < 0 {
            at -= 1;
            digits[at] = b'-';
        }
        let text = &digits[at..];
        let mut bytes = [0u8; 15];
        match bytes.get_mut(..text.len()) {
            Some(inline) => {
                inline.copy_from_slice(text);
                Text::Small { len: text.len() as u8, bytes }
            }
            None => Text::Str(Str::Owned(int_text(value))),
        }
    }
}

impl std::ops::Deref for Text {
    type Target = str;

    #[inline]
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl PartialEq for Text {
    #[inline]
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.as_str().fmt(f)
    }
}

impl From<Str> for Text {
    #[inline]
    fn from(s: Str) -> Self {
        Text::Str(s)
    }
}

/// Appends the decimal digits of an integer (without `core::fmt`, which costs more than the
/// digits for the small numbers a page shows).
#[inline]
pub(crate) fn push_int(out: &mut String, value: i128) {
    if value < 0 {
        out.push('-');
    }
    let n = value.unsigned_abs();
    match u64::try_from(n) {
        // 64-bit division is many times cheaper than 128-bit.
        Ok(n) => push_digits(out, n),
        Err(_) => out.push_str(&n.to_string()),
    }
}

pub(crate) fn push_digits(out: &mut String, n: u64) {
    if n < 10 {
        // A generation, an index: mostly one digit.
        out.push(char::from(b'0' + n as u8));
        return;
    }
    let mut digits = [0u8; 20];
    let at = write_digits(&mut digits, n);
    // One copy of the digits, not a push (a capacity check and a length) per digit.
    out.push_str(std::str::from_utf8(&digits[at..]).unwrap_or_default());
}

/// Writes the decimal digits of `n` at the end of `digits` (at least 20 bytes), returning where
/// they start.
#[inline]
fn write_digits(digits: &mut [u8], mut n: u64) -> usize {
    // Two digits a division, from a table of the hundred pairs.
    const PAIRS: &[u8; 200] = b"0001020304050607080910111213141516171819\
        2021222324252627282930313233343536373839\
        4041424344454647484950515253545556575859\
        6061626364656667686970717273747576777879\
        8081828384858687888990919293949596979899";
    let mut at = digits.len();
    while n >= 100 {
        let pair = (n % 100) as usize * 2;
        n /= 100;
        at -= 2;
        digits[at..at + 2].copy_from_slice(&PAIRS[pair..pair + 2]);
    }
    if n >= 10 {
        let pair = n as usize * 2;
        at -= 2;
        digits[at..at + 2].copy_from_slice(&PAIRS[pair..pair + 2]);
    } else {
        at -= 1;
        digits[at] = b'0' + n as u8;
    }
    at
}

/// The decimal text of an integer.
pub(crate) fn int_text(value: i128) -> String {
    let mut text = String::with_capacity(8);
    push_int(&mut text, value);
    text
}

macro_rules! element_from_int {
    ($($t:ty),*) => {$(
        impl From<$t> for Element {
            fn from(v: $t) -> Self {
                Element(super::Node::Text(Text::int(v as i128)))
            }
        }
        impl From<&$t> for Element {
            fn from(v: &$t) -> Self {
                Element(super::Node::Text(Text::int(*v as i128)))
            }
        }
    )*};
}
element_from_int!(i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, usize);

macro_rules! element_from_display {
    ($($t:ty),*) => {$(
        impl From<$t> for Element {
            fn from(v: $t) -> Self {
                Element::text(v.to_string())
            }
        }
        impl From<&$t> for Element {
            fn from(v: &$t) -> Self {
                Element::text(v.to_string())
            }
        }
    )*};
}
element_from_display!(u128, f32, f64);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integer_texts_are_inline_up_to_fifteen_characters() {
        for n in [0i128, 7, -7, 42, 1000, -99_999, 999_999_999_999_999, -99_999_999_999_999] {
            let text = Text::int(n);
            assert!(matches!(text, Text::Small { .. }), "{n}");
            assert_eq!(&*text, n.to_string());
        }
        for n in [1_000_000_000_000_000i128, -999_999_999_999_999, i128::from(u64::MAX), i128::MAX, i128::MIN] {
            let text = Text::int(n);
            assert!(matches!(text, Text::Str(_)), "{n}");
            assert_eq!(&*text, n.to_string());
        }
    }

    #[test]
    fn a_text_of_any_kind_merges_and_compares_by_its_string() {
        let mut merged = Text::Str(Str::Borrowed("Count: "));
        merged.to_mut().push_str(&Text::int(5));
        assert_eq!(merged, Text::Shared(Arc::from("Count: 5")));
        let mut small = Text::int(12);
        small.to_mut().push('!');
        assert_eq!(&*small, "12!");
        assert_eq!(std::mem::size_of::<Text>(), std::mem::size_of::<Str>());
    }
}
