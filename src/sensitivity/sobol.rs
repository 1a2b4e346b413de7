//! Sobol indices from Saltelli's design: first order by Saltelli's (2010) estimator, total
//! order by Jansen's (1999), as SALib computes them.
//!
//! With f_A, f_B and f_ABi the outputs at row j of A, B and AB_i over the N rows used, m the
//! mean of every output of those rows (SALib centres the outputs on it first; it lowers the
//! first-order estimator's variance and changes nothing else), and V the variance (denominator
//! 2N) of the 2N outputs of A and B together:
//!
//! ```text
//! S1_i = mean_j( (f_B − m) (f_ABi − f_A) ) / V
//! ST_i = mean_j( (f_A − f_ABi)² ) / (2 V)
//! ```
//!
//! Both are undefined (NaN) when V = 0. A bootstrap resample keeps m, as SALib does.

/// The outputs of the complete rows of a Saltelli design: `a[j]`, `b[j]`, and `ab[i][j]`.
#[derive(Debug, Clone, Default)]
pub struct Rows {
    /// f(A_j).
    pub a: Vec<f64>,
    /// f(B_j).
    pub b: Vec<f64>,
    /// f(AB_ij), by factor then row.
    pub ab: Vec<Vec<f64>>,
}

impl Rows {
    /// The mean of every output of the rows.
    pub fn centre(&self) -> f64 {
        let all = self.a.iter().chain(&self.b).chain(self.ab.iter().flatten());
        let (sum, n) = all.fold((0.0, 0usize), |(s, n), &y| (s + y, n + 1));
        if n == 0 { 0.0 } else { sum / n as f64 }
    }
}

/// First- and total-order indices of every factor, from the rows `pick` (a row may repeat, as
/// in a bootstrap resample), the outputs centred on `centre` ([`Rows::centre`]).
pub fn indices(rows: &Rows, pick: &[usize], centre: f64) -> (Vec<f64>, Vec<f64>) {
    let n = pick.len() as f64;
    let mean = pick.iter().map(|&j| rows.a[j] + rows.b[j]).sum::<f64>() / (2.0 * n);
    let var = pick
        .iter()
        .map(|&j| (rows.a[j] - mean).powi(2) + (rows.b[j] - mean).powi(2))
        .sum::<f64>()
        / (2.0 * n);
    let undefined = var <= 0.0 || !var.is_finite();
    let mut s1 = Vec::with_capacity(rows.ab.len());
    let mut st = Vec::with_capacity(rows.ab.len());
    for ab in &rows.ab {
        if undefined {
            s1.push(f64::NAN);
            st.push(f64::NAN);
            continue;
        }
        let (mut first, mut total) = (0.0, 0.0);
        for &j in pick {
            first += (rows.b[j] - centre) * (ab[j] - rows.a[j]);
            total += (rows.a[j] - ab[j]).powi(2);
        }
        s1.push(first / n / var);
        st.push(total / n / (2.0 * var));
    }
    (s1, st)
}
