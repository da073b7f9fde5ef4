//! The update path: the deepest element containing every operation of an update.

use crate::protocol::{LayoutUpdate, PatchOp};

/// Builds an update from absolute operations: its path is the deepest element containing every
/// operation's target, and the operations are made relative to it.
pub(crate) fn make_update(mut ops: Vec<PatchOp>) -> LayoutUpdate {
    fn container(path: &str) -> &str {
        // Longest run of "/children/N" pairs, minus the last pair when the path ends with it.
        let (mut end, mut before_last) = (0, 0);
        let mut rest = path;
        while let Some(r) = rest.strip_prefix("/children/") {
            let digits = r.bytes().take_while(u8::is_ascii_digit).count();
            if digits == 0 {
                break;
            }
            before_last = end;
            end += "/children/".len() + digits;
            rest = &r[digits..];
        }
        if end == path.len() {
            end = before_last;
        }
        &path[..end]
    }
    let mut prefix: Option<&str> = None;
    for op in &ops {
        for p in std::iter::once(op.path.as_str()).chain(op.from.as_deref()) {
            let c = container(p);
            prefix = Some(match prefix {
                None => c,
                Some(prev) => common_pairs(prev, c),
            });
        }
    }
    let prefix = prefix.unwrap_or("").to_owned();
    if !prefix.is_empty() {
        for op in &mut ops {
            op.path.drain(..prefix.len());
            if let Some(from) = &mut op.from {
                from.drain(..prefix.len());
            }
        }
    }
    LayoutUpdate { path: prefix, changes: ops }
}

/// The longest common prefix of two paths made of "/children/N" pairs, on a pair boundary.
fn common_pairs<'a>(a: &'a str, b: &str) -> &'a str {
    let mut end = 0;
    let (mut ra, mut rb) = (a, b);
    while let (Some(xa), Some(xb)) = (ra.strip_prefix("/children/"), rb.strip_prefix("/children/")) {
        let da = xa.bytes().take_while(u8::is_ascii_digit).count();
        let db = xb.bytes().take_while(u8::is_ascii_digit).count();
        if da == 0 || xa[..da] != xb[..db] {
            break;
        }
        end += "/children/".len() + da;
        ra = &xa[da..];
        rb = &xb[db..];
    }
    &a[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn update_path_is_the_deepest_common_element() {
        let op = |path: &str| PatchOp { op: crate::protocol::Op::Remove, path: path.into(), from: None, value: None };
        let u = make_update(vec![op("/children/0/children/3/attributes/class")]);
        assert_eq!((u.path.as_str(), u.changes[0].path.as_str()), ("/children/0/children/3", "/attributes/class"));
        let u = make_update(vec![op("/children/0/children/3"), op("/children/0/children/12/children/1")]);
        assert_eq!(u.path, "/children/0");
        assert_eq!(u.changes[1].path, "/children/12/children/1");
        let u = make_update(vec![op("/children/1")]);
        assert_eq!((u.path.as_str(), u.changes[0].path.as_str()), ("", "/children/1"));
        let u = make_update(vec![op("/children/10/children"), op("/children/1/children")]);
        assert_eq!(u.path, "");
    }
}
