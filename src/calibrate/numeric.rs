//! The numerics of the latent fit: Gauss–Hermite quadrature for a standard normal effect, the
//! Cholesky solve and inverse of a symmetric positive definite matrix, and the BFGS update of an
//! inverse Hessian. Plain slices, row-major `n × n`.

/// Quadrature nodes per latent effect.
pub const NODES: usize = 20;

/// The quadrature: Gauss–Hermite nodes and weights (summing to 1) for a standard normal, exact
/// for polynomials of degree up to 2·NODES − 1 (the nodes of ∫ e^(−x²) f(x) dx by Newton's method
/// on the Hermite recurrence, then z = √2·x).
pub fn quadrature() -> ([f64; NODES], [f64; NODES]) {
    static RULE: std::sync::OnceLock<([f64; NODES], [f64; NODES])> = std::sync::OnceLock::new();
    *RULE.get_or_init(gauss_hermite)
}

/// The Gauss–Hermite rule of [`NODES`] nodes, computed once by [`quadrature`].
fn gauss_hermite() -> ([f64; NODES], [f64; NODES]) {
    let n = NODES;
    let mut x = [0.0; NODES];
    let mut w = [0.0; NODES];
    let pim4 = std::f64::consts::PI.powf(-0.25);
    let mut z = 0.0f64;
    for i in 0..n.div_ceil(2) {
        z = match i {
            0 => (2.0 * n as f64 + 1.0).sqrt() - 1.85575 * (2.0 * n as f64 + 1.0).powf(-1.0 / 6.0),
            1 => z - 1.14 * (n as f64).powf(0.426) / z,
            2 => 1.86 * z - 0.86 * x[0],
            3 => 1.91 * z - 0.91 * x[1],
            _ => 2.0 * z - x[i - 2],
        };
        let mut pp = 0.0;
        for _ in 0..100 {
            let (mut p1, mut p2) = (pim4, 0.0);
            for j in 0..n {
                let p3 = p2;
                p2 = p1;
                p1 = z * (2.0 / (j + 1) as f64).sqrt() * p2
                    - (j as f64 / (j + 1) as f64).sqrt() * p3;
            }
            pp = (2.0 * n as f64).sqrt() * p2;
            let z1 = z;
            z = z1 - p1 / pp;
            if (z - z1).abs() <= 1e-15 {
                break;
            }
        }
        x[i] = z;
        x[n - 1 - i] = -z;
        w[i] = 2.0 / (pp * pp);
        w[n - 1 - i] = w[i];
    }
    let total: f64 = w.iter().sum();
    let mut nodes = [0.0; NODES];
    for i in 0..n {
        nodes[i] = x[n - 1 - i] * std::f64::consts::SQRT_2;
        w[i] /= total;
    }
    (nodes, w)
}

/// Solves `H s = g` for symmetric positive definite H (n × n) by Cholesky; `None` when H is not.
pub fn solve(h: &[f64], g: &[f64], n: usize) -> Option<Vec<f64>> {
    let mut l = vec![0.0; n * n];
    for i in 0..n {
        for j in 0..=i {
            let s: f64 = (0..j).map(|k| l[i * n + k] * l[j * n + k]).sum();
            if i == j {
                let d = h[i * n + i] - s;
                if d <= 1e-12 * h[i * n + i].abs().max(1e-300) {
                    return None;
                }
                l[i * n + i] = d.sqrt();
            } else {
                l[i * n + j] = (h[i * n + j] - s) / l[j * n + j];
            }
        }
    }
    let mut y = vec![0.0; n];
    for i in 0..n {
        y[i] = (g[i] - (0..i).map(|k| l[i * n + k] * y[k]).sum::<f64>()) / l[i * n + i];
    }
    let mut s = vec![0.0; n];
    for i in (0..n).rev() {
        s[i] = (y[i] - (i + 1..n).map(|k| l[k * n + i] * s[k]).sum::<f64>()) / l[i * n + i];
    }
    Some(s)
}

/// The inverse of a symmetric positive definite matrix (the covariance from the information).
pub fn inverse(h: &[f64], n: usize) -> Option<Vec<f64>> {
    let mut inv = vec![0.0; n * n];
    for c in 0..n {
        let e: Vec<f64> = (0..n).map(|i| f64::from(u8::from(i == c))).collect();
        let col = solve(h, &e, n)?;
        for i in 0..n {
            inv[i * n + c] = col[i];
        }
    }
    Some(inv)
}

/// The BFGS update of the inverse Hessian `h` (of the function minimised, here −f) with the
/// step `s` and the change `y` of its gradient, `sᵀy > 0`.
pub fn bfgs_update(h: &mut [f64], s: &[f64], y: &[f64], sy: f64, n: usize) {
    let rho = 1.0 / sy;
    let hy: Vec<f64> = (0..n)
        .map(|i| (0..n).map(|j| h[i * n + j] * y[j]).sum())
        .collect();
    let yhy: f64 = y.iter().zip(&hy).map(|(a, b)| a * b).sum();
    for i in 0..n {
        for j in 0..n {
            h[i * n + j] +=
                -rho * (hy[i] * s[j] + s[i] * hy[j]) + (rho * rho * yhy + rho) * s[i] * s[j];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_quadrature_integrates_moments_of_a_normal_exactly() {
        // E[z^k] of a standard normal: 1, 0, 1, 0, 3, 0, 15, ... exact up to degree 2·NODES − 1.
        let (x, w) = quadrature();
        let mut double_factorial = 1.0;
        for k in 0..2 * NODES as i32 {
            let m: f64 = x.iter().zip(&w).map(|(z, wi)| wi * z.powi(k)).sum();
            let want = if k % 2 == 1 {
                0.0
            } else {
                let v = double_factorial;
                double_factorial *= f64::from(k + 1);
                v
            };
            // Relative to the size of the terms summed (odd moments cancel large terms).
            let scale: f64 = x.iter().zip(&w).map(|(z, wi)| wi * z.abs().powi(k)).sum();
            assert!(
                (m - want).abs() <= 1e-12 * scale.max(1.0),
                "E[z^{k}] = {m}, not {want}"
            );
        }
    }

    #[test]
    fn cholesky_solves_and_inverts_and_refuses_an_indefinite_matrix() {
        let h = [4.0, 2.0, 2.0, 3.0];
        let s = solve(&h, &[2.0, 1.0], 2).unwrap();
        assert!(
            (4.0 * s[0] + 2.0 * s[1] - 2.0).abs() < 1e-12
                && (2.0 * s[0] + 3.0 * s[1] - 1.0).abs() < 1e-12
        );
        let inv = inverse(&h, 2).unwrap();
        // [[3, -2], [-2, 4]] / 8
        for (a, b) in inv.iter().zip([0.375, -0.25, -0.25, 0.5]) {
            assert!((a - b).abs() < 1e-12);
        }
        assert!(solve(&[1.0, 2.0, 2.0, 1.0], &[1.0, 1.0], 2).is_none());
    }

    #[test]
    fn the_bfgs_update_satisfies_the_secant_condition() {
        // After the update, H y = s.
        let mut h = vec![1.0, 0.0, 0.0, 1.0];
        let (s, y) = ([0.5, -0.2], [1.0, 0.3]);
        let sy = s[0] * y[0] + s[1] * y[1];
        bfgs_update(&mut h, &s, &y, sy, 2);
        for i in 0..2 {
            let hy = h[i * 2] * y[0] + h[i * 2 + 1] * y[1];
            assert!((hy - s[i]).abs() < 1e-12);
        }
    }
}
