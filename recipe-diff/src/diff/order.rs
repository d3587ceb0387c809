//! Which matched items keep their relative order.

/// For pairs `(original, make)` sorted by original index, marks the largest
/// set whose make indices also ascend (a longest increasing subsequence).
/// Those can be left unmentioned in a diff; the rest moved.
pub(crate) fn anchored(pairs: &[(usize, usize)]) -> Vec<bool> {
    // Nearly always nothing moved: every pair keeps its place, found in
    // one pass without the search below.
    if pairs.windows(2).all(|w| w[0].1 < w[1].1) {
        return vec![true; pairs.len()];
    }
    // Patience sorting: `tails[k]` is the pair index ending the best run of
    // length k + 1; `previous` links each pair to the one before it.
    let mut tails: Vec<usize> = Vec::new();
    let mut previous: Vec<Option<usize>> = vec![None; pairs.len()];
    for (i, &(_, make)) in pairs.iter().enumerate() {
        // Most pairs extend the best run so far (few items move): test
        // that before searching.
        let at = match tails.last() {
            Some(&last) if pairs[last].1 >= make => tails.partition_point(|&t| pairs[t].1 < make),
            _ => tails.len(),
        };
        previous[i] = at.checked_sub(1).map(|p| tails[p]);
        if at == tails.len() {
            tails.push(i);
        } else {
            tails[at] = i;
        }
    }
    let mut keep = vec![false; pairs.len()];
    let mut cursor = tails.last().copied();
    while let Some(i) = cursor {
        keep[i] = true;
        cursor = previous[i];
    }
    keep
}

#[cfg(test)]
mod tests {
    use super::anchored;

    #[test]
    fn keeps_the_longest_ascending_run() {
        assert_eq!(anchored(&[]), Vec::<bool>::new());
        assert_eq!(anchored(&[(0, 0), (1, 1), (2, 2)]), [true; 3]);
        assert_eq!(
            anchored(&[(0, 2), (1, 0), (2, 1)]),
            [false, true, true],
            "moving the first item to the end moves only it"
        );
        assert_eq!(
            anchored(&[(0, 1), (1, 0)]).iter().filter(|k| **k).count(),
            1
        );
    }
}
