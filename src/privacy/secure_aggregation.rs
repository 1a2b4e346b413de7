//! `secure_aggregation`: pairwise additive masking (after Bonawitz et al., CCS 2017, in its
//! semi-honest form without dropouts). Each pair of participants agrees on a key; participant i
//! adds `Σ_{j>i} m_ij - Σ_{j<i} m_ji` to its value, the masks cancel in the sum, and the
//! coordinator learns only the sum: exact, nothing exposed, no privacy budget spent.
//!
//! Cost for k participants, beyond the k masked reports:
//!
//! - through a coordinator `h` links away (star h = 1, hierarchy h = d): round 1, each
//!   participant sends its public key and the coordinator broadcasts the k keys back (2k
//!   messages); round 2, each sends k − 1 encrypted key shares, which the coordinator forwards
//!   (2k(k − 1)); round 3, after the masked reports, the coordinator asks for and receives the
//!   unmasking shares (2k): `h (2k² + 2k)` extra messages and 3 extra rounds;
//! - peer to peer (decentralized): each ordered pair exchanges a key and a share directly
//!   (2k(k − 1)), no unmasking round: `2k(k − 1)` extra messages and 2 extra rounds.
//!
//! Compute: `k(k − 1)` key agreements and mask expansions of [`KEY_AGREEMENT_MS`] each.

use rand::Rng;

use super::{Layout, Overhead, PrivacyMechanism, Release};

/// Modelled cost of one key agreement plus mask expansion, milliseconds (an X25519 agreement
/// and a short PRG expansion on a laptop core).
pub const KEY_AGREEMENT_MS: f64 = 0.1;

/// Pairwise masking.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SecureAggregation;

impl PrivacyMechanism for SecureAggregation {
    fn name(&self) -> &'static str {
        "secure_aggregation"
    }
    fn bound(&self) -> Option<f64> {
        None
    }
    fn release<R: Rng + ?Sized>(&self, x: f64, _rng: &mut R) -> Release {
        Release {
            reported: x,
            exposed: false,
        }
    }
    fn cost(&self) -> (f64, f64) {
        (0.0, 0.0)
    }
    fn overhead(&self, k: u64, layout: Layout) -> Overhead {
        let pairs = k * k.saturating_sub(1);
        let (messages, rounds) = match layout {
            Layout::Server { hops } => (u64::from(hops) * (2 * k * k + 2 * k), 3),
            Layout::PeerToPeer => (2 * pairs, 2),
        };
        Overhead {
            messages,
            rounds,
            extra_bytes_per_value: 0,
            compute_seconds: pairs as f64 * KEY_AGREEMENT_MS / 1000.0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_counts_follow_the_protocol() {
        let m = SecureAggregation;
        // k = 5 in a star: 2·25 + 10 = 60; in a hierarchy of depth 3: 180; peer to peer:
        // 2·5·4 = 40.
        assert_eq!(m.overhead(5, Layout::Server { hops: 1 }).messages, 60);
        assert_eq!(m.overhead(5, Layout::Server { hops: 3 }).messages, 180);
        assert_eq!(m.overhead(5, Layout::PeerToPeer).messages, 40);
        assert_eq!(m.overhead(5, Layout::Server { hops: 1 }).rounds, 3);
        assert_eq!(m.overhead(1, Layout::PeerToPeer).messages, 0);
        assert!((m.overhead(5, Layout::PeerToPeer).compute_seconds - 0.002).abs() < 1e-15);
    }
}
