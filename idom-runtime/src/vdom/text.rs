//! Texts from numbers, written without `core::fmt`.

use super::Element;

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

pub(crate) fn push_digits(out: &mut String, mut n: u64) {
    if n < 10 {
        // A generation, an index: mostly one digit.
        out.push(char::from(b'0' + n as u8));
        return;
    }
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.reserve(digits.len() - at);
    for &digit in &digits[at..] {
        out.push(char::from(digit));
    }
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
                Element::text(int_text(v as i128))
            }
        }
        impl From<&$t> for Element {
            fn from(v: &$t) -> Self {
                Element::text(int_text(*v as i128))
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
