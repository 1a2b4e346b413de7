//! Privacy mechanisms for private aggregation: how a participant's private value travels to the
//! coordinator that sums it, what the coordinator learns, what that costs in privacy budget, in
//! messages, rounds, bytes and compute.
//!
//! Every mechanism (one file each) implements [`PrivacyMechanism`]; [`PrivacyKind`] is the
//! registry (a name with parameters, parsed like every other pluggable choice) and
//! [`PRIVACY_MECHANISMS`] documents it. Values are first clipped to `[0, bound]`, so that one
//! participant changes a sum by at most the *sensitivity* `Δ = bound`:
//!
//! - `none`: the value itself; exact, and the coordinator sees it (one value exposed);
//! - `laplace(epsilon, bound)`: value + Laplace(b), `b = Δ/ε`; ε-differentially private;
//! - `gaussian(epsilon, delta, bound)`: value + N(0, σ²) with σ from the analytic Gaussian
//!   mechanism (see [`gaussian::analytic_sigma`]); (ε, δ)-differentially private;
//! - `secure_aggregation`: pairwise additive masks that cancel in the sum; exact, nothing
//!   exposed, three extra rounds and the messages of [`secure_aggregation`];
//! - `homomorphic(ciphertext_bytes, encrypt_ms, add_ms, decrypt_ms)`: a cost model of additively
//!   homomorphic encryption with a separate key holder; exact, nothing exposed.
//!
//! Budgets are accounted in [`accounting`].

pub mod accounting;
pub mod gaussian;
pub mod homomorphic;
pub mod laplace;
pub mod no_privacy;
pub mod normal;
pub mod secure_aggregation;

use rand::Rng;

pub use gaussian::Gaussian;
pub use homomorphic::Homomorphic;
pub use laplace::Laplace;
pub use no_privacy::NoPrivacy;
pub use secure_aggregation::SecureAggregation;

use crate::syntax::spec::{ParamDef, SpecDef, resolve};

/// What the coordinator receives for one participant's value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Release {
    /// The number that enters the sum (for masking protocols: the value, as the masks cancel).
    pub reported: f64,
    /// Whether the coordinator learns the value itself.
    pub exposed: bool,
}

/// The protocol cost of one aggregation of `k` values, beyond the `k` reports themselves.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Overhead {
    /// Extra messages.
    pub messages: u64,
    /// Extra rounds (each a round trip between the participants and the coordinator).
    pub rounds: u32,
    /// Bytes per report beyond a plaintext number (ciphertext expansion).
    pub extra_bytes_per_value: u64,
    /// Modelled compute, in seconds, over all parties.
    pub compute_seconds: f64,
}

/// Where the coordinator sits relative to the participants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// Through a coordinator, `hops` links away from each participant (star: 1, a hierarchy: d).
    Server {
        /// Links between a participant and the coordinator.
        hops: u32,
    },
    /// Participants talk to each other directly (decentralized).
    PeerToPeer,
}

/// A privacy mechanism for summing private values.
pub trait PrivacyMechanism {
    /// The registry name.
    fn name(&self) -> &'static str;
    /// The clipping bound (also the sensitivity of a sum); `None` when values are not clipped.
    fn bound(&self) -> Option<f64>;
    /// The report of the clipped value `x`, drawing any noise from `rng`.
    fn release<R: Rng + ?Sized>(&self, x: f64, rng: &mut R) -> Release;
    /// The (ε, δ) one release spends from its owner's budget ((0, 0): none).
    fn cost(&self) -> (f64, f64);
    /// The protocol overhead of aggregating `k` values in `layout`.
    fn overhead(&self, k: u64, layout: Layout) -> Overhead;
}

/// The registry of privacy mechanisms.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PrivacyKind {
    /// Exact, exposed.
    None(NoPrivacy),
    /// Laplace noise.
    Laplace(Laplace),
    /// Gaussian noise.
    Gaussian(Gaussian),
    /// Pairwise masking.
    SecureAggregation(SecureAggregation),
    /// Additively homomorphic encryption (cost model).
    Homomorphic(Homomorphic),
}

const EPSILON: ParamDef = ParamDef {
    name: "epsilon",
    min: 0.0,
    max: 1e6,
    integer: false,
    default: None,
};
const BOUND: ParamDef = ParamDef {
    name: "bound",
    min: 0.0,
    max: 1e300,
    integer: false,
    default: None,
};

/// How each privacy mechanism is written, in the order of [`PrivacyKind`]'s variants.
pub const PRIVACY_MECHANISMS: &[SpecDef] = &[
    SpecDef {
        name: "none",
        doc: "exact; every value exposed to the coordinator",
        params: &[],
    },
    SpecDef {
        name: "laplace",
        doc: "value clipped to [0, bound] plus Laplace(bound / epsilon) noise",
        params: &[EPSILON, BOUND],
    },
    SpecDef {
        name: "gaussian",
        doc: "value clipped to [0, bound] plus Gaussian noise of the analytic calibration",
        params: &[
            EPSILON,
            ParamDef {
                name: "delta",
                min: 0.0,
                max: 1.0,
                integer: false,
                default: None,
            },
            BOUND,
        ],
    },
    SpecDef {
        name: "secure_aggregation",
        doc: "pairwise masks that cancel in the sum: exact, nothing exposed, 3 more rounds",
        params: &[],
    },
    SpecDef {
        name: "homomorphic",
        doc: "additively homomorphic encryption (cost model): exact, nothing exposed",
        params: &[
            ParamDef {
                name: "ciphertext_bytes",
                min: 1.0,
                max: 1e9,
                integer: true,
                default: Some(homomorphic::CIPHERTEXT_BYTES as f64),
            },
            ParamDef {
                name: "encrypt_ms",
                min: 0.0,
                max: 1e9,
                integer: false,
                default: Some(homomorphic::ENCRYPT_MS),
            },
            ParamDef {
                name: "add_ms",
                min: 0.0,
                max: 1e9,
                integer: false,
                default: Some(homomorphic::ADD_MS),
            },
            ParamDef {
                name: "decrypt_ms",
                min: 0.0,
                max: 1e9,
                integer: false,
                default: Some(homomorphic::DECRYPT_MS),
            },
        ],
    },
];

impl PrivacyKind {
    /// Parses a mechanism as written in a scenario file. ε must be positive and δ in (0, 1):
    /// the message says so, naming the mechanism.
    pub fn parse(text: &str) -> Result<PrivacyKind, String> {
        let (i, v) = resolve(text, "privacy mechanism", PRIVACY_MECHANISMS)?;
        let name = PRIVACY_MECHANISMS[i].name;
        let positive = |what: &str, x: f64| {
            if x > 0.0 {
                Ok(x)
            } else {
                let why = if what == "epsilon" {
                    " (a privacy loss of 0 would need infinite noise)"
                } else {
                    " (values are clipped to [0, bound])"
                };
                Err(format!("`{what}` of `{name}` must be > 0, found {x}{why}"))
            }
        };
        Ok(match i {
            0 => PrivacyKind::None(NoPrivacy),
            1 => PrivacyKind::Laplace(Laplace::new(
                positive("epsilon", v[0])?,
                positive("bound", v[1])?,
            )),
            2 => {
                let epsilon = positive("epsilon", v[0])?;
                let delta = v[1];
                if !(delta > 0.0 && delta < 1.0) {
                    return Err(format!(
                        "`delta` of `gaussian` must be in (0, 1), found {delta}"
                    ));
                }
                PrivacyKind::Gaussian(Gaussian::new(epsilon, delta, positive("bound", v[2])?))
            }
            3 => PrivacyKind::SecureAggregation(SecureAggregation),
            4 => PrivacyKind::Homomorphic(Homomorphic {
                ciphertext_bytes: v[0] as u64,
                encrypt_ms: v[1],
                add_ms: v[2],
                decrypt_ms: v[3],
            }),
            other => {
                return Err(format!(
                    "privacy mechanism {other} of the registry has no arm in PrivacyKind::parse"
                ));
            }
        })
    }

    /// The mechanism behind the registry entry.
    pub fn mechanism(&self) -> &dyn PrivacyDyn {
        match self {
            PrivacyKind::None(m) => m,
            PrivacyKind::Laplace(m) => m,
            PrivacyKind::Gaussian(m) => m,
            PrivacyKind::SecureAggregation(m) => m,
            PrivacyKind::Homomorphic(m) => m,
        }
    }
}

/// The object-safe part of [`PrivacyMechanism`] (releasing needs a generic RNG and goes through
/// [`PrivacyKind::release`]).
pub trait PrivacyDyn {
    /// See [`PrivacyMechanism::name`].
    fn name(&self) -> &'static str;
    /// See [`PrivacyMechanism::bound`].
    fn bound(&self) -> Option<f64>;
    /// See [`PrivacyMechanism::cost`].
    fn cost(&self) -> (f64, f64);
    /// See [`PrivacyMechanism::overhead`].
    fn overhead(&self, k: u64, layout: Layout) -> Overhead;
}

impl<T: PrivacyMechanism> PrivacyDyn for T {
    fn name(&self) -> &'static str {
        PrivacyMechanism::name(self)
    }
    fn bound(&self) -> Option<f64> {
        PrivacyMechanism::bound(self)
    }
    fn cost(&self) -> (f64, f64) {
        PrivacyMechanism::cost(self)
    }
    fn overhead(&self, k: u64, layout: Layout) -> Overhead {
        PrivacyMechanism::overhead(self, k, layout)
    }
}

impl PrivacyKind {
    /// Clips `x` to the mechanism's bound (if any) and releases it.
    pub fn release<R: Rng + ?Sized>(&self, x: f64, rng: &mut R) -> Release {
        let x = match self.mechanism().bound() {
            Some(b) => x.clamp(0.0, b),
            None => x,
        };
        match self {
            PrivacyKind::None(m) => m.release(x, rng),
            PrivacyKind::Laplace(m) => m.release(x, rng),
            PrivacyKind::Gaussian(m) => m.release(x, rng),
            PrivacyKind::SecureAggregation(m) => m.release(x, rng),
            PrivacyKind::Homomorphic(m) => m.release(x, rng),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_parameters_are_refused_with_the_reason() {
        let e = PrivacyKind::parse("laplace(0, 10)").unwrap_err();
        assert!(e.contains("`epsilon` of `laplace` must be > 0"), "{e}");
        let e = PrivacyKind::parse("laplace(-1, 10)").unwrap_err();
        assert!(e.contains("epsilon"), "{e}");
        let e = PrivacyKind::parse("laplace(1)").unwrap_err();
        assert!(e.contains("bound"), "{e}");
        let e = PrivacyKind::parse("gaussian(1, 0, 10)").unwrap_err();
        assert!(e.contains("`delta` of `gaussian` must be in (0, 1)"), "{e}");
        let e = PrivacyKind::parse("gaussian(1, 1, 10)").unwrap_err();
        assert!(e.contains("(0, 1)"), "{e}");
        let e = PrivacyKind::parse("laplase(1, 2)").unwrap_err();
        assert!(e.contains("laplace"), "{e}");
        assert!(PrivacyKind::parse("homomorphic").is_ok());
        assert!(PrivacyKind::parse("secure_aggregation").is_ok());
        assert!(PrivacyKind::parse("gaussian(epsilon = 0.5, delta = 1e-5, bound = 1)").is_ok());
    }

    #[test]
    fn values_are_clipped_to_the_bound_before_release() {
        let mut rng = crate::rng::stream(1, "t");
        let none = PrivacyKind::parse("none").unwrap();
        assert_eq!(none.release(42.0, &mut rng).reported, 42.0);
        assert!(none.release(42.0, &mut rng).exposed);
        let sa = PrivacyKind::parse("secure_aggregation").unwrap();
        assert_eq!(
            sa.release(3.5, &mut rng),
            Release {
                reported: 3.5,
                exposed: false
            }
        );
        let lap = PrivacyKind::parse("laplace(1e6, 10)").unwrap();
        assert!((lap.release(42.0, &mut rng).reported - 10.0).abs() < 1e-3);
        assert!((lap.release(-5.0, &mut rng).reported).abs() < 1e-3);
    }
}
