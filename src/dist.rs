//! Distributions of values in [0, 1] that a scenario can draw from: skills and difficulties.
//!
//! Written in scenario files as a number (`0.8`) or a call (`uniform(0.6, 1)`, `beta(2, 5)`,
//! `normal(0.7, 0.1)`); [`Dist::parse`] checks the parameters once, so that [`Dist::sample`]
//! cannot fail. Samples are clipped to the interval the caller states.

use rand::Rng;
use rand_distr::{Beta, Distribution, Normal};

use crate::syntax::spec::{ParamDef, SpecDef, resolve};

/// A validated distribution over real numbers.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Dist {
    /// Always this value.
    Fixed(f64),
    /// Uniform on [low, high).
    Uniform {
        /// Lower bound.
        low: f64,
        /// Upper bound.
        high: f64,
    },
    /// Beta(a, b) on (0, 1).
    Beta {
        /// First shape parameter (> 0).
        a: f64,
        /// Second shape parameter (> 0).
        b: f64,
    },
    /// Normal(mean, sd), clipped to the caller's interval.
    Normal {
        /// Mean.
        mean: f64,
        /// Standard deviation (≥ 0).
        sd: f64,
    },
}

const UNIT: ParamDef = ParamDef {
    name: "",
    min: 0.0,
    max: 1.0,
    integer: false,
    default: None,
};
const POSITIVE: ParamDef = ParamDef {
    name: "",
    min: 1e-9,
    max: f64::INFINITY,
    integer: false,
    default: None,
};

/// The distributions, as written in scenario files.
pub const DISTRIBUTIONS: &[SpecDef] = &[
    SpecDef {
        name: "uniform",
        doc: "uniform on [low, high)",
        params: &[
            ParamDef {
                name: "low",
                ..UNIT
            },
            ParamDef {
                name: "high",
                ..UNIT
            },
        ],
    },
    SpecDef {
        name: "beta",
        doc: "Beta(a, b)",
        params: &[
            ParamDef {
                name: "a",
                ..POSITIVE
            },
            ParamDef {
                name: "b",
                ..POSITIVE
            },
        ],
    },
    SpecDef {
        name: "normal",
        doc: "Normal(mean, sd), clipped to [0, 1]",
        params: &[
            ParamDef {
                name: "mean",
                ..UNIT
            },
            ParamDef {
                name: "sd",
                min: 0.0,
                max: f64::INFINITY,
                ..UNIT
            },
        ],
    },
];

const NONNEGATIVE: ParamDef = ParamDef {
    name: "",
    min: 0.0,
    max: f64::INFINITY,
    integer: false,
    default: None,
};

/// The distributions of non-negative quantities (private values), as written in scenario
/// files: the same as [`DISTRIBUTIONS`] with uniform and normal parameters ≥ 0 unbounded above.
pub const VALUE_DISTRIBUTIONS: &[SpecDef] = &[
    SpecDef {
        name: "uniform",
        doc: "uniform on [low, high)",
        params: &[
            ParamDef {
                name: "low",
                ..NONNEGATIVE
            },
            ParamDef {
                name: "high",
                ..NONNEGATIVE
            },
        ],
    },
    DISTRIBUTIONS[1],
    SpecDef {
        name: "normal",
        doc: "Normal(mean, sd), clipped to [0, ∞)",
        params: &[
            ParamDef {
                name: "mean",
                ..NONNEGATIVE
            },
            ParamDef {
                name: "sd",
                ..NONNEGATIVE
            },
        ],
    },
];

impl Dist {
    /// Parses a distribution on [0, 1] written as a call; checks that `low ≤ high`.
    pub fn parse(text: &str) -> Result<Dist, String> {
        Self::parse_in(text, DISTRIBUTIONS)
    }

    /// Parses a distribution of a non-negative quantity ([`VALUE_DISTRIBUTIONS`]).
    pub fn parse_nonnegative(text: &str) -> Result<Dist, String> {
        Self::parse_in(text, VALUE_DISTRIBUTIONS)
    }

    fn parse_in(text: &str, registry: &[SpecDef]) -> Result<Dist, String> {
        let (i, v) = resolve(text, "distribution", registry)?;
        Ok(match registry[i].name {
            "uniform" => {
                if v[0] > v[1] {
                    return Err(format!(
                        "`uniform(low, high)` needs low ≤ high, found low = {} and high = {}",
                        v[0], v[1]
                    ));
                }
                Dist::Uniform {
                    low: v[0],
                    high: v[1],
                }
            }
            "beta" => Dist::Beta { a: v[0], b: v[1] },
            _ => Dist::Normal {
                mean: v[0],
                sd: v[1],
            },
        })
    }

    /// Draws one value, clipped to `[lo, hi]`.
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R, lo: f64, hi: f64) -> f64 {
        let x = match *self {
            Dist::Fixed(x) => x,
            Dist::Uniform { low, high } => {
                if high > low {
                    low + (high - low) * unit(rng)
                } else {
                    low
                }
            }
            // Parameters were checked by `parse`, so construction cannot fail; the fallback keeps
            // the simulation total anyway.
            Dist::Beta { a, b } => Beta::new(a, b).map_or(a / (a + b), |d| d.sample(rng)),
            Dist::Normal { mean, sd } => Normal::new(mean, sd).map_or(mean, |d| d.sample(rng)),
        };
        x.clamp(lo, hi)
    }
}

/// A uniform draw from [0, 1) with 53 random bits, the same on every platform.
pub fn unit<R: Rng + ?Sized>(rng: &mut R) -> f64 {
    (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// A uniform draw from `0..n` (n ≥ 1) by Lemire's multiply-shift with rejection, unbiased and
/// the same on every platform.
pub fn below<R: Rng + ?Sized>(rng: &mut R, n: u64) -> u64 {
    debug_assert!(n > 0);
    let threshold = n.wrapping_neg() % n;
    loop {
        let m = u128::from(rng.next_u64()) * u128::from(n);
        if (m as u64) >= threshold {
            return (m >> 64) as u64;
        }
    }
}

/// True with probability `p`.
pub fn chance<R: Rng + ?Sized>(rng: &mut R, p: f64) -> bool {
    p >= 1.0 || (p > 0.0 && unit(rng) < p)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::stream;

    #[test]
    fn parses_and_checks() {
        assert_eq!(
            Dist::parse("uniform(0.2, 0.4)").unwrap(),
            Dist::Uniform {
                low: 0.2,
                high: 0.4
            }
        );
        assert!(
            Dist::parse("uniform(0.4, 0.2)")
                .unwrap_err()
                .contains("low ≤ high")
        );
        assert!(Dist::parse("beta(0, 1)").is_err());
        assert!(
            Dist::parse("unifrom(0, 1)")
                .unwrap_err()
                .contains("did you mean `uniform`")
        );
    }

    #[test]
    fn sample_means_match() {
        let mut rng = stream(7, "test");
        for (d, m) in [
            (
                Dist::Uniform {
                    low: 0.2,
                    high: 0.6,
                },
                0.4,
            ),
            (Dist::Beta { a: 2.0, b: 6.0 }, 0.25),
            (
                Dist::Normal {
                    mean: 0.5,
                    sd: 0.05,
                },
                0.5,
            ),
        ] {
            let n = 40_000;
            let mean = (0..n).map(|_| d.sample(&mut rng, 0.0, 1.0)).sum::<f64>() / n as f64;
            assert!((mean - m).abs() < 0.01, "{d:?}: {mean} vs {m}");
        }
    }

    #[test]
    fn below_is_uniform() {
        let mut rng = stream(1, "below");
        let mut counts = [0u32; 3];
        for _ in 0..30_000 {
            counts[below(&mut rng, 3) as usize] += 1;
        }
        for c in counts {
            assert!((c as i64 - 10_000).abs() < 400, "{counts:?}");
        }
    }
}
