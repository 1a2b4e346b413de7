//! Small statistics: the Student t quantile behind the 95% intervals of sweep summaries.

/// Two-sided 95% quantiles `t_{0.975, ν}` of Student's t for ν = 1..=30 (to 9 digits).
const T975: [f64; 30] = [
    12.706204736,
    4.302652730,
    3.182446305,
    2.776445105,
    2.570581836,
    2.446911851,
    2.364624252,
    2.306004135,
    2.262157163,
    2.228138852,
    2.200985160,
    2.178812830,
    2.160368656,
    2.144786688,
    2.131449546,
    2.119905299,
    2.109815578,
    2.100922040,
    2.093024054,
    2.085963447,
    2.079613845,
    2.073873068,
    2.068657610,
    2.063898562,
    2.059538553,
    2.055529439,
    2.051830516,
    2.048407142,
    2.045229642,
    2.042272456,
];

/// `t_{0.975, ν}`, the quantile of Student's t with ν degrees of freedom that leaves 2.5% above
/// it: tabulated for ν ≤ 30, and above by the Cornish–Fisher expansion around the normal
/// quantile z = 1.959964 to order ν⁻⁴ (error below 1e-7 there). NaN for ν = 0.
pub fn t975(nu: u64) -> f64 {
    if nu == 0 {
        return f64::NAN;
    }
    if let Some(&t) = T975.get(nu as usize - 1) {
        return t;
    }
    let z: f64 = 1.959_963_984_540_054;
    let v = nu as f64;
    let g1 = (z.powi(3) + z) / 4.0;
    let g2 = (5.0 * z.powi(5) + 16.0 * z.powi(3) + 3.0 * z) / 96.0;
    let g3 = (3.0 * z.powi(7) + 19.0 * z.powi(5) + 17.0 * z.powi(3) - 15.0 * z) / 384.0;
    let g4 = (79.0 * z.powi(9) + 776.0 * z.powi(7) + 1482.0 * z.powi(5)
        - 1920.0 * z.powi(3)
        - 945.0 * z)
        / 92160.0;
    z + g1 / v + g2 / v.powi(2) + g3 / v.powi(3) + g4 / v.powi(4)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_published_quantiles() {
        // R: qt(0.975, c(1, 10, 30, 31, 40, 60, 120, 1000))
        for (nu, t) in [
            (1, 12.706204736),
            (10, 2.228138852),
            (30, 2.042272456),
            (31, 2.039513446),
            (40, 2.021075390),
            (60, 2.000297822),
            (120, 1.979930405),
            (1000, 1.962339081),
        ] {
            assert!((t975(nu) - t).abs() < 1e-6, "ν = {nu}: {} vs {t}", t975(nu));
        }
        assert!(t975(0).is_nan());
        // The expansion joins the table smoothly.
        let z = 1.959_963_984_540_054;
        assert!((1..200).all(|n| t975(n) > t975(n + 1) && t975(n) > z));
    }
}
