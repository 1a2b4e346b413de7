//! `nucleolus`: the allocation that lexicographically minimises the coalitions' complaints.
//!
//! The excess of coalition S at x is `e(S, x) = v(S) - x(S)`, how much S would gain by leaving.
//! The nucleolus (Schmeidler 1969) minimises the largest excess, then the next largest, and so
//! on, over the imputations (`x(N) = v(N)`, `x_i ≥ v({i})`; when the imputation set is empty,
//! over the pre-imputations, giving the prenucleolus). Computed by the sequence of linear
//! programmes of Kopelowitz (1967) / Maschler, Peleg & Shapley (1979), solved by good_lp with the
//! pure-Rust microlp solver:
//!
//! 1. minimise t subject to `v(S) - x(S) ≤ t` for every coalition not yet fixed, the fixed
//!    coalitions' excesses held at their values, and the imputation constraints;
//! 2. a coalition tight at the optimum is fixed at t* if no optimal solution gives it a smaller
//!    excess (one more LP per tight coalition);
//! 3. repeat until the fixed coalitions determine x (rank n).
//!
//! For a cost game c (costs to share, [`Game::is_cost_game`]) the complaint of S is
//! `x(S) - c(S)`, so the nucleolus is computed as `-nucleolus(-c)`.
//!
//! It lies in the core whenever the core is non-empty, is efficient and symmetric; it is not
//! additive. With `2^n` constraints it is for small games: at most [`Nucleolus::limit`] players.

use good_lp::{
    Expression, ProblemVariables, Solution, SolverModel, Variable, constraint, microlp, variable,
};

use super::{
    Allocation, Axioms, Coalition, Cost, CreditError, Facts, Game, MAX_ENUMERATED_PLAYERS,
    Mechanism, coalition_table,
};
use crate::rng::SimRng;

/// The nucleolus.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Nucleolus {
    /// Most players (the LPs have 2^n constraints).
    pub limit: usize,
}

impl Default for Nucleolus {
    fn default() -> Self {
        Nucleolus { limit: 12 }
    }
}

/// Tolerance of "tight", relative to the game's largest |v(S)| (at least 1).
const TOL: f64 = 1e-9;

fn members(mask: u64, x: &[Variable]) -> Expression {
    let mut e = Expression::from(0.0);
    for (i, &xi) in x.iter().enumerate() {
        if mask >> i & 1 == 1 {
            e += xi;
        }
    }
    e
}

/// Rank of the indicator vectors of `masks` over n players (Gaussian elimination).
fn rank(masks: &[u64], n: usize) -> usize {
    let mut rows: Vec<Vec<f64>> = masks
        .iter()
        .map(|m| {
            (0..n)
                .map(|i| f64::from(u8::from(m >> i & 1 == 1)))
                .collect()
        })
        .collect();
    let mut r = 0;
    for c in 0..n {
        let Some(p) = (r..rows.len()).find(|&k| rows[k][c].abs() > 1e-9) else {
            continue;
        };
        rows.swap(r, p);
        let pivot = rows[r].clone();
        for (k, row) in rows.iter_mut().enumerate() {
            if k != r && row[c].abs() > 1e-9 {
                let f = row[c] / pivot[c];
                for (x, p) in row.iter_mut().zip(&pivot) {
                    *x -= f * p;
                }
            }
        }
        r += 1;
    }
    r
}

/// The x with `x(S) = b` for every `(S, b)` of `rows`, by Gaussian elimination with partial
/// pivoting; `None` unless the rows have rank n.
fn determined(n: usize, rows: &[(u64, f64)]) -> Option<Vec<f64>> {
    let mut a: Vec<Vec<f64>> = rows
        .iter()
        .map(|&(m, b)| {
            (0..n)
                .map(|i| f64::from(u8::from(m >> i & 1 == 1)))
                .chain([b])
                .collect()
        })
        .collect();
    // Column c's pivot goes to row c (or the rows have rank < n).
    for c in 0..n {
        let p = (c..a.len()).max_by(|&i, &j| a[i][c].abs().total_cmp(&a[j][c].abs()))?;
        if a[p][c].abs() < 1e-9 {
            return None;
        }
        a.swap(c, p);
        let pivot = a[c].clone();
        for (k, row) in a.iter_mut().enumerate() {
            if k != c && row[c] != 0.0 {
                let f = row[c] / pivot[c];
                row.iter_mut().zip(&pivot).for_each(|(x, p)| *x -= f * p);
            }
        }
    }
    Some((0..n).map(|c| a[c][n] / a[c][c]).collect())
}

struct Lp<'a> {
    n: usize,
    v: &'a [f64],
    imputations: bool,
    fixed: &'a [(u64, f64)],
    open: &'a [u64],
    /// Room given to the fixed excesses and to `t_fixed` when a programme is infeasible only by
    /// rounding in an earlier one: a thousandth of the tolerance that decides
    /// which coalitions are tight, so that the room cannot make a tight coalition look loose.
    slack: f64,
}

impl Lp<'_> {
    /// Solves: the open coalitions' excesses ≤ t (t free, or held at `t_fixed`), minimising t or,
    /// with `target`, the excess of `target`. Returns (x, t, objective).
    fn solve(
        &self,
        t_fixed: Option<f64>,
        target: Option<u64>,
    ) -> Result<(Vec<f64>, f64), CreditError> {
        // Exactly first; with room only when rounding made the exact programme infeasible.
        self.solve_with(0.0, t_fixed, target)
            .or_else(|_| self.solve_with(self.slack, t_fixed, target))
    }

    fn solve_with(
        &self,
        slack: f64,
        t_fixed: Option<f64>,
        target: Option<u64>,
    ) -> Result<(Vec<f64>, f64), CreditError> {
        let full = (1u64 << self.n) - 1;
        let mut vars = ProblemVariables::new();
        let x: Vec<Variable> = (0..self.n).map(|_| vars.add(variable())).collect();
        let t = vars.add(variable());
        let objective: Expression = match (target, t_fixed) {
            (Some(s), _) => Expression::from(self.v[s as usize]) - members(s, &x),
            (None, None) => Expression::from(t),
            (None, Some(_)) => Expression::from(0.0), // feasibility: x is determined
        };
        let mut model = vars.minimise(objective).using(microlp);
        model = model.with(constraint::eq(members(full, &x), self.v[full as usize]));
        let t_fixed = t_fixed.map(|tf| tf + slack);
        if let Some(tf) = t_fixed {
            model = model.with(constraint::eq(t, tf)); // t unused then, but never free
        }
        if self.imputations {
            for (i, &xi) in x.iter().enumerate() {
                model = model.with(constraint::geq(xi, self.v[1 << i]));
            }
        }
        // A fixed coalition's excess is at most its level: every solution that keeps the others
        // at or below the level keeps it exactly there (they were tight in every optimum), and
        // an inequality survives rounding where an equality may not.
        for &(s, e) in self.fixed {
            model = model.with(constraint::geq(
                members(s, &x),
                self.v[s as usize] - e - slack,
            ));
        }
        for &s in self.open {
            let bound: Expression = match t_fixed {
                Some(tf) => Expression::from(tf),
                None => Expression::from(t),
            };
            model = model.with(constraint::geq(members(s, &x) + bound, self.v[s as usize]));
        }
        let sol = model
            .solve()
            .map_err(|e| CreditError::Solver(e.to_string()))?;
        let xs: Vec<f64> = x.iter().map(|&xi| sol.value(xi)).collect();
        Ok((xs, t_fixed.map_or_else(|| sol.value(t), |tf| tf - slack)))
    }
}

/// The game `-v`, for the nucleolus of cost games.
struct Negated<'a>(&'a dyn Game);

impl Game for Negated<'_> {
    fn players(&self) -> usize {
        self.0.players()
    }
    fn value(&self, c: &Coalition) -> f64 {
        -self.0.value(c)
    }
    fn value_mask(&self, mask: u64) -> f64 {
        -self.0.value_mask(mask)
    }
}

impl Mechanism for Nucleolus {
    fn name(&self) -> &'static str {
        "nucleolus"
    }
    fn axioms(&self) -> Axioms {
        Axioms {
            efficiency: true,
            symmetry: true,
            null_player: false,
            additivity: false,
        }
    }
    /// The table of `2^n` values, then typically about `2n` linear programmes, each over the
    /// `2^n` coalitions' constraints with `n` variables and about `n` pivots.
    fn cost(&self, game: &dyn Game) -> Cost {
        let n = game.players();
        if n > self.limit.min(MAX_ENUMERATED_PLAYERS) {
            return Cost::default(); // refused at once
        }
        let table = Cost::table(game, 0.0);
        let rows = 2f64.powi(n as i32);
        let n = n as f64;
        Cost::new(
            table.steps + 2.0 * n * rows * n * n,
            table.bytes + rows * (n + 2.0) * 8.0,
        )
    }
    fn allocate(
        &self,
        game: &dyn Game,
        _: &Facts<'_>,
        _: &mut SimRng,
    ) -> Result<Allocation, CreditError> {
        if game.is_cost_game() {
            let mut a = self.of_value_game(&Negated(game))?;
            a.shares.iter_mut().for_each(|x| *x = -*x);
            return Ok(a);
        }
        self.of_value_game(game)
    }
}

impl Nucleolus {
    /// The nucleolus of a game of values.
    fn of_value_game(&self, game: &dyn Game) -> Result<Allocation, CreditError> {
        let n = game.players();
        if n == 0 {
            return Ok(Allocation::exact(Vec::new(), 0));
        }
        let grand = game.value(&Coalition::all(n));
        if n == 1 {
            return Ok(Allocation::exact(vec![grand], 1));
        }
        let v = coalition_table(game, self.limit)?;
        let full = (1u64 << n) - 1;
        // Tolerances scale with the game's values (the nucleolus scales with them).
        let tol = TOL * v.iter().fold(1.0f64, |m, x| m.max(x.abs()));
        let imputations = (0..n).map(|i| v[1 << i]).sum::<f64>() <= grand + tol;
        let mut fixed: Vec<(u64, f64)> = Vec::new();
        let mut open: Vec<u64> = (1..full).collect();
        loop {
            let lp = Lp {
                n,
                v: &v,
                imputations,
                fixed: &fixed,
                open: &open,
                slack: tol * 1e-3,
            };
            let (x, t_star) = lp.solve(None, None)?;
            let excess = |s: u64| {
                v[s as usize]
                    - (0..n)
                        .filter(|&i| s >> i & 1 == 1)
                        .map(|i| x[i])
                        .sum::<f64>()
            };
            let tight: Vec<u64> = open
                .iter()
                .copied()
                .filter(|&s| (excess(s) - t_star).abs() <= tol)
                .collect();
            // A tight coalition is fixed unless some optimal solution lowers its excess.
            let mut newly: Vec<u64> = Vec::new();
            for &s in &tight {
                let (y, _) = lp.solve(Some(t_star), Some(s))?;
                let e = v[s as usize]
                    - (0..n)
                        .filter(|&i| s >> i & 1 == 1)
                        .map(|i| y[i])
                        .sum::<f64>();
                if e >= t_star - tol {
                    newly.push(s);
                }
            }
            if newly.is_empty() {
                newly = tight; // numerical safety: always make progress
            }
            if newly.is_empty() {
                return Ok(Allocation::exact(x, 1u64 << n));
            }
            open.retain(|s| !newly.contains(s));
            fixed.extend(newly.iter().map(|&s| (s, t_star)));
            let mut masks: Vec<u64> = fixed.iter().map(|&(s, _)| s).collect();
            masks.push(full);
            if rank(&masks, n) == n || open.is_empty() {
                let lp = Lp {
                    n,
                    v: &v,
                    imputations,
                    fixed: &fixed,
                    open: &open,
                    slack: tol * 1e-3,
                };
                // The fixed excesses determine x: solve their equalities directly, which is
                // exact to rounding where the last programme's x is only within its slack.
                let mut rows: Vec<(u64, f64)> =
                    fixed.iter().map(|&(s, e)| (s, v[s as usize] - e)).collect();
                rows.push((full, grand));
                let x = match determined(n, &rows) {
                    Some(x) => x,
                    None => lp.solve(Some(t_star), None)?.0,
                };
                return Ok(Allocation::exact(x, 1u64 << n));
            }
        }
    }
}
