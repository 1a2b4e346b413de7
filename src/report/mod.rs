//! What a run leaves behind: its metrics ([`metrics`]) and its files ([`output`]).

pub mod catalogue;
pub mod digits;
pub mod metrics;
pub mod output;
pub mod stats;
pub mod terminal;
