//! Updates grouped by agent id, so that a phase can apply them in one sequential pass over the
//! agents instead of one random lookup each.
//!
//! Looking an agent up by id costs three dependent memory accesses (the roster, the entity's
//! location, its row), which at 10^5 agents are cache misses; a pass over the components in
//! storage order costs a fraction of one per agent. [`ByAgent`] is a stable counting sort of
//! `(agent id, update)` pairs: the updates of each agent stay in the order they were made, so
//! applying them agent by agent gives the same floating-point results, bit for bit, as applying
//! them in their original order.

/// `(agent id, update)` pairs grouped by id, each group in the order the updates were made.
#[derive(Debug, Clone)]
pub struct ByAgent<T> {
    /// `start[id]..start[id + 1]` are agent `id`'s updates in `items` (empty: none at all).
    start: Vec<u32>,
    /// The agent of each update in `items`, so that the runs are found without a pass over
    /// every id.
    ids: Vec<u32>,
    items: Vec<T>,
}

impl<T> Default for ByAgent<T> {
    fn default() -> Self {
        ByAgent {
            start: Vec::new(),
            ids: Vec::new(),
            items: Vec::new(),
        }
    }
}

impl<T: Copy + Default> ByAgent<T> {
    /// Groups `updates` (ids below `n`) by id, keeping their order within each id. The buffers
    /// are reused from call to call.
    pub fn group(&mut self, n: usize, updates: &[(u32, T)]) {
        self.start.clear();
        self.ids.clear();
        self.items.clear();
        if updates.is_empty() {
            return; // `of` finds no start: every agent has none
        }
        // Counts, then their running sum: `start[id]` ends agent `id`'s group.
        self.start.resize(n + 1, 0);
        for &(id, _) in updates {
            self.start[id as usize] += 1;
        }
        let mut sum = 0;
        for s in &mut self.start {
            sum += *s;
            *s = sum;
        }
        // Placed backwards, each group's end walks back to its start: then `start[id]` starts
        // agent `id`'s group and `start[id + 1]` ends it.
        self.ids.resize(updates.len(), 0);
        self.items.resize(updates.len(), T::default());
        for &(id, x) in updates.iter().rev() {
            let at = &mut self.start[id as usize];
            *at -= 1;
            self.ids[*at as usize] = id;
            self.items[*at as usize] = x;
        }
    }

    /// Agent `id`'s updates, in the order they were made (none for an id not grouped).
    #[inline]
    pub fn of(&self, id: u32) -> &[T] {
        let i = id as usize;
        match (self.start.get(i), self.start.get(i + 1)) {
            (Some(&a), Some(&b)) => &self.items[a as usize..b as usize],
            _ => &[],
        }
    }

    /// Each agent with updates, ascending, with its updates in the order they were made: a
    /// walk through the agents' storage in one direction (in time proportional to the updates,
    /// not to the agents).
    pub fn runs(&self) -> impl Iterator<Item = (u32, &[T])> + '_ {
        let mut at = 0;
        std::iter::from_fn(move || {
            let id = *self.ids.get(at)?;
            // `start[id + 1]` starts the next id's group: it ends this one.
            let end = self.start[id as usize + 1] as usize;
            let run = (id, &self.items[at..end]);
            at = end;
            Some(run)
        })
    }

    /// Whether there is no update at all.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::ByAgent;

    #[test]
    fn groups_by_id_and_keeps_order_within_each() {
        let mut g = ByAgent::default();
        let updates = [(2, 'a'), (0, 'b'), (2, 'c'), (3, 'd'), (0, 'e'), (2, 'f')];
        g.group(5, &updates);
        assert_eq!(g.of(0), &['b', 'e']);
        assert_eq!(g.of(1), &[] as &[char]);
        assert_eq!(g.of(2), &['a', 'c', 'f']);
        assert_eq!(g.of(3), &['d']);
        assert_eq!(g.of(4), &[] as &[char]);
        assert_eq!(g.of(9), &[] as &[char]);
        let runs: Vec<(u32, Vec<char>)> = g.runs().map(|(id, u)| (id, u.to_vec())).collect();
        assert_eq!(
            runs,
            [
                (0, vec!['b', 'e']),
                (2, vec!['a', 'c', 'f']),
                (3, vec!['d'])
            ]
        );
        // Reused: the old groups are gone.
        g.group(2, &[(1, 'x')]);
        assert_eq!(g.of(0), &[] as &[char]);
        assert_eq!(g.of(1), &['x']);
        assert_eq!(g.of(2), &[] as &[char]);
        g.group(0, &[]);
        assert!(g.is_empty() && g.of(0).is_empty());
    }

    #[test]
    fn sums_per_agent_equal_those_in_the_original_order() {
        // Floating-point sums depend on order: grouping must not change any agent's.
        let updates: Vec<(u32, f64)> = (0..1000u32)
            .map(|i| {
                (
                    (i * 7919) % 13,
                    1.0 / f64::from(i + 1) * 1e6f64.powi((i % 3) as i32),
                )
            })
            .collect();
        let mut direct = [0.0f64; 13];
        for &(id, x) in &updates {
            direct[id as usize] += x;
        }
        let mut g = ByAgent::default();
        g.group(13, &updates);
        for (id, d) in direct.iter().enumerate() {
            let mut s = 0.0;
            for &x in g.of(id as u32) {
                s += x;
            }
            assert_eq!(s.to_bits(), d.to_bits());
        }
    }
}
