//! What a run leaves behind, shown: the metrics' catalogue and terminal summary, and its files
//! ([`output`]). The metrics themselves are the world describing itself ([`crate::sim::metrics`]).

pub mod catalogue;
pub mod digits;
pub mod output;
pub mod stats;
pub mod terminal;
