//! Calibration: the simulated worker that behaves like a language-model profile.
//!
//! [`fit`] holds the estimators, each with a 95% interval: a logistic accuracy curve (accuracy
//! against difficulty, by maximum likelihood), proportions (Wilson), the lure probability ρ
//! (inverted from how often two wrong answers to one item coincide), and the correlation of
//! two workers' correctness on the same item.

pub mod fit;
