//! The shortest edit script between two short sequences, compacted: the
//! same script `similar` gives for them, at a fraction of its cost.
//!
//! Step texts and short methods are what a recipe diff aligns, and for
//! them `similar`'s Myers (with its preflight, its anchors and heuristics
//! for long inputs, two fresh vectors a call, and a hook call per op) cost
//! more than everything else in a diff. Below the sizes where any of its
//! heuristics can act ([`in_exact_regime`]) its search is Myers' linear
//! space divide and conquer as published; this module is that search and
//! `similar`'s compaction, ported from `similar` 3.2.1 (Apache-2.0, by
//! Armin Ronacher) op for op, into one list of plain ops. A differential
//! test holds the two to the same scripts; longer inputs are left to
//! `similar` by the callers.

use std::convert::Infallible;
use std::ops::Range;

use similar::algorithms::DiffHook;

/// The most items, both sides together and after their common prefix and
/// suffix, for which `similar`'s Myers is exact: its heuristics start at an
/// edit cost of 256, which needs more than 510 items, and its small-side
/// search needs a side of 512.
const EXACT_MAX_ITEMS: usize = 500;

/// The longest shorter side for which `similar` never anchors on the
/// front: its anchor search needs both sides longer than 96 items.
const EXACT_MAX_SHORTER_SIDE: usize = 96;

/// What an op does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Tag {
    /// Items on both sides.
    Equal,
    /// Items of the old side only.
    Delete,
    /// Items of the new side only.
    Insert,
}

/// One op of an edit script: its items are `old..old + old_len` and
/// `new..new + new_len` (an insertion has no old items, a deletion no new
/// ones, an equal stretch as many of each).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Op {
    /// What the op does.
    pub(super) tag: Tag,
    /// Where its items start on the old side.
    pub(super) old: usize,
    /// How many old items it covers.
    pub(super) old_len: usize,
    /// Where its items start on the new side.
    pub(super) new: usize,
    /// How many new items it covers.
    pub(super) new_len: usize,
}

impl Op {
    fn equal(old: usize, new: usize, len: usize) -> Op {
        Op {
            tag: Tag::Equal,
            old,
            old_len: len,
            new,
            new_len: len,
        }
    }

    fn delete(old: usize, old_len: usize, new: usize) -> Op {
        Op {
            tag: Tag::Delete,
            old,
            old_len,
            new,
            new_len: 0,
        }
    }

    fn insert(old: usize, new: usize, new_len: usize) -> Op {
        Op {
            tag: Tag::Insert,
            old,
            old_len: 0,
            new,
            new_len,
        }
    }

    fn old_range(&self) -> Range<usize> {
        self.old..self.old + self.old_len
    }

    fn new_range(&self) -> Range<usize> {
        self.new..self.new + self.new_len
    }

    fn is_empty(&self) -> bool {
        self.old_len == 0 && self.new_len == 0
    }

    /// Moves the op's start by `by` on both sides, earlier or later, as
    /// `similar`'s `DiffOp::adjust` does.
    fn shift(&mut self, by: usize, earlier: bool) {
        if earlier {
            self.old -= by;
            self.new -= by;
        } else {
            self.old += by;
            self.new += by;
        }
    }

    /// Lengthens (or shortens) the op's items by `by` on the sides it has.
    fn resize(&mut self, by: usize, shorter: bool) {
        let change = |len: &mut usize| {
            if shorter {
                *len -= by;
            } else {
                *len += by;
            }
        };
        match self.tag {
            Tag::Equal => {
                change(&mut self.old_len);
                self.new_len = self.old_len;
            }
            Tag::Delete => change(&mut self.old_len),
            Tag::Insert => change(&mut self.new_len),
        }
    }

    /// `similar`'s `shift_left`.
    fn shift_left(&mut self, by: usize) {
        self.shift(by, true);
    }

    /// `similar`'s `shift_right`.
    fn shift_right(&mut self, by: usize) {
        self.shift(by, false);
    }

    /// `similar`'s `grow_left`: starts earlier, as long to the same end.
    fn grow_left(&mut self, by: usize) {
        self.shift(by, true);
        self.resize(by, false);
    }

    /// `similar`'s `grow_right`.
    fn grow_right(&mut self, by: usize) {
        self.resize(by, false);
    }

    /// `similar`'s `shrink_left`.
    fn shrink_left(&mut self, by: usize) {
        self.resize(by, true);
    }

    /// `similar`'s `shrink_right`: starts later, to the same end.
    fn shrink_right(&mut self, by: usize) {
        self.shift(by, false);
        self.resize(by, true);
    }

    /// Hands the op to `hook`.
    fn tell<D: DiffHook<Error = Infallible>>(&self, hook: &mut D) {
        let told = match self.tag {
            Tag::Equal => hook.equal(self.old, self.new, self.old_len),
            Tag::Delete => hook.delete(self.old, self.old_len, self.new),
            Tag::Insert => hook.insert(self.old, self.new, self.new_len),
        };
        match told {
            Ok(()) => {}
            Err(never) => match never {},
        }
    }
}

/// Hands `hook` the compacted shortest edit script from `old` to `new`,
/// then finishes it; `None` (and `hook` untouched) when the sequences are
/// too long for this module to promise `similar`'s script.
pub(super) fn compacted_into<T: PartialEq, D: DiffHook<Error = Infallible>>(
    old: &[T],
    new: &[T],
    hook: &mut D,
) -> Option<()> {
    replay(&compacted(old, new)?, hook);
    Some(())
}

/// Hands `hook` the ops of a script, then finishes it.
pub(super) fn replay<D: DiffHook<Error = Infallible>>(ops: &[Op], hook: &mut D) {
    for op in ops {
        op.tell(hook);
    }
    match hook.finish() {
        Ok(()) => {}
        Err(never) => match never {},
    }
}

/// The compacted shortest edit script from `old` to `new`, as
/// `Compact` over `similar`'s Myers gives it; `None` outside
/// [`in_exact_regime`].
pub(super) fn compacted<T: PartialEq>(old: &[T], new: &[T]) -> Option<Vec<Op>> {
    let mut ops = Vec::new();
    compacted_in(old, new, &mut ops).then_some(ops)
}

/// [`compacted`] into `ops`, emptied first, so one list serves many
/// scripts; false (and `ops` empty) outside [`in_exact_regime`].
pub(super) fn compacted_in<T: PartialEq>(old: &[T], new: &[T], ops: &mut Vec<Op>) -> bool {
    ops.clear();
    let prefix = common_prefix(old, 0..old.len(), new, 0..new.len());
    let suffix = common_suffix(old, prefix..old.len(), new, prefix..new.len());
    let old_middle = prefix..old.len() - suffix;
    let new_middle = prefix..new.len() - suffix;
    if !in_exact_regime(old_middle.len(), new_middle.len()) {
        return false;
    }
    // Room for the usual script at once: an edit or two between equal
    // stretches.
    ops.reserve(8);
    if prefix > 0 {
        ops.push(Op::equal(0, 0, prefix));
    }
    if old_middle.is_empty() && new_middle.is_empty() {
    } else if old_middle.is_empty() {
        ops.push(Op::insert(
            old_middle.start,
            new_middle.start,
            new_middle.len(),
        ));
    } else if new_middle.is_empty() {
        ops.push(Op::delete(
            old_middle.start,
            old_middle.len(),
            new_middle.start,
        ));
    } else {
        let max_d = max_d(old_middle.len(), new_middle.len());
        // Both vectors in one buffer, on the stack when they fit, as they
        // do for nearly every step text: no allocation for them.
        let mut on_stack = [0; ON_STACK];
        let mut on_heap;
        let both = match on_stack.get_mut(..4 * max_d) {
            Some(both) => both,
            None => {
                on_heap = vec![0; 4 * max_d];
                on_heap.as_mut_slice()
            }
        };
        let (forward, backward) = both.split_at_mut(2 * max_d);
        let mut search = Search {
            old,
            new,
            forward,
            backward,
            offset: max_d,
            ops: std::mem::take(ops),
        };
        search.conquer(old_middle.clone(), new_middle.clone());
        *ops = search.ops;
    }
    if suffix > 0 {
        ops.push(Op::equal(old_middle.end, new_middle.end, suffix));
    }
    compact(old, new, ops);
    true
}

/// Whether `similar`'s Myers, given middles of these lengths (after the
/// common prefix and suffix), runs as published: no preflight reduction,
/// no front anchor, no small-side search, no heuristic split.
fn in_exact_regime(old_len: usize, new_len: usize) -> bool {
    old_len + new_len <= EXACT_MAX_ITEMS && old_len.min(new_len) <= EXACT_MAX_SHORTER_SIDE
}

/// `similar`'s bound on the edit cost the middle-snake search explores.
fn max_d(old_len: usize, new_len: usize) -> usize {
    (old_len + new_len).div_ceil(2) + 1
}

/// The length of the common prefix of two ranges.
fn common_prefix<T: PartialEq>(
    old: &[T],
    old_range: Range<usize>,
    new: &[T],
    new_range: Range<usize>,
) -> usize {
    old[old_range]
        .iter()
        .zip(&new[new_range])
        .take_while(|(o, n)| n == o)
        .count()
}

/// The length of the common suffix of two ranges.
fn common_suffix<T: PartialEq>(
    old: &[T],
    old_range: Range<usize>,
    new: &[T],
    new_range: Range<usize>,
) -> usize {
    old[old_range]
        .iter()
        .rev()
        .zip(new[new_range].iter().rev())
        .take_while(|(o, n)| n == o)
        .count()
}

/// How many entries of the two searches' vectors together are kept on the
/// stack: middles of up to 62 items, both sides together.
const ON_STACK: usize = 128;

/// Myers' divide and conquer over two sequences, its ops gathered.
struct Search<'s, 'v, T> {
    old: &'s [T],
    new: &'s [T],
    /// The furthest x reached on each diagonal going forward, by diagonal
    /// plus [`Search::offset`]: `similar`'s `V`, sized as it sizes it once
    /// for the whole search (what is left in it from one split is read by
    /// the next exactly as there).
    forward: &'v mut [usize],
    /// The same, going backward from the ends.
    backward: &'v mut [usize],
    /// Where diagonal 0 is in the two vectors.
    offset: usize,
    ops: Vec<Op>,
}

impl<T: PartialEq> Search<'_, '_, T> {
    /// `similar`'s `conquer` below its heuristics' sizes.
    fn conquer(&mut self, mut old_range: Range<usize>, mut new_range: Range<usize>) {
        let prefix = common_prefix(self.old, old_range.clone(), self.new, new_range.clone());
        if prefix > 0 {
            self.ops
                .push(Op::equal(old_range.start, new_range.start, prefix));
        }
        old_range.start += prefix;
        new_range.start += prefix;
        let suffix = common_suffix(self.old, old_range.clone(), self.new, new_range.clone());
        old_range.end -= suffix;
        new_range.end -= suffix;
        let suffix_at = (old_range.end, new_range.end);

        if old_range.is_empty() && new_range.is_empty() {
        } else if new_range.is_empty() {
            self.ops.push(Op::delete(
                old_range.start,
                old_range.len(),
                new_range.start,
            ));
        } else if old_range.is_empty() {
            self.ops.push(Op::insert(
                old_range.start,
                new_range.start,
                new_range.len(),
            ));
        } else if let Some((old_split, new_split)) =
            self.middle_snake(old_range.clone(), new_range.clone())
        {
            self.conquer(old_range.start..old_split, new_range.start..new_split);
            self.conquer(old_split..old_range.end, new_split..new_range.end);
        } else {
            self.ops.push(Op::delete(
                old_range.start,
                old_range.len(),
                new_range.start,
            ));
            self.ops.push(Op::insert(
                old_range.start,
                new_range.start,
                new_range.len(),
            ));
        }

        if suffix > 0 {
            self.ops.push(Op::equal(suffix_at.0, suffix_at.1, suffix));
        }
    }

    /// Where the middle snake of an optimal path starts (forward) or ends
    /// (backward), as `similar`'s `find_middle_snake` finds it in exact
    /// mode.
    fn middle_snake(
        &mut self,
        old_range: Range<usize>,
        new_range: Range<usize>,
    ) -> Option<(usize, usize)> {
        let (n, m) = (old_range.len(), new_range.len());
        let delta = n as isize - m as isize;
        let odd = delta & 1 == 1;
        let at = |k: isize| (k + self.offset as isize) as usize;
        self.forward[at(1)] = 0;
        self.backward[at(1)] = 0;
        for d in 0..max_d(n, m) as isize {
            let mut k = d;
            while k >= -d {
                let vf = &self.forward;
                let mut x = if k == -d || (k != d && vf[at(k - 1)] < vf[at(k + 1)]) {
                    vf[at(k + 1)]
                } else {
                    vf[at(k - 1)] + 1
                };
                let y = (x as isize - k) as usize;
                let (x0, y0) = (x, y);
                if x < n && y < m {
                    x += common_prefix(
                        self.old,
                        old_range.start + x..old_range.end,
                        self.new,
                        new_range.start + y..new_range.end,
                    );
                }
                self.forward[at(k)] = x;
                if odd && (k - delta).abs() < d && x + self.backward[at(-(k - delta))] >= n {
                    return Some((x0 + old_range.start, y0 + new_range.start));
                }
                k -= 2;
            }

            let mut k = d;
            while k >= -d {
                let vb = &self.backward;
                let mut x = if k == -d || (k != d && vb[at(k - 1)] < vb[at(k + 1)]) {
                    vb[at(k + 1)]
                } else {
                    vb[at(k - 1)] + 1
                };
                let mut y = (x as isize - k) as usize;
                if x < n && y < m {
                    let advance = common_suffix(
                        self.old,
                        old_range.start..old_range.start + n - x,
                        self.new,
                        new_range.start..new_range.start + m - y,
                    );
                    x += advance;
                    y += advance;
                }
                self.backward[at(k)] = x;
                if !odd && (k - delta).abs() <= d && x + self.forward[at(-(k - delta))] >= n {
                    return Some((n - x + old_range.start, m - y + new_range.start));
                }
                k -= 2;
            }
        }
        None
    }
}

/// `similar`'s `cleanup_diff_ops`: slides each deletion, then each
/// insertion, as far up and then down as equal items allow, merging it
/// with its neighbours of the same kind, and sets the cursors of the ops.
fn compact<T: PartialEq>(old: &[T], new: &[T], ops: &mut Vec<Op>) {
    for tag in [Tag::Delete, Tag::Insert] {
        let mut pointer = 0;
        while let Some(op) = ops.get(pointer) {
            if op.tag == tag {
                pointer = shift_up(old, new, ops, pointer);
                pointer = shift_down(old, new, ops, pointer);
            }
            pointer += 1;
        }
    }
    normalize_cursors(ops);
}

/// Whether the op at `index` exists and is of `tag`.
fn is_at(ops: &[Op], index: Option<usize>, tag: Tag) -> bool {
    index
        .and_then(|i| ops.get(i))
        .is_some_and(|op| op.tag == tag)
}

/// Swaps a deletion and an insertion side by side, as `similar` does.
fn swap_adjacent(ops: &mut [Op], left: usize) {
    let right = left + 1;
    let old_start = ops[left].old;
    let old_end = ops[right].old_range().end;
    let new_start = ops[left].new;
    let new_end = ops[right].new_range().end;
    ops.swap(left, right);
    for (index, old_at, new_at) in [(left, old_start, new_start), (right, old_end, new_end)] {
        match ops[index].tag {
            Tag::Insert => ops[index].old = old_at,
            Tag::Delete => ops[index].new = new_at,
            Tag::Equal => {}
        }
    }
}

/// `similar`'s `shift_diff_ops_up`.
fn shift_up<T: PartialEq>(old: &[T], new: &[T], ops: &mut Vec<Op>, mut pointer: usize) -> usize {
    while let Some(&prev) = pointer.checked_sub(1).and_then(|i| ops.get(i)) {
        let this = ops[pointer];
        match (this.tag, prev.tag) {
            (Tag::Insert | Tag::Delete, Tag::Equal) => {
                if this.tag == Tag::Delete && !is_at(ops, pointer.checked_sub(2), Tag::Delete) {
                    break;
                }
                // An insertion slides past the equal stretch's end in new
                // items, a deletion in old ones.
                let (old_range, new_range) = if this.tag == Tag::Insert {
                    (prev.old_range(), this.new_range())
                } else {
                    (this.old_range(), prev.new_range())
                };
                let suffix = common_suffix(old, old_range.clone(), new, new_range.clone());
                if suffix > 0 {
                    if is_at(ops, Some(pointer + 1), Tag::Equal) {
                        ops[pointer + 1].grow_left(suffix);
                    } else {
                        let equal =
                            Op::equal(old_range.end - suffix, new_range.end - suffix, suffix);
                        ops.insert(pointer + 1, equal);
                    }
                    ops[pointer].shift_left(suffix);
                    ops[pointer - 1].shrink_left(suffix);
                    if ops[pointer - 1].is_empty() {
                        ops.remove(pointer - 1);
                        pointer -= 1;
                    }
                } else if ops[pointer - 1].is_empty() {
                    ops.remove(pointer - 1);
                    pointer -= 1;
                } else {
                    break;
                }
            }
            (Tag::Insert, Tag::Delete) | (Tag::Delete, Tag::Insert) => {
                swap_adjacent(ops, pointer - 1);
                pointer -= 1;
            }
            (Tag::Insert, Tag::Insert) | (Tag::Delete, Tag::Delete) => {
                let len = this.old_len.max(this.new_len);
                ops[pointer - 1].grow_right(len);
                ops.remove(pointer);
                pointer -= 1;
            }
            // Only deletions and insertions are shifted.
            (Tag::Equal, _) => break,
        }
    }
    pointer
}

/// `similar`'s `shift_diff_ops_down`.
fn shift_down<T: PartialEq>(old: &[T], new: &[T], ops: &mut Vec<Op>, mut pointer: usize) -> usize {
    while let Some(&next) = ops.get(pointer + 1) {
        let this = ops[pointer];
        match (this.tag, next.tag) {
            (Tag::Insert | Tag::Delete, Tag::Equal) => {
                if this.tag == Tag::Delete && !is_at(ops, Some(pointer + 2), Tag::Delete) {
                    break;
                }
                let (old_range, new_range) = if this.tag == Tag::Insert {
                    (next.old_range(), this.new_range())
                } else {
                    (this.old_range(), next.new_range())
                };
                let prefix = common_prefix(old, old_range.clone(), new, new_range.clone());
                if prefix > 0 {
                    if is_at(ops, pointer.checked_sub(1), Tag::Equal) {
                        ops[pointer - 1].grow_right(prefix);
                    } else {
                        // At the moved op's own new index, as `similar` has it.
                        let equal = Op::equal(old_range.start, this.new, prefix);
                        ops.insert(pointer, equal);
                        pointer += 1;
                    }
                    ops[pointer].shift_right(prefix);
                    ops[pointer + 1].shrink_right(prefix);
                    if ops[pointer + 1].is_empty() {
                        ops.remove(pointer + 1);
                    }
                } else if ops[pointer + 1].is_empty() {
                    ops.remove(pointer + 1);
                } else {
                    break;
                }
            }
            (Tag::Insert, Tag::Delete) | (Tag::Delete, Tag::Insert) => {
                swap_adjacent(ops, pointer);
                pointer += 1;
            }
            (Tag::Insert, Tag::Insert) | (Tag::Delete, Tag::Delete) => {
                let len = next.old_len.max(next.new_len);
                ops[pointer].grow_right(len);
                ops.remove(pointer + 1);
            }
            (Tag::Equal, _) => break,
        }
    }
    pointer
}

/// `similar`'s `normalize_diff_op_cursors`: a deletion's new index and an
/// insertion's old index are where the other side stands there.
fn normalize_cursors(ops: &mut [Op]) {
    let (mut old_cursor, mut new_cursor) = ops.first().map_or((0, 0), |op| (op.old, op.new));
    for op in ops {
        match op.tag {
            Tag::Equal => {}
            Tag::Delete => op.new = new_cursor,
            Tag::Insert => op.old = old_cursor,
        }
        old_cursor = op.old + op.old_len;
        new_cursor = op.new + op.new_len;
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use similar::algorithms::{Capture, Compact, myers};
    use similar::{DiffOp, DiffTag};

    use super::*;

    /// Our ops as `similar` writes them.
    fn as_similar(ops: &[Op]) -> Vec<DiffOp> {
        ops.iter()
            .map(|op| match op.tag {
                Tag::Equal => DiffOp::Equal {
                    old_index: op.old,
                    new_index: op.new,
                    len: op.old_len,
                },
                Tag::Delete => DiffOp::Delete {
                    old_index: op.old,
                    old_len: op.old_len,
                    new_index: op.new,
                },
                Tag::Insert => DiffOp::Insert {
                    old_index: op.old,
                    new_index: op.new,
                    new_len: op.new_len,
                },
            })
            .collect()
    }

    /// `similar`'s compacted script, with or without its heuristics.
    fn similar_script(old: &[u8], new: &[u8], heuristics: bool) -> Vec<DiffOp> {
        let mut hook = Compact::new(Capture::new(), old, new);
        let told = if heuristics {
            myers::diff_deadline(&mut hook, old, 0..old.len(), new, 0..new.len(), None)
        } else {
            myers::diff_deadline_raw(&mut hook, old, 0..old.len(), new, 0..new.len(), None)
        };
        assert!(told.is_ok());
        hook.into_inner().into_ops()
    }

    /// Whether `ops` rebuild `new` from `old`.
    fn rebuilds(old: &[u8], new: &[u8], ops: &[DiffOp]) -> bool {
        let mut rebuilt = Vec::new();
        for op in ops {
            match op.tag() {
                DiffTag::Equal => {
                    if old[op.old_range()] != new[op.new_range()] {
                        return false;
                    }
                    rebuilt.extend_from_slice(&old[op.old_range()]);
                }
                DiffTag::Insert | DiffTag::Replace => {
                    rebuilt.extend_from_slice(&new[op.new_range()]);
                }
                DiffTag::Delete => {}
            }
        }
        rebuilt == new
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2_000))]

        /// Short sequences over a few letters, which tie often: the
        /// scripts are `similar`'s, op for op, and rebuild the new side.
        #[test]
        fn short_scripts_are_similars(
            old in proptest::collection::vec(0u8..4, 0..40),
            new in proptest::collection::vec(0u8..4, 0..40),
        ) {
            let ours = compacted(&old, &new).map(|ops| as_similar(&ops));
            prop_assert_eq!(ours.as_ref(), Some(&similar_script(&old, &new, true)));
            prop_assert_eq!(ours.as_ref(), Some(&similar_script(&old, &new, false)));
            prop_assert!(rebuilds(&old, &new, &similar_script(&old, &new, true)));
        }

        /// A sequence and a few edits of it, as steps and their makes
        /// differ: long equal stretches around the changes.
        #[test]
        fn edited_sequences_are_similars(
            old in proptest::collection::vec(0u8..12, 0..200),
            edits in proptest::collection::vec((0usize..200, 0u8..3, 0u8..12), 0..8),
        ) {
            let mut new = old.clone();
            for (at, kind, item) in edits {
                let at = at.min(new.len());
                match kind {
                    0 => new.insert(at, item),
                    1 if at < new.len() => { new.remove(at); }
                    _ if at < new.len() => new[at] = item,
                    _ => new.push(item),
                }
            }
            // Edits far apart leave middles over the regime: those are
            // `similar`'s to diff, and refused here.
            if let Some(ops) = compacted(&old, &new) {
                prop_assert_eq!(as_similar(&ops), similar_script(&old, &new, true));
            }
        }
    }

    /// At the regime's edge (a shorter side of 96 items, 500 in all, little
    /// in common) the script is still `similar`'s; one item more on either
    /// bound is left to it.
    #[test]
    fn the_regime_edge_is_exact_and_beyond_it_is_refused() {
        let old: Vec<u8> = (0..96).map(|i| (i % 7) as u8).collect();
        let new: Vec<u8> = (0..404).map(|i| (i % 5) as u8 + 3).collect();
        let ours = compacted(&old, &new).map(|ops| as_similar(&ops));
        assert_eq!(ours, Some(similar_script(&old, &new, true)));

        let longer: Vec<u8> = (0..405).map(|i| (i % 5) as u8 + 3).collect();
        assert_eq!(compacted(&old, &longer), None);
        let wider: Vec<u8> = (0..97).map(|i| (i % 7) as u8).collect();
        assert_eq!(compacted(&wider, &new[..200]), None);
    }

    #[test]
    fn a_common_prefix_and_suffix_cost_nothing_against_the_regime() {
        let old: Vec<u16> = (0..2_000).collect();
        let mut new = old.clone();
        new.insert(1_000, 9_999);
        let ops = compacted(&old, &new).expect("one insertion is in the regime");
        assert_eq!(ops.len(), 3);
        assert_eq!(ops[1], Op::insert(1_000, 1_000, 1));
    }
}
