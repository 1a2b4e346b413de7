//! The integration tests of lamas, as one binary: the model against hand-computed answers, the
//! determinism of runs, the schedule, and the command line's behaviour on good and bad input.

mod adaptation;
mod cli;
mod credit;
mod determinism;
mod faults;
mod model;
mod privacy;
mod robustness;
mod strategies;
mod support;
mod sweep;
mod topologies;
