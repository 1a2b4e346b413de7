//! Structured cooperative games, as read from game files by `lamas credit`.
//!
//! - [`ExplicitGame`]: the value of listed coalitions, a default for the rest, `v(∅) = 0`.
//! - [`WeightedVoting`] `[q; w_1, ..., w_n]`: a coalition wins (value 1) when its weight reaches
//!   the quota. With integer weights, the Shapley–Shubik and raw Banzhaf indices are exact by
//!   dynamic programming over (coalition size, weight) of the other players:
//!   `φ_i = Σ_k Σ_{q - w_i ≤ w < q} N_i(k, w) k! (n-k-1)! / n!` and
//!   `β_i = Σ_{q - w_i ≤ w < q} N_i(w) / 2^{n-1}`, where `N_i(k, w)` counts the coalitions of
//!   the others with k members and weight w. Players of equal weight have equal power, so one
//!   table serves each weight class; the tables of all classes are built by divide and conquer
//!   over the classes (the table of "everyone outside classes [lo, hi)" is extended by one half
//!   and handed to the other): O(n log C) player additions of O(n q) each for C classes, with no
//!   subtraction (no cancellation error).
//! - [`Airport`] (Littlechild & Owen 1973): the cost game `c(S) = max_{i ∈ S} c_i`, whose Shapley
//!   value is, with costs sorted ascending, `φ_(j) = Σ_{k ≤ j} (c_(k) - c_(k-1)) / (n - k + 1)`.
//! - [`Bankruptcy`] (O'Neill 1982): `v(S) = max(0, E - Σ_{i ∉ S} d_i)`.

use std::collections::BTreeMap;

use super::{Coalition, Cost, Game};

/// A game given by the values of listed coalitions and a default for the others.
#[derive(Debug, Clone, PartialEq)]
pub struct ExplicitGame {
    n: usize,
    values: BTreeMap<Vec<u64>, f64>,
    default: f64,
}

fn key(c: &Coalition, n: usize) -> Vec<u64> {
    let mut words: Vec<u64> = (0..n.div_ceil(64).max(1))
        .map(|w| {
            (0..64)
                .filter(|b| c.contains(w * 64 + b))
                .fold(0u64, |m, b| m | 1 << b)
        })
        .collect();
    while words.len() > 1 && words.last() == Some(&0) {
        words.pop();
    }
    words
}

impl ExplicitGame {
    /// A game of `n` players with the given coalition values (members as player indices).
    pub fn new(n: usize, coalitions: &[(Vec<usize>, f64)], default: f64) -> Self {
        let values = coalitions
            .iter()
            .map(|(members, v)| {
                let mut c = Coalition::empty(n);
                members.iter().for_each(|&i| c.insert(i));
                (key(&c, n), *v)
            })
            .collect();
        ExplicitGame { n, values, default }
    }
}

impl Game for ExplicitGame {
    fn players(&self) -> usize {
        self.n
    }
    /// The coalition's key (64 bit tests per word) and a lookup in the sorted map.
    fn evaluation_steps(&self) -> f64 {
        64.0 * self.n.div_ceil(64).max(1) as f64 + self.mask_steps()
    }
    /// A one-word key and a lookup in the sorted map.
    fn mask_steps(&self) -> f64 {
        8.0 + 8.0 * (self.values.len() as f64 + 1.0).log2()
    }
    fn value(&self, c: &Coalition) -> f64 {
        if c.is_empty() {
            return 0.0;
        }
        self.values
            .get(&key(c, self.n))
            .copied()
            .unwrap_or(self.default)
    }
    fn value_mask(&self, mask: u64) -> f64 {
        if mask == 0 {
            return 0.0;
        }
        self.values
            .get(&vec![mask])
            .copied()
            .unwrap_or(self.default)
    }
}

/// What [`WeightedVoting::leave_one_out`] calls with each weight class's table.
type Evaluate<'a> = &'a mut dyn FnMut(usize, &[f64]);

/// Most row visits a dry run of the weighted voting recursion may take to count its cost
/// exactly (about a tenth of a second); larger games are bounded by full rows.
const DRY_RUN_LIMIT: f64 = 1e8;

/// A weighted voting game `[quota; weights]`.
#[derive(Debug, Clone, PartialEq)]
pub struct WeightedVoting {
    /// Weight of each player (≥ 0).
    pub weights: Vec<f64>,
    /// Weight a coalition needs to win (> 0).
    pub quota: f64,
}

impl WeightedVoting {
    /// Integer weights and the integer quota they need (`ceil(quota)`), if all weights are whole
    /// numbers small enough for the tables.
    fn integral(&self) -> Option<(Vec<usize>, usize)> {
        let total: f64 = self.weights.iter().sum();
        if total > 1e7 || self.weights.iter().any(|w| w.fract() != 0.0 || *w < 0.0) {
            return None;
        }
        Some((
            self.weights.iter().map(|&w| w as usize).collect(),
            self.quota.ceil().max(0.0) as usize,
        ))
    }

    /// The cost of [`WeightedVoting::leave_one_out`] with tables of `rows × q` entries (`rows` is
    /// `n + 1` with `sizes`, else 1): every player is added to a table about `log2(classes) + 1`
    /// times, each addition a pass over the weights its rows can hold, counted exactly by a dry
    /// run of the recursion over the rows' ranges alone when that run is itself cheap (at most
    /// [`DRY_RUN_LIMIT`] row visits), else bounded by full rows; the tables along the recursion
    /// are held at once.
    fn leave_one_out_cost(&self, sizes: bool) -> Option<Cost> {
        let (w, q) = self.integral()?;
        let mut sorted = w.clone();
        sorted.sort_unstable();
        sorted.dedup();
        let depth = (sorted.len() as f64).log2().ceil() + 1.0;
        let n = self.weights.len() as f64;
        let rows = if sizes { n + 1.0 } else { 1.0 };
        let evaluations = sorted.len() as f64 * rows * q as f64;
        let additions = if n * depth * rows <= DRY_RUN_LIMIT {
            self.leave_one_out(&w, q, sizes, None)
        } else {
            n * depth * rows * q as f64
        };
        Some(Cost::new(
            additions + evaluations,
            8.0 * rows * q as f64 * (depth + 1.0),
        ))
    }

    /// For every weight class, the count table of "every player but one of that weight", passed
    /// to `evaluate(weight, table)`; players of equal weight have equal power, so one table
    /// serves the whole class. The table has `(n + 1) * q` entries (`[k * q + w]`: coalitions of
    /// size k and weight w < q) when `sizes`, else `q` entries.
    ///
    /// Without `evaluate`, a dry run: no table is allocated, only the rows' ranges are followed.
    /// Returns the entries the additions visit (plus one per row visited).
    fn leave_one_out(
        &self,
        w: &[usize],
        q: usize,
        sizes: bool,
        mut evaluate: Option<Evaluate>,
    ) -> f64 {
        let n = w.len();
        if n == 0 || q == 0 {
            return 0.0;
        }
        let rows = if sizes { n + 1 } else { 1 };
        // Weight classes: (weight, how many players have it).
        let mut classes: Vec<(usize, usize)> = Vec::new();
        let mut sorted = w.to_vec();
        sorted.sort_unstable();
        for x in sorted {
            match classes.last_mut() {
                Some((cw, count)) if *cw == x => *count += 1,
                _ => classes.push((x, 1)),
            }
        }
        let empty = if evaluate.is_some() {
            let mut t = vec![0.0; rows * q];
            t[0] = 1.0;
            t
        } else {
            Vec::new() // a dry run
        };
        let c = classes.len();
        // Row 0 holds the empty coalition (weight 0); the other rows are empty (lo > hi).
        let (mut lo, hi) = (vec![usize::MAX; rows], vec![0usize; rows]);
        lo[0] = 0;
        let mut steps = 0.0;
        leave_out_tables(
            0,
            c,
            Table {
                t: empty,
                players: 0,
                lo,
                hi,
            },
            &classes,
            (q, rows),
            &mut evaluate,
            &mut steps,
        );
        steps
    }
}

/// A count table, the number of players counted in it (its last non-zero row), and per
/// row the range of weights whose counts may be non-zero (`lo > hi`: an empty row), so
/// that adding a player touches only the entries it can change.
struct Table {
    t: Vec<f64>,
    players: usize,
    lo: Vec<usize>,
    hi: Vec<usize>,
}
impl Clone for Table {
    fn clone(&self) -> Self {
        Table {
            t: self.t.clone(),
            players: self.players,
            lo: self.lo.clone(),
            hi: self.hi.clone(),
        }
    }
}
/// Adds `times` players of weight `wi` (to the ranges only when the table is empty: a
/// dry run), counting the entries visited into `steps`.
fn add(tab: &mut Table, wi: usize, times: usize, (q, rows): (usize, usize), steps: &mut f64) {
    for _ in 0..times {
        tab.players += 1;
        if wi >= q {
            continue; // joining such a player makes a coalition win: never counted
        }
        let t = &mut tab.t;
        let dry = t.is_empty();
        if rows == 1 {
            let hi = (tab.hi[0] + wi).min(q - 1);
            *steps += (hi + 1 - wi) as f64;
            if !dry {
                for x in (wi..=hi).rev() {
                    t[x] += t[x - wi];
                }
            }
            tab.hi[0] = tab.hi[0].max(hi);
            continue;
        }
        for k in (1..=tab.players.min(rows - 1)).rev() {
            *steps += 1.0;
            let (plo, phi) = (tab.lo[k - 1], tab.hi[k - 1]);
            if plo > phi || plo + wi >= q {
                continue; // row k-1 is empty, or every coalition it adds reaches q
            }
            let (from, to) = (plo + wi, (phi + wi).min(q - 1));
            *steps += (to + 1 - from) as f64;
            if !dry {
                let (lower, upper) = t.split_at_mut(k * q);
                let prev = &lower[(k - 1) * q..];
                for x in from..=to {
                    upper[x] += prev[x - wi];
                }
            }
            // An empty row has lo = MAX and hi = 0: min and max make it [from, to].
            tab.lo[k] = tab.lo[k].min(from);
            tab.hi[k] = tab.hi[k].max(to);
        }
    }
}

/// Divide and conquer over the weight classes `lo..hi`: `tab` counts every class outside them;
/// each half gets the other half added, down to one class, whose table (less one of its players)
/// goes to `evaluate`.
#[allow(clippy::too_many_arguments)]
fn leave_out_tables(
    lo: usize,
    hi: usize,
    tab: Table,
    classes: &[(usize, usize)],
    shape: (usize, usize),
    evaluate: &mut Option<Evaluate>,
    steps: &mut f64,
) {
    if hi - lo == 1 {
        let (wc, count) = classes[lo];
        let mut tab = tab;
        add(&mut tab, wc, count - 1, shape, steps);
        if let Some(evaluate) = evaluate {
            evaluate(wc, &tab.t);
        }
        return;
    }
    let mid = (lo + hi) / 2;
    let mut left = tab.clone();
    for &(wc, count) in &classes[mid..hi] {
        add(&mut left, wc, count, shape, steps);
    }
    leave_out_tables(lo, mid, left, classes, shape, evaluate, steps);
    let mut right = tab;
    for &(wc, count) in &classes[lo..mid] {
        add(&mut right, wc, count, shape, steps);
    }
    leave_out_tables(mid, hi, right, classes, shape, evaluate, steps);
}

impl Game for WeightedVoting {
    fn players(&self) -> usize {
        self.weights.len()
    }
    fn value(&self, c: &Coalition) -> f64 {
        let s: f64 = (0..self.weights.len())
            .filter(|&i| c.contains(i))
            .map(|i| self.weights[i])
            .sum();
        f64::from(u8::from(!c.is_empty() && s >= self.quota))
    }
    fn value_mask(&self, mask: u64) -> f64 {
        let s: f64 = (0..self.weights.len())
            .filter(|&i| mask >> i & 1 == 1)
            .map(|i| self.weights[i])
            .sum();
        f64::from(u8::from(mask != 0 && s >= self.quota))
    }
    fn shapley_exact_cost(&self) -> Option<Cost> {
        self.leave_one_out_cost(true)
    }
    fn banzhaf_exact_cost(&self) -> Option<Cost> {
        self.leave_one_out_cost(false)
    }
    fn shapley_exact(&self) -> Option<Vec<f64>> {
        let (w, q) = self.integral()?;
        let n = w.len();
        // factor[k] = k! (n-k-1)! / n! = 1 / (n C(n-1, k)).
        let mut binom = vec![1.0f64; n];
        for k in 1..n {
            binom[k] = binom[k - 1] * (n - k) as f64 / k as f64;
        }
        let mut phi = vec![0.0; n];
        self.leave_one_out(
            &w,
            q,
            true,
            Some(&mut |wc, t| {
                let lo = q.saturating_sub(wc);
                let value: f64 = (0..n)
                    .map(|k| t[k * q + lo..k * q + q].iter().sum::<f64>() / (n as f64 * binom[k]))
                    .sum();
                for (p, &wp) in phi.iter_mut().zip(&w) {
                    if wp == wc {
                        *p = value;
                    }
                }
            }),
        );
        Some(phi)
    }
    fn banzhaf_exact(&self) -> Option<Vec<f64>> {
        let (w, q) = self.integral()?;
        let n = w.len();
        let scale = 0.5f64.powi(n as i32 - 1);
        let mut beta = vec![0.0; n];
        self.leave_one_out(
            &w,
            q,
            false,
            Some(&mut |wc, t| {
                let value = t[q.saturating_sub(wc)..q].iter().sum::<f64>() * scale;
                for (b, &wp) in beta.iter_mut().zip(&w) {
                    if wp == wc {
                        *b = value;
                    }
                }
            }),
        );
        Some(beta)
    }
}

/// The airport cost game: `c(S)` is the largest cost of S's members.
#[derive(Debug, Clone, PartialEq)]
pub struct Airport {
    /// Each player's cost (≥ 0).
    pub costs: Vec<f64>,
}

impl Game for Airport {
    fn players(&self) -> usize {
        self.costs.len()
    }
    fn value(&self, c: &Coalition) -> f64 {
        (0..self.costs.len())
            .filter(|&i| c.contains(i))
            .map(|i| self.costs[i])
            .fold(0.0, f64::max)
    }
    /// A sort and a pass.
    fn shapley_exact_cost(&self) -> Option<Cost> {
        let n = self.costs.len() as f64;
        Some(Cost::new(n * (n.log2().max(1.0) + 2.0), 24.0 * n))
    }
    fn shapley_exact(&self) -> Option<Vec<f64>> {
        let n = self.costs.len();
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by(|&a, &b| self.costs[a].total_cmp(&self.costs[b]));
        let mut phi = vec![0.0; n];
        let (mut acc, mut prev) = (0.0, 0.0);
        for (k, &i) in order.iter().enumerate() {
            acc += (self.costs[i] - prev) / (n - k) as f64;
            prev = self.costs[i];
            phi[i] = acc;
        }
        Some(phi)
    }
    fn is_cost_game(&self) -> bool {
        true
    }
}

/// The bankruptcy game of an estate E and claims d.
#[derive(Debug, Clone, PartialEq)]
pub struct Bankruptcy {
    /// Each player's claim (≥ 0).
    pub claims: Vec<f64>,
    /// The estate (≥ 0).
    pub estate: f64,
}

impl Game for Bankruptcy {
    fn players(&self) -> usize {
        self.claims.len()
    }
    fn value(&self, c: &Coalition) -> f64 {
        let outside: f64 = (0..self.claims.len())
            .filter(|&i| !c.contains(i))
            .map(|i| self.claims[i])
            .sum();
        (self.estate - outside).max(0.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credit::{TableGame, coalition_table, shapley_from_table};

    fn enumerated(g: &dyn Game) -> Vec<f64> {
        shapley_from_table(g.players(), coalition_table(g, 20).unwrap())
    }

    #[test]
    fn voting_dp_matches_enumeration() {
        // [4; 3, 2, 1, 1]: Shapley-Shubik (1/2, 1/6, 1/6, 1/6), raw Banzhaf (3/4, 1/4, 1/4, 1/4).
        let g = WeightedVoting {
            weights: vec![3.0, 2.0, 1.0, 1.0],
            quota: 4.0,
        };
        let phi = g.shapley_exact().unwrap();
        for (a, b) in phi.iter().zip([0.5, 1.0 / 6.0, 1.0 / 6.0, 1.0 / 6.0]) {
            assert!((a - b).abs() < 1e-12, "{phi:?}");
        }
        let beta = g.banzhaf_exact().unwrap();
        for (a, b) in beta.iter().zip([0.75, 0.25, 0.25, 0.25]) {
            assert!((a - b).abs() < 1e-12, "{beta:?}");
        }
        // An uneven game of 13 players against enumeration of its 8192 coalitions.
        let w: Vec<f64> = (0..13).map(|i| f64::from((i * 7 + 3) % 9 + 1)).collect();
        let quota = w.iter().sum::<f64>() * 0.6;
        let g = WeightedVoting { weights: w, quota };
        let (dp, en) = (g.shapley_exact().unwrap(), enumerated(&g));
        for (a, b) in dp.iter().zip(&en) {
            assert!((a - b).abs() < 1e-12, "{dp:?} vs {en:?}");
        }
        let t = coalition_table(&g, 20).unwrap();
        let total: f64 = t.iter().sum();
        let beta = g.banzhaf_exact().unwrap();
        for (i, b) in beta.iter().enumerate() {
            let with: f64 = t
                .iter()
                .enumerate()
                .filter(|(m, _)| m >> i & 1 == 1)
                .map(|(_, v)| v)
                .sum();
            assert!((b - (2.0 * with - total) / 4096.0).abs() < 1e-12);
        }
    }

    #[test]
    fn airport_closed_form_matches_enumeration() {
        let g = Airport {
            costs: vec![8.0, 11.0, 13.0, 18.0],
        };
        assert_eq!(g.shapley_exact().unwrap(), vec![2.0, 3.0, 4.0, 9.0]);
        let g = Airport {
            costs: vec![5.0, 1.0, 9.0, 9.0, 2.5, 7.0],
        };
        let (cf, en) = (g.shapley_exact().unwrap(), enumerated(&g));
        for (a, b) in cf.iter().zip(&en) {
            assert!((a - b).abs() < 1e-12);
        }
    }

    #[test]
    fn explicit_games_use_their_default() {
        let g = ExplicitGame::new(3, &[(vec![0, 1], 5.0), (vec![0, 1, 2], 9.0)], 1.0);
        assert_eq!(g.value_mask(0b011), 5.0);
        assert_eq!(g.value_mask(0b100), 1.0);
        assert_eq!(g.value_mask(0), 0.0);
        let big = ExplicitGame::new(70, &[(vec![0, 69], 2.0)], 0.5);
        let mut c = Coalition::empty(70);
        c.insert(0);
        c.insert(69);
        assert_eq!(big.value(&c), 2.0);
        let t = TableGame::from_fn(3, |m| g.value_mask(m));
        assert_eq!(t.value_mask(0b111), 9.0);
    }
}
