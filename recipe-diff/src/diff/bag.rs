//! How alike two steps' word bags are: the words they share, counted
//! through a small hash table rather than by sorting both bags.
//!
//! A bag is the hashes of a step's folded words, in text order. Nearly
//! every bag is compared once or twice (an edited step with the step it
//! replaced), so sorting each bag to merge two, as this did before, cost
//! more than counting through a table built for the one comparison.

/// How alike two word bags are, from 0 to 1: twice the words they share
/// over the words of both (Dice). Order is left to the alignment; spacing
/// and case never count, so `Chop the onion` and `Beat the eggs` share a
/// third, not 60% as spaces counted as words would make it.
pub(super) fn dice(a: &[u64], b: &[u64]) -> f32 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    let (fewer, more) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    (2 * shared_words(fewer, more)) as f32 / (a.len() + b.len()) as f32
}

/// Slots of the smallest table, kept on the stack: bags of up to 32
/// words, most steps'. Each size of table is made empty whole, so the
/// sizes go up by doubling.
const SMALL_TABLE: usize = 64;

/// Slots of the middle table on the stack: bags of up to 64 words.
const MIDDLE_TABLE: usize = 128;

/// Slots of the largest table on the stack: bags of up to 128 words.
const LARGE_TABLE: usize = 256;

/// How many words the two bags share, counting repeats as often as both
/// hold them: the size of their multiset intersection.
fn shared_words(fewer: &[u64], more: &[u64]) -> usize {
    if fewer.is_empty() {
        return 0;
    }
    // At most half full, so a probe ends after a slot or two.
    let slots = 2 * fewer.len();
    if slots <= SMALL_TABLE {
        CountTable::<SMALL_TABLE>::new().shared(fewer, more)
    } else if slots <= MIDDLE_TABLE {
        CountTable::<MIDDLE_TABLE>::new().shared(fewer, more)
    } else if slots <= LARGE_TABLE {
        CountTable::<LARGE_TABLE>::new().shared(fewer, more)
    } else {
        shared_by_merge(fewer, more)
    }
}

/// [`shared_words`] of bags too long for a table on the stack, rare: both
/// sorted, then merged.
fn shared_by_merge(a: &[u64], b: &[u64]) -> usize {
    let (mut a, mut b) = (a.to_vec(), b.to_vec());
    a.sort_unstable();
    b.sort_unstable();
    let (mut i, mut j, mut shared) = (0, 0, 0);
    while let (Some(x), Some(y)) = (a.get(i), b.get(j)) {
        match x.cmp(y) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                shared += 1;
                i += 1;
                j += 1;
            }
        }
    }
    shared
}

/// An open-addressing table of word hashes and their counts, of `N`
/// slots, `N` a power of two: every slot is made empty anyway, so every
/// slot is used, and a slot's index, masked by `N - 1`, is never out of
/// bounds.
struct CountTable<const N: usize> {
    hashes: [u64; N],
    /// Zero for an empty slot, else one more than the copies of its hash
    /// not yet matched: a slot stays taken once its copies are used up,
    /// so the probes of other hashes still run past it.
    counts: [u32; N],
}

impl<const N: usize> CountTable<N> {
    /// Where a probe for a hash starts: its top bits. The top bits of an
    /// FNV hash depend on every byte; its low bits only on the bytes' low
    /// bits.
    const SHIFT: u32 = u64::BITS - N.trailing_zeros();

    fn new() -> Self {
        CountTable {
            hashes: [0; N],
            counts: [0; N],
        }
    }

    fn home(hash: u64) -> usize {
        hash.checked_shr(Self::SHIFT).unwrap_or(0) as usize & (N - 1)
    }

    /// [`shared_words`], `fewer` having at most half as many words as the
    /// table has slots.
    fn shared(&mut self, fewer: &[u64], more: &[u64]) -> usize {
        for &hash in fewer {
            let mut at = Self::home(hash);
            loop {
                if self.counts[at] == 0 {
                    self.hashes[at] = hash;
                    self.counts[at] = 2;
                    break;
                }
                if self.hashes[at] == hash {
                    self.counts[at] = self.counts[at].saturating_add(1);
                    break;
                }
                at = (at + 1) & (N - 1);
            }
        }
        let mut shared = 0;
        for &hash in more {
            let mut at = Self::home(hash);
            while self.counts[at] != 0 {
                if self.hashes[at] == hash {
                    if self.counts[at] > 1 {
                        self.counts[at] -= 1;
                        shared += 1;
                    }
                    break;
                }
                at = (at + 1) & (N - 1);
            }
        }
        shared
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// The shared words, counted word by word.
    fn counted(a: &[u64], b: &[u64]) -> usize {
        let mut left: std::collections::HashMap<u64, usize> = std::collections::HashMap::new();
        for &word in a {
            *left.entry(word).or_default() += 1;
        }
        b.iter()
            .filter(|word| match left.get_mut(word) {
                Some(copies) if *copies > 0 => {
                    *copies -= 1;
                    true
                }
                _ => false,
            })
            .count()
    }

    /// Bags drawn from few words (so they repeat and collide in a table)
    /// spread over the whole range of hashes, the top bits included.
    fn bag(most: usize) -> impl Strategy<Value = Vec<u64>> {
        let word = prop_oneof![
            0u64..12,
            (0u64..12).prop_map(|w| w << 60),
            (0u64..12).prop_map(|w| w.wrapping_mul(0x9E37_79B9_7F4A_7C15)),
            any::<u64>(),
        ];
        prop::collection::vec(word, 0..most)
    }

    proptest! {
        /// Both tables on the stack, and the merge past them, count the
        /// shared words one by one.
        #[test]
        fn shared_words_are_the_multiset_intersection(a in bag(300), b in bag(300)) {
            let expected = counted(&a, &b);
            let (fewer, more) = if a.len() <= b.len() { (&a, &b) } else { (&b, &a) };
            prop_assert_eq!(shared_words(fewer, more), expected);
            if !(a.is_empty() && b.is_empty()) {
                let dice_by_merge = (2 * expected) as f32 / (a.len() + b.len()) as f32;
                prop_assert_eq!(dice(&a, &b), dice_by_merge);
                prop_assert_eq!(dice(&b, &a), dice_by_merge);
            }
        }
    }

    #[test]
    fn repeats_count_as_often_as_both_hold_them() {
        assert_eq!(dice(&[1, 1, 2], &[1, 2, 2]), 2.0 * 2.0 / 6.0);
        assert_eq!(dice(&[], &[]), 1.0);
        assert_eq!(dice(&[5], &[]), 0.0);
        assert_eq!(shared_words(&[7, 7, 7], &[7, 7, 8, 7, 7]), 3);
    }
}
