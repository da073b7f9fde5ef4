//! A mounted template against a new render of the same template: its holes compared one by one,
//! each change told to the sink at the path the template gives its element.

use super::attributes::same_on_the_wire;
use super::{ElementRef, HostRef, PatchSink};
use crate::ids::NodeId;
use crate::vdom::{AttrValue, Hole, Holes, Part, Str, Template, TemplateAttr};

/// Compares a mounted instance's holes (`old`) with a new render's of the same template, tells
/// `sink` what changed (each at `path`, the instance's path, plus its element's own: appended for
/// the operation and taken off again), and keeps the new holes (the old ones are ended).
pub(super) fn diff_template<S: PatchSink>(
    template: &Template,
    old: &mut Holes,
    new: Holes,
    node: NodeId,
    generation: u32,
    path: &mut String,
    sink: &mut S,
) {
    let nodes = template.nodes();
    let root = path.len();
    // Each side's holes read once (reading them through the instance is a call).
    let (old_holes, new_holes) = (std::mem::replace(old, new), &**old);
    let (old, new): (&[Hole], &[Hole]) = (&old_holes, new_holes);
    for (e, info) in template.shape().elements.iter().enumerate() {
        let attrs = info.first_hole..info.first_hole + info.attr_holes;
        let handlers = attrs.end..attrs.end + nodes[e].events.len();
        let attrs_changed = attrs.clone().any(|i| old[i] != new[i]);
        // A new closure is not news to the client, only new options are.
        let handlers_changed = handlers.clone().any(|i| !same_handler_on_the_wire(&old[i], &new[i]));
        let text_changed = info.text_hole.is_some_and(|i| old[i] != new[i]);
        if !(attrs_changed || handlers_changed || text_changed) {
            continue;
        }
        path.truncate(root);
        path.push_str(&info.path);
        let element = ElementRef { path, node, generation, hole: None };
        if attrs_changed {
            let before = template.attributes(e, old).count();
            let after: Vec<(Str, AttrValue)> =
                template.attributes(e, new).map(|(n, v)| (Str::Borrowed(n), v.clone())).collect();
            if before == 0 {
                // The element had no `attributes` object: it gets a whole one.
                sink.set_attributes(element, &after);
            } else if after.is_empty() {
                sink.remove_attributes(element);
            } else {
                let names = nodes[e].attrs.iter().filter_map(|a| match a {
                    TemplateAttr::Hole(name) => Some(*name),
                    TemplateAttr::Fixed(_) => None,
                });
                for (i, name) in attrs.zip(names) {
                    match (old[i].attr_value(), new[i].attr_value()) {
                        (a, b) if a == b => {}
                        (_, None) => sink.remove_attribute(element, name),
                        (a, Some(value)) => sink.set_attribute(element, name, value, a.is_some()),
                    }
                }
            }
        }
        if handlers_changed {
            for (i, event) in handlers.zip(nodes[e].events) {
                if !same_handler_on_the_wire(&old[i], &new[i]) {
                    let Part::Handler(handler) = &new[i].0 else { unreachable!("a handler hole") };
                    sink.set_handler(ElementRef { hole: Some(i as u32), ..element }, *event, handler, true);
                }
            }
        }
        if let Some(i) = info.text_hole
            && text_changed
        {
            let Part::Text(text) = &new[i].0 else { unreachable!("a mounted template's text hole holds a text") };
            sink.set_text(HostRef { path, len: 1 }, 0, text);
        }
    }
    path.truncate(root);
    template.end(old_holes);
}

/// Whether two handler holes look the same to the client (see `same_on_the_wire`).
fn same_handler_on_the_wire(a: &Hole, b: &Hole) -> bool {
    match (&a.0, &b.0) {
        (Part::Handler(a), Part::Handler(b)) => same_on_the_wire(a, b),
        _ => unreachable!("a template's handler hole holds a handler"),
    }
}
