//! Lists read a page at a time, so no answer grows with the data.

/// How much of a list to read, and where the last page ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageRequest<K> {
    /// At most this many items; a store may answer fewer, and a page
    /// without [`Page::next`] is the last.
    pub limit: usize,
    /// Continue after this key: the [`Page::next`] of the page before.
    pub after: Option<K>,
}

impl<K> PageRequest<K> {
    /// The most a page may hold, whatever is asked.
    pub const MAX_LIMIT: usize = 500;

    /// The first page of at most `limit` items (at least one, at most
    /// [`Self::MAX_LIMIT`]).
    pub fn first(limit: usize) -> Self {
        PageRequest {
            limit: limit.clamp(1, Self::MAX_LIMIT),
            after: None,
        }
    }

    /// The page of at most `limit` items after `after`.
    pub fn after(limit: usize, after: Option<K>) -> Self {
        PageRequest {
            after,
            ..Self::first(limit)
        }
    }
}

/// One page of a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T, K> {
    /// The items, in the list's order.
    pub items: Vec<T>,
    /// Where the next page starts; `None` on the last page.
    pub next: Option<K>,
}

impl<T, K> Page<T, K> {
    /// The page of `items` in list order, read with `limit`: the next page
    /// starts after the last item's key (`key`) when the page is full.
    /// A store that read `limit + 1` items to learn whether more follow
    /// passes them all; the extra one is dropped.
    pub fn from_items(mut items: Vec<T>, limit: usize, key: impl Fn(&T) -> K) -> Self {
        let more = items.len() > limit;
        items.truncate(limit);
        let next = if more { items.last().map(key) } else { None };
        Page { items, next }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_knows_whether_more_follow() {
        let page = Page::from_items(vec![1, 2, 3], 2, |n| *n);
        assert_eq!((page.items, page.next), (vec![1, 2], Some(2)));
        let last = Page::from_items(vec![3], 2, |n| *n);
        assert_eq!((last.items, last.next), (vec![3], None));
        assert_eq!(PageRequest::<i64>::first(0).limit, 1);
        assert_eq!(PageRequest::<i64>::first(10_000).limit, 500);
    }
}
