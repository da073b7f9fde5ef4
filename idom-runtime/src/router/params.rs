//! Typed parameters: [`Params`] (what a matched pattern captured), [`FromParam`] (one value from
//! one segment) and [`FromParams`] (what a view takes: a value, a tuple, or the `Params` itself).

use std::sync::Arc;

/// The parameters a matched pattern captured, percent-decoded, in the pattern's order.
///
/// ```
/// use idom::router::Pattern;
///
/// let params = Pattern::parse("/users/:id").unwrap().matches("/users/42").unwrap();
/// assert_eq!(params.get::<u64>("id"), Some(42));
/// assert_eq!(params.get::<u8>("id"), Some(42));
/// assert_eq!(params.get::<bool>("id"), None); // does not parse
/// assert_eq!(params.get::<u64>("missing"), None);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Params {
    entries: Vec<(Arc<str>, String)>,
}

impl Params {
    pub(crate) fn push(&mut self, name: Arc<str>, value: String) {
        self.entries.push((name, value));
    }

    /// The parameter `name` parsed as `T`; `None` when it is missing or does not parse.
    pub fn get<T: FromParam>(&self, name: &str) -> Option<T> {
        T::from_param(self.raw(name)?)
    }

    /// The parameter `name` as the decoded text of its segment(s).
    pub fn raw(&self, name: &str) -> Option<&str> {
        self.entries.iter().find(|(n, _)| &**n == name).map(|(_, v)| v.as_str())
    }

    /// The (name, value) pairs in the pattern's order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.entries.iter().map(|(n, v)| (&**n, v.as_str()))
    }

    /// How many parameters there are.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the pattern had no parameters.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// A value a path segment can turn into: `None` when it does not parse, which sends the route to
/// the next one and, at the end, to the fallback (never to a panic).
///
/// Implemented for the integers, floats, `bool`, `char` and `String` (through their `FromStr`).
/// For a type of your own, implement it in one line with its `FromStr`:
///
/// ```
/// use idom::router::FromParam;
///
/// #[derive(Debug, PartialEq)]
/// struct Slug(String);
///
/// impl FromParam for Slug {
///     fn from_param(segment: &str) -> Option<Self> {
///         let ok = !segment.is_empty() && segment.chars().all(|c| c.is_ascii_lowercase() || c == '-');
///         ok.then(|| Slug(segment.to_owned()))
///     }
/// }
/// assert_eq!(Slug::from_param("hello-world"), Some(Slug("hello-world".into())));
/// assert_eq!(Slug::from_param("Hello"), None);
/// ```
pub trait FromParam: Sized {
    /// The value of a decoded segment, or `None` when it does not parse.
    fn from_param(segment: &str) -> Option<Self>;
}

macro_rules! from_param_by_from_str {
    ($($t:ty),*) => {$(
        impl FromParam for $t {
            fn from_param(segment: &str) -> Option<Self> {
                segment.parse().ok()
            }
        }
    )*};
}

from_param_by_from_str!(u8, u16, u32, u64, u128, usize, i8, i16, i32, i64, i128, isize, f32, f64, bool, char, String);

/// What a route's view takes: its parameters, typed.
///
/// - one [`FromParam`] value, for a pattern with exactly one parameter (`/users/:id` and
///   `|id: u64| ...`);
/// - a tuple of them, in the pattern's order (`/users/:id/posts/:post` and
///   `|(id, post): (u64, String)| ...`), up to four;
/// - `()` for a pattern without parameters;
/// - [`Params`] itself, for any pattern, to read them by name.
///
/// The number of parameters is checked when the route is defined (a mismatch panics there,
/// naming the pattern); their values when a path matches (one that does not parse is no match).
pub trait FromParams: Sized {
    /// How many parameters the pattern must have; `None` for any number.
    const COUNT: Option<usize>;

    /// The typed value of `params`, or `None` when one of them does not parse.
    fn from_params(params: &Params) -> Option<Self>;
}

impl FromParams for Params {
    const COUNT: Option<usize> = None;

    fn from_params(params: &Params) -> Option<Self> {
        Some(params.clone())
    }
}

impl FromParams for () {
    const COUNT: Option<usize> = Some(0);

    fn from_params(_: &Params) -> Option<Self> {
        Some(())
    }
}

impl<T: FromParam> FromParams for T {
    const COUNT: Option<usize> = Some(1);

    fn from_params(params: &Params) -> Option<Self> {
        T::from_param(&params.entries.first()?.1)
    }
}

macro_rules! from_params_tuple {
    ($n:literal; $($t:ident $i:tt),*) => {
        impl<$($t: FromParam),*> FromParams for ($($t,)*) {
            const COUNT: Option<usize> = Some($n);

            fn from_params(params: &Params) -> Option<Self> {
                Some(($($t::from_param(&params.entries.get($i)?.1)?,)*))
            }
        }
    };
}

from_params_tuple!(1; A 0);
from_params_tuple!(2; A 0, B 1);
from_params_tuple!(3; A 0, B 1, C 2);
from_params_tuple!(4; A 0, B 1, C 2, D 3);

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> Params {
        let mut p = Params::default();
        for (n, v) in pairs {
            p.push((*n).into(), (*v).to_owned());
        }
        p
    }

    #[test]
    fn typed_values_by_position() {
        let p = params(&[("id", "7"), ("post", "hello")]);
        assert_eq!(<(u64, String)>::from_params(&p), Some((7, "hello".to_owned())));
        assert_eq!(<(u64, u64)>::from_params(&p), None);
        assert_eq!(u32::from_params(&params(&[("id", "-1")])), None);
        assert_eq!(i32::from_params(&params(&[("id", "-1")])), Some(-1));
        assert_eq!(<(u8,)>::from_params(&params(&[("id", "300")])), None);
        assert_eq!(Params::from_params(&p), Some(p.clone()));
        assert_eq!(p.iter().collect::<Vec<_>>(), [("id", "7"), ("post", "hello")]);
    }
}
