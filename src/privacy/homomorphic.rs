//! `homomorphic(ciphertext_bytes, encrypt_ms, add_ms, decrypt_ms)`: a cost model of additively
//! homomorphic encryption (Paillier-like) with a key holder separate from the coordinator. Each
//! participant encrypts its value under the key holder's public key; the coordinator adds the
//! ciphertexts and sends the encrypted sum to the key holder, who returns the sum. Exact, nothing
//! exposed (the coordinator sees only ciphertexts, the key holder only the sum).
//!
//! Cost for k participants: each report is a ciphertext of `ciphertext_bytes` instead of an
//! 8-byte number; 2 extra messages (to and from the key holder) over the coordinator's `h` links
//! (or 2 peer to peer) and 1 extra round; compute `k · encrypt + (k − 1) · add + decrypt`.
//! Defaults: 512-byte ciphertexts (Paillier with a 2048-bit modulus), 5 ms to encrypt, 0.01 ms to
//! add, 5 ms to decrypt.

use rand::Rng;

use super::{Layout, Overhead, PrivacyMechanism, Release};

/// Default ciphertext size, bytes.
pub const CIPHERTEXT_BYTES: u64 = 512;
/// Default encryption time, ms.
pub const ENCRYPT_MS: f64 = 5.0;
/// Default homomorphic addition time, ms.
pub const ADD_MS: f64 = 0.01;
/// Default decryption time, ms.
pub const DECRYPT_MS: f64 = 5.0;

/// Additively homomorphic encryption, as costs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Homomorphic {
    /// Bytes of one ciphertext.
    pub ciphertext_bytes: u64,
    /// Encryption time per value, ms.
    pub encrypt_ms: f64,
    /// Time per homomorphic addition, ms.
    pub add_ms: f64,
    /// Decryption time of the sum, ms.
    pub decrypt_ms: f64,
}

impl PrivacyMechanism for Homomorphic {
    fn name(&self) -> &'static str {
        "homomorphic"
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
        let messages = match layout {
            Layout::Server { hops } => 2 * u64::from(hops),
            Layout::PeerToPeer => 2,
        };
        let ms =
            k as f64 * self.encrypt_ms + k.saturating_sub(1) as f64 * self.add_ms + self.decrypt_ms;
        Overhead {
            messages,
            rounds: 1,
            extra_bytes_per_value: self.ciphertext_bytes.saturating_sub(8),
            compute_seconds: ms / 1000.0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn costs_follow_the_model() {
        let m = Homomorphic {
            ciphertext_bytes: CIPHERTEXT_BYTES,
            encrypt_ms: ENCRYPT_MS,
            add_ms: ADD_MS,
            decrypt_ms: DECRYPT_MS,
        };
        let o = m.overhead(10, Layout::Server { hops: 2 });
        assert_eq!(o.messages, 4);
        assert_eq!(o.rounds, 1);
        assert_eq!(o.extra_bytes_per_value, 504);
        assert!((o.compute_seconds - (50.0 + 0.09 + 5.0) / 1000.0).abs() < 1e-15);
    }
}
