//! Calibration: the simulated worker that behaves like a language-model profile.
//!
//! `lamas calibrate` asks each profile a sample of the bank ([`plan`]), live within a budget of
//! calls or replayed from a cassette, and fits to each profile's answers the simulated worker
//! that behaves like it ([`profile`]): skill per domain and slope of a logistic accuracy curve,
//! the shared-answer probability κ and the lure probability ρ ([`moments`]), the correlation of two workers' correctness (observed against what the
//! fitted worker predicts), and the distributions of tokens and latency. [`fit`] holds the
//! estimators, each with a 95% interval. The results are a table ([`table`]) and a scenario
//! fragment of calibrated groups ([`fragment`]); [`together`] fits a plan's profiles together
//! and pairs them.

pub mod fit;
pub mod fragment;
pub mod joint;
pub mod latent;
pub mod moments;
pub mod numeric;
pub mod plan;
pub mod profile;
pub mod table;
pub mod together;
