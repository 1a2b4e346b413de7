//! The candidates of the ranking policies (`best_skill`, `reputation`), ranked lazily: as deep
//! as picking goes, and no deeper.
//!
//! Each candidate is one integer, [`rank`], whose ascending order is the ranking's (key
//! descending, then id ascending): selecting and sorting compare integers. A ranking is built
//! per tick from the agents with room; it sorts the top `demand` at once (select, then sort the
//! selected) and sorts further only when picking reaches past them.

/// Agent `id` with `key` as one integer whose ascending order is the ranking's: `key`
/// descending (in `f64::total_cmp`'s order), then `id` ascending. Ids are distinct, so the order
/// is total, and sorting integers compares in one step what `(key, id)` compared in several.
#[inline]
pub fn rank(key: f64, id: u32) -> u128 {
    // `total_cmp`'s order as an unsigned integer: flip every bit of a negative number, the sign
    // bit of a positive one; then reverse it, for descending keys.
    let bits = key.to_bits();
    let ordered = if bits >> 63 == 1 {
        !bits
    } else {
        bits | 1 << 63
    };
    u128::from(!ordered) << 32 | u128::from(id)
}

/// The agent of a [`rank`].
#[inline]
pub fn ranked_id(rank: u128) -> u32 {
    rank as u32
}

/// Agents ranked by a key (descending, ties by id), sorted lazily: only as deep as needed.
#[derive(Debug)]
pub struct Ranked {
    /// [`rank`]s: ascending is the ranking's order.
    items: Vec<u128>,
    /// The first `sorted` items are the top ones, in order.
    sorted: usize,
    /// Every item before `start` has no room left this tick.
    start: usize,
}

impl Ranked {
    /// Ranks `items`, sorting the top `depth` (the expected demand) at once; deeper ranks are
    /// sorted only if picking reaches them.
    pub fn new(items: Vec<u128>, depth: usize) -> Self {
        let mut ranked = Ranked {
            items,
            sorted: 0,
            start: 0,
        };
        if depth > 0 {
            ranked.ensure(depth);
        }
        ranked
    }

    /// Makes sure the first `n` items (or all there are) are the top `n`, in order.
    fn ensure(&mut self, n: usize) {
        let n = n.min(self.items.len());
        if n <= self.sorted {
            return;
        }
        let rest = &mut self.items[self.sorted..];
        let k = n - self.sorted;
        if k < rest.len() {
            rest.select_nth_unstable(k - 1);
        }
        rest[..k].sort_unstable();
        self.sorted = n;
    }

    /// Appends to `out` the first `r` agents in rank order that have room (`free` by id).
    pub fn pick(&mut self, r: usize, free: &[u32], out: &mut Vec<u32>) {
        let mut i = self.start;
        let mut front = true;
        while out.len() < r {
            if i >= self.sorted {
                self.ensure((self.sorted * 2).max(self.sorted + 2 * r + 16));
                if i >= self.sorted {
                    break; // every candidate was walked
                }
            }
            let id = ranked_id(self.items[i]);
            if free[id as usize] > 0 {
                out.push(id);
                front = false;
            } else if front {
                self.start = i + 1;
            }
            i += 1;
        }
    }

    /// The buffer, for the next tick.
    pub fn into_items(self) -> Vec<u128> {
        self.items
    }
}

#[cfg(test)]
mod tests {
    use super::{Ranked, rank, ranked_id};

    #[test]
    fn ranks_order_as_key_descending_then_id() {
        // Against the comparison they replace, on keys with every sign, zeros, ties, infinities
        // and NaNs.
        let keys = [
            0.5,
            0.25,
            0.5,
            -0.0,
            0.0,
            -1.5,
            1.0,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
            -f64::NAN,
            1e-300,
            -1e-300,
            0.75,
        ];
        let items: Vec<(f64, u32)> = keys
            .iter()
            .enumerate()
            .map(|(i, &k)| (k, 13 - i as u32))
            .collect();
        let mut want = items.clone();
        want.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let mut got: Vec<u128> = items.iter().map(|&(k, id)| rank(k, id)).collect();
        got.sort_unstable();
        let ids: Vec<u32> = got.into_iter().map(ranked_id).collect();
        assert_eq!(ids, want.iter().map(|w| w.1).collect::<Vec<_>>());
    }

    #[test]
    fn picks_walk_the_full_ranking() {
        // 200 agents with pseudo-random keys, a third without room: picking r at a time, from a
        // ranking sorted only 7 deep at first, walks the agents with room in the order of a full
        // sort.
        let n = 200u32;
        let key = |id: u32| f64::from(id.wrapping_mul(2_654_435_761) % 1000) / 1000.0;
        let mut full: Vec<u128> = (0..n).map(|id| rank(key(id), id)).collect();
        let mut ranked = Ranked::new(full.clone(), 7);
        full.sort_unstable();
        let mut free: Vec<u32> = (0..n).map(|id| u32::from(id % 3 != 0)).collect();
        let (mut got, mut chosen) = (Vec::new(), Vec::new());
        loop {
            chosen.clear();
            ranked.pick(3, &free, &mut chosen);
            if chosen.is_empty() {
                break;
            }
            for &id in &chosen {
                free[id as usize] -= 1;
            }
            got.extend_from_slice(&chosen);
        }
        let want: Vec<u32> = full
            .iter()
            .map(|&r| ranked_id(r))
            .filter(|id| id % 3 != 0)
            .collect();
        assert_eq!(got, want);
    }
}
