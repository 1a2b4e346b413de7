//! Latin hypercube sampling: n points in [0, 1)^k such that each of the n equal slices of every
//! axis holds exactly one point.
//!
//! Axis d of point j is `(π_d(j) + v) / n`, with π_d a uniformly random permutation of 0..n (a
//! Fisher–Yates shuffle) and v uniform on [0, 1), all drawn from one named stream of the
//! experiment's seed, axis by axis.

use crate::dist::{below, unit};
use crate::rng::stream;

/// `n` points of a Latin hypercube in `k` dimensions, from `seed`.
pub fn points(seed: u64, n: usize, k: usize) -> Vec<Vec<f64>> {
    let mut rng = stream(seed, "design/lhs");
    let mut out = vec![vec![0.0; k]; n];
    for d in 0..k {
        let mut perm: Vec<usize> = (0..n).collect();
        for i in (1..n).rev() {
            perm.swap(i, below(&mut rng, i as u64 + 1) as usize);
        }
        for (point, &slot) in out.iter_mut().zip(&perm) {
            point[d] = (slot as f64 + unit(&mut rng)) / n as f64;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_slice_of_every_axis_holds_one_point() {
        let (n, k) = (37, 5);
        let pts = super::points(7, n, k);
        for d in 0..k {
            let mut slots: Vec<usize> = pts.iter().map(|p| (p[d] * n as f64) as usize).collect();
            slots.sort_unstable();
            assert_eq!(slots, (0..n).collect::<Vec<_>>());
        }
        assert_eq!(pts, super::points(7, n, k));
        assert_ne!(pts, super::points(8, n, k));
    }
}
