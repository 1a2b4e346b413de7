//! Saltelli's design for Sobol indices: two independent matrices A and B of N points each, and
//! for every factor i the matrix AB_i, A with its column i taken from B.
//!
//! A and B are the first and last k coordinates of the first N points of a 2k-dimensional Sobol
//! sequence with Joe–Kuo direction numbers, Owen-scrambled (the `sobol_burley` crate; the
//! scramble is seeded from the experiment's seed). Points are laid out row by row as SALib does:
//! for row j, `A_j, AB_1j, …, AB_kj, B_j` — point `j (k + 2) + m`. A Sobol sequence is balanced
//! only over a power of two of points, so N must be one; the crate holds 2^16 points of up to
//! 256 dimensions, so N ≤ 65,536 and k ≤ 128.

/// The most points of the sequence.
pub const MAX_N: usize = 1 << 16;
/// The most factors (two sequence dimensions each).
pub const MAX_FACTORS: usize = 128;

/// The scramble seed of the sequence for an experiment's `seed`.
fn scramble(seed: u64) -> u32 {
    let mut rng = crate::rng::stream(seed, "design/sobol");
    crate::dist::below(&mut rng, 1 << 32) as u32
}

/// The N (k + 2) points of Saltelli's design over k factors, row by row.
pub fn points(seed: u64, n: usize, k: usize) -> Vec<Vec<f64>> {
    let s = scramble(seed);
    let at = |j: usize, d: usize| f64::from(sobol_burley::sample(j as u32, d as u32, s));
    let mut out = Vec::with_capacity(n * (k + 2));
    for j in 0..n {
        let a: Vec<f64> = (0..k).map(|d| at(j, d)).collect();
        let b: Vec<f64> = (0..k).map(|d| at(j, k + d)).collect();
        out.push(a.clone());
        for i in 0..k {
            let mut ab = a.clone();
            ab[i] = b[i];
            out.push(ab);
        }
        out.push(b);
    }
    out
}

/// The index of row `j` of matrix `m` among the points.
pub fn index(k: usize, j: usize, m: Matrix) -> usize {
    let base = j * (k + 2);
    match m {
        Matrix::A => base,
        Matrix::AB(i) => base + 1 + i,
        Matrix::B => base + k + 1,
    }
}

/// One of the matrices of the design.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Matrix {
    /// A.
    A,
    /// AB_i: A with column i from B.
    AB(usize),
    /// B.
    B,
}

#[cfg(test)]
mod tests {
    use super::{Matrix, index, points};

    #[test]
    fn rows_are_a_then_each_ab_then_b() {
        let (n, k) = (8, 3);
        let pts = points(5, n, k);
        assert_eq!(pts.len(), n * (k + 2));
        for j in 0..n {
            let a = &pts[index(k, j, Matrix::A)];
            let b = &pts[index(k, j, Matrix::B)];
            for i in 0..k {
                let ab = &pts[index(k, j, Matrix::AB(i))];
                for (d, &x) in ab.iter().enumerate() {
                    assert_eq!(x, if d == i { b[d] } else { a[d] });
                }
            }
        }
        // A Sobol sequence over a power of two: each half of every axis holds half the points.
        let rows_of_a: Vec<&Vec<f64>> = (0..n).map(|j| &pts[index(k, j, Matrix::A)]).collect();
        for d in 0..k {
            let low = rows_of_a.iter().filter(|a| a[d] < 0.5).count();
            assert_eq!(low, n / 2);
        }
        assert_eq!(pts, points(5, n, k));
        assert_ne!(pts, points(6, n, k));
    }
}
