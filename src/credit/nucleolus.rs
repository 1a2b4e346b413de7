//! `nucleolus`: the allocation that lexicographically minimises the coalitions' complaints.
//!
//! The excess of coalition S at x is `e(S, x) = v(S) - x(S)`, how much S would gain by leaving.
//! The nucleolus (Schmeidler 1969) minimises the largest excess, then the next largest, and so
//! on, over the imputations (`x(N) = v(N)`, `x_i ≥ v({i})`; when the imputation set is empty,
//! over the pre-imputations, giving the prenucleolus). Computed by the sequence of linear
//! programmes of Kopelowitz (1967) / Maschler, Peleg & Shapley (1979), solved by good_lp with the
//! pure-Rust microlp solver, each with its coalitions generated as needed:
//!
//! 1. **level**: minimise t subject to `v(S) - x(S) ≤ t` for every open coalition, the fixed
//!    coalitions' excesses held at their levels, and the imputation constraints. The programme
//!    holds a working set of coalitions (at first the singletons and their complements); after
//!    each solution every open coalition's excess is computed (`O(2^n)`, each `x(S)` from a
//!    smaller one) and the most violated are added, until none is: then x is optimal for all
//!    `2^n` constraints (row generation);
//! 2. **fixing**: of the coalitions tight at the level t*, those whose indicator vectors depend on
//!    the fixed ones (and N) have the same excess in every optimum: they are fixed at t*. Of the
//!    others, a basis B is tested at once: maximise `Σ_{S∈B} s_S` with `0 ≤ s_S ≤ scale` and
//!    `e(S, x) + s_S ≤ t*`, every open excess ≤ t*. Coalitions any such optimum leaves below t*
//!    are not fixed (some optimum lowers them); if none of B is lowered, no optimum lowers any
//!    of B (a positive sum would show one), and B is fixed at t*;
//! 3. repeat until the fixed coalitions and N determine x (rank n); x is then the solution of
//!    their equalities, by Gaussian elimination.
//!
//! For a cost game c (costs to share, [`Game::is_cost_game`]) the complaint of S is
//! `x(S) - c(S)`, so the nucleolus is computed as `-nucleolus(-c)`.
//!
//! It lies in the core whenever the core is non-empty, is efficient and symmetric; it is not
//! additive. The coalition values are tabulated (`2^n`): at most [`Nucleolus::limit`] players
//! (20 by default: from a tenth of a second to a few seconds).

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
    /// Most players (the coalition values are tabulated, `2^n` of them).
    pub limit: usize,
}

impl Default for Nucleolus {
    fn default() -> Self {
        Nucleolus { limit: 20 }
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

/// The span of the fixed coalitions' indicator vectors (and N's), in reduced row echelon form:
/// which coalitions they determine.
#[derive(Debug, Clone, Default)]
struct Span {
    n: usize,
    /// (pivot column, row) of each basis vector; every row is 0 in the other rows' pivots.
    rows: Vec<(usize, Vec<f64>)>,
}

impl Span {
    fn new(n: usize) -> Self {
        Span {
            n,
            rows: Vec::new(),
        }
    }

    fn rank(&self) -> usize {
        self.rows.len()
    }

    /// The indicator of `mask` less its projection on the span (pivot columns eliminated).
    fn residual(&self, mask: u64) -> Vec<f64> {
        let mut r: Vec<f64> = (0..self.n)
            .map(|i| f64::from(u8::from(mask >> i & 1 == 1)))
            .collect();
        for (p, row) in &self.rows {
            let f = r[*p];
            if f != 0.0 {
                r.iter_mut().zip(row).for_each(|(a, b)| *a -= f * b);
            }
        }
        r
    }

    fn contains(&self, mask: u64) -> bool {
        self.residual(mask).iter().all(|a| a.abs() <= 1e-9)
    }

    /// Adds `mask` if it is independent of the span; returns whether it was.
    fn add(&mut self, mask: u64) -> bool {
        let r = self.residual(mask);
        let Some(p) = (0..self.n).max_by(|&i, &j| r[i].abs().total_cmp(&r[j].abs())) else {
            return false;
        };
        if r[p].abs() <= 1e-9 {
            return false;
        }
        let row: Vec<f64> = r.iter().map(|a| a / r[p]).collect();
        for (_, other) in &mut self.rows {
            let f = other[p];
            if f != 0.0 {
                other.iter_mut().zip(&row).for_each(|(a, b)| *a -= f * b);
            }
        }
        self.rows.push((p, row));
        true
    }
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

/// What a programme asks for.
#[derive(Debug, Clone, Copy)]
enum Goal<'a> {
    /// Minimise the level t that bounds every open excess.
    Level,
    /// At the level `t`, maximise the room below it of the coalitions `lower`.
    Lower { t: f64, lower: &'a [u64] },
}

/// The linear programmes of one game.
struct Programme<'a> {
    n: usize,
    v: &'a [f64],
    imputations: bool,
    /// (coalition, its excess), fixed by earlier levels.
    fixed: Vec<(u64, f64)>,
    /// Room given to the fixed excesses and to a held level when a programme is infeasible only
    /// by rounding in an earlier one: a thousandth of the tolerance that decides which
    /// coalitions are tight, so that the room cannot make a tight coalition look loose.
    slack: f64,
    /// The cap of a coalition's room below the level (the game's scale).
    cap: f64,
}

impl Programme<'_> {
    /// Solves with the open coalitions `rows` (excess ≤ the level): x and the level.
    fn solve(&self, goal: Goal, rows: &[u64]) -> Result<(Vec<f64>, f64), CreditError> {
        // Exactly first; with room only when rounding made the exact programme infeasible.
        self.solve_with(0.0, goal, rows)
            .or_else(|_| self.solve_with(self.slack, goal, rows))
    }

    fn solve_with(
        &self,
        slack: f64,
        goal: Goal,
        rows: &[u64],
    ) -> Result<(Vec<f64>, f64), CreditError> {
        let (n, v) = (self.n, self.v);
        let full = (1u64 << n) - 1;
        let mut vars = ProblemVariables::new();
        let x: Vec<Variable> = (0..n).map(|_| vars.add(variable())).collect();
        let (level, objective, room): (Expression, Expression, Vec<(u64, Variable)>) = match goal {
            Goal::Level => {
                let t = vars.add(variable());
                (t.into(), t.into(), Vec::new())
            }
            Goal::Lower { t, lower } => {
                let room: Vec<(u64, Variable)> = lower
                    .iter()
                    .map(|&s| (s, vars.add(variable().min(0.0).max(self.cap))))
                    .collect();
                let total: Expression = room.iter().map(|&(_, r)| Expression::from(r)).sum();
                (Expression::from(t + slack), -total, room)
            }
        };
        let mut model = vars.minimise(objective.clone()).using(microlp);
        model = model.with(constraint::eq(members(full, &x), v[full as usize]));
        if self.imputations {
            for (i, &xi) in x.iter().enumerate() {
                model = model.with(constraint::geq(xi, v[1 << i]));
            }
        }
        // A fixed coalition's excess is at most its level: every solution that keeps the others
        // at or below the level keeps it exactly there (they were tight in every optimum), and
        // an inequality survives rounding where an equality may not.
        for &(s, e) in &self.fixed {
            model = model.with(constraint::geq(members(s, &x), v[s as usize] - e - slack));
        }
        for &s in rows {
            model = model.with(constraint::geq(
                members(s, &x) + level.clone(),
                v[s as usize],
            ));
        }
        for &(s, r) in &room {
            model = model.with(constraint::geq(
                members(s, &x) + level.clone() - r,
                v[s as usize],
            ));
        }
        let sol = model
            .solve()
            .map_err(|e| CreditError::Solver(e.to_string()))?;
        let xs: Vec<f64> = x.iter().map(|&xi| sol.value(xi)).collect();
        let t = match goal {
            Goal::Level => sol.eval(&objective),
            Goal::Lower { t, .. } => t,
        };
        Ok((xs, t))
    }
}

/// Coalition states and the excesses at a solution: everything over the `2^n` coalitions.
struct Coalitions<'a> {
    v: &'a [f64],
    /// Per mask: fixed (no longer constrained by the level).
    fixed: Vec<bool>,
    /// Per mask: in the programme's working set.
    working: Vec<bool>,
    /// The open coalitions of the working set.
    rows: Vec<u64>,
    /// `x(S)` per mask at the last solution.
    sums: Vec<f64>,
}

impl<'a> Coalitions<'a> {
    fn new(n: usize, v: &'a [f64]) -> Self {
        let size = 1usize << n;
        let full = (size - 1) as u64;
        let mut c = Coalitions {
            v,
            fixed: vec![false; size],
            working: vec![false; size],
            rows: Vec::new(),
            sums: vec![0.0; size],
        };
        c.fixed[0] = true;
        c.fixed[size - 1] = true;
        for i in 0..n {
            c.work(1 << i);
            c.work(full ^ (1 << i));
        }
        c
    }

    fn work(&mut self, s: u64) {
        if !self.fixed[s as usize] && !self.working[s as usize] {
            self.working[s as usize] = true;
            self.rows.push(s);
        }
    }

    /// Fixes `these`: they leave the level's constraints (and the working set).
    fn fix(&mut self, these: &[u64]) {
        for &s in these {
            self.fixed[s as usize] = true;
            self.working[s as usize] = false;
        }
        let fixed = &self.fixed;
        self.rows.retain(|&r| !fixed[r as usize]);
    }

    /// Computes every `x(S)`, each from the coalition without its lowest member.
    fn sum_at(&mut self, x: &[f64]) {
        for m in 1..self.sums.len() {
            let low = m.trailing_zeros() as usize;
            self.sums[m] = self.sums[m & (m - 1)] + x[low];
        }
    }

    fn excess(&self, s: usize) -> f64 {
        self.v[s] - self.sums[s]
    }

    /// Open coalitions outside the programme (and outside `skip`) whose excess exceeds `level`:
    /// the `k` largest.
    fn violated(&self, level: f64, skip: &[u64], k: usize) -> Vec<u64> {
        let mut found: Vec<(f64, u64)> = (1..self.sums.len())
            .filter(|&m| !self.fixed[m] && !self.working[m])
            .map(|m| (self.excess(m), m as u64))
            .filter(|&(e, m)| e > level && !skip.contains(&m))
            .collect();
        if found.len() > k {
            found.select_nth_unstable_by(k - 1, |a, b| b.0.total_cmp(&a.0));
            found.truncate(k);
        }
        found.into_iter().map(|(_, m)| m).collect()
    }

    /// Open coalitions whose excess is at least `level`.
    fn tight(&self, level: f64) -> Vec<u64> {
        (1..self.sums.len())
            .filter(|&m| !self.fixed[m] && self.excess(m) >= level)
            .map(|m| m as u64)
            .collect()
    }
}

/// Solves `goal`, generating the open coalitions it violates until it violates none.
fn generated(
    lp: &Programme,
    coalitions: &mut Coalitions,
    goal: Goal,
    tol: f64,
) -> Result<(Vec<f64>, f64), CreditError> {
    let batch = 4 * lp.n + 16;
    if coalitions.rows.is_empty() && matches!(goal, Goal::Level) {
        // Every singleton is fixed (x is bounded): any open coalitions bound the level.
        let seed = coalitions.violated(f64::NEG_INFINITY, &[], batch);
        seed.into_iter().for_each(|s| coalitions.work(s));
    }
    loop {
        let (x, t) = lp.solve(goal, &coalitions.rows)?;
        coalitions.sum_at(&x);
        let skip = match goal {
            Goal::Lower { lower, .. } => lower,
            Goal::Level => &[],
        };
        let more = coalitions.violated(t + tol, skip, batch);
        if more.is_empty() {
            return Ok((x, t));
        }
        more.into_iter().for_each(|s| coalitions.work(s));
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
    /// The table of `2^n` values, then about `2n` levels, each a few programmes whose
    /// generation passes cost `3 · 2^n` steps each (sums, excesses, selection) and whose working
    /// sets hold about `8n` coalitions (`n` pivots of `8n · n` each); the table, the sums and
    /// two flags per coalition in memory.
    fn cost(&self, game: &dyn Game) -> Cost {
        let n = game.players();
        if n > self.limit.min(MAX_ENUMERATED_PLAYERS) {
            return Cost::default(); // refused at once
        }
        let table = Cost::table(game, 0.0);
        let rows = 2f64.powi(n as i32);
        let n = n as f64;
        let programmes = 8.0 * n;
        Cost::new(
            table.steps + programmes * (3.0 * rows + 8.0 * n * n * n),
            table.bytes + rows * 18.0,
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
        let scale = v.iter().fold(1.0f64, |m, x| m.max(x.abs()));
        let tol = TOL * scale;
        let mut lp = Programme {
            n,
            v: &v,
            imputations: (0..n).map(|i| v[1 << i]).sum::<f64>() <= grand + tol,
            fixed: Vec::new(),
            slack: tol * 1e-3,
            cap: scale,
        };
        let mut coalitions = Coalitions::new(n, &v);
        let mut span = Span::new(n);
        span.add(full);
        while span.rank() < n && coalitions.fixed.iter().any(|&f| !f) {
            let (_, t_star) = generated(&lp, &mut coalitions, Goal::Level, tol)?;
            let tight = coalitions.tight(t_star - tol);
            let fixed = fix_level(&lp, &mut coalitions, t_star, tight, tol, &span)?;
            coalitions.fix(&fixed);
            for s in fixed {
                span.add(s);
                lp.fixed.push((s, t_star));
            }
        }
        let mut rows: Vec<(u64, f64)> = lp
            .fixed
            .iter()
            .map(|&(s, e)| (s, v[s as usize] - e))
            .collect();
        rows.push((full, grand));
        let x = match determined(n, &rows) {
            Some(x) => x,
            None => generated(&lp, &mut coalitions, Goal::Level, tol)?.0,
        };
        Ok(Allocation::exact(x, 1u64 << n))
    }
}

/// The coalitions to fix at level `t*` among those tight at the level's solution: the ones the
/// fixed coalitions determine, then a basis of the others that no optimum lowers (see the
/// module's step 2). Never empty: if rounding made every tight coalition look lowerable, they
/// are all fixed (progress is certain, as in exact arithmetic some must be).
fn fix_level(
    lp: &Programme,
    coalitions: &mut Coalitions,
    t_star: f64,
    tight: Vec<u64>,
    tol: f64,
    span: &Span,
) -> Result<Vec<u64>, CreditError> {
    let (mut fixed, mut open): (Vec<u64>, Vec<u64>) =
        tight.iter().partition(|&&s| span.contains(s));
    while !open.is_empty() {
        let mut basis = span.clone();
        let b: Vec<u64> = open.iter().copied().filter(|&s| basis.add(s)).collect();
        let goal = Goal::Lower {
            t: t_star,
            lower: &b,
        };
        // `generated` leaves the sums at its solution.
        generated(lp, coalitions, goal, tol)?;
        let lowered = |s: u64| coalitions.excess(s as usize) < t_star - tol;
        if !b.iter().any(|&s| lowered(s)) {
            fixed.extend(b);
            break;
        }
        open.retain(|&s| !lowered(s));
    }
    if fixed.is_empty() {
        return Ok(tight);
    }
    Ok(fixed)
}
