//! Placement: moving matched children into their new order and inserting mounted ones, with the
//! fewest moves.

use super::UNMATCHED as NONE;
use super::{Diff, HostRef, PatchSink, Place, Reconciler};
use crate::ids::NodeId;

impl<R: Reconciler, S: PatchSink> Diff<'_, R, S> {
    /// Moves matched children into their new order and inserts the mounted ones, with the fewest
    /// moves: those on a longest increasing subsequence of old positions stay. Works right to
    /// left, each child placed before the already placed next one; a Fenwick tree over the
    /// children's places gives each operation's index in O(log n).
    ///
    /// `ids` are the new children, `matched` their old positions (`NONE` for mounted ones), and
    /// `base` the model index of the first of them. Removed children are already gone.
    pub(super) fn place(&mut self, ids: &[NodeId], matched: &[u32], at: &Place<'_>, base: usize) {
        let stays = longest_increasing(matched);
        if matched.iter().zip(&stays).all(|(&m, &s)| m != NONE && s) {
            return;
        }
        // Places in document order at any time: a child that stays keeps one place; the children
        // placed before it (new ones and moved ones) come just before it, in new order; a child
        // waiting to move sits at its old position among the ones that stay.
        let old_len = matched.iter().filter(|&&m| m != NONE).map(|&m| m as usize + 1).max().unwrap_or(0);
        let mut old_to_new = vec![NONE; old_len];
        for (j, &m) in matched.iter().enumerate() {
            if m != NONE {
                old_to_new[m as usize] = j as u32;
            }
        }
        let mut waiting = vec![NONE; old_len];
        let mut final_place = vec![NONE; matched.len()];
        let (mut next, mut places) = (0, 0u32);
        for (i, &j) in old_to_new.iter().enumerate() {
            if j == NONE {
                continue;
            }
            if stays[j as usize] {
                while next <= j as usize {
                    final_place[next] = places;
                    places += 1;
                    next += 1;
                }
            } else {
                waiting[i] = places;
                places += 1;
            }
        }
        for place in &mut final_place[next..] {
            *place = places;
            places += 1;
        }
        let mut tree = Fenwick::new(places as usize);
        for (j, &m) in matched.iter().enumerate() {
            let count = self.arena().n(ids[j]).count;
            match m {
                NONE => {}
                _ if stays[j] => tree.add(final_place[j], count as i64),
                m => tree.add(waiting[m as usize], count as i64),
            }
        }
        let mut nodes = Vec::new();
        for j in (0..matched.len()).rev() {
            let (id, m) = (ids[j], matched[j]);
            let count = self.arena().n(id).count;
            if m == NONE {
                let index = base + tree.before(final_place[j]);
                nodes.clear();
                self.arena().flatten(id, &mut nodes);
                for (t, &n) in nodes.iter().enumerate() {
                    let len = self.element_len(at.host);
                    self.sink.insert(self.tree.arena(), HostRef { path: at.path, len }, index + t, n);
                    self.set_element_len(at.host, len + 1);
                }
            } else if !stays[j] {
                let from = base + tree.before(waiting[m as usize]);
                tree.add(waiting[m as usize], -(count as i64));
                let to = base + tree.before(final_place[j]);
                let host = HostRef { path: at.path, len: self.element_len(at.host) };
                let k = count as usize;
                if from < to {
                    for _ in 0..k {
                        self.sink.move_child(host, from, to + k - 1);
                    }
                } else if from > to {
                    for t in 0..k {
                        self.sink.move_child(host, from + t, to + t);
                    }
                }
            } else {
                continue;
            }
            tree.add(final_place[j], count as i64);
        }
    }
}

/// Sums of weights over places, with updates and prefix sums in O(log n).
struct Fenwick(Vec<i64>);

impl Fenwick {
    fn new(places: usize) -> Self {
        Fenwick(vec![0; places + 1])
    }

    fn add(&mut self, place: u32, weight: i64) {
        let mut i = place as usize + 1;
        while i < self.0.len() {
            self.0[i] += weight;
            i += i & i.wrapping_neg();
        }
    }

    /// The sum of the weights of all places before `place`.
    fn before(&self, place: u32) -> usize {
        let (mut i, mut sum) = (place as usize, 0);
        while i > 0 {
            sum += self.0[i];
            i &= i - 1;
        }
        sum as usize
    }
}

/// For each new child, whether it stays in place: matched children (old position, `NONE` for
/// none) whose old positions form a longest increasing subsequence (in new order).
fn longest_increasing(matched: &[u32]) -> Vec<bool> {
    let seq: Vec<(usize, u32)> =
        matched.iter().enumerate().filter(|(_, m)| **m != NONE).map(|(j, &i)| (j, i)).collect();
    let values: Vec<u32> = seq.iter().map(|&(_, v)| v).collect();
    let mut stays = vec![false; matched.len()];
    for i in longest_increasing_subsequence::lis(&values) {
        stays[seq[i].0] = true;
    }
    stays
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn longest_increasing_keeps_the_most() {
        assert_eq!(longest_increasing(&[0, 1, 2]), vec![true; 3]);
        let swap = longest_increasing(&[0, 3, 2, 1, 4]);
        assert_eq!(swap.iter().filter(|s| **s).count(), 3);
        assert_eq!(longest_increasing(&[NONE, 1, NONE, 0]).iter().filter(|s| **s).count(), 1);
    }

    #[test]
    fn fenwick_sums_before_a_place() {
        let mut tree = Fenwick::new(6);
        for (place, weight) in [(0, 1), (2, 3), (5, 2)] {
            tree.add(place, weight);
        }
        assert_eq!((0..=6).map(|p| tree.before(p)).collect::<Vec<_>>(), [0, 1, 1, 4, 4, 4, 6]);
        tree.add(2, -3);
        assert_eq!(tree.before(6), 3);
    }
}
