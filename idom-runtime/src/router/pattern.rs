//! Path patterns: `/users/:id/posts/:post`, `/files/*rest`, and matching a path against them.
//!
//! A pattern is a `/` followed by segments separated by `/`:
//! - a static segment (`users`) matches itself, compared after percent-decoding the path;
//! - `:name` matches any one non-empty segment and captures it, percent-decoded, as `name`;
//! - `*name`, only as the last segment, captures the rest of the path (zero or more segments,
//!   decoded one by one and joined with `/`).
//!
//! `/` alone is the root. One trailing `/` of a path is ignored (`/users/7/` is `/users/7`).
//! Decoding is of `%XX` escapes only (`+` stays a plus in a path, unlike in a query); a malformed
//! escape is kept as written and invalid UTF-8 becomes U+FFFD, so matching never panics.
//!
//! A malformed pattern is a [`PatternError`] from [`Pattern::parse`]; the route builders
//! ([`Routes::route`](super::Routes::route)) panic with that error's message, at definition time.

use std::fmt;
use std::sync::Arc;

use percent_encoding::percent_decode_str;

use super::params::Params;

/// Why a pattern is malformed. Every variant names the pattern and what to change.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PatternError {
    /// The pattern does not start with `/`.
    #[error("route pattern `{0}` must start with `/`")]
    NoLeadingSlash(String),
    /// Two `/` in a row, or a `/` at the end of a pattern other than `/`.
    #[error("route pattern `{0}` has an empty segment: remove the doubled or trailing `/`")]
    EmptySegment(String),
    /// `:` or `*` without a name, or a name that is not letters, digits and `_`.
    #[error(
        "route pattern `{pattern}`: parameter `{segment}` needs a name of letters, digits and `_` after its `:` or `*`"
    )]
    BadName {
        /// The pattern.
        pattern: String,
        /// The offending segment.
        segment: String,
    },
    /// Two parameters with one name.
    #[error("route pattern `{pattern}` names the parameter `{name}` twice")]
    DuplicateName {
        /// The pattern.
        pattern: String,
        /// The repeated name.
        name: String,
    },
    /// A `*rest` segment that is not the last one.
    #[error("route pattern `{pattern}`: `{segment}` takes the rest of the path, so it must be the last segment")]
    RestNotLast {
        /// The pattern.
        pattern: String,
        /// The `*name` segment.
        segment: String,
    },
    /// A `?` or `#` in a pattern: patterns match paths only.
    #[error(
        "route pattern `{0}` contains `?` or `#`: a pattern matches the path only (read the query with `use_query`)"
    )]
    NotAPath(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Segment {
    Static(String),
    Param(Arc<str>),
    Rest(Arc<str>),
}

/// A parsed path pattern: `/`, then segments separated by `/`, each static text, `:name` (one
/// non-empty segment, captured) or, last, `*name` (the rest of the path, possibly empty).
/// Paths are percent-decoded segment by segment before they are compared or captured, and one
/// trailing `/` of a path is ignored.
///
/// ```
/// use idom::router::Pattern;
///
/// let pattern = Pattern::parse("/users/:id/posts/:post").unwrap();
/// let params = pattern.matches("/users/7/posts/hello%20world").unwrap();
/// assert_eq!(params.get::<u64>("id"), Some(7));
/// assert_eq!(params.raw("post"), Some("hello world"));
/// assert!(pattern.matches("/users/7").is_none());
/// assert!(Pattern::parse("users/:id").is_err());
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Pattern {
    source: String,
    segments: Vec<Segment>,
}

impl fmt::Debug for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Pattern({:?})", self.source)
    }
}

impl fmt::Display for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}

impl Pattern {
    /// Parses a pattern, or says what is wrong with it.
    pub fn parse(source: &str) -> Result<Pattern, PatternError> {
        let Some(rest) = source.strip_prefix('/') else {
            return Err(PatternError::NoLeadingSlash(source.to_owned()));
        };
        if source.contains(['?', '#']) {
            return Err(PatternError::NotAPath(source.to_owned()));
        }
        let mut segments = Vec::new();
        if !rest.is_empty() {
            let parts: Vec<&str> = rest.split('/').collect();
            for (i, part) in parts.iter().enumerate() {
                let segment = match part.chars().next() {
                    None => return Err(PatternError::EmptySegment(source.to_owned())),
                    Some(sigil @ (':' | '*')) => {
                        let name = &part[1..];
                        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                            return Err(PatternError::BadName {
                                pattern: source.to_owned(),
                                segment: (*part).to_owned(),
                            });
                        }
                        let taken =
                            segments.iter().any(|s| matches!(s, Segment::Param(n) | Segment::Rest(n) if &**n == name));
                        if taken {
                            return Err(PatternError::DuplicateName {
                                pattern: source.to_owned(),
                                name: name.to_owned(),
                            });
                        }
                        if sigil == '*' {
                            if i + 1 != parts.len() {
                                return Err(PatternError::RestNotLast {
                                    pattern: source.to_owned(),
                                    segment: (*part).to_owned(),
                                });
                            }
                            Segment::Rest(name.into())
                        } else {
                            Segment::Param(name.into())
                        }
                    }
                    Some(_) => Segment::Static(decode(part)),
                };
                segments.push(segment);
            }
        }
        Ok(Pattern { source: source.to_owned(), segments })
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// The names of its parameters, in order.
    pub fn param_names(&self) -> impl Iterator<Item = &str> {
        self.segments.iter().filter_map(|s| match s {
            Segment::Param(n) | Segment::Rest(n) => Some(&**n),
            Segment::Static(_) => None,
        })
    }

    /// The parameters `path` gives, when it matches (a path without its query).
    pub fn matches(&self, path: &str) -> Option<Params> {
        let path = path.strip_prefix('/').unwrap_or(path);
        let path = path.strip_suffix('/').unwrap_or(path);
        let mut parts = if path.is_empty() { Vec::new() } else { path.split('/').collect() };
        parts.reverse(); // pop from the front
        let mut params = Params::default();
        for segment in &self.segments {
            match segment {
                Segment::Static(s) => {
                    if decode(parts.pop()?) != *s {
                        return None;
                    }
                }
                Segment::Param(name) => {
                    let part = parts.pop().filter(|p| !p.is_empty())?;
                    params.push(name.clone(), decode(part));
                }
                Segment::Rest(name) => {
                    let rest: Vec<String> = parts.drain(..).rev().map(decode).collect();
                    params.push(name.clone(), rest.join("/"));
                }
            }
        }
        parts.is_empty().then_some(params)
    }

    /// `self` followed by `child` (a nested table's pattern under its prefix): `/admin` and
    /// `/settings` give `/admin/settings`; a child `/` gives the prefix itself.
    pub(crate) fn join(&self, child: &Pattern) -> Result<Pattern, PatternError> {
        let source = match (self.source.as_str(), child.source.as_str()) {
            ("/", c) => c.to_owned(),
            (p, "/") => p.to_owned(),
            (p, c) => format!("{p}{c}"),
        };
        Pattern::parse(&source)
    }
}

fn decode(part: &str) -> String {
    percent_decode_str(part).decode_utf8_lossy().into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(p: &str) -> Vec<String> {
        Pattern::parse(p).unwrap().param_names().map(str::to_owned).collect()
    }

    #[test]
    fn parses_static_params_and_rest() {
        assert_eq!(names("/"), Vec::<String>::new());
        assert_eq!(names("/users/:id/posts/:post"), ["id", "post"]);
        assert_eq!(names("/files/*rest"), ["rest"]);
        assert_eq!(Pattern::parse("/a/b").unwrap().to_string(), "/a/b");
    }

    #[test]
    fn malformed_patterns_say_why() {
        let err = |p: &str| Pattern::parse(p).unwrap_err().to_string();
        assert_eq!(err("users"), "route pattern `users` must start with `/`");
        assert_eq!(err(""), "route pattern `` must start with `/`");
        assert_eq!(err("/a//b"), "route pattern `/a//b` has an empty segment: remove the doubled or trailing `/`");
        assert_eq!(err("/a/"), "route pattern `/a/` has an empty segment: remove the doubled or trailing `/`");
        assert_eq!(
            err("/users/:"),
            "route pattern `/users/:`: parameter `:` needs a name of letters, digits and `_` after its `:` or `*`"
        );
        assert!(err("/users/:a-b").contains("parameter `:a-b`"));
        assert_eq!(err("/a/:id/b/:id"), "route pattern `/a/:id/b/:id` names the parameter `id` twice");
        assert_eq!(err("/a/:id/*id"), "route pattern `/a/:id/*id` names the parameter `id` twice");
        assert_eq!(
            err("/files/*rest/x"),
            "route pattern `/files/*rest/x`: `*rest` takes the rest of the path, so it must be the last segment"
        );
        assert!(err("/search?q").contains("matches the path only"));
    }

    #[test]
    fn matches_paths() {
        let p = Pattern::parse("/users/:id").unwrap();
        assert_eq!(p.matches("/users/7").unwrap().raw("id"), Some("7"));
        assert_eq!(p.matches("/users/7/").unwrap().raw("id"), Some("7"));
        assert!(p.matches("/users").is_none());
        assert!(p.matches("/users/").is_none());
        assert!(p.matches("/users//").is_none());
        assert!(p.matches("/users/7/x").is_none());
        assert!(p.matches("/people/7").is_none());

        let root = Pattern::parse("/").unwrap();
        assert!(root.matches("/").is_some());
        assert!(root.matches("").is_some());
        assert!(root.matches("/x").is_none());

        let files = Pattern::parse("/files/*rest").unwrap();
        assert_eq!(files.matches("/files/a/b%2Fc/d").unwrap().raw("rest"), Some("a/b/c/d"));
        assert_eq!(files.matches("/files").unwrap().raw("rest"), Some(""));
        assert!(files.matches("/file").is_none());
    }

    #[test]
    fn decodes_segments_and_never_panics() {
        let p = Pattern::parse("/caf%C3%A9/:name").unwrap();
        let params = p.matches("/café/a%20b+c").unwrap();
        assert_eq!(params.raw("name"), Some("a b+c"));
        assert_eq!(p.matches("/caf%c3%a9/%zz%4").unwrap().raw("name"), Some("%zz%4"));
        assert_eq!(p.matches("/café/%FF").unwrap().raw("name"), Some("\u{FFFD}"));
    }

    #[test]
    fn joins_prefixes() {
        let join = |a: &str, b: &str| Pattern::parse(a).unwrap().join(&Pattern::parse(b).unwrap()).unwrap().to_string();
        assert_eq!(join("/admin", "/settings"), "/admin/settings");
        assert_eq!(join("/admin", "/"), "/admin");
        assert_eq!(join("/", "/x"), "/x");
        assert_eq!(join("/orgs/:org", "/users/:id"), "/orgs/:org/users/:id");
    }
}
