//! What a run leaves behind: its metrics ([`metrics`]) and its files ([`output`]).

pub mod metrics;
pub mod output;
pub mod stats;
