//! Cooperative games: a number of players and the value of every coalition.

/// A set of players `0..n`, as a bit set.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Coalition {
    words: Vec<u64>,
}

impl Coalition {
    /// The empty coalition of a game with `n` players.
    pub fn empty(n: usize) -> Self {
        Coalition {
            words: vec![0; n.div_ceil(64).max(1)],
        }
    }

    /// The grand coalition `{0, ..., n-1}`.
    pub fn all(n: usize) -> Self {
        let mut c = Self::empty(n);
        for i in 0..n {
            c.insert(i);
        }
        c
    }

    /// The coalition whose members are the set bits of `mask` (games of at most 64 players).
    pub fn from_mask(mask: u64) -> Self {
        Coalition { words: vec![mask] }
    }

    /// Whether player `i` is a member.
    #[inline]
    pub fn contains(&self, i: usize) -> bool {
        self.words
            .get(i / 64)
            .is_some_and(|w| w >> (i % 64) & 1 == 1)
    }

    /// Adds player `i`.
    pub fn insert(&mut self, i: usize) {
        if self.words.len() <= i / 64 {
            self.words.resize(i / 64 + 1, 0);
        }
        self.words[i / 64] |= 1 << (i % 64);
    }

    /// Removes player `i`.
    pub fn remove(&mut self, i: usize) {
        if let Some(w) = self.words.get_mut(i / 64) {
            *w &= !(1 << (i % 64));
        }
    }

    /// The number of members.
    pub fn len(&self) -> usize {
        self.words.iter().map(|w| w.count_ones() as usize).sum()
    }

    /// Whether there are no members.
    pub fn is_empty(&self) -> bool {
        self.words.iter().all(|&w| w == 0)
    }
}

/// A cooperative game with transferable utility.
pub trait Game {
    /// The number of players.
    fn players(&self) -> usize;
    /// The value `v(S)` of coalition `S`; `v(∅)` should be 0.
    fn value(&self, coalition: &Coalition) -> f64;
}

/// A game given by the value of every coalition, indexed by bit mask (at most 30 players).
#[derive(Debug, Clone, PartialEq)]
pub struct TableGame {
    n: usize,
    values: Vec<f64>,
}

impl TableGame {
    /// A game of `n` players whose coalition `mask` has value `f(mask)`.
    pub fn from_fn(n: usize, f: impl Fn(u64) -> f64) -> Self {
        assert!(n <= 30, "a table game holds at most 30 players");
        TableGame {
            n,
            values: (0..1u64 << n).map(f).collect(),
        }
    }
}

impl Game for TableGame {
    fn players(&self) -> usize {
        self.n
    }
    fn value(&self, coalition: &Coalition) -> f64 {
        let mask = (0..self.n)
            .filter(|&i| coalition.contains(i))
            .fold(0u64, |m, i| m | 1 << i);
        self.values[mask as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coalitions_are_sets() {
        let mut c = Coalition::all(70);
        assert_eq!(c.len(), 70);
        c.remove(65);
        assert!(!c.contains(65) && c.contains(64) && c.contains(0));
        assert_eq!(c.len(), 69);
        assert!(Coalition::empty(3).is_empty());
        let g = TableGame::from_fn(3, |m| m.count_ones() as f64);
        assert_eq!(g.value(&Coalition::from_mask(0b101)), 2.0);
    }
}
