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

/// How deep the top tier reaches, for a ranking `depth` deep: the next tick lets through about
/// this many candidates, so that picking rarely needs the rest.
fn tier_depth(depth: usize) -> usize {
    4 * depth + 32
}

/// A ranking's top tier as it is built: the ranks at or before its cut, written without a
/// branch into a buffer with room for every candidate.
#[derive(Debug)]
pub struct Tier {
    items: Vec<u128>,
    len: usize,
    cut: u128,
}

impl Tier {
    /// The buffer `items`, emptied, with room for `room` ranks, keeping those at or before
    /// `cut`.
    pub fn new(mut items: Vec<u128>, room: usize, cut: u128) -> Self {
        if items.len() < room {
            items.resize(room, 0);
        }
        Tier { items, len: 0, cut }
    }

    /// Keeps `rank` if it is at or before the cut. It is written either way (there is room),
    /// and only counted if kept: the outcome is random and a branch on it would be mispredicted.
    #[inline]
    pub fn offer(&mut self, rank: u128) {
        self.items[self.len] = rank;
        self.len += usize::from(rank <= self.cut);
    }

    /// The ranking of the tier, sorted `depth` deep ([`Ranked::new`]).
    pub fn rank(self, depth: usize) -> Ranked {
        Ranked::new(self.items, self.len, depth, self.cut)
    }
}

/// Agents ranked by a key (descending, ties by id), sorted lazily: only as deep as needed.
///
/// The candidates may come in two tiers: those whose rank is at most a `cut` (the top tier,
/// ranked at once) and the rest, fetched only if picking walks past the whole top tier. Every
/// top-tier rank is smaller than every other, so picking walks the same order either way; the
/// cut only decides how much is selected and sorted. Each ranking proposes the cut of the next
/// tick's ([`Ranked::next_cut`]): the rank [`tier_depth`] deep in this one, or its own cut.
#[derive(Debug)]
pub struct Ranked {
    /// [`rank`]s in `items[..len]`: ascending is the ranking's order. The rest of the buffer is
    /// spare room.
    items: Vec<u128>,
    len: usize,
    /// The first `sorted` items are the top ones, in order.
    sorted: usize,
    /// The first `selected` items are the top ones, in any order.
    selected: usize,
    /// Every item before `start` has no room left this tick.
    start: usize,
    /// Candidates ranked after `cut` are not in `items` yet (`u128::MAX`: every one is).
    cut: u128,
    /// The cut this ranking proposes for the next tick's.
    next_cut: u128,
}

/// Fetches the candidates ranked after a cut (appending their ranks), when a ranking's top tier
/// runs out.
pub type Rest<'a> = &'a mut dyn FnMut(u128, &mut Vec<u128>);

impl Ranked {
    /// Ranks `items[..len]`, the candidates ranked at or before `cut`, sorting the top `depth`
    /// (the expected demand) at once; deeper ranks are sorted only if picking reaches them.
    fn new(items: Vec<u128>, len: usize, depth: usize, cut: u128) -> Self {
        let mut ranked = Ranked {
            items,
            len,
            sorted: 0,
            selected: 0,
            start: 0,
            cut,
            next_cut: cut,
        };
        if depth > 0 {
            let tier = tier_depth(depth);
            if len > tier {
                ranked.items[..len].select_nth_unstable(tier - 1);
                ranked.selected = tier;
                ranked.next_cut = ranked.items[tier - 1];
            }
            ranked.ensure(depth);
        }
        ranked
    }

    /// The cut for the next tick's ranking: the rank [`tier_depth`] deep in this one when it was
    /// that deep; else this one's cut, unless picking had to go past it (then none, and the next
    /// ranking, whole, proposes one).
    pub fn next_cut(&self) -> u128 {
        self.next_cut
    }

    /// Makes sure the first `n` items (or all there are) are the top `n`, in order.
    fn ensure(&mut self, n: usize) {
        let n = n.min(self.len);
        if n <= self.sorted {
            return;
        }
        if n > self.selected {
            let rest = &mut self.items[self.selected..self.len];
            let k = n - self.selected;
            if k < rest.len() {
                rest.select_nth_unstable(k - 1);
            }
            self.selected = n;
        }
        let part = &mut self.items[self.sorted..self.selected];
        let k = n - self.sorted;
        if k < part.len() {
            part.select_nth_unstable(k - 1);
        }
        part[..k].sort_unstable();
        self.sorted = n;
    }

    /// Sorts further, for picks of `r`: at least twice as deep, and `2 r + 16` deeper.
    fn deepen(&mut self, r: usize) {
        self.ensure((self.sorted * 2).max(self.sorted + 2 * r + 16));
    }

    /// Appends the candidates ranked after the cut, from `rest`; they all rank after every
    /// item already here, so what is selected and sorted stays so.
    fn widen(&mut self, rest: Rest<'_>) {
        self.items.truncate(self.len);
        rest(self.cut, &mut self.items);
        self.len = self.items.len();
        self.cut = u128::MAX;
        self.next_cut = u128::MAX;
    }

    /// Appends to `out` the first `r` agents in rank order that have room (`free` by id),
    /// fetching the candidates after the cut from `rest` if the top tier runs out.
    pub fn pick(&mut self, r: usize, free: &[u32], out: &mut Vec<u32>, rest: Rest<'_>) {
        let mut i = self.start;
        let mut front = true;
        while out.len() < r {
            if i >= self.sorted {
                self.deepen(r);
                if i >= self.sorted && self.cut != u128::MAX {
                    self.widen(&mut *rest);
                    self.deepen(r);
                }
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
    fn picks_walk_the_full_ranking_whatever_the_cut() {
        // 200 agents with pseudo-random keys, a third without room: picking r at a time, from a
        // ranking sorted only 7 deep at first, walks the agents with room in the order of a full
        // sort, whether every candidate is there at once or only a top tier (the rest fetched
        // when picking runs past it), for cuts that let through all, some or none.
        let n = 200u32;
        let key = |id: u32| f64::from(id.wrapping_mul(2_654_435_761) % 1000) / 1000.0;
        let mut full: Vec<u128> = (0..n).map(|id| rank(key(id), id)).collect();
        full.sort_unstable();
        let want: Vec<u32> = full
            .iter()
            .map(|&r| ranked_id(r))
            .filter(|id| id % 3 != 0)
            .collect();
        for cut in [u128::MAX, full[150], full[40], full[3], 0] {
            let mut tier: Vec<u128> = (0..n).map(|id| rank(key(id), id)).collect();
            tier.retain(|&r| r <= cut);
            let len = tier.len();
            tier.resize(n as usize, 0);
            let mut ranked = Ranked::new(tier, len, 7, cut);
            let mut free: Vec<u32> = (0..n).map(|id| u32::from(id % 3 != 0)).collect();
            let (mut got, mut chosen, mut fetched) = (Vec::new(), Vec::new(), 0);
            loop {
                chosen.clear();
                let mut rest = |c: u128, items: &mut Vec<u128>| {
                    fetched += 1;
                    items.extend((0..n).map(|id| rank(key(id), id)).filter(|&r| r > c));
                };
                ranked.pick(3, &free, &mut chosen, &mut rest);
                if chosen.is_empty() {
                    break;
                }
                for &id in &chosen {
                    free[id as usize] -= 1;
                }
                got.extend_from_slice(&chosen);
            }
            assert_eq!(got, want, "cut {cut}");
            assert_eq!(fetched, usize::from(cut != u128::MAX), "cut {cut}");
        }
    }

    #[test]
    fn a_deep_ranking_proposes_the_cut_of_its_top_tier() {
        // 500 candidates, demand 10: the next cut is the rank 4 * 10 + 32 = 72 deep.
        let mut items: Vec<u128> = (0..500u32).map(|id| rank(f64::from(id % 97), id)).collect();
        let ranked = Ranked::new(items.clone(), 500, 10, u128::MAX);
        items.sort_unstable();
        assert_eq!(ranked.next_cut(), items[71]);
        let whole = Ranked::new(items[..50].to_vec(), 50, 10, u128::MAX);
        assert_eq!(whole.next_cut(), u128::MAX);
        // A top tier not that deep keeps its cut, until picking has to go past it.
        let mut tier = Ranked::new(items[..50].to_vec(), 50, 10, items[49]);
        assert_eq!(tier.next_cut(), items[49]);
        let free = vec![1; 500];
        let mut rest = |c: u128, out: &mut Vec<u128>| out.extend(items.iter().filter(|&&r| r > c));
        tier.pick(60, &free, &mut Vec::new(), &mut rest);
        assert_eq!(tier.next_cut(), u128::MAX);
    }
}
