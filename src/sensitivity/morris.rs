//! Morris's elementary effects: μ*, μ and σ per factor from complete trajectories.
//!
//! A step of a trajectory that moves factor i by sign·Δ (in the unit hypercube) from output
//! y_before to y_after gives the elementary effect `EE = (y_after − y_before) / (sign · Δ)`:
//! the change of the output per unit of the factor's range (its whole range = 1), so effects
//! of factors are comparable. Over the r trajectories used:
//!
//! ```text
//! μ_i = mean(EE_i),  μ*_i = mean(|EE_i|) (Campolongo et al. 2007),  σ_i = sd(EE_i) (n − 1)
//! ```

/// The elementary effects of every factor, by factor then trajectory.
pub type Effects = Vec<Vec<f64>>;

/// μ*, μ and σ of every factor from the trajectories `pick` (a trajectory may repeat, as in a
/// bootstrap resample).
pub fn indices(effects: &Effects, pick: &[usize]) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    let n = pick.len() as f64;
    let mut mu_star = Vec::with_capacity(effects.len());
    let mut mu = Vec::with_capacity(effects.len());
    let mut sigma = Vec::with_capacity(effects.len());
    for ee in effects {
        let m = pick.iter().map(|&t| ee[t]).sum::<f64>() / n;
        let ms = pick.iter().map(|&t| ee[t].abs()).sum::<f64>() / n;
        let ss = pick.iter().map(|&t| (ee[t] - m).powi(2)).sum::<f64>();
        mu.push(m);
        mu_star.push(ms);
        sigma.push(if n > 1.0 {
            (ss / (n - 1.0)).sqrt()
        } else {
            f64::NAN
        });
    }
    (mu_star, mu, sigma)
}
