//! `none`: the value goes to the coordinator as it is. Exact, free, and the coordinator learns
//! every value (each release counts in `values_exposed`).

use rand::Rng;

use super::{Layout, Overhead, PrivacyMechanism, Release};

/// No privacy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct NoPrivacy;

impl PrivacyMechanism for NoPrivacy {
    fn name(&self) -> &'static str {
        "none"
    }
    fn bound(&self) -> Option<f64> {
        None
    }
    fn release<R: Rng + ?Sized>(&self, x: f64, _rng: &mut R) -> Release {
        Release {
            reported: x,
            exposed: true,
        }
    }
    fn cost(&self) -> (f64, f64) {
        (0.0, 0.0)
    }
    fn overhead(&self, _k: u64, _layout: Layout) -> Overhead {
        Overhead::default()
    }
}
