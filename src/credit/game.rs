//! Cooperative games: a number of players and the value of every coalition.
//!
//! A [`Game`] answers `v(S)` for a [`Coalition`] (any number of players) and, for games of at most
//! 64 players, for a bit mask ([`Game::value_mask`], the fast path of exact enumeration). Games with
//! structure can also offer exact Shapley and Banzhaf values in closed form or by dynamic
//! programming ([`Game::shapley_exact`], [`Game::banzhaf_exact`]); mechanisms use those first.
//! [`coalition_table`] enumerates all `2^n` values into one array, refusing before allocating
//! when `n` is above the limit.

use smallvec::{SmallVec, smallvec};

use super::CreditError;
use super::cost::Cost;

/// A set of players `0..n`, as a bit set (inline up to 64 players: building one allocates
/// nothing).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Coalition {
    words: SmallVec<[u64; 1]>,
}

impl Coalition {
    /// The empty coalition of a game with `n` players.
    pub fn empty(n: usize) -> Self {
        Coalition {
            words: smallvec![0; n.div_ceil(64).max(1)],
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
        Coalition {
            words: smallvec![mask],
        }
    }

    /// The bit mask of a coalition of players below 64.
    pub fn mask(&self) -> u64 {
        self.words.first().copied().unwrap_or(0)
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

    /// The value of the coalition whose members are the set bits of `mask` (n ≤ 64). Games
    /// override it to avoid building a [`Coalition`].
    fn value_mask(&self, mask: u64) -> f64 {
        self.value(&Coalition::from_mask(mask))
    }

    /// The exact Shapley value, when the game's structure gives it cheaply (closed form,
    /// dynamic programming); `None` to let mechanisms enumerate or sample.
    fn shapley_exact(&self) -> Option<Vec<f64>> {
        None
    }

    /// The exact raw (unnormalised) Banzhaf index, when the game's structure gives it cheaply.
    fn banzhaf_exact(&self) -> Option<Vec<f64>> {
        None
    }

    /// The steps of one `v(S)` ([`super::cost`]): by default one per player (a pass over the
    /// members); games that look values up in a table say less.
    fn evaluation_steps(&self) -> f64 {
        self.players() as f64
    }

    /// The steps of one [`Game::value_mask`] (the values of a coalition table).
    fn mask_steps(&self) -> f64 {
        self.evaluation_steps()
    }

    /// The cost of [`Game::shapley_exact`], `Some` exactly when it gives a value.
    fn shapley_exact_cost(&self) -> Option<Cost> {
        None
    }

    /// The cost of [`Game::banzhaf_exact`], `Some` exactly when it gives a value.
    fn banzhaf_exact_cost(&self) -> Option<Cost> {
        None
    }

    /// Whether `v` is a cost to be shared (lower is better) rather than a value. Linear
    /// mechanisms do not care; the nucleolus does.
    fn is_cost_game(&self) -> bool {
        false
    }
}

/// The most players whose `2^n` coalition values lamas will enumerate (2^28 values take 2 GiB).
pub const MAX_ENUMERATED_PLAYERS: usize = 28;

/// All coalition values, `t[mask] = v(mask)`, for games of at most `limit` (≤ 28) players.
/// Refuses larger games before allocating anything.
pub fn coalition_table(game: &dyn Game, limit: usize) -> Result<Vec<f64>, CreditError> {
    let n = game.players();
    let limit = limit.min(MAX_ENUMERATED_PLAYERS);
    if n > limit {
        return Err(CreditError::TooLarge { players: n, limit });
    }
    let mut table = vec![0.0; 1 << n];
    tabulate(game, &mut table);
    Ok(table)
}

/// Fills `table` (`2^n` entries for `n` players) with the coalition values, `table[mask] =
/// v(mask)`.
pub(super) fn tabulate(game: &dyn Game, table: &mut [f64]) {
    for (mask, v) in table.iter_mut().enumerate() {
        *v = game.value_mask(mask as u64);
    }
}

/// A game given by the value of every coalition, indexed by bit mask.
#[derive(Debug, Clone, PartialEq)]
pub struct TableGame {
    n: usize,
    values: Vec<f64>,
}

impl TableGame {
    /// A game of `n` (≤ 28) players whose coalition `mask` has value `f(mask)`.
    pub fn from_fn(n: usize, f: impl Fn(u64) -> f64) -> Self {
        assert!(
            n <= MAX_ENUMERATED_PLAYERS,
            "a table game holds at most 28 players"
        );
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
    fn evaluation_steps(&self) -> f64 {
        1.0
    }
    fn value(&self, coalition: &Coalition) -> f64 {
        self.values[coalition.mask() as usize & ((1usize << self.n) - 1)]
    }
    fn value_mask(&self, mask: u64) -> f64 {
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
        assert_eq!(g.value_mask(0b111), 3.0);
    }

    #[test]
    fn tables_refuse_large_games_before_allocating() {
        struct Huge;
        impl Game for Huge {
            fn players(&self) -> usize {
                40
            }
            fn value(&self, _: &Coalition) -> f64 {
                unreachable!("no value may be asked of a game too large to enumerate")
            }
        }
        match coalition_table(&Huge, 64) {
            Err(CreditError::TooLarge {
                players: 40,
                limit: 28,
            }) => {}
            other => panic!("{other:?}"),
        }
    }
}
