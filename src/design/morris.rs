//! Morris's elementary-effects design: r trajectories of k + 1 points on a grid of p levels,
//! each step moving one factor by Δ = p / (2 (p − 1)).
//!
//! A trajectory starts from a base point whose every coordinate is a level of the lower half,
//! `ℓ / (p − 1)` with ℓ < p / 2, and a direction ±1 per factor: a factor going down starts Δ
//! higher. It then moves the factors one at a time, in a random order, each by its direction
//! times Δ, so every level visited stays in [0, 1] (Morris 1991; levels, base, directions and
//! order uniformly random, from one named stream of the experiment's seed). Points are laid out
//! trajectory by trajectory: point `t (k + 1) + m` is step m of trajectory t.

use serde::{Deserialize, Serialize};

use crate::dist::below;
use crate::rng::stream;

/// The step of a trajectory from one point to the next: the factor moved and its direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    /// The factor moved.
    pub factor: usize,
    /// +1 up, −1 down.
    pub sign: i8,
}

/// The step Δ of a grid of `p` levels.
pub fn delta(p: u32) -> f64 {
    f64::from(p) / (2.0 * f64::from(p - 1))
}

/// `r` trajectories over `k` factors on `p` levels (p even, ≥ 2), from `seed`: the r (k + 1)
/// points and, per trajectory, its k steps.
pub fn trajectories(seed: u64, r: usize, k: usize, p: u32) -> (Vec<Vec<f64>>, Vec<Vec<Step>>) {
    let mut rng = stream(seed, "design/morris");
    let (d, top) = (delta(p), u64::from(p / 2));
    let mut points = Vec::with_capacity(r * (k + 1));
    let mut steps = Vec::with_capacity(r);
    for _ in 0..r {
        let mut order: Vec<usize> = (0..k).collect();
        for i in (1..k).rev() {
            order.swap(i, below(&mut rng, i as u64 + 1) as usize);
        }
        let mut x = vec![0.0; k];
        let mut signs = vec![1i8; k];
        for i in 0..k {
            let base = below(&mut rng, top) as f64 / f64::from(p - 1);
            signs[i] = if below(&mut rng, 2) == 0 { 1 } else { -1 };
            x[i] = if signs[i] > 0 { base } else { base + d };
        }
        points.push(x.clone());
        let mut path = Vec::with_capacity(k);
        for &i in &order {
            x[i] += f64::from(signs[i]) * d;
            points.push(x.clone());
            path.push(Step {
                factor: i,
                sign: signs[i],
            });
        }
        steps.push(path);
    }
    (points, steps)
}

#[cfg(test)]
mod tests {
    use super::{delta, trajectories};

    #[test]
    fn each_step_moves_one_factor_by_delta_within_the_grid() {
        let (r, k, p) = (20, 6, 4);
        let (pts, steps) = trajectories(3, r, k, p);
        assert_eq!(pts.len(), r * (k + 1));
        let d = delta(p);
        assert!((d - 2.0 / 3.0).abs() < 1e-15);
        for t in 0..r {
            let mut seen = vec![false; k];
            for (m, s) in steps[t].iter().enumerate() {
                let (a, b) = (&pts[t * (k + 1) + m], &pts[t * (k + 1) + m + 1]);
                for i in 0..k {
                    if i == s.factor {
                        assert!((b[i] - a[i] - f64::from(s.sign) * d).abs() < 1e-12);
                    } else {
                        assert_eq!(a[i], b[i]);
                    }
                    // On the grid of p levels.
                    let level = b[i] * f64::from(p - 1);
                    assert!((level - level.round()).abs() < 1e-9 && (0.0..=1.0).contains(&b[i]));
                }
                seen[s.factor] = true;
            }
            assert!(seen.iter().all(|&s| s), "every factor moves once");
        }
    }
}
