//! What each side did to a list, read from its diff, and the merged order.

use crate::changes::ListEdit;
use crate::diff::anchored;

/// Where an item of the merged list comes from: the same BASE item on
/// both sides, or an addition of one side (an addition both sides made
/// alike counts as OURS's).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Origin {
    /// The BASE item at this position.
    Base(usize),
    /// OURS's addition at this position of OURS's list.
    Ours(usize),
    /// THEIRS's addition at this position of THEIRS's list.
    Theirs(usize),
}

/// A set of [`Origin`]s, one flag per position of each list: every
/// origin is a small index, so this answers without hashing, which a
/// merge of long lists would otherwise spend most of its own time on.
#[derive(Debug, Default)]
pub(super) struct OriginSet {
    base: Vec<bool>,
    ours: Vec<bool>,
    theirs: Vec<bool>,
}

impl OriginSet {
    fn flags(&self, origin: Origin) -> (&[bool], usize) {
        match origin {
            Origin::Base(at) => (&self.base, at),
            Origin::Ours(at) => (&self.ours, at),
            Origin::Theirs(at) => (&self.theirs, at),
        }
    }

    /// Whether the set holds `origin`.
    pub(super) fn contains(&self, origin: &Origin) -> bool {
        let (flags, at) = self.flags(*origin);
        flags.get(at).copied().unwrap_or(false)
    }

    /// Adds `origin`.
    pub(super) fn insert(&mut self, origin: Origin) {
        let (flags, at) = match origin {
            Origin::Base(at) => (&mut self.base, at),
            Origin::Ours(at) => (&mut self.ours, at),
            Origin::Theirs(at) => (&mut self.theirs, at),
        };
        if flags.len() <= at {
            flags.resize(at + 1, false);
        }
        flags[at] = true;
    }
}

impl FromIterator<Origin> for OriginSet {
    fn from_iter<I: IntoIterator<Item = Origin>>(origins: I) -> Self {
        let mut set = OriginSet::default();
        for origin in origins {
            set.insert(origin);
        }
        set
    }
}

/// How one side's list relates to BASE's, item by item.
#[derive(Debug)]
pub(super) struct Correspondence {
    /// For each BASE item, its position in the side's list; `None` when
    /// the side removed it.
    pub(super) to_side: Vec<Option<usize>>,
    /// For each item of the side, the BASE item it stands for; `None` for
    /// an addition.
    pub(super) to_base: Vec<Option<usize>>,
    /// BASE items the side replaced by another thing (substitutions).
    pub(super) substituted: Vec<bool>,
    /// BASE items the side lists out of BASE's order: those outside the
    /// longest run that keeps it.
    pub(super) moved: Vec<bool>,
}

impl Correspondence {
    /// Reads the correspondence from a diff's list edits, the way
    /// [`apply`](crate::apply) places them: edited items at their new
    /// positions, every BASE item no edit mentions in the free slots, in
    /// order.
    pub(super) fn new<'a, T: 'a>(
        base_len: usize,
        side_len: usize,
        edits: impl Iterator<Item = ListEdit<'a, T>>,
    ) -> Self {
        let mut to_side = vec![None; base_len];
        let mut to_base = vec![None; side_len];
        let mut substituted = vec![false; base_len];
        let mut mentioned = vec![false; base_len];
        let mut placed = vec![false; side_len];
        for edit in edits {
            match edit {
                ListEdit::Add { make_index, .. } => {
                    if let Some(slot) = placed.get_mut(make_index) {
                        *slot = true;
                    }
                }
                ListEdit::Remove { original_index, .. } => {
                    if let Some(slot) = mentioned.get_mut(original_index) {
                        *slot = true;
                    }
                }
                ListEdit::Replace {
                    original_index,
                    make_index,
                    same_item,
                    ..
                } => {
                    if original_index < base_len && make_index < side_len {
                        mentioned[original_index] = true;
                        placed[make_index] = true;
                        to_side[original_index] = Some(make_index);
                        to_base[make_index] = Some(original_index);
                        substituted[original_index] = !same_item;
                    }
                }
            }
        }
        let kept = (0..base_len).filter(|&b| !mentioned[b]);
        let free = (0..side_len).filter(|&s| !placed[s]);
        for (b, s) in kept.zip(free) {
            to_side[b] = Some(s);
            to_base[s] = Some(b);
        }
        let mut correspondence = Correspondence {
            to_side,
            to_base,
            substituted,
            moved: Vec::new(),
        };
        correspondence.find_moves();
        correspondence
    }

    fn find_moves(&mut self) {
        let pairs: Vec<(usize, usize)> = self
            .to_side
            .iter()
            .enumerate()
            .filter_map(|(b, s)| s.map(|s| (b, s)))
            .collect();
        self.moved = vec![false; self.to_side.len()];
        for (&(b, _), keep) in pairs.iter().zip(anchored(&pairs)) {
            self.moved[b] = !keep;
        }
    }

    /// Reads the side's item at `s`, which stands in for a BASE item, as
    /// the removal of that item and an addition.
    pub(super) fn detach(&mut self, s: usize) {
        if let Some(b) = self.to_base.get_mut(s).and_then(Option::take) {
            self.to_side[b] = None;
            self.substituted[b] = false;
            self.find_moves();
        }
    }

    /// The side's list as origins: BASE items by their BASE position, the
    /// side's additions by `added`.
    pub(super) fn origins(&self, added: impl Fn(usize) -> Origin) -> Vec<Origin> {
        self.to_base
            .iter()
            .enumerate()
            .map(|(s, b)| b.map_or_else(|| added(s), Origin::Base))
            .collect()
    }
}

/// The merged order of the items that survive: OURS's order, with
/// THEIRS's moves and additions placed after the item THEIRS has before
/// them. A new item placed where OURS added something goes after OURS's
/// additions there, so two additions at one place are both kept, OURS's
/// first.
///
/// `theirs_move(b)`: whether THEIRS's place for BASE item `b` wins (THEIRS
/// moved it and OURS did not).
///
/// When OURS is BASE, the result is THEIRS's order exactly: the items
/// THEIRS did not move keep BASE's order, which is THEIRS's, and each
/// placed item goes right after its predecessor in THEIRS, itself
/// already in place.
pub(super) fn merged_order(
    ours: &[Origin],
    theirs: &[Origin],
    survives: impl Fn(Origin) -> bool,
    theirs_move: impl Fn(usize) -> bool,
) -> Vec<Origin> {
    let mut merged: Vec<Origin> = ours.iter().copied().filter(|&o| survives(o)).collect();
    let mut present: OriginSet = merged.iter().copied().collect();
    for (at, &origin) in theirs.iter().enumerate() {
        let place = match origin {
            Origin::Theirs(_) => survives(origin),
            Origin::Base(b) => theirs_move(b) && present.contains(&origin),
            Origin::Ours(_) => false,
        };
        if !place {
            continue;
        }
        if let Some(current) = merged.iter().position(|&o| o == origin) {
            merged.remove(current);
        }
        let before = theirs
            .get(..at)
            .unwrap_or_default()
            .iter()
            .rev()
            .find(|o| **o != origin && present.contains(o));
        let mut index = before
            .and_then(|b| merged.iter().position(|o| o == b))
            .map_or(0, |i| i + 1);
        while merged
            .get(index)
            .is_some_and(|o| matches!(o, Origin::Ours(_)))
        {
            index += 1;
        }
        merged.insert(index, origin);
        present.insert(origin);
    }
    merged
}

/// The nearest item before `origin` in `list` that `other` lists too:
/// where a side put an item, in terms both sides share.
pub(super) fn shared_predecessor(
    list: &[Origin],
    origin: Origin,
    other: &OriginSet,
) -> Option<Origin> {
    let at = list.iter().position(|&o| o == origin)?;
    list.get(..at)?
        .iter()
        .rev()
        .find(|o| other.contains(o))
        .copied()
}

#[cfg(test)]
mod tests {
    use super::Origin::{Base, Ours, Theirs};
    use super::*;

    #[test]
    fn theirs_alone_gives_theirs_order() {
        let base = [Base(0), Base(1), Base(2), Base(3)];
        // THEIRS drops 1, moves 3 to the front, adds one after 0.
        let theirs = [Base(3), Base(0), Theirs(2), Base(2)];
        let merged = merged_order(&base, &theirs, |o| o != Base(1), |b| b == 3);
        assert_eq!(merged, theirs);
    }

    #[test]
    fn additions_at_one_place_are_both_kept_ours_first() {
        let ours = [Base(0), Ours(1), Base(1)];
        let theirs = [Base(0), Theirs(1), Base(1)];
        let merged = merged_order(&ours, &theirs, |_| true, |_| false);
        assert_eq!(merged, [Base(0), Ours(1), Theirs(1), Base(1)]);
    }

    #[test]
    fn a_move_of_theirs_lands_after_its_predecessor() {
        let ours = [Base(0), Base(1), Base(2)];
        let theirs = [Base(1), Base(2), Base(0)];
        let merged = merged_order(&ours, &theirs, |_| true, |b| b == 0);
        assert_eq!(merged, [Base(1), Base(2), Base(0)]);
        let shared: OriginSet = ours.iter().copied().collect();
        assert_eq!(shared_predecessor(&theirs, Base(0), &shared), Some(Base(2)));
        assert_eq!(shared_predecessor(&ours, Base(0), &shared), None);
    }
}
